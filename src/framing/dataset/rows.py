"""The one row builder behind every export format.

Units are streamed in document and position order and merged with a stream of
each annotator's latest independent label (same order), so memory stays bounded
on millions of units.  A batch is a set of *flat* columns (:class:`Batch`):
``unit_id``, ``labels.<annotator>.<dimension>``, ``gold.<dimension>.method``...
JSONL and CSV rows, and the nested Arrow columns of Parquet, are made from the
same columns, so a new field is one more column here and appears everywhere.

``file`` is relative to the ingest root (the common folder of the ingested
files), never absolute: the dataset carries no path of the machine it was made on.
"""

from __future__ import annotations

import itertools
import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from framing.models import Codebook, Dimension, Document, FramingError, LabelValue
from framing.store import Store

LABEL_CHOICES: tuple[str, ...] = ("all", "gold", "majority")

#: Document fields every row carries.
DOC_FIELDS: tuple[str, ...] = ("title", "author", "publisher", "date", "perspective")


def majority(values: list[LabelValue]) -> LabelValue:
    """The value chosen by more than half of the annotators who labelled, else None.

    A multi-dimension value (a list) counts as one value: the exact set.
    """
    present = [v for v in values if v is not None]
    if len(present) <= 1:  # the common fast paths: no label, or one annotator
        return present[0] if present else None
    if all(isinstance(v, str) for v in present):
        counts: dict[Any, int] = {}
        for v in present:
            counts[v] = counts.get(v, 0) + 1
        top = max(counts, key=counts.__getitem__)
        return top if counts[top] * 2 > len(present) else None
    tally = Counter(json.dumps(v) if isinstance(v, list) else v for v in present)
    key, n = tally.most_common(1)[0]
    if n * 2 <= len(present):
        return None
    return [str(x) for x in json.loads(key)] if key.startswith("[") else key


def relative_files(docs: list[Document]) -> dict[str, str]:
    """``{doc_id: file}`` with every file relative to the common folder of the ingested
    files (absolute and relative paths each against their own common folder).  A
    ``#L…`` suffix (a line of a ``.jsonl`` file) is kept."""
    out: dict[str, str] = {}
    groups: dict[bool, list[tuple[str, str, str]]] = {True: [], False: []}
    for d in docs:
        path, sep, frag = d.file.partition("#")
        groups[os.path.isabs(path)].append((d.doc_id, path, sep + frag))
    for items in groups.values():
        if not items:
            continue
        parents = [os.path.dirname(os.path.normpath(p)) for _, p, _ in items]
        try:
            root = os.path.commonpath(parents) if all(parents) else ""
        except ValueError:
            root = ""
        for doc_id, path, frag in items:
            rel = os.path.relpath(os.path.normpath(path), root) if root else path
            parts = [p for p in rel.split(os.sep) if p not in ("", "..")]
            out[doc_id] = str(PurePosixPath(*parts)) + frag
    return out


@dataclass
class Spec:
    """What a dataset holds: its dimensions, annotators and optional parts."""

    dimensions: list[Dimension]
    annotators: list[str]
    labels: str = "all"
    has_timing: bool = False
    splits: list[str] = field(default_factory=list)

    @property
    def base(self) -> list[str]:
        return [
            "unit_id",
            "doc_id",
            "file",
            "source",
            *DOC_FIELDS,
            "position",
            "kind",
            "queued",
            "text",
            "start",
            "end",
            "sentiment",
            "hints",
        ]


#: Per annotator and unit: when, how long, under which hint condition, in which phase
#: (issue 8; phase is ``independent`` for every exported label, NULL before m002).
TIMING_FIELDS: tuple[str, ...] = (
    "labelled_at",
    "shown_at",
    "active_ms",
    "hints_condition",
    "phase",
)

#: A batch of flat columns: name → one value per unit.
Batch = dict[str, list[Any]]


def _empty_batch(spec: Spec) -> Batch:
    b: Batch = {c: [] for c in spec.base}
    for d in spec.dimensions:
        b[f"gold.{d.id}.value"] = []
        b[f"gold.{d.id}.method"] = []
        b[f"gold.{d.id}.confidence"] = []
    for a in spec.annotators:
        for d in spec.dimensions:
            b[f"labels.{a}.{d.id}"] = []
    for d in spec.dimensions:
        b[f"majority.{d.id}"] = []
    b["flags"] = []
    b["notes"] = []
    for a in spec.annotators:
        for t in TIMING_FIELDS:
            b[f"timing.{a}.{t}"] = []
    b["assigned"] = []
    b["split"] = []
    return b


