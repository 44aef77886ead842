"""The annotation queue: navigation in queue order, skips, resume and progress."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from framing.models import Unit
from framing.store.documents import DocumentsMixin
from framing.store.rows import _UNIT_COLUMNS, _maybe_unit, _now

#: The unit columns, qualified for a query that joins ``units u`` with other tables.
_U_COLUMNS = ", ".join(f"u.{c.strip()}" for c in _UNIT_COLUMNS.split(","))

Direction = Literal["next", "prev"]


class QueueMixin(DocumentsMixin):
    """Navigation through one annotator's queue.

    Every queue query goes through :meth:`_queue_sql`, the one place that knows what
    a queue is: in open mode (no study), every queued unit in document and position
    order; in a study, the units assigned to the annotator, in their ``seq`` order
    (an indexed join with ``assignments``). Blind order and adjudication queues are
    more joins there, not edits across the queries.
    """

    def _queue_sql(
        self,
        select: str,
        annotator: str | None,
        *,
        where: str = "",
        params: Sequence[Any] = (),
        cursor: Unit | None = None,
        direction: Direction = "next",
        ordered: bool = True,
        limit: int | None = None,
        queued_only: bool = True,
    ) -> tuple[str, list[Any]]:
        """The SQL (and its parameters) of a query over ``annotator``'s queue.

        ``select`` names columns of ``units u``; ``where`` adds a condition (with
        ``params``); ``cursor`` keeps the units after (``next``) or before (``prev``)
        that unit, and the rows come in that direction's order when ``ordered``.
        """
        args: list[Any] = []
        conds: list[str] = []
        desc = " DESC" if direction == "prev" else ""
        cmp = "<" if direction == "prev" else ">"
        if annotator is not None and self.study_active():
            frm = "assignments a JOIN units u ON u.unit_id = a.unit_id"
            conds.append("a.annotator = ?")
            args.append(annotator)
            if queued_only:
                conds.append("u.queued = 1")
            if cursor is not None and self._last_seq[:2] == (annotator, cursor.unit_id):
                conds.append(f"a.seq {cmp} ?")  # the seq of the unit this store last gave
                args.append(self._last_seq[2])
            elif cursor is not None:
                conds.append(
                    f"a.seq {cmp} (SELECT seq FROM assignments WHERE annotator = ? AND unit_id = ?)"
                )
                args += [annotator, cursor.unit_id]
            order = f"a.seq{desc}"
        else:
            frm = "units u"
            if queued_only:
                conds.append("u.queued = 1")
            if cursor is not None:
                conds.append(f"(u.doc_id, u.position) {cmp} (?, ?)")
                args += [cursor.doc_id, cursor.position]
            order = f"u.doc_id{desc}, u.position{desc}"
        if where:
            conds.append(where)
            args += list(params)
        sql = f"SELECT {select} FROM {frm} WHERE {' AND '.join(conds) or '1'}"
        if ordered:
            sql += f" ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return sql, args

    def _queue_unit(self, annotator: str | None, **kw: Any) -> Unit | None:
        if annotator is None or not self.study_active():
            sql, args = self._queue_sql(_U_COLUMNS, annotator, limit=1, **kw)
            return _maybe_unit(self.db.execute(sql, args).fetchone())
        sql, args = self._queue_sql(f"{_U_COLUMNS}, a.seq", annotator, limit=1, **kw)
        row = self.db.execute(sql, args).fetchone()
        if row is None:
            return None
        self._last_seq = (annotator, row[0], row[-1])
        return _maybe_unit(row[:-1])

    #: ``(annotator, unit_id, seq)`` of the last study unit returned: the next step
    #: from it compares ``seq`` directly instead of looking it up again.
    _last_seq: tuple[str | None, str | None, int] = (None, None, -1)

    def study_active(self) -> bool:
        """Whether this database holds a study (then queues are assignments)."""
        if self._study_cache is None:
            row = self.db.execute("SELECT 1 FROM study LIMIT 1").fetchone()
            self._study_cache = row is not None
        return self._study_cache

    _study_cache: bool | None = None

    def next_unit(
        self, after: Unit | None, annotator: str | None = None, *, queued_only: bool = True
    ) -> Unit | None:
        """The unit after ``after`` in ``annotator``'s queue (the first if ``after`` is None).

        One indexed range query: ``(doc_id, position) > (?, ?)``, or ``seq > ?`` in a study.
        """
        return self._queue_unit(annotator, cursor=after, queued_only=queued_only)

    def last_unit(self, annotator: str | None = None, *, queued_only: bool = True) -> Unit | None:
        """The last unit in ``annotator``'s queue."""
        return self._queue_unit(annotator, direction="prev", queued_only=queued_only)

    def prev_unit(
        self, before: Unit, annotator: str | None = None, *, queued_only: bool = True
    ) -> Unit | None:
        return self._queue_unit(annotator, cursor=before, direction="prev", queued_only=queued_only)

    def context(self, unit: Unit) -> tuple[Unit | None, Unit | None]:
        """The units just before and after ``unit`` in its document (any kind but
        ``superseded``: a split or merged unit's replacements stand in its place)."""
        before = self.db.execute(
            f"SELECT {_UNIT_COLUMNS} FROM units WHERE doc_id = ? AND position < ?"
            " AND kind != 'superseded' ORDER BY position DESC LIMIT 1",
            [unit.doc_id, unit.position],
        ).fetchone()
        after = self.db.execute(
            f"SELECT {_UNIT_COLUMNS} FROM units WHERE doc_id = ? AND position > ?"
            " AND kind != 'superseded' ORDER BY position LIMIT 1",
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
        """The first unit in the annotator's queue they have neither finished nor skipped."""
        dims = list(dimension_ids)
        return self._queue_unit(
            annotator,
            where=f"u.unit_id NOT IN ({self._done_sql(len(dims))})"
            f" AND u.unit_id NOT IN ({self._SKIPPED_SQL})",
            params=[annotator, *dims, len(dims), annotator],
        )

    def progress(self, annotator: str, dimension_ids: Sequence[str]) -> tuple[int, int]:
        """``(done, total)``: units of the annotator's queue with every dimension
        labelled, of all units in that queue."""
        dims = list(dimension_ids)
        sql, args = self._queue_sql(
            "COUNT(*)",
            annotator,
            where=f"u.unit_id IN ({self._done_sql(len(dims))})",
            params=[annotator, *dims, len(dims)],
            ordered=False,
        )
        done = self.db.execute(sql, args).fetchone()[0]
        return int(done), self.queue_size(annotator)

    def queue_size(self, annotator: str | None = None) -> int:
        """How many units are in ``annotator``'s queue (every queued unit in open mode)."""
        sql, args = self._queue_sql("COUNT(*)", annotator, ordered=False)
        return int(self.db.execute(sql, args).fetchone()[0])
