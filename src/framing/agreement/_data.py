"""Turn reliability data (coders × units) into integer codes.

Every coefficient in this package works on the same internal form: an
``(M, N)`` int64 array of value codes, ``-1`` for a missing value, plus the
value domain the codes index into.  Accepted inputs:

* a numpy array with a numeric dtype (``NaN`` marks a missing value);
* a numpy string array (the string ``"nan"``, which is what numpy makes of a
  ``NaN`` in a string array, marks a missing value);
* nested lists or an object array, with ``None`` (or a float ``NaN``) for
  missing.  Values may be numbers, strings, or any hashable label; lists and
  sets are turned into frozensets (set-valued data for MASI/Jaccard).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: The code of a missing value in :attr:`Coded.codes`.
MISSING = -1


@dataclass(frozen=True)
class Coded:
    """Reliability data as codes: ``codes[i, u]`` indexes ``domain`` or is -1."""

    codes: np.ndarray
    domain: list[Any]
    numeric: np.ndarray | None = field(default=None)

    @property
    def n_values(self) -> int:
        return len(self.domain)


def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    return isinstance(v, float | np.floating) and math.isnan(v)


def _is_number(v: Any) -> bool:
    return isinstance(v, numbers.Real)


def _label_kind(v: Any) -> str:
    """``"number"``, ``"text"`` or ``"other"``: the kinds that must not mix in one data set."""
    if isinstance(v, str | np.str_):
        return "text"
    if _is_number(v):
        return "number"
    return "other"


def check_label_types(labels: Sequence[Any]) -> None:
    """Refuse data that mix numbers and strings (``1`` and ``'1'``).

    Whether ``1`` and ``'1'`` are one category or two is a guess either way,
    and numpy's own guess depends on whether a missing value is present, so
    a coefficient could change when an empty unit is added.  We refuse such
    data instead, naming an example of each kind.
    """
    kinds = {_label_kind_of_type(t) for t in set(map(type, labels))}
    if "number" in kinds and "text" in kinds:
        number = next(v for v in labels if _label_kind(v) == "number")
        text = next(v for v in labels if _label_kind(v) == "text")
        raise ValueError(
            f"reliability data mix numbers and strings ({number!r} and {text!r}); "
            "convert the labels to one type first"
        )


def _label_kind_of_type(t: type) -> str:
    if issubclass(t, str):
        return "text"
    if issubclass(t, numbers.Real):
        return "number"
    return "other"


def _normalise_label(v: Any) -> Any:
    """Lists and sets become frozensets so that set-valued labels are hashable."""
    if isinstance(v, list | set):
        return frozenset(v)
    if isinstance(v, np.generic):
        return v.item()
    return v


def sorted_domain(values: list[Any]) -> list[Any]:
    """A deterministic order for an observed domain (it matters only for display)."""
    if values and all(isinstance(v, frozenset) for v in values):
        return sorted(values, key=lambda s: (len(s), sorted(map(str, s))))
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=lambda v: (type(v).__name__, repr(v)))


def _object_matrix(data: Any) -> np.ndarray:
    """A 2-D object array built element by element (labels may be lists or sets)."""
    rows = [list(r) for r in data]
    if not rows:
        return np.empty((0, 0), dtype=object)
    n = len(rows[0])
    if any(len(r) != n for r in rows):
        raise ValueError("reliability data must be rectangular (coders × units)")
    out = np.empty((len(rows), n), dtype=object)
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            out[i, j] = v
    return out


def _as_array(data: Any) -> np.ndarray:
    if isinstance(data, np.ndarray):
        arr = data
    else:
        try:
            arr = np.asarray(data)
        except ValueError:  # ragged because labels are lists of different length
            arr = _object_matrix(data)
        else:
            if arr.dtype == object and arr.ndim != 2:
                arr = _object_matrix(data)
            elif arr.dtype.kind in "US" and arr.ndim == 2:
                # numpy turned every label into a string, numbers included: keep
                # the originals so that a mix of 1 and '1' is seen (and refused)
                arr = _object_matrix(data)
            elif arr.ndim == 3 and arr.dtype.kind in "OUS":
                # labels that are equal-length lists: numpy added a third axis
                arr = _object_matrix(data)
    if arr.ndim == 1:
        raise ValueError("reliability data must be 2-D: coders × units")
    if arr.ndim != 2:
        raise ValueError(f"reliability data must be 2-D (coders × units), got {arr.ndim}-D")
    return arr


def _small_int_codes(obs: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``np.unique(obs, return_inverse=True)`` without sorting, for small integer values."""
    if obs.size < 10_000:
        return None
    lo, hi = float(obs.min()), float(obs.max())
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi - lo > 1_000_000:
        return None
    ints = obs.astype(np.int64)
    if not np.array_equal(ints, obs):
        return None
    shifted = ints - int(lo)
    used = np.bincount(shifted) > 0
    rank = np.cumsum(used) - 1
    return np.flatnonzero(used).astype(np.float64) + lo, rank[shifted]


