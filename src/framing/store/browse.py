"""Reads for moving around a corpus in the UI: wider context, per-document progress,
text search, one annotator's labelled units and skips.

Each method is one or two indexed queries, except the lists (documents, search,
"my labels") that scan; the UI runs those in a worker with its own read-only store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from framing.models import LabelValue, Unit
from framing.store.queue import _U_COLUMNS, QueueMixin
from framing.store.rows import _UNIT_COLUMNS, _unit_from_row, decode_value


@dataclass(frozen=True)
class DocumentProgress:
    """One row of the document list: queued units, and how many one annotator finished."""

    doc_id: str
    title: str
    queued: int
    done: int
    skipped: int


@dataclass(frozen=True)
class LabelledUnit:
    """One row of "my labels": a unit and this annotator's current labels of it."""

    unit: Unit
    labels: dict[str, LabelValue]
    updated_at: str


class BrowseMixin(QueueMixin):
    def context_window(self, unit: Unit, size: int | None) -> tuple[list[Unit], list[Unit]]:
        """Up to ``size`` units before and after ``unit`` in its document (any kind);
        ``size=None``: the whole document. Both lists are in document order."""
        limit = "" if size is None else f" LIMIT {int(size)}"
        before = self.db.execute(
            f"SELECT {_UNIT_COLUMNS} FROM units WHERE doc_id = ? AND position < ?"
            f" AND kind != 'superseded' ORDER BY position DESC{limit}",
            [unit.doc_id, unit.position],
        ).fetchall()
        after = self.db.execute(
            f"SELECT {_UNIT_COLUMNS} FROM units WHERE doc_id = ? AND position > ?"
            f" AND kind != 'superseded' ORDER BY position{limit}",
            [unit.doc_id, unit.position],
        ).fetchall()
        return [_unit_from_row(r) for r in reversed(before)], [_unit_from_row(r) for r in after]

    def first_unit_of(self, doc_id: str, annotator: str | None = None) -> Unit | None:
        """The first unit of a document in ``annotator``'s queue (None if none)."""
        return self._queue_unit(annotator, where="u.doc_id = ?", params=[doc_id])

    def next_unfinished(
        self, annotator: str, dimension_ids: Sequence[str], after: Unit | None
    ) -> Unit | None:
        """The next unit of the annotator's queue after ``after`` (wrapping to the
        start) not labelled in every dimension; skipped units count as unfinished
        here (``u`` is how one returns to them)."""
        dims = list(dimension_ids)
        marks = ",".join("?" * len(dims))
        # Walk the queue from ``after`` and stop at the first unit lacking a label: an
        # indexed range scan that reads only as far as the first gap.
        not_done = (
            "(SELECT COUNT(*) FROM labels l WHERE l.id IN ("
            " SELECT MAX(id) FROM labels WHERE annotator = ? AND unit_id = u.unit_id"
            f" AND dimension IN ({marks}) GROUP BY dimension) AND l.value IS NOT NULL) < ?"
        )
        params = [annotator, *dims, len(dims)]
        if after is not None:
            unit = self._queue_unit(annotator, cursor=after, where=not_done, params=params)
            if unit is not None:
                return unit
        return self._queue_unit(annotator, where=not_done, params=params)

    def _per_document(
        self, annotator: str | None, where: str, params: list[object]
    ) -> dict[str, int]:
        sql, args = self._queue_sql(
            "u.doc_id, COUNT(*)", annotator, where=where, params=params, ordered=False
        )
        return dict(self.db.execute(sql + " GROUP BY u.doc_id", args).fetchall())

    def document_progress(
        self, annotator: str, dimension_ids: Sequence[str], doc_id: str | None = None
    ) -> list[DocumentProgress]:
        """Per document (or one) of the annotator's queue: its units in the queue,
        and how many of them the annotator finished and skipped."""
        dims = list(dimension_ids)
        one = "" if doc_id is None else " AND u.doc_id = ?"
        one_p: list[object] = [] if doc_id is None else [doc_id]
        queued = self._per_document(annotator, "1" + one, one_p)
        done = self._per_document(
            annotator,
            f"u.unit_id IN ({self._done_sql(len(dims))}){one}",
            [annotator, *dims, len(dims), *one_p],
        )
        skipped = self._per_document(
            annotator, f"u.unit_id IN ({self._SKIPPED_SQL}){one}", [annotator, *one_p]
        )
        where = "" if doc_id is None else " WHERE doc_id = ?"
        rows = self.db.execute(
            "SELECT doc_id, COALESCE(NULLIF(title, ''), file, doc_id) FROM documents"
            f"{where} ORDER BY doc_id",
            one_p,
        ).fetchall()
        return [
            DocumentProgress(d, title, queued.get(d, 0), done.get(d, 0), skipped.get(d, 0))
            for d, title in rows
        ]

    def search_units(
        self, text: str, annotator: str | None = None, *, limit: int = 200
    ) -> list[Unit]:
        """Units of ``annotator``'s queue whose text contains ``text`` (case-insensitive
        for ASCII), in queue order."""
        needle = text.strip()
        if not needle:
            return []
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        sql, args = self._queue_sql(
            _U_COLUMNS,
            annotator,
            where="u.text LIKE ? ESCAPE '\\'",
            params=[f"%{escaped}%"],
            limit=limit,
        )
        return [_unit_from_row(r) for r in self.db.execute(sql, args).fetchall()]

    def labelled_units(self, annotator: str, *, limit: int = 5000) -> list[LabelledUnit]:
        """This annotator's labelled units, most recently changed first, with their
        current labels (retracted dimensions left out)."""
        rows = self.db.execute(
            "SELECT unit_id, dimension, value, created_at FROM labels WHERE id IN ("
            " SELECT MAX(id) FROM labels WHERE annotator = ? GROUP BY unit_id, dimension)",
            [annotator],
        ).fetchall()
        labels: dict[str, dict[str, LabelValue]] = {}
        latest: dict[str, str] = {}
        for unit_id, dim, value, created_at in rows:
            if value is not None:
                labels.setdefault(unit_id, {})[dim] = decode_value(value)
            latest[unit_id] = max(latest.get(unit_id, ""), created_at)
        order = sorted((u for u in labels), key=lambda u: latest[u], reverse=True)[:limit]
        units = self.units_by_id(order)
        return [LabelledUnit(units[u], labels[u], latest[u]) for u in order if u in units]

    def queue_bound(self, annotator: str) -> int:
        """A quick upper bound on the size of ``annotator``'s queue (one index probe,
        not a count): the highest assignment ``seq`` + 1 in a study, the highest unit
        rowid otherwise. The UI counts a queue this small at once, a larger one in a
        worker, so a million-unit queue does not delay the first unit."""
        if self.study_active():
            row = self.db.execute(
                "SELECT MAX(seq) FROM assignments WHERE annotator = ?", [annotator]
            ).fetchone()
            return 0 if row is None or row[0] is None else int(row[0]) + 1
        row = self.db.execute("SELECT MAX(rowid) FROM units").fetchone()
        return 0 if row is None or row[0] is None else int(row[0])

    def is_skipped(self, unit_id: str, annotator: str) -> bool:
        """Whether this annotator's latest skip row for the unit says skipped."""
        row = self.db.execute(
            "SELECT skipped FROM skips WHERE annotator = ? AND unit_id = ?"
            " ORDER BY id DESC LIMIT 1",
            [annotator, unit_id],
        ).fetchone()
        return bool(row and row[0])

    def queue_counts(self, annotator: str, dimension_ids: Sequence[str]) -> tuple[int, int, int]:
        """``(done, total, skipped)`` of the annotator's queue, as :meth:`progress` and
        :meth:`count_skipped` count them, but driven from the annotator's labels and
        skips (usually far fewer than the units), so start-up does not scan a
        million-unit queue twice."""
        dims = list(dimension_ids)
        done_ids = [
            r[0] for r in self.db.execute(self._done_sql(len(dims)), [annotator, *dims, len(dims)])
        ]
        skipped_ids = [r[0] for r in self.db.execute(self._SKIPPED_SQL, [annotator])]
        return (
            self._count_in_queue(annotator, done_ids),
            self.queue_size(annotator),
            self._count_in_queue(annotator, skipped_ids),
        )

    def _count_in_queue(self, annotator: str, unit_ids: list[str]) -> int:
        n = 0
        for i in range(0, len(unit_ids), 500):
            chunk = unit_ids[i : i + 500]
            sql, args = self._queue_sql(
                "COUNT(*)",
                annotator,
                where=f"u.unit_id IN ({','.join('?' * len(chunk))})",
                params=chunk,
                ordered=False,
            )
            n += int(self.db.execute(sql, args).fetchone()[0])
        return n

    def count_skipped(self, annotator: str) -> int:
        """Units of the annotator's queue they skipped (and have not unskipped since)."""
        sql, args = self._queue_sql(
            "COUNT(*)",
            annotator,
            where=f"u.unit_id IN ({self._SKIPPED_SQL})",
            params=[annotator],
            ordered=False,
        )
        return int(self.db.execute(sql, args).fetchone()[0])
