"""Options and loaders shared by the command modules."""

from __future__ import annotations

import os
from collections.abc import Callable
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


def _codebook(path: str | None) -> Codebook:
    from framing.codebook import load_codebook

    return load_codebook(path)


def _store(path: str, *, create: bool = True, readonly: bool = False) -> Store:
    """Open the database; ``readonly`` for commands that only read (they write nothing)."""
    from framing.store import Store

    return Store.open(path, create=create, readonly=readonly)
