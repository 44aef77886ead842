"""Majority and Dawid–Skene (framing.gold) against published data and a loop reference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from framing.gold import (
    Votes,
    competence,
    dawid_skene,
    majority,
    majority_of_others,
    unanimous,
)
from tests.dawid_skene_data import anaesthetist_triples

CLASSES = ["1", "2", "3", "4"]


def reference_dawid_skene(
    triples: list[tuple[str, str, str]], classes: list[str], iterations: int
) -> tuple[dict[str, list[float]], list[float], dict[str, list[list[float]]]]:
    """A plain-loop EM, written from the paper's equations (2.3-2.5), no numpy."""
    units = sorted({t[0] for t in triples})
    anns = sorted({t[1] for t in triples})
    k = len(classes)
    by_unit: dict[str, list[tuple[str, int]]] = {u: [] for u in units}
    for u, a, v in triples:
        by_unit[u].append((a, classes.index(v)))
    post = {}
    for u in units:  # vote shares
        row = [0.0] * k
        for _, c in by_unit[u]:
            row[c] += 1
        post[u] = [x / len(by_unit[u]) for x in row]
    priors: list[float] = []
    conf: dict[str, list[list[float]]] = {}
    for step in range(iterations + 1):
        priors = [sum(post[u][c] for u in units) / len(units) for c in range(k)]
        conf = {a: [[0.0] * k for _ in range(k)] for a in anns}
        for u in units:
            for a, obs in by_unit[u]:
                for true in range(k):
                    conf[a][true][obs] += post[u][true]
        for a in anns:
            for true in range(k):
                total = sum(conf[a][true])
                conf[a][true] = [x / total if total > 0 else 1.0 / k for x in conf[a][true]]
        if step == iterations:
            break
        for u in units:
            row = []
            for true in range(k):
                p = priors[true]
                for a, obs in by_unit[u]:
                    p *= conf[a][true][obs]
                row.append(p)
            s = sum(row)
            post[u] = [x / s for x in row]
    # final E-step
    for u in units:
        row = []
        for true in range(k):
            p = priors[true]
            for a, obs in by_unit[u]:
                p *= conf[a][true][obs]
            row.append(p)
        s = sum(row)
        post[u] = [x / s for x in row]
    return post, priors, conf


def _anaesthetists() -> Votes:
    return Votes.from_triples(anaesthetist_triples(), CLASSES)


def test_anaesthetist_data_shape() -> None:
    v = _anaesthetists()
    assert v.n_units == 45 and len(v.annotators) == 5 and len(v.unit) == 45 * 7


def test_dawid_skene_reproduces_published_class_priors() -> None:
    """Dawid & Skene (1979) estimate the class marginals as 0.40, 0.42, 0.11, 0.07."""
    r = dawid_skene(_anaesthetists(), max_iter=1000, tol=1e-10)
    assert r.converged
    assert np.round(r.priors, 2).tolist() == [0.40, 0.42, 0.11, 0.07]
    # anaesthetist 1 on class-1 patients: 0.89 right, 0.11 said 2
    assert np.round(r.confusion[0, 0], 2).tolist() == [0.89, 0.11, 0.0, 0.0]
    # each row of each confusion matrix is a distribution
    np.testing.assert_allclose(r.confusion.sum(axis=2), 1.0)
    np.testing.assert_allclose(r.posterior.sum(axis=1), 1.0)


def test_dawid_skene_matches_loop_reference_on_anaesthetists() -> None:
    triples = anaesthetist_triples()
    post, priors, conf = reference_dawid_skene(triples, CLASSES, iterations=30)
    v = _anaesthetists()
    r = dawid_skene(v, max_iter=30, tol=0.0)
    assert r.iterations == 30
    np.testing.assert_allclose(r.priors, priors, atol=1e-10)
    for j, a in enumerate(v.annotators):
        np.testing.assert_allclose(r.confusion[j], conf[a], atol=1e-10)
    for i, u in enumerate(v.unit_ids):
        np.testing.assert_allclose(r.posterior[i], post[u], atol=1e-9)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_dawid_skene_matches_loop_reference_on_random_data(seed: int) -> None:
    rng = np.random.default_rng(seed)
    k, n_units, n_ann = 3, 60, 4
    classes = ["a", "b", "c"]
    truth = rng.integers(0, k, n_units)
    triples = []
    for u in range(n_units):
        for a in range(n_ann):
            if rng.random() < 0.25:
                continue  # missing labels
            right = rng.random() < 0.5 + 0.1 * a
            v = truth[u] if right else rng.integers(0, k)
            triples.append((f"u{u}", f"ann{a}", classes[v]))
    post, priors, conf = reference_dawid_skene(triples, classes, iterations=15)
    triples.sort()  # the reference sorts units and annotators; so do we here
    v = Votes.from_triples(triples, classes)
    r = dawid_skene(v, max_iter=15, tol=0.0)
    np.testing.assert_allclose(r.priors, priors, atol=1e-9)
    for j, a in enumerate(v.annotators):
        np.testing.assert_allclose(r.confusion[j], conf[a], atol=1e-9)
    for i, u in enumerate(v.unit_ids):
        np.testing.assert_allclose(r.posterior[i], post[u], atol=1e-8)


