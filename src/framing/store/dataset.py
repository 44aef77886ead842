"""Reads for datasets and analysis: unit → document/source for every unit, document
provenance, and the optional review tables (gold, flags) when the schema has them.

Gold, flags and notes come from the review store (:mod:`framing.store.review`,
migration m003); these reads only adapt them to the dataset's columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from framing.models import FramingError, LabelValue
from framing.store.codes import CodedScan, CodesMixin
from framing.store.rows import _BATCH, LabelColumns, _decode_all, decode_value


class DatasetMixin(CodesMixin):
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
        """Annotators with at least one label, sorted (an indexed look-up per name).

        Also checks that the ``current_labels`` view is there: a database edited by
        hand without it is refused with a one-line error."""
        if not self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = 'current_labels'"
        ).fetchone():
            raise FramingError(
                f"{self.path}: the current_labels view is missing; run `framing check`"
            )
        return [
            r[0]
            for r in self.db.execute(
                "SELECT name FROM annotators a WHERE EXISTS"
                " (SELECT 1 FROM labels l WHERE l.annotator = a.name AND l.value IS NOT NULL)"
                " ORDER BY name"
            )
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

    def tone_by_source(self) -> list[tuple[str, int, int, float, float]]:
        """``(source, units, documents, Σ sentiment, Σ sentiment²)`` over queued units."""
        return [
            tuple(r)
            for r in self.db.execute(
                "SELECT COALESCE(d.source, ''), COUNT(*), COUNT(DISTINCT u.doc_id),"
                " TOTAL(COALESCE(u.sentiment, 0)), TOTAL(COALESCE(u.sentiment, 0) *"
                " COALESCE(u.sentiment, 0)) FROM units u JOIN documents d ON d.doc_id = u.doc_id"
                " WHERE u.queued = 1 GROUP BY 1 ORDER BY 1"
            )
        ]

    def cue_counts_by_source(self) -> list[tuple[str, str, int]]:
        """``(source, cue type, cues)`` over the stored hints of queued units (from
        ``unit_cues``, which triggers keep equal to the hints: schema m004)."""
        return [
            tuple(r)
            for r in self.db.execute(
                "SELECT COALESCE(d.source, ''), c.type, SUM(c.n) FROM unit_cues c"
                " JOIN documents d ON d.doc_id = c.doc_id WHERE c.queued = 1 GROUP BY 1, 2"
            )
        ]

    def actor_counts_by_source(self) -> list[tuple[str, str, str, int, int]]:
        """``(source, actor id, name, units mentioning it, of those units with an
        attribution or quote cue)`` over queued units (from ``unit_actors``: one row per
        unit, actor id and name ('' when it has none), kept equal to the hints by
        triggers: schema m004)."""
        return [
            tuple(r)
            for r in self.db.execute(
                "SELECT COALESCE(d.source, '') AS src, a.actor, MIN(NULLIF(a.name, '')), COUNT(*),"
                " TOTAL(a.reported) FROM unit_actors a JOIN documents d ON d.doc_id = a.doc_id"
                " WHERE a.queued = 1 GROUP BY src, a.actor ORDER BY src, a.actor"
            )
        ]

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

    def unit_order(self) -> list[str]:
        """Every unit id in document and position order (the export's row order)."""
        cur = self.db.execute("SELECT unit_id FROM units ORDER BY doc_id, position")
        out: list[str] = []
        while rows := cur.fetchmany(_BATCH):
            out.extend(r[0] for r in rows)
        return out

    def independent_label_codes(self, unit_pos: dict[str, int]) -> IndependentLabelCodes:
        """Every annotator's latest independent label, coded (see
        :class:`IndependentLabelCodes`); labels of units not in ``unit_pos`` are left out.
        One streamed pass, no sort: about as fast as ``current_label_columns``."""
        return _independent_codes(self, unit_pos)

    def independent_label_values(self, unit_pos: dict[str, int]) -> IndependentLabelCodes:
        """:meth:`independent_label_codes` without the time columns (``time``,
        ``shown``, ``cond``, ``phase`` all None, ``active`` NaN): what an analysis
        needs, read faster."""
        return _independent_codes(self, unit_pos, timing=False)

    def unit_layout(self) -> UnitLayout:
        """Every unit in document and position order (:meth:`unit_order`'s order) as
        integers: its label code and its document; see :class:`UnitLayout`.  One
        scan, and no unit id becomes a Python string."""
        import numpy as np

        from framing.store.codes import _fetch_int_rows

        docs = self.db.execute(
            "SELECT rowid, doc_id, COALESCE(source, '') FROM documents"
        ).fetchall()
        rows = _fetch_int_rows(
            self.db.execute(
                "SELECT COALESCE(lu.code, -1), COALESCE(d.rowid, -1) FROM units u"
                " LEFT JOIN documents d ON d.doc_id = u.doc_id"
                " LEFT JOIN label_units lu ON lu.unit_id = u.unit_id"
                " ORDER BY u.doc_id, u.position"
            ),
            2,
        )
        rowid = rows[:, 1]
        # units come grouped by document (ordered by doc_id): a new document starts
        # wherever the rowid changes; units of a missing document get −1
        found = rowid >= 0
        start = np.flatnonzero(found & np.append(True, rowid[1:] != rowid[:-1]))
        doc = np.full(len(rowid), -1, np.int64)
        doc[start] = np.arange(len(start))
        doc = np.maximum.accumulate(doc) if len(doc) else doc
        doc[~found] = -1
        by_rowid = {r[0]: (r[1], r[2]) for r in docs}
        meta = [by_rowid[r] for r in rowid[start].tolist()]
        return UnitLayout(
            code=rows[:, 0].copy(),
            doc=doc,
            doc_ids=[m[0] for m in meta],
            doc_sources=[m[1] for m in meta],
        )

    def independent_label_columns(
        self, layout: UnitLayout | None = None, *, sort: bool = True
    ) -> LabelColumns:
        """Each annotator's latest *independent* label (made before seeing anybody
        else's) as :class:`LabelColumns`, like :meth:`current_label_columns` but
        without review labels: what an analysis of the annotators' judgements uses.
        ``positions`` holds each unit's place in :meth:`unit_order`; with ``layout``
        (:meth:`unit_layout`) and current label codes no unit id is looked up.
        ``sort=False`` leaves the rows unsorted (one label per unit, annotator and
        dimension all the same: for callers that scatter them, e.g. coded matrices)."""
        import numpy as np

        scan = self.coded_label_scan(timing=False) if layout is not None else None
        if scan is not None and layout is not None:
            upos = np.full(len(scan.keys["unit"]), -1, np.int64)
            labelled = np.flatnonzero(layout.code >= 0)
            upos[layout.code[labelled]] = labelled
            c = _from_scan(scan, upos)
            units, unit = np.unique(c.pos, return_inverse=True)
            keys = scan.keys["unit"]
            unit_ids = [keys[k] for k in layout.code[units].tolist()]
        else:
            order = self.unit_order()
            c = self.independent_label_values({u: i for i, u in enumerate(order)})
            units, unit = np.unique(c.pos, return_inverse=True)
            unit_ids = [order[i] for i in units.tolist()]
        cols: dict[str, Any] = {"unit": unit.astype(np.int64)}
        names: dict[str, list[str]] = {}
        for name, keys in (("annotator", c.annotators), ("dimension", c.dimensions)):
            by_name = sorted(range(len(keys)), key=keys.__getitem__)
            recode = np.empty(len(keys), dtype=np.int64)
            recode[by_name] = np.arange(len(keys), dtype=np.int64)
            cols[name] = recode[getattr(c, name)]
            names[name] = [keys[i] for i in by_name]
        row_order = (
            np.lexsort((cols["dimension"], cols["annotator"], cols["unit"]))
            if sort
            else slice(None)
        )
        return LabelColumns(
            unit_ids=unit_ids,
            annotators=names["annotator"],
            dimensions=names["dimension"],
            values=c.values,
            times=c.times,
            unit=cols["unit"][row_order],
            annotator=cols["annotator"][row_order],
            dimension=cols["dimension"][row_order],
            value=c.value[row_order],
            time=c.time[row_order],
            positions=units.astype(np.int64),
        )

    def iter_unit_rows(self, *, with_code: bool = False) -> Iterator[tuple[Any, ...]]:
        """Every unit with its document's metadata, in document and position order:
        ``(unit_id, doc_id, position, start, end, text, kind, queued, sentiment, hints)``
        (hints as stored JSON text), streamed; ``with_code`` appends the unit's
        ``label_units`` code (−1: never labelled)."""
        code = ", COALESCE(lu.code, -1)" if with_code else ""
        join = " LEFT JOIN label_units lu ON lu.unit_id = u.unit_id" if with_code else ""
        cur = self.db.execute(
            'SELECT u.unit_id, u.doc_id, u.position, u.start, u."end", u.text, u.kind,'
            f" u.queued, u.sentiment, u.hints{code} FROM units u{join}"
            " ORDER BY u.doc_id, u.position"
        )
        while rows := cur.fetchmany(_BATCH):
            for r in rows:
                _check_unit_row(r)
            yield from rows

    def independent_label_codes_by_unit(self) -> tuple[IndependentLabelCodes, int] | None:
        """:meth:`independent_label_codes` with ``pos`` the unit's ``label_units`` code
        (and how many codes there are), read from the label codes alone; None when they
        lag behind the labels.  Joined with :meth:`iter_unit_rows` ``(with_code=True)``
        no unit id is looked up."""
        import numpy as np

        scan = self.coded_label_scan(timing=True)
        if scan is None:
            return None
        n = len(scan.keys["unit"])
        return _from_scan(scan, np.arange(n, dtype=np.int64)), n

    def distinct_values(self) -> dict[str, set[str]]:
        """``{dimension: {label id, ...}}`` of every label id ever stored (labels and, when
        present, gold), multi values split: the dictionaries of typed exports."""
        out: dict[str, set[str]] = {}
        pairs: set[tuple[Any, Any]] = set()
        if self.label_codes_current():  # the integer codes: no text per label row
            terms = dict(self.db.execute("SELECT code, text FROM label_terms").fetchall())
            pairs.update(
                (terms[d], terms[v])
                for d, v in self.db.execute(
                    "SELECT DISTINCT dimension, value FROM label_codes WHERE value IS NOT NULL"
                )
            )
        else:
            sql = "SELECT DISTINCT dimension, value FROM labels WHERE value IS NOT NULL"
            pairs.update(self.db.execute(sql))
        if self.has_table("gold"):
            sql = "SELECT DISTINCT dimension, value FROM gold WHERE value IS NOT NULL"
            pairs.update(self.db.execute(sql))
        for dim, value in pairs:
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


class UnitLayout:
    """Every unit in document and position order, as integer arrays.

    ``code[i]`` is unit ``i``'s ``label_units`` code (−1: never labelled), ``doc[i]``
    its document as an index into ``doc_ids`` / ``doc_sources`` (−1: its document is
    missing, only in a hand-edited database); documents in ``doc_id`` order.
    """

    def __init__(self, code: Any, doc: Any, doc_ids: list[str], doc_sources: list[str]) -> None:
        self.code = code
        self.doc = doc
        self.doc_ids = doc_ids
        self.doc_sources = doc_sources


class IndependentLabelCodes:
    """Each annotator's latest independent label as integer columns (one row per label).

    ``pos[i]`` is the unit's position in the order given to
    :meth:`DatasetMixin.independent_label_codes`; ``annotator``/``dimension``/
    ``value``/``time``/``shown`` index ``annotators``/``dimensions``/``values``/
    ``times``/``shown_values``; ``active`` is ``active_ms`` (NaN when not recorded).
    """

    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)

    pos: Any
    annotator: Any
    dimension: Any
    value: Any
    time: Any
    shown: Any
    active: Any
    annotators: list[str]
    dimensions: list[str]
    values: list[LabelValue]
    times: list[str]
    shown_values: list[str | None]
    cond: Any
    phase: Any
    cond_values: list[str | None]
    phase_values: list[str | None]


