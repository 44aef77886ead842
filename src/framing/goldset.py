"""Filling the gold table: unanimous units, majority or Dawid–Skene, competence,
the adjudication queue and agreement against gold.

Between :mod:`framing.gold` (numpy, no store) and the store: it reads the
annotators' current *independent* labels of one dimension, runs a method, and
writes automatic rows through :meth:`Store.write_auto_gold`, which never replaces
a person's decision.  No SQL and no Textual here.

What is counted
    Current labels in the codebook's scale (off-scale labels are excluded and
    counted), of units that are not superseded by a split or merge.  A multi
    dimension's value is its exact label set.  A unit gets automatic gold only
    when at least ``min_annotators`` (2) different annotators labelled it; the
    rest are counted as ``too_few``.  The adjudicator's gold never enters these
    counts: it lives in its own table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from framing.gold import (
    Competence,
    DawidSkeneResult,
    Votes,
    annotators_per_unit,
    competence,
    dawid_skene,
    majority,
)
from framing.gold import unanimous as unanimous_mask
from framing.models import Codebook, Dimension, FramingError, LabelValue
from framing.store import Store
from framing.store.review import GoldColumns, settled

Method = Literal["majority", "dawid_skene", "unanimous"]


def _key(value: LabelValue) -> str:
    """A class key: the label id, or the JSON of a multi dimension's sorted set."""
    return json.dumps(sorted(value)) if isinstance(value, list) else str(value)


def _unkey(key: str) -> LabelValue:
    return [str(v) for v in json.loads(key)] if key.startswith("[") else key


@dataclass(frozen=True)
class DimensionVotes:
    """One dimension's votes plus the ids of the label rows behind them."""

    dimension: Dimension
    votes: Votes
    label_ids: np.ndarray
    off_scale: int
    superseded: int


def _dimensions(codebook: Codebook, dimensions: Iterable[str] | None) -> list[Dimension]:
    out = []
    for d in dimensions or codebook.dimension_ids:
        dim = codebook.dimension(d)
        if dim is None:
            raise FramingError(
                f"unknown dimension {d!r}; the codebook has {', '.join(codebook.dimension_ids)}"
            )
        out.append(dim)
    return out


def _class_of(dim: Dimension, text: str | None) -> str | None:
    """The class key of a stored value in ``dim``, or None when it is off the scale."""
    if text is None:
        return None
    scale = dim.label_ids
    if text.startswith("["):
        value = _unkey(text)
        if dim.kind != "multi" or not all(v in scale for v in value or ()):
            return None
        return _key(value)
    return None if dim.kind == "multi" or text not in scale else text


def load_all_votes(
    store: Store, codebook: Codebook, dimensions: Iterable[str] | None = None
) -> dict[str, DimensionVotes]:
    """The current independent labels of each dimension as :class:`Votes`, in ONE
    sequential pass over the labels (:meth:`Store.independent_label_codes_raw`; each
    distinct unit, annotator and value is looked at once).

    Classes are the codebook's labels in codebook order (for a multi dimension: the
    label sets seen, sorted); units are in document order, annotators by name, and
    rows sorted by (unit, annotator).  Off-scale labels and labels of superseded
    units are left out and counted.
    """
    dims = _dimensions(codebook, dimensions)
    col, index = store.independent_label_codes_raw()
    uids = index["unit"]
    ranks = store._unit_ranks(uids)
    rank = np.fromiter((ranks.get(u, -1) for u in uids), np.int64, len(uids))
    gone_ids = store.superseded_unit_ids()
    gone = rank < 0
    if gone_ids:
        gone |= np.fromiter((u in gone_ids for u in uids), bool, len(uids))
    ann_names = index["annotator"]
    by_name = sorted(range(len(ann_names)), key=ann_names.__getitem__)
    ann_recode = np.empty(len(ann_names), np.int64)
    ann_recode[by_name] = np.arange(len(ann_names))
    sorted_names = [ann_names[i] for i in by_name]
    values = index["value"]
    out: dict[str, DimensionVotes] = {}
    for dim in dims:
        dcode = index["dimension"].index(dim.id) if dim.id in index["dimension"] else -1
        keys = [_class_of(dim, t) for t in values]
        classes = (
            sorted({k for k in keys if k is not None})
            if dim.kind == "multi"
            else list(dim.label_ids)
        )
        cix = {c: i for i, c in enumerate(classes)}
        # value code -> class code; -1 off the scale, -2 a retraction (not counted)
        vmap = np.array(
            [-2 if t is None else cix.get(k, -1) if k is not None else -1
             for t, k in zip(values, keys, strict=True)] + [-2],
            dtype=np.int64,
        )  # fmt: skip
        mine = col["dimension"] == dcode
        cls = vmap[col["value"][mine]]
        u = col["unit"][mine]
        present = cls != -2
        sup = present & gone[u]
        off = present & ~gone[u] & (cls == -1)
        keep = present & ~gone[u] & (cls >= 0)
        u, cls = u[keep], cls[keep]
        a = ann_recode[col["annotator"][mine][keep]]
        ids = col["id"][mine][keep]
        units = np.flatnonzero(np.bincount(u, minlength=len(uids)))
        units = units[np.argsort(rank[units], kind="stable")]
        local = np.full(len(uids), -1, np.int64)
        local[units] = np.arange(len(units))
        unit = local[u]
        order = np.lexsort((a, unit))
        used = np.flatnonzero(np.bincount(a, minlength=len(sorted_names)))
        ann_local = np.full(len(sorted_names), -1, np.int64)
        ann_local[used] = np.arange(len(used))
        votes = Votes(
            [uids[i] for i in units.tolist()],
            [sorted_names[i] for i in used.tolist()],
            classes,
            unit[order],
            ann_local[a[order]],
            cls[order],
        )
        out[dim.id] = DimensionVotes(dim, votes, ids[order], int(off.sum()), int(sup.sum()))
    return out


