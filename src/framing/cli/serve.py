"""``framing serve``: the annotation UI in a browser (textual-serve)."""

from __future__ import annotations

import os

import click

from framing.cli.common import _codebook, _store, codebook_option, db_option
from framing.cli.group import main
from framing.models import FramingError


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--token",
    default=None,
    envvar="FRAMING_TOKEN",
    help="Secret that every page request must carry as ?token=… (env FRAMING_TOKEN); "
    "required with a --host other than loopback.",
)
@db_option
@codebook_option
def serve(host: str, port: int, token: str | None, db_path: str, codebook_path: str | None) -> None:
    """Serve the annotation UI to browsers.

    \b
    Open http://HOST:PORT/?annotator=NAME (add &token=T when a token is set).
    Without ?annotator= the page asks for the name. Each browser tab runs its
    own session on the same database; every label is saved at its key press,
    exactly as in `framing annotate`.

    \b
    The server binds 127.0.0.1 by default. A host reachable from other machines
    (e.g. --host 0.0.0.0) needs --token; a page request without the right token
    gets 403. Traffic is plain HTTP: put it behind an HTTPS proxy off a trusted
    network.
    """
    from framing.tui.web import FramingServer, session_command

    _codebook(codebook_path)  # a broken codebook fails here, not in every tab
    store = _store(db_path, create=False, interactive=True)
    try:
        if store.count_units(queued_only=True) == 0:
            raise FramingError(f"{db_path}: no units queued; run `framing ingest` first")
    finally:
        store.close()
    path = os.path.abspath(db_path)
    cb_path = os.path.abspath(codebook_path) if codebook_path else None
    server = FramingServer(session_command(path, cb_path), host, port, token)
    server.serve()


@main.command("web-session", hidden=True)
@db_option
@codebook_option
def web_session(db_path: str, codebook_path: str | None) -> None:
    """One browser tab's app (started by `framing serve`, not by hand)."""
    from framing.display import check_annotator
    from framing.tui import create_app
    from framing.tui.app import all_binding_ids
    from framing.tui.keymap import load_keymap
    from framing.tui.web import ANNOTATOR_ENV

    raw = os.environ.get(ANNOTATOR_ENV, "")
    name = check_annotator(raw, "?annotator=") if raw.strip() else None
    cb = _codebook(codebook_path)
    store = _store(db_path, create=False, interactive=True)
    from framing.study import hints_condition, study_mode

    mode = study_mode(store)
    if name is not None:
        store.require_study_annotator(raw)  # in a study: only its annotators
    hints = hints_condition(store, name) if name else "on"
    app = create_app(
        store, cb, name, keymap=load_keymap(cb, all_binding_ids()), mode=mode, hints=hints
    )
    app.run()
    if app.return_code:
        raise SystemExit(app.return_code)
