"""Reads for datasets and analysis: unit → document/source for every unit, document
provenance, and the optional review tables (gold, flags) when the schema has them.

Gold and flags arrive with a later migration; a database without them answers
empty, so export and analysis work on any schema version.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from framing.models import LabelValue
from framing.store.documents import DocumentsMixin
from framing.store.rows import _BATCH, decode_value


class DatasetMixin(DocumentsMixin):
    def has_table(self, name: str) -> bool:
        """Whether the database has table ``name`` (e.g. ``gold``, ``flags``)."""
        row = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]
        ).fetchone()
        return row is not None

    def _columns(self, table: str) -> set[str]:
        return {r[1] for r in self.db.execute(f"PRAGMA table_info({table})")}

    def unit_index(self, *, queued_only: bool = False) -> Iterator[tuple[str, str, str, int]]:
        """``(unit_id, doc_id, source, queued)`` for every unit, document and position order,
        streamed (one scan; for analyses over millions of units)."""
        where = "WHERE u.queued = 1 " if queued_only else ""
        cur = self.db.execute(
            "SELECT u.unit_id, u.doc_id, COALESCE(d.source, ''), u.queued FROM units u"
            f" JOIN documents d ON d.doc_id = u.doc_id {where}ORDER BY u.doc_id, u.position"
        )
        while rows := cur.fetchmany(_BATCH):
            yield from rows

    def unit_features(self) -> Iterator[tuple[str, str, float, str | None]]:
        """``(doc_id, source, sentiment, hints JSON)`` of every queued unit, streamed."""
        cur = self.db.execute(
            "SELECT u.doc_id, COALESCE(d.source, ''), COALESCE(u.sentiment, 0.0), u.hints"
            " FROM units u JOIN documents d ON d.doc_id = u.doc_id WHERE u.queued = 1"
            " ORDER BY u.doc_id, u.position"
        )
        while rows := cur.fetchmany(_BATCH):
            yield from rows

    def document_provenance(self) -> list[dict[str, Any]]:
        """``doc_id``, ``file``, ``sha256``, ``fingerprint``, ``ingested_at`` per document."""
        keys = ("doc_id", "file", "sha256", "fingerprint", "ingested_at")
        rows = self.db.execute(
            "SELECT doc_id, file, sha256, fingerprint, ingested_at FROM documents ORDER BY doc_id"
        )
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def label_time_range(self) -> tuple[str | None, str | None]:
        """The first and last ``created_at`` of any label (None when there is none)."""
        row = self.db.execute("SELECT MIN(created_at), MAX(created_at) FROM labels").fetchone()
        return (row[0], row[1]) if row else (None, None)

    def current_label_times(self) -> Iterator[tuple[str, str, str, str]]:
        """``(unit_id, annotator, dimension, created_at)`` of every current label."""
        yield from self.db.execute(
            "SELECT unit_id, annotator, dimension, created_at FROM current_labels"
        )

    def current_gold(self) -> dict[tuple[str, str], tuple[LabelValue, str, float | None]]:
        """``{(unit_id, dimension): (value, method, confidence)}``: the latest gold row per
        unit and dimension (a NULL value withdraws it). Empty when there is no gold table."""
        if not self.has_table("gold"):
            return {}
        cols = self._columns("gold")
        method = "method" if "method" in cols else "''"
        conf = "confidence" if "confidence" in cols else "NULL"
        out: dict[tuple[str, str], tuple[LabelValue, str, float | None]] = {}
        for unit_id, dim, value, m, c in self.db.execute(
            f"SELECT unit_id, dimension, value, {method}, {conf} FROM gold WHERE id IN"
            " (SELECT MAX(id) FROM gold GROUP BY unit_id, dimension)"
        ):
            if value is not None:
                out[(unit_id, dim)] = (decode_value(value), m or "", c)
        return out

    def current_flags(self) -> dict[str, list[str]]:
        """``{unit_id: [reason, ...]}`` of active flags (latest row per unit, annotator and
        reason). Empty when there is no flags table."""
        if not self.has_table("flags"):
            return {}
        cols = self._columns("flags")
        active = "active" if "active" in cols else "1"
        out: dict[str, list[str]] = {}
        for unit_id, reason, on in self.db.execute(
            f"SELECT unit_id, reason, {active} FROM flags WHERE id IN"
            " (SELECT MAX(id) FROM flags GROUP BY unit_id, annotator, reason)"
            " ORDER BY unit_id, reason"
        ):
            if on and reason not in out.setdefault(unit_id, []):
                out[unit_id].append(reason)
        return {u: r for u, r in out.items() if r}
