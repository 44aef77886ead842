"""``estimate(...)``: a coefficient with its standard error, interval, z and p.

One entry point for notebooks and the CLI::

    >>> est = estimate("gwet_ac1", data)
    >>> est.value, est.se, est.ci, est.z, est.p

Conventions (each one a documented choice, with a switch where peers differ):

* **Variances.**  Cohen's κ uses Fleiss, Cohen & Everitt (1969), as SAS PROC
  FREQ and ``statsmodels.stats.inter_rater.cohens_kappa`` do; Scott's π uses
  the analogous formula of Gwet (2014, ch. 5; irrCAC's ``scott2.table``);
  every multi-rater coefficient uses Gwet's linearisation (see
  :mod:`framing.agreement.chance`).  ``population=N`` applies Gwet's
  finite-population correction ``1 − n/N`` (default: an infinite population).
* **Reference distribution.**  Cohen's κ: the normal distribution, and
  ``z = κ / SE₀`` with ``SE₀`` the standard error under H₀: κ = 0 (SAS,
  statsmodels).  Everything else: Student's t with ``n − 1`` degrees of
  freedom and ``z = value / SE`` (irrCAC).  ``distribution="normal"|"t"``
  overrides it.  Upper limits are capped at 1.
* **Undefined values.**  0/0 (no unit rated twice, ``p_e = 1``, one
  category) gives ``nan`` everywhere, and :attr:`Estimate.reason` says why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from framing.agreement import chance
from framing.agreement._data import Coded, encode, encode_pair
from framing.agreement.weights import is_unweighted, resolve

#: Coefficients :func:`estimate` knows, with their reference distribution.
COEFFICIENTS: dict[str, str] = {
    "cohen_kappa": "normal",
    "scott_pi": "t",
    "conger_kappa": "t",
    "fleiss_kappa": "t",
    "gwet_ac1": "t",
    "gwet_ac2": "t",
    "brennan_prediger": "t",
    "percent_agreement": "t",
}

FLEISS_MISSING = ("pooled", "gwet")
PA_METHODS = ("pairwise", "all")


@dataclass(frozen=True)
class Estimate:
    """A coefficient with its analytic standard error, interval, z and p-value.

    ``pa``/``pe`` are the observed and chance agreement; ``n`` the units the
    variance is based on; ``df`` the t distribution's degrees of freedom
    (``None``: normal); ``se0`` Cohen's SE under H₀ (``None`` elsewhere);
    ``reason`` says why ``value`` is ``nan``.
    """

    coefficient: str
    value: float
    se: float
    ci: tuple[float, float]
    z: float
    p: float
    pa: float
    pe: float
    n: int
    confidence: float
    df: int | None
    se0: float | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        def num(x: float | None) -> float | None:
            return None if x is None or not math.isfinite(x) else float(x)

        return {
            "value": num(self.value),
            "se": num(self.se),
            "ci": [num(self.ci[0]), num(self.ci[1])],
            "z": num(self.z),
            "p": num(self.p),
            "pa": num(self.pa),
            "pe": num(self.pe),
            "n": self.n,
            "confidence": self.confidence,
            "distribution": "normal" if self.df is None else f"t({self.df})",
            "reason": self.reason,
        }


# --------------------------------------------------------------------------- preparation


def ordered_weights(
    weights: Any, coded: Coded, ordered: bool, wt_vector: Sequence[float] | None = None
) -> np.ndarray:
    """Resolve ``weights`` for the categories of ``coded``; ``"toeplitz"`` needs ``wt_vector``."""
    q = coded.n_values
    if isinstance(weights, str) and weights == "toeplitz":
        if wt_vector is None:
            raise ValueError('weights="toeplitz" needs wt_vector= (disagreement by distance)')
        v = np.asarray(wt_vector, dtype=np.float64)
        if v.shape != (q,):
            raise ValueError(f"wt_vector must have one entry per category ({q}), got {v.shape}")
        d = np.abs(np.arange(q)[:, None] - np.arange(q)[None, :])
        dis = v[d]
        top = float(dis.max()) if dis.size else 0.0
        return 1.0 - dis / top if top > 0 else np.ones((q, q))
    if wt_vector is not None:
        raise ValueError('wt_vector= is only used with weights="toeplitz"')
    return resolve(weights, coded.numeric, q, ordered=ordered)


def tolerance_weights(coded: Coded, tolerance: float, ordered: bool) -> np.ndarray:
    """``w_kl = 1`` when categories ``k`` and ``l`` lie within ``tolerance`` of each other."""
    q = coded.n_values
    if coded.numeric is not None:
        x = coded.numeric
    elif ordered:
        x = np.arange(q, dtype=np.float64)
    else:
        raise ValueError("a tolerance on labels needs values= giving their order")
    return (np.abs(x[:, None] - x[None, :]) <= tolerance + 1e-12).astype(np.float64)


def _all_agree(coded: Coded, w: np.ndarray) -> chance.Parts:
    """irr's ``agree``: the share of units whose ratings all agree (within the weights)."""
    r, _ = chance.count_table(coded, 1)
    n = r.shape[0]
    ri = r.sum(axis=1)
    two = ri >= 2
    n2 = int(two.sum())
    if n2 == 0:
        return chance.Parts(math.nan, math.nan, 0.0, n, None, "no unit has ratings from two raters")
    used = r > 0
    # a unit agrees when every pair of categories it uses has weight 1
    bad = np.einsum("ik,kl,il->i", used.astype(np.float64), (w < 1).astype(np.float64), used)
    agree = (two & (bad == 0)).astype(np.float64)
    value = float(agree.sum() / n2)
    return chance.Parts(value, value, 0.0, n, (n / n2) * agree)


