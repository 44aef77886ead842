"""Standard errors, intervals, weights and Conger's κ against published values.

Gwet's irrCAC examples (tests/irrcac_published.py, 3 decimals), the SAS example
statsmodels checks against, and statsmodels / scikit-learn / nltk as
independent implementations.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from nltk.metrics.agreement import AnnotationTask
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

from framing.agreement import (
    SCHEMES,
    brennan_prediger,
    cohen_kappa,
    conger_kappa,
    estimate,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from framing.agreement.weights import scheme_matrix
from tests.irrcac_published import (
    CONT3X3_ABSTRACTORS,
    CONT4X4_DIAGNOSIS,
    PA_TABLE_PUBLISHED,
    RAW_4RATERS,
    RAW_DATA,
    RAW_PUBLISHED,
    TABLE_PUBLISHED,
)
from tests.published_examples import K2011

TABLES = {"3x3": CONT3X3_ABSTRACTORS, "4x4": CONT4X4_DIAGNOSIS}
R3 = 6e-4  # a value published to 3 decimals


def _expand(table: list[list[int]]) -> list[list[int]]:
    """A contingency table as two raters' ratings (categories 1 … q)."""
    a: list[int] = []
    b: list[int] = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [i + 1] * count
            b += [j + 1] * count
    return [a, b]


@pytest.mark.parametrize("key", sorted(RAW_PUBLISHED, key=str), ids=str)
def test_irrcac_raw_examples_with_se_ci_and_p(key) -> None:
    coefficient, name, weights = key
    pa, pe, value, se, low, high, p = RAW_PUBLISHED[key]
    options = {"missing": "gwet"} if coefficient == "fleiss_kappa" else {}
    est = estimate(coefficient, RAW_DATA[name], weights=weights, **options)
    assert est.pa == pytest.approx(pa, abs=R3)
    assert est.pe == pytest.approx(pe, abs=R3)
    assert est.value == pytest.approx(value, abs=R3)
    if se is not None:
        assert est.se == pytest.approx(se, abs=R3)
    assert est.ci[0] == pytest.approx(low, abs=R3)
    assert est.ci[1] == pytest.approx(high, abs=R3)
    assert est.df == est.n - 1
    got_p = est.p / 2 if coefficient == "brennan_prediger" else est.p
    assert got_p == pytest.approx(p, abs=6e-6)  # published to 5 or 6 decimals
    # the plain function gives the same value
    plain = {
        "conger_kappa": lambda d, w: conger_kappa(d, w),
        "gwet_ac1": lambda d, w: gwet_ac1(d),
        "gwet_ac2": lambda d, w: gwet_ac2(d, w),
        "fleiss_kappa": lambda d, w: fleiss_kappa(d, w, missing="gwet"),
        "brennan_prediger": lambda d, w: brennan_prediger(d, w),
    }[coefficient]
    assert plain(RAW_DATA[name], weights) == pytest.approx(est.value, abs=1e-12)


@pytest.mark.parametrize("key", sorted(TABLE_PUBLISHED, key=str), ids=str)
def test_irrcac_two_rater_tables(key) -> None:
    coefficient, name, weights = key
    value, se, low, high = TABLE_PUBLISHED[key]
    est = estimate(coefficient, _expand(TABLES[name]), weights=weights, distribution="t")
    assert est.value == pytest.approx(value, abs=R3)
    if se is not None:
        assert est.se == pytest.approx(se, abs=R3)
    assert est.ci == pytest.approx((low, high), abs=R3)
    fn = cohen_kappa if coefficient == "cohen_kappa" else scott_pi
    a, b = _expand(TABLES[name])
    assert fn(a, b, weights) == pytest.approx(est.value, abs=1e-12)


@pytest.mark.parametrize("key", sorted(PA_TABLE_PUBLISHED, key=str), ids=str)
def test_irrcac_weighted_percent_agreement(key) -> None:
    name, weights = key
    value, se = PA_TABLE_PUBLISHED[key]
    est = estimate("percent_agreement", _expand(TABLES[name]), weights=weights)
    assert est.value == pytest.approx(value, abs=R3)
    if se is not None:
        # the linearised variance of raw data is n/(n − 1) times the table formula's
        assert est.se * math.sqrt((est.n - 1) / est.n) == pytest.approx(se, abs=R3)


