"""Benchmark of framing.agreement against the ``krippendorff`` package (the named baseline).

Run: ``.venv/bin/python benchmarks/agreement.py``  (about a minute).

Lines:
  alpha_nominal_1M      nominal α, 1,000,000 units × 3 coders, 10% missing; ours vs
                        krippendorff.alpha (best of 3 after a warm-up; ratio = ours / theirs)
  alpha_interval_<n>    interval α with ~2 distinct values per unit (~43,000 at 20k units):
                        time and tracemalloc peak at 10k/20k/40k units, to show linear time
                        and memory.  The krippendorff
                        package is skipped: it allocates units × values² floats.
  alpha_ratio/ordinal   the same data at the other metric levels
  bootstrap_<method>    1,000 resamples on 10,000 units × 3 coders
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from typing import Any

import krippendorff
import numpy as np

from framing.agreement import bootstrap_alpha, krippendorff_alpha


def best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    fn()  # warm-up
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def peak_mb(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def nominal_data(units: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 6, units)
    data = np.where(rng.random((3, units)) < 0.8, truth, rng.integers(1, 6, (3, units)))
    data = data.astype(float)
    data[rng.random((3, units)) < 0.1] = np.nan
    return data


def interval_data(units: int, seed: int = 0) -> np.ndarray:
    """3 coders, 10% missing; values on a grid of 5 × units points (~2 distinct per unit)."""
    rng = np.random.default_rng(seed)
    truth = rng.uniform(0.0, 1000.0, units)
    step = 1000.0 / (5 * units)
    data = np.round((truth + rng.normal(0.0, 100.0, (3, units))) / step) * step
    data[rng.random((3, units)) < 0.1] = np.nan
    return data


def main() -> None:
    # -- nominal, 1M units ---------------------------------------------------------------
    data = nominal_data(1_000_000)
    ours_s, ours = best_of(lambda: krippendorff_alpha(data, "nominal"))
    theirs_s, theirs = best_of(
        lambda: krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    )
    print(
        f"alpha_nominal_1M ours_s={ours_s:.3f} krippendorff_s={theirs_s:.3f} "
        f"ratio={ours_s / theirs_s:.2f} alpha={ours:.9f} abs_diff={abs(ours - theirs):.1e}"
    )

    # -- interval, many distinct values: linear time and memory ------------------------------
    for units in (10_000, 20_000, 40_000):
        data = interval_data(units)
        distinct = len(np.unique(data[~np.isnan(data)]))
        secs, alpha = best_of(partial(krippendorff_alpha, data, "interval"))
        mem = peak_mb(partial(krippendorff_alpha, data, "interval"))
        print(
            f"alpha_interval_{units // 1000}k ours_s={secs:.4f} peak_mb={mem:.1f} "
            f"distinct_values={distinct} us_per_unit={1e6 * secs / units:.2f} "
            f"alpha={alpha:.6f} krippendorff=skipped(needs units*values^2 memory: "
            f"{units * distinct**2 * 8 / 1e9:,.0f} GB)"
        )
    data = np.abs(interval_data(20_000))  # ratio needs non-negative values
    for level in ("ordinal", "ratio"):
        secs, alpha = best_of(partial(krippendorff_alpha, data, level))
        mem = peak_mb(partial(krippendorff_alpha, data, level))
        print(f"alpha_{level}_20k ours_s={secs:.4f} peak_mb={mem:.1f} alpha={alpha:.6f}")

    # -- bootstrap ---------------------------------------------------------------------------
    data = nominal_data(10_000, seed=1)
    for level in ("nominal", "interval"):
        for method in ("units", "pairs"):
            t0 = time.perf_counter()
            res = bootstrap_alpha(data, level, n_boot=1000, seed=0, method=method)
            secs = time.perf_counter() - t0
            print(
                f"bootstrap_{method}_{level}_10k_x3 n_boot=1000 ours_s={secs:.3f} "
                f"alpha={res.alpha:.4f} ci=[{res.low:.4f},{res.high:.4f}]"
            )


if __name__ == "__main__":
    main()