def _encode_numeric(arr: np.ndarray, values: Sequence[Any] | None) -> Coded:
    x = np.asarray(arr, dtype=np.float64)
    present = ~np.isnan(x)
    obs = x[present]
    codes = np.full(x.shape, MISSING, dtype=np.int64)
    if values is None:
        small = _small_int_codes(obs)
        if small is not None:
            domain, inv = small
        else:
            domain, inv = np.unique(obs, return_inverse=True)
        codes[present] = inv
    else:
        try:
            domain = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError("numeric reliability data need numeric values=") from None
        if domain.ndim != 1 or len(np.unique(domain)) != len(domain):
            raise ValueError("values= must be a 1-D sequence of distinct values")
        order = np.argsort(domain, kind="stable")
        sdom = domain[order]
        pos = np.searchsorted(sdom, obs)
        pos_c = np.minimum(pos, len(sdom) - 1)
        ok = (pos < len(sdom)) & (sdom[pos_c] == obs) if len(sdom) else np.zeros(0, bool)
        if len(obs) and (len(sdom) == 0 or not ok.all()):
            bad = np.unique(obs[~ok])[:5] if len(sdom) else np.unique(obs)[:5]
            raise ValueError(f"values outside values=: {bad.tolist()}")
        codes[present] = order[pos_c]
    return Coded(codes, domain.tolist(), np.asarray(domain, dtype=np.float64))


def encode(data: Any, values: Sequence[Any] | None = None) -> Coded:
    """Encode coders × units reliability data as integer codes.

    ``values``, when given, is the value domain in its meaningful order (the
    scale order for ordinal data); every observed value must belong to it.
    Without it the domain is the sorted set of observed values.
    """
    if isinstance(data, Coded):
        return data
    arr = _as_array(data)
    if arr.dtype.kind in "fiub":
        return _encode_numeric(arr, values)
    if arr.dtype.kind in "US":
        flat_list: list[Any] = [None if s == "nan" else str(s) for s in arr.ravel().tolist()]
    else:
        flat_list = arr.ravel().tolist()
    missing = [_is_missing(v) for v in flat_list]
    labels = [_normalise_label(v) for v, m in zip(flat_list, missing, strict=True) if not m]
    check_label_types(labels)
    if values is None and all(_is_number(v) for v in labels):
        num = np.array(
            [math.nan if m else float(v) for v, m in zip(flat_list, missing, strict=True)],
            dtype=np.float64,
        ).reshape(arr.shape)
        return _encode_numeric(num, None)
    if values is None:
        domain = sorted_domain(list(dict.fromkeys(labels)))
    else:
        domain = [_normalise_label(v) for v in values]
        if len(set(domain)) != len(domain):
            raise ValueError("values= must not contain duplicates")
    index = {v: i for i, v in enumerate(domain)}
    try:
        obs_codes = [index[v] for v in labels]
    except KeyError as err:
        raise ValueError(f"value {err.args[0]!r} is not in values=") from None
    except TypeError as err:
        raise ValueError(f"unhashable label in reliability data: {err}") from None
    codes = np.full(arr.size, MISSING, dtype=np.int64)
    codes[~np.asarray(missing, dtype=bool)] = obs_codes
    numeric = None
    if domain and all(_is_number(v) for v in domain):
        numeric = np.asarray(domain, dtype=np.float64)
    return Coded(codes.reshape(arr.shape), domain, numeric)


