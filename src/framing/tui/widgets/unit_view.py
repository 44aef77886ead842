"""The current sentence (with hint highlights, and a marker) between its dimmed neighbours.

Three blocks (before, current, after) in a scrolling box; showing the next unit
repaints them, and asks for a new layout only when a block's height changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.app import ComposeResult
from textual.containers import VerticalScroll
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


def render_context(units: list[Unit]) -> Content:
    """Neighbouring units, dimmed, a blank line between them (headings in italics)."""
    parts: list[Content | str | tuple[str, str]] = []
    for i, u in enumerate(units):
        if i:
            parts.append("\n\n")
        parts.append((u.text, CONTEXT_STYLE if u.kind == "body" else f"{CONTEXT_STYLE} italic"))
    return safe(Content.assemble(*parts))


def _as_list(units: list[Unit] | Unit | None) -> list[Unit]:
    if units is None:
        return []
    return units if isinstance(units, list) else [units]


class _Part(Static):
    """One block of the unit view; repainted without a new layout when its height holds."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self._text_size = (0, -1)

    def set(self, content: Content) -> None:
        width = self.content_region.width
        styles = cast("RulesMap", self.styles)
        size = (width, content.get_height(styles, width) if width else -1)
        self.update(content, layout=size != self._text_size or width == 0)
        self._text_size = size


class UnitView(VerticalScroll, can_focus=False):
    """The current sentence, marked, between its dimmed neighbours.

    How many neighbours is the screen's choice (``c``: 1, 3, 10, the document).
    The view scrolls so that the current sentence is in view (centred when the
    context is wider than the box); a sentence taller than the box scrolls in it.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_text = ""
        self.current = Content("")
        self._before = _Part(id="ctx-before", classes="context")
        self._current = _Part(id="current")
        self._after = _Part(id="ctx-after", classes="context")
        self._edges = ("", "")

    def compose(self) -> ComposeResult:
        yield self._before
        yield self._current
        yield self._after

    def show(
        self,
        title: str,
        unit: Unit,
        before: list[Unit] | Unit | None,
        after: list[Unit] | Unit | None,
        *,
        whole: bool = False,
    ) -> None:
        """Show ``unit`` with ``before``/``after`` (``whole``: they are the document);
        a single neighbour (or None) may be passed instead of a list."""
        before = _as_list(before)
        after = _as_list(after)
        self.title_text = title
        self.current = safe(highlight(unit.text, unit.hints))
        start = "" if before or whole else "(start of document)"
        end = "" if after or whole else "(end of document)"
        self._before.set(render_context(before) if before else Content.styled(start, "dim"))
        self._current.set(self.current)
        self._after.set(render_context(after) if after else Content.styled(end, "dim"))
        if self.max_scroll_y or self.scroll_y or len(before) > 1:
            self.call_after_refresh(self.reveal_current)

    def on_resize(self) -> None:
        """The box changed height (another dimension panel opened): keep the sentence
        in view."""
        if self.max_scroll_y or self.scroll_y:
            self.call_after_refresh(self.reveal_current)

    def reveal_current(self) -> None:
        """Scroll the current sentence into view: its top when it is taller than the box."""
        cur = self._current
        if cur.outer_size.height >= self.scrollable_content_region.height:
            self.scroll_to(y=cur.virtual_region.y, animate=False, immediate=True)
        else:
            self.scroll_to_center(cur, animate=False, immediate=True)

    @property
    def text(self) -> str:
        """Everything the view shows, as plain text (for tests)."""
        parts = [self._before, self._current, self._after]
        return "\n\n".join(str(p.content) for p in parts)

    @property
    def current_text(self) -> str:
        """The plain text of the displayed sentence."""
        return self.current.plain
