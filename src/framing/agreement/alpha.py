"""Krippendorff's alpha through the coincidence matrix.

Source: Krippendorff, K. (2011). *Computing Krippendorff's Alpha-Reliability*.
Annenberg School for Communication, University of Pennsylvania.

With ``o_ck`` the coincidence matrix, ``n_c`` its margins, ``n`` the number
of pairable values and ``δ²_ck`` the metric difference::

    α = 1 − D_o / D_e = 1 − (n − 1) · Σ_ck o_ck δ²_ck / Σ_ck n_c n_k δ²_ck

Nothing here builds a values × values matrix unless the metric needs one
(MASI/Jaccard over distinct label sets) or the caller asks for the
coincidence matrix itself:

* the observed part sums, over pairs of *different* values within a unit,
  ``2 n_uc n_uk δ²_ck / (m_u − 1)`` (linear in the data);
* the expected part uses closed forms: ``n² − Σ n_c²`` (nominal),
  ``2n Σ n_c (x_c − x̄)²`` (interval), and the same on mid-ranks for
  ordinal, since Krippendorff's ordinal difference
  ``(Σ_{g=c..k} n_g − (n_c + n_k)/2)²`` equals ``(r_k − r_c)²`` with the
  mid-rank ``r_c = Σ_{g≤c} n_g − n_c/2``.  Ratio has no closed form: its
  expected disagreement is summed exactly for up to 4,096 distinct values
  and otherwise through an integral representation evaluated in linear time
  (see :func:`_ratio_expected_integral`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from framing.agreement._data import Coded, UnitCounts, distinct_pairs, encode, unit_counts
from framing.agreement.weights import custom_distance

Level = Literal["nominal", "ordinal", "interval", "ratio", "masi", "jaccard"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio", "masi", "jaccard")

_BLOCK_ELEMENTS = 4_000_000
_INTEGRAL_BLOCK = 1_000_000
_RATIO_EXACT_MAX = 4096


# --------------------------------------------------------------------------- set distances


def jaccard_distance(a: frozenset[Any] | set[Any], b: frozenset[Any] | set[Any]) -> float:
    """Jaccard distance ``1 − |a ∩ b| / |a ∪ b|``; two empty sets are at distance 0."""
    union = len(a | b)
    if union == 0:
        return 0.0
    return 1.0 - len(a & b) / union


def masi_distance(a: frozenset[Any] | set[Any], b: frozenset[Any] | set[Any]) -> float:
    """MASI distance (Passonneau 2006, "Measuring Agreement on Set-valued Items").

    ``1 − J·M`` with ``J`` the Jaccard similarity and ``M`` = 1 for identical
    sets, 2/3 when one set contains the other, 1/3 for other overlapping sets
    and 0 for disjoint sets (the weights of ``nltk.metrics.distance.masi_distance``).
    Two empty sets are at distance 0.
    """
    inter, union = len(a & b), len(a | b)
    if union == 0:
        return 0.0
    if len(a) == len(b) == inter:
        m = 1.0
    elif inter == min(len(a), len(b)):
        m = 2 / 3
    elif inter > 0:
        m = 1 / 3
    else:
        m = 0.0
    return 1.0 - inter / union * m


def set_distance_matrix(domain: Sequence[Any], kind: str) -> np.ndarray:
    """Pairwise MASI or Jaccard distances between the sets of ``domain`` (V × V)."""
    sets = [v if isinstance(v, frozenset) else frozenset(_as_set(v)) for v in domain]
    elements = sorted({x for s in sets for x in s}, key=repr)
    v = len(sets)
    if len(elements) <= 63 and hasattr(np, "bitwise_count"):
        pos = {x: i for i, x in enumerate(elements)}
        masks = np.array([sum(1 << pos[x] for x in s) for s in sets], dtype=np.uint64)
        size = np.bitwise_count(masks).astype(np.float64)
        inter = np.bitwise_count(masks[:, None] & masks[None, :]).astype(np.float64)
        union = np.bitwise_count(masks[:, None] | masks[None, :]).astype(np.float64)
        jac = np.divide(inter, union, out=np.ones_like(inter), where=union > 0)
        if kind == "jaccard":
            return 1.0 - jac
        smaller = np.minimum(size[:, None], size[None, :])
        equal = masks[:, None] == masks[None, :]
        m = np.where(equal, 1.0, np.where(inter == smaller, 2 / 3, np.where(inter > 0, 1 / 3, 0.0)))
        return np.where(union > 0, 1.0 - jac * m, 0.0)
    fn = masi_distance if kind == "masi" else jaccard_distance
    out = np.zeros((v, v))
    for i in range(v):
        for j in range(i + 1, v):
            out[i, j] = out[j, i] = fn(sets[i], sets[j])
    return out


def _as_set(v: Any) -> set[Any]:
    if isinstance(v, set | frozenset | list | tuple):
        return set(v)
    return {v}


# --------------------------------------------------------------------------- metric


@dataclass(frozen=True)
class Metric:
    """A level of measurement bound to the pairable value counts ``n_c``."""

    level: str
    n_c: np.ndarray
    x: np.ndarray | None = None  # interval/ratio: values; ordinal: mid-ranks
    dist: np.ndarray | None = None  # masi/jaccard: V × V distances

    def delta(self, c1: np.ndarray, c2: np.ndarray) -> np.ndarray:
        """``δ²`` between value codes, element-wise."""
        if self.level == "nominal":
            return (c1 != c2).astype(np.float64)
        if self.dist is not None:
            return self.dist[c1, c2]
        assert self.x is not None
        a, b = self.x[c1], self.x[c2]
        if self.level == "ratio":
            s = a + b
            return np.divide(a - b, s, out=np.zeros_like(s), where=s != 0) ** 2
        return (a - b) ** 2

    def expected_total(self) -> float:
        """``Σ_c Σ_k n_c n_k δ²_ck`` without a V × V matrix where a closed form exists."""
        n_c = self.n_c
        n = float(n_c.sum())
        if n < 2:
            return 0.0
        if self.level == "nominal":
            return n * n - float(np.dot(n_c, n_c))
        if self.dist is not None:
            return float(n_c @ self.dist @ n_c)
        assert self.x is not None
        used = n_c > 0
        x, w = self.x[used], n_c[used]
        if self.level in ("interval", "ordinal"):
            mean = float(np.dot(w, x)) / n
            return 2.0 * n * float(np.dot(w, (x - mean) ** 2))
        return _ratio_expected(x, w)


def _ratio_expected(x: np.ndarray, w: np.ndarray) -> float:
    """``Σ_c Σ_k n_c n_k ((c − k)/(c + k))²`` over the used values ``x`` with counts ``w``.

    Exact double sum for up to ``_RATIO_EXACT_MAX`` distinct values; beyond
    that the linear-time integral form of :func:`_ratio_expected_integral`.
    """
    if len(x) > _RATIO_EXACT_MAX:
        return _ratio_expected_integral(x, w)
    return _ratio_expected_exact(x, w)


def _ratio_expected_integral(x: np.ndarray, w: np.ndarray) -> float:
    """Ratio expected disagreement in ``O(V · nodes)`` time and ``O(V)`` memory.

    Since ``1/(c + k)² = ∫_0^∞ t e^{−t(c+k)} dt`` (``c + k > 0``),
    ``Σ n_c n_k (c − k)²/(c + k)² = ∫_0^∞ 2t [G_0 G_2 − G_1²](t) dt`` with
    ``G_p(t) = Σ_c n_c c^p e^{−tc}``; the bracket is ``G_0² Var_t(x)``, the
    variance of ``x`` under weights ``n_c e^{−tc}``, computed stably.  The
    integral is taken with the trapezoidal rule in ``s = log t`` (step 0.2),
    which converges geometrically for this analytic, doubly-exponentially
    decaying integrand: relative error ≈ 1e-15.
    """
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    positive = x[x > 0]
    if len(positive) == 0:
        return 0.0
    x0 = float(x.min())
    step = 0.2
    s_lo = -math.log(2.0 * float(x.max())) - 21.0
    s_hi = math.log(46.0 / float(positive.min()))
    nodes = np.exp(np.arange(s_lo, s_hi + step, step))
    rows = max(1, _INTEGRAL_BLOCK // max(len(x), 1))
    total = 0.0
    for i0 in range(0, len(nodes), rows):
        t = nodes[i0 : i0 + rows, None]
        om = w[None, :] * np.exp(-t * (x[None, :] - x0))
        g0 = om.sum(axis=1)
        mu = (om @ x) / g0
        var = np.einsum("tv,tv->t", om, (x[None, :] - mu[:, None]) ** 2) / g0
        tt = t[:, 0]
        total += float(np.sum(2.0 * tt * tt * g0 * g0 * np.exp(-2.0 * tt * x0) * var))
    return total * step


def _ratio_expected_exact(x: np.ndarray, w: np.ndarray) -> float:
    """The double sum itself, in row blocks (upper triangle, doubled)."""
    v = len(x)
    rows = max(1, _BLOCK_ELEMENTS // max(v, 1))
    total = 0.0
    for i0 in range(0, v, rows):
        i1 = min(v, i0 + rows)
        xi, wi = x[i0:i1, None], w[i0:i1, None]
        xj, wj = x[None, i0:], w[None, i0:]
        s = xi + xj
        d = np.divide(xi - xj, s, out=np.zeros(s.shape), where=s != 0) ** 2
        # keep j > i only: zero the diagonal and everything left of it
        d[np.tril_indices(i1 - i0, k=0, m=d.shape[1])] = 0.0
        total += float((wi * d * wj).sum())
    return 2.0 * total


def midranks(n_c: np.ndarray) -> np.ndarray:
    """Krippendorff's ordinal positions ``r_c = Σ_{g≤c} n_g − n_c / 2`` (scale order)."""
    n_c = np.asarray(n_c, dtype=np.float64)
    return np.cumsum(n_c, axis=-1) - n_c / 2.0


