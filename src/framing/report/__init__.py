"""Reports: one renderer layer (:mod:`framing.report.render`) and one sections module
per report (:mod:`framing.report.agreement_sections` for ``framing agreement``,
:mod:`framing.report.analysis_sections` for ``framing analyze``).

A new report is a new sections module that builds :class:`Section` lists from its
JSON-ready data; the renderer writes them as text, JSON, Markdown or HTML.  The
names below are the agreement report's, kept here so ``framing.report.render``
and friends stay where callers expect them.
"""

from __future__ import annotations

from framing.report.agreement_sections import (
    EXCLUSION_RULES,
    FORMULAS,
    RENDERERS,
    bootstrap_note,
    build_sections,
    dimension_sections,
    excluded_summary,
    exclusion_lines,
    render,
    render_html,
    render_json,
    render_markdown,
    render_table,
    summary_table,
)
from framing.report.render import (
    FORMATS,
    Figure,
    Section,
    Table,
    data_uri,
    fmt,
    fmt_ci,
    heatmap_png,
)

__all__ = [
    "EXCLUSION_RULES",
    "FORMATS",
    "FORMULAS",
    "RENDERERS",
    "Figure",
    "Section",
    "Table",
    "bootstrap_note",
    "build_sections",
    "data_uri",
    "dimension_sections",
    "excluded_summary",
    "exclusion_lines",
    "fmt",
    "fmt_ci",
    "heatmap_png",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
    "render_table",
    "summary_table",
]
