"""Agreement coefficients against published worked examples and reference packages.

Published examples:

* Krippendorff, K. (2011). *Computing Krippendorff's Alpha-Reliability*: the
  4 coders × 12 units data with missing values — nominal 0.743, ordinal
  0.8154, interval 0.8491, ratio 0.7974, and its coincidence matrix.
* Wikipedia, "Fleiss' kappa", worked example: 0.2099 (10 subjects, 14 raters).
* Cohen's kappa of the 2 × 2 table [[20, 5], [10, 15]]: 0.4.
* Gwet's irrCAC package README (github.com/kgwet/irrCAC; Gwet 2014, *Handbook
  of Inter-Rater Reliability*): ``cont3x3abstractors``, ``distrib.6raters``
  and ``cac.raw4raters`` (= Krippendorff's data, units × raters).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import krippendorff
import numpy as np
import pytest
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import masi_distance as nltk_masi
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from framing.agreement import (
    brennan_prediger,
    cohen_kappa,
    cohen_kappa_from_table,
    coincidence_matrix,
    fleiss_kappa,
    fleiss_kappa_from_counts,
    gwet_ac1,
    krippendorff_alpha,
    masi_distance,
    mean_pairwise_cohen_kappa,
    percent_agreement,
    scott_pi,
)
from tests.published_examples import K2011

WIKI_FLEISS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]

# irrCAC: distrib.6raters (15 subjects × 5 categories, 6 raters each)
DISTRIB_6RATERS = [
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
]  # fmt: skip
# irrCAC: cont3x3abstractors (2 raters, contingency table)
CONT_3X3 = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]


def _expand_counts(counts: list[list[int]]) -> np.ndarray:
    """Subjects × categories counts → raters × subjects codes (rater identity is moot)."""
    cols = [[k for k, c in enumerate(row) for _ in range(c)] for row in counts]
    return np.array(cols).T


def _expand_table(table: list[list[int]]) -> tuple[list[int], list[int]]:
    a: list[int] = []
    b: list[int] = []
    for i, row in enumerate(table):
        for j, c in enumerate(row):
            a += [i] * c
            b += [j] * c
    return a, b


# --------------------------------------------------------------- exact oracle


def _alpha_fraction(data: np.ndarray, level: str) -> Fraction:
    """Krippendorff (2011), computed literally with exact fractions and loops."""
    units = [[int(v) for v in col if not np.isnan(v)] for col in data.T]
    units = [u for u in units if len(u) >= 2]
    values = sorted({v for u in units for v in u})
    o = {(c, k): Fraction(0) for c in values for k in values}
    for u in units:
        m = len(u)
        for i, j in itertools.permutations(range(m), 2):
            o[u[i], u[j]] += Fraction(1, m - 1)
    n_c = {c: sum(o[c, k] for k in values) for c in values}
    n = sum(n_c.values())

    def delta(c: int, k: int) -> Fraction:
        if level == "nominal":
            return Fraction(int(c != k))
        if level == "ordinal":
            lo, hi = min(c, k), max(c, k)
            s = sum(n_c[g] for g in values if lo <= g <= hi) - (n_c[c] + n_c[k]) / 2
            return s * s
        if level == "interval":
            return Fraction((c - k) ** 2)
        return Fraction(c - k, c + k) ** 2

    d_o = sum(o[c, k] * delta(c, k) for c in values for k in values)
    d_e = sum(n_c[c] * n_c[k] * delta(c, k) for c in values for k in values)
    return 1 - (n - 1) * d_o / d_e


# --------------------------------------------------------------- published


def test_krippendorff_2011_nominal_is_113_over_152() -> None:
    assert _alpha_fraction(K2011, "nominal") == Fraction(113, 152)
    assert krippendorff_alpha(K2011, "nominal") == pytest.approx(113 / 152, abs=1e-12)
    assert round(krippendorff_alpha(K2011, "nominal"), 3) == 0.743


@pytest.mark.parametrize(
    ("level", "published"), [("ordinal", 0.8154), ("interval", 0.8491), ("ratio", 0.7974)]
)
def test_krippendorff_2011_metric_levels(level: str, published: float) -> None:
    ours = krippendorff_alpha(K2011, level)
    assert round(ours, 4) == published
    assert ours == pytest.approx(float(_alpha_fraction(K2011, level)), abs=1e-12)
    ref = krippendorff.alpha(reliability_data=K2011, level_of_measurement=level)
    assert ours == pytest.approx(ref, abs=1e-9)


def test_krippendorff_2011_coincidence_matrix() -> None:
    o, values = coincidence_matrix(K2011)
    third, four_thirds = 1 / 3, 4 / 3
    expected = np.array(
        [
            [7, four_thirds, third, third, 0],
            [four_thirds, 10, four_thirds, third, 0],
            [third, four_thirds, 8, third, 0],
            [third, third, third, 4, 0],
            [0, 0, 0, 0, 3],
        ]
    )
    assert values == [1, 2, 3, 4, 5]
    np.testing.assert_allclose(o, expected, atol=1e-12)
    np.testing.assert_allclose(o.sum(axis=0), [9, 13, 10, 5, 3])


def test_krippendorff_2011_with_labels_and_none() -> None:
    names = ["very low", "low", "mid", "high", "very high"]
    rows = [[None if np.isnan(v) else names[int(v) - 1] for v in r] for r in K2011]
    assert krippendorff_alpha(rows, "nominal") == pytest.approx(113 / 152, abs=1e-12)
    assert round(krippendorff_alpha(rows, "ordinal", values=names), 4) == 0.8154
    # the scale order, not the alphabet, defines the ordinal metric
    alphabetical = krippendorff_alpha(rows, "ordinal", values=sorted(names))
    assert round(alphabetical, 4) != 0.8154


def test_fleiss_wikipedia_example() -> None:
    ours = fleiss_kappa_from_counts(WIKI_FLEISS)
    assert round(ours, 4) == 0.2099
    assert ours == pytest.approx(sm_fleiss_kappa(np.array(WIKI_FLEISS)), abs=1e-9)
    assert ours == sm_fleiss_kappa(np.array(WIKI_FLEISS))
    # the same table as raw ratings
    assert fleiss_kappa(_expand_counts(WIKI_FLEISS)) == pytest.approx(ours, abs=1e-12)


def test_cohen_2x2_table_is_0_4() -> None:
    assert cohen_kappa_from_table([[20, 5], [10, 15]]) == pytest.approx(0.4, abs=1e-12)
    a, b = _expand_table([[20, 5], [10, 15]])
    assert cohen_kappa(a, b) == pytest.approx(0.4, abs=1e-12)
    labels = ["yes", "no"]
    assert cohen_kappa([labels[x] for x in a], [labels[x] for x in b]) == pytest.approx(0.4)


def test_irrcac_cont3x3abstractors() -> None:
    a, b = _expand_table(CONT_3X3)
    pair = np.array([a, b])
    assert cohen_kappa(a, b) == pytest.approx(0.7964094, abs=5e-8)
    assert cohen_kappa_from_table(CONT_3X3) == pytest.approx(0.7964094, abs=5e-8)
    assert scott_pi(a, b) == pytest.approx(0.7962397, abs=5e-8)
    assert gwet_ac1(pair) == pytest.approx(0.8493305, abs=5e-8)
    assert brennan_prediger(pair) == pytest.approx(0.835, abs=1e-12)
    assert krippendorff_alpha(pair) == pytest.approx(0.7972585, abs=5e-8)
    assert percent_agreement(pair) == pytest.approx(0.89, abs=1e-12)


def test_irrcac_distrib_6raters() -> None:
    raw = _expand_counts(DISTRIB_6RATERS)
    assert fleiss_kappa_from_counts(DISTRIB_6RATERS) == pytest.approx(0.4139265, abs=5e-8)
    assert fleiss_kappa(raw) == pytest.approx(0.4139265, abs=5e-8)
    assert gwet_ac1(raw) == pytest.approx(0.4448007, abs=5e-8)
    assert brennan_prediger(raw) == pytest.approx(0.4388889, abs=5e-8)
    assert krippendorff_alpha(raw) == pytest.approx(0.4204384, abs=5e-8)
    assert percent_agreement(raw) == pytest.approx(0.5511111, abs=5e-8)


def test_irrcac_raw4raters_missing_data() -> None:
    # irrCAC prints these to 5 digits; p_a to 7
    assert percent_agreement(K2011) == pytest.approx(0.8181818, abs=5e-8)
    assert gwet_ac1(K2011) == pytest.approx(0.77544, abs=5e-6)
    assert brennan_prediger(K2011) == pytest.approx(0.77273, abs=5e-6)
    assert krippendorff_alpha(K2011) == pytest.approx(0.74342, abs=5e-6)
    # irrCAC's Fleiss (0.76117) averages per-unit proportions over all 12
    # units; ours pools the ratings of the 11 units with ≥ 2 ratings:
    # p_e = (9² + 13² + 10² + 5² + 3²) / 40² = 0.24
    assert fleiss_kappa(K2011) == pytest.approx((9 / 11 - 0.24) / 0.76, abs=1e-12)


# --------------------------------------------------------------- reference packages


def _random_data(seed: int, coders: int = 4, units: int = 40, k: int = 5, missing: float = 0.25):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, units)
    noisy = rng.random((coders, units)) < 0.4
    data = np.where(noisy, rng.integers(0, k, (coders, units)), truth).astype(float) + 1
    data[rng.random((coders, units)) < missing] = np.nan
    return data


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_matches_krippendorff_package(seed: int, level: str) -> None:
    data = _random_data(seed)
    domain = [1, 2, 3, 4, 5, 6, 7]  # 6 and 7 never used
    ref = krippendorff.alpha(reliability_data=data, level_of_measurement=level, value_domain=domain)
    assert krippendorff_alpha(data, level, values=domain) == pytest.approx(ref, abs=1e-9)
    assert krippendorff_alpha(data, level) == pytest.approx(ref, abs=1e-9)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("level", ["interval", "ratio", "ordinal"])
def test_alpha_many_distinct_values_matches_package(seed: int, level: str) -> None:
    rng = np.random.default_rng(seed)
    truth = rng.gamma(2.0, 3.0, 60)
    data = np.round(truth + rng.normal(0, 1.0, (3, 60)) ** 2, 2)
    data[rng.random((3, 60)) < 0.2] = np.nan
    ref = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert krippendorff_alpha(data, level) == pytest.approx(ref, abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_fleiss_matches_statsmodels_exactly(seed: int) -> None:
    data = _random_data(seed, coders=5, units=60, missing=0.0)
    table, _ = aggregate_raters(data.T)
    assert fleiss_kappa(data) == sm_fleiss_kappa(table)
    assert fleiss_kappa_from_counts(table) == sm_fleiss_kappa(table)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_matches_sklearn_with_labels(seed: int, weights: str | None) -> None:
    rng = np.random.default_rng(seed)
    labels = ["none", "low", "mid", "high", "max"]  # scale order, not alphabetical
    a = rng.integers(0, 4, 80)  # "max" is never used
    b = np.where(rng.random(80) < 0.6, a, rng.integers(0, 4, 80))
    sa, sb = [labels[i] for i in a], [labels[i] for i in b]
    ref = cohen_kappa_score(sa, sb, labels=labels, weights=weights)
    assert cohen_kappa(sa, sb, weights=weights, labels=labels) == pytest.approx(ref, abs=1e-12)
    assert cohen_kappa(a, b, weights=weights, labels=[0, 1, 2, 3, 4]) == pytest.approx(
        cohen_kappa_score(a, b, labels=[0, 1, 2, 3, 4], weights=weights), abs=1e-12
    )


@pytest.mark.parametrize("weights", ["linear", "quadratic"])
def test_cohen_weights_come_from_values_not_seen_labels(weights: str) -> None:
    rng = np.random.default_rng(3)
    a = rng.choice([1, 2, 5], 60)
    b = np.where(rng.random(60) < 0.5, a, rng.choice([1, 2, 5], 60))
    scale = [1, 2, 3, 4, 5]
    ours = cohen_kappa(a, b, weights=weights)
    assert ours == pytest.approx(cohen_kappa_score(a, b, labels=scale, weights=weights))
    # scikit-learn without labels= weights by position among seen labels (1, 2, 5)
    assert ours != pytest.approx(cohen_kappa_score(a, b, weights=weights))


@pytest.mark.parametrize("seed", range(5))
def test_mean_pairwise_cohen_matches_sklearn(seed: int) -> None:
    data = _random_data(seed, coders=4, units=50, missing=0.2)
    labels = [1, 2, 3, 4, 5]
    ref = []
    for i, j in itertools.combinations(range(4), 2):
        both = ~np.isnan(data[i]) & ~np.isnan(data[j])
        ref.append(cohen_kappa_score(data[i, both], data[j, both], labels=labels))
    assert mean_pairwise_cohen_kappa(data, labels=labels) == pytest.approx(np.mean(ref), abs=1e-12)


def _nltk_triples(data: list[list[object]]) -> list[tuple[str, str, object]]:
    return [
        (f"c{i}", f"u{u}", v)
        for i, row in enumerate(data)
        for u, v in enumerate(row)
        if v is not None
    ]


@pytest.mark.parametrize("seed", range(5))
def test_nominal_alpha_matches_nltk(seed: int) -> None:
    data = _random_data(seed, coders=3, units=30, missing=0.2)
    rows = [[None if np.isnan(v) else f"L{int(v)}" for v in r] for r in data]
    ref = AnnotationTask(data=_nltk_triples(rows)).alpha()
    assert krippendorff_alpha(rows) == pytest.approx(ref, abs=1e-9)


def _random_sets(seed: int, coders: int = 3, units: int = 30) -> list[list[frozenset[str] | None]]:
    rng = np.random.default_rng(seed)
    pool = ["eco", "sec", "hum", "leg", "pol"]
    rows: list[list[frozenset[str] | None]] = []
    base = [frozenset(rng.choice(pool, rng.integers(1, 3), replace=False)) for _ in range(units)]
    for _ in range(coders):
        row: list[frozenset[str] | None] = []
        for u in range(units):
            r = rng.random()
            if r < 0.15:
                row.append(None)
            elif r < 0.6:
                row.append(base[u])
            else:
                row.append(frozenset(rng.choice(pool, rng.integers(1, 4), replace=False)))
        rows.append(row)
    return rows


@pytest.mark.parametrize("seed", range(5))
def test_masi_alpha_matches_nltk(seed: int) -> None:
    rows = _random_sets(seed)
    ref = AnnotationTask(data=_nltk_triples(rows), distance=nltk_masi).alpha()
    assert krippendorff_alpha(rows, "masi") == pytest.approx(ref, abs=1e-9)
    # lists are read as sets
    as_lists = [[None if v is None else sorted(v) for v in r] for r in rows]
    assert krippendorff_alpha(as_lists, "masi") == pytest.approx(ref, abs=1e-9)


def test_masi_distance_matches_nltk() -> None:
    rows = _random_sets(11, coders=2, units=60)
    sets = [v for r in rows for v in r if v is not None]
    for a, b in itertools.combinations(sets[:40], 2):
        assert masi_distance(a, b) == pytest.approx(nltk_masi(set(a), set(b)), abs=1e-15)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_alpha_many_coders_and_large_integer_data_match_package(level: str) -> None:
    # 15 coders take the per-unit count path (not the coder-pair path for
    # nominal); 15,000 integer ratings with gaps and negatives take the
    # sort-free integer encoding.
    rng = np.random.default_rng(9)
    many = _random_data(9, coders=15, units=30, missing=0.3)
    ref = krippendorff.alpha(reliability_data=many, level_of_measurement=level)
    assert krippendorff_alpha(many, level) == pytest.approx(ref, abs=1e-9)
    truth = rng.choice([-7, -2, 0, 3, 40], 5000)
    big = np.where(rng.random((3, 5000)) < 0.7, truth, rng.choice([-7, -2, 0, 3, 40], (3, 5000)))
    big = big.astype(float)
    big[rng.random((3, 5000)) < 0.1] = np.nan
    ref = krippendorff.alpha(reliability_data=big, level_of_measurement=level)
    assert krippendorff_alpha(big, level) == pytest.approx(ref, abs=1e-9)
