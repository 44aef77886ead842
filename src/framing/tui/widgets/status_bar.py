"""VADER tone of the current unit and this annotator's progress (done/total)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import ProgressBar, Static

from framing.models import tone_label

_TONE_STYLE = {"positive": "bold #98c379", "negative": "bold #e06c75", "neutral": "bold"}


class StatusBar(Horizontal):
    """One line: tone, then a progress bar with its count."""

    def __init__(self, annotator: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.annotator = annotator
        self._count: tuple[int, int] | None = None
        self._tone: float | None = -99.0

    def compose(self) -> ComposeResult:
        yield Static(id="tone", markup=False)
        yield Static(f"{self.annotator}:", id="annotator", markup=False)
        yield ProgressBar(id="progress", show_eta=False, show_percentage=False)
        yield Static(id="progress-count", markup=False)

    def show_tone(self, sentiment: float | None) -> None:
        """The unit's VADER compound (fixed width: repainted without a new layout)."""
        if sentiment == self._tone:
            return
        self._tone = sentiment
        tone = self.query_one("#tone", Static)
        if sentiment is None:
            tone.update("", layout=False)
            return
        label = tone_label(sentiment)
        tone.update(
            Content.assemble(
                ("tone (VADER) ", "dim"), (f"{sentiment:+.2f} {label}", _TONE_STYLE[label])
            ),
            layout=False,
        )

    def show_progress(self, done: int, total: int) -> None:
        if self._count == (done, total):
            return
        self._count = (done, total)
        self.query_one("#progress", ProgressBar).update(total=max(total, 1), progress=done)
        self.query_one("#progress-count", Static).update(f"{done}/{total} done", layout=False)
