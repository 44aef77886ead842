"""``framing agreement``: reliability statistics from the command line."""

from __future__ import annotations

import json
from typing import Any

import click

from framing.cli_common import _codebook, _store, codebook_option, db_option


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@db_option
@codebook_option
def agreement(as_json: bool, db_path: str, codebook_path: str | None) -> None:
    """Inter-annotator agreement per dimension.

    \b
    units               units labelled by at least 2 annotators
    percent_agreement   mean over units of the share of agreeing annotator pairs
    krippendorff_alpha  nominal (ordinal for an ordinal dimension, MASI for multi)
    fleiss_kappa        Fleiss' kappa, units with fewer than 2 ratings dropped
    cohen_kappa         mean pairwise Cohen's kappa (unweighted)
    """
    from framing.analysis import agreement_summary

    cb = _codebook(codebook_path)
    summary = agreement_summary(_store(db_path, create=False), cb)
    if as_json:
        click.echo(json.dumps({"dimensions": summary}, indent=2))
        return
    cols = (
        "units",
        "annotators",
        "percent_agreement",
        "krippendorff_alpha",
        "fleiss_kappa",
        "cohen_kappa",
    )
    heads = ("dimension", "kind", "units", "coders", "% agree", "alpha", "Fleiss k", "Cohen k")
    rows = [
        [dim.id, dim.kind, *[_fmt(summary[dim.id].get(c)) for c in cols]] for dim in cb.dimensions
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(heads)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)))
    click.echo("  ".join("-" * w for w in widths))
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


def register(group: click.Group) -> None:
    group.add_command(agreement)
