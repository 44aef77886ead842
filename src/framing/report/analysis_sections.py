"""The source-bias analysis report's sections (``framing analyze``).

Input: the :class:`framing.analysis.contracts.AnalysisReport` of
:func:`framing.analysis.bias.analyze`.  Output through :mod:`framing.report.render`:
a text table, JSON, Markdown (PNG files beside the ``.md``) or HTML (PNGs embedded).
Figures: stacked label shares by source, a heatmap of adjusted residuals, the
distribution of an ordinal dimension by source, and tone by source.
"""

from __future__ import annotations

import html
from functools import partial
from pathlib import Path

from framing.analysis.contracts import AnalysisReport, DimensionResult
from framing.report.render import (
    Figure,
    Section,
    Table,
    fmt,
    fmt_ci,
    fmt_p,
    heatmap_png,
    html_document,
    markdown_document,
    new_figure,
    png_bytes,
    render_json,
    text_sections,
)

METHODS: tuple[str, ...] = (
    "Table: each unit counts once, under the source of its document (the manifest's "
    "source) and its chosen label; shares are within the source.",
    "Pearson's χ² test of independence on the sources × labels table (no continuity "
    "correction; labels and sources with no unit are left out of the test). It treats "
    "sentences as independent, which they are not: sentences of one document share an "
    "author.",
    "Cramér's V, bias-corrected (Bergsma 2013): φ̃² = max(0, χ²/n − (k−1)(r−1)/(n−1)), "
    "r̃ = r − (r−1)²/(n−1), k̃ = k − (k−1)²/(n−1), V = √(φ̃² / min(k̃−1, r̃−1)). 95% CI: "
    "percentile bootstrap, each source's units redrawn from its own label shares.",
    "Adjusted standardized residuals (Agresti): (O − E) / √(E (1 − row/n)(1 − col/n)); "
    "above +2, the source uses the label more than independence predicts; below −2, less.",
    "Document-level test: the sources are re-assigned to whole documents (each source "
    "keeps its number of documents) and χ² is recomputed; exact over every distinct "
    "assignment when there are few, else Monte Carlo.",
    "Ordinal dimensions: Kruskal–Wallis H on the label ranks (ties corrected), mean "
    "rank per source.",
    "Tone: mean VADER compound of every queued sentence, 95% t-interval (sentences "
    "as independent). Cue rates: cues found by the hint pass per 100 queued sentences.",
    "Sensitivity: the χ² test repeated with gold, the majority, and each annotator "
    "alone; the conclusion holds when every choice gives the same verdict at α.",
)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _test_line(d: DimensionResult) -> str:
    if d.get("chi2") is None:
        return "No test: fewer than two sources or two labels have units."
    dl = d["document_level"]
    v = d.get("cramers_v")
    return (
        f"Sentence level: χ²({d['dof']}) = {fmt(d['chi2'], 2)}, p {_p_text(d.get('p'))}, "
        f"n = {d['n_units']} sentences; Cramér's V (bias-corrected) {fmt(v)} "
        f"95% CI {fmt_ci(d.get('cramers_v_ci'))} (raw V {fmt(d.get('cramers_v_raw'))}). "
        f"Document level ({dl['method']}, {dl['n_permutations']} assignments of sources to "
        f"{dl['n_documents']} documents): p {_p_text(dl['p'])}."
    )


def _p_text(p: float | None) -> str:
    s = fmt_p(p)
    return s if s.startswith("<") or s == "–" else f"= {s}"


def _count_table(d: DimensionResult) -> Table:
    labels = [lab for lab in d["labels"] if any(d["table"][s][lab] for s in d["sources"])]
    rows = []
    for s in d["sources"]:
        total = sum(d["table"][s].values())
        rows.append(
            [
                s,
                *[f"{d['table'][s][lab]} ({_pct(d['shares'][s][lab])})" for lab in labels],
                str(total),
            ]
        )
    return Table(["source", *labels, "total"], rows, caption="count (share of the source)")


def _residual_table(d: DimensionResult) -> Table:
    labels = d.get("tested_labels", [])
    rows = [
        [s, *[fmt(d["residuals"][s].get(lab), 2) for lab in labels]]
        for s in d.get("tested_sources", [])
    ]
    return Table(["source", *labels], rows, caption="adjusted standardized residuals")


def stacked_shares_png(d: DimensionResult, title: str) -> bytes:
    import matplotlib

    labels = [lab for lab in d["labels"] if any(d["table"][s][lab] for s in d["sources"])]
    sources = d["sources"]
    fig = new_figure(9.0, 1.6 + 0.5 * len(sources) + 0.18 * len(labels))
    ax = fig.add_subplot()
    cmap = matplotlib.colormaps["tab20"]
    left = [0.0] * len(sources)
    for k, lab in enumerate(labels):
        vals = [d["shares"][s][lab] for s in sources]
        ax.barh(sources, vals, left=left, color=cmap(k % 20), label=lab)
        left = [a + b for a, b in zip(left, vals, strict=True)]
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the source's sentences")
    ax.invert_yaxis()
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return png_bytes(fig)


