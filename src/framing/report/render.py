"""The renderer layer shared by every report: tables, sections and figures → text,
JSON, Markdown and HTML.

A report is a list of :class:`Section` (a title, paragraphs, :class:`Table` and
:class:`Figure`); a sections module (:mod:`framing.report.agreement_sections`,
:mod:`framing.report.analysis_sections`) turns its JSON-ready data into sections,
and this module writes them.  Figures are PNGs drawn with matplotlib's Agg canvas
(``FigureCanvasAgg``; no pyplot, no display, imported only when a figure is
drawn).  HTML embeds them as ``data:`` URIs.  Markdown embeds them too by
default, or, given a ``figure_dir``, writes each PNG beside the ``.md`` and links
it by a relative path, because GitHub does not display ``data:`` URIs.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMATS: tuple[str, ...] = ("table", "json", "markdown", "html")


# --------------------------------------------------------------------------- numbers


def fmt(x: Any, digits: int = 3) -> str:
    """A number for a table cell: ``–`` for missing, ``digits`` decimals for floats."""
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def fmt_ci(ci: Mapping[str, Any] | None) -> str:
    if not ci or ci.get("low") is None or ci.get("high") is None:
        return "–"
    return f"[{ci['low']:.3f}, {ci['high']:.3f}]"


def fmt_p(p: float | None) -> str:
    """A p-value: ``< 0.001`` below a thousandth, else three decimals."""
    if p is None:
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def signed(x: float | None) -> str:
    return "–" if x is None else f"{x:+.3f}"


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
    c = cell.replace("+", "").replace("−", "-").replace("<", "").strip()
    try:
        float(c.split(" ")[0])
    except ValueError:
        return False
    return True


@dataclass
class Figure:
    alt: str
    draw: Callable[[], bytes]
    #: File name stem when the PNG is written beside a Markdown file.
    name: str = ""


@dataclass
class Section:
    title: str
    level: int = 2
    text: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    #: Paragraphs as a bulleted list (Markdown ``-``, HTML ``<ul>``).
    bullets: bool = False


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
    contrast_text: bool = False,
) -> bytes:
    """A heatmap with the value in each cell, as PNG bytes (matplotlib, Agg canvas).

    ``contrast_text`` writes white on dark cells of any colour map (by luminance)."""
    import matplotlib
    import numpy as np

    arr = np.array(
        [[np.nan if x is None else float(x) for x in row] for row in matrix], dtype=float
    )
    if arr.ndim != 2:
        arr = arr.reshape(len(row_labels), len(col_labels))
    n_rows, n_cols = arr.shape
    width = min(16.0, 2.5 + 0.55 * n_cols + 0.07 * max((len(s) for s in row_labels), default=0))
    height = min(14.0, 2.0 + 0.45 * n_rows + 0.06 * max((len(s) for s in col_labels), default=0))
    fig = new_figure(width, height)
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
        if contrast_text and not np.isnan(x):
            r, g, b, _ = cm(im.norm(x))
            dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5
        ax.text(
            j, i, label, ha="center", va="center", fontsize=7, color="white" if dark else "black"
        )
    return png_bytes(fig)


def new_figure(width: float, height: float) -> Any:
    """A matplotlib Figure on an Agg canvas (no pyplot), constrained layout."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    fig = MplFigure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def png_bytes(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def figure_file_name(f: Figure, index: int) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", f.name or f.alt).strip("-").lower() or "figure"
    return f"{index:02d}-{stem[:60]}.png"


# --------------------------------------------------------------------------- text


def text_table(t: Table) -> list[str]:
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


def text_sections(sections: Sequence[Section]) -> list[str]:
    """Sections for the terminal: ``== title ==``, paragraphs, tables (no figures)."""
    lines: list[str] = []
    for sec in sections:
        lines.append("")
        lines.append(f"== {sec.title} ==")
        lines.extend(f"- {p}" if sec.bullets else p for p in sec.text)
        for t in sec.tables:
            lines.extend(text_table(t))
            lines.append("")
        if lines[-1] == "":
            lines.pop()
    return lines


def render_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- markdown


def md_text(c: str) -> str:
    """Escape the characters Markdown would read as markup (emphasis, HTML, links)."""
    for ch in ("\\", "`", "*", "_", "<", "[", "]"):
        c = c.replace(ch, "\\" + ch)
    return c.replace("\n", " ")


def md_cell(c: str) -> str:
    return md_text(c).replace("|", "\\|")


def md_table(t: Table) -> list[str]:
    out = []
    if t.caption:
        out += [f"*{md_cell(t.caption)}*", ""]
    out.append("| " + " | ".join(md_cell(h) for h in t.heads) + " |")
    out.append(
        "|"
        + "|".join("---:" if t.numeric(i) and i > 0 else "---" for i in range(len(t.heads)))
        + "|"
    )
    out.extend("| " + " | ".join(md_cell(c) for c in r) + " |" for r in t.rows)
    return out


def markdown_document(
    title: str,
    intro: Sequence[str],
    sections: Sequence[Section],
    *,
    figure_dir: Path | None = None,
    figure_prefix: str = "",
) -> tuple[str, dict[str, bytes]]:
    """A Markdown document and the PNG files it links (``{relative path: bytes}``).

    Without ``figure_dir`` figures are embedded as ``data:`` URIs and the dict is
    empty; with it, each figure is linked as ``figure_prefix/NN-name.png`` and its
    bytes returned, for the caller to write beside the ``.md``.
    """
    files: dict[str, bytes] = {}
    lines = [f"# {title}", ""]
    for p in intro:
        lines += [md_text(p), ""]
    n = 0
    for sec in sections:
        lines += ["#" * sec.level + " " + md_text(sec.title), ""]
        for p in sec.text:
            lines.append(f"- {md_text(p)}" if sec.bullets else md_text(p))
            if not sec.bullets:
                lines.append("")
        if sec.bullets:
            lines.append("")
        for t in sec.tables:
            lines += [*md_table(t), ""]
        for f in sec.figures:
            n += 1
            if figure_dir is None:
                lines += [f"![{md_text(f.alt)}]({data_uri(f.draw())})", ""]
            else:
                rel = (
                    f"{figure_prefix}/{figure_file_name(f, n)}"
                    if figure_prefix
                    else (figure_file_name(f, n))
                )
                files[rel] = f.draw()
                lines += [f"![{md_text(f.alt)}]({rel})", ""]
    return "\n".join(lines).rstrip("\n") + "\n", files


# --------------------------------------------------------------------------- html

CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.2em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; font-style: italic; }
img { max-width: 100%; display: block; margin: 0.5em 0 1.5em; }
"""


def html_table(t: Table) -> str:
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


def html_document(title: str, intro_html: Sequence[str], sections: Sequence[Section]) -> str:
    """A self-contained HTML page (figures embedded); ``intro_html`` is trusted markup."""
    e = html.escape
    body = [f"<h1>{e(title)}</h1>", *intro_html]
    for sec in sections:
        body.append(f"<h{sec.level}>{e(sec.title)}</h{sec.level}>")
        if sec.bullets:
            body.append("<ul>" + "".join(f"<li>{e(p)}</li>" for p in sec.text) + "</ul>")
        else:
            body.extend(f"<p>{e(p)}</p>" for p in sec.text)
        body.extend(html_table(t) for t in sec.tables)
        body.extend(f'<img alt="{e(f.alt)}" src="{data_uri(f.draw())}">' for f in sec.figures)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(title)}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )
