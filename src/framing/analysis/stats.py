"""Statistics of a sources × labels contingency table.

* Pearson's χ² test of independence (``scipy.stats.chi2_contingency`` with
  ``correction=False``: no Yates correction, also for 2 × 2);
* Cramér's V, raw (``scipy.stats.contingency.association``) and bias-corrected
  (Bergsma 2013, J. Korean Stat. Soc. 42: φ̃² = max(0, φ² − (k−1)(r−1)/(n−1)),
  r̃ = r − (r−1)²/(n−1), k̃ = k − (k−1)²/(n−1), Ṽ = √(φ̃² / min(k̃−1, r̃−1)));
  its CI is a percentile bootstrap that redraws each source's units from its
  own label shares (a multinomial per row: row totals stay fixed);
* adjusted standardized residuals (Agresti 2013, §2.4.5):
  (O − E) / √(E (1 − rowᵢ/n)(1 − colⱼ/n)), roughly N(0, 1) under independence,
  so |r| > 2 marks a label a source uses more (or less) than the others;
* Kruskal–Wallis H on the ordinal ranks (``scipy.stats.kruskal``, ties corrected);
* a document-level permutation test: sentences are nested in documents, so the
  sources are re-assigned to whole documents (keeping how many documents each
  source has) and χ² is recomputed on the sentence table; every distinct
  assignment when there are at most ``n_perm`` of them (exact), else
  ``n_perm`` random ones; p = (1 + #{χ²* ≥ χ²}) / (1 + N) for Monte Carlo, the
  share of assignments with χ²* ≥ χ² for the exact test.

Rows or columns with a zero total are dropped before a test (their expected
counts are 0); the result names the labels and sources that were tested.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np


def drop_empty(table: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The table without all-zero rows and columns, and the kept row / column indices."""
    rows = np.flatnonzero(table.sum(axis=1) > 0)
    cols = np.flatnonzero(table.sum(axis=0) > 0)
    return table[np.ix_(rows, cols)], rows, cols


def chi2_stat(table: np.ndarray) -> float:
    """Pearson's χ² of a table with no zero margin (fast, no p-value)."""
    n = table.sum()
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    return float(((table - expected) ** 2 / expected).sum())


def cramers_v_corrected(chi2: float, n: int, r: int, k: int) -> float | None:
    """Bergsma's (2013) bias-corrected Cramér's V; None when undefined."""
    if n <= 1 or r < 2 or k < 2:
        return None
    phi2 = max(0.0, chi2 / n - (k - 1) * (r - 1) / (n - 1))
    rc = r - (r - 1) ** 2 / (n - 1)
    kc = k - (k - 1) ** 2 / (n - 1)
    den = min(kc - 1, rc - 1)
    if den <= 0:
        return None
    return math.sqrt(phi2 / den)