def multi_parts(
    coefficient: str,
    data: Any,
    weights: Any = None,
    *,
    values: Sequence[Any] | None = None,
    missing: str = "pooled",
    n_categories: int | None = None,
    method: str = "pairwise",
    tolerance: float = 0.0,
) -> chance.Parts:
    """Value and linearised terms of a multi-rater coefficient (see :func:`estimate`)."""
    coded = encode(data, values)
    ordered = values is not None
    if coefficient == "percent_agreement":
        if method not in PA_METHODS:
            raise ValueError(f"method must be one of {', '.join(PA_METHODS)}; got {method!r}")
        if tolerance < 0:
            raise ValueError("tolerance must be non-negative")
        if tolerance > 0:
            if not is_unweighted(weights):
                raise ValueError("give either weights= or tolerance=, not both")
            w = tolerance_weights(coded, tolerance, ordered)
        else:
            w = ordered_weights(weights, coded, ordered)
        if method == "all":
            if not np.isin(w, (0.0, 1.0)).all():
                raise ValueError('method="all" takes no partial weights (use tolerance=)')
            return _all_agree(coded, w)
        return chance.multi_rater(coded, w, "pa")
    w = ordered_weights(weights, coded, ordered)
    if coefficient == "fleiss_kappa":
        if missing not in FLEISS_MISSING:
            raise ValueError(f"missing must be one of {', '.join(FLEISS_MISSING)}; got {missing!r}")
        return chance.multi_rater(coded, w, "fleiss", missing=missing)
    if coefficient in ("gwet_ac1", "gwet_ac2"):
        return chance.multi_rater(coded, w, "gwet")
    if coefficient == "conger_kappa":
        return chance.multi_rater(coded, w, "conger")
    if coefficient == "brennan_prediger":
        if n_categories is not None:
            if not is_unweighted(weights):
                raise ValueError(
                    "n_categories= is for unweighted data; list every category in values="
                )
            if n_categories < coded.n_values:
                raise ValueError(
                    f"n_categories={n_categories} is fewer than the "
                    f"{coded.n_values} categories used"
                )
        return chance.multi_rater(coded, w, "bp", n_categories=n_categories)
    raise ValueError(f"unknown coefficient {coefficient!r}; use one of {', '.join(COEFFICIENTS)}")


def pair_table(a: Any, b: Any, labels: Sequence[Any] | None) -> tuple[Coded, np.ndarray]:
    """Two raters' codes and their confusion table (pairwise complete units)."""
    coded = encode_pair(a, b, labels)
    v = coded.n_values
    c1, c2 = coded.codes
    keep = (c1 >= 0) & (c2 >= 0)
    table = np.bincount(c1[keep] * v + c2[keep], minlength=v * v).reshape(v, v)
    return coded, table.astype(np.float64)