def make_spec(store: Store, codebook: Codebook, labels: str = "all") -> Spec:
    annotators = store.labelled_annotators()
    return Spec(
        dimensions=list(codebook.dimensions),
        annotators=annotators,
        labels=labels,
        has_timing=store.has_column("labels", "active_ms"),
    )


_NONE: dict[str, Any] = {}
#: The one empty list of every unit without flags, notes or assignments (never changed).
_EMPTY: list[Any] = []


class _LabelArrays:
    """Every independent label as (annotators × dimensions × units) code arrays, with
    the majority, the labelling times and the timing per annotator — numpy, once."""

    def __init__(self, store: Store, spec: Spec) -> None:
        import numpy as np

        from framing.analysis.data import object_lookup

        # the unit axis: label_units codes (plus one for units without any) when the
        # label codes are current, else positions in document order
        by_code = store.independent_label_codes_by_unit()
        self.order: list[str] | None = None
        if by_code is not None:
            c, n = by_code[0], by_code[1] + 1
        else:
            self.order = store.unit_order()
            n = len(self.order)
            c = store.independent_label_codes({u: i for i, u in enumerate(self.order)})
        self.none_at = n - 1
        a_of = {a: i for i, a in enumerate(spec.annotators)}
        d_of = {d.id: i for i, d in enumerate(spec.dimensions)}
        a_map = np.array([a_of.get(a, -1) for a in c.annotators] + [-1], np.int64)
        d_map = np.array([d_of.get(d, -1) for d in c.dimensions] + [-1], np.int64)
        ai, di = a_map[c.annotator], d_map[c.dimension]
        ok = (ai >= 0) & (di >= 0)
        ai, di, pos = ai[ok], di[ok], c.pos[ok]
        shape = (len(spec.annotators), len(spec.dimensions), n)
        self.value = np.full(shape, -1, np.int64)
        self.value[ai, di, pos] = c.value[ok]
        self.values = object_lookup(c.values)
        # labelled_at: the latest time over the dimensions (times compare as ISO text)
        t_order = sorted(range(len(c.times)), key=c.times.__getitem__)
        rank = np.empty(len(c.times), np.int64)
        rank[t_order] = np.arange(len(c.times))
        tr = np.full(shape, -1, np.int64)
        tr[ai, di, pos] = rank[c.time[ok]]
        self.latest = tr.max(axis=1)  # annotators × units
        self.times = object_lookup([c.times[i] for i in t_order])
        self.text: dict[str, tuple[Any, Any]] = {}
        for tfield, codes, values in (
            ("shown_at", c.shown, c.shown_values),
            ("hints_condition", c.cond, c.cond_values),
            ("phase", c.phase, c.phase_values),
        ):
            # the first recorded value over the dimensions, per annotator and unit
            known = np.array([v is not None for v in values] + [False])
            sm = np.full(shape, -1, np.int64)
            sm[ai, di, pos] = codes[ok]
            valid = known[sm]
            first = valid.argmax(axis=1)
            picked = np.take_along_axis(sm, first[:, None, :], 1)[:, 0, :]
            self.text[tfield] = (np.where(valid.any(axis=1), picked, -1), object_lookup(values))
        act = np.full(shape, np.nan)
        act[ai, di, pos] = c.active[ok]
        has = ~np.isnan(act).all(axis=1)
        self.active = np.where(has, np.nansum(act, axis=1), np.nan)
        self.active_has = has
        # the majority per dimension: the value of more than half of the unit's labels
        self.majority = np.full((len(spec.dimensions), n), -1, np.int64)
        self.share = np.zeros((len(spec.dimensions), n))
        for d in range(len(spec.dimensions)):
            m = self.value[:, d, :]
            if not len(m):
                continue
            present = (m >= 0).sum(axis=0)
            cnt = np.stack([((m == m[i]) & (m[i] >= 0)).sum(axis=0) for i in range(len(m))])
            top, arg = cnt.max(axis=0), cnt.argmax(axis=0)
            won = top * 2 > present
            self.majority[d] = np.where(won, m[arg, np.arange(n)], -1)
            self.share[d] = np.where(won, top / np.maximum(present, 1), 0.0)
        self.has_majority: Any = (self.majority >= 0).any(axis=0)