def load_votes(store: Store, codebook: Codebook, dimension: str) -> DimensionVotes:
    """:func:`load_all_votes` for one dimension."""
    return load_all_votes(store, codebook, [dimension])[dimension]


@dataclass
class GoldReport:
    """What ``framing gold`` did in one dimension (JSON via :meth:`to_json`)."""

    dimension: str
    method: str
    units: int = 0
    unanimous: int = 0
    decided: int = 0
    written: int = 0
    kept_adjudicated: int = 0
    too_few: int = 0
    ties: list[str] = field(default_factory=list)
    off_scale_labels: int = 0
    superseded_labels: int = 0
    labels: int = 0
    competence: list[Competence] = field(default_factory=list)
    model: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "method": self.method,
            "labels": self.labels,
            "units": self.units,
            "unanimous": self.unanimous,
            "decided_by_method": self.decided,
            "rows_written": self.written,
            "kept_adjudicated": self.kept_adjudicated,
            "too_few_annotators": self.too_few,
            "ties_open": self.ties,
            "excluded": {
                "off_scale_labels": self.off_scale_labels,
                "labels_of_superseded_units": self.superseded_labels,
            },
            "competence": [c.to_json() for c in self.competence],
            "model": self.model,
        }


def _from_labels(dv: DimensionVotes) -> list[str]:
    """The label row ids behind each unit, ascending, as a JSON list per unit (as
    :func:`json.dumps` writes it: ``[1, 2, 3]``).

    Built as ONE string, ids joined by ``", "`` within a unit and ``"]\\n["`` between
    units, then split at the newlines: a join per unit costs several times more."""
    v = dv.votes
    order = np.lexsort((dv.label_ids, v.unit))
    unit = v.unit[order]
    out = ["[]"] * v.n_units
    if not len(unit):
        return out
    seps = np.where(unit[1:] == unit[:-1], ", ", "]\n[").tolist()
    parts: list[str] = [""] * (2 * len(unit) - 1)
    parts[0::2] = map(str, dv.label_ids[order].tolist())
    parts[1::2] = seps
    lists = ("[" + "".join(parts) + "]").split("\n")
    present = np.flatnonzero(np.bincount(unit, minlength=v.n_units))
    if len(present) == v.n_units:
        return lists
    for i, text in zip(present.tolist(), lists, strict=True):
        out[i] = text
    return out


