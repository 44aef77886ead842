"""Kappa-type coefficients: Cohen, Scott, Fleiss, Brennan–Prediger, Gwet.

All of them have the form ``(p_a − p_e) / (1 − p_e)`` and differ in the
chance agreement ``p_e``.  Each returns ``nan`` when it is undefined (no
pairable ratings, or ``p_e = 1``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from framing.agreement._data import Coded, distinct_pairs, encode, unit_counts
from framing.agreement.estimate import multi_parts, ordered_weights, pair_parts, pair_table
from framing.agreement.weights import is_unweighted, resolve

KappaWeights = Literal["linear", "quadratic"] | None
#: A weight scheme name (see :mod:`framing.agreement.weights`), a matrix, or None.
Weights = str | np.ndarray | Sequence[Sequence[float]] | None
GwetWeights = Weights


def _ratio(num: float, den: float) -> float:
    if den == 0 or not math.isfinite(den):
        return math.nan
    return num / den


# --------------------------------------------------------------------------- multi-rater


def percent_agreement(
    data: Any,
    weights: Any = None,
    method: str = "pairwise",
    tolerance: float = 0,
    values: Sequence[Any] | None = None,
) -> float:
    """Percent agreement over units with ≥ 2 ratings.

    ``method="pairwise"`` (default): the mean over units of the share of
    agreeing rater pairs, ``Σ_c n_c (n_c − 1) / (m (m − 1))`` (Fleiss 1971's
    ``P_i``; Gwet 2014, ch. 2), weighted as Gwet's ``p_a`` when ``weights``
    is given.  ``method="all"``: the share of units on which every rater
    agrees (irr's ``agree``; irr keeps only fully rated units, we keep every
    unit with ≥ 2 ratings).  ``tolerance`` (numbers, or positions in
    ``values=``) counts ratings at most that far apart as agreeing, in
    either method.  ``nan`` when no unit has two ratings.
    """
    if is_unweighted(weights) and method == "pairwise" and tolerance == 0:
        return _percent_agreement(encode(data, values))
    return multi_parts(
        "percent_agreement", data, weights, values=values, method=method, tolerance=tolerance
    ).value


def _percent_agreement(coded: Coded) -> float:
    uc = unit_counts(coded, 2)
    if uc.n_units == 0:
        return math.nan
    agree = np.bincount(
        uc.eu, weights=(uc.en * (uc.en - 1)).astype(np.float64), minlength=uc.n_units
    )
    m = uc.m.astype(np.float64)
    return float(np.mean(agree / (m * (m - 1.0))))


def _fleiss(row_sq: np.ndarray, m: np.ndarray, col_sums: np.ndarray) -> float:
    """Fleiss (1971) with the operation order of statsmodels' ``fleiss_kappa``."""
    if len(m) == 0:
        return math.nan
    m = m.astype(np.float64)
    col_sums = col_sums[col_sums > 0].astype(np.float64)
    n_total = col_sums.sum()
    p_cat = col_sums / n_total
    p_rat = (row_sq.astype(np.float64) - m) / (m * (m - 1.0))
    p_mean = p_rat.mean()
    p_mean_exp = (p_cat * p_cat).sum()
    return float(_ratio(p_mean - p_mean_exp, 1 - p_mean_exp))


def fleiss_kappa(
    data: Any,
    weights: Any = None,
    missing: str = "pooled",
    values: Sequence[Any] | None = None,
) -> float:
    """Fleiss' kappa for coders × units data; units may have different numbers of ratings.

    Fleiss (1971), "Measuring nominal scale agreement among many raters",
    Psychological Bulletin 76(5):378–382: ``κ = (P̄ − P̄_e) / (1 − P̄_e)`` with
    ``P_i = Σ_j n_ij (n_ij − 1) / (n_i (n_i − 1))`` averaged over units and
    ``P̄_e = Σ_j p_j²``.  Units with fewer than 2 ratings are dropped; with
    varying ``n_i`` each unit's ``P_i`` uses its own ``n_i`` and ``p_j`` is the
    share of all (kept) ratings in category ``j``.  With a constant number of
    ratings this is exactly ``statsmodels.stats.inter_rater.fleiss_kappa``.
    (Gwet's ``irrCAC::fleiss.kappa.raw`` instead averages per-unit
    proportions over every unit with ≥ 1 rating; the two differ only with
    missing ratings.)  ``missing="pooled"`` (default) is the former,
    ``missing="gwet"`` the latter.  ``weights`` (a scheme or matrix, see
    :mod:`framing.agreement.weights`) gives Gwet's weighted form
    ``p_e = Σ_kl w_kl π_k π_l``.
    """
    if not is_unweighted(weights) or missing != "pooled":
        return multi_parts("fleiss_kappa", data, weights, values=values, missing=missing).value
    uc = unit_counts(encode(data, values), 2)
    row_sq = np.bincount(uc.eu, weights=(uc.en * uc.en).astype(np.float64), minlength=uc.n_units)
    col = np.bincount(uc.ec, weights=uc.en.astype(np.float64), minlength=uc.n_values)
    return _fleiss(row_sq, uc.m, col)


