"""Chance-corrected coefficients with analytic variances (Gwet 2014, ch. 5).

Every multi-rater coefficient here has the form ``(p_a − p_e) / (1 − p_e)``
on a units × categories count table ``r_ik`` (how many raters put unit ``i``
in category ``k``).  The weighted percent agreement is Gwet's

    p_a = mean over units with r_i ≥ 2 of Σ_k r_ik (r*_ik − 1) / (r_i (r_i − 1)),
    r*_ik = Σ_l w_kl r_il,

and the coefficients differ in ``p_e``:

* Gwet's AC1/AC2: ``T_w Σ_k π_k (1 − π_k) / (q (q − 1))``, ``T_w = Σ_kl w_kl``;
* Fleiss' κ: ``Σ_kl w_kl π_k π_l``;
* Conger's κ: ``Σ_kl w_kl (p̄_k p̄_l − s²_kl / r)``, with ``p_gk`` rater ``g``'s
  own category shares, ``p̄`` their mean and ``s²`` their covariance over raters;
* Brennan–Prediger: ``T_w / q²`` (``1/q`` unweighted).

``π_k`` is the mean over units rated at least once of ``r_ik / r_i``
(Gwet's convention); Fleiss' κ can use instead the pooled share of all
ratings in units rated at least twice (``missing="pooled"``, the classical
Fleiss 1971 form, equal to ``statsmodels.stats.inter_rater.fleiss_kappa``).
With no missing ratings the two agree.

Variances are Gwet's linearisations (Handbook, ch. 5; as in irrCAC): with
``n`` units rated at least once, ``n₂`` of them at least twice and ``f = n/N``
the sampling fraction of a finite population of ``N`` units,

    κ_i  = (n/n₂) (p_a|i − p_e · [r_i ≥ 2]) / (1 − p_e)
    κ*_i = κ_i − 2 (1 − κ) (p_e|i − p_e) / (1 − p_e)
    v(κ) = (1 − f) / (n (n − 1)) Σ_i (κ*_i − κ)²

where ``p_e|i`` is unit ``i``'s share of the chance agreement (none for
Brennan–Prediger and percent agreement).  Intervals and p-values use
Student's t with ``n − 1`` degrees of freedom, and the upper limit is capped
at 1, as irrCAC does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from framing.agreement._data import Coded

Coefficient = Literal["gwet", "fleiss", "conger", "bp", "pa"]


@dataclass(frozen=True)
class Parts:
    """The value of a coefficient and its unit-level linearised terms."""

    value: float
    pa: float
    pe: float
    n: int  # units rated at least once (the variance's sample size)
    terms: np.ndarray | None  # κ*_i, or None when the coefficient is undefined
    reason: str | None = None  # why ``value`` is nan


def count_table(coded: Coded, min_ratings: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``r_ik`` for units with at least ``min_ratings`` ratings, and their columns."""
    codes = coded.codes
    q = coded.n_values
    m = (codes >= 0).sum(axis=0)
    kept = np.flatnonzero(m >= min_ratings)
    sub = codes[:, kept]
    present = sub >= 0
    unit = np.broadcast_to(np.arange(len(kept), dtype=np.int64), sub.shape)[present]
    flat = np.bincount(unit * max(q, 1) + sub[present], minlength=len(kept) * max(q, 1))
    return flat.reshape(len(kept), max(q, 1)).astype(np.float64)[:, :q], kept


def _undefined(reason: str, pa: float = math.nan, pe: float = math.nan, n: int = 0) -> Parts:
    return Parts(math.nan, pa, pe, n, None, reason)


