"""Render an agreement report as a text table, JSON, Markdown or HTML.

The input is the JSON-ready dictionary of
:func:`framing.breakdowns.agreement_report`.  Markdown and HTML are
self-contained: heatmaps (the pairwise Cohen κ matrix and the confusion
matrix of one annotator pair per dimension) are PNGs drawn with matplotlib's
Agg canvas (``FigureCanvasAgg``; no pyplot, no display, imported only when a
figure is drawn) and embedded as ``data:image/png;base64,…`` URIs.  Both state
every coefficient's formula and what was excluded.  :func:`write_atomic`
writes a report through a temporary file and ``os.replace``, so a failure
never leaves a partial file.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from framing.breakdowns import value_text

FORMATS: tuple[str, ...] = ("table", "json", "markdown", "html")

#: (name, formula and reading) of every figure in the report.
FORMULAS: tuple[tuple[str, str], ...] = (
    (
        "Percent agreement",
        "p_a = mean over units u with m_u ≥ 2 of Σ_c n_uc (n_uc − 1) / (m_u (m_u − 1)), "
        "where n_uc is the number of ratings c in unit u and m_u the ratings of u "
        "(the share of agreeing annotator pairs; Fleiss 1971's P_i).",
    ),
    (
        "Krippendorff's α",
        "α = 1 − D_o / D_e = 1 − (n − 1) · Σ_ck o_ck δ²_ck / Σ_ck n_c n_k δ²_ck, with the "
        "coincidence matrix o_ck = Σ_u (number of c–k pairs in u) / (m_u − 1), its margins "
        "n_c and n = Σ_c n_c (Krippendorff 2011). δ²_ck: nominal 0 if c = k else 1; ordinal "
        "(Σ_{g=c..k} n_g − (n_c + n_k) / 2)² over the codebook's scale order; multi "
        "dimensions use MASI, 1 − J·M (Jaccard J, monotonicity M; Passonneau 2006).",
    ),
    (
        "Fleiss' κ",
        "κ = (P̄ − P̄_e) / (1 − P̄_e), P̄ the mean of P_u = Σ_c n_uc (n_uc − 1) / (m_u (m_u − 1)) "
        "and P̄_e = Σ_c p_c², p_c the share of all ratings in category c (Fleiss 1971).",
    ),
    (
        "Cohen's κ",
        "κ = (p_o − p_e) / (1 − p_e) for two annotators on the units both rated: p_o the "
        "share of equal labels, p_e = Σ_c p_A(c) p_B(c) (Cohen 1960). The summary gives the "
        "mean over annotator pairs; multi dimensions compare label sets exactly.",
    ),
    (
        "Bootstrap interval",
        "the units with ≥ 2 ratings are resampled with replacement B times and α is "
        "recomputed in full (observed and expected disagreement; Gwet 2014); the 95% "
        "interval is the 2.5th–97.5th percentile of the resamples. Resamples whose α is "
        "undefined are left out and counted. P(α < 0.667) and P(α < 0.800) are the shares "
        "of resamples below Krippendorff's thresholds.",
    ),
    (
        "One label against the rest",
        "each rating becomes 1 if it is (multi: contains) the label, else 0; nominal α, "
        "mean pairwise Cohen κ and percent agreement of that binary matrix. Prevalence is "
        "the share of ratings with the label.",
    ),
    (
        "Bias",
        "share_a(c) = ratings of annotator a with label c / ratings of a, on the units with "
        "≥ 2 ratings (multi: label mentions); the pool share is the same over every "
        "annotator; diff = share_a − pool; TV = ½ Σ_c |diff| (total variation distance).",
    ),
    (
        "Drift",
        "each unit with ≥ 2 ratings is dated by its latest current rating; units are ordered "
        "by that time (ties, e.g. one batch import, by document and position) and cut into "
        "W windows of (almost) equal numbers of units; α per window.",
    ),
)

EXCLUSION_RULES = (
    "Units with a single rating have no pairable value: they enter no coefficient, "
    "breakdown row, bias share or drift window.",
    "Labels off the scale (not in the codebook, e.g. after the codebook changed; for a "
    "multi dimension a set with such a label) are removed before any figure.",
    "Undefined figures (no unit with two ratings, or no variation so that expected "
    "disagreement is 0) are shown as – (null in JSON).",
)


# --------------------------------------------------------------------------- numbers


def fmt(x: Any, digits: int = 3) -> str:
    """A number for a table cell: ``–`` for missing, ``digits`` decimals for floats."""
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def fmt_ci(ci: dict[str, Any] | None) -> str:
    if not ci or ci.get("low") is None or ci.get("high") is None:
        return "–"
    return f"[{ci['low']:.3f}, {ci['high']:.3f}]"


def _signed(x: float | None) -> str:
    return "–" if x is None else f"{x:+.3f}"


def _when(stamp: str | None) -> str:
    if not stamp:
        return "–"
    return stamp.replace("T", " ")[:19]


# --------------------------------------------------------------------------- structure


@dataclass
class Table:
    heads: list[str]
    rows: list[list[str]]
    caption: str = ""

    def numeric(self, col: int) -> bool:
        cells = [r[col] for r in self.rows if r[col] not in ("–", "")]
        return bool(cells) and all(_looks_numeric(c) for c in cells)


def _looks_numeric(cell: str) -> bool:
    c = cell.replace("+", "").replace("−", "-").strip()
    try:
        float(c.split(" ")[0])
    except ValueError:
        return False
    return True


@dataclass
class Figure:
    alt: str
    draw: Callable[[], bytes]


@dataclass
class Section:
    title: str
    level: int = 2
    text: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


def summary_table(report: dict[str, Any]) -> Table:
    heads = [
        "dimension",
        "kind",
        "units",
        "coders",
        "% agree",
        "alpha",
        "alpha 95% CI",
        "Fleiss k",
        "Cohen k",
    ]
    rows = []
    for dim_id, d in report["dimensions"].items():
        rows.append(
            [
                dim_id,
                d.get("kind", ""),
                fmt(d["units"]),
                fmt(d["annotators"]),
                fmt(d["percent_agreement"]),
                fmt(d["krippendorff_alpha"]),
                fmt_ci(d.get("alpha_ci")),
                fmt(d["fleiss_kappa"]),
                fmt(d["cohen_kappa"]),
            ]
        )
    return Table(heads, rows)


def bootstrap_note(report: dict[str, Any]) -> str:
    b = report["meta"]["bootstrap"]
    if b["n_boot"] <= 0:
        return "No bootstrap intervals (--n-boot 0)."
    rows = ""
    if report["meta"]["breakdowns"]:
        rows = (
            f", {b['breakdown_n_boot']} for breakdown rows"
            if b["breakdown_n_boot"] != b["n_boot"]
            else " (breakdown rows too)"
        )
    return (
        f"alpha 95% CI: bootstrap over units (Gwet 2014), {b['n_boot']} resamples"
        f"{rows}, seed {b['seed']}."
    )


def exclusion_lines(report: dict[str, Any]) -> list[str]:
    out = []
    for dim_id, d in report["dimensions"].items():
        ex = d.get("excluded") or {}
        one = ex.get("units_one_rating", 0)
        off = ex.get("ratings_off_scale", 0)
        line = f"{dim_id}: {one} unit{'s' if one != 1 else ''} with one rating"
        if off:
            vals = ", ".join(f"{v} ×{n}" for v, n in ex.get("off_scale_values", {}).items())
            line += f"; {off} rating{'s' if off != 1 else ''} off the scale ({vals})"
        else:
            line += "; no label off the scale"
        out.append(line)
    return out


def excluded_summary(report: dict[str, Any]) -> str:
    """One line for the terminal: only what was actually excluded."""
    parts = []
    for dim_id, d in report["dimensions"].items():
        ex = d.get("excluded") or {}
        bits = []
        if ex.get("units_one_rating"):
            n = ex["units_one_rating"]
            bits.append(f"{n} unit{'s' if n != 1 else ''} with one rating")
        if ex.get("ratings_off_scale"):
            n = ex["ratings_off_scale"]
            vals = ", ".join(f"{v} ×{c}" for v, c in ex.get("off_scale_values", {}).items())
            bits.append(f"{n} rating{'s' if n != 1 else ''} off the scale ({vals})")
        if bits:
            parts.append(f"{dim_id}: " + ", ".join(bits))
    if not parts:
        return "Excluded: nothing (no unit with a single rating, no label off the scale)."
    return "Excluded: " + "; ".join(parts) + "."


def _label_rows(d: dict[str, Any]) -> Table:
    rows = [
        [
            r["label"],
            fmt(r["ratings"]),
            fmt(r["prevalence"]),
            fmt(r["percent_agreement"]),
            fmt(r["krippendorff_alpha"]),
            fmt_ci(r.get("alpha_ci")),
            fmt(r["cohen_kappa"]),
        ]
        for r in d["by_label"]
    ]
    return Table(
        ["label", "ratings", "prevalence", "% agree", "alpha", "alpha 95% CI", "Cohen k"], rows
    )


def _group_table(rows_in: list[dict[str, Any]], key: str) -> Table:
    heads = [key]
    if key == "source":
        heads.append("docs")
    if key == "document":
        heads.append("source")
    heads += ["units", "coders", "% agree", "alpha", "alpha 95% CI", "Fleiss k", "Cohen k"]
    rows = []
    for r in rows_in:
        first = (
            [r["source"], fmt(r["documents"])] if key == "source" else [r["doc_id"], r["source"]]
        )
        rows.append(
            first
            + [
                fmt(r["units"]),
                fmt(r["annotators"]),
                fmt(r["percent_agreement"]),
                fmt(r["krippendorff_alpha"]),
                fmt_ci(r.get("alpha_ci")),
                fmt(r["fleiss_kappa"]),
                fmt(r["cohen_kappa"]),
            ]
        )
    return Table(heads, rows)


def _pairwise_tables(pw: dict[str, Any]) -> list[Table]:
    pairs = Table(
        ["annotator A", "annotator B", "shared units", "% agree", "Cohen k"],
        [
            [
                p["a"],
                p["b"],
                fmt(p["units"]),
                fmt(p["percent_agreement"]),
                fmt(p["cohen_kappa"]),
            ]
            for p in pw["pairs"]
        ],
    )
    names = pw["annotators"]
    matrix = Table(
        ["Cohen k", *names],
        [[a, *[fmt(x) for x in row]] for a, row in zip(names, pw["cohen_kappa"], strict=True)],
        caption="Cohen κ matrix (the diagonal compares an annotator with themself)",
    )
    return [pairs, matrix]


def _confusion_table(c: dict[str, Any]) -> Table:
    labels = [value_text(v) for v in c["labels"]]
    heads = [f"{c['a']} ↓ / {c['b']} →", *[str(i + 1) for i in range(len(labels))], "total"]
    rows = []
    for i, (lab, row) in enumerate(zip(labels, c["matrix"], strict=True)):
        rows.append([f"{i + 1} {lab}", *[str(x) for x in row], str(sum(row))])
    col_tot = [sum(col) for col in zip(*c["matrix"], strict=True)] if c["matrix"] else []
    rows.append(["total", *[str(x) for x in col_tot], str(c["units"])])
    return Table(heads, rows)


def _bias_table(b: dict[str, Any]) -> Table:
    names = [r["annotator"] for r in b["annotators"]]
    rows = []
    for k, lab in enumerate(b["labels"]):
        cells = [lab, fmt(b["pool"]["share"][k])]
        for r in b["annotators"]:
            cells.append(f"{fmt(r['share'][k])} ({_signed(r['diff'][k])})")
        rows.append(cells)
    rows.append(
        ["ratings", fmt(b["pool"]["ratings"]), *[fmt(r["ratings"]) for r in b["annotators"]]]
    )
    rows.append(["TV distance", "", *[fmt(r["tv_distance"]) for r in b["annotators"]]])
    return Table(["label", "pool", *[f"{n} (diff)" for n in names]], rows)


def _drift_table(dr: dict[str, Any]) -> Table:
    rows = [
        [
            str(r["window"]),
            _when(r["start"]),
            _when(r["end"]),
            fmt(r["units"]),
            fmt(r["pairs"]),
            fmt(r["percent_agreement"]),
            fmt(r["krippendorff_alpha"]),
            fmt_ci(r.get("alpha_ci")),
        ]
        for r in dr["rows"]
    ]
    return Table(
        ["window", "from", "to", "units", "pairs", "% agree", "alpha", "alpha 95% CI"], rows
    )


def dimension_sections(
    dim_id: str, d: dict[str, Any], *, figures: bool, level: int = 3
) -> list[Section]:
    """The breakdown sections of one dimension (empty when none was requested)."""
    out: list[Section] = []
    keys = ("by_label", "by_source", "by_document", "pairwise", "confusion", "bias", "drift")
    if d["units"] == 0 and any(k in d for k in keys):
        return [
            Section(
                f"{dim_id}: breakdowns",
                level,
                ["No unit has two ratings in this dimension: there is nothing to break down."],
            )
        ]
    if "by_label" in d:
        out.append(
            Section(
                f"{dim_id}: per label (one against the rest)",
                level,
                [f"Nominal α on each binarised label, over {d['units']} units with ≥ 2 ratings."],
                [_label_rows(d)],
            )
        )
    if "by_source" in d:
        out.append(
            Section(
                f"{dim_id}: per source perspective",
                level,
                [],
                [_group_table(d["by_source"], "source")],
            )
        )
    if "by_document" in d:
        out.append(
            Section(
                f"{dim_id}: per document", level, [], [_group_table(d["by_document"], "document")]
            )
        )
    if "pairwise" in d:
        pw = d["pairwise"]
        sec = Section(f"{dim_id}: annotator pairs", level, [], _pairwise_tables(pw))
        if figures and len(pw["annotators"]) >= 2:
            sec.figures.append(
                Figure(
                    f"{dim_id}: pairwise Cohen kappa",
                    partial(
                        heatmap_png,
                        pw["cohen_kappa"],
                        pw["annotators"],
                        pw["annotators"],
                        f"{dim_id}: Cohen κ per annotator pair",
                        vmin=-1.0,
                        vmax=1.0,
                        cmap="RdYlGn",
                    ),
                )
            )
        out.append(sec)
    if "confusion" in d:
        c = d["confusion"]
        sec = Section(
            f"{dim_id}: confusion matrix {c['a']} × {c['b']}",
            level,
            [
                f"Pair chosen by {c.get('chosen_by', '--pair')}; {c['units']} shared units, "
                f"% agree {fmt(c['percent_agreement'])}, Cohen κ {fmt(c['cohen_kappa'])}. "
                f"Rows: {c['a']}'s labels; columns: {c['b']}'s (numbered as the rows)."
            ],
            [_confusion_table(c)],
        )
        if figures and c["units"]:
            labels = [value_text(v) for v in c["labels"]]
            sec.figures.append(
                Figure(
                    f"{dim_id}: confusion matrix {c['a']} x {c['b']}",
                    partial(
                        heatmap_png,
                        c["matrix"],
                        labels,
                        labels,
                        f"{dim_id}: {c['a']} (rows) × {c['b']} (columns)",
                        cmap="Blues",
                        integer=True,
                        xlabel=c["b"],
                        ylabel=c["a"],
                    ),
                )
            )
        out.append(sec)
    if "bias" in d:
        out.append(
            Section(
                f"{dim_id}: label distribution per annotator (bias)",
                level,
                ["Share of each label; in brackets the difference from the pool's share."],
                [_bias_table(d["bias"])],
            )
        )
    if "drift" in d:
        dr = d["drift"]
        out.append(
            Section(
                f"{dim_id}: agreement over time ({len(dr['rows'])} windows)",
                level,
                [
                    f"{dr['units']} units ({dr['pairs']} annotator pairs) ordered by the time "
                    "of their latest rating, cut into windows of equal size."
                    + (
                        f" Only {dr['distinct_times']} distinct time(s): tied units follow "
                        "document order."
                        if dr["distinct_times"] < len(dr["rows"])
                        else ""
                    )
                ],
                [_drift_table(dr)],
            )
        )
    return out


def build_sections(report: dict[str, Any], *, figures: bool) -> list[Section]:
    """The full report (Markdown/HTML): summary, breakdowns, exclusions, formulas."""
    meta = report["meta"]
    summary = Section(
        "Summary",
        2,
        [
            "units: units with ≥ 2 ratings; coders: annotators with a rating; alpha: "
            "Krippendorff's α (nominal; ordinal for an ordinal dimension; MASI for multi); "
            "Cohen k: mean pairwise Cohen κ.",
            bootstrap_note(report),
        ],
        [summary_table(report)],
    )
    out = [summary]
    for dim_id, d in report["dimensions"].items():
        subs = dimension_sections(dim_id, d, figures=figures)
        if subs:
            out.append(
                Section(f"Dimension {dim_id} ({d.get('kind', '')}, α {d.get('level', '')})", 2)
            )
            out.extend(subs)
    out.append(Section("Exclusions", 2, [*EXCLUSION_RULES, *exclusion_lines(report)]))
    out.append(Section("Formulas", 2, [f"{name}: {text}" for name, text in FORMULAS]))
    out.append(
        Section(
            "Provenance",
            2,
            [
                f"framing {meta['framing_version']}, database {meta['db']}, codebook "
                f"{meta['codebook']}, generated {meta['generated_at']}."
            ],
        )
    )
    return out


# --------------------------------------------------------------------------- figures


def heatmap_png(
    matrix: Sequence[Sequence[float | int | None]],
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    title: str,
    *,
    vmin: float | None = None,
    vmax: float | None = None,
    cmap: str = "viridis",
    integer: bool = False,
    xlabel: str = "",
    ylabel: str = "",
) -> bytes:
    """A heatmap with the value in each cell, as PNG bytes (matplotlib, Agg canvas)."""
    import matplotlib
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    arr = np.array(
        [[np.nan if x is None else float(x) for x in row] for row in matrix], dtype=float
    )
    if arr.ndim != 2:
        arr = arr.reshape(len(row_labels), len(col_labels))
    n_rows, n_cols = arr.shape
    width = min(16.0, 2.5 + 0.55 * n_cols + 0.07 * max((len(s) for s in row_labels), default=0))
    height = min(14.0, 2.0 + 0.45 * n_rows + 0.06 * max((len(s) for s in col_labels), default=0))
    fig = MplFigure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    cm = matplotlib.colormaps[cmap].with_extremes(bad="#dddddd")
    im = ax.imshow(np.ma.masked_invalid(arr), cmap=cm, vmin=vmin, vmax=vmax, aspect="auto")
    fig.colorbar(im, ax=ax, shrink=0.8)
    ax.set_xticks(range(n_cols), labels=list(col_labels), rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(n_rows), labels=list(row_labels), fontsize=8)
    ax.set_title(title, fontsize=10)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    lo = np.nanmin(arr) if np.isfinite(arr).any() else 0.0
    hi = np.nanmax(arr) if np.isfinite(arr).any() else 1.0
    mid = ((vmin if vmin is not None else lo) + (vmax if vmax is not None else hi)) / 2
    for (i, j), x in np.ndenumerate(arr):
        label = "–" if np.isnan(x) else (f"{int(x)}" if integer else f"{x:.2f}")
        if integer and x == 0:
            continue
        dark = cmap == "Blues" and not np.isnan(x) and x > mid
        ax.text(
            j, i, label, ha="center", va="center", fontsize=7, color="white" if dark else "black"
        )
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


# --------------------------------------------------------------------------- text


def _text_table(t: Table) -> list[str]:
    widths = [
        max(len(h), *(len(r[i]) for r in t.rows)) if t.rows else len(h)
        for i, h in enumerate(t.heads)
    ]
    right = [t.numeric(i) and i > 0 for i in range(len(t.heads))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    out = []
    if t.caption:
        out.append(t.caption)
    out.append(line(t.heads))
    out.append("  ".join("-" * w for w in widths))
    out.extend(line(r) for r in t.rows)
    return out


def render_table(report: dict[str, Any]) -> str:
    """The terminal report: the summary table with the α interval, then any breakdowns."""
    lines = _text_table(summary_table(report))
    lines.append("")
    lines.append(bootstrap_note(report))
    lines.append(excluded_summary(report))
    for dim_id, d in report["dimensions"].items():
        for sec in dimension_sections(dim_id, d, figures=False):
            lines.append("")
            lines.append(f"== {sec.title} ==")
            lines.extend(sec.text)
            for t in sec.tables:
                lines.extend(_text_table(t))
                lines.append("")
            if lines[-1] == "":
                lines.pop()
    return "\n".join(lines) + "\n"


def render_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- markdown


def _md_text(c: str) -> str:
    """Escape the characters Markdown would read as markup (emphasis, HTML, links)."""
    for ch in ("\\", "`", "*", "_", "<", "[", "]"):
        c = c.replace(ch, "\\" + ch)
    return c.replace("\n", " ")


def _md_cell(c: str) -> str:
    return _md_text(c).replace("|", "\\|")


def _md_table(t: Table) -> list[str]:
    out = []
    if t.caption:
        out += [f"*{_md_cell(t.caption)}*", ""]
    out.append("| " + " | ".join(_md_cell(h) for h in t.heads) + " |")
    out.append(
        "|"
        + "|".join("---:" if t.numeric(i) and i > 0 else "---" for i in range(len(t.heads)))
        + "|"
    )
    out.extend("| " + " | ".join(_md_cell(c) for c in r) + " |" for r in t.rows)
    return out


def render_markdown(report: dict[str, Any]) -> str:
    lines = ["# Agreement report", ""]
    dims = ", ".join(report["dimensions"]) or "none"
    lines += [f"Database {_md_text(report['meta']['db'])}; dimensions: {_md_text(dims)}.", ""]
    for sec in build_sections(report, figures=True):
        lines += ["#" * sec.level + " " + _md_text(sec.title), ""]
        bullets = sec.title in ("Exclusions", "Formulas")
        for p in sec.text:
            lines.append(f"- {_md_text(p)}" if bullets else _md_text(p))
            if not bullets:
                lines.append("")
        if bullets:
            lines.append("")
        for t in sec.tables:
            lines += [*_md_table(t), ""]
        for f in sec.figures:
            lines += [f"![{_md_text(f.alt)}]({data_uri(f.draw())})", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- html

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.2em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; font-style: italic; }
img { max-width: 100%; display: block; margin: 0.5em 0 1.5em; }
"""