def test_every_weight_scheme_is_tested_on_a_published_table() -> None:
    tested = {w for (_, _, w) in RAW_PUBLISHED} | {w for (_, _, w) in TABLE_PUBLISHED}
    assert set(SCHEMES) - {"identity"} <= tested


# --------------------------------------------------------------------------- SAS / statsmodels

SAS_TABLE = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]  # statsmodels' table10


@pytest.mark.parametrize(
    "weights, expected",
    [
        (None, (0.4842, 0.1380, 0.2137, 0.7547, 0.1484, 3.2626, 0.0011)),
        ("linear", (0.4701, 0.1457, 0.1845, 0.7558, 0.1426, 3.2971, 0.0010)),
    ],
)
def test_cohen_se_matches_the_sas_example(weights, expected) -> None:
    kappa, ase, low, high, ase0, z, p2 = expected
    est = estimate("cohen_kappa", _expand(SAS_TABLE), weights=weights)
    assert est.value == pytest.approx(kappa, abs=6e-5)
    assert est.se == pytest.approx(ase, abs=6e-5)
    assert est.ci == pytest.approx((low, high), abs=6e-5)
    assert est.se0 == pytest.approx(ase0, abs=6e-5)
    assert est.z == pytest.approx(z, abs=6e-5)
    assert est.p == pytest.approx(p2, abs=6e-5)
    assert est.df is None
    sm = cohens_kappa(
        SAS_TABLE, wt="linear" if weights else None, weights=None if not weights else [0, 1, 2]
    )
    assert est.se == pytest.approx(sm.std_kappa, rel=1e-12)
    assert est.se0 == pytest.approx(sm.std_kappa0, rel=1e-12)


def test_cohen_toeplitz_weights_match_statsmodels() -> None:
    rs = np.random.RandomState(9743678)
    table = (rs.randint(0, 10, size=(5, 5)) + 5 * np.eye(5)).astype(int)
    a, b = _expand(table.tolist())
    for vec in ([0, 0, 1, 1, 2], [0, 1, 4, 9, 16], [0, 2, 4, 6, 8]):
        sm = cohens_kappa(table, weights=vec, wt="toeplitz")
        est = estimate("cohen_kappa", [a, b], weights="toeplitz", wt_vector=vec)
        assert est.value == pytest.approx(sm.kappa, abs=1e-12)
        assert est.se == pytest.approx(sm.std_kappa, rel=1e-9)
        assert cohen_kappa(a, b, "toeplitz", wt_vector=vec) == pytest.approx(sm.kappa, abs=1e-12)
    with pytest.raises(ValueError, match="wt_vector"):
        cohen_kappa(a, b, "toeplitz")


@pytest.mark.parametrize("weights", ["linear", "quadratic"])
def test_named_cohen_weights_match_scikit_learn(weights) -> None:
    rs = np.random.RandomState(3)
    a, b = rs.randint(0, 5, 200), rs.randint(0, 5, 200)
    assert cohen_kappa(a, b, weights) == pytest.approx(
        cohen_kappa_score(a, b, weights=weights), abs=1e-12
    )


def test_randolph_is_brennan_prediger_with_n_categories() -> None:
    data = np.array(RAW_DATA["gender"])
    table, _ = aggregate_raters(data.T)
    assert brennan_prediger(data, n_categories=5) == pytest.approx(
        sm_fleiss(np.c_[table, np.zeros((len(table), 2))], method="randolph"), abs=1e-12
    )
    with pytest.raises(ValueError, match="fewer than"):
        brennan_prediger(data, n_categories=2)


