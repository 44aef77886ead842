"""The analysis data layer: current labels as coded coders × units matrices per dimension.

Agreement (:mod:`framing.breakdowns`) and the source-bias analysis
(:mod:`framing.analysis.bias`) both start here; the store only reads the columns
(:meth:`Store.current_label_columns`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from framing.models import Codebook, Dimension, LabelValue
from framing.store import LabelColumns, Store


@dataclass(frozen=True)
class CodedMatrix:
    """Current labels of one dimension as coders × units of integer codes.

    ``codes[i, u]`` indexes ``values`` (decoded label values, shared by every
    dimension) and ``time_codes[i, u]`` indexes ``times`` (``created_at``); both
    are ``-1`` where annotator ``annotators[i]`` has no current label for unit
    ``unit_ids[u]``.  Annotators are sorted, units in document and position order;
    only annotators and units with a label in this dimension take part.
    """

    dimension: Dimension
    annotators: list[str]
    unit_ids: list[str]
    codes: np.ndarray
    time_codes: np.ndarray
    values: list[LabelValue]
    times: list[str]
    #: ``unit_codes[u]`` indexes the label columns' ``unit_ids`` (shared by every
    #: dimension), so callers can join dimensions without string look-ups.
    unit_codes: np.ndarray | None = None


def object_lookup(items: Iterable[Any]) -> np.ndarray:
    """A 1-D object array of ``items`` plus a trailing ``None``, so that
    ``object_lookup(xs)[codes]`` maps the code ``-1`` to ``None``."""
    seq = list(items)
    out = np.empty(len(seq) + 1, dtype=object)
    for i, x in enumerate(seq):  # element by element: lists stay objects
        out[i] = x
    return out


def coded_matrices(
    store: Store,
    codebook: Codebook,
    dimensions: Iterable[str] | None = None,
    columns: LabelColumns | None = None,
) -> dict[str, CodedMatrix]:
    """One coded coders × units matrix per codebook dimension (or per ``dimensions``,
    in codebook order), over the units with a label in it.

    Reads every current label once (:meth:`Store.current_label_columns`, unless
    ``columns`` is given) and builds the matrices with numpy.
    """
    cols = store.current_label_columns() if columns is None else columns
    wanted = set(codebook.dimension_ids if dimensions is None else dimensions)
    dim_code = {d: i for i, d in enumerate(cols.dimensions)}
    out: dict[str, CodedMatrix] = {}
    for dim in codebook.dimensions:
        if dim.id not in wanted:
            continue
        code = dim_code.get(dim.id)
        rows = (
            np.flatnonzero(cols.dimension == code)
            if code is not None
            else np.zeros(0, dtype=np.int64)
        )
        units, ucol = np.unique(cols.unit[rows], return_inverse=True)
        coders, arow = np.unique(cols.annotator[rows], return_inverse=True)
        shape = (len(coders), len(units))
        codes = np.full(shape, -1, dtype=np.int64)
        codes[arow, ucol] = cols.value[rows]
        time_codes = np.full(shape, -1, dtype=np.int64)
        time_codes[arow, ucol] = cols.time[rows]
        out[dim.id] = CodedMatrix(
            dim,
            [cols.annotators[i] for i in coders.tolist()],
            [cols.unit_ids[i] for i in units.tolist()],
            codes,
            time_codes,
            cols.values,
            cols.times,
            units,
        )
    return out
