"""Behaviour of the agreement API: inputs, undefined cases, bootstrap, summaries, scale."""

from __future__ import annotations

import json
import math
import tracemalloc

import numpy as np
import pytest

from framing.agreement import (
    BootstrapResult,
    bootstrap_alpha,
    brennan_prediger,
    cohen_kappa,
    coincidence_matrix,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    krippendorff_alpha,
    mean_pairwise_cohen_kappa,
    percent_agreement,
    scott_pi,
    summarize,
)
from framing.agreement.alpha import _ratio_expected_exact, _ratio_expected_integral
from framing.models import FramingError
from tests.published_examples import K2011

# --------------------------------------------------------------- inputs


def test_lists_with_none_equal_array_with_nan() -> None:
    rows = [[None if np.isnan(v) else int(v) for v in r] for r in K2011]
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert krippendorff_alpha(rows, level) == krippendorff_alpha(K2011, level)


def test_string_array_with_nan_marks_missing() -> None:
    arr = np.array([["a", "b", np.nan], ["a", "b", "c"]])  # numpy stores "nan"
    assert arr.dtype.kind == "U"
    assert krippendorff_alpha(arr) == krippendorff_alpha([["a", "b", None], ["a", "b", "c"]])


def test_out_of_domain_value_is_an_error() -> None:
    with pytest.raises(ValueError, match="not in values"):
        krippendorff_alpha([["a", "b"], ["a", "z"]], "ordinal", values=["a", "b"])
    with pytest.raises(ValueError, match="outside values"):
        krippendorff_alpha(K2011, "ordinal", values=[1, 2, 3, 4])


def test_ordinal_labels_need_a_scale_and_interval_needs_numbers() -> None:
    with pytest.raises(ValueError, match="scale order"):
        krippendorff_alpha([["a", "b"], ["a", "c"]], "ordinal")
    with pytest.raises(ValueError, match="numeric"):
        krippendorff_alpha([["a", "b"], ["a", "c"]], "interval")
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha(K2011, "cardinal")
    with pytest.raises(ValueError, match="non-negative"):
        krippendorff_alpha([[-1, 2], [-1, 3]], "ratio")


def test_one_dimensional_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="2-D"):
        krippendorff_alpha([1, 2, 3])


# --------------------------------------------------------------- undefined cases


def test_undefined_cases_are_nan() -> None:
    no_pairs = [[1, None, 2], [None, 3, None]]
    for f in (krippendorff_alpha, fleiss_kappa, gwet_ac1, percent_agreement, brennan_prediger):
        assert math.isnan(f(no_pairs)), f.__name__
    constant = [[1, 1, 1], [1, 1, 1]]
    assert math.isnan(krippendorff_alpha(constant))
    assert math.isnan(fleiss_kappa(constant))
    assert percent_agreement(constant) == 1.0


def test_cohen_expected_agreement_one_is_nan() -> None:
    assert math.isnan(cohen_kappa(["x", "x", "x"], ["x", "x", "x"]))
    assert math.isnan(cohen_kappa(["x", "x"], ["x", "x"], labels=["x", "y"]))
    assert math.isnan(scott_pi(["x", "x"], ["x", "x"]))
    assert math.isnan(cohen_kappa([None, 1], [2, None]))  # no complete pair


def test_cohen_pairwise_deletion_and_label_checks() -> None:
    a = ["y", "n", None, "y", "n", "y"]
    b = ["y", "n", "y", float("nan"), "y", "y"]
    assert cohen_kappa(a, b) == cohen_kappa(["y", "n", "n", "y"], ["y", "n", "y", "y"])
    with pytest.raises(ValueError, match="labels"):
        cohen_kappa(["lo", "hi"], ["hi", "hi"], weights="linear")
    with pytest.raises(ValueError, match="not in values"):
        cohen_kappa(["y", "n"], ["y", "maybe"], labels=["y", "n"])
    with pytest.raises(ValueError, match="length"):
        cohen_kappa([1, 2], [1])