def test_fleiss_conventions_agree_without_missing_and_match_statsmodels() -> None:
    data = np.array(RAW_DATA["gender"])
    table, _ = aggregate_raters(data.T)
    assert fleiss_kappa(data) == pytest.approx(sm_fleiss(table), abs=1e-12)
    assert fleiss_kappa(data, missing="gwet") == pytest.approx(sm_fleiss(table), abs=1e-12)
    assert fleiss_kappa(RAW_4RATERS) != pytest.approx(fleiss_kappa(RAW_4RATERS, missing="gwet"))
    est = estimate("fleiss_kappa", RAW_4RATERS)  # pooled: the Gwet variance on units rated twice
    assert est.n == 11 and est.se > 0


def test_conger_with_two_complete_raters_is_cohen() -> None:
    a, b = _expand(CONT4X4_DIAGNOSIS)
    for w in (None, "linear", "quadratic"):
        assert conger_kappa([a, b], w) == pytest.approx(cohen_kappa(a, b, w), abs=1e-12)


# --------------------------------------------------------------------------- weights


def test_asymmetric_and_misshapen_matrices_are_refused() -> None:
    asym = np.eye(5)
    asym[0, 1] = 0.5
    for fn in (conger_kappa, fleiss_kappa, gwet_ac2, brennan_prediger, percent_agreement):
        with pytest.raises(ValueError, match="symmetric"):
            fn(RAW_4RATERS, asym)
    with pytest.raises(ValueError, match="symmetric"):
        cohen_kappa([1, 2, 3, 4, 5], [1, 2, 3, 5, 4], asym)
    with pytest.raises(ValueError, match="5 × 5"):
        gwet_ac2(RAW_4RATERS, np.eye(4))
    with pytest.raises(ValueError, match="unknown weights"):
        fleiss_kappa(RAW_4RATERS, "cubic")


@pytest.mark.parametrize("scheme", [s for s in SCHEMES if s != "identity"])
def test_a_scheme_given_as_its_matrix_gives_the_same_value(scheme) -> None:
    w = scheme_matrix(scheme, np.arange(1.0, 6.0))
    for name in (
        "conger_kappa",
        "fleiss_kappa",
        "gwet_ac2",
        "brennan_prediger",
        "percent_agreement",
    ):
        a = estimate(name, RAW_4RATERS, weights=scheme)
        b = estimate(name, RAW_4RATERS, weights=w)
        assert (a.value, a.se) == pytest.approx((b.value, b.se), abs=1e-12)


def test_labels_need_an_order_for_weights() -> None:
    data = RAW_DATA["g1g2"]
    with pytest.raises(ValueError, match="values="):
        fleiss_kappa(data, "linear")
    by_label = fleiss_kappa(data, "linear", values=list("abcde"))
    by_number = fleiss_kappa(
        [[None if v is None else "abcde".index(v) + 1 for v in r] for r in data], "linear"
    )
    assert by_label == pytest.approx(by_number, abs=1e-12)


# --------------------------------------------------------------------------- percent agreement


def test_percent_agreement_all_raters_and_tolerance() -> None:
    # irr's agree(): share of subjects on which all raters agree, with a tolerance
    data = [[1, 2, 3, 4, 5], [1, 2, 4, 4, 1], [1, 3, 3, 4, 5]]
    assert percent_agreement(data, method="all") == pytest.approx(2 / 5)
    assert percent_agreement(data, method="all", tolerance=1) == pytest.approx(4 / 5)
    # pairwise with a tolerance: pairs within 1 agree
    pairs = [(1, 1, 1), (2, 2, 3), (3, 4, 3), (4, 4, 4), (5, 1, 5)]
    share = np.mean(
        [
            np.mean([abs(x - y) <= 1 for x, y in ((u[0], u[1]), (u[0], u[2]), (u[1], u[2]))])
            for u in pairs
        ]
    )
    assert percent_agreement(data, tolerance=1) == pytest.approx(share)
    with pytest.raises(ValueError, match="method"):
        percent_agreement(data, method="most")
    with pytest.raises(ValueError, match="not both"):
        percent_agreement(data, "linear", tolerance=1)


# --------------------------------------------------------------------------- conventions


def test_finite_population_correction_scales_the_variance() -> None:
    inf = estimate("gwet_ac1", RAW_4RATERS)
    fin = estimate("gwet_ac1", RAW_4RATERS, population=48)
    assert fin.se == pytest.approx(inf.se * math.sqrt(1 - inf.n / 48), rel=1e-12)
    assert fin.value == inf.value


