"""The first screen of a browser session without ``?annotator=``: who is annotating?

A known name starts at once; a new one asks for a second enter, showing the
known names (the same question ``framing annotate`` asks on the command line).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from framing.annotators import new_name_question
from framing.display import check_annotator
from framing.models import FramingError


class NameScreen(Screen[None]):
    """Asks for the annotator name, then hands over to the annotation screen."""

    def __init__(self, known: Sequence[str], *, study: Sequence[str] | None = None) -> None:
        super().__init__(id="name")
        self.known = list(known)
        #: In a study, only its annotators may start (a typo never starts a new one).
        self.study = None if study is None else list(study)
        self._confirming: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="name-box") as box:
            box.border_title = "framing"
            yield Static("Your annotator name (labels are kept per name):", markup=False)
            yield Input(placeholder="name", id="name-input")
            known = ", ".join(self.known) or "(none yet)"
            yield Static(f"Known annotators: {known}", id="name-known", markup=False)
            yield Static("", id="name-question", markup=False)

    async def on_key(self, event: events.Key) -> None:
        """Keys typed before the field had focus (a fast typist, a slow start in a
        browser tab) still go into the field, so no partial name starts a session."""
        field = self.query_one(Input)
        if self.focused is field:
            return
        if event.is_printable and event.character:
            event.stop()
            field.focus()
            field.insert_text_at_cursor(event.character)
        elif event.key == "enter":
            event.stop()
            field.focus()
            await field.action_submit()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, message: Input.Changed) -> None:
        self._confirming = None
        self.query_one("#name-question", Static).update("")

    def on_input_submitted(self, message: Input.Submitted) -> None:
        raw = message.value
        try:
            name = check_annotator(raw, "name")
        except FramingError as err:
            self.query_one("#name-question", Static).update(str(err))
            return
        if self.study is not None and raw not in self.study:
            self.query_one("#name-question", Static).update(
                f"{raw!r} is not an annotator of this study (annotators: {', '.join(self.study)})"
            )
            return
        question = None if self.study is not None else new_name_question(raw, self.known)
        if question and self._confirming != raw:
            self._confirming = raw
            self.query_one("#name-question", Static).update(
                f"{question} — enter again to start as {name!r}, or correct the name."
            )
            return
        from framing.tui.app import FramingApp

        app = self.app
        assert isinstance(app, FramingApp)
        app.start_annotating(name)
