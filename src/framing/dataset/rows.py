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
    if not present:
        return None
    counts = Counter(json.dumps(v) if isinstance(v, list) else v for v in present)
    top, n = counts.most_common(1)[0]
    if n * 2 <= len(present):
        return None
    return [str(x) for x in json.loads(top)] if top.startswith("[") else top


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
    of the unit's annotators who gave it).
    """
    docs = {d.doc_id: d for d in store.documents()}
    files = relative_files(list(docs.values()))
    review = store.review_by_unit()  # gold, flags and notes (the review store)
    assigned = store.assigned_by_unit() if store.has_table("assignments") else {}
    dims = spec.dimensions
    dim_ids = [d.id for d in dims]
    labels_it = store.independent_label_stream()
    pending = next(labels_it, None)
    batch = _empty_batch(spec)
    n = 0
    for row in store.iter_unit_rows():
        unit_id, doc_id = row[0], row[1]
        mine: dict[str, dict[str, LabelValue]] = {}
        times: dict[str, list[Any]] = {}
        while pending is not None and pending[0] == unit_id:
            _, a, dim, value, created, shown, active, cond, phase = pending
            mine.setdefault(a, {})[dim] = value
            t = times.setdefault(a, [None, None, None, None, None])
            t[3] = t[3] or cond
            t[4] = t[4] or phase
            t[0] = max(t[0] or created, created)
            t[1] = t[1] or shown
            t[2] = (t[2] or 0) + active if active is not None else t[2]
            pending = next(labels_it, None)
        maj = {d: majority([v.get(d) for v in mine.values()]) for d in dim_ids}
        if spec.labels == "majority":
            unit_gold: dict[str, tuple[LabelValue, str, float | None]] = {}
            for d in dim_ids:
                if maj[d] is not None:
                    votes = [v.get(d) for v in mine.values() if v.get(d) is not None]
                    share = sum(1 for v in votes if v == maj[d]) / len(votes)
                    unit_gold[d] = (maj[d], "majority", share)
        else:
            g = review.get(unit_id, {}).get("gold", {})
            unit_gold = {
                d: (g[d]["value"], g[d]["method"], g[d]["confidence"]) for d in dim_ids if d in g
            }
        if spec.labels != "all" and not unit_gold:
            continue
        doc = docs.get(doc_id)
        if doc is None:  # only a hand-edited database (foreign keys off) gets here
            raise FramingError(
                f"unit {unit_id!r} belongs to a missing document {doc_id!r}; run `framing check`"
            )
        b = batch
        b["unit_id"].append(unit_id)
        b["doc_id"].append(doc_id)
        b["file"].append(files[doc_id])
        b["source"].append(doc.source)
        for f in DOC_FIELDS:
            b[f].append(getattr(doc, f))
        b["position"].append(row[2])
        b["kind"].append(row[6])
        b["queued"].append(bool(row[7]))
        b["text"].append(row[5])
        b["start"].append(row[3])
        b["end"].append(row[4])
        b["sentiment"].append(row[8] if row[8] is not None else 0.0)
        b["hints"].append(row[9])
        for d in dim_ids:
            g = unit_gold.get(d)
            b[f"gold.{d}.value"].append(g[0] if g else None)
            b[f"gold.{d}.method"].append(g[1] if g else None)
            b[f"gold.{d}.confidence"].append(g[2] if g else None)
        for a in spec.annotators:
            got = mine.get(a, {})
            for d in dim_ids:
                b[f"labels.{a}.{d}"].append(got.get(d))
        for d in dim_ids:
            b[f"majority.{d}"].append(maj[d])
        rev = review.get(unit_id, {})
        b["flags"].append(rev.get("flags", []))
        b["notes"].append(rev.get("notes", []))
        for a in spec.annotators:
            t = times.get(a, [None, None, None, None, None])
            for k, name in enumerate(TIMING_FIELDS):
                b[f"timing.{a}.{name}"].append(t[k])
        b["assigned"].append(assigned.get(unit_id, []))
        b["split"].append(split_of(unit_id, doc_id) if split_of else None)
        n += 1
        if n >= batch_size:
            yield batch
            batch, n = _empty_batch(spec), 0
    if n:
        yield batch


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
