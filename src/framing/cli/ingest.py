"""``framing ingest``, ``framing codebook`` and ``framing hints``: texts into units."""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

import click

from framing.cli.common import _codebook, _store, codebook_option, db_option
from framing.cli.group import main
from framing.display import json_visible, visible
from framing.models import FramingError


# ----------------------------------------------------------------------- ingest
@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--encoding", default=None, help="Read the texts with this encoding (default UTF-8).")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Segment in this many processes (default: one per CPU core, at most 8, when "
    "there is more than 256 KB of text in several files; 1: all in this process).",
)
@db_option
@codebook_option
def ingest(
    paths: tuple[Path, ...],
    encoding: str | None,
    jobs: int | None,
    db_path: str,
    codebook_path: str | None,
) -> None:
    """Split texts into units (sentences) and store them.

    PATHS are folders or files of .txt/.md text, or .jsonl with a "text" field.
    With no PATH, ingests ./seeds and its manifest.toml. Ingesting the same file
    again changes nothing. Every input is checked before anything is written;
    units are then written in short transactions, so annotators can keep working
    during a long ingest. If it stops halfway (an error, Ctrl-C), run it again:
    finished documents are kept and the unfinished one is completed. Several
    files are segmented in parallel, one process per CPU core (see --jobs); the
    database is the same either way.
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
        workers=jobs,
    )
    first = next(documents, None)
    if first is None:
        raise FramingError(
            f"no text found in {', '.join(map(str, paths))} (looked for .txt, .md and .jsonl)"
        )
    store = _store(db_path)
    try:
        with documents:  # stops the worker processes, also on an error or Ctrl-C
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
        click.echo(visible(render_codebook(cb)))


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
        click.echo(json_visible(json.dumps(unit.hints, indent=2, ensure_ascii=False)))
    else:
        click.echo(visible(format_hints(unit.hints, unit.text)))
