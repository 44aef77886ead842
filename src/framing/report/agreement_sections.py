"""The agreement report's sections: summary, breakdowns, exclusions, formulas.

The input is the JSON-ready dictionary of
:func:`framing.agreement_report.agreement_report`; :mod:`framing.report.render` writes
the sections as a text table, JSON, Markdown or HTML.  Markdown and HTML are
self-contained: heatmaps (the pairwise Cohen κ matrix and the confusion matrix
of one annotator pair per dimension) are embedded as ``data:image/png`` URIs.
Both state every coefficient's formula and what was excluded.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import partial
from typing import Any

from framing.breakdowns import value_text
from framing.report.render import (
    FORMATS,
    Figure,
    Section,
    Table,
    fmt,
    fmt_ci,
    fmt_p,
    heatmap_png,
    html_document,
    markdown_document,
    text_sections,
    text_table,
)
from framing.report.render import (
    render_json as _render_json,
)
from framing.report.render import (
    signed as _signed,
)

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


def _when(stamp: str | None) -> str:
    if not stamp:
        return "–"
    return stamp.replace("T", " ")[:19]


# --------------------------------------------------------------------------- structure


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


ESTIMATE_NAMES = {
    "percent_agreement": "% agreement",
    "cohen_kappa": "Cohen k",
    "scott_pi": "Scott pi",
    "conger_kappa": "Conger k",
    "fleiss_kappa": "Fleiss k",
    "gwet_ac1": "Gwet AC1",
    "gwet_ac2": "Gwet AC2",
    "brennan_prediger": "Brennan-Prediger",
}


def has_estimates(report: dict[str, Any]) -> bool:
    return any("estimates" in d for d in report["dimensions"].values())


def estimates_table(report: dict[str, Any]) -> Table:
    """``--all``/``--coefficients``: each coefficient with its analytic SE, CI, z and p."""
    heads = ["dimension", "coefficient", "weights", "value", "SE", "95% CI", "z", "p", "n"]
    rows = []
    for dim_id, d in report["dimensions"].items():
        for e in d.get("estimates", []):
            ci = e.get("ci") or [None, None]
            value = fmt(e.get("value"))
            if e.get("value") is None and e.get("reason"):
                value = f"– ({e['reason']})"
            rows.append(
                [
                    dim_id,
                    ESTIMATE_NAMES.get(e["coefficient"], e["coefficient"]),
                    e.get("weights", "identity"),
                    value,
                    fmt(e.get("se")),
                    fmt_ci({"low": ci[0], "high": ci[1]}),
                    fmt(e.get("z"), 2),
                    fmt_p(e.get("p")),
                    fmt(e.get("n")),
                ]
            )
    return Table(heads, rows)


def estimates_note(report: dict[str, Any]) -> str:
    return (
        "Analytic standard errors: Gwet (2014, ch. 5) linearisation over the units rated "
        "at least once, 95% CI and p from Student's t with n − 1 df (irrCAC); Cohen's "
        "kappa: Fleiss, Cohen & Everitt (1969), normal CI, z = kappa / SE under H0 (SAS, "
        "statsmodels). Upper limits are capped at 1."
    )


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
    keys = (
        "by_label",
        "by_source",
        "by_document",
        "pairwise",
        "confusion",
        "bias",
        "drift",
        "by_hints",
    )
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
    if "by_hints" in d:
        out.append(
            Section(
                f"{dim_id}: per hint condition",
                level,
                [
                    "Each row counts only the ratings made in that condition (on: hints "
                    "shown; off: no hints panel, highlights, tone or suggestion; not "
                    "recorded: labels from before studies, or imported). A unit counts when "
                    "two of its ratings were made in the condition."
                ],
                [_hints_table(d["by_hints"])],
            )
        )
    if "anchoring" in d:
        out.append(_anchoring_section(dim_id, d["anchoring"], level))
    return out


def _hints_table(rows_in: list[dict[str, Any]]) -> Table:
    rows = [
        [
            r["condition"],
            fmt(r["labels"]),
            fmt(r["units"]),
            fmt(r["annotators"]),
            fmt(r["percent_agreement"]),
            fmt(r["krippendorff_alpha"]),
            fmt_ci(r.get("alpha_ci")),
        ]
        for r in rows_in
    ]
    return Table(
        ["condition", "labels", "units", "coders", "% agree", "alpha", "alpha 95% CI"], rows
    )


def _anchoring_section(dim_id: str, a: dict[str, Any], level: int) -> Section:
    rows = [
        [name, fmt(c["labels"]), fmt(c["units"]), fmt(c["equal"]), fmt(c["share"])]
        for name, c in a["conditions"].items()
    ]
    diff = "not computed" if a["difference"] is None else fmt(a["difference"])
    ci = fmt_ci(a["ci"]) if a["ci"] else "not computed"
    return Section(
        f"{dim_id}: anchoring on the suggested certainty",
        level,
        [
            f"Share of {dim_id} labels equal to the certainty the hints suggest, per "
            f"condition. Difference on - off: {diff}, 95% CI {ci} (percentile bootstrap "
            f"over units, {a['n_boot']} resamples, seed {a['seed']}). "
            f"Excluded: {a['excluded']['labels_without_suggestion']} labels on units with "
            f"no suggestion. {a['note']}"
        ],
        [Table(["condition", "labels", "units", "equal to suggestion", "share"], rows)],
    )


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
    if has_estimates(report):
        out.append(
            Section(
                "Chance-corrected coefficients with standard errors",
                2,
                [estimates_note(report)],
                [estimates_table(report)],
            )
        )
    for dim_id, d in report["dimensions"].items():
        subs = dimension_sections(dim_id, d, figures=figures)
        if subs:
            out.append(
                Section(f"Dimension {dim_id} ({d.get('kind', '')}, α {d.get('level', '')})", 2)
            )
            out.extend(subs)
    out.append(Section("Exclusions", 2, [*EXCLUSION_RULES, *exclusion_lines(report)], bullets=True))
    out.append(Section("Formulas", 2, [f"{name}: {text}" for name, text in FORMULAS], bullets=True))
    out.append(
        Section(
            "Provenance",
            2,
            [
                f"framing {meta['framing_version']}, database {meta['db']}, codebook "
                f"{meta['codebook']}, generated {meta['generated_at']}.",
                f"Computed on {meta.get('labels_note', 'final labels')}.",
            ],
        )
    )
    return out


def render_table(report: dict[str, Any]) -> str:
    """The terminal report: the summary table with the α interval, then any breakdowns."""
    lines = text_table(summary_table(report))
    lines.append("")
    lines.append(f"Computed on {report['meta'].get('labels_note', 'final labels')}.")
    lines.append(bootstrap_note(report))
    lines.append(excluded_summary(report))
    if has_estimates(report):
        lines.append("")
        lines.extend(text_table(estimates_table(report)))
        lines.append(estimates_note(report))
    for dim_id, d in report["dimensions"].items():
        lines.extend(text_sections(dimension_sections(dim_id, d, figures=False)))
    return "\n".join(lines) + "\n"


def render_json(report: dict[str, Any]) -> str:
    return _render_json(report)


def render_markdown(report: dict[str, Any]) -> str:
    dims = ", ".join(report["dimensions"]) or "none"
    intro = f"Database {report['meta']['db']}; dimensions: {dims}."
    text, _ = markdown_document("Agreement report", [intro], build_sections(report, figures=True))
    return text


def render_html(report: dict[str, Any]) -> str:
    e = html.escape
    dims = ", ".join(report["dimensions"]) or "none"
    intro = f"<p>Database <code>{e(report['meta']['db'])}</code>; dimensions: {e(dims)}.</p>"
    return html_document("Agreement report", [intro], build_sections(report, figures=True))


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