def make_metric(level: str, coded: Coded, n_c: np.ndarray, distance: Any = None) -> Metric:
    """Bind ``level`` to the domain of ``coded`` and the pairable counts ``n_c``.

    A custom ``distance`` (callable or matrix, see :func:`custom_distance`)
    replaces the level's difference function.
    """
    if distance is not None:
        return Metric("custom", n_c, dist=custom_distance(distance, coded.domain))
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    if level == "nominal":
        return Metric(level, n_c)
    if level == "ordinal":
        return Metric(level, n_c, x=midranks(n_c))
    if level in ("interval", "ratio"):
        if coded.numeric is None:
            raise ValueError(f"{level} alpha needs numeric values")
        if level == "ratio" and (coded.numeric < 0).any():
            raise ValueError(
                "ratio alpha needs non-negative values (a ratio scale has a true zero)"
            )
        return Metric(level, n_c, x=coded.numeric)
    return Metric(level, n_c, dist=set_distance_matrix(coded.domain, level))


# --------------------------------------------------------------------------- core


@dataclass(frozen=True)
class AlphaParts:
    """Everything alpha and its bootstraps need, computed once."""

    coded: Coded
    uc: UnitCounts
    n_c: np.ndarray  # pairable values per code
    first: np.ndarray  # distinct-value pairs within units (entry indices)
    second: np.ndarray
    pair_weight: np.ndarray  # 2 n_uc n_uk / (m_u − 1)

    @property
    def n(self) -> float:
        return float(self.n_c.sum())


