"""Property tests: invariances of alpha and the value of every coefficient on perfect agreement."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from framing.agreement import (
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    krippendorff_alpha,
    mean_pairwise_cohen_kappa,
    percent_agreement,
    scott_pi,
)

SETTINGS = settings(max_examples=50, deadline=None)


@st.composite
def reliability_data(draw: st.DrawFn, max_value: int = 4) -> np.ndarray:
    coders = draw(st.integers(2, 5))
    units = draw(st.integers(2, 15))
    cells = draw(
        st.lists(
            st.one_of(st.none(), st.integers(1, max_value)),
            min_size=coders * units,
            max_size=coders * units,
        )
    )
    return np.array([np.nan if v is None else v for v in cells], dtype=float).reshape(coders, units)


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) < 1e-10


@SETTINGS
@given(reliability_data(), st.randoms(use_true_random=False))
def test_alpha_invariant_to_permuting_coders_and_units(data: np.ndarray, rnd) -> None:
    coders = list(range(data.shape[0]))
    units = list(range(data.shape[1]))
    rnd.shuffle(coders)
    rnd.shuffle(units)
    shuffled = data[coders][:, units]
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert _same(krippendorff_alpha(data, level), krippendorff_alpha(shuffled, level))


@SETTINGS
@given(reliability_data(), st.permutations(["w", "x", "y", "z"]))
def test_nominal_alpha_invariant_to_relabelling(data: np.ndarray, names: list[str]) -> None:
    relabelled = [[None if np.isnan(v) else names[int(v) - 1] for v in row] for row in data]
    assert _same(krippendorff_alpha(data), krippendorff_alpha(relabelled))
    assert _same(fleiss_kappa(data), fleiss_kappa(relabelled))
    assert _same(gwet_ac1(data), gwet_ac1(relabelled))


@SETTINGS
@given(reliability_data())
def test_alpha_of_two_complete_coders_is_corrected_scott_pi(data: np.ndarray) -> None:
    # Krippendorff (2011): for two coders and no missing values,
    # α = 1 − (2N − 1) / (2N) · (1 − π); Fleiss' kappa is then Scott's pi.
    pair = np.nan_to_num(data[:2], nan=1.0)
    n_units = pair.shape[1]
    pi = scott_pi(pair[0], pair[1])
    assume(not math.isnan(pi))
    expected = 1 - (2 * n_units - 1) / (2 * n_units) * (1 - pi)
    assert abs(krippendorff_alpha(pair) - expected) < 1e-10
    assert abs(fleiss_kappa(pair) - pi) < 1e-10


@SETTINGS
@given(
    st.integers(2, 6),
    st.lists(st.integers(1, 5), min_size=2, max_size=20),
    st.floats(0.0, 0.4),
    st.integers(0, 2**32 - 1),
)
def test_every_coefficient_is_one_on_perfect_agreement(
    coders: int, truth: list[int], missing: float, seed: int
) -> None:
    assume(len(set(truth)) >= 2)
    rng = np.random.default_rng(seed)
    data = np.tile(np.array(truth, dtype=float), (coders, 1))
    data[rng.random(data.shape) < missing] = np.nan
    data[:2] = truth  # two coders rated everything, so every unit is pairable
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert krippendorff_alpha(data, level) == 1.0
    sets = [[None if np.isnan(v) else {int(v), 9} for v in row] for row in data]
    assert krippendorff_alpha(sets, "masi") == 1.0
    assert krippendorff_alpha(sets, "jaccard") == 1.0
    assert abs(fleiss_kappa(data) - 1.0) < 1e-12
    assert abs(gwet_ac1(data) - 1.0) < 1e-12
    for w in ("linear", "quadratic", "ordinal"):
        assert abs(gwet_ac2(data, w) - 1.0) < 1e-12
    assert abs(brennan_prediger(data) - 1.0) < 1e-12
    assert percent_agreement(data) == 1.0
    assert abs(mean_pairwise_cohen_kappa(data) - 1.0) < 1e-12
    for w in (None, "linear", "quadratic"):
        assert abs(cohen_kappa(data[0], data[1], weights=w) - 1.0) < 1e-12
    assert abs(scott_pi(data[0], data[1]) - 1.0) < 1e-12
