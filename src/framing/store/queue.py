"""The annotation queue: navigation in queue order, skips, resume and progress."""

from __future__ import annotations

from collections.abc import Sequence

from framing.models import Unit
from framing.store.documents import DocumentsMixin
from framing.store.rows import _UNIT_COLUMNS, _maybe_unit, _now


class QueueMixin(DocumentsMixin):
    def next_unit(self, after: Unit | None, *, queued_only: bool = True) -> Unit | None:
        """The unit after ``after`` in queue order (the first one if ``after`` is None).

        One indexed range query: ``(doc_id, position) > (?, ?)``.
        """
        q = "queued = 1 AND " if queued_only else ""
        if after is None:
            row = self.db.execute(
                f"SELECT {_UNIT_COLUMNS} FROM units WHERE {q}1 ORDER BY doc_id, position LIMIT 1"
            ).fetchone()
        else:
            row = self.db.execute(
                f"SELECT {_UNIT_COLUMNS} FROM units WHERE {q}(doc_id, position) > (?, ?)"
                " ORDER BY doc_id, position LIMIT 1",
                [after.doc_id, after.position],
            ).fetchone()
        return _maybe_unit(row)

    def last_unit(self, *, queued_only: bool = True) -> Unit | None:
        """The last unit in queue order."""
        q = "WHERE queued = 1 " if queued_only else ""
        row = self.db.execute(
            f"SELECT {_UNIT_COLUMNS} FROM units {q}ORDER BY doc_id DESC, position DESC LIMIT 1"
        ).fetchone()
        return _maybe_unit(row)

    def prev_unit(self, before: Unit, *, queued_only: bool = True) -> Unit | None:
        q = "queued = 1 AND " if queued_only else ""
        row = self.db.execute(
            f"SELECT {_UNIT_COLUMNS} FROM units WHERE {q}(doc_id, position) < (?, ?)"
            " ORDER BY doc_id DESC, position DESC LIMIT 1",
            [before.doc_id, before.position],
        ).fetchone()
        return _maybe_unit(row)

    def context(self, unit: Unit) -> tuple[Unit | None, Unit | None]:
        """The units just before and after ``unit`` in its document (any kind)."""
        before = self.db.execute(
            f"SELECT {_UNIT_COLUMNS} FROM units WHERE doc_id = ? AND position < ?"
            " ORDER BY position DESC LIMIT 1",
            [unit.doc_id, unit.position],
        ).fetchone()
        after = self.db.execute(
            f"SELECT {_UNIT_COLUMNS} FROM units WHERE doc_id = ? AND position > ?"
            " ORDER BY position LIMIT 1",
            [unit.doc_id, unit.position],
        ).fetchone()
        return (
            _maybe_unit(before),
            _maybe_unit(after),
        )

    def skip(self, unit_id: str, annotator: str) -> None:
        """Append a skip: resume no longer starts at this unit for this annotator."""
        self._append_skip(unit_id, annotator, 1)

    def unskip(self, unit_id: str, annotator: str) -> None:
        """Append a row undoing a skip (the latest row per annotator and unit counts)."""
        self._append_skip(unit_id, annotator, 0)

    def _append_skip(self, unit_id: str, annotator: str, skipped: int) -> None:
        with self._write():
            self._ensure_annotator(annotator)
            self.db.execute(
                "INSERT INTO skips (unit_id, annotator, skipped, created_at) VALUES (?, ?, ?, ?)",
                [unit_id, annotator, skipped, _now()],
            )

    #: Units whose latest skip row by an annotator (``?``) says skipped.
    _SKIPPED_SQL = (
        "SELECT unit_id FROM skips WHERE id IN ("
        "  SELECT MAX(id) FROM skips WHERE annotator = ? GROUP BY unit_id)"
        " AND skipped = 1"
    )

    def _done_sql(self, n_dims: int) -> str:
        marks = ",".join("?" * n_dims)
        return (
            "SELECT unit_id FROM labels WHERE id IN ("
            "  SELECT MAX(id) FROM labels WHERE annotator = ?"
            f"  AND dimension IN ({marks}) GROUP BY unit_id, dimension)"
            " AND value IS NOT NULL GROUP BY unit_id HAVING COUNT(*) = ?"
        )

    def first_unfinished(self, annotator: str, dimension_ids: Sequence[str]) -> Unit | None:
        """The first queued unit this annotator has neither finished nor skipped."""
        dims = list(dimension_ids)
        row = self.db.execute(
            f"SELECT {_UNIT_COLUMNS} FROM units WHERE queued = 1"
            f" AND unit_id NOT IN ({self._done_sql(len(dims))})"
            f" AND unit_id NOT IN ({self._SKIPPED_SQL})"
            " ORDER BY doc_id, position LIMIT 1",
            [annotator, *dims, len(dims), annotator],
        ).fetchone()
        return _maybe_unit(row)

    def progress(self, annotator: str, dimension_ids: Sequence[str]) -> tuple[int, int]:
        """``(done, total)``: queued units with every dimension labelled, of all queued."""
        dims = list(dimension_ids)
        done = self.db.execute(
            f"SELECT COUNT(*) FROM units WHERE queued = 1 AND unit_id IN"
            f" ({self._done_sql(len(dims))})",
            [annotator, *dims, len(dims)],
        ).fetchone()[0]
        return int(done), self.count_units(queued_only=True)
