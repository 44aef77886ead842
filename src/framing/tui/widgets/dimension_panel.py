"""One panel per codebook dimension: its labels with their keys, the chosen one marked.

The panel is a vertically scrolling container (so a 15-label frame fits a short
terminal) holding a single widget that renders one ``Content`` (no child per label),
so marking a label or moving the focus repaints one widget and restyles one node.
When its labels do not fit, the panel scrolls the chosen label (or, with none, its
question and first labels) into view whenever the choice or the focus changes; when
they fit, it does nothing more than before.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.style import Style
from textual.widgets import Static

from framing.models import Dimension, LabelValue

_KIND_HINT = {
    "single": "one label",
    "ordinal": "one step of the scale",
    "multi": "keys toggle, enter confirms",
}
CHOSEN_STYLE = "bold reverse"


class _Labels(Static):
    """The panel's content: the question, then one line per label (clickable)."""

    def action_pick(self, label_id: str) -> None:
        """A click on a label line (click actions run in the widget that rendered them)."""
        panel = self.parent
        if isinstance(panel, DimensionPanel):
            panel.action_pick(label_id)


class DimensionPanel(VerticalScroll, can_focus=False):
    """Lists a dimension's labels; the screen tells it its value and whether it has focus."""

    class LabelPicked(Message):
        """The annotator chose ``label_id`` in ``dimension_id`` with the mouse."""

        def __init__(self, dimension_id: str, label_id: str) -> None:
            super().__init__()
            self.dimension_id = dimension_id
            self.label_id = label_id

    def __init__(self, dimension: Dimension, index: int, count: int) -> None:
        super().__init__(id=f"dim-{dimension.id}", classes="dimension-panel")
        self.dimension = dimension
        self.border_title = f"{index + 1}/{count} {dimension.id.replace('_', ' ').title()}"
        self.border_subtitle = _KIND_HINT.get(dimension.kind, dimension.kind)
        self._chosen: frozenset[str] = frozenset()
        self._focused = False
        self._labels = _Labels(self._render_labels(), markup=False)
        #: ``(width, [first line of each label])`` for the last content width seen.
        self._tops: tuple[int, list[int]] = (-1, [])

    def compose(self) -> ComposeResult:
        yield self._labels

    def _label_line(self, index: int) -> Content:
        lab = self.dimension.labels[index]
        chosen = lab.id in self._chosen
        click = Style.from_meta({"@click": f"pick({lab.id!r})"})
        line = Content.assemble(
            ("●" if chosen else " ", "bold"), " ", (lab.key, "bold"), " ", lab.name
        ).stylize(click)
        return line.stylize(CHOSEN_STYLE, 2) if chosen else line

    def _render_labels(self) -> Content:
        parts: list[Content | str | tuple[str, str | Style]] = [
            (self.dimension.question, "italic dim"),
            "\n",
        ]
        for i in range(len(self.dimension.labels)):
            parts += ["\n", self._label_line(i)]
        return Content.assemble(*parts)

    def show(self, value: LabelValue, focused: bool) -> None:
        """Mark the chosen label(s) and the focus; does nothing if neither changed."""
        gained = focused and not self._focused
        if focused != self._focused:
            self._focused = focused
            self.set_class(focused, "-focused")
        chosen = frozenset(value if isinstance(value, list) else [] if value is None else [value])
        old = self._chosen
        if chosen != old:
            self._chosen = chosen
            self._labels.update(self._render_labels(), layout=False)
        if (gained or chosen != old) and (self.max_scroll_y or self.scroll_y):
            added = chosen - old
            if added:
                self._reveal(added)  # a new choice (or a new unit's label)
            elif gained or not chosen:
                self._reveal(chosen)  # its choice, or the top if it has none

    def _reveal(self, ids: frozenset[str]) -> None:
        """Scroll the first of ``ids`` into view; the top if ``ids`` is empty."""
        index = next((i for i, lid in enumerate(self.dimension.label_ids) if lid in ids), None)
        if index is None:
            if self.scroll_y:
                self.scroll_to(y=0, animate=False, immediate=True)
            return
        tops = self._line_tops()
        top = tops[index]
        bottom = tops[index + 1] if index + 1 < len(tops) else self.virtual_size.height
        self.scroll_to_region(
            Region(0, top, 1, max(1, bottom - top)), animate=False, immediate=True
        )

    def _line_tops(self) -> list[int]:
        """The first (wrapped) line of each label line, at the current content width."""
        width = self._labels.content_size.width
        if self._tops[0] != width:
            wrap = max(1, width)
            y = len(Content(self.dimension.question).wrap(wrap)) + 1  # question, blank line
            tops = []
            for i in range(len(self.dimension.labels)):
                tops.append(y)
                y += len(self._label_line(i).wrap(wrap))
            self._tops = (width, tops)
        return self._tops[1]

    def action_pick(self, label_id: str) -> None:
        """A click on a label line."""
        self.post_message(self.LabelPicked(self.dimension.id, label_id))

    @property
    def chosen_ids(self) -> list[str]:
        """The label ids currently marked, in codebook order."""
        return [lid for lid in self.dimension.label_ids if lid in self._chosen]