def alpha_parts(coded: Coded, *, with_pairs: bool = True) -> AlphaParts:
    uc = unit_counts(coded, 2)
    n_c = np.bincount(uc.ec, weights=uc.en, minlength=coded.n_values).astype(np.float64)
    if with_pairs:
        first, second = distinct_pairs(uc)
        m1 = (uc.m[uc.eu[first]] - 1).astype(np.float64)
        w = 2.0 * uc.en[first] * uc.en[second] / m1
    else:
        first = second = np.zeros(0, dtype=np.int64)
        w = np.zeros(0)
    return AlphaParts(coded, uc, n_c, first, second, w)


def _nominal_observed_per_unit(uc: UnitCounts) -> np.ndarray:
    """``(m_u² − Σ_c n_uc²) / (m_u − 1)`` for every pairable unit."""
    sq = np.bincount(uc.eu, weights=(uc.en * uc.en).astype(np.float64), minlength=uc.n_units)
    m = uc.m.astype(np.float64)
    return (m * m - sq) / (m - 1.0)


def _nominal_alpha_by_coder_pairs(coded: Coded) -> float:
    """Nominal alpha for few coders: compare coder rows instead of counting per unit.

    With ``S_u`` the number of agreeing coder pairs in unit ``u``,
    ``Σ_c n_uc² = m_u + 2 S_u``, so the observed disagreement is
    ``Σ_u (m_u (m_u − 1) − 2 S_u) / (m_u − 1)``.
    """
    codes = coded.codes
    present = codes >= 0
    m = present.sum(axis=0)
    pairable = m >= 2
    codes, present, m = codes[:, pairable], present[:, pairable], m[pairable]
    if codes.shape[1] == 0:
        return math.nan
    agree = np.zeros(codes.shape[1], dtype=np.int64)
    for i in range(codes.shape[0]):
        for j in range(i + 1, codes.shape[0]):
            agree += (codes[i] == codes[j]) & present[i]
    n_c = np.bincount(codes[present], minlength=coded.n_values).astype(np.float64)
    mf = m.astype(np.float64)
    observed = float(np.sum((mf * (mf - 1.0) - 2.0 * agree) / (mf - 1.0)))
    n = float(n_c.sum())
    return _alpha_from(n, observed, n * n - float(np.dot(n_c, n_c)))


