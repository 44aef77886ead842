"""One panel per codebook dimension: its labels with their keys, the chosen one marked.

The panel is a single widget rendering one ``Content`` (no child per label), so
marking a label or moving the focus repaints one widget and restyles one node.
"""

from __future__ import annotations

from textual.content import Content
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


class DimensionPanel(Static):
    """Lists a dimension's labels; the screen tells it its value and whether it has focus."""

    class LabelPicked(Message):
        """The annotator chose ``label_id`` in ``dimension_id`` with the mouse."""

        def __init__(self, dimension_id: str, label_id: str) -> None:
            super().__init__()
            self.dimension_id = dimension_id
            self.label_id = label_id

    def __init__(self, dimension: Dimension, index: int, count: int) -> None:
        super().__init__(id=f"dim-{dimension.id}", classes="dimension-panel", markup=False)
        self.dimension = dimension
        self.border_title = f"{index + 1}/{count} {dimension.id.replace('_', ' ').title()}"
        self.border_subtitle = _KIND_HINT.get(dimension.kind, dimension.kind)
        self._chosen: frozenset[str] = frozenset()
        self._focused = False
        self.update(self._render_labels())

    def _render_labels(self) -> Content:
        parts: list[Content | str | tuple[str, str | Style]] = [
            (self.dimension.question, "italic dim"),
            "\n",
        ]
        for lab in self.dimension.labels:
            chosen = lab.id in self._chosen
            click = Style.from_meta({"@click": f"pick({lab.id!r})"})
            line = Content.assemble(
                ("●" if chosen else " ", "bold"), " ", (lab.key, "bold"), " ", lab.name
            ).stylize(click)
            parts += ["\n", line.stylize(CHOSEN_STYLE, 2) if chosen else line]
        return Content.assemble(*parts)

    def show(self, value: LabelValue, focused: bool) -> None:
        """Mark the chosen label(s) and the focus; does nothing if neither changed."""
        if focused != self._focused:
            self._focused = focused
            self.set_class(focused, "-focused")
        chosen = frozenset(value if isinstance(value, list) else [] if value is None else [value])
        if chosen != self._chosen:
            self._chosen = chosen
            self.update(self._render_labels(), layout=False)

    def action_pick(self, label_id: str) -> None:
        """A click on a label line."""
        self.post_message(self.LabelPicked(self.dimension.id, label_id))

    @property
    def chosen_ids(self) -> list[str]:
        """The label ids currently marked, in codebook order."""
        return [lid for lid in self.dimension.label_ids if lid in self._chosen]
