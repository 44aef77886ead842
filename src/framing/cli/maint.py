"""``framing check`` and ``framing backup``: the health of a database, and copies of it."""

from __future__ import annotations

from pathlib import Path

import click

from framing.cli.common import db_option
from framing.cli.group import main
from framing.display import visible


@main.command()
@db_option
def check(db_path: str) -> None:
    """Check a database's health; exit status 1 on any finding.

    \b
    Runs SQLite's integrity_check and foreign_key_check, compares the schema
    with the one its migrations make (tables, views, indexes, columns), and
    checks that stored JSON parses (hints, multi-label values, study settings),
    that text columns hold text, and that the integer codes of the labels (what
    export and analyze read) equal the labels. One line per finding:
      framing.db: integrity: ...
    It opens the file read-only and changes nothing, so it can run while
    annotators work. Example:
      framing check --db annotations/framing.db && echo healthy
    """
    from framing.store.maint import check_database

    findings = check_database(db_path)
    for line in findings:
        click.echo(visible(f"{db_path}: {line}"))
    if findings:
        raise SystemExit(1)
    click.echo(f"{db_path}: ok (integrity, foreign keys, schema, stored JSON, label codes)")


@main.command()
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The copy to write (never the database itself).",
)
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@db_option
def backup(output: Path, force: bool, db_path: str) -> None:
    """Copy the database consistently while annotators keep working.

    \b
    Uses SQLite's online backup API: the copy is one consistent snapshot (labels
    committed after it started are not in it), written under a temporary name,
    checked as `framing check` would, and only then renamed to OUTPUT. The copy
    is a single file (no -wal). Example:
      framing backup -o backups/framing-$(date +%F).db
    """
    from framing.store.maint import backup_database

    size = backup_database(db_path, output, force=force)
    click.echo(f"Backed up {db_path} to {output} ({size / 1e6:.1f} MB); it passes `framing check`")
