"""From several annotators' labels to one label per unit: majority and Dawid–Skene.

numpy (and scipy.sparse for the EM sums), no SQL and no Textual: the store hands
over integer-coded labels (:class:`Votes`), this module returns decisions and
estimates, and :mod:`framing.goldset` writes them back.

Majority (plurality) and its tie policy
    The value given by the most annotators wins; its ``confidence`` is its share
    of the unit's labels.  When two or more values share the top count the unit
    is a **tie**: it stays open (no gold value) and is listed for adjudication.
    Nothing is broken at random or by label order.

Dawid–Skene (1979)
    Each annotator ``j`` has a confusion matrix ``π_j[k, l] = P(j says l | true
    class k)``; classes have priors ``p_k``.  EM starts from the vote shares of
    each unit (the "majority" initialisation of Dawid & Skene's eq. 3.1), then
    alternates the M-step (priors and confusion matrices from the current
    posteriors, maximum likelihood, no smoothing) and the E-step (posteriors
    from the parameters).  It stops when the log-likelihood changes by less than
    ``tol`` or after ``max_iter`` iterations.  There is no randomness, so the
    same labels give the same result; a tie in the posterior goes to the class
    listed first (codebook order) and is reported.

Competence
    Per annotator: ``n`` labels, the model's estimated accuracy
    ``Σ_k p_k π_j[k, k]`` (the confusion diagonal weighted by the priors), and
    agreement with the gold values (share equal and Cohen's κ over the units
    that have gold).  Gold usually includes that annotator's own label, so
    agreement with gold is optimistic; the same against the majority of the
    *other* annotators (leave-one-out: ties and units with fewer than 2 other
    annotators left out) is the honest figure.  The estimated accuracy is the
    model's view, not a measurement against truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: Smallest probability used inside logarithms: a zero probability in a
#: confusion matrix (maximum likelihood allows it) then weighs ~ -690 per label
#: instead of producing ``-inf - -inf = nan``.
_TINY = 1e-300


@dataclass(frozen=True)
class Votes:
    """One dimension's labels as integer codes: row ``i`` says annotator
    ``annotators[annotator[i]]`` gave unit ``unit_ids[unit[i]]`` the class
    ``classes[value[i]]``.  An annotator may label a unit more than once (Dawid &
    Skene's rater 1 did, three times); each label counts.
    """

    unit_ids: list[str]
    annotators: list[str]
    classes: list[str]
    unit: np.ndarray
    annotator: np.ndarray
    value: np.ndarray

    def __post_init__(self) -> None:
        for name in ("unit", "annotator", "value"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=np.int64))

    @classmethod
    def from_triples(
        cls,
        triples: list[tuple[str, str, str]],
        classes: list[str] | None = None,
    ) -> Votes:
        """``(unit, annotator, value)`` triples; units and annotators in first-seen
        order, ``classes`` as given (else sorted)."""
        units: dict[str, int] = {}
        anns: dict[str, int] = {}
        cl = list(classes) if classes is not None else sorted({t[2] for t in triples})
        cix = {c: i for i, c in enumerate(cl)}
        u = [units.setdefault(t[0], len(units)) for t in triples]
        a = [anns.setdefault(t[1], len(anns)) for t in triples]
        v = [cix[t[2]] for t in triples]
        return cls(list(units), list(anns), cl, np.array(u), np.array(a), np.array(v))

    @property
    def n_units(self) -> int:
        return len(self.unit_ids)

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    def counts(self) -> np.ndarray:
        """Units × classes: how many labels gave each class."""
        k = self.n_classes
        flat = np.bincount(self.unit * k + self.value, minlength=self.n_units * k)
        return flat.reshape(self.n_units, k).astype(np.float64)


# ----------------------------------------------------------------------------- majority


@dataclass(frozen=True)
class MajorityResult:
    """Per unit: the winning class code (``-1`` for a tie), its share, label count."""

    value: np.ndarray
    share: np.ndarray
    n_labels: np.ndarray
    tie: np.ndarray

    @property
    def ties(self) -> np.ndarray:
        return np.flatnonzero(self.tie)


def majority(votes: Votes) -> MajorityResult:
    """Plurality vote per unit; a shared top count is a tie and stays open (``-1``)."""
    counts = votes.counts()
    n = counts.sum(axis=1)
    if votes.n_classes == 0:
        empty = np.zeros(votes.n_units)
        return MajorityResult(empty.astype(np.int64) - 1, empty, n, empty.astype(bool))
    top = counts.max(axis=1)
    n_top = (counts == top[:, None]).sum(axis=1)
    tie = (n_top > 1) & (n > 0)
    value = np.where(tie | (n == 0), -1, counts.argmax(axis=1))
    share = np.divide(top, n, out=np.zeros_like(top), where=n > 0)
    return MajorityResult(value.astype(np.int64), share, n.astype(np.int64), tie)


def annotators_per_unit(votes: Votes) -> np.ndarray:
    """How many distinct annotators labelled each unit.

    A stable sort of the (unit, annotator) keys, then the first of each run: linear
    when the labels already come sorted by unit and annotator, as the store's do.
    """
    n_ann = max(len(votes.annotators), 1)
    key = np.sort(votes.unit * n_ann + votes.annotator, kind="stable")
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    return np.bincount(key[first] // n_ann, minlength=votes.n_units)


def unanimous(votes: Votes, min_annotators: int = 2) -> np.ndarray:
    """Units on which every label agrees and at least ``min_annotators`` distinct
    annotators labelled (a boolean mask over units)."""
    n_values = (votes.counts() > 0).sum(axis=1)
    return (n_values == 1) & (annotators_per_unit(votes) >= min_annotators)


# ------------------------------------------------------------------------ Dawid–Skene


@dataclass(frozen=True)
class DawidSkeneResult:
    """A fitted Dawid–Skene model.

    ``posterior`` is units × classes; ``priors`` the class priors;
    ``confusion[j, k, l]`` = P(annotator j says class l | true class k) (rows sum
    to 1; a row of a class the annotator never met is uniform).
    ``log_likelihood`` is the observed-data log-likelihood after the last M-step,
    one value per iteration in ``trace``.
    """

    posterior: np.ndarray
    priors: np.ndarray
    confusion: np.ndarray
    iterations: int
    converged: bool
    log_likelihood: float
    trace: list[float] = field(default_factory=list)

    @property
    def value(self) -> np.ndarray:
        """Most probable class per unit (first class on an exact tie)."""
        return self.posterior.argmax(axis=1)

    @property
    def confidence(self) -> np.ndarray:
        return self.posterior.max(axis=1)

    @property
    def posterior_ties(self) -> np.ndarray:
        top = self.posterior.max(axis=1, keepdims=True)
        return np.flatnonzero((np.abs(self.posterior - top) < 1e-12).sum(axis=1) > 1)

    def estimated_accuracy(self) -> np.ndarray:
        """Per annotator: Σ_k p_k π_j[k, k]."""
        diag = np.diagonal(self.confusion, axis1=1, axis2=2)
        return diag @ self.priors


class _Design:
    """Units × (annotator, observed class) label counts, as a sparse matrix.

    Both EM steps are then one sparse product each: the E-step sums each unit's
    log-probabilities (``counts @ log π``), the M-step sums each cell's soft class
    assignments (``countsᵀ @ posterior``).  Built once per fit.
    """

    def __init__(self, votes: Votes) -> None:
        from scipy.sparse import csr_matrix

        k, j = votes.n_classes, len(votes.annotators)
        cells = votes.annotator * k + votes.value
        ones = np.ones(len(cells))
        self.counts = csr_matrix((ones, (votes.unit, cells)), shape=(votes.n_units, j * k))
        self.counts.sum_duplicates()
        self.counts_t = self.counts.T.tocsr()
        self.k, self.j = k, j


def _m_step(design: _Design, post: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Priors and confusion matrices from soft class assignments (DS eqs 2.3, 2.4)."""
    k, j = design.k, design.j
    priors = post.mean(axis=0)
    # cells × true classes -> conf[annotator, true, observed]
    conf = np.asarray(design.counts_t @ post).reshape(j, k, k).transpose(0, 2, 1).copy()
    totals = conf.sum(axis=2, keepdims=True)
    conf = np.divide(conf, totals, out=np.full_like(conf, 1.0 / k), where=totals > 0)
    return priors, conf


def _e_step(design: _Design, priors: np.ndarray, conf: np.ndarray) -> tuple[np.ndarray, float]:
    """Posteriors (DS eq. 2.5) and the log-likelihood (eq. 2.7) of the parameters."""
    k, j = design.k, design.j
    # log π_j[:, l] for every (annotator, observed) cell, summed per unit
    table = np.log(np.maximum(conf, _TINY)).transpose(0, 2, 1).reshape(j * k, k)
    logp = np.asarray(design.counts @ table)
    logp += np.log(np.maximum(priors, _TINY))
    # in place, and the row maximum column by column: a reduction along a short
    # last axis is slow in numpy (units × classes, few classes); same numbers
    top = logp[:, 0].copy()
    for c in range(1, k):
        np.maximum(top, logp[:, c], out=top)
    top = top[:, None]
    logp -= top
    p = np.exp(logp, out=logp)
    s = p.sum(axis=1, keepdims=True)
    ll = float((np.log(s) + top).sum())
    p /= s
    return p, ll


def dawid_skene(
    votes: Votes,
    *,
    max_iter: int = 100,
    tol: float = 1e-6,
    init: np.ndarray | None = None,
) -> DawidSkeneResult:
    """Fit Dawid & Skene's model by EM, starting from each unit's vote shares.

    ``tol`` is on the change of the log-likelihood between iterations; ``init``
    (units × classes) replaces the vote-share start.  Units without labels get
    the priors as posterior.
    """
    if votes.n_classes == 0 or votes.n_units == 0:
        k = votes.n_classes
        return DawidSkeneResult(
            np.zeros((votes.n_units, k)),
            np.zeros(k),
            np.zeros((len(votes.annotators), k, k)),
            0,
            True,
            0.0,
        )
    if init is None:
        counts = votes.counts()
        n = counts.sum(axis=1, keepdims=True)
        post = np.divide(counts, n, out=np.full_like(counts, 1.0 / votes.n_classes), where=n > 0)
    else:
        post = np.asarray(init, dtype=np.float64)
    trace: list[float] = []
    converged = False
    design = _Design(votes)
    priors, conf = _m_step(design, post)
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 (used after the loop)
        post, ll = _e_step(design, priors, conf)
        trace.append(ll)
        priors, conf = _m_step(design, post)
        if len(trace) > 1 and abs(trace[-1] - trace[-2]) < tol:
            converged = True
            break
    post, ll = _e_step(design, priors, conf)
    return DawidSkeneResult(post, priors, conf, it, converged, ll, trace)


# ------------------------------------------------------------------------ competence


def cohen_kappa_codes(a: np.ndarray, b: np.ndarray, k: int) -> float:
    """Cohen's κ of two equal-length code arrays over ``k`` classes (nan if undefined)."""
    n = len(a)
    if n == 0:
        return float("nan")
    table = np.bincount(a * k + b, minlength=k * k).reshape(k, k) / n
    po = float(np.trace(table))
    pe = float(table.sum(axis=1) @ table.sum(axis=0))
    return float("nan") if abs(1.0 - pe) < 1e-15 else (po - pe) / (1.0 - pe)


@dataclass(frozen=True)
class Competence:
    """One annotator's row of the competence table (for one dimension)."""

    annotator: str
    n: int
    estimated_accuracy: float | None
    n_vs_gold: int
    accuracy_vs_gold: float | None
    kappa_vs_gold: float | None
    n_vs_others: int = 0
    accuracy_vs_others: float | None = None
    kappa_vs_others: float | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "annotator": self.annotator,
            "n": self.n,
            "estimated_accuracy": self.estimated_accuracy,
            "n_vs_gold": self.n_vs_gold,
            "accuracy_vs_gold": self.accuracy_vs_gold,
            "kappa_vs_gold": self.kappa_vs_gold,
            "n_vs_others": self.n_vs_others,
            "accuracy_vs_others": self.accuracy_vs_others,
            "kappa_vs_others": self.kappa_vs_others,
        }


