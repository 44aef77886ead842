"""One status line: VADER tone, progress in the document beside overall progress,
skips, and a quiet "saved HH:MM:SS" after each commit.

One widget rendering one line (the fields have fixed widths, the bar takes the
rest): a new unit changes the counts, the bar and the tone together, and one widget
repaints in a fraction of the time six (tone, name, document, bar, count, saved)
took, with no layout either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from framing.models import tone_label

if TYPE_CHECKING:
    from textual.app import RenderResult

_TONE_STYLE = {"positive": "bold #98c379", "negative": "bold #e06c75", "neutral": "bold"}
#: Field widths (cells): tone, document progress, overall count (after one blank), saved.
TONE_W, DOC_W, COUNT_W, SAVED_W = 30, 14, 26, 14


class StatusBar(Static):
    """Tone · annotator · document progress · overall bar and count · skipped · saved."""

    DEFAULT_CSS = """
    StatusBar > .status--muted { color: $text-muted; }
    StatusBar > .status--bar { color: $primary; }
    StatusBar > .status--bar-complete { color: $success; }
    StatusBar > .status--bar-rest { color: $surface; }
    """
    #: The annotator's name, the bar's done part (and when complete) and its rest.
    COMPONENT_CLASSES = {"status--muted", "status--bar", "status--bar-complete", "status--bar-rest"}

    def __init__(self, annotator: str, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.annotator = annotator
        self._count: tuple[int, int, int] = (0, 0, 0)
        self._known = True
        self._doc: tuple[int, int] = (0, 0)
        self._tone: float | None = None
        self._saved: tuple[str, int] = ("", 0)
        #: A narrow terminal: no tone field (the screen's ``-narrow`` class).
        self.narrow = False

    def _set(self, name: str, value: object) -> None:
        if getattr(self, name) != value:
            setattr(self, name, value)
            self.refresh()

    def set_narrow(self, narrow: bool) -> None:
        self._set("narrow", narrow)

    def show_tone(self, sentiment: float | None) -> None:
        """The unit's VADER compound (None: no tone shown)."""
        self._set("_tone", sentiment)

    def show_document(self, done: int, total: int) -> None:
        """Finished units of the current document, of its queued units."""
        self._set("_doc", (done, total))

    def show_progress(self, done: int, total: int, skipped: int = 0, *, known: bool = True) -> None:
        """Overall: finished units of all queued units, and the skipped ones
        (``known`` False: a long queue still being counted)."""
        self._set("_count", (done, total, skipped))
        self._set("_known", known)

    def show_saved(self, at: str, pending: int = 0) -> None:
        """``saved HH:MM:SS`` once something was committed; ``N pending`` (reversed)
        while labels wait for a locked database (they are retried, never dropped)."""
        self._set("_saved", (at, pending))

    # -------------------------------------------------------------- the fields
    @property
    def tone_text(self) -> Content:
        if self._tone is None:
            return Content("")
        label = tone_label(self._tone)
        return Content.assemble(
            ("tone (VADER) ", "dim"), (f"{self._tone:+.2f} {label}", _TONE_STYLE[label])
        )

    @property
    def saved_text(self) -> Content:
        at, pending = self._saved
        if pending:
            return Content.styled(f" {pending} pending ", "bold reverse $warning")
        return Content.styled(f"saved {at}", "dim") if at else Content("")

    @property
    def progress(self) -> tuple[int, int]:
        """Finished and queued units, as the bar shows them."""
        return self._count[0], self._count[1]

    def _count_text(self) -> Content:
        if not self._known:
            return Content.styled("all: counting…", "dim")
        done, total, skipped = self._count
        return Content.assemble(
            f"all {done}/{total}", (f" · {skipped} skipped" if skipped else "", "$warning")
        )

    def _bar(self, width: int) -> Content:
        """Textual's progress bar look: ``━`` in the bar colour, ``╸`` for a half cell."""
        done, total, _ = self._count
        frac = min(1.0, done / total) if total > 0 and self._known else 0.0
        halves = int(frac * width * 2)
        full, half = divmod(halves, 2)
        name = "status--bar-complete" if frac >= 1 else "status--bar"
        style = self.get_visual_style(name, partial=True)
        rest = self.get_visual_style("status--bar-rest", partial=True)
        return Content.assemble(
            Content.styled("━" * full + ("╸" if half else ""), style),
            Content.styled("━" * max(0, width - full - half), rest),
        )

    def _line(self, width: int) -> Content:
        def fit(content: Content, cells: int) -> Content:
            content = content.truncate(cells, ellipsis=True)
            return content.pad_right(cells - content.cell_length)

        muted = self.get_visual_style("status--muted", partial=True)
        name = Content.styled(f"{self.annotator}: ", muted)
        tone = Content("") if self.narrow else fit(self.tone_text, TONE_W)
        fixed = tone.cell_length + name.cell_length + DOC_W + 1 + COUNT_W + SAVED_W
        doc_done, doc_total = self._doc
        doc = Content(f"doc {doc_done}/{doc_total}" if doc_total else "")
        return Content.assemble(
            tone,
            name,
            fit(doc, DOC_W),
            self._bar(max(0, width - fixed)),
            " ",
            fit(self._count_text(), COUNT_W),
            fit(self.saved_text, SAVED_W),
        )

    def render(self) -> RenderResult:
        return self._line(self.content_region.width or self.size.width)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return 1

    @property
    def text(self) -> str:
        """The status line's texts (for tests)."""
        doc_done, doc_total = self._doc
        parts = [
            self.tone_text.plain,
            f"{self.annotator}:",
            f"doc {doc_done}/{doc_total}" if doc_total else "",
            self._count_text().plain,
            self.saved_text.plain,
        ]
        return " | ".join(parts)