def fleiss_kappa_from_counts(table: Any) -> float:
    """Fleiss' kappa from a subjects × categories table of rating counts.

    Fleiss (1971); rows with fewer than 2 ratings are dropped.  On the
    Wikipedia example (10 subjects, 14 raters, 5 categories) it gives 0.2099.
    """
    t = np.asarray(table, dtype=np.float64)
    if t.ndim != 2:
        raise ValueError("table must be 2-D: subjects × categories")
    if (t < 0).any():
        raise ValueError("counts must be non-negative")
    n_i = t.sum(axis=1)
    t = t[n_i >= 2]
    return _fleiss((t * t).sum(axis=1), t.sum(axis=1), t.sum(axis=0))


def brennan_prediger(
    data: Any,
    weights: Any = None,
    n_categories: int | None = None,
    values: Sequence[Any] | None = None,
) -> float:
    """Brennan & Prediger's (1981) free-marginal kappa ``(p_a − 1/q) / (1 − 1/q)``.

    Brennan & Prediger (1981), "Coefficient kappa: some uses, misuses, and
    alternatives", Educational and Psychological Measurement 41:687–699;
    multi-rater form as in Gwet (2014).  ``p_a`` is :func:`percent_agreement`;
    ``q`` is ``n_categories`` or, by default, the number of distinct values
    in the data (``len(values)`` when given) — statsmodels'
    ``fleiss_kappa(method="randolph")`` is this with ``n_categories`` the
    table's columns.  Weighted (Gwet 2014): ``p_e = Σ_kl w_kl / q²``.
    """
    if not is_unweighted(weights):
        return multi_parts(
            "brennan_prediger", data, weights, values=values, n_categories=n_categories
        ).value
    coded = encode(data, values)
    if n_categories is not None and n_categories < coded.n_values:
        raise ValueError(
            f"n_categories={n_categories} is fewer than the {coded.n_values} categories used"
        )
    q = n_categories if n_categories is not None else coded.n_values
    if q < 2:
        return math.nan
    pa = percent_agreement(coded)
    return _ratio(pa - 1.0 / q, 1.0 - 1.0 / q)


def _gwet(coded: Coded, w: np.ndarray) -> float:
    q = coded.n_values
    if q < 2:
        return math.nan
    # p_a over units rated at least twice (Gwet 2014, eq. for r_i ≥ 2)
    uc = unit_counts(coded, 2)
    if uc.n_units == 0:
        return math.nan
    first, second = distinct_pairs(uc)
    c, n = uc.ec, uc.en.astype(np.float64)
    same = np.bincount(uc.eu, weights=n * n * w[c, c], minlength=uc.n_units)
    cross = np.bincount(
        uc.eu[first],
        weights=n[first] * n[second] * (w[c[first], c[second]] + w[c[second], c[first]]),
        minlength=uc.n_units,
    )
    m = uc.m.astype(np.float64)
    pa = float(np.mean((same + cross - m) / (m * (m - 1.0))))
    # π_k over every unit with at least one rating
    uc1 = unit_counts(coded, 1)
    pi = np.bincount(uc1.ec, weights=uc1.en / uc1.m[uc1.eu], minlength=q) / uc1.n_units
    pe = float(w.sum()) * float(np.sum(pi * (1.0 - pi))) / (q * (q - 1.0))
    return _ratio(pa - pe, 1.0 - pe)