def test_mean_pairwise_kappa_skips_pairs_without_shared_units() -> None:
    data = [[1, 2, 1, None, None], [1, 2, 2, None, None], [None, None, None, 1, 2]]
    assert mean_pairwise_cohen_kappa(data) == pytest.approx(cohen_kappa([1, 2, 1], [1, 2, 2]))


# --------------------------------------------------------------- weighted AC2


def test_gwet_ac2_identity_weights_equal_ac1_and_order_matters() -> None:
    assert gwet_ac2(K2011, weights="identity") == pytest.approx(gwet_ac1(K2011), abs=1e-15)
    assert gwet_ac2(K2011, weights=np.eye(5)) == pytest.approx(gwet_ac1(K2011), abs=1e-15)
    names = ["a", "b", "c", "d", "e"]
    rows = [[None if np.isnan(v) else names[int(v) - 1] for v in r] for r in K2011]
    for w in ("linear", "quadratic", "ordinal"):
        assert gwet_ac2(rows, w, values=names) == pytest.approx(gwet_ac2(K2011, w), abs=1e-12)
    assert gwet_ac2(rows, "linear", values=names[::-1]) == pytest.approx(
        gwet_ac2(K2011, "linear"), abs=1e-12
    )  # a reversed scale has the same distances
    shuffled = ["c", "a", "e", "b", "d"]
    assert gwet_ac2(rows, "linear", values=shuffled) != pytest.approx(gwet_ac2(K2011, "linear"))
    with pytest.raises(ValueError, match="values="):
        gwet_ac2(rows, "linear")


def test_gwet_ac2_linear_by_hand() -> None:
    # two raters, 3 units, categories 1..3: linear weights 1 − |k − l| / 2
    data = [[1, 2, 3], [1, 3, 3]]
    w = 1 - np.abs(np.subtract.outer([1, 2, 3], [1, 2, 3])) / 2
    pa = np.mean([1.0, w[1, 2], 1.0])  # r_i (r*_i − 1) / 2 per unit
    pi = np.array([2, 1, 3]) / 6
    pe = w.sum() * np.sum(pi * (1 - pi)) / (3 * 2)
    assert gwet_ac2(data, "linear") == pytest.approx((pa - pe) / (1 - pe), abs=1e-12)


# --------------------------------------------------------------- bootstrap


@pytest.mark.parametrize("method", ["units", "pairs"])
def test_bootstrap_is_seeded_and_contains_the_estimate(method: str) -> None:
    r1 = bootstrap_alpha(K2011, "ordinal", n_boot=400, seed=7, method=method)
    r2 = bootstrap_alpha(K2011, "ordinal", n_boot=400, seed=7, method=method)
    r3 = bootstrap_alpha(K2011, "ordinal", n_boot=400, seed=8, method=method)
    assert isinstance(r1, BootstrapResult)
    np.testing.assert_array_equal(r1.samples, r2.samples)
    assert r1 == r2
    assert not np.array_equal(r1.samples, r3.samples)
    assert r1.alpha == pytest.approx(0.8153875, abs=1e-7)
    assert r1.low <= r1.alpha <= r1.high
    assert 0.0 <= r1.p_below_080 <= 1.0 and 0.0 <= r1.p_below_0667 <= 1.0
    assert r1.p_below_0667 <= r1.p_below_080
    assert r1.n_boot == 400 and r1.method == method and len(r1.samples) == 400
    assert (r1.samples[~np.isnan(r1.samples)] >= -1.0).all()


