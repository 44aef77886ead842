"""Options and loaders shared by the command modules."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from framing.models import Codebook
    from framing.store import Store

DEFAULT_DB = os.path.join("annotations", "framing.db")


def db_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db_path",
        default=DEFAULT_DB,
        envvar="FRAMING_DB",
        show_default=True,
        type=click.Path(dir_okay=False),
        help="SQLite database file (env FRAMING_DB).",
    )(f)


def codebook_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--codebook",
        "codebook_path",
        default=None,
        envvar="FRAMING_CODEBOOK",
        type=click.Path(dir_okay=False),
        help="Codebook TOML file (env FRAMING_CODEBOOK). Default: the bundled codebook.",
    )(f)


def check_input_file(path: str | os.PathLike[str], what: str = "input") -> None:
    """Refuse an input that is not a regular file with a one-line error: a FIFO
    would hang the command, ``/dev/zero`` would be read until memory runs out."""
    from framing.models import FramingError

    try:
        mode = os.stat(path).st_mode
    except OSError as err:
        raise FramingError(f"{path}: cannot read {what} ({err.strerror or err})") from err
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a FIFO or device?)"
        raise FramingError(f"{path}: {what} is {kind}; give a regular file")


def _codebook(path: str | None) -> Codebook:
    from framing.codebook import load_codebook

    if path is not None:
        check_input_file(path, "codebook")

    return load_codebook(path)


#: Seconds a writing command waits for the write lock (annotators hold it for a few
#: ms per label, an ingest for one short transaction at a time); FRAMING_LOCK_TIMEOUT.
LOCK_TIMEOUT = 30.0


def _lock_timeout() -> float:
    raw = os.environ.get("FRAMING_LOCK_TIMEOUT", "")
    if not raw:
        return LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise click.UsageError(
            f"FRAMING_LOCK_TIMEOUT={raw!r}: give the seconds to wait for a lock (0 < s <= 3600)"
        )
    return value


def _store(
    path: str, *, create: bool = True, readonly: bool = False, interactive: bool = False
) -> Store:
    """Open the database; ``readonly`` for commands that only read (they write nothing).

    A writing command waits up to :data:`LOCK_TIMEOUT` s for another writer (a busy
    study must not make an import fail); a reading one never waits for writers (WAL).
    ``interactive`` (the annotation UIs) keeps the store's short wait: a key press
    that meets a lock queues its label as pending rather than freezing the screen."""
    from framing.store import Store

    ctx = click.get_current_context(silent=True)
    if ctx is not None:  # named by the one-line error of a query that fails later
        ctx.meta["framing.db"] = path
    if readonly:
        store = Store.open(path, create=create, readonly=True)
    elif interactive:
        store = Store.open(path, create=create)
    else:
        store = Store.open(path, create=create, lock_timeout=_lock_timeout())
    if readonly:  # a reading command reads one moment of the database, whoever writes
        store.hold_snapshot()
    return store


#: The formats every report command writes (one renderer layer: :mod:`framing.report`).
REPORT_FORMATS = ("table", "json", "markdown", "html")
_SUFFIX_FORMATS = {".md": "markdown", ".html": "html", ".htm": "html", ".json": "json"}


def report_output_options(output_help: str = "") -> Callable[[Callable[..., Any]], Any]:
    """``--format``, ``--json`` and ``-o`` for a report command (agreement, analyze).

    One bundle, so that every report takes the same three options with the same
    meaning; resolve them with :func:`report_format`.  ``output_help`` adds what the
    command writes beside FILE (e.g. the PNGs of a Markdown report).
    """

    def decorate(f: Callable[..., Any]) -> Any:
        f = click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
            default=None,
            help="Write to FILE (atomically); '-' or none: stdout." + output_help,
        )(f)
        f = click.option("--json", "as_json", is_flag=True, help="Same as --format json.")(f)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(REPORT_FORMATS),
            default=None,
            help="Output format. Default: from the -o suffix (.json, .md, .html), else table.",
        )(f)

    return decorate


def report_format(fmt: str | None, as_json: bool, output: Path | None) -> str:
    """The format chosen by ``--format``/``--json``, else by the ``-o`` suffix, else table."""
    if as_json and fmt not in (None, "json"):
        raise click.UsageError("--json means --format json; give only one of them")
    if as_json:
        return "json"
    if fmt is not None:
        return fmt
    if output is None or str(output) == "-":
        return "table"
    return _SUFFIX_FORMATS.get(output.suffix.lower(), "table")
