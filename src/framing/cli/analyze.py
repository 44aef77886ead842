"""``framing analyze``: how do the sources label the same events differently?

numpy, scipy, matplotlib and the report code are imported inside the command, so
``framing --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

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


@main.command()
@click.option(
    "--labels",
    default="majority",
    show_default=True,
    metavar="gold|majority|ANNOTATOR",
    help="Whose labels: the gold labels, the majority of the annotators, or one annotator.",
)
@report_output_options(" Markdown writes its PNGs into FILE-stem_figures/ beside it.")
@click.option(
    "--n-boot",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Bootstrap resamples for the Cramér's V interval (0: none).",
)
@click.option(
    "--n-perm",
    type=click.IntRange(min=0),
    default=2000,
    show_default=True,
    help="Most permutations for the document-level test (exact when fewer exist).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--no-sensitivity", is_flag=True, help="Skip repeating the test with every choice of labels."
)
@db_option
@codebook_option
def analyze(
    labels: str,
    fmt: str | None,
    as_json: bool,
    output: Path | None,
    n_boot: int,
    n_perm: int,
    seed: int,
    no_sensitivity: bool,
    db_path: str,
    codebook_path: str | None,
) -> None:
    """Source-bias analysis: each dimension's labels cross-tabulated by source.

    \b
    Per single/ordinal dimension: counts and shares by source, Pearson's chi2
    (no continuity correction), bias-corrected Cramér's V (Bergsma 2013) with a
    bootstrap CI, adjusted standardized residuals (which labels a source over-
    or under-uses), Kruskal–Wallis for an ordinal scale, and a document-level
    permutation test (sentences are nested in documents). Then text features by
    source (VADER tone, hedge/booster/attribution cues per 100 sentences, actors
    mentioned and quoted) and a sensitivity check (gold, majority, each annotator).

    \b
    Examples:
      framing analyze
      framing analyze --labels amina
      framing analyze --format html -o bias.html
      framing analyze --format markdown -o bias.md      # PNGs in bias_figures/
      framing analyze --json -o bias.json

    With fewer than 3 documents per source the report says so: the results then
    describe these documents, not the sources. JSON: docs/analysis-json.md.
    """
    out = None if output is None or str(output) == "-" else output
    out_fmt = report_format(fmt, as_json, output)

    from framing.analysis.bias import analyze as run
    from framing.atomic import write_atomic, write_bytes_atomic
    from framing.report.analysis_sections import render, render_markdown

    cb = _codebook(codebook_path)
    store = _store(db_path, readonly=True)
    report = run(
        store,
        cb,
        labels=labels,
        n_boot=n_boot,
        n_perm=n_perm,
        seed=seed,
        sensitivity=not no_sensitivity,
    )
    if out is None:
        click.echo(render(report, out_fmt), nl=False)
        return
    if out_fmt == "markdown":
        fig_dir = out.parent / f"{out.stem}_figures"
        text, files = render_markdown(report, fig_dir)
        for rel, png in files.items():
            write_bytes_atomic(out.parent / rel, png, protect=(db_path,))
        write_atomic(out, text, protect=(db_path,))
        click.echo(
            f"Wrote markdown analysis to {out} ({len(files)} figures in {fig_dir})", err=True
        )
        return
    write_atomic(out, render(report, out_fmt), protect=(db_path,))
    click.echo(f"Wrote {out_fmt} analysis to {out}", err=True)