# Hayes & Krippendorff (2007), Table 1: 40 units (rows) × 5 observers, "." missing
HK2007 = """
1 1 2 . 2|1 1 0 1 .|2 3 3 3 .|. 0 0 . 0|0 0 0 . 0|0 0 0 . 0|1 0 2 . 1|1 . 2 0 .
2 2 2 . 2|2 1 1 1 .|. 1 0 0 .|0 0 0 0 .|1 2 2 2 .|3 3 2 2 3|1 1 1 . 1|1 1 1 . 1
2 1 2 . 2|1 2 3 3 .|1 1 0 1 .|0 0 0 . 0|0 0 1 1 .|0 0 . 0 0|2 3 3 3 .|0 0 0 0 .
1 2 . 2 2|0 1 1 1 .|0 0 0 1 0|1 2 1 2 .|1 1 2 2 .|1 1 2 . 2|1 1 0 . 0|2 1 2 1 .
2 2 . 2 2|3 2 2 2 .|2 2 2 . 2|2 2 3 . 2|2 2 2 . 2|2 2 . 1 2|2 2 2 2 .|1 1 1 . 1
"""


def _hk2007() -> np.ndarray:
    units = [u.split() for line in HK2007.split("\n") if line for u in line.split("|")]
    return np.array([[np.nan if v == "." else float(v) for v in u] for u in units]).T