def fill_gold(
    store: Store,
    codebook: Codebook,
    dimension: str,
    method: Method = "majority",
    *,
    decided_by: str = "framing gold",
    min_annotators: int = 2,
    max_iter: int = 100,
    tol: float = 1e-6,
    votes: DimensionVotes | None = None,
) -> GoldReport:
    """Write automatic gold for one dimension and report what was done.

    Unanimous units (``min_annotators`` or more, all agreeing) are marked
    ``unanimous``; with ``method="unanimous"`` nothing else is written.  Other
    units get the ``majority`` (ties stay open, listed in ``ties``) or the
    ``dawid_skene`` decision (argmax posterior, confidence = posterior; the model
    is fitted on every unit, so unanimous ones inform the error rates).
    """
    dv = votes if votes is not None else load_votes(store, codebook, dimension)
    v = dv.votes
    rep = GoldReport(
        dimension,
        method,
        units=v.n_units,
        labels=len(v.unit),
        off_scale_labels=dv.off_scale,
        superseded_labels=dv.superseded,
    )
    enough = annotators_per_unit(v) >= min_annotators
    rep.too_few = int((~enough).sum())
    unan = unanimous_mask(v, min_annotators) & enough
    maj = majority(v)
    value = np.where(unan, maj.value, -1)
    conf = np.where(unan, 1.0, 0.0)
    how = np.where(unan, "unanimous", "").astype(object)
    model: DawidSkeneResult | None = None
    if method == "majority":
        rest = enough & ~unan & ~maj.tie
        value = np.where(rest, maj.value, value)
        conf = np.where(rest, maj.share, conf)
        how[rest] = "majority"
        rep.ties = [v.unit_ids[i] for i in np.flatnonzero(enough & maj.tie).tolist()]
    elif method == "dawid_skene":
        model = dawid_skene(v, max_iter=max_iter, tol=tol)
        rest = enough & ~unan
        value = np.where(rest, model.value, value)
        conf = np.where(rest, model.confidence, conf)
        how[rest] = "dawid_skene"
        rep.model = {
            "iterations": model.iterations,
            "converged": model.converged,
            "max_iter": max_iter,
            "tol": tol,
            "log_likelihood": model.log_likelihood,
            "priors": dict(zip(v.classes, model.priors.tolist(), strict=True)),
            "posterior_ties": [v.unit_ids[i] for i in model.posterior_ties.tolist()],
        }
    elif method != "unanimous":
        raise FramingError(f"unknown method {method!r} (majority, dawid_skene or unanimous)")
    sources = _from_labels(dv)
    # stored forms straight away: a class key is the value as the store keeps it
    pick = np.flatnonzero(value >= 0)
    picked = pick.tolist()
    columns = GoldColumns(
        unit_ids=[v.unit_ids[i] for i in picked],
        values=np.array(v.classes, dtype=object)[value[pick]].tolist(),
        methods=how[pick].tolist(),
        confidences=conf[pick].tolist(),
        from_labels=[sources[i] for i in picked],
    )
    rep.unanimous = int(unan.sum())
    rep.decided = len(picked) - rep.unanimous
    retract = [] if method == "unanimous" else [v.unit_ids[i] for i in np.flatnonzero(value < 0)]
    current = store.gold_current_raw(dimension)
    rep.written, rep.kept_adjudicated = store.write_auto_gold(
        columns, decided_by, dimension=dimension, retract_others=retract, current=current
    )
    # the gold now stored, without reading it again: a person's decision, else this
    # run's value; with "unanimous" only, whatever was there for the other units
    after = np.where(value >= 0, value, -1)
    if current:
        cix = {c: i for i, c in enumerate(v.classes)}
        none = (0, None, "", "", None)
        cur = [current.get(u, none) for u in v.unit_ids]
        has = np.fromiter((c[1] is not None for c in cur), bool, len(cur))
        adj = np.fromiter((c[2] == "adjudicated" for c in cur), bool, len(cur))
        code = np.fromiter((cix.get(c[1] or "", -1) for c in cur), np.int64, len(cur))
        swap = has & (adj | ((method == "unanimous") & (after < 0)))
        after[swap] = code[swap]
    rep.competence = competence(v, after, model, min_annotators=min_annotators)
    return rep


def gold_codes(store: Store, dv: DimensionVotes) -> np.ndarray:
    """The current gold value of each unit of ``dv`` as a class code (-1: none)."""
    cix = {c: i for i, c in enumerate(dv.votes.classes)}  # a class key is the stored text
    cur = store.gold_current_raw(dv.dimension.id)
    none = (0, None, "", "", None)
    return np.fromiter(
        (cix.get(cur.get(u, none)[1] or "", -1) for u in dv.votes.unit_ids),
        dtype=np.int64,
        count=dv.votes.n_units,
    )


def vs_gold(
    store: Store, codebook: Codebook, dimensions: Iterable[str] | None = None
) -> dict[str, list[Competence]]:
    """Each annotator's accuracy and Cohen's κ against the current gold values."""
    dims = list(dimensions) if dimensions else list(codebook.dimension_ids)
    out = {}
    for d, dv in load_all_votes(store, codebook, dims).items():
        out[d] = competence(dv.votes, gold_codes(store, dv))
    return out


# ------------------------------------------------------------------- adjudication


@dataclass(frozen=True)
class QueueItem:
    """A unit waiting for an adjudicator: why it is there and how disagreed."""

    unit_id: str
    disagreement: float | None
    flagged: bool
    rank: int | None


def adjudication_queue(
    store: Store,
    codebook: Codebook,
    *,
    dimension: str | None = None,
    flagged_only: bool = False,
    min_disagreement: float = 0.0,
    include_decided: bool = False,
) -> list[QueueItem]:
    """Units needing a decision: disagreements in ``framing disagreements`` rank
    order (score ≥ ``min_disagreement``), then flagged units in document order.

    A unit drops out once every dimension considered is settled (adjudicated, or
    unanimous) unless ``include_decided``; superseded units never appear.
    """
    from framing.disagreements import rank_disagreements

    dims: Sequence[str] = [dimension] if dimension else codebook.dimension_ids
    gone = store.superseded_unit_ids()
    gold = store.gold_current(dimension=dimension)

    def decided(unit_id: str) -> bool:
        return all(settled(gold.get((unit_id, d))) for d in dims)

    flagged = {f.unit_id for f in store.active_flags()}
    items: list[QueueItem] = []
    seen: set[str] = set()
    if not flagged_only:
        for rank, row in enumerate(rank_disagreements(store, codebook, dimension), start=1):
            if row.disagreement + 1e-12 < min_disagreement or row.unit_id in gone:
                continue
            if not include_decided and decided(row.unit_id):
                continue
            seen.add(row.unit_id)
            items.append(QueueItem(row.unit_id, row.disagreement, row.unit_id in flagged, rank))
    for fu in store.flagged_units():
        if fu.unit_id in seen or fu.unit_id in gone:
            continue
        if not include_decided and decided(fu.unit_id):
            continue
        items.append(QueueItem(fu.unit_id, None, True, None))
    return items