def ordinal_png(d: DimensionResult, title: str) -> bytes:
    labels = d["labels"]
    sources = d["sources"]
    fig = new_figure(8.0, 4.0)
    ax = fig.add_subplot()
    width = 0.8 / max(1, len(sources))
    for i, s in enumerate(sources):
        xs = [k + (i - (len(sources) - 1) / 2) * width for k in range(len(labels))]
        ax.bar(xs, [d["shares"][s][lab] for lab in labels], width=width, label=s)
    ax.set_xticks(range(len(labels)), labels=labels)
    ax.set_ylabel("share of the source's sentences")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    return png_bytes(fig)


def tone_png(report: AnalysisReport) -> bytes:
    tone = report["features"]["tone"]
    sources = list(tone)
    fig = new_figure(8.0, 1.5 + 0.5 * len(sources))
    ax = fig.add_subplot()
    for i, s in enumerate(sources):
        t = tone[s]
        if t["mean"] is None:
            continue
        lo, hi = t["ci"]["low"], t["ci"]["high"]
        if lo is not None and hi is not None:
            ax.plot([lo, hi], [i, i], color="#555555", linewidth=2)
        ax.plot([t["mean"]], [i], "o", color="#1f77b4")
        ax.text(t["mean"], i - 0.25, f"{t['mean']:+.2f}", ha="center", fontsize=8)
    ax.axvline(0, color="#aaaaaa", linewidth=0.8)
    ax.set_yticks(range(len(sources)), labels=[f"{s} (n={tone[s]['n_units']})" for s in sources])
    ax.set_ylim(len(sources) - 0.5, -0.7)
    ax.set_xlabel("mean VADER compound (95% CI)")
    ax.set_title("Tone by source", fontsize=10)
    return png_bytes(fig)


def dimension_sections(dim_id: str, d: DimensionResult, *, figures: bool) -> list[Section]:
    ex = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in d["excluded"].items() if v)
    sec = Section(
        f"{dim_id} by source ({d['kind']})",
        2,
        [
            f"{d['n_units']} sentences in {d['n_documents']} documents"
            + (f"; left out: {ex}." if ex else "; nothing left out."),
            _test_line(d),
        ],
        [_count_table(d)],
    )
    if d.get("chi2") is not None:
        sec.tables.append(_residual_table(d))
    rt = d.get("rank_test")
    if rt:
        ranks = ", ".join(f"{s} {v:.1f}" for s, v in rt["mean_rank"].items())
        sec.text.append(
            f"{rt['test']}: H = {fmt(rt['h'], 2)}, dof {rt['dof']}, p {_p_text(rt['p'])}; "
            f"mean rank (low = {d['labels'][0]}): {ranks}."
        )
    if figures and d["n_units"]:
        sec.figures.append(
            Figure(
                f"{dim_id}: label shares by source",
                partial(stacked_shares_png, d, f"{dim_id}: label shares by source"),
                f"{dim_id}-shares",
            )
        )
        if d.get("chi2") is not None:
            m = max(
                [abs(x) for r in d["residuals"].values() for x in r.values() if x is not None]
                + [2.0]
            )
            sec.figures.append(
                Figure(
                    f"{dim_id}: adjusted residuals",
                    partial(
                        heatmap_png,
                        [
                            [d["residuals"][s].get(lab) for lab in d["tested_labels"]]
                            for s in d["tested_sources"]
                        ],
                        d["tested_sources"],
                        d["tested_labels"],
                        f"{dim_id}: adjusted standardized residuals",
                        vmin=-m,
                        vmax=m,
                        cmap="RdBu_r",
                        contrast_text=True,
                    ),
                    f"{dim_id}-residuals",
                )
            )
        if d["kind"] == "ordinal":
            sec.figures.append(
                Figure(
                    f"{dim_id}: distribution by source",
                    partial(ordinal_png, d, f"{dim_id}: distribution by source"),
                    f"{dim_id}-distribution",
                )
            )
    return [sec]


