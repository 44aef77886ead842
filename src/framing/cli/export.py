"""``framing export`` and ``framing import-labels``: labels out and in."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click

from framing.cli.common import (
    _codebook,
    _store,
    check_input_file,
    codebook_option,
    db_option,
)
from framing.cli.group import main

if TYPE_CHECKING:
    from framing.models import Codebook
    from framing.store import Store


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
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    help="File (default stdout; '-' is stdout). Never the database itself.",
)
@click.option(
    "--csv-raw",
    is_flag=True,
    help="CSV: write text cells verbatim. By default a cell starting with = + - @, "
    "tab or CR gets a leading ' so spreadsheets do not run it as a formula.",
)
@db_option
@codebook_option
def export(
    fmt: str, output: Path | None, csv_raw: bool, db_path: str, codebook_path: str | None
) -> None:
    """Write every unit (queued or not) with its current labels and majority.

    Rows are ordered by document and position. JSONL rows carry unit_id, doc_id,
    file, source, position, text, start, end, kind, queued, sentiment, labels
    ({annotator: {dimension: value}}), majority ({dimension: value or null}) and
    hints. CSV flattens labels to label:<annotator>:<dimension> columns.
    """
    from framing.export import write_csv, write_jsonl

    cb = _codebook(codebook_path)
    store = _store(db_path, readonly=True)

    def writer(store: Store, cb: Codebook, out: IO[str]) -> int:
        if fmt == "csv":
            return write_csv(store, cb, out, raw=csv_raw)
        return write_jsonl(store, cb, out)

    if output is None:
        writer(store, cb, sys.stdout)
        return
    from framing.atomic import atomic_writer

    with atomic_writer(output, protect=(db_path,)) as fh:
        n = writer(store, cb, fh)
    if str(output) != "-":
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
    from framing.imports import import_labels

    check_input_file(file, "label file")
    cb = _codebook(codebook_path)
    n, same = import_labels(file, cb, _store(db_path, create=False))
    note = f" ({same} already current, not repeated)" if same else ""
    click.echo(f"Imported {n} labels from {file}{note}")
