"""One status line: VADER tone, progress in the document beside overall progress,
skips, and a quiet "saved HH:MM:SS" after each commit.

Every part has a fixed width, so an update repaints it without a new layout.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import ProgressBar, Static

from framing.models import tone_label

_TONE_STYLE = {"positive": "bold #98c379", "negative": "bold #e06c75", "neutral": "bold"}


class StatusBar(Horizontal):
    """Tone · annotator · document progress · overall bar and count · skipped · saved."""

    def __init__(self, annotator: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.annotator = annotator
        self._count: tuple[int, int, int] | None = None
        self._doc: tuple[int, int] | None = None
        self._tone: float | None = -99.0
        self._saved = ""

    def compose(self) -> ComposeResult:
        yield Static(id="tone", markup=False)
        yield Static(f"{self.annotator}:", id="annotator", markup=False)
        yield Static(id="doc-progress", markup=False)
        yield ProgressBar(id="progress", show_eta=False, show_percentage=False)
        yield Static(id="progress-count", markup=False)
        yield Static(id="saved", markup=False)

    def show_tone(self, sentiment: float | None) -> None:
        """The unit's VADER compound."""
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

    def show_document(self, done: int, total: int) -> None:
        """Finished units of the current document, of its queued units."""
        if self._doc == (done, total):
            return
        self._doc = (done, total)
        text = f"doc {done}/{total}" if total else ""
        self.query_one("#doc-progress", Static).update(text, layout=False)

    def show_progress(self, done: int, total: int, skipped: int = 0) -> None:
        """Overall: finished units of all queued units, and the skipped ones."""
        if self._count == (done, total, skipped):
            return
        self._count = (done, total, skipped)
        self.query_one("#progress", ProgressBar).update(total=max(total, 1), progress=done)
        text = Content.assemble(
            f"all {done}/{total}", (f" · {skipped} skipped" if skipped else "", "$warning")
        )
        self.query_one("#progress-count", Static).update(text, layout=False)

    def show_saved(self, at: str, pending: int = 0) -> None:
        """``saved HH:MM:SS`` once something was committed; ``N pending`` (reversed)
        while labels wait for a locked database (they are retried, never dropped)."""
        key = f"{at}|{pending}"
        if key == self._saved:
            return
        self._saved = key
        if pending:
            self.query_one("#saved", Static).update(
                Content.styled(f" {pending} pending ", "bold reverse $warning"), layout=False
            )
            return
        self.query_one("#saved", Static).update(
            Content.styled(f"saved {at}", "dim") if at else "", layout=False
        )

    @property
    def text(self) -> str:
        """The status line's texts (for tests)."""
        out = []
        for static in self.query(Static):
            content = static.content
            out.append(content.plain if isinstance(content, Content) else str(content))
        return " | ".join(out)
