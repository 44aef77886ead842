"""``framing agreement`` and ``framing disagreements``: reliability from the command line.

numpy, matplotlib and the report code are imported inside the commands, so
``framing --help`` stays fast.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from framing.cli.common import (
    _codebook,
    _store,
    codebook_option,
    db_option,
    report_format,
    report_output_options,
)
from framing.cli.group import main
from framing.display import json_visible, visible

if TYPE_CHECKING:
    from framing.disagreements import DisagreementRow

# names only (no numpy): ``framing --help`` stays fast
REPORT_COEFFICIENTS = (
    "percent_agreement",
    "cohen_kappa",
    "scott_pi",
    "conger_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "brennan_prediger",
)
SCHEMES = ("identity", "linear", "quadratic", "ordinal", "radical", "ratio", "circular", "bipolar")
BY_CHOICES = ("label", "source", "document", "annotator", "time", "hints", "all")


@main.command()
@click.option(
    "--dimension",
    "-d",
    "dimensions",
    multiple=True,
    metavar="DIM",
    help="Only this dimension (repeatable). Default: every dimension of the codebook.",
)
@click.option(
    "--by",
    "by",
    multiple=True,
    type=click.Choice(BY_CHOICES),
    help="Add a breakdown (repeatable): label, source, document, annotator, time, hints "
    "(alpha per hint condition, and the anchoring of certainty on the suggestion) or all. "
    "Default: none for table/json, all for markdown/html.",
)
@click.option(
    "--pair",
    nargs=2,
    metavar="A B",
    default=None,
    help="Confusion matrix of annotators A (rows) and B (columns) in each chosen dimension.",
)
@click.option(
    "--windows",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Number of time windows for --by time.",
)
@click.option(
    "--n-boot",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Bootstrap resamples for the summary alpha interval (0: no intervals).",
)
@click.option(
    "--breakdown-n-boot",
    type=click.IntRange(min=0),
    default=None,
    help="Bootstrap resamples for each breakdown row. Default: min(--n-boot, 500).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Bootstrap seed.")
@click.option(
    "--all",
    "all_coefficients",
    is_flag=True,
    help="Add every chance-corrected coefficient with its analytic SE, 95% CI, z and p: "
    "percent agreement, Cohen's kappa and Scott's pi (2 annotators), Conger's and Fleiss' "
    "kappa, Gwet's AC1 (AC2 when weighted), Brennan-Prediger.",
)
@click.option(
    "--coefficients",
    "coefficient_list",
    default=None,
    metavar="LIST",
    help="Like --all, only these (comma-separated): " + ", ".join(REPORT_COEFFICIENTS) + ".",
)
@click.option(
    "--weights",
    type=click.Choice(SCHEMES),
    default="identity",
    show_default=True,
    help="Agreement weights for ordinal dimensions in --all/--coefficients (Gwet 2014); "
    "single and multi dimensions are always unweighted.",
)
@click.option(
    "--labels",
    "labels",
    type=click.Choice(["independent", "final"]),
    default="independent",
    show_default=True,
    help="independent: labels made before seeing anybody else's (review labels never "
    "count); final: current labels.",
)
@report_output_options()
@click.option(
    "--vs",
    type=click.Choice(["gold"]),
    default=None,
    help="gold: each annotator's accuracy and Cohen's kappa against the gold labels.",
)
@db_option
@codebook_option
def agreement(
    dimensions: tuple[str, ...],
    by: tuple[str, ...],
    pair: tuple[str, str] | None,
    windows: int,
    n_boot: int,
    breakdown_n_boot: int | None,
    seed: int,
    all_coefficients: bool,
    coefficient_list: str | None,
    weights: str,
    labels: str,
    fmt: str | None,
    as_json: bool,
    output: Path | None,
    vs: str | None,
    db_path: str,
    codebook_path: str | None,
) -> None:
    """Inter-annotator agreement per dimension, with breakdowns and reports.

    \b
    units               units labelled by at least 2 annotators
    percent_agreement   mean over units of the share of agreeing annotator pairs
    krippendorff_alpha  nominal (ordinal for an ordinal dimension, MASI for multi)
    alpha 95% CI        bootstrap over units (Gwet 2014), --n-boot resamples, --seed
    fleiss_kappa        Fleiss' kappa, units with fewer than 2 ratings dropped
    cohen_kappa         mean pairwise Cohen's kappa (unweighted)

    \b
    --all / --coefficients add, per dimension, each coefficient with its
    analytic standard error, 95% CI, z and p (Gwet 2014 ch. 5; Cohen's kappa:
    Fleiss, Cohen & Everitt 1969, as SAS and statsmodels):
      percent_agreement, cohen_kappa, scott_pi, conger_kappa, fleiss_kappa,
      gwet_ac1, gwet_ac2 (ordinal with --weights), brennan_prediger

    \b
    Breakdowns (--by, repeatable):
      label      each label against the rest (binarised alpha, kappa)
      source     per source perspective (documents.source)
      document   per document
      annotator  pairwise kappa / % agreement matrix, confusion matrix of the
                 pair sharing most units (or --pair A B), label shares vs pool
      time       alpha per time window (--windows): units ordered by their
                 latest rating, equal-size windows
      hints      per hint condition (on / off / not recorded), counting only the
                 ratings made in it; for certainty also the anchoring figure: the
                 share of labels equal to the suggested certainty, on - off, with
                 a bootstrap CI over units
      all        every one of these

    \b
    Examples:
      framing agreement
      framing agreement --by label --by annotator -d frame
      framing agreement --pair alice bob -d certainty
      framing agreement --format html -o report.html
      framing agreement --json --by all > agreement.json
      framing agreement --all --weights quadratic -d certainty

    Units with one rating and labels not in the codebook are excluded (and
    counted). The JSON schema is documented in docs/agreement-json.md.
    """
    if vs == "gold":  # issue 9: annotators against gold (see framing.cli.gold)
        from framing.cli.gold import agreement_vs_gold

        return agreement_vs_gold(dimensions, as_json or fmt == "json", db_path, codebook_path)
    out_fmt = report_format(fmt, as_json, output)
    coefficients: list[str] = []
    if all_coefficients and coefficient_list:
        raise click.UsageError("give either --all or --coefficients, not both")
    if all_coefficients:
        coefficients = list(REPORT_COEFFICIENTS)
    elif coefficient_list:
        coefficients = [c.strip() for c in coefficient_list.split(",") if c.strip()]
        unknown = [c for c in coefficients if c not in REPORT_COEFFICIENTS]
        if unknown:
            raise click.BadParameter(
                f"unknown coefficient {unknown[0]!r}; choose from {', '.join(REPORT_COEFFICIENTS)}",
                param_hint="--coefficients",
            )
    chosen = set(by)
    if not chosen and out_fmt in ("markdown", "html"):
        chosen = {"all"}

    from framing.agreement_report import agreement_report
    from framing.atomic import write_atomic
    from framing.report import render

    cb = _codebook(codebook_path)
    store = _store(db_path, readonly=True)
    report = agreement_report(
        store,
        cb,
        dimensions=dimensions or None,
        by=sorted(chosen),
        pair=pair,
        windows=windows,
        n_boot=n_boot,
        breakdown_n_boot=breakdown_n_boot,
        seed=seed,
        coefficients=coefficients,
        weights=weights,
        labels=labels,
    )
    text = render(report, out_fmt)
    # Stored names and texts are shown, never obeyed: no terminal controls.
    text = json_visible(text) if out_fmt == "json" else visible(text)
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomic(output, text, protect=(db_path,))
    if str(output) != "-":
        click.echo(f"Wrote {out_fmt} agreement report to {output}", err=True)


# ---------------------------------------------------------------- disagreements


def _format_row(rank: int, row: DisagreementRow, width: int = 100) -> list[str]:
    from framing.breakdowns import value_text

    head = (
        f"{rank:>3}. disagreement {row.disagreement:.3f}  {row.n_annotators} annotators  "
        f"{row.doc_id} unit {row.position + 1}  [{row.unit_id}]"
    )
    if len(row.by_dimension) > 1:
        head += "  (" + ", ".join(f"{d} {v:.2f}" for d, v in row.by_dimension.items()) + ")"
    lines = [head]
    lines += textwrap.wrap(
        row.text, width=width, initial_indent="     ", subsequent_indent="     "
    ) or ["     (no text)"]
    name_w = max((len(a) for a in row.labels), default=0)
    for annotator, labels in row.labels.items():
        cells = "  ".join(f"{d}={value_text(v)}" for d, v in labels.items())
        lines.append(f"     {annotator.ljust(name_w)}  {cells}")
    return lines


@main.command()
@click.option(
    "--dimension",
    "-d",
    "dimension",
    default=None,
    metavar="DIM",
    help="Rank by this dimension only.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Show the first N units (0: all).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@db_option
@codebook_option
def disagreements(
    dimension: str | None, limit: int, as_json: bool, db_path: str, codebook_path: str | None
) -> None:
    """Units the annotators disagree on, most disagreed first.

    \b
    disagreement = 1 − the unit's percent agreement (share of annotator pairs
    giving the same label; a multi dimension compares label sets exactly),
    averaged over the dimensions where the unit has at least two ratings.
    Ties: more annotators first, then document order. Units on which everybody
    agrees are not listed.
    """
    from framing.disagreements import rank_disagreements

    cb = _codebook(codebook_path)
    store = _store(db_path, readonly=True)
    rows = rank_disagreements(store, cb, dimension, limit=limit or None)
    if as_json:
        payload: dict[str, Any] = {
            "dimension": dimension,
            "units": [r.to_json() for r in rows],
        }
        click.echo(json_visible(json.dumps(payload, indent=2, ensure_ascii=False)))
        return
    if not rows:
        scope = f" in {dimension}" if dimension else ""
        click.echo(f"No disagreements{scope}: no unit with two different labels.")
        return
    for i, row in enumerate(rows, start=1):
        if i > 1:
            click.echo("")
        click.echo(visible("\n".join(_format_row(i, row))))
