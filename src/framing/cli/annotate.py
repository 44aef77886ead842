"""``framing annotate``: the terminal UI."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from framing.cli.common import _codebook, _store, codebook_option, db_option
from framing.cli.group import main
from framing.display import check_annotator
from framing.models import FramingError

if TYPE_CHECKING:
    from framing.store import Store


# --------------------------------------------------------------------- annotate
def session_mode(store: Store, raw: str, name: str) -> tuple[str, str]:
    """The checks before the UI starts; returns the study mode (open, study or
    blind) and ``name``'s hint condition. Each check is an index probe: counting
    a million-unit queue (or its join with the assignments) took 0.1-2 s before
    the first unit was on screen. ``benchmarks/tui_latency.py`` times it too."""
    from framing.study import hints_condition, study_mode

    if store.next_unit(None) is None:
        raise FramingError(
            f"{store.path}: no units queued for annotation; run `framing ingest` first"
        )
    store.require_study_annotator(raw)  # the raw name: "Ann1 " is not "ann1"
    mode = study_mode(store)
    if mode != "open" and store.next_unit(None, name) is None:
        raise FramingError(f"{store.path}: no units are assigned to {name!r} in this study")
    return mode, hints_condition(store, name)


@main.command()
@click.option(
    "--annotator",
    "-a",
    required=True,
    help="Your annotator name (labels are per name; surrounding spaces are removed).",
)
@click.option(
    "--new-annotator",
    is_flag=True,
    help="Start a new annotator name without asking (the name is otherwise "
    "checked against the names in the database).",
)
@click.option(
    "--theme",
    default=None,
    help="A Textual theme, e.g. framing-high-contrast (colour-blind safe); "
    "ctrl+p → Theme lists them all.",
)
@db_option
@codebook_option
def annotate(
    annotator: str,
    new_annotator: bool,
    theme: str | None,
    db_path: str,
    codebook_path: str | None,
) -> None:
    """Label units in the terminal UI.

    \b
    Keys: a label's key picks it in the focused dimension and moves on
    (enter confirms a multi-label dimension); up/down move between dimensions;
    backspace undoes one step; left/right move between units; s skips;
    c widens the context (1, 3, 10 units, the whole document); g lists the
    documents with your progress (type to filter, enter jumps); / searches the
    text; u goes to the next unit you have not finished; r lists your labels to
    review and edit; h shows or hides the hints; ? lists every key and explains
    the focused dimension; D lists the units annotators disagree on; ctrl+p
    opens the command palette (actions, themes); q quits.

    \b
    Every label is committed to the database when its key is pressed, before
    the screen shows it. Resume: a new session
    opens at the first queued unit, in document and sentence order, that you
    have neither labelled in every dimension nor skipped. That is not always
    where you stopped: a unit you left half-labelled earlier in the queue comes
    first, and skipped units are passed over (u, g, / and the arrows reach them).

    \b
    A name the database does not know is asked about first, with the known
    names ("new annotator 'Ann1 '? known: ann1, ann2"); --new-annotator skips
    the question. Keys can be remapped by binding id in
    $XDG_CONFIG_HOME/framing/keys.toml (or the file $FRAMING_KEYS names), e.g.
    [keys] context = "x"; ? lists the ids.

    \b
    In a study (framing assign), NAME must be one of its annotators and only
    NAME's units are offered; D and other annotators' labels are not shown;
    a --blind study also hides the title, document id, file and source.
    """
    from framing.annotators import new_name_question

    raw = annotator
    name = check_annotator(annotator, "--annotator")
    cb = _codebook(codebook_path)
    store = _store(db_path, create=False, interactive=True)
    mode, hints = session_mode(store, raw, name)
    question = None
    if mode == "open" and not new_annotator:
        question = new_name_question(raw, store.annotators())
    if question and not click.confirm(question, default=False):
        raise FramingError("not started: check --annotator (or pass --new-annotator)")
    session_id, others = store.start_session(name)
    for other in others:
        click.echo(
            f"Warning: another live session as {name!r} ({other}); labels from both are "
            "kept, but the two screens will not see each other's progress.",
            err=True,
        )
    from framing.tui import create_app
    from framing.tui.app import all_binding_ids
    from framing.tui.keymap import load_keymap

    keymap = load_keymap(cb, all_binding_ids())
    app = create_app(store, cb, name, keymap=keymap, mode=mode, hints=hints)
    if theme:
        if theme not in app.available_themes:
            known = ", ".join(sorted(app.available_themes))
            raise FramingError(f"--theme {theme!r}: unknown theme (known: {known})")
        app.theme = theme
    try:
        app.run()
    finally:
        store.end_session(session_id)
    if app.return_code:  # the UI crashed: its traceback is shown; never exit 0
        raise SystemExit(app.return_code)
