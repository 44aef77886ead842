"""Which label each unit gets for an analysis: gold, majority, or one annotator.

Labels come from the coded matrices (:mod:`framing.analysis.data`) and, for
gold, from the store's gold table when it exists.  The result per dimension is
two aligned arrays: unit positions (into ``unit_ids``) and label indices in the
codebook's order.  Only single and ordinal dimensions take part (a multi
dimension has no one label per unit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from framing.analysis.data import CodedMatrix, coded_matrices
from framing.models import Codebook, Dimension, FramingError, LabelValue
from framing.store import LabelColumns, Store


@dataclass(frozen=True)
class ChosenLabels:
    """One label per unit in one dimension.

    Unit ``i`` is ``unit_ids[codes[i]]`` (``unit_ids``: the label columns' units)
    with label ``dimension.labels[label[i]]``; ``excluded`` counts units left out
    and why (no majority, off the scale, ...).
    """

    dimension: Dimension
    codes: np.ndarray
    label: np.ndarray
    excluded: dict[str, int]


def _label_map(m: CodedMatrix) -> np.ndarray:
    """Value code → label index in the dimension (−1 off the scale); last entry for −1."""
    index = {lab.id: i for i, lab in enumerate(m.dimension.labels)}
    out = np.full(len(m.values) + 1, -1, dtype=np.int64)
    for code, v in enumerate(m.values):
        if isinstance(v, str) and v in index:
            out[code] = index[v]
    return out


def majority_codes(m: CodedMatrix) -> tuple[np.ndarray, np.ndarray, int]:
    """``(unit positions, label index, off-scale ratings)``: the label chosen by more
    than half of the on-scale ratings of each unit (units without one left out)."""
    lab = _label_map(m)[m.codes]  # codes −1 index the trailing −1
    n_labels = len(m.dimension.labels)
    if lab.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), 0
    counts = np.stack([(lab == k).sum(axis=0) for k in range(n_labels)])
    rated = (lab >= 0).sum(axis=0)
    off = int(((m.codes >= 0) & (lab < 0)).sum())
    top = counts.max(axis=0)
    ok = np.flatnonzero((rated > 0) & (top * 2 > rated))
    return ok, counts.argmax(axis=0)[ok], off


def choose_labels(
    store: Store,
    codebook: Codebook,
    labels: str,
    *,
    columns: LabelColumns | None = None,
    gold: dict[tuple[str, str], tuple[LabelValue, str, float | None]] | None = None,
    matrices: dict[str, CodedMatrix] | None = None,
) -> dict[str, ChosenLabels]:
    """Per single/ordinal dimension, the chosen label of each unit that has one.

    ``labels`` is ``gold``, ``majority`` or an annotator's name.  Raises
    :class:`FramingError` for an unknown annotator or gold without a gold table.
    ``matrices`` (:func:`coded_matrices` of ``columns``) saves building them again
    when several choices are made from the same columns.
    """
    cols = store.current_label_columns() if columns is None else columns
    dims = [d for d in codebook.dimensions if d.kind != "multi"]
    out: dict[str, ChosenLabels] = {}
    if labels == "gold":
        g = store.current_gold() if gold is None else gold
        if not g:
            raise FramingError(
                f"{store.path}: no gold labels in this database; use --labels majority "
                "or an annotator's name"
            )
        code_of = {u: i for i, u in enumerate(cols.unit_ids)}
        for dim in dims:
            index = {lab.id: i for i, lab in enumerate(dim.labels)}
            pairs = sorted((u, v) for (u, d), (v, _m, _c) in g.items() if d == dim.id)
            kept = [
                (code_of[u], index[v])
                for u, v in pairs
                if isinstance(v, str) and v in index and u in code_of
            ]
            off = sum(1 for _u, v in pairs if not (isinstance(v, str) and v in index))
            arr = np.array(kept, dtype=np.int64).reshape(-1, 2)
            excluded = {"gold_off_scale": off, "gold_unlabelled": len(pairs) - off - len(kept)}
            out[dim.id] = ChosenLabels(dim, arr[:, 0], arr[:, 1], excluded)
        return out
    if labels != "majority" and labels not in cols.annotators:
        known = ", ".join(cols.annotators) or "none"
        raise FramingError(
            f"--labels {labels!r}: not gold, majority or an annotator (annotators: {known})"
        )
    mats = matrices or coded_matrices(store, codebook, [d.id for d in dims], columns=cols)
    for dim in dims:
        m = mats[dim.id]
        if labels == "majority":
            pos, lab, off = majority_codes(m)
            no_majority = len(m.unit_ids) - len(pos)
            excluded = {"no_majority": no_majority, "ratings_off_scale": off}
        else:
            lab_all = np.full(len(m.unit_ids), -1, dtype=np.int64)
            if labels in m.annotators:
                row = m.codes[m.annotators.index(labels)]
                lab_all = _label_map(m)[row]
                off = int(((row >= 0) & (lab_all < 0)).sum())
            else:
                off = 0
            pos = np.flatnonzero(lab_all >= 0)
            lab = lab_all[pos]
            excluded = {"ratings_off_scale": off}
        assert m.unit_codes is not None
        out[dim.id] = ChosenLabels(dim, m.unit_codes[pos], lab, excluded)
    return out