def iter_batches(
    store: Store,
    codebook: Codebook,
    spec: Spec,
    *,
    split_of: Any = None,
    batch_size: int = 50_000,
) -> Iterator[Batch]:
    """The dataset as batches of flat columns (see the module docstring).

    ``split_of(unit_id, doc_id) -> str | None`` names each unit's split (None: no
    split column values).  With ``spec.labels`` ``gold`` or ``majority`` only units
    with a gold (or majority) label in some dimension are kept; with ``majority``
    the gold columns hold the majority (method ``majority``, confidence = the share
    of the unit's annotators who gave it).  Labels are coded once with numpy
    (:class:`_LabelArrays`); each batch takes its rows' slices.
    """
    docs = {d.doc_id: d for d in store.documents()}
    files = relative_files(list(docs.values()))
    review = store.review_by_unit()  # gold, flags and notes (the review store)
    assigned = store.assigned_by_unit() if store.has_table("assignments") else {}
    doc_meta = {
        d.doc_id: (d.doc_id, files[d.doc_id], d.source, *(getattr(d, f) for f in DOC_FIELDS))
        for d in docs.values()
    }
    lab = _LabelArrays(store, spec)
    order = lab.order
    by_majority = spec.labels == "majority"
    kept: list[tuple[Any, ...]] = []
    revs: list[dict[str, Any]] = []
    rows_at: list[int] = []
    for i, row in enumerate(store.iter_unit_rows(with_code=order is None)):
        unit_id, doc_id = row[0], row[1]
        if order is None:  # by label code; a unit added meanwhile has none of its labels
            at = row[10] if 0 <= row[10] < lab.none_at else lab.none_at
        elif i >= len(order) or order[i] != unit_id:  # a writer changed the units meanwhile
            raise FramingError(f"{store.path}: the units changed during the export; run it again")
        else:
            at = i
        rev = review.get(unit_id, _NONE)
        if spec.labels == "gold" and not rev.get("gold"):
            continue
        if by_majority and not lab.has_majority[at]:
            continue
        if doc_id not in doc_meta:  # only a hand-edited database (foreign keys off) gets here
            raise FramingError(
                f"unit {unit_id!r} belongs to a missing document {doc_id!r}; run `framing check`"
            )
        kept.append(row)
        revs.append(rev)
        rows_at.append(at)
        if len(rows_at) >= batch_size:
            yield _batch(spec, lab, kept, revs, rows_at, doc_meta, assigned, split_of)
            kept, revs, rows_at = [], [], []
    if rows_at:
        yield _batch(spec, lab, kept, revs, rows_at, doc_meta, assigned, split_of)


def _batch(
    spec: Spec,
    lab: _LabelArrays,
    kept: list[tuple[Any, ...]],
    revs: list[dict[str, Any]],
    rows_at: list[int],
    doc_meta: dict[str, tuple[Any, ...]],
    assigned: dict[str, Any],
    split_of: Any,
) -> Batch:
    """One batch of flat columns, built column by column from the kept unit rows."""
    by_majority = spec.labels == "majority"
    b = _empty_batch(spec)
    unit_id, doc_id, position, start, end, text, kind, queued, sentiment, hints = (
        list(c) for c in itertools.islice(zip(*kept, strict=True), 10)
    )  # a trailing label code, when there is one, is not a column
    metas = [doc_meta[d] for d in doc_id]
    for j, c in enumerate(("doc_id", "file", "source", *DOC_FIELDS)):
        b[c] = [m[j] for m in metas]
    b["unit_id"] = unit_id
    b["position"] = position
    b["kind"] = kind
    b["queued"] = [bool(q) for q in queued]
    b["text"] = text
    b["start"] = start
    b["end"] = end
    b["sentiment"] = [x if x is not None else 0.0 for x in sentiment]
    b["hints"] = hints
    if not by_majority:
        golds = [r.get("gold", _NONE) for r in revs]
        for d in (d.id for d in spec.dimensions):
            xs = [g.get(d) for g in golds]
            b[f"gold.{d}.value"] = [x["value"] if x else None for x in xs]
            b[f"gold.{d}.method"] = [x["method"] if x else None for x in xs]
            b[f"gold.{d}.confidence"] = [x["confidence"] if x else None for x in xs]
    b["flags"] = [r.get("flags", _EMPTY) for r in revs]
    b["notes"] = [r.get("notes", _EMPTY) for r in revs]
    b["assigned"] = [assigned.get(u, _EMPTY) for u in unit_id]
    if split_of:
        b["split"] = [split_of(u, d) for u, d in zip(unit_id, doc_id, strict=True)]
    else:
        b["split"] = [None] * len(unit_id)
    _fill_labels(b, spec, lab, rows_at, by_majority)
    return b