def feature_sections(report: AnalysisReport, *, figures: bool) -> list[Section]:
    f = report["features"]
    if not f["tone"]:
        return []
    tone = Table(
        ["source", "sentences", "documents", "mean tone", "95% CI"],
        [
            [s, str(t["n_units"]), str(t["n_documents"]), fmt(t["mean"]), fmt_ci(t["ci"])]
            for s, t in f["tone"].items()
        ],
    )
    kinds = list(next(iter(f["rates_per_100"].values()), {}))
    rates = Table(
        ["source", *kinds],
        [[s, *[fmt(r[k], 1) for k in kinds]] for s, r in f["rates_per_100"].items()],
        caption="cues per 100 queued sentences",
    )
    sources = list(f["tone"])
    actors = Table(
        ["actor", *[f"{s}: mentioned / quoted" for s in sources]],
        [
            [
                f["actor_names"].get(a, a),
                *[
                    f"{by.get(s, {}).get('mentioned', 0)} / {by.get(s, {}).get('quoted', 0)}"
                    for s in sources
                ],
            ]
            for a, by in sorted(
                f["actors"].items(), key=lambda kv: -sum(v["mentioned"] for v in kv[1].values())
            )
        ],
        caption="sentences mentioning the actor / of those, sentences reporting speech",
    )
    sec = Section(
        "Text features by source",
        2,
        [
            "Computed on every queued sentence (labelled or not), from what ingest stored: "
            "the VADER compound and the hint pass's cues and actor mentions.",
            f["quoted_rule"] + ".",
        ],
        [tone, rates, actors],
    )
    if figures:
        sec.figures.append(Figure("tone by source", partial(tone_png, report), "tone"))
    return [sec]


def sensitivity_section(report: AnalysisReport) -> list[Section]:
    s = report["sensitivity"]
    if not s["rows"]:
        return []
    rows = [
        [
            r["labels"],
            r["dimension"],
            str(r["n_units"]),
            fmt(r["chi2"], 2),
            fmt_p(r["p"]),
            fmt(r["cramers_v"]),
            fmt_p(r["document_p"]),
        ]
        for r in s["rows"]
    ]
    holds = [
        f"{d}: "
        + (
            "the conclusion holds (same verdict with every choice of labels)"
            if h
            else ("the conclusion depends on whose labels are used" if h is False else "no test")
        )
        + "."
        for d, h in s["holds"].items()
    ]
    return [
        Section(
            "Sensitivity",
            2,
            [
                f"The sentence-level χ² test repeated for each choice of labels; verdict at "
                f"α = {s['alpha']}.",
                *holds,
            ],
            [Table(["labels", "dimension", "sentences", "chi2", "p", "V", "document p"], rows)],
        )
    ]


def build_sections(report: AnalysisReport, *, figures: bool) -> list[Section]:
    out: list[Section] = []
    if report["warnings"]:
        out.append(Section("Warnings", 2, list(report["warnings"]), bullets=True))
    for dim_id, d in report["dimensions"].items():
        out.extend(dimension_sections(dim_id, d, figures=figures))
    out.extend(feature_sections(report, figures=figures))
    out.extend(sensitivity_section(report))
    out.append(Section("Methods", 2, list(METHODS), bullets=True))
    m = report["meta"]
    out.append(
        Section(
            "Provenance",
            2,
            [
                f"framing {m['framing_version']}, database {m['db']}, codebook {m['codebook']}, "
                f"generated {m['generated_at']}; {m['n_boot']} bootstrap resamples, up to "
                f"{m['n_perm']} permutations, seed {m['seed']}."
            ],
        )
    )
    return out


def _intro(report: AnalysisReport) -> str:
    what = {
        "gold": "gold labels",
        "majority": "the majority label (more than half of the unit's annotators)",
    }.get(report["labels"], f"the labels of annotator {report['labels']} alone")
    return f"Labels: {what}. Database {report['meta']['db']}."


def render_table(report: AnalysisReport) -> str:
    lines = ["Source-bias analysis", _intro(report)]
    lines.extend(text_sections(build_sections(report, figures=False)))
    return "\n".join(lines) + "\n"


def render_markdown(
    report: AnalysisReport, figure_dir: Path | None = None
) -> tuple[str, dict[str, bytes]]:
    """Markdown and the PNG files to write into ``figure_dir`` (embedded without it)."""
    return markdown_document(
        "Source-bias analysis",
        [_intro(report)],
        build_sections(report, figures=True),
        figure_dir=figure_dir,
        figure_prefix=figure_dir.name if figure_dir is not None else "",
    )


def render_html(report: AnalysisReport) -> str:
    return html_document(
        "Source-bias analysis",
        [f"<p>{html.escape(_intro(report))}</p>"],
        build_sections(report, figures=True),
    )


def render(report: AnalysisReport, fmt_name: str) -> str:
    if fmt_name == "json":
        return render_json(report)
    if fmt_name == "markdown":
        return render_markdown(report)[0]
    if fmt_name == "html":
        return render_html(report)
    if fmt_name == "table":
        return render_table(report)
    raise ValueError(f"unknown format {fmt_name!r}")


__all__ = ["METHODS", "build_sections", "render", "render_html", "render_markdown"]