def gwet_ac1(data: Any, values: Sequence[Any] | None = None) -> float:
    """Gwet's AC1 for coders × units data with missing ratings.

    Gwet (2008), "Computing inter-rater reliability and its variance in the
    presence of high agreement", BJMSP 61:29–48; Gwet (2014), *Handbook of
    Inter-Rater Reliability*, 4th ed.: ``p_a`` averages
    ``Σ_k r_ik (r_ik − 1) / (r_i (r_i − 1))`` over units with ``r_i ≥ 2``;
    ``p_e = Σ_k π_k (1 − π_k) / (q − 1)`` with ``π_k`` the mean of
    ``r_ik / r_i`` over all units rated at least once.  ``q`` is the number
    of categories: ``len(values)`` if given, else the number observed.
    """
    coded = encode(data, values)
    return _gwet(coded, np.eye(coded.n_values))


def gwet_ac2(
    data: Any, weights: GwetWeights = "linear", values: Sequence[Any] | None = None
) -> float:
    """Gwet's weighted AC2 (Gwet 2014, *Handbook of Inter-Rater Reliability*, ch. 3).

    ``p_a`` averages ``Σ_k r_ik (r*_ik − 1) / (r_i (r_i − 1))`` with
    ``r*_ik = Σ_l w_kl r_il`` over units with ``r_i ≥ 2``, and
    ``p_e = T_w Σ_k π_k (1 − π_k) / (q (q − 1))`` with ``T_w = Σ_kl w_kl``.
    Weights are any of Gwet's schemes (see :mod:`framing.agreement.weights`;
    ``x`` is the numeric value for numbers, otherwise the position in
    ``values``, required for labels) or a symmetric q × q matrix in domain
    order.
    """
    coded = encode(data, values)
    return _gwet(coded, ordered_weights(weights, coded, values is not None))


# --------------------------------------------------------------------------- two raters


def _kappa_weights(v: int, weights: KappaWeights, x: np.ndarray | None) -> np.ndarray:
    if weights is None:
        w = np.ones((v, v))
        np.fill_diagonal(w, 0.0)
        return w
    if weights not in ("linear", "quadratic"):
        raise ValueError(f"weights must be None, 'linear' or 'quadratic'; got {weights!r}")
    pos = np.arange(v, dtype=np.float64) if x is None else x
    d = np.abs(pos[:, None] - pos[None, :])
    return d if weights == "linear" else d * d


def _kappa_from_confusion(confusion: np.ndarray, w: np.ndarray) -> float:
    """Cohen's (weighted) kappa ``1 − Σ w o / Σ w e`` (same operation order as scikit-learn)."""
    confusion = confusion.astype(np.float64)
    sum0 = confusion.sum(axis=0)
    sum1 = confusion.sum(axis=1)
    total = np.sum(sum0)
    if total == 0:
        return math.nan
    expected = np.outer(sum0, sum1) / total
    den = np.sum(w * expected)
    if den == 0:
        return math.nan
    return float(1 - np.sum(w * confusion) / den)


def _confusion(c1: np.ndarray, c2: np.ndarray, v: int) -> np.ndarray:
    keep = (c1 >= 0) & (c2 >= 0)
    return np.bincount(c1[keep] * v + c2[keep], minlength=v * v).reshape(v, v)


def cohen_kappa(
    a: Sequence[Any] | np.ndarray,
    b: Sequence[Any] | np.ndarray,
    weights: Weights = None,
    labels: Sequence[Any] | None = None,
    wt_vector: Sequence[float] | None = None,
) -> float:
    """Cohen's kappa (Cohen 1960) or weighted kappa (Cohen 1968) of two raters.

    ``κ = 1 − Σ_ij d_ij o_ij / Σ_ij d_ij e_ij`` with disagreement weights
    ``d = 1 − w``: ``w = I`` unweighted; any of Gwet's schemes by name
    (``"linear"`` gives ``d ∝ |i − j|``, ``"quadratic"`` ``d ∝ (i − j)²``, as
    scikit-learn); a symmetric agreement-weight matrix in ``labels`` order; or
    statsmodels' ``"toeplitz"`` with ``wt_vector`` (``d_ij = wt_vector[|i − j|]``,
    scaled to a maximum of 1).  Missing values (``None`` / ``NaN``) are
    dropped pairwise.  Weight positions come from ``labels`` order when given
    (then the result equals ``sklearn.metrics.cohen_kappa_score(a, b,
    labels=labels, weights=...)``), otherwise from the numeric values
    themselves — never from whichever labels happen to be observed.
    Weighted kappa on string labels therefore needs ``labels``.  Values
    outside ``labels`` raise ``ValueError``.  Returns ``nan`` when expected
    agreement is 1 (e.g. both raters used one and the same category
    throughout) or no pair is complete.  :func:`~framing.agreement.estimate`
    adds the standard error (Fleiss, Cohen & Everitt 1969).
    """
    coded, table = pair_table(a, b, labels)
    if is_unweighted(weights) and wt_vector is None:
        return _kappa_from_confusion(table, _kappa_weights(coded.n_values, None, None))
    w = ordered_weights(weights, coded, labels is not None, wt_vector)
    return _kappa_from_confusion(table, 1.0 - w)


