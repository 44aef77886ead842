"""Source-bias analysis: how do the sources label (frame, certainty, perspective) the
same events differently?  Builds :class:`AnalysisReport` (see
:mod:`framing.analysis.contracts` and docs/analysis-json.md).

For each single or ordinal dimension, the chosen labels (:mod:`framing.analysis.choice`)
are cross-tabulated by the source of their document (the manifest's ``source``);
:mod:`framing.analysis.stats` gives the tests.  Sentences are nested in documents,
so the sentence-level χ² (which treats sentences as independent) is shown beside a
document-level permutation test; with fewer than 3 documents per source the
report says the results describe these documents, not the source.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import numpy as np

from framing import __version__
from framing.analysis.choice import ChosenLabels, choose_labels
from framing.analysis.contracts import (
    AnalysisReport,
    DimensionResult,
    Features,
    Sensitivity,
    SensitivityRow,
)
from framing.analysis.data import coded_matrices
from framing.analysis.features import text_features
from framing.analysis.stats import (
    adjusted_residuals,
    bootstrap_v_ci,
    contingency_test,
    document_permutation_test,
    drop_empty,
    kruskal_by_source,
)
from framing.models import Codebook, FramingError
from framing.store import LabelColumns, Store
from framing.store.dataset import UnitLayout

#: Sources with fewer documents than this get a plain warning.
MIN_DOCUMENTS = 3


class UnitIndex:
    """unit position → (document index, source index), read once from the store
    (:meth:`Store.unit_layout`, integers only).  Documents without units and units
    whose document is missing take no part; sources are sorted by name."""

    def __init__(self, store: Store, layout: UnitLayout | None = None) -> None:
        lay = store.unit_layout() if layout is None else layout
        self.doc_ids: list[str] = lay.doc_ids
        self.sources = sorted(set(lay.doc_sources))
        src_code = {s: i for i, s in enumerate(self.sources)}
        self.unit_doc = lay.doc
        self.doc_source = np.array([src_code[s] for s in lay.doc_sources], dtype=np.int64)

    def code_columns(self, columns: LabelColumns) -> None:
        """Map the label columns' unit codes to unit positions (−1: a unit whose
        document is missing), once per analysis."""
        assert columns.positions is not None
        pos = columns.positions
        self.unit_of_code = np.where(self.unit_doc[pos] >= 0, pos, -1) if len(pos) else pos

    def display(self, source: str) -> str:
        return source or "(no source)"


def _dimension(
    chosen: ChosenLabels,
    index: UnitIndex,
    *,
    n_boot: int,
    n_perm: int,
    rng: np.random.Generator,
    cache: dict[Any, Any] | None = None,
) -> DimensionResult:
    dim = chosen.dimension
    label_ids = [lab.id for lab in dim.labels]
    pos = index.unit_of_code[chosen.codes]
    known = pos >= 0
    lab = chosen.label[known]
    unit_doc = index.unit_doc[pos[known]]
    src = index.doc_source[unit_doc]
    names = [index.display(s) for s in index.sources]
    n_src, n_lab = len(names), len(label_ids)
    table = np.bincount(src * n_lab + lab, minlength=n_src * n_lab).reshape(n_src, n_lab)
    used_src = np.flatnonzero(table.sum(axis=1) > 0)
    out: DimensionResult = {
        "kind": dim.kind,
        "n_units": int(table.sum()),
        "n_documents": int(len(np.unique(unit_doc))),
        "excluded": {**chosen.excluded, "unit_not_found": int((~known).sum())},
        "labels": label_ids,
        "sources": [names[i] for i in used_src.tolist()],
        "table": {
            names[i]: {label_ids[j]: int(table[i, j]) for j in range(n_lab)}
            for i in used_src.tolist()
        },
        "shares": {
            names[i]: {label_ids[j]: float(table[i, j] / table[i].sum()) for j in range(n_lab)}
            for i in used_src.tolist()
        },
    }
    sub, rows, cols = drop_empty(table)
    out["tested_sources"] = [names[i] for i in rows.tolist()]
    out["tested_labels"] = [label_ids[j] for j in cols.tolist()]
    res = contingency_test(sub)
    out["chi2"], out["dof"], out["p"] = res["chi2"], res["dof"], res["p"]
    out["cramers_v"], out["cramers_v_raw"] = res["cramers_v"], res["cramers_v_raw"]
    lo, hi = bootstrap_v_ci(sub, n_boot, rng) if res["chi2"] is not None else (None, None)
    out["cramers_v_ci"] = {"low": lo, "high": hi}
    resid = adjusted_residuals(sub) if sub.size else np.zeros((0, 0))
    out["residuals"] = {
        names[i]: {
            label_ids[j]: (None if np.isnan(resid[a, b]) else float(resid[a, b]))
            for b, j in enumerate(cols.tolist())
        }
        for a, i in enumerate(rows.tolist())
    }
    # document level: label counts per document, sources re-assigned to documents
    docs, doc_pos = np.unique(unit_doc, return_inverse=True)
    doc_labels = np.bincount(doc_pos * n_lab + lab, minlength=len(docs) * n_lab).reshape(
        len(docs), n_lab
    )
    method, p, n = (
        document_permutation_test(
            doc_labels, index.doc_source[docs], n_src, res["chi2"], n_perm, rng, cache
        )
        if res["chi2"] is not None
        else ("none", None, 0)
    )
    out["document_level"] = {
        "method": method,
        "p": p,
        "n_documents": int(len(docs)),
        "n_permutations": n,
        "statistic": "Pearson chi2 of the sentence table, sources permuted over documents",
    }
    if dim.kind == "ordinal":
        out["rank_test"] = kruskal_by_source(lab, src, names, label_ids)  # type: ignore[typeddict-item]
    return out


def _warnings(report: AnalysisReport, index: UnitIndex) -> list[str]:
    out: list[str] = []
    counts = np.bincount(index.doc_source, minlength=len(index.sources))
    few = [
        f"{index.display(s)} ({int(c)} document{'s' if c != 1 else ''})"
        for s, c in zip(index.sources, counts.tolist(), strict=True)
        if c < MIN_DOCUMENTS
    ]
    if few:
        out.append(
            f"Fewer than {MIN_DOCUMENTS} documents for: {', '.join(few)}. The results describe "
            "these documents, not the sources: a source's label shares here may reflect one "
            "author or one text. Read the document-level test, not the sentence-level one."
        )
    for dim_id, d in report["dimensions"].items():
        if d.get("chi2") is None:
            out.append(f"{dim_id}: no test (fewer than two sources or labels with units).")
        if d.get("document_level", {}).get("n_permutations", 0) and (
            d["document_level"]["n_permutations"] < 20
        ):
            out.append(
                f"{dim_id}: only {d['document_level']['n_permutations']} distinct assignments of "
                "sources to documents; the smallest possible document-level p is "
                f"{1 / d['document_level']['n_permutations']:.3f}."
            )
    return out


def _sensitivity(
    store: Store,
    codebook: Codebook,
    columns: LabelColumns,
    gold: dict[Any, Any],
    index: UnitIndex,
    main_labels: str,
    main: dict[str, DimensionResult],
    *,
    matrices: dict[str, Any],
    alpha: float,
    n_perm: int,
    seed: int,
) -> Sensitivity:
    choices = (["gold"] if gold else []) + ["majority", *columns.annotators]
    rows: list[SensitivityRow] = []
    # every run below starts from the seed: the document orders are drawn once
    cache: dict[Any, Any] = {}
    for choice in choices:
        if choice == main_labels:
            results = main
        else:
            chosen = choose_labels(
                store, codebook, choice, columns=columns, gold=gold, matrices=matrices
            )
            rng = np.random.default_rng(seed)
            results = {
                d: _dimension(c, index, n_boot=0, n_perm=n_perm, rng=rng, cache=cache)
                for d, c in chosen.items()
            }
        for dim_id, r in results.items():
            p = r.get("p")
            rows.append(
                {
                    "labels": choice,
                    "dimension": dim_id,
                    "n_units": r["n_units"],
                    "chi2": r.get("chi2"),
                    "p": p,
                    "cramers_v": r.get("cramers_v"),
                    "document_p": r["document_level"]["p"],
                    "significant": None if p is None else p < alpha,
                }
            )
    holds: dict[str, bool | None] = {}
    for dim_id in main:
        sig = [r["significant"] for r in rows if r["dimension"] == dim_id]
        known = [s for s in sig if s is not None]
        holds[dim_id] = (len(set(known)) == 1) if known else None
    return {"alpha": alpha, "rows": rows, "holds": holds}


def analyze(
    store: Store,
    codebook: Codebook,
    *,
    labels: str = "majority",
    n_boot: int = 1000,
    n_perm: int = 2000,
    seed: int = 0,
    alpha: float = 0.05,
    sensitivity: bool = True,
    features: bool = True,
) -> AnalysisReport:
    """The source-bias analysis of every single and ordinal dimension."""
    from framing.gcpause import paused_gc

    with paused_gc():
        return _analyze(
            store, codebook, labels=labels, n_boot=n_boot, n_perm=n_perm, seed=seed,
            alpha=alpha, sensitivity=sensitivity, features=features,
        )  # fmt: skip


def _analyze(
    store: Store,
    codebook: Codebook,
    *,
    labels: str,
    n_boot: int,
    n_perm: int,
    seed: int,
    alpha: float,
    sensitivity: bool,
    features: bool,
) -> AnalysisReport:
    # The text features are SQLite aggregates (the GIL is released while they run):
    # a thread with its own read-only connection computes them meanwhile.
    with ThreadPoolExecutor(max_workers=1) as pool:
        later = pool.submit(_text_features_apart, store.path, codebook) if features else None
        return _analyze_labels(
            store, codebook, later, labels=labels, n_boot=n_boot, n_perm=n_perm, seed=seed,
            alpha=alpha, sensitivity=sensitivity,
        )  # fmt: skip


def _text_features_apart(path: str, codebook: Codebook) -> Features:
    """:func:`text_features` on a read-only connection of its own (for a thread)."""
    store = Store.open(path, create=False, readonly=True)
    try:
        store.hold_snapshot()  # its three aggregates agree with each other
        return text_features(store, codebook)
    finally:
        store.close()


def _analyze_labels(
    store: Store,
    codebook: Codebook,
    later: Future[Features] | None,
    *,
    labels: str,
    n_boot: int,
    n_perm: int,
    seed: int,
    alpha: float,
    sensitivity: bool,
) -> AnalysisReport:
    # independent labels only: a label made after seeing another's is not a judgement
    layout = store.unit_layout()
    columns = store.independent_label_columns(layout, sort=False)  # matrices scatter them
    gold = store.current_gold()
    # the coded matrices once, for the main run and every sensitivity run
    single = [d.id for d in codebook.dimensions if d.kind != "multi"]
    matrices = coded_matrices(store, codebook, single, columns=columns)
    chosen = choose_labels(store, codebook, labels, columns=columns, gold=gold, matrices=matrices)
    index = UnitIndex(store, layout)
    index.code_columns(columns)
    if not index.doc_ids:
        raise FramingError(f"{store.path}: no documents; run `framing ingest` first")
    rng = np.random.default_rng(seed)
    dims = {
        d: _dimension(c, index, n_boot=n_boot, n_perm=n_perm, rng=rng) for d, c in chosen.items()
    }
    report: AnalysisReport = {
        "labels": labels,
        "meta": {
            "framing_version": __version__,
            "db": store.path,
            "codebook": codebook.path or codebook.name,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "n_boot": n_boot,
            "n_perm": n_perm,
            "seed": seed,
            "alpha": alpha,
        },
        "dimensions": dims,
        "features": later.result()
        if later is not None
        else {
            "units": {},
            "tone": {},
            "rates_per_100": {},
            "actors": {},
            "actor_names": {},
            "quoted_rule": "",
        },
        "sensitivity": _sensitivity(
            store,
            codebook,
            columns,
            gold,
            index,
            labels,
            dims,
            matrices=matrices,
            alpha=alpha,
            n_perm=n_perm,
            seed=seed,
        )
        if sensitivity
        else {"alpha": alpha, "rows": [], "holds": {}},
        "warnings": [],
    }
    skipped = [d.id for d in codebook.dimensions if d.kind == "multi"]
    report["warnings"] = _warnings(report, index) + [
        f"{d}: a multi dimension (several labels per unit) is not tested." for d in skipped
    ]
    return report