def _independent_codes(
    store: DatasetMixin, unit_pos: dict[str, int], *, timing: bool = True
) -> IndependentLabelCodes:
    """From the label codes (m004) when they are current, else from ``labels``."""
    import numpy as np

    scan = store.coded_label_scan(timing=timing)
    if scan is None:
        return _independent_codes_from_labels(store, unit_pos, timing=timing)
    keys = scan.keys["unit"]
    upos = np.fromiter((unit_pos.get(u, -1) for u in keys), np.int64, len(keys))
    return _from_scan(scan, upos)


def _from_scan(scan: CodedScan, upos: Any) -> IndependentLabelCodes:
    """:class:`IndependentLabelCodes` from a coded scan: numpy keeps the latest row per
    (unit, annotator, dimension), drops retractions, and recodes each column densely
    over the codes that remain (lists in code order)."""
    import numpy as np

    arr = scan.arr
    n_t = len(scan.keys["annotator"])
    key = (arr["unit"] * n_t + arr["annotator"]) * n_t + arr["dimension"]
    order = np.argsort(key, kind="stable")  # id order within a key: its last is the latest
    ks = key[order]
    last = order[np.flatnonzero(np.append(ks[1:] != ks[:-1], True))] if len(ks) else order
    del key, order, ks
    sel = last[arr["value"][last] != scan.retracted]
    pos = upos[arr["unit"][sel]]
    keep = pos >= 0
    sel = sel[keep]
    out: dict[str, Any] = {"pos": pos[keep], "active": arr["active"][sel]}
    lists: dict[str, list[Any]] = {}
    for name in ("annotator", "dimension", "value", "time", "shown", "cond", "phase"):
        col = arr[name][sel]
        keys = scan.keys[name]
        used = np.flatnonzero(np.bincount(col, minlength=len(keys)))
        recode = np.full(len(keys), -1, np.int64)
        recode[used] = np.arange(len(used), dtype=np.int64)
        out[name] = recode[col]
        lists[name] = [keys[i] for i in used.tolist()]
    return IndependentLabelCodes(
        **out,
        annotators=lists["annotator"],
        dimensions=lists["dimension"],
        values=_decode_all(lists["value"]),
        times=lists["time"],
        shown_values=lists["shown"],
        cond_values=lists["cond"],
        phase_values=lists["phase"],
    )


