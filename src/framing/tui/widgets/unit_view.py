"""The document title, the current sentence (with hint highlights) and its dimmed neighbours.

One widget rendering one ``Content``: showing the next unit repaints one widget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.content import Content
from textual.widgets import Static

from framing.models import Unit
from framing.tui.safe import safe

if TYPE_CHECKING:
    from textual.css.styles import RulesMap

#: Highlight per cue type; actors are underlined in bold. Shared with the hints panel.
CUE_STYLES: dict[str, str] = {
    "hedge": "bold #e5c07b",
    "booster": "bold #e06c75",
    "negated_booster": "bold #d19a66",
    "attribution": "bold #56b6c2",
    "evidential": "bold #98c379",
    "anonymous_source": "bold #c678dd",
    "quote": "italic #98c379",
}
ACTOR_STYLE = "bold underline #61afef"
CONTEXT_STYLE = "dim"


def _spans(hints: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = hints.get(key)
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def highlight(text: str, hints: dict[str, Any] | None) -> Content:
    """``text`` with cue and actor spans styled (offsets are into ``text``)."""
    content = Content(text)
    if not hints:
        return content
    n = len(text)
    marks = [(c, CUE_STYLES.get(str(c.get("type")), "bold")) for c in _spans(hints, "cues")]
    marks += [(a, ACTOR_STYLE) for a in _spans(hints, "actors")]
    for item, style in marks:
        start, end = item.get("start"), item.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= n:
            content = content.stylize(style, start, end)
    return content


class UnitView(Static):
    """Shows one unit in its document context."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.title_text = ""
        self.current = Content("")
        self._text_size = (0, -1)

    def show(self, title: str, unit: Unit, before: Unit | None, after: Unit | None) -> None:
        kind = "" if unit.kind == "body" else f"  [{unit.kind}]"
        self.title_text = title
        self.current = safe(highlight(unit.text, unit.hints))
        content = safe(
            Content.assemble(
                (title, "bold"),
                (f"  · unit {unit.position + 1}{kind}\n\n", "dim"),
                (before.text if before else "(start of document)", CONTEXT_STYLE),
                "\n\n",
                self.current.stylize_before("bold"),
                "\n\n",
                (after.text if after else "(end of document)", CONTEXT_STYLE),
            )
        )
        # A new layout (of the whole screen) only if the text needs another height.
        width = self.content_region.width
        size = (width, content.get_height(cast("RulesMap", self.styles), width) if width else -1)
        self.update(content, layout=size != self._text_size or width == 0)
        self._text_size = size

    @property
    def current_text(self) -> str:
        """The plain text of the displayed sentence."""
        return self.current.plain
