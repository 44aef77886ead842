"""Input handling that must never silently change a result (issue 12's two faults)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from sklearn.utils import check_random_state

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


def _sklearn_pair() -> tuple[np.ndarray, np.ndarray]:
    # scikit-learn's format-invariance case (sklearn/metrics/tests/test_common.py)
    rs = check_random_state(0)
    return rs.randint(0, 2, size=(20,)), rs.randint(0, 2, size=(20,))


@pytest.mark.parametrize(
    "shape_a, shape_b", [((-1, 1), None), ((1, -1), None), ((-1, 1), (1, -1)), (None, (-1, 1))]
)
def test_column_and_row_vectors_count_as_one_dimensional(shape_a, shape_b) -> None:
    y1, y2 = _sklearn_pair()
    a = y1.reshape(shape_a) if shape_a else y1
    b = y2.reshape(shape_b) if shape_b else y2
    expected = cohen_kappa_score(y1, y2)
    assert expected == pytest.approx(0.0816, abs=1e-4)
    assert cohen_kappa(a, b) == pytest.approx(expected, abs=1e-12)
    assert cohen_kappa(a, b, weights="linear") == pytest.approx(
        cohen_kappa_score(y1, y2, weights="linear"), abs=1e-12
    )
    assert scott_pi(a, b) == pytest.approx(scott_pi(y1, y2), abs=1e-12)
    assert not math.isnan(scott_pi(a, b))


def test_higher_dimensional_raters_are_refused() -> None:
    with pytest.raises(ValueError, match="must be 1-D"):
        cohen_kappa(np.zeros((3, 2)), [1, 2, 3])
    with pytest.raises(ValueError, match="must be 1-D"):
        scott_pi([1, 2], np.zeros((2, 1, 1)))


def test_set_valued_labels_still_pass_as_explicit_lists() -> None:
    a = [["x"], ["y"], ["x", "y"]]
    b = [["x"], ["x"], ["x", "y"]]
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa(["x", "y", "xy"], ["x", "x", "xy"]))


MIXED = [[1, "1", 2, 3], ["1", 1, 2, 3]]


@pytest.mark.parametrize("with_empty_unit", [False, True])
def test_mixed_numbers_and_strings_are_refused_everywhere(with_empty_unit: bool) -> None:
    data = [row + [None] for row in MIXED] if with_empty_unit else MIXED
    for fn in (
        krippendorff_alpha,
        fleiss_kappa,
        gwet_ac1,
        percent_agreement,
        brennan_prediger,
        mean_pairwise_cohen_kappa,
    ):
        with pytest.raises(ValueError, match="mix numbers and strings"):
            fn(data)
    with pytest.raises(ValueError, match="mix numbers and strings"):
        cohen_kappa(data[0], data[1])
    with pytest.raises(ValueError, match="mix numbers and strings"):
        scott_pi(np.array(data[0], dtype=object), data[1])


ORDINAL = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5],
]


@pytest.mark.parametrize("as_strings", [False, True])
def test_an_all_missing_unit_never_changes_a_coefficient(as_strings: bool) -> None:
    data = [[None if v is None else (str(v) if as_strings else v) for v in r] for r in ORDINAL]
    padded = [r[:4] + [None] + r[4:] + [None] for r in data]
    values = ["1", "2", "3", "4", "5"] if as_strings else None
    checks = [
        lambda d: krippendorff_alpha(d),
        lambda d: krippendorff_alpha(d, "ordinal", values=values),
        fleiss_kappa,
        gwet_ac1,
        lambda d: gwet_ac2(d, "quadratic", values=values),
        percent_agreement,
        brennan_prediger,
        mean_pairwise_cohen_kappa,
        lambda d: cohen_kappa(d[0], d[1]),
        lambda d: scott_pi(d[0], d[1]),
    ]
    for fn in checks:
        assert fn(padded) == pytest.approx(fn(data), abs=1e-12)


# --------------------------------------------------------------- units bootstrap by type


def _many_units(n: int = 3000, seed: int = 11) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 5, n)
    data = np.where(rng.random((3, n)) < 0.7, truth, rng.integers(1, 5, (3, n))).astype(float)
    data[rng.random((3, n)) < 0.1] = np.nan
    return data


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_grouped_units_bootstrap_replays_as_a_plain_loop(level: str) -> None:
    from framing.agreement import bootstrap_alpha
    from framing.agreement._data import encode
    from framing.agreement.alpha import alpha_parts
    from framing.agreement.bootstrap import GROUP_MIN_UNITS, unit_types

    data = _many_units()
    parts = alpha_parts(encode(data))
    assert parts.uc.n_units >= GROUP_MIN_UNITS
    rep, counts = unit_types(parts)
    assert 4 * len(rep) <= parts.uc.n_units  # the grouped path is taken
    res = bootstrap_alpha(data, level, n_boot=20, seed=4, method="units")
    # replay: the same multinomial type counts, each type's unit repeated that often
    rng = np.random.default_rng(4)
    draws = rng.multinomial(parts.uc.n_units, counts / parts.uc.n_units, size=20)
    cols = parts.uc.kept[rep]
    expected = [krippendorff_alpha(data[:, np.repeat(cols, c)], level) for c in draws]
    np.testing.assert_allclose(res.samples, expected, atol=1e-9)


def test_grouped_units_bootstrap_has_the_plain_distribution() -> None:
    from framing.agreement import bootstrap as boot
    from framing.agreement import bootstrap_alpha

    data = _many_units(4000, seed=2)
    grouped = bootstrap_alpha(data, "nominal", n_boot=400, seed=1)
    old = boot.GROUP_MIN_UNITS
    boot.GROUP_MIN_UNITS = 10**9
    try:
        plain = bootstrap_alpha(data, "nominal", n_boot=400, seed=1)
    finally:
        boot.GROUP_MIN_UNITS = old
    assert not np.allclose(grouped.samples, plain.samples)  # two different streams
    assert np.std(grouped.samples) == pytest.approx(np.std(plain.samples), rel=0.15)
    assert np.mean(grouped.samples) == pytest.approx(np.mean(plain.samples), abs=0.003)