def _independent_codes_from_labels(
    store: DatasetMixin, unit_pos: dict[str, int], *, timing: bool = True
) -> IndependentLabelCodes:
    import numpy as np

    from framing.store.rows import _Codes

    cols = store._columns("labels")
    coded = {"unit": "unit_id", "annotator": "annotator", "dimension": "dimension",
             "value": "value", "time": "created_at" if timing else "NULL"}  # fmt: skip
    numbers: dict[str, str] = {}
    if timing:
        for name, col in (("shown", "shown_at"), ("cond", "hints_condition"), ("phase", "phase")):
            coded[name] = col if col in cols else "NULL"
        numbers["active"] = "active_ms" if "active_ms" in cols else "NULL"
    arr, index, sel = latest_label_scan(store, coded, numbers)
    if not timing:  # not read at all: every row's value is None (code 0), active NaN
        for name in ("shown", "cond", "phase"):
            index[name] = _Codes({None: 0})
            arr[name] = np.zeros(len(arr["id"]), np.int64)
        arr["active"] = np.full(len(arr["id"]), np.nan)
    names = ("unit", "annotator", "dimension", "value", "time", "shown", "cond", "phase")
    unit_keys = list(index["unit"])
    upos = np.fromiter((unit_pos.get(x, -1) for x in unit_keys), np.int64, len(unit_keys))
    out: dict[str, Any] = {"pos": upos[arr["unit"][sel]], "active": arr["active"][sel]}
    lists: dict[str, list[Any]] = {}
    for name in names[1:]:
        # codes in first-seen order of the kept rows (the order the lists always had)
        col = arr[name][sel]
        uniq, first = np.unique(col, return_index=True)
        seen = uniq[np.argsort(first)]
        recode = np.full(len(index[name]), -1, np.int64)
        recode[seen] = np.arange(len(seen), dtype=np.int64)
        out[name] = recode[col]
        keys = list(index[name])
        lists[name] = [keys[i] for i in seen.tolist()]
    keep = out["pos"] >= 0
    return IndependentLabelCodes(
        **{n: c[keep] for n, c in out.items()},
        annotators=lists["annotator"],
        dimensions=lists["dimension"],
        values=_decode_all(lists["value"]),
        times=lists["time"],
        shown_values=lists["shown"],
        cond_values=lists["cond"],
        phase_values=lists["phase"],
    )


