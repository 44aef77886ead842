"""A modal with the focused dimension's label definitions and examples."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from framing.models import Dimension


def render_help(dimension: Dimension) -> Content:
    """The codebook entry of one dimension, label by label."""
    parts: list[Content | str | tuple[str, str]] = [
        (dimension.question, "bold"),
        (f"\n({dimension.kind}", "dim"),
        (")\n" if dimension.kind != "multi" else "; keys toggle, enter confirms)\n", "dim"),
    ]
    for lab in dimension.labels:
        parts += [("\n", ""), (f"{lab.key}  {lab.name}", "bold"), (f"  [{lab.id}]\n", "dim")]
        parts.append(f"{lab.definition}\n")
        if lab.example:
            parts += [("Example: ", "dim italic"), (f"{lab.example}\n", "italic")]
    return Content.assemble(*parts).rstrip()


class HelpScreen(ModalScreen[None]):
    """Shows the codebook entry for one dimension; escape or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="help_close"),
        Binding("question_mark", "close", "Close", show=False, id="help_close_toggle"),
    ]

    def __init__(self, dimension: Dimension) -> None:
        super().__init__(id="help")
        self.dimension = dimension

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = f"Codebook: {self.dimension.id}"
            box.border_subtitle = "escape or ? closes"
            yield Static(render_help(self.dimension), id="help-text", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)

    @property
    def text(self) -> str:
        """The plain text shown (for tests)."""
        content = self.query_one("#help-text", Static).content
        return content.plain if isinstance(content, Content) else str(content)