def observed_per_unit(parts: AlphaParts, metric: Metric) -> np.ndarray:
    """Each pairable unit's contribution ``Σ_ck o_uck δ²_ck`` to the observed disagreement."""
    uc = parts.uc
    if metric.level == "nominal":
        return _nominal_observed_per_unit(uc)
    d = metric.delta(uc.ec[parts.first], uc.ec[parts.second])
    return np.bincount(uc.eu[parts.first], weights=parts.pair_weight * d, minlength=uc.n_units)


def _alpha_from(n: float, observed: float, expected: float) -> float:
    if n < 2 or expected <= 0 or not math.isfinite(expected):
        return math.nan
    return 1.0 - (n - 1.0) * observed / expected


def krippendorff_alpha(
    data: Any,
    level: Level | str = "nominal",
    values: Sequence[Any] | None = None,
    distance: Any = None,
) -> float:
    """Krippendorff's alpha for coders × units reliability data.

    Krippendorff (2011), *Computing Krippendorff's Alpha-Reliability*:
    ``α = 1 − (n − 1) Σ_ck o_ck δ²_ck / Σ_ck n_c n_k δ²_ck`` over the
    coincidence matrix ``o`` of pairable values (units with ≥ 2 values).

    Parameters
    ----------
    data
        Coders × units: a numpy array (``NaN`` = missing) or nested lists
        (``None`` = missing).  Labels may be strings; for ``"masi"`` and
        ``"jaccard"`` the values are sets (lists are read as sets).
    level
        ``"nominal"``, ``"ordinal"``, ``"interval"``, ``"ratio"`` (Krippendorff
        2011's difference functions), ``"masi"`` (Passonneau 2006) or
        ``"jaccard"`` (both used as ``δ²`` directly, as nltk does).
    values
        The value domain in order.  Ordinal alpha uses it as the scale order
        (required for string labels; numbers default to numeric order).  Every
        observed value must be in it.
    distance
        A custom difference function ``δ²``: a callable ``(a, b) -> float``
        or a V × V matrix in ``values`` order (symmetric, non-negative, zero
        diagonal).  It replaces ``level``'s; an asymmetric matrix is refused.

    Returns
    -------
    float
        Alpha, or ``nan`` when it is undefined: no unit has two values, or
        the pairable values show no variation (``D_e = 0``).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    coded = encode(data, values)
    if distance is not None:
        parts = alpha_parts(coded, with_pairs=True)
        metric = make_metric(level, coded, parts.n_c, distance)
        observed = float(observed_per_unit(parts, metric).sum())
        return _alpha_from(parts.n, observed, metric.expected_total())
    if level == "ordinal" and values is None and coded.numeric is None:
        raise ValueError("ordinal alpha on labels needs values= giving the scale order")
    if level == "nominal" and coded.codes.shape[0] <= 12:
        return _nominal_alpha_by_coder_pairs(coded)
    parts = alpha_parts(coded, with_pairs=level != "nominal")
    metric = make_metric(level, coded, parts.n_c)
    observed = float(observed_per_unit(parts, metric).sum())
    return _alpha_from(parts.n, observed, metric.expected_total())


def coincidence_matrix(
    data: Any, values: Sequence[Any] | None = None
) -> tuple[np.ndarray, list[Any]]:
    """Krippendorff's coincidence matrix ``o_ck`` and the values that index it.

    Krippendorff (2011), section "Coincidence matrices":
    ``o_ck = Σ_u (number of c–k pairs in unit u) / (m_u − 1)`` over units
    with ``m_u ≥ 2`` values.  Its margins ``n_c`` count pairable values and
    its total is ``n``.  The matrix is V × V (V = number of values), so use
    :func:`krippendorff_alpha` rather than this for data with many distinct
    values.
    """
    coded = encode(data, values)
    uc = unit_counts(coded, 2)
    v = coded.n_values
    m1 = (uc.m[uc.eu] - 1).astype(np.float64)
    diag = np.bincount(uc.ec, weights=uc.en * (uc.en - 1) / m1, minlength=v)
    first, second = distinct_pairs(uc)
    w = uc.en[first] * uc.en[second] / (uc.m[uc.eu[first]] - 1).astype(np.float64)
    c1, c2 = uc.ec[first], uc.ec[second]
    flat = np.bincount(c1 * v + c2, weights=w, minlength=v * v) + np.bincount(
        c2 * v + c1, weights=w, minlength=v * v
    )
    o = flat.reshape(v, v)
    o[np.diag_indices(v)] += diag
    return o, list(coded.domain)