def cohen_kappa_from_table(table: Any, weights: Weights = None) -> float:
    """Cohen's (weighted) kappa from a square contingency table (rows: rater A).

    Cohen (1960, 1968); named weights (any of Gwet's schemes) by row/column
    position, or a symmetric agreement-weight matrix.  The table
    ``[[20, 5], [10, 15]]`` gives 0.4.
    """
    t = np.asarray(table, dtype=np.float64)
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise ValueError("table must be square")
    q = t.shape[0]
    if is_unweighted(weights):
        return _kappa_from_confusion(t, _kappa_weights(q, None, None))
    w = resolve(weights, np.arange(1.0, q + 1.0), q, ordered=True)
    return _kappa_from_confusion(t, 1.0 - w)


def scott_pi(
    a: Sequence[Any] | np.ndarray,
    b: Sequence[Any] | np.ndarray,
    weights: Weights = None,
    labels: Sequence[Any] | None = None,
) -> float:
    """Scott's pi (Scott 1955, "Reliability of content analysis: the case of nominal scale coding").

    ``π = (p_o − p_e) / (1 − p_e)`` with ``p_e = Σ_kl w_kl π_k π_l`` and
    ``π_k = (a_k + b_k) / 2n`` the pooled category proportions (``w = I``
    unweighted; weights as in :func:`cohen_kappa`).  Missing values are
    dropped pairwise; ``nan`` when ``p_e = 1`` or no pair is complete.
    """
    return pair_parts("scott_pi", a, b, weights, labels=labels).value


def conger_kappa(data: Any, weights: Weights = None, values: Sequence[Any] | None = None) -> float:
    """Conger's kappa (Conger 1980), the multi-rater generalisation of Cohen's kappa.

    Conger (1980), "Integration and generalization of kappas for multiple
    raters", Psychological Bulletin 88:322–328, in Gwet's (2014) form for
    missing ratings and weights: ``p_a`` as Gwet's AC1; ``p_e = Σ_kl w_kl
    (p̄_k p̄_l − s²_kl / r)`` with ``p_gk`` the share of rater ``g``'s ratings
    in category ``k``, ``p̄`` its mean over the ``r`` raters and ``s²`` its
    covariance.  With two raters and no missing value it is Cohen's kappa.
    """
    return multi_parts("conger_kappa", data, weights, values=values).value


def mean_pairwise_cohen_kappa(data: Any, labels: Sequence[Any] | None = None) -> float:
    """Mean of unweighted Cohen's kappa over coder pairs sharing at least one unit.

    Each pair is scored on the units both coders rated (Cohen 1960); with
    ``labels`` given this equals the mean of
    ``sklearn.metrics.cohen_kappa_score(a, b, labels=labels)``.  Pairs whose
    kappa is undefined (expected agreement 1) are left out of the mean;
    ``nan`` if no pair is left.
    """
    coded = encode(data, labels)
    v = coded.n_values
    w = _kappa_weights(v, None, None)
    codes = coded.codes
    kappas = []
    for i, j in itertools.combinations(range(codes.shape[0]), 2):
        conf = _confusion(codes[i], codes[j], v)
        if conf.sum() == 0:
            continue
        k = _kappa_from_confusion(conf, w)
        if not math.isnan(k):
            kappas.append(k)
    return float(np.mean(kappas)) if kappas else math.nan