def pair_parts(
    coefficient: str,
    a: Any,
    b: Any,
    weights: Any = None,
    *,
    labels: Sequence[Any] | None = None,
    wt_vector: Sequence[float] | None = None,
) -> chance.TableParts:
    coded, table = pair_table(a, b, labels)
    w = ordered_weights(weights, coded, labels is not None, wt_vector)
    if coefficient == "cohen_kappa":
        return chance.cohen_table(table, w)
    if wt_vector is not None:
        raise ValueError("wt_vector= is only used by cohen_kappa")
    return chance.scott_table(table, w)


# --------------------------------------------------------------------------- estimate


def _finish(
    coefficient: str,
    value: float,
    var: float,
    var0: float | None,
    pa: float,
    pe: float,
    n: int,
    confidence: float,
    distribution: str,
    reason: str | None,
) -> Estimate:
    from scipy import stats  # slow to import: only when an estimate is made

    se = math.sqrt(var) if math.isfinite(var) else math.nan
    se0 = math.sqrt(var0) if var0 is not None and math.isfinite(var0) else None
    df = None if distribution == "normal" else max(n - 1, 1)
    crit = (
        float(stats.norm.ppf(0.5 + confidence / 2))
        if df is None
        else float(stats.t.ppf(0.5 + confidence / 2, df))
    )
    if math.isnan(value) or not se > 0:
        lo = hi = z = p = math.nan
        if not math.isnan(value) and se == 0 and reason is None:
            reason = "standard error is 0 (every unit contributes the same agreement)"
    else:
        lo, hi = value - crit * se, min(1.0, value + crit * se)
        z = value / (se0 if se0 else se)
        p = float(2 * (stats.norm.sf(abs(z)) if df is None else stats.t.sf(abs(z), df)))
    return Estimate(coefficient, value, se, (lo, hi), z, p, pa, pe, n, confidence, df, se0, reason)


def estimate(
    coefficient: str,
    data: Any,
    *,
    weights: Any = None,
    confidence: float = 0.95,
    population: float = math.inf,
    distribution: str | None = None,
    **options: Any,
) -> Estimate:
    """``coefficient`` on ``data`` with its standard error, confidence interval, z and p.

    ``coefficient`` is one of :data:`COEFFICIENTS`.  ``data`` is coders ×
    units (for ``cohen_kappa`` and ``scott_pi``: exactly 2 rows).
    ``weights`` is a scheme name (see :mod:`framing.agreement.weights`), a
    symmetric agreement-weight matrix in ``values=``/``labels=`` order, or
    ``None``; ``gwet_ac2`` defaults to ``"linear"``.  ``options`` are the
    coefficient's own: ``values=`` (multi-rater category order), ``labels=``
    and ``wt_vector=`` (Cohen), ``missing=`` (Fleiss: ``"pooled"`` or
    ``"gwet"``), ``n_categories=`` (Brennan–Prediger), ``method=`` and
    ``tolerance=`` (percent agreement).  ``population`` is the number of
    units in the population, for the finite-population correction.
    """
    if coefficient not in COEFFICIENTS:
        raise ValueError(
            f"unknown coefficient {coefficient!r}; use one of {', '.join(COEFFICIENTS)}"
        )
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    dist = distribution or COEFFICIENTS[coefficient]
    if dist not in ("normal", "t"):
        raise ValueError("distribution must be 'normal' or 't'")
    if coefficient == "gwet_ac2" and weights is None:
        weights = "linear"
    if coefficient == "gwet_ac1" and not is_unweighted(weights):
        raise ValueError("AC1 is unweighted; use gwet_ac2 for weights")
    if coefficient in ("cohen_kappa", "scott_pi"):
        rows = list(data) if not isinstance(data, np.ndarray) else list(data)
        if len(rows) != 2:
            raise ValueError(f"{coefficient} needs exactly 2 rows (raters), got {len(rows)}")
        tp = pair_parts(coefficient, rows[0], rows[1], weights, **options)
        f = tp.n / population if math.isfinite(population) else 0.0
        var0 = tp.var0 * (1 - f) if coefficient == "cohen_kappa" else None
        return _finish(
            coefficient, tp.value, tp.var * (1 - f), var0, tp.pa, tp.pe, tp.n,
            confidence, dist, tp.reason,
        )  # fmt: skip
    parts = multi_parts(coefficient, data, weights, **options)
    return _finish(
        coefficient, parts.value, chance.variance(parts, population), None, parts.pa, parts.pe,
        parts.n, confidence, dist, parts.reason,
    )  # fmt: skip
