"""``g``: every document with this annotator's progress in it; enter jumps there.

Typing filters the list (document ids that start with the text first, then ids
and titles that contain it), so "g 0 0 4 enter" opens document 004.
"""

from __future__ import annotations

from collections.abc import Sequence

from framing.display import visible
from framing.store import Store
from framing.tui.pick_screen import PickScreen, Row


def bar(done: int, total: int, width: int = 10) -> str:
    """``█████░░░░░``: a text progress bar."""
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled)


class DocumentsScreen(PickScreen):
    TITLE_TEXT = "Documents · type to filter, enter jumps to the document's first unit, esc back"
    PLACEHOLDER = "filter: document id or title"
    COLUMNS = (
        ("document", 22),
        ("done", 9),
        ("progress", 10),
        ("skipped", 7),
        ("title", 80),
    )
    EMPTY = "No document matches."
    LIVE = True

    def __init__(
        self,
        db_path: str,
        annotator: str,
        dimension_ids: Sequence[str],
        current: str | None,
        *,
        titles: bool = True,
    ) -> None:
        super().__init__(db_path, initial=current)
        self.titles = titles
        self.annotator = annotator
        self.dimension_ids = tuple(dimension_ids)

    def fetch(self, store: Store, query: str) -> list[Row]:
        rows: list[Row] = []
        for d in store.document_progress(self.annotator, self.dimension_ids):
            if not d.queued:
                continue
            rows.append(
                (
                    d.doc_id,
                    (
                        d.doc_id,
                        f"{d.done}/{d.queued}",
                        bar(d.done, d.queued),
                        str(d.skipped or ""),
                        visible(d.title) if self.titles else "",
                    ),
                )
            )
        return rows

    def matches(self, rows: list[Row], query: str) -> list[Row]:
        q = query.strip().lower()
        if not q:
            return rows
        first = [r for r in rows if r[0].lower().startswith(q)]
        rest = [r for r in rows if r not in first and q in (r[0] + " " + r[1][-1]).lower()]
        return first + rest
