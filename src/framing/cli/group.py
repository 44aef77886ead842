"""The ``framing`` group: one-line errors for :class:`FramingError`, and the help text.

Command modules import ``main`` from here and register with ``@main.command()``;
``framing.cli`` imports them all.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import click

from framing.display import visible
from framing.models import FramingError


class FramingGroup(click.Group):
    """Turns a :class:`FramingError` into a one-line ``Error: …`` and exit status 1."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Refuse an argument that is not valid text (bytes that are not UTF-8 reach
        Python as lone surrogates, which crash the first print or SQL query)."""
        for arg in args:
            if any(0xD800 <= ord(c) < 0xE000 for c in arg):
                raise click.UsageError(
                    f"argument {visible(arg)!r} is not valid UTF-8 text", ctx=ctx
                )
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FramingError as err:
            # A message quotes file names and stored text: show, never obey, controls.
            raise click.ClickException(visible(str(err))) from err
        except sqlite3.Error as err:
            # A query failed after the database was opened and checked: corrupted
            # pages, a dropped view, rows edited by hand. One line, never a traceback.
            db = ctx.meta.get("framing.db", "database")
            raise click.ClickException(
                visible(
                    f"{db}: database error ({err}); it may be damaged or edited by "
                    "hand: run `framing check`"
                )
            ) from err
        except RecursionError as err:
            raise click.ClickException("input nested too deeply to read") from err


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
