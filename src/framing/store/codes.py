"""Integer codes of the label rows (schema m004_dataset): how export and analysis read
millions of labels without turning each string into a Python object.

``label_codes`` holds one row of integers per ``labels`` row (see
:func:`framing.store.schema.m004_dataset`).  Every write path of the store
(:meth:`LabelsMixin.add_label`, :meth:`LabelsMixin.import_labels`,
:meth:`MergeMixin.merge`) calls :meth:`CodesMixin._code_labels` in its transaction,
which codes every label row newer than the newest coded one.  A reader trusts the
codes only when they reach the newest label (:meth:`CodesMixin.label_codes_current`);
otherwise (a label inserted by hand, or changed by hand: a trigger then drops its code
and every later one) it reads ``labels`` itself.  ``framing check`` compares every
code with its label (:func:`check_label_codes`).
"""

from __future__ import annotations

import math
import sqlite3
from typing import Any

from framing.store.documents import DocumentsMixin
from framing.store.rows import _BATCH
from framing.store.schema import code_labels_after

#: ``active_ms`` NULL in a coded scan (no real duration is this value).
NO_ACTIVE = -(2**62)
#: Largest packed key: codes are packed into one signed 64-bit integer per row.
_PACK_LIMIT = 2**62


class CodedScan:
    """A coded scan of ``label_codes`` (see :meth:`CodesMixin.coded_label_scan`).

    ``arr`` maps ``unit``, ``annotator``, ``dimension``, ``value``, ``time``,
    ``shown``, ``cond``, ``phase`` to int64 code arrays (one per label row, id order)
    and ``active`` to float64 (NaN: not recorded); ``keys[name][code]`` is the string
    a code stands for (None for the code of NULL), ``retracted`` the value code of a
    retraction (NULL value).
    """

    def __init__(self, arr: dict[str, Any], keys: dict[str, list[Any]], retracted: int) -> None:
        self.arr = arr
        self.keys = keys
        self.retracted = retracted


class CodesMixin(DocumentsMixin):
    def _code_labels(self) -> None:
        """Code the label rows appended since the newest coded one (inside a write)."""
        last = self.db.execute("SELECT COALESCE(MAX(id), 0) FROM label_codes").fetchone()[0]
        code_labels_after(self.db, int(last))

    def label_codes_current(self) -> bool:
        """Whether every label row is coded (the newest coded id is the newest label's)."""
        a = self.db.execute("SELECT MAX(id) FROM labels").fetchone()[0]
        b = self.db.execute("SELECT MAX(id) FROM label_codes").fetchone()[0]
        return bool(a == b)

    def coded_label_scan(self, *, timing: bool, ids: bool = False) -> CodedScan | None:
        """See :meth:`_coded_label_scan`; its queries read one snapshot (the terms and
        times it looks up first must know every code its scan then meets)."""
        with self.snapshot():
            return self._coded_label_scan(timing=timing, ids=ids)

    def _coded_label_scan(self, *, timing: bool, ids: bool = False) -> CodedScan | None:
        """Every independent label row (phase not ``review``), id order, as codes; None
        when the codes lag behind the labels (then read ``labels`` instead).

        SQLite packs the codes of a row into as few 64-bit integers as they fit in
        (``((unit·T + annotator)·T + dimension)·T + value``, then the times...), so
        Python receives one small tuple per label.  ``timing`` adds ``created_at``,
        and those of ``shown_at``, hint condition, phase and ``active_ms`` that any
        independent label has (a column that is NULL everywhere is not read).  ``ids``
        adds ``arr["id"]``, the ``labels.id`` of each row (gold's provenance).
        """
        import numpy as np

        if not self.label_codes_current():
            return None
        terms: list[Any] = [None] * (_max(self, "label_terms") + 1)
        for code, text in self.db.execute("SELECT code, text FROM label_terms"):
            terms[code] = text
        t = len(terms) + 1  # the code t - 1 stands for NULL
        n_units = _max(self, "label_units") + 1
        # (name, SQL of its code, radix): packed in this order, as many per word as fit
        fields: list[tuple[str, str, int]] = [
            ("unit", "unit", n_units),
            ("annotator", "annotator", t),
            ("dimension", "dimension", t),
            ("value", f"COALESCE(value, {t - 1})", t),
        ]
        term_keys = [*terms, None]
        keys: dict[str, list[Any]] = {
            "annotator": term_keys,
            "dimension": term_keys,
            "value": term_keys,
            "time": [None],
            "shown": [None],
            "cond": term_keys,
            "phase": term_keys,
        }
        active_sql = ""
        if timing:
            times: list[Any] = [None] * (_max(self, "label_times") + 2)
            for code, text in self.db.execute("SELECT code, text FROM label_times"):
                times[code] = text
            keys["time"] = keys["shown"] = times
            s = len(times)  # the code s - 1 stands for NULL
            fields.append(("time", "created", s))
            has = self.db.execute(
                "SELECT MAX(shown IS NOT NULL), MAX(hints_condition IS NOT NULL),"
                " MAX(phase IS NOT NULL), MAX(active_ms IS NOT NULL)"
                " FROM label_codes WHERE independent"
            ).fetchone()
            for flag, (name, col, radix) in zip(
                has[:3],
                (("shown", "shown", s), ("cond", "hints_condition", t), ("phase", "phase", t)),
                strict=True,
            ):
                if flag:
                    fields.append((name, f"COALESCE({col}, {radix - 1})", radix))
            if has[3]:
                active_sql = f", COALESCE(active_ms, {NO_ACTIVE})"
        words: list[list[tuple[str, str, int]]] = [[]]
        for f in fields:
            if f[2] >= _PACK_LIMIT:
                return None
            if math.prod(r for *_, r in words[-1]) * f[2] >= _PACK_LIMIT:
                words.append([])
            words[-1].append(f)
        exprs = []
        for word in words:
            expr = word[0][1]
            for _name, sql, radix in word[1:]:
                expr = f"({expr}) * {radix} + {sql}"
            exprs.append(expr)
        id_sql = ", id" if ids else ""
        cur = self.db.execute(
            f"SELECT {', '.join(exprs)}{active_sql}{id_sql} FROM label_codes"
            " WHERE independent ORDER BY id"
        )
        width = len(exprs) + (1 if active_sql else 0) + (1 if ids else 0)
        cols = _fetch_ints(cur)[:, None] if width == 1 else _fetch_int_rows(cur, width)
        arr: dict[str, Any] = {}
        for i, word in enumerate(words):
            rest = cols[:, i]
            for name, _sql, radix in reversed(word[1:]):
                rest, arr[name] = np.divmod(rest, radix)
            arr[word[0][0]] = rest
        n = len(cols)
        if ids:
            arr["id"] = cols[:, -1].copy()
        if active_sql:
            active = cols[:, len(exprs)]
            arr["active"] = active.astype(np.float64)
            arr["active"][active == NO_ACTIVE] = np.nan
        else:
            arr["active"] = np.full(n, np.nan)
        del cols
        defaults = {"time": 0, "shown": len(keys["shown"]) - 1, "cond": t - 1, "phase": t - 1}
        for name, code in defaults.items():
            if name not in arr:
                arr[name] = np.full(n, code, np.int64)
        unit_ids: list[Any] = [None] * n_units
        for code, unit_id in self.db.execute("SELECT code, unit_id FROM label_units"):
            unit_ids[code] = unit_id
        keys["unit"] = unit_ids
        return CodedScan(arr, keys, t - 1)


