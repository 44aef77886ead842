"""``r``: my labelled units, most recently changed first; enter opens one to edit."""

from __future__ import annotations

from framing.models import Codebook
from framing.store import Store
from framing.tui.pick_screen import PickScreen, Row
from framing.tui.search_screen import one_line


class MyLabelsScreen(PickScreen):
    TITLE_TEXT = "My labels · newest first · type to filter, enter opens the unit to edit, esc back"
    PLACEHOLDER = "filter: text, document or label"
    COLUMNS = (("changed", 19), ("document", 22), ("unit", 5), ("labels", 40), ("text", None))
    EMPTY = "No labels yet."
    LIVE = True

    def __init__(self, db_path: str, annotator: str, codebook: Codebook) -> None:
        super().__init__(db_path)
        self.annotator = annotator
        self.codebook = codebook

    def _names(self, labels: dict[str, object]) -> str:
        out = []
        for dim in self.codebook.dimensions:
            value = labels.get(dim.id)
            ids = value if isinstance(value, list) else [] if value is None else [value]
            labs = [(dim.label(str(i)), str(i)) for i in ids]
            names = [lab.name if lab is not None else i for lab, i in labs]
            if names:
                out.append("+".join(names))
        return " · ".join(out) or "(retracted)"

    def fetch(self, store: Store, query: str) -> list[Row]:
        return [
            (
                lu.unit.unit_id,
                (
                    lu.updated_at[:19].replace("T", " "),
                    lu.unit.doc_id,
                    str(lu.unit.position + 1),
                    self._names(dict(lu.labels)),
                    one_line(lu.unit.text),
                ),
            )
            for lu in store.labelled_units(self.annotator)
        ]

    def matches(self, rows: list[Row], query: str) -> list[Row]:
        q = query.strip().lower()
        return [r for r in rows if q in " ".join(r[1]).lower()] if q else rows
