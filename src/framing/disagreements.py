"""The disagreement list: units ranked by how much their annotators disagree.

Core module (no SQL, no Textual).  ``framing disagreements``, the disagreements
screen, adjudication's walk and the goldset all rank units through
:func:`rank_disagreements`, so they agree on the order.  Off-scale labels are left
out exactly as :func:`framing.breakdowns.load_dimensions` leaves them out of
``framing agreement``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from framing.agreement import label_cell
from framing.breakdowns import _on_scale
from framing.models import Codebook, FramingError, LabelValue
from framing.store import Store


@dataclass(frozen=True)
class DisagreementRow:
    """A unit the annotators disagree on, with every annotator's current labels.

    ``disagreement`` is 1 − the unit's percent agreement (the share of
    annotator pairs giving the same label; exact set equality for a multi
    dimension), averaged over the ranked dimensions in which the unit has at
    least two ratings; ``by_dimension`` gives it per dimension.
    ``labels`` is ``{annotator: {dimension: value}}`` over the ranked dimensions.
    """

    unit_id: str
    doc_id: str
    source: str
    position: int
    text: str
    disagreement: float
    n_annotators: int
    by_dimension: dict[str, float]
    labels: dict[str, dict[str, LabelValue]]

    def to_json(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "doc_id": self.doc_id,
            "source": self.source,
            "position": self.position,
            "text": self.text,
            "disagreement": self.disagreement,
            "n_annotators": self.n_annotators,
            "by_dimension": dict(self.by_dimension),
            "labels": {a: dict(v) for a, v in self.labels.items()},
        }


def rank_disagreements(
    store: Store,
    codebook: Codebook,
    dimension: str | None = None,
    *,
    limit: int | None = None,
    include_agreed: bool = False,
) -> list[DisagreementRow]:
    """Units ranked by observed disagreement, most disagreed first.

    Order: disagreement (descending), then number of annotators (descending),
    then document and position.  Only units with at least two ratings in a
    ranked dimension are listed, and (unless ``include_agreed``) only those
    with some disagreement.  ``dimension`` limits the ranking (and the labels
    shown) to one dimension.  A label that is not in the codebook's dimension
    (off the scale) is left out, as :func:`load_dimensions` leaves it out of
    ``framing agreement``: it is neither ranked nor shown, and an annotator
    with only such labels does not count.  ``limit`` keeps the first rows.

    A unit's disagreement in one dimension, with ``m`` ratings of which ``n_v``
    have value ``v``, is ``1 − Σ n_v (n_v − 1) / (m (m − 1))``.  Vectorised: it
    comes from label counts per (unit, dimension, value); only the rows kept are
    built in Python.
    """
    if dimension is not None and codebook.dimension(dimension) is None:
        raise FramingError(
            f"unknown dimension {dimension!r}; the codebook has {', '.join(codebook.dimension_ids)}"
        )
    dims = [dimension] if dimension else list(codebook.dimension_ids)
    cols = store.current_label_columns()
    # dimension codes -> position in ``dims`` (-1: not ranked)
    dim_pos = np.array([dims.index(d) if d in dims else -1 for d in cols.dimensions] + [-1])
    pos = dim_pos[cols.dimension]
    # on_scale[p, v]: is value v a label of dimension dims[p]? (last row: not ranked)
    on_scale = np.zeros((len(dims) + 1, len(cols.values)), dtype=bool)
    for p, d in enumerate(dims):
        dim = codebook.dimension(d)
        assert dim is not None
        on_scale[p] = _on_scale(dim, [label_cell(dim.kind, v) for v in cols.values])
    rows = np.flatnonzero(on_scale[pos, cols.value])  # sorted by (unit, annotator, dimension)
    unit, ann, pos = cols.unit[rows], cols.annotator[rows], pos[rows]
    # equal labels: exact equality, a multi label as its sorted tuple of ids
    canon: dict[Any, int] = {}
    value_key = np.array(
        [
            canon.setdefault(tuple(sorted(v)) if isinstance(v, list) else v, len(canon))
            for v in cols.values
        ],
        dtype=np.int64,
    )
    key = value_key[cols.value[rows]]
    n_dims, n_keys, n_units = len(dims), max(len(canon), 1), len(cols.unit_ids)
    groups, counts = np.unique((unit * n_dims + pos) * n_keys + key, return_counts=True)
    cell = groups // n_keys  # unit * n_dims + dimension position
    m = np.bincount(cell, weights=counts, minlength=n_units * n_dims).astype(np.int64)
    agree = np.bincount(cell, weights=counts * (counts - 1), minlength=n_units * n_dims)
    m = m.reshape(n_units, n_dims)
    agree = agree.astype(np.int64).reshape(n_units, n_dims)
    rated = m >= 2
    pairs = np.where(rated, m * (m - 1), 1)
    by_dim = np.where(rated, 1.0 - agree / pairs, 0.0)
    total = np.zeros(n_units)
    for j in range(n_dims):  # dimension order, as sum() over the dict of rated dimensions
        total = total + by_dim[:, j]
    n_rated = rated.sum(axis=1)
    score = total / np.maximum(n_rated, 1)
    first = np.r_[True, (unit[1:] != unit[:-1]) | (ann[1:] != ann[:-1])] if len(unit) else unit
    n_ann = np.bincount(unit[first.astype(bool)], minlength=n_units)
    keep = n_rated > 0
    if not include_agreed:
        keep &= score > 1e-12
    cand = np.flatnonzero(keep)
    rounded = np.array([round(x, 12) for x in score[cand].tolist()], dtype=np.float64)
    # disagreement descending, then more annotators, then document order (unit code)
    ranked = cand[np.lexsort((cand, -n_ann[cand], -rounded))]
    if limit is not None and limit > 0:
        ranked = ranked[:limit]
    rounded_of = dict(zip(cand.tolist(), rounded.tolist(), strict=True))
    ids = [cols.unit_ids[u] for u in ranked.tolist()]
    units = store.units_by_id(ids) if ids else {}
    sources = store.unit_sources(ids) if ids else {}
    starts = np.searchsorted(unit, ranked)
    ends = np.searchsorted(unit, ranked, side="right")
    out = []
    for u, unit_id, lo, hi in zip(
        ranked.tolist(), ids, starts.tolist(), ends.tolist(), strict=True
    ):
        labels: dict[str, dict[str, LabelValue]] = {}
        for a, p, v in zip(
            ann[lo:hi].tolist(), pos[lo:hi].tolist(), cols.value[rows[lo:hi]].tolist(), strict=True
        ):
            value = cols.values[v]
            labels.setdefault(cols.annotators[a], {})[dims[p]] = (
                list(value) if isinstance(value, list) else value
            )
        for name, labs in labels.items():  # dimensions in ranked order
            labels[name] = {d: labs[d] for d in dims if d in labs}
        info = units.get(unit_id)
        doc_id, source = sources.get(unit_id, (info.doc_id if info else "", ""))
        out.append(
            DisagreementRow(
                unit_id=unit_id,
                doc_id=doc_id,
                source=source,
                position=info.position if info else -1,
                text=info.text if info else "",
                disagreement=rounded_of[u],
                n_annotators=int(n_ann[u]),
                by_dimension={dims[j]: float(by_dim[u, j]) for j in range(n_dims) if rated[u, j]},
                labels=labels,
            )
        )
    return out