def test_undefined_estimates_say_why() -> None:
    est = estimate("fleiss_kappa", [[1, 1, 1], [1, 1, 1]])
    assert math.isnan(est.value) and "chance agreement is 1" in (est.reason or "")
    est = estimate("gwet_ac1", [[1, None], [None, 2]])
    assert math.isnan(est.value) and "two raters" in (est.reason or "")
    est = estimate("cohen_kappa", [[1, None], [None, 2]])
    assert math.isnan(est.value) and est.reason
    assert est.to_json()["value"] is None


def test_estimate_refuses_unknown_input() -> None:
    with pytest.raises(ValueError, match="unknown coefficient"):
        estimate("kappa", RAW_4RATERS)
    with pytest.raises(ValueError, match="exactly 2 rows"):
        estimate("cohen_kappa", RAW_4RATERS)
    with pytest.raises(ValueError, match="AC1 is unweighted"):
        estimate("gwet_ac1", RAW_4RATERS, weights="linear")


def test_an_empty_unit_changes_no_estimate() -> None:
    padded = [r + [None] for r in RAW_4RATERS]
    for name in (
        "conger_kappa",
        "fleiss_kappa",
        "gwet_ac1",
        "brennan_prediger",
        "percent_agreement",
    ):
        a, b = estimate(name, RAW_4RATERS), estimate(name, padded)
        assert (a.value, a.se, a.n) == pytest.approx((b.value, b.se, b.n), abs=1e-12)


# --------------------------------------------------------------------------- alpha distance


def test_alpha_with_a_custom_distance() -> None:
    interval = krippendorff_alpha(K2011, "interval")
    assert krippendorff_alpha(K2011, distance=lambda a, b: (a - b) ** 2) == pytest.approx(
        interval, abs=1e-12
    )
    x = np.arange(1.0, 6.0)
    matrix = (x[:, None] - x[None, :]) ** 2
    assert krippendorff_alpha(K2011, distance=matrix) == pytest.approx(interval, abs=1e-12)
    nominal = 1.0 - np.eye(5)
    assert krippendorff_alpha(K2011, distance=nominal) == pytest.approx(113 / 152, abs=1e-12)
    bad = matrix.copy()
    bad[0, 1] += 1
    with pytest.raises(ValueError, match="symmetric"):
        krippendorff_alpha(K2011, distance=bad)


def test_alpha_custom_distance_matches_nltk() -> None:
    def dist(a: float, b: float) -> float:
        return abs(a - b) ** 0.5

    triples = [
        (f"c{i}", f"u{j}", float(v))
        for i, row in enumerate(K2011)
        for j, v in enumerate(row)
        if not np.isnan(v)
    ]
    # nltk skips units with a single value only when told nothing; drop them ourselves
    counts: dict[str, int] = {}
    for _, u, _ in triples:
        counts[u] = counts.get(u, 0) + 1
    triples = [t for t in triples if counts[t[1]] >= 2]
    expected = AnnotationTask(data=triples, distance=dist).alpha()
    assert krippendorff_alpha(K2011, distance=dist) == pytest.approx(expected, abs=1e-9)


def test_bootstrap_takes_a_custom_distance() -> None:
    from framing.agreement import bootstrap_alpha

    x = np.arange(1.0, 6.0)
    matrix = (x[:, None] - x[None, :]) ** 2
    a = bootstrap_alpha(K2011, "interval", n_boot=50, seed=2)
    b = bootstrap_alpha(K2011, distance=matrix, n_boot=50, seed=2)
    np.testing.assert_allclose(a.samples, b.samples, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("weights", [s for s in SCHEMES if s != "identity"])
def test_cohen_from_a_table_takes_every_scheme(weights) -> None:
    value = TABLE_PUBLISHED[("cohen_kappa", "4x4", weights)][0]
    from framing.agreement import cohen_kappa_from_table

    assert cohen_kappa_from_table(CONT4X4_DIAGNOSIS, weights) == pytest.approx(value, abs=R3)