def adjusted_residuals(table: np.ndarray) -> np.ndarray:
    n = table.sum()
    row = table.sum(axis=1, keepdims=True)
    col = table.sum(axis=0, keepdims=True)
    expected = row * col / n
    var = expected * (1 - row / n) * (1 - col / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(var > 0, (table - expected) / np.sqrt(var), np.nan)


def contingency_test(table: np.ndarray) -> dict[str, Any]:
    """χ², dof, p, raw and corrected V of a table with no zero margin."""
    from scipy.stats import chi2_contingency
    from scipy.stats.contingency import association

    r, k = table.shape
    n = int(table.sum())
    if r < 2 or k < 2:
        return {"chi2": None, "dof": 0, "p": None, "cramers_v": None, "cramers_v_raw": None}
    res = chi2_contingency(table, correction=False)
    chi2 = float(res.statistic)
    return {
        "chi2": chi2,
        "dof": int(res.dof),
        "p": float(res.pvalue),
        "cramers_v": cramers_v_corrected(chi2, n, r, k),
        "cramers_v_raw": float(association(table, method="cramer", correction=False)),
    }


def bootstrap_v_ci(
    table: np.ndarray, n_boot: int, rng: np.random.Generator
) -> tuple[float | None, float | None]:
    """95% percentile interval of the corrected V, rows redrawn from their own shares."""
    if n_boot <= 0 or min(table.shape) < 2:
        return None, None
    r, k = table.shape
    n = int(table.sum())
    totals = table.sum(axis=1)
    draws = np.stack(
        [
            rng.multinomial(int(t), row / t, size=n_boot)
            for row, t in zip(table, totals, strict=True)
        ],
        axis=1,
    )  # n_boot × r × k
    col = draws.sum(axis=1)  # n_boot × k
    expected = totals[None, :, None] * col[:, None, :] / n
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(expected > 0, (draws - expected) ** 2 / expected, 0.0)
    chi2 = terms.sum(axis=(1, 2))
    k_eff = (col > 0).sum(axis=1)
    vs = []
    for c, kk in zip(chi2.tolist(), k_eff.tolist(), strict=True):
        v = cramers_v_corrected(c, n, r, int(kk))
        if v is not None:
            vs.append(v)
    if not vs:
        return None, None
    lo, hi = np.percentile(vs, [2.5, 97.5])
    return float(lo), float(hi)


def _multiset_permutations(items: list[int]) -> Iterator[tuple[int, ...]]:
    """Every distinct ordering of ``items`` (with repeats), each once."""
    counts: dict[int, int] = {}
    for x in items:
        counts[x] = counts.get(x, 0) + 1
    keys = sorted(counts)
    n = len(items)
    out: list[int] = []

    def rec() -> Iterator[tuple[int, ...]]:
        if len(out) == n:
            yield tuple(out)
            return
        for key in keys:
            if counts[key]:
                counts[key] -= 1
                out.append(key)
                yield from rec()
                out.pop()
                counts[key] += 1

    yield from rec()


def n_assignments(doc_source: np.ndarray) -> int:
    """How many distinct ways the sources can be assigned to the documents."""
    _, counts = np.unique(doc_source, return_counts=True)
    total = math.factorial(len(doc_source))
    for c in counts.tolist():
        total //= math.factorial(c)
    return total


def document_permutation_test(
    doc_labels: np.ndarray,
    doc_source: np.ndarray,
    n_sources: int,
    observed: float,
    n_perm: int,
    rng: np.random.Generator,
    cache: dict[Any, Any] | None = None,
) -> tuple[str, float | None, int]:
    """``(method, p, permutations)`` of χ² when sources are re-assigned to documents.

    ``doc_labels`` is documents × labels (label counts of each document's units),
    ``doc_source`` each document's source index.  ``cache`` (a dict shared by calls)
    keeps the random orders drawn from a generator state, so a later call that starts
    from the same state (the sensitivity runs each start from the seed) reuses them and
    leaves ``rng`` where drawing them would have: same orders, same p, drawn once.
    """
    n_docs = len(doc_source)
    if n_docs < 2 or n_sources < 2 or n_perm <= 0:
        return "none", None, 0
    total = n_assignments(doc_source)

    eps = 1e-9 * max(1.0, abs(observed))
    labels = doc_labels.astype(np.float64)
    if total <= n_perm:
        assigns = np.array(list(_multiset_permutations(doc_source.tolist())), dtype=np.int64)
        stats = _chi2_many(np.argsort(assigns, axis=1, kind="stable"), labels, doc_source)
        return "exact permutation", float((stats >= observed - eps).mean()), len(stats)
    hits = 0
    block = max(1, min(256, 4_000_000 // max(1, labels.size)))  # bounded memory
    key = (repr(rng.bit_generator.state), n_docs, n_perm, block)
    cached = cache.get(key) if cache is not None else None
    blocks: list[np.ndarray] = [] if cached is None else cached[0]
    for i, start in enumerate(range(0, n_perm, block)):
        if cached is None:
            k = min(block, n_perm - start)
            small = np.int16 if n_docs < 2**15 else np.int32 if n_docs < 2**31 else np.int64
            blocks.append(np.stack([rng.permutation(n_docs) for _ in range(k)]).astype(small))
        hits += int((_chi2_many(blocks[i], labels, doc_source) >= observed - eps).sum())
    if cache is not None:
        if cached is None:
            cache[key] = (blocks, rng.bit_generator.state)
        else:
            rng.bit_generator.state = cached[1]
    return "Monte Carlo permutation", (1 + hits) / (1 + n_perm), n_perm


def _chi2_many(orders: np.ndarray, doc_labels: np.ndarray, doc_source: np.ndarray) -> np.ndarray:
    """Pearson χ² under each row of ``orders`` (permutations × documents): the first
    c₀ documents of an order go to the first source, the next c₁ to the second, ...
    (cₛ: each source's number of documents), so a table is one gather and one
    ``np.add.reduceat`` — O(documents × labels) per permutation.  Cells with a zero
    expected count (a label no unit has) add nothing, as when such columns are dropped."""
    _, counts = np.unique(doc_source, return_counts=True)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    tables = np.add.reduceat(doc_labels[orders], starts, axis=1)  # perms × sources × labels
    n = doc_labels.sum()
    row = tables.sum(axis=2, keepdims=True)
    col = doc_labels.sum(axis=0)[None, None, :]
    expected = row * col / n
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(expected > 0, (tables - expected) ** 2 / expected, 0.0)
    return terms.sum(axis=(1, 2))


def kruskal_by_source(
    ranks: np.ndarray, source: np.ndarray, names: list[str], label_ids: list[str]
) -> dict[str, Any]:
    """Kruskal–Wallis H of ordinal label ranks across sources (sources with ≥ 1 unit)."""
    from scipy.stats import kruskal, rankdata

    groups = [ranks[source == s] for s in range(len(names))]
    present = [i for i, g in enumerate(groups) if len(g)]
    out: dict[str, Any] = {
        "test": "Kruskal–Wallis H (ties corrected)",
        "h": None,
        "dof": max(0, len(present) - 1),
        "p": None,
        "mean_rank": {},
        "median": {},
    }
    if not present:
        return out
    all_ranks = rankdata(ranks)
    for i in present:
        out["mean_rank"][names[i]] = float(all_ranks[source == i].mean())
        g = np.sort(groups[i])
        out["median"][names[i]] = label_ids[int(g[(len(g) - 1) // 2])]  # lower median
    if len(present) >= 2 and len(np.unique(ranks)) > 1:
        res = kruskal(*[groups[i] for i in present])
        out["h"], out["p"] = float(res.statistic), float(res.pvalue)
    return out


def mean_ci(x: np.ndarray) -> tuple[float | None, float | None, float | None]:
    """Mean and its 95% t-interval (None where undefined)."""
    from scipy.stats import t

    n = len(x)
    if n == 0:
        return None, None, None
    m = float(x.mean())
    if n < 2:
        return m, None, None
    half = float(t.ppf(0.975, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return m, m - half, m + half


__all__ = [
    "adjusted_residuals",
    "bootstrap_v_ci",
    "chi2_stat",
    "contingency_test",
    "cramers_v_corrected",
    "document_permutation_test",
    "drop_empty",
    "kruskal_by_source",
    "mean_ci",
    "n_assignments",
]