def test_bootstrap_pairs_draws_the_number_of_pairable_pairs() -> None:
    # Hayes & Krippendorff (2007) resample "239 pairs of judgments": the number
    # of pairable pairs (not (coders − 1) n / 2 = 318).  For nominal data each
    # draw's δ is Bernoulli(D_o), so sd(α_b) = sqrt(D_o (1 − D_o) / M) / D_e.
    data = _hk2007()
    assert data.shape == (5, 40)
    m = (~np.isnan(data)).sum(axis=0)
    assert int((m * (m - 1) // 2).sum()) == 239
    o, _ = coincidence_matrix(data)
    n_c = o.sum(axis=0)
    n = n_c.sum()
    d_o = (o.sum() - np.trace(o)) / n
    d_e = (n * n - (n_c**2).sum()) / (n * (n - 1))
    res = bootstrap_alpha(data, "nominal", n_boot=4000, seed=1, method="pairs")
    sd = float(np.std(res.samples))
    assert sd == pytest.approx(np.sqrt(d_o * (1 - d_o) / 239) / d_e, rel=0.06)
    assert sd != pytest.approx(np.sqrt(d_o * (1 - d_o) / 318) / d_e, rel=0.06)
    assert abs(np.mean(res.samples) - res.alpha) < 0.01
    assert res.low < res.alpha < res.high


def test_bootstrap_units_matches_a_plain_loop() -> None:
    rng = np.random.default_rng(5)
    data = np.where(rng.random((3, 30)) < 0.7, rng.integers(0, 4, 30), rng.integers(0, 4, (3, 30)))
    data = data.astype(float)
    data[rng.random((3, 30)) < 0.1] = np.nan
    for level in ("nominal", "ordinal", "interval", "ratio"):
        res = bootstrap_alpha(data + 1, level, n_boot=30, seed=3, method="units")
        # replay the same draws with the plain estimator
        pairable = np.flatnonzero((~np.isnan(data)).sum(axis=0) >= 2)
        rng2 = np.random.default_rng(3)
        draws = rng2.integers(0, len(pairable), size=(30, len(pairable)))
        expected = [krippendorff_alpha(data[:, pairable[d]] + 1, level) for d in draws]
        np.testing.assert_allclose(res.samples, expected, atol=1e-9, equal_nan=True)


def test_bootstrap_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="method"):
        bootstrap_alpha(K2011, method="jackknife")
    with pytest.raises(ValueError, match="n_boot"):
        bootstrap_alpha(K2011, n_boot=0)
    res = bootstrap_alpha([[1, 1], [1, 1]], n_boot=10)
    assert math.isnan(res.alpha) and math.isnan(res.low)


# --------------------------------------------------------------- summarize


def test_summarize_single_is_json_ready() -> None:
    data = [["eco", "sec", None, "eco"], ["eco", "hum", "sec", None], ["eco", "sec", "sec", None]]
    out = summarize(data, "single", ["eco", "sec", "hum", "leg"])
    assert out["units"] == 3 and out["annotators"] == 3
    assert out["krippendorff_alpha"] == pytest.approx(krippendorff_alpha(data))
    assert out["fleiss_kappa"] == pytest.approx(fleiss_kappa(data))
    assert out["percent_agreement"] == pytest.approx(percent_agreement(data))
    assert out["cohen_kappa"] == pytest.approx(mean_pairwise_cohen_kappa(data))
    json.dumps(out)


def test_summarize_ordinal_uses_the_label_scale() -> None:
    scale = ["certain", "probable", "possible", "uncommitted"]
    data = [["certain", "probable", "possible"], ["probable", "probable", "uncommitted"]]
    out = summarize(data, "ordinal", scale)
    assert out["krippendorff_alpha"] == pytest.approx(
        krippendorff_alpha(data, "ordinal", values=scale)
    )
    with pytest.raises(FramingError, match="outside the ordinal scale"):
        summarize([["certain", "bogus"], ["certain", "certain"]], "ordinal", scale)


def test_summarize_multi_uses_masi_and_exact_sets() -> None:
    data = [
        [["eco"], ["eco", "sec"], ["hum"]],
        [["eco"], ["sec", "eco"], ["leg"]],
        [None, ["eco"], []],
    ]
    out = summarize(data, "multi", ["eco", "sec", "hum", "leg"])
    sets = [[None if v is None else frozenset(v) for v in r] for r in data]
    assert out["krippendorff_alpha"] == pytest.approx(krippendorff_alpha(sets, "masi"))
    assert out["fleiss_kappa"] == pytest.approx(fleiss_kappa(sets))
    assert out["units"] == 3


def test_summarize_without_pairs_gives_nulls() -> None:
    out = summarize([["a", None], [None, "b"]], "single", ["a", "b"])
    assert out == {
        "units": 0,
        "annotators": 2,
        "percent_agreement": None,
        "krippendorff_alpha": None,
        "fleiss_kappa": None,
        "cohen_kappa": None,
    }
    assert summarize([], "single", ["a"])["units"] == 0
    with pytest.raises(ValueError, match="kind"):
        summarize([["a"]], "scale", ["a"])


# --------------------------------------------------------------- scale


def test_coincidence_matrix_of_labels() -> None:
    o, values = coincidence_matrix([["a", "b", "a"], ["a", "a", None]])
    assert values == ["a", "b"]
    np.testing.assert_allclose(o, [[2, 1], [1, 0]])


def test_interval_alpha_with_many_values_needs_no_values_squared_memory() -> None:
    rng = np.random.default_rng(0)
    truth = rng.normal(size=20_000)
    data = truth + rng.normal(scale=0.5, size=(3, 20_000))
    assert len(np.unique(data)) > 40_000
    tracemalloc.start()
    a = krippendorff_alpha(data, "interval")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 60e6  # a values × values matrix would need > 12 GB
    # closed form versus the textbook definition on pairs: α = 1 − D_o / D_e
    x = data.T
    d_o = np.mean([np.mean((x[:, i] - x[:, j]) ** 2) for i, j in [(0, 1), (0, 2), (1, 2)]])
    flat = data.ravel()
    n = flat.size
    d_e = 2 * n * np.var(flat) / (n - 1)
    assert a == pytest.approx(1 - d_o / d_e, abs=1e-9)


def test_ratio_integral_matches_the_double_sum() -> None:
    rng = np.random.default_rng(2)
    for x in (
        np.sort(rng.gamma(2.0, 5.0, 5000)),
        np.sort(np.concatenate([[0.0], np.exp(rng.normal(0, 4, 4999))])),
        np.sort(100 + rng.random(5000)),
    ):
        w = rng.integers(1, 4, len(x)).astype(float)
        exact = _ratio_expected_exact(x, w)
        assert _ratio_expected_integral(x, w) == pytest.approx(exact, rel=1e-11)
