"""``?``: every key binding with what it does, beside the focused dimension's codebook
entry (definitions and examples). Side by side when wide, one above the other
when narrow; escape or ? closes it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from framing.models import Dimension


def render_help(dimension: Dimension, *, brief: bool = False) -> Content:
    """The codebook entry of one dimension, label by label.

    ``brief`` (perspective in a blind study) gives the label names only: their
    definitions and examples name the documents each source wrote.
    """
    parts: list[Content | str | tuple[str, str]] = [
        (dimension.question, "bold"),
        (f"\n({dimension.kind}", "dim"),
        (")\n" if dimension.kind != "multi" else "; keys toggle, enter confirms)\n", "dim"),
    ]
    for lab in dimension.labels:
        parts += [("\n", ""), (f"{lab.key}  {lab.name}", "bold"), (f"  [{lab.id}]\n", "dim")]
        if brief:
            continue
        parts.append(f"{lab.definition}\n")
        if lab.example:
            parts += [("Example: ", "dim italic"), (f"{lab.example}\n", "italic")]
    if brief:
        parts.append(
            (
                "\nBlind study: guess whose perspective this is from the sentence alone; "
                "the definitions are hidden because they name the documents.",
                "dim italic",
            )
        )
    return Content.assemble(*parts).rstrip()


KeyRow = tuple[str, str, str]  # (key as shown, description, binding id)


def render_keys(rows: list[KeyRow], dimension: Dimension) -> Content:
    """The bindings, then the focused dimension's label keys."""
    width = max([len(k) for k, _, _ in rows] + [5])
    parts: list[Content | str | tuple[str, str]] = [
        ("Keys", "bold"),
        ("  (remap: see README)\n", "dim"),
    ]
    for key, description, binding_id in rows:
        parts += [(key.ljust(width), "bold"), f"  {description}", (f"  {binding_id}\n", "dim")]
    parts += ["\n", (f"Label keys ({dimension.id})\n", "bold")]
    for lab in dimension.labels:
        parts += [(lab.key.ljust(width), "bold"), f"  {lab.name}\n"]
    return Content.assemble(*parts).rstrip()


class HelpScreen(ModalScreen[None]):
    """Shows the key bindings and the codebook entry for one dimension."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="help_close"),
        Binding("question_mark", "close", "Close", show=False, id="help_close_toggle"),
    ]

    def __init__(
        self, dimension: Dimension, keys: list[KeyRow] | None = None, *, brief: bool = False
    ) -> None:
        super().__init__(id="help")
        self.dimension = dimension
        self.keys = keys or []
        self.brief = brief

    def compose(self) -> ComposeResult:
        with Horizontal(id="help-box") as box:
            box.border_title = f"Keys and codebook: {self.dimension.id}"
            box.border_subtitle = "escape or ? closes"
            with VerticalScroll(id="help-keys-box"):
                yield Static(render_keys(self.keys, self.dimension), id="help-keys", markup=False)
            with VerticalScroll(id="help-codebook-box"):
                yield Static(
                    render_help(self.dimension, brief=self.brief), id="help-text", markup=False
                )

    def action_close(self) -> None:
        self.dismiss(None)

    @property
    def text(self) -> str:
        """The plain text of the codebook side (for tests)."""
        content = self.query_one("#help-text", Static).content
        return content.plain if isinstance(content, Content) else str(content)

    @property
    def keys_text(self) -> str:
        """The plain text of the keys side (for tests)."""
        content = self.query_one("#help-keys", Static).content
        return content.plain if isinstance(content, Content) else str(content)