def latest_label_scan(
    store: DatasetMixin,
    coded: dict[str, str],
    numbers: dict[str, str] | None = None,
    *,
    ordered: bool = True,
) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """Each (unit, annotator, dimension)'s latest *independent* label, read in ONE
    sequential scan of ``labels`` in id order; numpy then keeps the latest row per key.
    (A GROUP BY with MAX(id) walks the unit index and fetches every row at random:
    2-3x slower on a large table.)  Shared by the dataset reads and ``framing gold``.

    ``coded``: ``{name: SQL column}`` read as integer codes in first-seen order; it
    must hold ``unit``, ``annotator``, ``dimension`` and ``value``.  ``numbers``:
    ``{name: SQL column}`` read as float64 (NULL -> NaN).  Returns ``(arr, index,
    sel)``: ``arr[name]`` one code (or number) per row read, plus ``arr["id"]`` (the
    ``labels.id``, int64); ``index[name]`` the codes (``list(index[name])`` gives the
    keys); ``sel`` the rows to keep (see :func:`_latest_rows`; ``ordered=False``
    leaves them in scan order, for callers that sort by something else anyway).
    Labels made after seeing others' (``phase`` = review, schema m002) are not read.
    """
    import numpy as np

    from framing.store.rows import _Codes

    numbers = numbers or {}
    phase = (
        "COALESCE(phase, 'independent') = 'independent' AND "
        if "phase" in store._columns("labels")
        else ""
    )
    cur = store.db.execute(
        f"SELECT id, {', '.join([*coded.values(), *numbers.values()])} FROM labels"
        f" WHERE {phase}1 ORDER BY id"
    )
    index = {n: _Codes() for n in coded}
    parts: dict[str, list[Any]] = {n: [] for n in ("id", *coded, *numbers)}
    while rows := cur.fetchmany(_BATCH):
        ids, *cols = zip(*rows, strict=True)
        parts["id"].append(np.fromiter(ids, np.int64, len(ids)))
        for name, col in zip(coded, cols, strict=False):
            parts[name].append(np.fromiter(map(index[name].__getitem__, col), np.int64, len(col)))
        for name, col in zip(numbers, cols[len(coded) :], strict=True):
            parts[name].append(np.array([np.nan if x is None else x for x in col], np.float64))
    arr = {
        n: np.concatenate(p) if p else np.zeros(0, np.float64 if n in numbers else np.int64)
        for n, p in parts.items()
    }
    return arr, index, _latest_rows(arr, index, ordered=ordered)