def _fill_labels(
    b: Batch, spec: Spec, lab: _LabelArrays, rows_at: list[int], by_majority: bool
) -> None:
    """The label, majority and timing columns of a batch, from the coded arrays."""
    import numpy as np

    at = np.asarray(rows_at, dtype=np.int64)
    for ai, a in enumerate(spec.annotators):
        for di, d in enumerate(spec.dimensions):
            b[f"labels.{a}.{d.id}"] = lab.values[lab.value[ai, di, at]].tolist()
        b[f"timing.{a}.labelled_at"] = lab.times[lab.latest[ai, at]].tolist()
        for tfield, (codes, values) in lab.text.items():
            b[f"timing.{a}.{tfield}"] = values[codes[ai, at]].tolist()
        act = lab.active[ai, at]
        b[f"timing.{a}.active_ms"] = [
            int(x) if h else None for x, h in zip(act.tolist(), lab.active_has[ai, at], strict=True)
        ]
    for di, d in enumerate(spec.dimensions):
        maj = lab.values[lab.majority[di, at]].tolist()
        b[f"majority.{d.id}"] = maj
        if by_majority:
            share = lab.share[di, at].tolist()
            b[f"gold.{d.id}.value"] = maj
            b[f"gold.{d.id}.method"] = [None if v is None else "majority" for v in maj]
            b[f"gold.{d.id}.confidence"] = [
                None if v is None else s for v, s in zip(maj, share, strict=True)
            ]


def _hints(unit_id: str, text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        got = json.loads(text)
    except (ValueError, RecursionError):
        got = None
    if not isinstance(got, dict):
        raise FramingError(
            f"unit {unit_id!r}: its stored hints are not a JSON object; run `framing check`"
        )
    return got


def nested_rows(batch: Batch, spec: Spec) -> Iterator[dict[str, Any]]:
    """JSON rows: base fields, ``gold`` ({dim: {value, method, confidence}}, only dimensions
    with gold), ``flags`` / ``notes`` ([{annotator, reason | text}]),
    ``labels`` ({annotator: {dim: value}}, only labels that exist), ``majority``
    ({dim: value or null}), ``timing`` ({annotator: {...}}, only annotators
    who labelled), and ``split`` when there are splits."""
    dim_ids = [d.id for d in spec.dimensions]
    n = len(batch["unit_id"])
    for i in range(n):
        row: dict[str, Any] = {c: batch[c][i] for c in spec.base}
        row["hints"] = _hints(row["unit_id"], row["hints"])
        gold = {
            d: {
                "value": batch[f"gold.{d}.value"][i],
                "method": batch[f"gold.{d}.method"][i],
                "confidence": batch[f"gold.{d}.confidence"][i],
            }
            for d in dim_ids
            if batch[f"gold.{d}.value"][i] is not None
        }
        row["gold"] = gold
        labels: dict[str, dict[str, LabelValue]] = {}
        timing: dict[str, dict[str, Any]] = {}
        for a in spec.annotators:
            got = {
                d: batch[f"labels.{a}.{d}"][i]
                for d in sorted(dim_ids)
                if batch[f"labels.{a}.{d}"][i] is not None
            }
            if got:
                labels[a] = got
                timing[a] = {t: batch[f"timing.{a}.{t}"][i] for t in TIMING_FIELDS}
        row["labels"] = labels
        row["majority"] = {d: batch[f"majority.{d}"][i] for d in dim_ids}
        row["flags"] = batch["flags"][i]
        row["notes"] = batch["notes"][i]
        row["timing"] = timing
        row["assigned"] = batch["assigned"][i]
        if spec.splits:
            row["split"] = batch["split"][i]
        yield row
