"""``/``: find queued units by their text (case-insensitive); enter jumps to one."""

from __future__ import annotations

from framing.display import visible
from framing.store import Store
from framing.tui.pick_screen import PickScreen, Row


def one_line(text: str, width: int = 200) -> str:
    flat = " ".join(visible(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


class SearchScreen(PickScreen):
    TITLE_TEXT = "Search unit text · type, enter searches, enter again jumps, esc back"
    PLACEHOLDER = "text to find (case-insensitive)"
    COLUMNS = (("document", 22), ("unit", 5), ("text", None))
    EMPTY = "Type some text and press enter: queued units containing it are listed here."
    LIMIT = 500

    def __init__(self, db_path: str, annotator: str) -> None:
        super().__init__(db_path)
        self.annotator = annotator

    def fetch(self, store: Store, query: str) -> list[Row]:
        if query.strip():
            self.EMPTY = f"No queued unit contains {query.strip()!r}."
        return [
            (u.unit_id, (u.doc_id, str(u.position + 1), one_line(u.text)))
            for u in store.search_units(query, self.annotator, limit=self.LIMIT)
        ]