def _latest_rows(
    arr: dict[str, Any], index: dict[str, Any], *, ordered: bool = True, retracted: int = -1
) -> Any:
    """Indices of the latest row (highest id) of each (unit, annotator, dimension) whose
    value is not a retraction, sorted by unit id, annotator and dimension (as strings),
    or in scan order when not ``ordered``.  ``index[name]`` holds each column's keys
    (a ``_Codes`` dict, or a list for a coded scan, then with ``retracted``: the value
    code of a retraction)."""
    import numpy as np

    n_a, n_d = max(len(index["annotator"]), 1), max(len(index["dimension"]), 1)
    key = (arr["unit"] * n_a + arr["annotator"]) * n_d + arr["dimension"]
    _, first_rev = np.unique(key[::-1], return_index=True)
    last = len(key) - 1 - first_rev
    if isinstance(index["value"], dict):
        retracted = index["value"].get(None, -1)
    last = last[arr["value"][last] != retracted]
    if not ordered:
        return np.sort(last)

    def rank(name: str) -> Any:
        keys = list(index[name])
        r = np.empty(len(keys), np.int64)
        r[sorted(range(len(keys)), key=keys.__getitem__)] = np.arange(len(keys))
        return r[arr[name][last]]

    return last[np.lexsort((rank("dimension"), rank("annotator"), rank("unit")))]
