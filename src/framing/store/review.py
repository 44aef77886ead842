"""Review: flags and notes, gold labels with provenance, and unit split/merge.

Every table here is append-only, like ``labels`` and ``skips``: the row with the
highest ``id`` per key is the current one, and undoing appends a row.

``flags``   (unit, annotator, reason): ``active`` 1 flags, 0 undoes the flag.
``notes``   (unit, annotator): the latest ``text``; NULL removes the note.
``gold``    (unit, dimension): the final label with its provenance
            (``method`` adjudicated | unanimous | majority | dawid_skene,
            ``decided_by``, ``decided_at``, ``from_labels`` = JSON list of
            ``labels.id``, ``confidence``, ``reason``). NULL ``value`` means open.
            A current *adjudicated* row with a value is never replaced by an
            automatic one (:meth:`ReviewMixin.write_auto_gold` skips it); a later
            adjudication replaces anything. ``undoes`` marks an undo row.
``unit_supersessions``  old unit -> new unit(s) of a split or merge; the old
            units keep their labels, leave the queue and get kind ``superseded``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from typing import Any, NamedTuple

from framing.models import FramingError, LabelValue, Unit, make_unit_id
from framing.store.documents import DocumentsMixin
from framing.store.rows import _UNIT_COLUMNS, _chunks, _now, decode_value, encode_value

#: Why a unit is flagged: the key in the UI picks one of these.
FLAG_REASONS: tuple[str, ...] = ("segmentation", "guideline_gap", "off_topic", "other")
GOLD_METHODS: tuple[str, ...] = ("adjudicated", "unanimous", "majority", "dawid_skene")
AUTOMATIC_METHODS: frozenset[str] = frozenset({"unanimous", "majority", "dawid_skene"})
#: Kinds of units that are no longer part of a document's current segmentation.
GONE_KINDS: tuple[str, ...] = ("superseded", "retired")


@dataclass(frozen=True)
class GoldRow:
    """One row of the gold history (the current one per unit and dimension, usually)."""

    id: int
    unit_id: str
    dimension: str
    value: LabelValue
    method: str
    decided_by: str
    decided_at: str
    from_labels: list[int]
    confidence: float | None
    reason: str | None
    undoes: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "method": self.method,
            "confidence": self.confidence,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at,
            "from_labels": list(self.from_labels),
            "reason": self.reason,
        }


class GoldDraft(NamedTuple):
    """An automatic decision to write (see :meth:`ReviewMixin.write_auto_gold`).
    A named tuple: ``framing gold`` builds one per unit, so construction is cheap.

    Bulk writers may give the stored forms instead: ``value_text`` (as
    :func:`encode_value` makes it) and ``from_json`` (the label ids as a JSON list);
    when given, they are written as they are and ``value``/``from_labels`` ignored.
    """

    unit_id: str
    dimension: str
    value: LabelValue
    method: str
    confidence: float | None
    from_labels: Sequence[int] = ()
    reason: str | None = None
    value_text: str | None = None
    from_json: str | None = None


@dataclass(frozen=True)
class GoldColumns:
    """Automatic decisions of one dimension as parallel lists: the bulk form of
    :class:`GoldDraft` (``framing gold`` writes up to one per unit; building a
    tuple per unit costs more than the insert).  Values and label ids are in their
    stored forms: ``values`` as :func:`encode_value` makes them, ``from_labels`` as
    JSON lists of ``labels.id`` (``[1, 2]``); ``reasons`` None means none."""

    unit_ids: Sequence[str]
    values: Sequence[str | None]
    methods: Sequence[str]
    confidences: Sequence[float | None]
    from_labels: Sequence[str]
    reasons: Sequence[str | None] | None = None

    @classmethod
    def from_drafts(cls, drafts: Iterable[GoldDraft]) -> GoldColumns:
        ds = list(drafts)
        return cls(
            [d.unit_id for d in ds],
            [d.value_text if d.value_text is not None else encode_value(d.value)
             for d in ds],
            [d.method for d in ds],
            [d.confidence for d in ds],
            [d.from_json if d.from_json is not None else _ids_json(d.from_labels) for d in ds],
            [d.reason for d in ds],
        )  # fmt: skip


@dataclass(frozen=True)
class Flag:
    unit_id: str
    annotator: str
    reason: str
    created_at: str


@dataclass(frozen=True)
class Note:
    unit_id: str
    annotator: str
    text: str
    created_at: str


@dataclass
class FlaggedUnit:
    """A unit with its current flags and notes (``framing flags``)."""

    unit_id: str
    flags: list[Flag] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "flags": [
                {"annotator": f.annotator, "reason": f.reason, "at": f.created_at}
                for f in self.flags
            ],
            "notes": [
                {"annotator": n.annotator, "text": n.text, "at": n.created_at} for n in self.notes
            ],
        }


_GOLD_COLS = (
    "id, unit_id, dimension, value, method, decided_by, decided_at, from_labels,"
    " confidence, reason, undoes"
)


def _gold(row: Sequence[Any]) -> GoldRow:
    return GoldRow(
        id=row[0],
        unit_id=row[1],
        dimension=row[2],
        value=decode_value(row[3]),
        method=row[4],
        decided_by=row[5],
        decided_at=row[6],
        from_labels=json.loads(row[7]) if row[7] else [],
        confidence=row[8],
        reason=row[9],
        undoes=row[10],
    )


def blocks_automatic(row: GoldRow | None) -> bool:
    """A person decided this unit and dimension: automatic methods leave it alone."""
    return row is not None and row.method == "adjudicated" and row.value is not None


def settled(row: GoldRow | None) -> bool:
    """Nothing left for an adjudicator: a person decided, or every annotator agreed."""
    return row is not None and row.value is not None and row.method in ("adjudicated", "unanimous")


class ReviewMixin(DocumentsMixin):
    # -------------------------------------------------------------------- flags
    def flag(self, unit_id: str, annotator: str, reason: str) -> int:
        """Flag a unit (committed before returning)."""
        return self._append_flag(unit_id, annotator, reason, 1)

    def unflag(self, unit_id: str, annotator: str, reason: str) -> int:
        """Undo a flag: appends a row with ``active`` 0."""
        return self._append_flag(unit_id, annotator, reason, 0)

    def _append_flag(self, unit_id: str, annotator: str, reason: str, active: int) -> int:
        if reason not in FLAG_REASONS:
            raise FramingError(f"unknown flag reason {reason!r} (one of {', '.join(FLAG_REASONS)})")
        with self._write():
            self._ensure_annotator(annotator)
            cur = self.db.execute(
                "INSERT INTO flags (unit_id, annotator, reason, active, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [unit_id, annotator, reason, active, _now()],
            )
        return int(cur.lastrowid or 0)

    def active_flags(self, unit_id: str | None = None) -> list[Flag]:
        """Active flags (of one unit, or all), in time order."""
        where, args = ("WHERE unit_id = ?", [unit_id]) if unit_id else ("", [])
        rows = self.db.execute(
            "SELECT unit_id, annotator, reason, created_at FROM flags WHERE id IN ("
            f" SELECT MAX(id) FROM flags {where} GROUP BY unit_id, annotator, reason)"
            " AND active = 1 ORDER BY id",
            args,
        ).fetchall()
        return [Flag(*r) for r in rows]

    # -------------------------------------------------------------------- notes
    def set_note(self, unit_id: str, annotator: str, text: str | None) -> int:
        """Replace this annotator's note on a unit (``None`` or blank removes it)."""
        clean = " ".join(text.split()) if text else None
        with self._write():
            self._ensure_annotator(annotator)
            cur = self.db.execute(
                "INSERT INTO notes (unit_id, annotator, text, created_at) VALUES (?, ?, ?, ?)",
                [unit_id, annotator, clean or None, _now()],
            )
        return int(cur.lastrowid or 0)

    def current_notes(self, unit_id: str | None = None) -> list[Note]:
        where, args = ("WHERE unit_id = ?", [unit_id]) if unit_id else ("", [])
        rows = self.db.execute(
            "SELECT unit_id, annotator, text, created_at FROM notes WHERE id IN ("
            f" SELECT MAX(id) FROM notes {where} GROUP BY unit_id, annotator)"
            " AND text IS NOT NULL ORDER BY id",
            args,
        ).fetchall()
        return [Note(*r) for r in rows]

    def note_of(self, unit_id: str, annotator: str) -> str | None:
        row = self.db.execute(
            "SELECT text FROM notes WHERE unit_id = ? AND annotator = ? ORDER BY id DESC LIMIT 1",
            [unit_id, annotator],
        ).fetchone()
        return row[0] if row else None

    def flagged_units(self) -> list[FlaggedUnit]:
        """Units with an active flag, in document order, with every current note."""
        flags = self.active_flags()
        if not flags:
            return []
        by_unit: dict[str, FlaggedUnit] = {}
        for f in flags:
            by_unit.setdefault(f.unit_id, FlaggedUnit(f.unit_id)).flags.append(f)
        for n in self.current_notes():
            if n.unit_id in by_unit:
                by_unit[n.unit_id].notes.append(n)
        order = self._unit_order(list(by_unit))
        return [by_unit[u] for u in order]

    def _unit_order(self, unit_ids: list[str]) -> list[str]:
        found: list[tuple[str, int, str]] = []
        for chunk in _chunks(unit_ids):
            marks = ",".join("?" * len(chunk))
            found.extend(
                self.db.execute(
                    f"SELECT doc_id, position, unit_id FROM units WHERE unit_id IN ({marks})",
                    chunk,
                )
            )
        return [r[2] for r in sorted(found)]

    # --------------------------------------------------------------------- gold
    def gold_current(
        self, unit_id: str | None = None, dimension: str | None = None
    ) -> dict[tuple[str, str], GoldRow]:
        """``{(unit_id, dimension): current row}`` (open rows, value None, included)."""
        conds, args = [], []
        if unit_id is not None:
            conds.append("unit_id = ?")
            args.append(unit_id)
        if dimension is not None:
            conds.append("dimension = ?")
            args.append(dimension)
        where = ("WHERE " + " AND ".join(conds)) if conds else ""
        rows = self.db.execute(
            f"SELECT {_GOLD_COLS} FROM gold WHERE id IN ("
            f" SELECT MAX(id) FROM gold {where} GROUP BY unit_id, dimension)",
            args,
        )
        return {(r[1], r[2]): _gold(r) for r in rows}

    def gold_current_raw(
        self, dimension: str
    ) -> dict[str, tuple[int, str | None, str, str, float | None]]:
        """``{unit_id: (id, value as stored, method, from_labels JSON, confidence)}``
        of the current rows of one dimension: the undecoded form, for bulk work."""
        rows = self.db.execute(
            "SELECT unit_id, id, value, method, from_labels, confidence FROM gold WHERE id IN ("
            " SELECT MAX(id) FROM gold WHERE dimension = ? GROUP BY unit_id)",
            [dimension],
        )
        return {r[0]: (r[1], r[2], r[3], r[4] or "[]", r[5]) for r in rows}

    def gold_row(self, row_id: int) -> GoldRow | None:
        row = self.db.execute(f"SELECT {_GOLD_COLS} FROM gold WHERE id = ?", [row_id]).fetchone()
        return _gold(row) if row else None

    def gold_history(self, unit_id: str) -> list[GoldRow]:
        rows = self.db.execute(
            f"SELECT {_GOLD_COLS} FROM gold WHERE unit_id = ? ORDER BY id", [unit_id]
        )
        return [_gold(r) for r in rows]

    def adjudicate(
        self,
        unit_id: str,
        dimension: str,
        value: LabelValue,
        decided_by: str,
        *,
        reason: str | None = None,
        from_labels: Sequence[int] = (),
    ) -> int:
        """A person's final label (committed before returning); it replaces any row."""
        return self._append_gold(
            unit_id, dimension, value, "adjudicated", decided_by, None, from_labels, reason, None
        )

    def undo_gold(self, unit_id: str, dimension: str, restore: int | None, decided_by: str) -> int:
        """Put back the gold of a unit and dimension as it was before a change: row
        ``restore`` is appended again (or an open row if ``restore`` is None), marked
        as undoing the current row. History is kept."""
        cur = self.gold_current(unit_id, dimension).get((unit_id, dimension))
        undoes = cur.id if cur else None
        if restore is None:
            method = cur.method if cur else "adjudicated"
            return self._append_gold(
                unit_id, dimension, None, method, decided_by, None, (), "undo", undoes
            )
        p = self.gold_row(restore)
        if p is None or (p.unit_id, p.dimension) != (unit_id, dimension):
            raise FramingError(f"{self.path}: gold row {restore} is not of {unit_id} {dimension}")
        return self._append_gold(
            unit_id,
            dimension,
            p.value,
            p.method,
            p.decided_by,
            p.confidence,
            p.from_labels,
            p.reason,
            undoes,
        )

    def _append_gold(
        self,
        unit_id: str,
        dimension: str,
        value: LabelValue,
        method: str,
        decided_by: str,
        confidence: float | None,
        from_labels: Sequence[int],
        reason: str | None,
        undoes: int | None,
    ) -> int:
        if method not in GOLD_METHODS:
            raise FramingError(f"unknown gold method {method!r}")
        with self._write():
            cur = self.db.execute(
                "INSERT INTO gold (unit_id, dimension, value, method, decided_by, decided_at,"
                " from_labels, confidence, reason, undoes) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    unit_id,
                    dimension,
                    encode_value(value),
                    method,
                    decided_by,
                    _now(),
                    _ids_json(from_labels),
                    confidence,
                    reason or None,
                    undoes,
                ],
            )
        return int(cur.lastrowid or 0)

    def write_auto_gold(
        self,
        drafts: Iterable[GoldDraft] | GoldColumns,
        decided_by: str,
        *,
        dimension: str,
        retract_others: Iterable[str] = (),
        current: dict[str, tuple[int, str | None, str, str, float | None]] | None = None,
    ) -> tuple[int, int]:
        """Append automatic gold rows for one dimension in ONE transaction.

        A unit whose current row is an adjudication with a value is skipped (a
        person's decision is never replaced by a method); a draft equal to the
        current row is not appended again. ``retract_others``: units whose current
        automatic value must be withdrawn (now a tie, or no longer labelled): an
        open row (value NULL) is appended for them. Returns ``(written, kept)``,
        ``kept`` counting the adjudicated rows left alone. ``current``: the
        dimension's :meth:`gold_current_raw`, if the caller has just read it.
        """
        now = _now()
        cols = drafts if isinstance(drafts, GoldColumns) else GoldColumns.from_drafts(drafts)
        # raw rows (no JSON decoding): this runs over every unit of a dimension
        if current is None:
            current = self.gold_current_raw(dimension)
        n = len(cols.unit_ids)
        rows = zip(
            cols.unit_ids,
            repeat(dimension, n),
            cols.values,
            cols.methods,
            repeat(decided_by, n),
            repeat(now, n),
            cols.from_labels,
            cols.confidences,
            cols.reasons if cols.reasons is not None else repeat(None, n),
            strict=True,
        )
        kept = 0
        if current:  # else every draft is new: no per-row comparison
            get, none = current.get, (0, None, "", "", None)
            state = [
                _draft_state(get(u, none), v, m, f, c)
                for u, v, m, f, c in zip(
                    cols.unit_ids, cols.values, cols.methods, cols.from_labels,
                    cols.confidences, strict=True,
                )
            ]  # fmt: skip
            kept = state.count(_KEPT)
            rows = compress(rows, [s == _NEW for s in state])  # type: ignore[assignment]
        todo = list(rows)
        for unit_id in retract_others:
            cur = current.get(unit_id)
            if cur is None or cur[1] is None or cur[2] not in AUTOMATIC_METHODS:
                continue
            todo.append(
                (unit_id, dimension, None, cur[2], decided_by, now, "[]", None,
                 "no longer decided automatically (a tie, or labels changed)")
            )  # fmt: skip
        with self._write():
            self.db.conn.executemany(
                "INSERT INTO gold (unit_id, dimension, value, method, decided_by, decided_at,"
                " from_labels, confidence, reason) VALUES (?,?,?,?,?,?,?,?,?)",
                todo,
            )
        return len(todo), kept

    def current_label_ids(self, dimension: str) -> dict[tuple[str, str], int]:
        """``{(unit_id, annotator): labels.id}`` of the current non-retracted labels."""
        rows = self.db.execute(
            "SELECT id, unit_id, annotator FROM labels WHERE id IN ("
            " SELECT MAX(id) FROM labels WHERE dimension = ? GROUP BY unit_id, annotator)"
            " AND value IS NOT NULL",
            [dimension],
        )
        return {(r[1], r[2]): r[0] for r in rows}

    def independent_label_rows(
        self, dimension: str, *, unit_id: str | None = None
    ) -> list[tuple[int, str, str, LabelValue]]:
        """``(labels.id, unit_id, annotator, value)`` of every current label of one
        dimension (of one unit) made independently: what gold may count. The latest
        label made before its author saw others' labels (``phase``, schema m002)
        counts; a label from before m002 (NULL phase) counts as independent."""
        unit_cond, args = (
            ("AND unit_id = ? ", [dimension, unit_id]) if unit_id else ("", [dimension])
        )
        rows = self.db.execute(
            "SELECT id, unit_id, annotator, value FROM labels WHERE id IN ("
            f" SELECT MAX(id) FROM labels WHERE dimension = ? {unit_cond}"
            " AND COALESCE(phase, 'independent') = 'independent'"
            " GROUP BY unit_id, annotator) AND value IS NOT NULL",
            args,
        ).fetchall()
        return [
            (r[0], r[1], r[2], decode_value(r[3]) if r[3].startswith("[") else r[3]) for r in rows
        ]

    def independent_label_codes_raw(self) -> tuple[dict[str, Any], dict[str, list[Any]]]:
        """Every (unit, annotator, dimension)'s latest independent label with a value,
        as integer columns for bulk work (``framing gold``): ``(cols, keys)`` where
        ``cols`` holds ``id`` (``labels.id``), ``unit``, ``annotator``, ``dimension``
        and ``value`` (the stored text's code), rows in id order, and ``keys[name]``
        the key of each code (annotators, dimensions and values: only those used).

        From the label codes (schema m004, one packed integer per row) when they are
        current, else one sequential scan of ``labels`` (:func:`latest_label_scan`).
        """
        import numpy as np

        from framing.store.dataset import _latest_rows, latest_label_scan

        scan = self.coded_label_scan(timing=False, ids=True)  # type: ignore[attr-defined]
        if scan is None:
            coded = {"unit": "unit_id", "annotator": "annotator", "dimension": "dimension",
                     "value": "value"}  # fmt: skip
            arr, index, sel = latest_label_scan(self, coded, ordered=False)  # type: ignore[arg-type]
            return {n: c[sel] for n, c in arr.items()}, {n: list(c) for n, c in index.items()}
        keys = {n: scan.keys[n] for n in ("unit", "annotator", "dimension", "value")}
        sel = _latest_rows(scan.arr, keys, ordered=False, retracted=scan.retracted)
        cols = {n: scan.arr[n][sel] for n in ("id", *keys)}
        for name in ("annotator", "dimension", "value"):  # terms: only those used here
            used = np.flatnonzero(np.bincount(cols[name], minlength=len(keys[name])))
            recode = np.full(len(keys[name]), -1, np.int64)
            recode[used] = np.arange(len(used), dtype=np.int64)
            cols[name] = recode[cols[name]]
            keys[name] = [keys[name][i] for i in used.tolist()]
        return cols, keys

    def review_by_unit(self) -> dict[str, dict[str, Any]]:
        """What the export adds per unit: ``{unit_id: {"gold": {dimension: {value,
        method, confidence}}, "flags": [...], "notes": [...]}}`` (current rows only;
        open gold rows are left out). Units with none of these are absent."""
        out: dict[str, dict[str, Any]] = {}

        def entry(unit_id: str) -> dict[str, Any]:
            return out.setdefault(unit_id, {"gold": {}, "flags": [], "notes": []})

        for (unit_id, dim), g in sorted(self.gold_current().items()):
            if g.value is not None:
                entry(unit_id)["gold"][dim] = {
                    "value": g.value,
                    "method": g.method,
                    "confidence": g.confidence,
                }
        for f in self.active_flags():
            entry(f.unit_id)["flags"].append({"annotator": f.annotator, "reason": f.reason})
        for n in self.current_notes():
            entry(n.unit_id)["notes"].append({"annotator": n.annotator, "text": n.text})
        return out

    # ------------------------------------------------------------ supersession
    def superseded_unit_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT old_unit_id FROM unit_supersessions")}

    def supersessions(self) -> list[dict[str, Any]]:
        keys = ("old_unit_id", "new_unit_id", "operation", "decided_by", "decided_at")
        rows = self.db.execute(
            f"SELECT {', '.join(keys)} FROM unit_supersessions ORDER BY id"
        ).fetchall()
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def _live_unit(self, unit_id: str) -> Unit:
        unit = self.unit(unit_id)
        if unit is None:
            raise FramingError(f"{self.path}: no unit {unit_id!r}")
        if unit.kind in GONE_KINDS:
            raise FramingError(f"{self.path}: unit {unit_id!r} is {unit.kind}; pick a current one")
        return unit

    def split_unit(
        self,
        unit_id: str,
        offset: int,
        decided_by: str,
        hints_for: Callable[[str], dict[str, Any] | None] | None = None,
    ) -> tuple[str, str]:
        """Split a unit at character ``offset`` of its text into two new queued units.

        The old unit keeps its labels and leaves the queue (kind ``superseded``);
        the later units of its document move down two positions, so every other
        unit keeps its id. The span is cut at the same offset in the file when
        the text has the span's length, else proportionally.
        """
        unit = self._live_unit(unit_id)
        left, right = unit.text[:offset].rstrip(), unit.text[offset:].lstrip()
        if not 0 < offset < len(unit.text) or not left or not right:
            raise FramingError(
                f"cannot split unit {unit_id!r} at {offset}: both parts need text "
                f"(its text has {len(unit.text)} characters)"
            )
        width = unit.end - unit.start
        cut = unit.start + (
            offset if width == len(unit.text) else round(offset * width / len(unit.text))
        )
        cut = min(max(cut, unit.start + 1), unit.end - 1)
        parts = [(unit.start, cut, left), (cut, unit.end, right)]
        return tuple(  # type: ignore[return-value]
            self._supersede([unit], parts, "split", decided_by, hints_for)
        )

    def merge_with_next(
        self,
        unit_id: str,
        decided_by: str,
        hints_for: Callable[[str], dict[str, Any] | None] | None = None,
    ) -> str:
        """Merge a unit with the next current unit of its document into one new unit."""
        unit = self._live_unit(unit_id)
        gone = ",".join(f"'{k}'" for k in GONE_KINDS)
        row = self.db.execute(
            f"SELECT unit_id FROM units WHERE doc_id = ? AND position > ?"
            f" AND kind NOT IN ({gone}) ORDER BY position LIMIT 1",
            [unit.doc_id, unit.position],
        ).fetchone()
        if row is None:
            raise FramingError(f"unit {unit_id!r} is the last of its document: nothing to merge")
        nxt = self._live_unit(row[0])
        text = f"{unit.text} {nxt.text}"
        return self._supersede([unit, nxt], [(unit.start, nxt.end, text)], "merge", decided_by,
                               hints_for)[0]  # fmt: skip

    def _supersede(
        self,
        old: list[Unit],
        parts: list[tuple[int, int, str]],
        operation: str,
        decided_by: str,
        hints_for: Callable[[str], dict[str, Any] | None] | None,
    ) -> list[str]:
        first, last = old[0], old[-1]
        doc = first.doc_id
        new_ids = [make_unit_id(doc, s, e) for s, e, _ in parts]
        now = _now()
        with self._write():
            for nid in new_ids:
                if self.db.execute("SELECT 1 FROM units WHERE unit_id = ?", [nid]).fetchone():
                    raise FramingError(f"{self.path}: unit {nid!r} already exists")
            self.db.execute(
                "UPDATE units SET position = position + ? WHERE doc_id = ? AND position > ?",
                [len(parts), doc, last.position],
            )
            for i, ((s, e, text), nid) in enumerate(zip(parts, new_ids, strict=True)):
                hints = hints_for(text) if hints_for else first.hints
                self.db.execute(
                    f"INSERT INTO units ({_UNIT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    [
                        nid,
                        doc,
                        last.position + 1 + i,
                        s,
                        e,
                        text,
                        first.kind,
                        1,
                        first.sentiment,
                        json.dumps(hints, sort_keys=True) if hints else None,
                    ],
                )
            # in a study, whoever was assigned an old unit gets the new ones, at the
            # end of their queue (their other assignments keep their order)
            marks = ",".join("?" * len(old))
            assigned = self.db.execute(
                f"SELECT DISTINCT annotator FROM assignments WHERE unit_id IN ({marks})"
                " ORDER BY annotator",
                [u.unit_id for u in old],
            ).fetchall()
            for (annotator,) in assigned:
                top = self.db.execute(
                    "SELECT COALESCE(MAX(seq), 0) FROM assignments WHERE annotator = ?",
                    [annotator],
                ).fetchone()[0]
                self.db.conn.executemany(
                    "INSERT INTO assignments (annotator, unit_id, seq, role, created_at)"
                    " VALUES (?, ?, ?, 'regular', ?)",
                    [(annotator, nid, top + 1 + i, now) for i, nid in enumerate(new_ids)],
                )
            for u in old:
                self.db.execute(
                    "UPDATE units SET queued = 0, kind = 'superseded' WHERE unit_id = ?",
                    [u.unit_id],
                )
                for nid in new_ids:
                    self.db.execute(
                        "INSERT INTO unit_supersessions (old_unit_id, new_unit_id, operation,"
                        " old_kind, old_queued, decided_by, decided_at) VALUES (?,?,?,?,?,?,?)",
                        [u.unit_id, nid, operation, u.kind, int(u.queued), decided_by, now],
                    )
        return new_ids


def _ids_json(ids: Iterable[int]) -> str:
    """Label ids as a JSON list, as ``json.dumps`` writes it (``[1, 2]``), fast."""
    return "[" + ", ".join(map(str, ids)) + "]"


_NEW, _SAME, _KEPT = 0, 1, 2


def _draft_state(
    cur: tuple[int, str | None, str, str, float | None],
    value: str | None,
    method: str,
    from_json: str,
    confidence: float | None,
) -> int:
    """Whether a draft is written (``_NEW``), equal to the current row (``_SAME``), or
    left out because a person decided the unit (``_KEPT``)."""
    if cur[1] is not None and cur[2] == "adjudicated":
        return _KEPT
    same = cur[1] == value and cur[2] == method and cur[3] == from_json
    return _SAME if same and _close(cur[4], confidence) else _NEW


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) < 1e-9