def test_dawid_skene_is_deterministic_and_monotone() -> None:
    v = _anaesthetists()
    a = dawid_skene(v, max_iter=200, tol=1e-9)
    b = dawid_skene(v, max_iter=200, tol=1e-9)
    assert a.posterior.tobytes() == b.posterior.tobytes()
    assert a.iterations == b.iterations
    # EM never lowers the likelihood
    assert all(y >= x - 1e-9 for x, y in zip(a.trace, a.trace[1:], strict=False))


def test_dawid_skene_iteration_limit_is_reported() -> None:
    r = dawid_skene(_anaesthetists(), max_iter=2, tol=1e-12)
    assert r.iterations == 2 and not r.converged


def test_majority_tie_stays_open() -> None:
    v = Votes.from_triples(
        [
            ("u1", "a", "x"),
            ("u1", "b", "x"),
            ("u1", "c", "y"),
            ("u2", "a", "x"),
            ("u2", "b", "y"),
            ("u3", "a", "y"),
            ("u3", "b", "y"),
        ],
        ["x", "y"],
    )
    m = majority(v)
    assert m.value.tolist() == [0, -1, 1]
    assert m.ties.tolist() == [1]
    assert m.share.tolist() == pytest.approx([2 / 3, 0.5, 1.0])
    assert unanimous(v).tolist() == [False, False, True]


def test_unanimous_needs_two_annotators() -> None:
    # one annotator three times is not unanimity between annotators
    v = Votes.from_triples([("u", "a", "x"), ("u", "a", "x"), ("w", "a", "x"), ("w", "b", "x")])
    assert unanimous(v).tolist() == [False, True]


def test_anaesthetist_majority_tie_is_patient_12() -> None:
    m = majority(_anaesthetists())
    assert [m_ + 1 for m_ in m.ties.tolist()] == [12]


def test_competence_against_gold() -> None:
    v = Votes.from_triples(
        [
            ("u1", "a", "x"),
            ("u1", "b", "y"),
            ("u2", "a", "y"),
            ("u2", "b", "y"),
            ("u3", "a", "x"),
            ("u3", "b", "x"),
            ("u4", "a", "x"),
        ],
        ["x", "y"],
    )
    gold = np.array([0, 1, 0, -1])  # u4 has no gold
    rows = {c.annotator: c for c in competence(v, gold)}
    assert rows["a"].n == 4 and rows["a"].n_vs_gold == 3
    assert rows["a"].accuracy_vs_gold == 1.0 and rows["a"].kappa_vs_gold == 1.0
    # b: y,y,x against x,y,x: 2/3 right; kappa from the 2x2 table
    assert rows["b"].accuracy_vs_gold == pytest.approx(2 / 3)
    from sklearn.metrics import cohen_kappa_score

    want = cohen_kappa_score(["y", "y", "x"], ["x", "y", "x"])
    assert rows["b"].kappa_vs_gold == pytest.approx(want)
    assert rows["b"].estimated_accuracy is None


def test_competence_against_the_other_annotators_leaves_the_own_vote_out() -> None:
    v = Votes.from_triples(
        [
            ("u1", "a", "x"), ("u1", "b", "x"), ("u1", "c", "y"),
            ("u2", "a", "y"), ("u2", "b", "y"), ("u2", "c", "y"),
            ("u3", "a", "x"), ("u3", "b", "y"),
        ],
        ["x", "y"],
    )  # fmt: skip
    # a: u1's others split (tie), u3 has one other annotator only
    assert majority_of_others(v, 0).tolist() == [-1, 1, -1]
    # c: u1's others say x; u3's others (a, b) split
    assert majority_of_others(v, 2).tolist() == [0, 1, -1]
    gold = np.array([0, 1, -1])  # the majority, which counts c's own vote on u2
    rows = {c.annotator: c for c in competence(v, gold)}
    assert (rows["a"].n_vs_others, rows["a"].accuracy_vs_others) == (1, 1.0)
    assert (rows["c"].n_vs_others, rows["c"].accuracy_vs_others) == (2, 0.5)
    from sklearn.metrics import cohen_kappa_score

    want = cohen_kappa_score(["y", "y"], ["x", "y"])
    assert rows["c"].kappa_vs_others == pytest.approx(want)
    # against gold, a also scores on u1, where a's own vote broke the tie into the gold
    assert (rows["a"].n_vs_gold, rows["a"].accuracy_vs_gold) == (2, 1.0)


def test_estimated_accuracy_is_prior_weighted_diagonal() -> None:
    r = dawid_skene(_anaesthetists(), max_iter=500, tol=1e-10)
    acc = r.estimated_accuracy()
    manual = [sum(r.priors[k] * r.confusion[j, k, k] for k in range(4)) for j in range(5)]
    assert acc.tolist() == pytest.approx(manual)
    assert all(0 < a < 1 for a in acc) and not math.isnan(acc.sum())
