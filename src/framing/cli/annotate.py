"""``framing annotate``: the terminal UI."""

from __future__ import annotations

import click

from framing.cli.common import _codebook, _store, codebook_option, db_option
from framing.cli.group import main
from framing.display import check_annotator
from framing.models import FramingError


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
    annotator = check_annotator(annotator, "--annotator")
    cb = _codebook(codebook_path)
    store = _store(db_path, create=False)
    if store.count_units(queued_only=True) == 0:
        raise FramingError(f"{db_path}: no units queued for annotation; run `framing ingest` first")
    from framing.tui import create_app

    app = create_app(store, cb, annotator)
    app.run()
    if app.return_code:  # the UI crashed: its traceback is shown; never exit 0
        raise SystemExit(app.return_code)
