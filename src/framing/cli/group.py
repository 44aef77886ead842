"""The ``framing`` group: one-line errors for :class:`FramingError`, and the help text.

Command modules import ``main`` from here and register with ``@main.command()``;
``framing.cli`` imports them all.
"""

from __future__ import annotations

from typing import Any

import click

from framing.models import FramingError


class FramingGroup(click.Group):
    """Turns a :class:`FramingError` into a one-line ``Error: …`` and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FramingError as err:
            raise click.ClickException(str(err)) from err


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