def _num(x: float) -> float | None:
    return None if x != x else float(x)


def majority_of_others(votes: Votes, annotator: int, min_annotators: int = 2) -> np.ndarray:
    """Per unit, the majority of every annotator's labels but ``annotator``'s (a class
    code; ``-1`` for a tie, or fewer than ``min_annotators`` other annotators): the
    gold majority would give without that annotator (leave-one-out)."""
    return _majority_without(votes, annotator, min_annotators, votes.counts(),
                             annotators_per_unit(votes))  # fmt: skip


def _majority_without(
    votes: Votes, annotator: int, min_annotators: int, counts: np.ndarray, per_unit: np.ndarray
) -> np.ndarray:
    """:func:`majority_of_others` from the label counts and annotators per unit."""
    k, n = votes.n_classes, votes.n_units
    if k == 0:
        return np.full(n, -1, np.int64)
    mine = votes.annotator == annotator
    own = np.bincount(votes.unit[mine] * k + votes.value[mine], minlength=n * k)
    others = counts - own.reshape(n, k)
    labelled = np.bincount(votes.unit[mine], minlength=n) > 0
    enough = per_unit - labelled >= min_annotators
    top = others.max(axis=1)
    single = (others == top[:, None]).sum(axis=1) == 1
    return np.where(enough & single & (top > 0), others.argmax(axis=1), -1)