def _max(store: CodesMixin, table: str) -> int:
    return int(store.db.execute(f"SELECT COALESCE(MAX(code), 0) FROM {table}").fetchone()[0])


def _fetch_ints(cur: sqlite3.Cursor) -> Any:
    """The single integer column of ``cur`` as one int64 array (fetched in batches)."""
    import numpy as np

    parts = []
    while rows := cur.fetchmany(_BATCH):
        parts.append(np.array(rows, dtype=np.int64).reshape(-1))
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def _fetch_int_rows(cur: sqlite3.Cursor, width: int) -> Any:
    """``width`` integer columns of ``cur`` as an int64 array of shape (rows, width)."""
    import numpy as np

    parts = []
    while rows := cur.fetchmany(_BATCH):
        parts.append(np.array(rows, dtype=np.int64).reshape(-1, width))
    return np.concatenate(parts) if parts else np.zeros((0, width), np.int64)


def check_label_codes(conn: sqlite3.Connection) -> list[str]:
    """Findings of ``framing check`` about ``label_codes`` (empty before m004): a code
    that differs from its label row, or a label row older than the newest code that
    has none (only a hand edit makes either).  Codes lagging behind the newest label
    are no finding: readers then read the labels, and the next write codes them."""
    if not conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'label_codes'"
    ).fetchone():
        return []

    def term(kind: str, col: str) -> str:
        return (
            f"(SELECT text FROM label_terms WHERE code = c.{col} AND kind = '{kind}')"
            f" IS NOT l.{col}"
        )

    wrong = conn.execute(
        "SELECT MIN(c.id) FROM label_codes AS c LEFT JOIN labels AS l ON l.id = c.id"
        " WHERE l.id IS NULL"
        " OR (SELECT unit_id FROM label_units WHERE code = c.unit) IS NOT l.unit_id"
        f" OR {term('annotator', 'annotator')} OR {term('dimension', 'dimension')}"
        f" OR {term('value', 'value')} OR {term('hints_condition', 'hints_condition')}"
        f" OR {term('phase', 'phase')}"
        " OR c.independent IS NOT (COALESCE(l.phase, 'independent') = 'independent')"
        " OR (SELECT text FROM label_times WHERE code = c.created) IS NOT l.created_at"
        " OR (SELECT text FROM label_times WHERE code = c.shown) IS NOT l.shown_at"
        " OR c.active_ms IS NOT l.active_ms"
    ).fetchone()[0]
    missing = conn.execute(
        "SELECT MIN(l.id) FROM labels AS l WHERE l.id <= (SELECT MAX(id) FROM label_codes)"
        " AND NOT EXISTS (SELECT 1 FROM label_codes AS c WHERE c.id = l.id)"
    ).fetchone()[0]
    out = []
    for first, what in ((wrong, "differs from its label row"), (missing, "is missing")):
        if first is not None:
            out.append(
                f"label codes: the code of label {first} {what} (edited by hand?); export "
                f"and analyze would read it wrong: run `DELETE FROM label_codes WHERE id >= "
                f"{first}` and the next write re-codes them"
            )
    return out
