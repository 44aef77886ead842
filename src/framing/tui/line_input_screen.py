"""A one-line text prompt as a modal: enter returns the text, escape returns None.

Used for notes while annotating, and for a reason or a split offset while
adjudicating.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class LineInputScreen(ModalScreen[str | None]):
    """Ask for one line of text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="line_input_cancel"),
    ]

    def __init__(self, prompt: str, value: str = "", *, placeholder: str = "") -> None:
        super().__init__(id="line-input")
        self.prompt = prompt
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="line-input-box") as box:
            box.border_subtitle = "enter saves · escape cancels"
            yield Static(self.prompt, id="line-input-prompt", markup=False)
            yield Input(self.value, placeholder=self.placeholder, id="line-input-field")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        self.dismiss(message.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
