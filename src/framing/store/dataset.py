"""Reads for datasets and analysis: unit → document/source for every unit, document
provenance, and the optional review tables (gold, flags) when the schema has them.

Gold, flags and notes come from the review store (:mod:`framing.store.review`,
migration m003); these reads only adapt them to the dataset's columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from framing.models import FramingError, LabelValue
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

    def has_column(self, table: str, column: str) -> bool:
        return column in self._columns(table)

    def labelled_annotators(self) -> list[str]:
        """Annotators with at least one current label, sorted."""
        return [
            r[0]
            for r in self.db.execute("SELECT DISTINCT annotator FROM current_labels ORDER BY 1")
        ]

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
        """``{(unit_id, dimension): (value, method, confidence)}`` of the current gold rows
        that have a value (open rows left out); through the review store (m003)."""
        gold_current = getattr(self, "gold_current", None)
        if gold_current is None or not self.has_table("gold"):
            return {}
        return {
            key: (g.value, g.method, g.confidence)
            for key, g in gold_current().items()
            if g.value is not None
        }

    def independent_label_stream(
        self,
    ) -> Iterator[
        tuple[str, str, str, LabelValue, str, str | None, int | None, str | None, str | None]
    ]:
        """``(unit_id, annotator, dimension, value, created_at, shown_at, active_ms,
        hints_condition, phase)`` of
        each annotator's latest *independent* label (made before seeing anybody else's;
        every label of a database without phases), in unit (document, position) order,
        streamed.  ``shown_at`` / ``active_ms`` are None where the schema or the label
        has no timing."""
        cols = self._columns("labels")
        phase = "COALESCE(phase, 'independent') = 'independent' AND " if "phase" in cols else ""
        shown = "l.shown_at" if "shown_at" in cols else "NULL"
        active = "l.active_ms" if "active_ms" in cols else "NULL"
        cond = "l.hints_condition" if "hints_condition" in cols else "NULL"
        ph = "l.phase" if "phase" in cols else "NULL"
        cur = self.db.execute(
            f"SELECT l.unit_id, l.annotator, l.dimension, l.value, l.created_at, {shown},"
            f" {active}, {cond}, {ph} FROM labels l JOIN units u ON u.unit_id = l.unit_id"
            " WHERE l.id IN"
            f" (SELECT MAX(id) FROM labels WHERE {phase}1 GROUP BY unit_id, annotator,"
            " dimension) AND l.value IS NOT NULL"
            " ORDER BY u.doc_id, u.position, l.annotator, l.dimension"
        )
        while rows := cur.fetchmany(_BATCH):
            for r in rows:
                v = r[3]
                if not isinstance(v, str) or v.startswith("["):
                    v = decode_value(v)
                yield (r[0], r[1], r[2], v, *r[4:])

    def iter_unit_rows(self) -> Iterator[tuple[Any, ...]]:
        """Every unit with its document's metadata, in document and position order:
        ``(unit_id, doc_id, position, start, end, text, kind, queued, sentiment, hints)``
        (hints as stored JSON text), streamed."""
        cur = self.db.execute(
            'SELECT unit_id, doc_id, position, start, "end", text, kind, queued, sentiment,'
            " hints FROM units ORDER BY doc_id, position"
        )
        while rows := cur.fetchmany(_BATCH):
            for r in rows:
                _check_unit_row(r)
            yield from rows

    def distinct_values(self) -> dict[str, set[str]]:
        """``{dimension: {label id, ...}}`` of every label id ever stored (labels and, when
        present, gold), multi values split: the dictionaries of typed exports."""
        out: dict[str, set[str]] = {}
        sql = "SELECT DISTINCT dimension, value FROM labels WHERE value IS NOT NULL"
        if self.has_table("gold"):
            sql += " UNION SELECT DISTINCT dimension, value FROM gold WHERE value IS NOT NULL"
        for dim, value in self.db.execute(sql):
            v = decode_value(value)
            out.setdefault(dim, set()).update(v if isinstance(v, list) else [v] if v else [])
        return out

    def review_summary(self) -> dict[str, int | None]:
        """How open the annotation was: labels made after seeing others' labels
        (``review_labels``) and recorded exposures; None where the schema has no record."""
        out: dict[str, int | None] = {"review_labels": None, "exposures": None}
        if self.has_column("labels", "phase"):
            out["review_labels"] = int(
                self.db.execute("SELECT COUNT(*) FROM labels WHERE phase = 'review'").fetchone()[0]
            )
        if self.has_table("exposures"):
            out["exposures"] = int(self.db.execute("SELECT COUNT(*) FROM exposures").fetchone()[0])
        return out

    def hint_conditions(self) -> dict[str, str]:
        """``{annotator: on|off}`` from a study, when the schema has one."""
        if not self.has_table("study_annotators"):
            return {}
        return {
            r[0]: r[1]
            for r in self.db.execute("SELECT name, hints_condition FROM study_annotators")
        }


def _check_unit_row(r: tuple[Any, ...]) -> None:
    """A cheap check of a row framing never writes (hand-edited): one-line errors."""
    if not isinstance(r[5], str):
        raise FramingError(
            f"unit {r[0]!r}: its stored text is {type(r[5]).__name__}, not text; "
            "run `framing check`"
        )
    h = r[9]
    if h is not None and h != "" and not (isinstance(h, str) and h[:1] == "{" and h[-1:] == "}"):
        raise FramingError(
            f"unit {r[0]!r}: its stored hints are not a JSON object; run `framing check`"
        )
