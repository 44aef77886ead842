"""Glue between the store and :mod:`framing.agreement`: label matrices per dimension."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from framing.models import Codebook, Dimension, LabelValue
from framing.store import Store


@dataclass(frozen=True)
class LabelMatrix:
    """Current labels of one dimension as coders × units (None where missing)."""

    dimension: Dimension
    annotators: list[str]
    unit_ids: list[str]
    data: list[list[Any]]


def _cell(dim: Dimension, value: LabelValue) -> Any:
    if value is None:
        return None
    if dim.kind == "multi":
        return frozenset(value if isinstance(value, list) else [value])
    return value


def label_matrices(store: Store, codebook: Codebook) -> dict[str, LabelMatrix]:
    """One coders × units matrix per codebook dimension, over units with any label."""
    cells: dict[str, dict[tuple[str, str], LabelValue]] = {d: {} for d in codebook.dimension_ids}
    units: dict[str, dict[str, None]] = {d: {} for d in codebook.dimension_ids}
    coders: dict[str, set[str]] = {d: set() for d in codebook.dimension_ids}
    for unit_id, annotator, dim_id, value in store.all_current_labels():
        if dim_id not in cells:
            continue  # a dimension no longer in this codebook
        cells[dim_id][(annotator, unit_id)] = value
        units[dim_id][unit_id] = None
        coders[dim_id].add(annotator)
    out: dict[str, LabelMatrix] = {}
    for dim in codebook.dimensions:
        names = sorted(coders[dim.id])
        ids = list(units[dim.id])
        data = [[_cell(dim, cells[dim.id].get((a, u))) for u in ids] for a in names]
        out[dim.id] = LabelMatrix(dim, names, ids, data)
    return out