def _html_table(t: Table) -> str:
    e = html.escape
    num = [t.numeric(i) and i > 0 for i in range(len(t.heads))]
    parts = ["<table>"]
    if t.caption:
        parts.append(f"<caption>{e(t.caption)}</caption>")
    parts.append("<tr>" + "".join(f"<th>{e(h)}</th>" for h in t.heads) + "</tr>")
    for r in t.rows:
        cells = "".join(
            f'<td class="num">{e(c)}</td>' if n else f"<td>{e(c)}</td>"
            for c, n in zip(r, num, strict=True)
        )
        parts.append(f"<tr>{cells}</tr>")
    parts.append("</table>")
    return "\n".join(parts)


def render_html(report: dict[str, Any]) -> str:
    e = html.escape
    dims = ", ".join(report["dimensions"]) or "none"
    body = [
        "<h1>Agreement report</h1>",
        f"<p>Database <code>{e(report['meta']['db'])}</code>; dimensions: {e(dims)}.</p>",
    ]
    for sec in build_sections(report, figures=True):
        body.append(f"<h{sec.level}>{e(sec.title)}</h{sec.level}>")
        if sec.title in ("Exclusions", "Formulas"):
            body.append("<ul>" + "".join(f"<li>{e(p)}</li>" for p in sec.text) + "</ul>")
        else:
            body.extend(f"<p>{e(p)}</p>" for p in sec.text)
        body.extend(_html_table(t) for t in sec.tables)
        body.extend(f'<img alt="{e(f.alt)}" src="{data_uri(f.draw())}">' for f in sec.figures)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>Agreement report</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "table": render_table,
    "json": render_json,
    "markdown": render_markdown,
    "html": render_html,
}


def render(report: dict[str, Any], fmt_name: str) -> str:
    """The report in one of :data:`FORMATS`."""
    try:
        return RENDERERS[fmt_name](report)
    except KeyError:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}; got {fmt_name!r}") from None


# --------------------------------------------------------------------------- files