def weighted_pa(r: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-unit weighted agreement ``p_a|i`` (0 for units with < 2 ratings) and ``r_i ≥ 2``."""
    ri = r.sum(axis=1)
    two = ri >= 2
    sum_q = np.einsum("ik,ik->i", r, r @ w.T - 1.0)
    den = np.where(two, ri * (ri - 1.0), 1.0)
    return np.where(two, sum_q / den, 0.0), two


def multi_rater(
    coded: Coded,
    w: np.ndarray,
    kind: Coefficient,
    *,
    missing: str = "gwet",
    n_categories: int | None = None,
) -> Parts:
    """One coefficient of the family on coders × units codes with weights ``w``."""
    q = coded.n_values
    r, kept = count_table(coded, 2 if (kind == "fleiss" and missing == "pooled") else 1)
    n = r.shape[0]
    pa_i, two = weighted_pa(r, w)
    n2 = int(two.sum())
    if n2 == 0:
        return _undefined("no unit has ratings from two raters", n=n)
    pa = float(pa_i.sum() / n2)
    ri = r.sum(axis=1)
    scale = n / n2
    if kind == "pa":
        return Parts(pa, pa, 0.0, n, scale * pa_i)
    if kind == "bp":
        qq = n_categories if n_categories is not None else q
        if qq < 2:
            return _undefined("fewer than two categories", pa, n=n)
        pe = float(w.sum()) / (qq * qq) if n_categories is None else 1.0 / qq
        pe_i = np.full(n, pe)
    elif kind in ("gwet", "fleiss"):
        if kind == "fleiss" and missing == "pooled":
            tot = r.sum(axis=0)
            pi = tot / tot.sum()
        else:
            pi = (r / ri[:, None]).mean(axis=0)
        if kind == "gwet":
            if q < 2:
                return _undefined("fewer than two categories", pa, n=n)
            c = float(w.sum()) / (q * (q - 1.0))
            pe = c * float(np.sum(pi * (1.0 - pi)))
            pe_i = c * (r @ (1.0 - pi)) / ri
        else:
            pe = float(pi @ w @ pi)
            pe_i = (r @ ((w + w.T) / 2.0 @ pi)) / ri
    else:
        pe, pe_i = _conger_pe(coded.codes[:, kept], q, w, n)
        if math.isnan(pe):
            return _undefined("Conger's kappa needs at least two raters with ratings", pa, n=n)
    if pe >= 1.0 - 1e-15:
        return _undefined("chance agreement is 1 (p_e = 1): no variation to correct for", pa, pe, n)
    value = (pa - pe) / (1.0 - pe)
    terms = scale * (pa_i - pe * two) / (1.0 - pe)
    if kind != "bp":
        terms = terms - 2.0 * (1.0 - value) * (pe_i - pe) / (1.0 - pe)
    return Parts(value, pa, pe, n, terms)


def _conger_pe(codes: np.ndarray, q: int, w: np.ndarray, n: int) -> tuple[float, np.ndarray]:
    """Conger's chance agreement and its per-unit terms (Gwet 2014, ch. 5)."""
    present = codes >= 0
    rated = present.any(axis=1)
    codes, present = codes[rated], present[rated]
    r = codes.shape[0]
    if r < 2:
        return math.nan, np.zeros(n)
    ng = present.sum(axis=1).astype(np.float64)  # units rated by each rater
    pgk = np.zeros((r, q))
    g_idx = np.nonzero(present)[0]
    np.add.at(pgk, (g_idx, codes[present]), 1.0)
    pgk /= ng[:, None]
    pbar = pgk.mean(axis=0)
    s2 = (pgk.T @ pgk - r * np.outer(pbar, pbar)) / (r - 1.0)
    pe = float(np.sum(w * (np.outer(pbar, pbar) - s2 / r)))
    # λ_gi = (n / n_g) Σ_l a_gil u_gl with a_gil = δ_gil − (ε_gi − n_g/n) p_gl and
    # u_g = Wᵀ (r p̄ − p_g): Gwet's Σ_k Σ_l w_kl a_gil (r p̄_k − p_gk), without a
    # raters × units × categories array
    u = (r * pbar[None, :] - pgk) @ w  # r × q (w symmetric: Wᵀ c = c W)
    eps = present.astype(np.float64)  # r × n
    first = np.where(present, np.take_along_axis(u, np.maximum(codes, 0), axis=1), 0.0)
    second = (eps - (ng / n)[:, None]) * np.einsum("gq,gq->g", pgk, u)[:, None]
    lam = (first - second) * (n / ng)[:, None]
    pe_i = lam.sum(axis=0) / (r * (r - 1.0))
    return pe, pe_i


def variance(parts: Parts, population: float = math.inf) -> float:
    """Gwet's linearised variance with the finite-population correction ``1 − n/N``."""
    if parts.terms is None or parts.n < 2:
        return math.nan
    f = parts.n / population if math.isfinite(population) else 0.0
    dev = parts.terms - parts.value
    return float((1.0 - f) / (parts.n * (parts.n - 1.0)) * np.dot(dev, dev))


# --------------------------------------------------------------------------- two raters


@dataclass(frozen=True)
class TableParts:
    """Cohen's κ on a contingency table, with Fleiss, Cohen & Everitt's (1969) variances."""

    value: float
    pa: float
    pe: float
    n: int
    var: float  # asymptotic variance (SAS's ASE²)
    var0: float  # variance under H0: κ = 0
    reason: str | None = None


def cohen_table(table: np.ndarray, w: np.ndarray) -> TableParts:
    """Weighted (or, with ``w = I``, unweighted) Cohen's κ and its two variances.

    Fleiss, Cohen & Everitt (1969), "Large sample standard errors of kappa and
    weighted kappa", Psychological Bulletin 72:323–327, as SAS PROC FREQ and
    ``statsmodels.stats.inter_rater.cohens_kappa`` compute them (SAS's
    example: κ 0.4842, ASE 0.1380; linear-weighted 0.4701, ASE 0.1457).
    """
    t = np.asarray(table, dtype=np.float64)
    n = float(t.sum())
    if n == 0:
        return TableParts(math.nan, math.nan, math.nan, 0, math.nan, math.nan, "no complete pair")
    p = t / n
    row, col = p.sum(axis=1), p.sum(axis=0)
    pa = float(np.sum(w * p))
    pe = float(row @ w @ col)
    if pe >= 1.0 - 1e-15:
        return TableParts(
            math.nan, pa, pe, int(n), math.nan, math.nan, "chance agreement is 1 (p_e = 1)"
        )
    k = (pa - pe) / (1.0 - pe)
    w_row = w @ col  # w̄_i. = Σ_j p_.j w_ij
    w_col = row @ w  # w̄_.j = Σ_i p_i. w_ij
    fac = 1.0 / ((1.0 - pe) ** 2 * n)
    spread = w - (w_row[:, None] + w_col[None, :]) * (1.0 - k)
    var = (float(np.sum(p * spread**2)) - (k - pe * (1.0 - k)) ** 2) * fac
    h0 = w - (w_row[:, None] + w_col[None, :])
    var0 = (float(np.sum(np.outer(row, col) * h0**2)) - pe**2) * fac
    return TableParts(k, pa, pe, int(n), max(var, 0.0), max(var0, 0.0))


def scott_table(table: np.ndarray, w: np.ndarray) -> TableParts:
    """Scott's π on a contingency table with Gwet's (2014, ch. 5) variance.

    Chance agreement ``Σ_kl w_kl π_k π_l`` with ``π`` the mean of the two
    raters' margins; the variance is Fleiss–Cohen–Everitt's with both
    weighted margins replaced by ``π̄_k = Σ_l w_kl π_l`` (irrCAC's ``scott2.table``).
    """
    t = np.asarray(table, dtype=np.float64)
    n = float(t.sum())
    if n == 0:
        return TableParts(math.nan, math.nan, math.nan, 0, math.nan, math.nan, "no complete pair")
    p = t / n
    pi = (p.sum(axis=1) + p.sum(axis=0)) / 2.0
    pa = float(np.sum(w * p))
    pe = float(pi @ w @ pi)
    if pe >= 1.0 - 1e-15:
        return TableParts(
            math.nan, pa, pe, int(n), math.nan, math.nan, "chance agreement is 1 (p_e = 1)"
        )
    s = (pa - pe) / (1.0 - pe)
    pib = w @ pi
    spread = w - (pib[:, None] + pib[None, :]) * (1.0 - s)
    var = (float(np.sum(p * spread**2)) - (pa - 2.0 * (1.0 - s) * pe) ** 2) / (n * (1.0 - pe) ** 2)
    return TableParts(s, pa, pe, int(n), max(var, 0.0), math.nan)
