"""Labels: append-only history, bulk import, and the bulk reads agreement needs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from framing.models import LabelValue
from framing.store.codes import CodesMixin
from framing.store.rows import (
    _BATCH,
    LabelColumns,
    _chunks,
    _Codes,
    _decode_all,
    _now,
    decode_value,
    encode_value,
)


class LabelsMixin(CodesMixin):
    def add_label(
        self,
        unit_id: str,
        annotator: str,
        dimension: str,
        value: LabelValue,
        *,
        origin: str = "ui",
        hints_condition: str | None = None,
        shown_at: str | None = None,
        active_ms: int | None = None,
    ) -> int:
        """Append one label row and commit it before returning (``value=None`` retracts).

        Its ``phase`` is decided here, from the record: ``review`` if the annotator
        has been shown another annotator's labels of this unit, else ``independent``.
        """
        with self._write():
            self._ensure_annotator(annotator)
            cur = self.db.execute(
                "INSERT INTO labels (unit_id, annotator, dimension, value, origin, created_at,"
                " phase, hints_condition, shown_at, active_ms) VALUES (?, ?, ?, ?, ?, ?,"
                " CASE WHEN EXISTS (SELECT 1 FROM exposures WHERE annotator = ? AND unit_id = ?)"
                " THEN 'review' ELSE 'independent' END, ?, ?, ?)",
                [
                    unit_id,
                    annotator,
                    dimension,
                    encode_value(value),
                    origin,
                    _now(),
                    annotator,
                    unit_id,
                    hints_condition,
                    shown_at,
                    active_ms,
                ],
            )
            label_id = int(cur.lastrowid or 0)
            self._code_labels()
        return label_id

    def import_labels(
        self, rows: Sequence[tuple[str, str, str, LabelValue]], *, origin: str = "import"
    ) -> int:
        """Append many ``(unit_id, annotator, dimension, value)`` rows in one transaction.

        A row equal to the current label is not appended again, so importing the
        same file twice adds no history. Returns the number of rows appended.
        """
        now = _now()
        with self._write():
            names = sorted({r[1] for r in rows})
            current: dict[tuple[str, str, str], str | None] = {}
            # Current labels of these rows' (annotator, unit) pairs only (index on
            # annotator, unit_id), so that importing in batches costs time and memory
            # in proportion to the batch, not to the labels already stored.
            units_of: dict[str, list[str]] = {}
            for r in rows:
                units_of.setdefault(r[1], []).append(r[0])
            for name, unit_ids in units_of.items():
                for chunk in _chunks(unit_ids):
                    marks = ",".join("?" * len(chunk))
                    for unit_id, annotator, dim, value in self.db.execute(
                        "SELECT unit_id, annotator, dimension, value FROM labels WHERE id IN ("
                        f" SELECT MAX(id) FROM labels WHERE annotator = ? AND unit_id IN ({marks})"
                        " GROUP BY unit_id, dimension)",
                        [name, *chunk],
                    ):
                        current[(unit_id, annotator, dim)] = value
            fresh = []
            for u, a, d, v in rows:
                text = encode_value(v)
                if (u, a, d) in current and current[(u, a, d)] == text:
                    continue
                current[(u, a, d)] = text
                fresh.append((u, a, d, text, origin, now))
            for name in names:
                self._ensure_annotator(name)
            self.db.conn.executemany(
                "INSERT INTO labels (unit_id, annotator, dimension, value, origin, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                fresh,
            )
            self._code_labels()
        return len(fresh)

    def current_labels(self, unit_id: str, annotator: str) -> dict[str, LabelValue]:
        """This annotator's current label per dimension for one unit (absent if none)."""
        rows = self.db.execute(
            "SELECT dimension, value FROM labels WHERE id IN ("
            " SELECT MAX(id) FROM labels WHERE annotator = ? AND unit_id = ? GROUP BY dimension)",
            [annotator, unit_id],
        ).fetchall()
        return {dim: decode_value(val) for dim, val in rows if val is not None}

    def label_history(self, unit_id: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT id, annotator, dimension, value, origin, created_at FROM labels"
            " WHERE unit_id = ? ORDER BY id",
            [unit_id],
        ).fetchall()
        keys = ("id", "annotator", "dimension", "value", "origin", "created_at")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def all_current_labels(self) -> Iterator[tuple[str, str, str, LabelValue]]:
        """Every current ``(unit_id, annotator, dimension, value)``, unit order."""
        cur = self.db.execute(
            "SELECT c.unit_id, c.annotator, c.dimension, c.value FROM current_labels c"
            " JOIN units u ON u.unit_id = c.unit_id"
            " ORDER BY u.doc_id, u.position, c.annotator, c.dimension"
        )
        for unit_id, annotator, dim, value in cur:
            if value is not None and value.startswith("["):
                value = decode_value(value)
            yield unit_id, annotator, dim, value

    def current_label_records(self) -> Iterator[tuple[str, str, str, LabelValue, str]]:
        """Every current ``(unit_id, annotator, dimension, value, created_at)``, time order."""
        cur = self.db.execute(
            "SELECT unit_id, annotator, dimension, value, created_at FROM current_labels"
            " ORDER BY created_at"
        )
        for unit_id, annotator, dim, value, created_at in cur:
            yield unit_id, annotator, dim, decode_value(value), created_at

    def unit_sources(self, unit_ids: Iterable[str] | None = None) -> dict[str, tuple[str, str]]:
        """``{unit_id: (doc_id, source)}`` for every labelled unit, or for ``unit_ids``
        (those that exist, labelled or not)."""
        sql = (
            "SELECT u.unit_id, u.doc_id, COALESCE(d.source, '') FROM units u"
            " JOIN documents d ON d.doc_id = u.doc_id WHERE u.unit_id IN "
        )
        if unit_ids is None:
            rows = self.db.execute(sql + "(SELECT DISTINCT unit_id FROM labels)")
            return {r[0]: (r[1], r[2]) for r in rows}
        out: dict[str, tuple[str, str]] = {}
        for chunk in _chunks(unit_ids):
            marks = ",".join("?" * len(chunk))
            out.update((r[0], (r[1], r[2])) for r in self.db.execute(f"{sql}({marks})", chunk))
        return out

    def current_label_columns(self, labels: str = "final") -> LabelColumns:
        """Every current label (the ``current_labels`` view) as integer columns.

        ``labels="independent"`` reads the ``independent_labels`` view instead: per
        (unit, annotator, dimension) the latest label made before its author saw
        anybody else's label (what agreement counts by default).

        One pass over the view, streamed in batches: each distinct unit id,
        annotator, dimension, value and timestamp becomes a small integer, and
        each distinct value is decoded once.  Labels of units missing from
        ``units`` are left out (as in :meth:`all_current_labels`), and so are the labels
        of superseded units (split or merged in adjudication: their new units count).  Built for the
        agreement code on large databases (about 1 s per million labels).
        """
        import numpy as np

        names = ("unit", "annotator", "dimension", "value", "time")
        index: dict[str, _Codes] = {n: _Codes() for n in names}
        parts: dict[str, list[np.ndarray]] = {n: [] for n in names}
        if labels not in ("final", "independent"):
            raise ValueError(f"labels must be 'final' or 'independent', not {labels!r}")
        view = "independent_labels" if labels == "independent" else "current_labels"
        cur = self.db.execute(
            f"SELECT unit_id, annotator, dimension, value, created_at FROM {view}"
        )
        while rows := cur.fetchmany(_BATCH):
            for name, col in zip(names, zip(*rows, strict=True), strict=True):
                codes = map(index[name].__getitem__, col)
                parts[name].append(np.fromiter(codes, dtype=np.int64, count=len(col)))
        raw = {
            n: np.concatenate(parts[n]) if parts[n] else np.zeros(0, dtype=np.int64) for n in names
        }
        del parts
        # units: document and position order; drop labels of units that do not exist
        ids = list(index["unit"])
        rank = self._unit_ranks(ids)
        # a unit split or merged by an adjudicator (kind 'superseded') lives on in its
        # new units, which get their own labels: counting both would count it twice
        for (gone,) in self.db.execute("SELECT unit_id FROM units WHERE kind = 'superseded'"):
            rank.pop(gone, None)
        r = np.fromiter((rank.get(u, -1) for u in ids), dtype=np.int64, count=len(ids))
        keep = np.flatnonzero(r >= 0)
        keep = keep[np.argsort(r[keep], kind="stable")]
        recode = np.full(len(ids), -1, dtype=np.int64)
        recode[keep] = np.arange(len(keep), dtype=np.int64)
        cols = {"unit": recode[raw["unit"]]}
        out: dict[str, list[Any]] = {"unit": [ids[i] for i in keep.tolist()]}
        # annotators and dimensions: sorted by name
        for name in ("annotator", "dimension"):
            keys = list(index[name])
            by_name = sorted(range(len(keys)), key=keys.__getitem__)
            recode = np.empty(len(keys), dtype=np.int64)
            recode[by_name] = np.arange(len(keys), dtype=np.int64)
            cols[name] = recode[raw[name]]
            out[name] = [keys[i] for i in by_name]
        cols["value"], cols["time"] = raw["value"], raw["time"]
        ok = cols["unit"] >= 0
        if not ok.all():
            cols = {n: c[ok] for n, c in cols.items()}
        row_order = np.lexsort((cols["dimension"], cols["annotator"], cols["unit"]))
        cols = {n: c[row_order] for n, c in cols.items()}
        return LabelColumns(
            unit_ids=out["unit"],
            annotators=out["annotator"],
            dimensions=out["dimension"],
            values=_decode_all(index["value"]),
            times=list(index["time"]),
            unit=cols["unit"],
            annotator=cols["annotator"],
            dimension=cols["dimension"],
            value=cols["value"],
            time=cols["time"],
        )

    def _unit_ranks(self, unit_ids: Sequence[str]) -> dict[str, int]:
        """``{unit_id: rank}`` in document and position order (missing ids absent).

        Ranks are comparable with each other, not consecutive: one ordered scan of
        ``units`` when ``unit_ids`` are a fair share of them, else indexed look-ups.
        """
        if not unit_ids:
            return {}
        if len(unit_ids) * 20 >= self.count_units():
            cur = self.db.execute("SELECT unit_id FROM units ORDER BY doc_id, position, unit_id")
            return {r[0]: i for i, r in enumerate(cur)}
        found: list[tuple[str, int, str]] = []
        for chunk in _chunks(unit_ids):
            marks = ",".join("?" * len(chunk))
            found.extend(
                self.db.execute(
                    f"SELECT doc_id, position, unit_id FROM units WHERE unit_id IN ({marks})",
                    chunk,
                )
            )
        found.sort()
        return {r[2]: i for i, r in enumerate(found)}

    def annotators(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM annotators ORDER BY name")]
