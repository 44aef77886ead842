"""``framing export`` and ``framing import-labels``: labels out and in."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from framing.cli.common import (
    _codebook,
    _store,
    check_input_file,
    codebook_option,
    db_option,
)
from framing.cli.group import main


# ----------------------------------------------------------------------- export
@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "parquet", "hf", "spacy"]),
    default="jsonl",
    show_default=True,
    help="jsonl/csv/parquet: one file; hf: a Hugging Face dataset folder; spacy: a folder "
    "of DocBins, one per split.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, allow_dash=True),
    help="File or folder (jsonl/csv default stdout; '-' is stdout). Never the database.",
)
@click.option(
    "--labels",
    type=click.Choice(["all", "gold", "majority"]),
    default="all",
    show_default=True,
    help="all: every unit; gold: units with a gold label; majority: units with a majority "
    "label, which becomes the gold (method majority).",
)
@click.option(
    "--split",
    default=None,
    metavar="TRAIN/VAL/TEST",
    help="Split shares, e.g. 80/10/10 (or 90/10). Adds a split column (one file per split "
    "for hf and spacy).",
)
@click.option(
    "--split-by",
    type=click.Choice(["document", "unit"]),
    default="document",
    show_default=True,
    help="Keep whole documents in one split (no leak), or split sentences.",
)
@click.option(
    "--stratify",
    type=click.Choice(["source", "none"]),
    default="source",
    show_default=True,
    help="Split each source separately.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Split seed.")
@click.option(
    "--dimension",
    default=None,
    metavar="DIM",
    help="spacy: the dimension in doc.cats (default: the first single/ordinal one).",
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
    fmt: str,
    output: Path | None,
    labels: str,
    split: str | None,
    split_by: str,
    stratify: str,
    seed: int,
    dimension: str | None,
    csv_raw: bool,
    db_path: str,
    codebook_path: str | None,
) -> None:
    """Write every unit (queued or not) with its labels, as a file or a dataset folder.

    \b
    Every row: unit_id, doc_id, file (relative to the ingest root, never an
    absolute path), source, title, author, publisher, date, perspective,
    position, kind, queued, text, start, end, sentiment, hints, gold
    ({dimension: {value, method, confidence}}), labels ({annotator: {dimension:
    value}}, each annotator's independent labels), majority, flags, timing
    ({annotator: {labelled_at, shown_at, active_ms}}) and split (with --split).
    CSV flattens them to label:<annotator>:<dimension>, majority:<dimension>,
    gold:<dimension> ... columns.

    \b
    Examples:
      framing export -o units.jsonl
      framing export --format parquet -o units.parquet --split 80/10/10
      framing export --format hf -o dataset/ --labels majority --split 80/10/10
      framing export --format spacy -o docbins/ --dimension frame --split 80/20

    Splits keep each document in one split; when a source has too few documents
    for every split, a warning says so (try --split-by unit).
    """
    from framing.dataset.formats import export_dataset, make_plan

    cb = _codebook(codebook_path)
    store = _store(db_path, readonly=True)
    plan = make_plan(store, split, by=split_by, stratify=stratify == "source", seed=seed)
    for w in plan.warnings if plan else []:
        click.echo(f"Warning: {w}", err=True)
    res = export_dataset(
        store,
        cb,
        fmt,
        output,
        labels=labels,
        plan=plan,
        dimension=dimension,
        stdout=sys.stdout,
        protect=(db_path,),
        csv_raw=csv_raw,
    )
    if output is not None and str(output) != "-":
        where = ", ".join(f"{k} {v}" for k, v in res.splits.items())
        click.echo(
            f"Wrote {res.rows} units to {output}" + (f" ({where})" if where else ""), err=True
        )


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
