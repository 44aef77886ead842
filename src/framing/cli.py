"""The ``framing`` command line: a thin layer over the core modules.

Heavy imports (spaCy, Textual, numpy) happen inside the commands that need them,
so ``framing --help`` stays fast.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

import click

from framing.cli_common import _codebook, _store, codebook_option, db_option
from framing.models import FramingError


class FramingGroup(click.Group):
    """Turns a :class:`FramingError` into a one-line ``Error: …`` and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FramingError as err:
            raise click.ClickException(str(err)) from err


@click.group(cls=FramingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="framing")
def main() -> None:
    """Annotate source perspective, framing and certainty in news and policy texts.

    \b
    A typical session:
      framing ingest                      # split ./seeds into units, into annotations/framing.db
      framing annotate --annotator alice  # label units from the keyboard
      framing agreement                   # Krippendorff's alpha, Fleiss' and Cohen's kappa
      framing export --format jsonl -o labels.jsonl
    """


# ----------------------------------------------------------------------- ingest
@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--encoding", default=None, help="Read the texts with this encoding (default UTF-8).")
@db_option
@codebook_option
def ingest(
    paths: tuple[Path, ...], encoding: str | None, db_path: str, codebook_path: str | None
) -> None:
    """Split texts into units (sentences) and store them.

    PATHS are folders or files of .txt/.md text, or .jsonl with a "text" field.
    With no PATH, ingests ./seeds and its manifest.toml. Ingesting the same file
    again changes nothing; a failed ingest leaves the database as it was.
    """
    from framing.hints import Hinter
    from framing.ingest import prepare_documents

    if not paths:
        seeds = Path("seeds")
        if not seeds.is_dir():
            raise FramingError("no PATH given and no ./seeds folder here; name a folder or file")
        paths = (seeds,)
    codebook = _codebook(codebook_path)
    bar: Any = None

    def on_progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=max(total, 1), label="Segmenting", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    def warn(message: str) -> None:
        click.echo(f"Warning: {message}", err=True)

    gazetteer = [[a.id, sorted(a.aliases)] for a in codebook.actors]
    # Every input is checked before the database is opened (or created).
    documents = prepare_documents(
        list(paths),
        encoding=encoding,
        queued_kinds=codebook.queued_kinds,
        on_progress=on_progress,
        warn=warn,
        hinter=Hinter.from_codebook(codebook).hints,
        settings=json.dumps(["hints", gazetteer]),
    )
    first = next(documents, None)
    if first is None:
        raise FramingError(
            f"no text found in {', '.join(map(str, paths))} (looked for .txt, .md and .jsonl)"
        )
    store = _store(db_path)
    try:
        report = store.ingest(itertools.chain([first], documents))
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    total = store.count_units()
    queued = store.count_units(queued_only=True)
    click.echo(
        f"{report.documents_added} documents added, {report.documents_updated} updated, "
        f"{report.documents_unchanged} unchanged; {report.units_added} new units. "
        f"{db_path} now holds {len(store.documents())} documents, "
        f"{total} units ({queued} queued for annotation)."
    )


# --------------------------------------------------------------------- codebook
@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the codebook as JSON.")
@codebook_option
def codebook(as_json: bool, codebook_path: str | None) -> None:
    """Show the codebook: dimensions, labels, keys, definitions and examples."""
    from framing.codebook import codebook_to_json, render_codebook

    cb = _codebook(codebook_path)
    if as_json:
        click.echo(json.dumps(codebook_to_json(cb), indent=2, ensure_ascii=False))
    else:
        click.echo(render_codebook(cb))


# --------------------------------------------------------------------- annotate
@main.command()
@click.option("--annotator", "-a", required=True, help="Your annotator name (labels are per name).")
@db_option
@codebook_option
def annotate(annotator: str, db_path: str, codebook_path: str | None) -> None:
    """Label units in the terminal UI.

    \b
    Keys: a label's key picks it in the focused dimension and moves on
    (enter confirms a multi-label dimension); up/down move between dimensions;
    backspace undoes one step; left/right move between units; s skips;
    ? explains the focused dimension; D lists the units annotators disagree
    on (enter opens one in context); q quits. Every label is saved the moment
    its key is pressed, and the next session resumes where you stopped.
    """
    if not annotator.strip():
        raise FramingError("--annotator must not be empty")
    cb = _codebook(codebook_path)
    store = _store(db_path, create=False)
    if store.count_units(queued_only=True) == 0:
        raise FramingError(f"{db_path}: no units queued for annotation; run `framing ingest` first")
    from framing.tui import create_app

    create_app(store, cb, annotator.strip()).run()


# ----------------------------------------------------------------------- export
@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    default="jsonl",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default stdout)."
)
@db_option
@codebook_option
def export(fmt: str, output: Path | None, db_path: str, codebook_path: str | None) -> None:
    """Write every unit (queued or not) with its current labels and majority.

    Rows are ordered by document and position. JSONL rows carry unit_id, doc_id,
    file, source, position, text, start, end, kind, queued, sentiment, labels
    ({annotator: {dimension: value}}), majority ({dimension: value or null}) and
    hints. CSV flattens labels to label:<annotator>:<dimension> columns.
    """
    from framing.export import write_csv, write_jsonl

    cb = _codebook(codebook_path)
    store = _store(db_path, readonly=True)
    writer = write_csv if fmt == "csv" else write_jsonl
    if output is None:
        writer(store, cb, sys.stdout)
        return
    from framing.atomic import atomic_writer

    with atomic_writer(output) as fh:
        n = writer(store, cb, fh)
    click.echo(f"Wrote {n} units to {output}", err=True)


# ---------------------------------------------------------------- import-labels
@main.command("import-labels")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@codebook_option
def import_labels_cmd(file: Path, db_path: str, codebook_path: str | None) -> None:
    """Import labels made elsewhere from a JSONL FILE.

    \b
    Each line: {"unit_id": "...", "annotator": "...", "dimension": "...", "value": "label_id"}
    (a list of label ids for a multi dimension). Every line is checked first:
    one bad line (unknown unit, dimension or label, malformed JSON) stops the
    import with its line number, and nothing is imported.
    """
    from framing.export import import_labels

    cb = _codebook(codebook_path)
    n, same = import_labels(file, cb, _store(db_path, create=False))
    note = f" ({same} already current, not repeated)" if same else ""
    click.echo(f"Imported {n} labels from {file}{note}")


from framing.cli_agreement import register as _register_agreement  # noqa: E402

_register_agreement(main)


# ------------------------------------------------------------------------ hints
@main.command()
@click.argument("unit_id")
@click.option("--json", "as_json", is_flag=True, help="Print the stored hints as JSON.")
@db_option
def hints(unit_id: str, as_json: bool, db_path: str) -> None:
    """Show the pre-annotation hints of one unit (UNIT_ID as in `framing export`).

    Hints are cues for the annotator (hedges, boosters, attribution, actors, tone,
    a suggested certainty with its reasons); they are never preselected as labels.
    """
    from framing.hints import format_hints

    unit = _store(db_path, readonly=True).unit(unit_id)
    if unit is None:
        raise FramingError(f"{db_path}: no unit {unit_id!r}")
    if as_json:
        click.echo(json.dumps(unit.hints, indent=2, ensure_ascii=False))
    else:
        click.echo(format_hints(unit.hints, unit.text))


if __name__ == "__main__":  # pragma: no cover
    main()