def _rating_list(x: Any, name: str) -> list[Any]:
    """One rater's ratings as a list; an (n, 1) or (1, n) array counts as 1-D.

    A 2-D numpy array is never read as set-valued labels (each row a set):
    that silently turned a column vector into one-element sets.  Set-valued
    labels must be given explicitly, as lists or sets in a list.
    """
    if isinstance(x, np.ndarray):
        if x.ndim == 2 and 1 in x.shape:
            x = x.ravel()
        elif x.ndim != 1:
            raise ValueError(
                f"{name} must be 1-D (or an (n, 1) / (1, n) array), got shape {x.shape}"
            )
        return x.tolist()
    return list(x)


def encode_pair(a: Any, b: Any, labels: Sequence[Any] | None = None) -> Coded:
    """Two 1-D rating sequences as a 2 × N coded matrix."""
    a_list = _rating_list(a, "a")
    b_list = _rating_list(b, "b")
    if len(a_list) != len(b_list):
        raise ValueError(f"a and b differ in length ({len(a_list)} != {len(b_list)})")
    m = np.empty((2, len(a_list)), dtype=object)
    for j, (x, y) in enumerate(zip(a_list, b_list, strict=True)):
        m[0, j] = x
        m[1, j] = y
    if all(_is_number(v) or _is_missing(v) for v in a_list + b_list):
        num = np.array(
            [[math.nan if _is_missing(v) else float(v) for v in row] for row in (a_list, b_list)],
            dtype=np.float64,
        ).reshape(2, len(a_list))
        return _encode_numeric(num, labels)
    return encode(m, labels)


@dataclass(frozen=True)
class UnitCounts:
    """Sparse per-unit value counts for the units with at least ``min_ratings`` values.

    ``eu[e]``, ``ec[e]``, ``en[e]``: entry ``e`` says that unit ``eu[e]``
    (indexing the kept units) received value ``ec[e]`` from ``en[e]`` coders.
    Entries are sorted by unit, then by value code.  ``m[u]`` is the number
    of values in kept unit ``u``; ``kept`` maps kept units to columns of the
    original data.
    """

    eu: np.ndarray
    ec: np.ndarray
    en: np.ndarray
    m: np.ndarray
    kept: np.ndarray
    n_values: int

    @property
    def n_units(self) -> int:
        return len(self.m)


def unit_counts(coded: Coded, min_ratings: int = 2) -> UnitCounts:
    """Per-unit value counts (the rows of Krippendorff's "values by units" table)."""
    codes = coded.codes
    v = max(coded.n_values, 1)
    m_all = (codes >= 0).sum(axis=0)
    kept = np.flatnonzero(m_all >= min_ratings)
    sub = codes[:, kept]
    present = sub >= 0
    n_units = len(kept)
    unit_idx = np.broadcast_to(np.arange(n_units, dtype=np.int64), sub.shape)[present]
    key = unit_idx * v + sub[present]
    if n_units * v <= max(20_000_000, 4 * key.size):
        counts = np.bincount(key, minlength=n_units * v)
        nz = np.flatnonzero(counts)
        en = counts[nz]
    else:
        nz, en = np.unique(key, return_counts=True)
    eu, ec = np.divmod(nz, v)
    return UnitCounts(
        eu.astype(np.int64),
        ec.astype(np.int64),
        en.astype(np.int64),
        m_all[kept].astype(np.int64),
        kept,
        coded.n_values,
    )


def distinct_pairs(uc: UnitCounts) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs ``(e1, e2)``, ``e1 < e2``, of entries of the same unit.

    These are the pairs of *different* values that meet in a unit; pairs of
    equal values never add disagreement.  Vectorised: no loop over units.
    """
    e = len(uc.eu)
    if e == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    per_unit = np.bincount(uc.eu, minlength=uc.n_units)
    end = np.cumsum(per_unit)  # one past the last entry of each unit
    after = end[uc.eu] - np.arange(e) - 1  # entries after e in its unit
    total = int(after.sum())
    first = np.repeat(np.arange(e, dtype=np.int64), after)
    block = np.repeat(np.cumsum(after) - after, after)
    second = first + 1 + (np.arange(total, dtype=np.int64) - block)
    return first, second
