"""Bootstrap distributions of Krippendorff's alpha.

Two resampling schemes, both seeded with ``np.random.default_rng(seed)``:

``method="pairs"``
    Krippendorff's algorithm, as in Hayes's KALPHA macro (Hayes &
    Krippendorff 2007, "Answering the call for a standard reliability measure
    for coding data", Communication Methods and Measures 1:77–89;
    Krippendorff, "Algorithm for bootstrapping a distribution of α",
    2006/2011).  Each resample draws ``M`` pairs of values from the
    coincidence matrix with probabilities ``o_ck / n`` and computes
    ``α_b = 1 − mean(δ²) / D_e`` against the *fixed* expected disagreement
    of the data.  ``M`` is the number of pairable pairs,
    ``Σ_u m_u (m_u − 1) / 2`` (239 in Hayes & Krippendorff's example), capped
    at ``25 Q`` with ``Q`` the number of non-empty cells of ``o``.  As in the
    algorithm, ``α_b`` is floored at −1, and a resample whose pairs all fall
    in one diagonal cell (no variation, α undefined) counts as α = 0.  On
    large data the ``25 Q`` cap keeps ``M`` small (625 draws for 5 nominal
    values), so this interval is much wider than the units bootstrap.

``method="units"``
    Resamples units with replacement and recomputes alpha in full (observed
    *and* expected disagreement), as Gwet (2014, *Handbook of Inter-Rater
    Reliability*) recommends.  Only units with ≥ 2 values are resampled (the
    others carry no pairable values).  Resamples whose alpha is undefined
    (no variation) are left out of the interval and counted in
    ``n_undefined``.

Both are vectorised: "units" turns the resamples into a (resamples × units)
matrix of multiplicities and gets every replicate's value counts and
observed disagreement from matrix products; "pairs" draws cell indices in
blocks.

On large data "units" reuses per-unit contributions: alpha depends on the
resampled units only through their value counts, so units with the same
multiset of values (the same "type": with 3 coders and 15 labels there are
at most 800) are interchangeable.  Drawing ``U`` units with replacement is
then exactly drawing type counts from ``Multinomial(U, count_t / U)``, and
each replicate's coincidence contributions are a (resamples × types)
matrix product.  The distribution is the same as resampling units one by
one; only the random stream differs (both are seeded).  It is used when
there are at least :data:`GROUP_MIN_UNITS` units and at most a quarter as
many types.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from framing.agreement._data import Coded, encode
from framing.agreement.alpha import (
    LEVELS,
    AlphaParts,
    Metric,
    _alpha_from,
    _ratio_expected,
    alpha_parts,
    make_metric,
    midranks,
    observed_per_unit,
)

_CHUNK_ELEMENTS = 8_000_000
#: Units from which the "units" bootstrap resamples unit types instead of units.
GROUP_MIN_UNITS = 2_000


@dataclass(frozen=True)
class BootstrapResult:
    """A bootstrap distribution of alpha, summarised.

    ``alpha`` is the point estimate on the data; ``low``/``high`` the 95%
    percentile interval of the resamples; ``p_below_0667`` and
    ``p_below_080`` the share of resamples below Krippendorff's thresholds
    (α < 0.667 and α < 0.800, "probability of failure to reach α_min").
    """

    alpha: float
    low: float
    high: float
    p_below_0667: float
    p_below_080: float
    n_boot: int
    method: str
    level: str = "nominal"
    n_undefined: int = 0
    samples: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False, compare=False)


def _summarise(
    alpha: float, samples: np.ndarray, n_boot: int, method: str, level: str
) -> BootstrapResult:
    ok = samples[~np.isnan(samples)]
    if len(ok) == 0:
        return BootstrapResult(
            alpha, math.nan, math.nan, math.nan, math.nan, n_boot, method, level, n_boot, samples
        )
    low, high = np.percentile(ok, [2.5, 97.5])
    return BootstrapResult(
        alpha=alpha,
        low=float(low),
        high=float(high),
        p_below_0667=float(np.mean(ok < 0.667)),
        p_below_080=float(np.mean(ok < 0.800)),
        n_boot=n_boot,
        method=method,
        level=level,
        n_undefined=int(len(samples) - len(ok)),
        samples=samples,
    )


# --------------------------------------------------------------------------- pairs


def _bootstrap_pairs(
    parts: AlphaParts, metric: Metric, expected_total: float, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    uc = parts.uc
    n = parts.n
    # cells of the coincidence matrix as (δ², probability): diagonal cells carry
    # n_uc (n_uc − 1) / (m_u − 1); off-diagonal cells (both halves) 2 n_uc n_uk / (m_u − 1)
    m1 = (uc.m[uc.eu] - 1).astype(np.float64)
    diag_w = np.bincount(uc.ec, weights=uc.en * (uc.en - 1) / m1, minlength=uc.n_values)
    c1, c2 = uc.ec[parts.first], uc.ec[parts.second]
    v = uc.n_values
    key = c1 * v + c2
    cells, inv = np.unique(key, return_inverse=True)
    off_w = np.bincount(inv, weights=parts.pair_weight, minlength=len(cells))
    diag_cells = np.flatnonzero(diag_w > 0)
    prob = np.concatenate([diag_w[diag_cells], off_w]) / n
    delta = np.concatenate([np.zeros(len(diag_cells)), metric.delta(cells // v, cells % v)])
    is_diag = np.concatenate([np.ones(len(diag_cells), bool), np.zeros(len(cells), bool)])
    q_cells = len(diag_cells) + 2 * len(cells)  # non-empty cells of the full matrix
    n_pairs = int((uc.m * (uc.m - 1) // 2).sum())
    m_draws = max(1, min(25 * q_cells, n_pairs))
    d_e = expected_total / (n * (n - 1.0))  # expected disagreement per pair
    cum = np.cumsum(prob)
    cum /= cum[-1]
    out = np.empty(n_boot)
    chunk = max(1, _CHUNK_ELEMENTS // m_draws)
    for b0 in range(0, n_boot, chunk):
        b1 = min(n_boot, b0 + chunk)
        idx = np.searchsorted(cum, rng.random((b1 - b0, m_draws)), side="right")
        idx = np.minimum(idx, len(cum) - 1)
        a = 1.0 - delta[idx].mean(axis=1) / d_e
        np.maximum(a, -1.0, out=a)
        # all draws in one and the same diagonal cell: no variation, alpha = 0
        single = (idx == idx[:, :1]).all(axis=1) & is_diag[idx[:, 0]]
        a[single] = 0.0
        out[b0:b1] = a
    return out


# --------------------------------------------------------------------------- units


def _resample_counts(rng: np.random.Generator, n_rows: int, n_units: int) -> np.ndarray:
    """Multiplicities of each unit in ``n_rows`` resamples of ``n_units`` units."""
    draws = rng.integers(0, n_units, size=(n_rows, n_units))
    offsets = (np.arange(n_rows, dtype=np.int64) * n_units)[:, None]
    return (
        np.bincount((draws + offsets).ravel(), minlength=n_rows * n_units)
        .reshape(n_rows, n_units)
        .astype(np.float64)
    )


def _scatter_rows(w_entries: np.ndarray, codes: np.ndarray, v: int) -> np.ndarray:
    """Row-wise ``bincount``: out[b, c] = Σ_e w_entries[b, e] for codes[e] == c."""
    rows = w_entries.shape[0]
    key = (np.arange(rows, dtype=np.int64) * v)[:, None] + codes[None, :]
    return np.bincount(key.ravel(), weights=w_entries.ravel(), minlength=rows * v).reshape(rows, v)


def _expected_rows(metric: Metric, n_c: np.ndarray) -> np.ndarray:
    """``Σ_ck n_c n_k δ²_ck`` for each row of ``n_c`` (resamples × values)."""
    n = n_c.sum(axis=1)
    if metric.level == "nominal":
        return n * n - np.einsum("bv,bv->b", n_c, n_c)
    if metric.dist is not None:
        return np.einsum("bv,vw,bw->b", n_c, metric.dist, n_c)
    if metric.level == "ratio":
        assert metric.x is not None
        x = metric.x
        return np.array([_ratio_expected(x[row > 0], row[row > 0]) for row in n_c])
    if metric.level == "ordinal":
        x = midranks(n_c)
    else:
        assert metric.x is not None
        x = np.broadcast_to(metric.x, n_c.shape)
    safe_n = np.where(n > 0, n, 1.0)
    mean = np.einsum("bv,bv->b", n_c, x) / safe_n
    return 2.0 * n * np.einsum("bv,bv->b", n_c, (x - mean[:, None]) ** 2)


def unit_types(parts: AlphaParts) -> tuple[np.ndarray, np.ndarray]:
    """The pairable units' distinct value multisets: a representative unit of each
    type (indexing ``parts.uc``'s units) and how many units have that type."""
    uc = parts.uc
    per_unit = np.bincount(uc.eu, minlength=uc.n_units)
    width = int(per_unit.max()) if uc.n_units else 0
    start = np.cumsum(per_unit) - per_unit
    slot = np.arange(len(uc.eu)) - start[uc.eu]
    # one number per entry (code, count), then per unit its entries in code order
    top = int(uc.en.max()) + 1 if len(uc.en) else 1
    entry = uc.ec * top + uc.en + 1  # ≥ 1; 0 pads units with fewer entries
    base = uc.n_values * top + 1
    if width and width * math.log2(base) < 62:  # the signature fits one int64
        key = np.zeros(uc.n_units, dtype=np.int64)
        np.add.at(key, uc.eu, entry * base ** (width - 1 - slot))
        _, first, counts = np.unique(key, return_index=True, return_counts=True)
        return first, counts
    sig = np.zeros((uc.n_units, width), dtype=np.int64)
    sig[uc.eu, slot] = entry  # entries are sorted by code within a unit
    _, first, counts = np.unique(sig, axis=0, return_index=True, return_counts=True)
    return first, counts


def _grouped(parts: AlphaParts) -> tuple[AlphaParts, np.ndarray] | None:
    """``parts`` restricted to one unit per type, and the type counts (or None
    when grouping would not pay: few units, or nearly as many types as units)."""
    uc = parts.uc
    if uc.n_units < GROUP_MIN_UNITS:
        return None
    rep, counts = unit_types(parts)
    if 4 * len(rep) > uc.n_units:
        return None
    coded = parts.coded
    sub = Coded(coded.codes[:, uc.kept[rep]], coded.domain, coded.numeric)
    return alpha_parts(sub, with_pairs=True), counts


def _bootstrap_units(
    parts: AlphaParts, metric: Metric, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    n_draw = parts.uc.n_units  # units per resample
    grouped = _grouped(parts)
    if grouped is not None:
        parts, type_counts = grouped
        share = type_counts / float(n_draw)

        def draw(rows: int) -> np.ndarray:
            return rng.multinomial(n_draw, share, size=rows).astype(np.float64)
    else:

        def draw(rows: int) -> np.ndarray:
            return _resample_counts(rng, rows, n_draw)

    uc = parts.uc
    n_units, v = uc.n_units, uc.n_values
    fixed_delta = metric.level != "ordinal"
    if fixed_delta:
        d_u = observed_per_unit(parts, metric)
    else:
        pair_unit = uc.eu[parts.first]
        pc1, pc2 = uc.ec[parts.first], uc.ec[parts.second]
    out = np.empty(n_boot)
    per_row = max(n_units, len(uc.eu), len(parts.first), v)
    chunk = max(1, _CHUNK_ELEMENTS // per_row)
    for b0 in range(0, n_boot, chunk):
        b1 = min(n_boot, b0 + chunk)
        w = draw(b1 - b0)
        n_c = _scatter_rows(w[:, uc.eu] * uc.en, uc.ec, v)
        n = n_c.sum(axis=1)
        if fixed_delta:
            observed = w @ d_u
        else:
            r = midranks(n_c)
            rows = np.arange(b1 - b0)[:, None]
            d = (r[rows, pc1[None, :]] - r[rows, pc2[None, :]]) ** 2
            observed = np.einsum("bp,bp->b", w[:, pair_unit] * parts.pair_weight, d)
        expected = _expected_rows(metric, n_c)
        for i in range(b1 - b0):
            out[b0 + i] = _alpha_from(float(n[i]), float(observed[i]), float(expected[i]))
    return out


# --------------------------------------------------------------------------- public


def bootstrap_alpha(
    data: Any,
    level: str = "nominal",
    n_boot: int = 1000,
    seed: int | None = 0,
    method: Literal["units", "pairs"] | str = "units",
    values: Sequence[Any] | None = None,
    distance: Any = None,
) -> BootstrapResult:
    """Bootstrap confidence interval and threshold probabilities for Krippendorff's alpha.

    ``method="pairs"`` is Krippendorff's own algorithm (KALPHA; Hayes &
    Krippendorff 2007): resample pairs of values from the coincidence matrix
    against the fixed expected disagreement.  ``method="units"`` resamples
    units with replacement and recomputes alpha (Gwet 2014).  See the module
    docstring for details.  Seeded: the same ``seed`` gives the same result.

    The point estimate is :func:`krippendorff_alpha` on the data; ``low`` and
    ``high`` are the 2.5% and 97.5% percentiles of the resamples.  A custom
    ``distance`` (as in :func:`krippendorff_alpha`) replaces ``level``'s.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    if method not in ("units", "pairs"):
        raise ValueError(f"method must be 'units' or 'pairs'; got {method!r}")
    if n_boot < 1:
        raise ValueError("n_boot must be at least 1")
    coded = encode(data, values)
    if distance is None and level == "ordinal" and values is None and coded.numeric is None:
        raise ValueError("ordinal alpha on labels needs values= giving the scale order")
    parts = alpha_parts(coded, with_pairs=True)
    metric = make_metric(level, coded, parts.n_c, distance)
    expected = metric.expected_total()
    point = _alpha_from(parts.n, float(observed_per_unit(parts, metric).sum()), expected)
    if math.isnan(point):
        samples = np.full(n_boot, math.nan)
        return _summarise(point, samples, n_boot, method, level)
    rng = np.random.default_rng(seed)
    if method == "pairs":
        samples = _bootstrap_pairs(parts, metric, expected, n_boot, rng)
    else:
        samples = _bootstrap_units(parts, metric, n_boot, rng)
    return _summarise(point, samples, n_boot, method, level)