def _versus(a: np.ndarray, b: np.ndarray, k: int) -> tuple[int, float | None, float | None]:
    """``(n, accuracy, Cohen's κ)`` of labels ``a`` against reference ``b``."""
    if not len(a):
        return 0, None, None
    return len(a), float((a == b).mean()), _num(cohen_kappa_codes(a, b, k))


def competence(
    votes: Votes,
    gold: np.ndarray,
    model: DawidSkeneResult | None = None,
    *,
    min_annotators: int = 2,
) -> list[Competence]:
    """Per annotator: labels, the model's estimated accuracy (if ``model``), accuracy
    and Cohen's κ against ``gold`` (a class code per unit, ``-1`` = none), and against
    the majority of the *other* annotators (:func:`majority_of_others`: leave-one-out,
    so the annotator's own vote never helps; ties and units with fewer than
    ``min_annotators`` other annotators left out)."""
    k = votes.n_classes
    est = model.estimated_accuracy() if model is not None else None
    out = []
    g = np.asarray(gold, dtype=np.int64)[votes.unit] if len(votes.unit) else votes.unit
    counts, per_unit = votes.counts(), annotators_per_unit(votes)
    for j, name in sorted(enumerate(votes.annotators), key=lambda t: t[1]):
        mine = votes.annotator == j
        both = mine & (g >= 0)
        n_g, acc_g, kappa_g = _versus(votes.value[both], g[both], k)
        loo = _majority_without(votes, j, min_annotators, counts, per_unit)[votes.unit]
        both = mine & (loo >= 0)
        n_o, acc_o, kappa_o = _versus(votes.value[both], loo[both], k)
        out.append(
            Competence(
                annotator=name,
                n=int(mine.sum()),
                estimated_accuracy=None if est is None else float(est[j]),
                n_vs_gold=n_g,
                accuracy_vs_gold=acc_g,
                kappa_vs_gold=kappa_g,
                n_vs_others=n_o,
                accuracy_vs_others=acc_o,
                kappa_vs_others=kappa_o,
            )
        )
    return out
