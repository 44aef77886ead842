"""Typed contracts of the source-bias analysis JSON (documented in docs/analysis-json.md).

``SOURCE`` keys are the manifest's source names; ``LABEL`` keys are label ids.
"""

from __future__ import annotations

from typing import TypedDict


class Interval(TypedDict):
    low: float | None
    high: float | None


class DocumentLevel(TypedDict):
    #: ``exact permutation`` (every distinct assignment of sources to documents) or
    #: ``Monte Carlo permutation`` (``n_permutations`` random ones).
    method: str
    p: float | None
    n_documents: int
    n_permutations: int
    statistic: str


class RankTest(TypedDict):
    test: str
    h: float | None
    dof: int
    p: float | None
    mean_rank: dict[str, float]
    median: dict[str, str]


class DimensionResult(TypedDict, total=False):
    kind: str
    n_units: int
    n_documents: int
    excluded: dict[str, int]
    labels: list[str]
    sources: list[str]
    table: dict[str, dict[str, int]]
    shares: dict[str, dict[str, float]]
    tested_labels: list[str]
    tested_sources: list[str]
    chi2: float | None
    dof: int
    p: float | None
    cramers_v: float | None
    cramers_v_raw: float | None
    cramers_v_ci: Interval
    residuals: dict[str, dict[str, float | None]]
    document_level: DocumentLevel
    rank_test: RankTest
    note: str


class ToneBySource(TypedDict):
    n_units: int
    n_documents: int
    mean: float | None
    ci: Interval


class Features(TypedDict):
    units: dict[str, int]
    tone: dict[str, ToneBySource]
    rates_per_100: dict[str, dict[str, float | None]]
    actors: dict[str, dict[str, dict[str, int]]]
    actor_names: dict[str, str]
    quoted_rule: str


class SensitivityRow(TypedDict):
    labels: str
    dimension: str
    n_units: int
    chi2: float | None
    p: float | None
    cramers_v: float | None
    document_p: float | None
    significant: bool | None


class Sensitivity(TypedDict):
    alpha: float
    rows: list[SensitivityRow]
    holds: dict[str, bool | None]


class AnalysisMeta(TypedDict):
    framing_version: str
    db: str
    codebook: str
    generated_at: str
    n_boot: int
    n_perm: int
    seed: int
    alpha: float


class AnalysisReport(TypedDict):
    labels: str
    meta: AnalysisMeta
    dimensions: dict[str, DimensionResult]
    features: Features
    sensitivity: Sensitivity
    warnings: list[str]
