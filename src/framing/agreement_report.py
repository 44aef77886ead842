"""The ``framing agreement`` report: every dimension's summary plus the breakdowns asked for.

Core module: it assembles :mod:`framing.breakdowns`' numbers into the JSON-ready
report that :mod:`framing.report` renders (text, JSON, Markdown, HTML) and that the
dataset card quotes.  Kept apart from the breakdowns so that each module does one
job: the breakdowns compute, this module decides what a report holds and states
what it was computed on (``meta``: labels used, bootstrap settings, estimates).
The schema is documented in ``docs/agreement-json.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from framing.agreement.summary import REPORT_COEFFICIENTS, coefficient_estimates
from framing.breakdowns import (
    BOOTSTRAP_METHOD,
    BREAKDOWNS,
    CONFIDENCE,
    _coded,
    _summary_of,
    bias,
    busiest_pair,
    by_document,
    by_label,
    by_source,
    confusion,
    dimension_summary,
    drift,
    load_dimensions,
    pairwise,
)
from framing.conditions import anchoring, by_hints, condition_matrix
from framing.hints import CERTAINTY_DIMENSION
from framing.models import Codebook, FramingError
from framing.store import Store


def _framing_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("framing")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


#: What ``--labels`` means, stated in every agreement output.
LABELS_NOTE = {
    "independent": "independent labels: each annotator's latest label made before seeing "
    "another annotator's label of the unit (review labels excluded)",
    "final": "final labels: each annotator's current label, including review labels made "
    "after seeing other annotators' labels (agreement may be inflated)",
}


def agreement_report(
    store: Store,
    codebook: Codebook,
    *,
    dimensions: Iterable[str] | None = None,
    by: Iterable[str] = (),
    pair: tuple[str, str] | None = None,
    windows: int = 4,
    n_boot: int = 1000,
    breakdown_n_boot: int | None = None,
    seed: int | None = 0,
    coefficients: Sequence[str] = (),
    weights: str = "identity",
    labels: str = "independent",
) -> dict[str, Any]:
    """Everything ``framing agreement`` prints, as JSON-ready data.

    ``labels`` is ``independent`` (default: a label made after its author saw another
    annotator's label of the unit never counts; their earlier label does) or ``final``.

    ``{"meta": {...}, "dimensions": {dim: {units, annotators, percent_agreement,
    krippendorff_alpha, fleiss_kappa, cohen_kappa, alpha_ci, kind, level,
    ratings, excluded, [by_label, by_source, by_document, pairwise, confusion,
    bias, drift, by_hints, anchoring]}}}``; see ``docs/agreement-json.md``.  ``by`` names
    breakdowns from :data:`BREAKDOWNS` (``"all"`` for every one); ``pair``
    adds the confusion matrix of that pair (without it, the ``annotator``
    breakdown shows the pair sharing most units).  The summary intervals use
    ``n_boot`` resamples, breakdown rows ``breakdown_n_boot`` (default
    ``min(n_boot, 500)``).  ``coefficients`` (names from
    :data:`~framing.agreement.summary.REPORT_COEFFICIENTS`) adds an
    ``estimates`` list per dimension: each coefficient with its analytic SE,
    CI, z and p (:func:`~framing.agreement.summary.coefficient_estimates`;
    ``weights`` applies to ordinal dimensions).
    """
    bad_coef = sorted(set(coefficients) - set(REPORT_COEFFICIENTS))
    if bad_coef:
        raise FramingError(
            f"unknown coefficient {bad_coef[0]!r}; choose from {', '.join(REPORT_COEFFICIENTS)}"
        )
    wanted = set(by)
    if "all" in wanted:
        wanted = set(BREAKDOWNS)
    bad = sorted(wanted - set(BREAKDOWNS))
    if bad:
        raise FramingError(f"unknown breakdown {bad[0]!r}; choose from {', '.join(BREAKDOWNS)}")
    if n_boot < 0 or (breakdown_n_boot is not None and breakdown_n_boot < 0):
        raise FramingError("the number of bootstrap resamples must not be negative")
    if windows < 1:
        raise FramingError("--windows must be at least 1")
    nb_rows = min(n_boot, 500) if breakdown_n_boot is None else breakdown_n_boot
    data = load_dimensions(store, codebook, dimensions, labels)
    if pair is not None:
        known = set(store.annotators()) | {a for dd in data.values() for a in dd.annotators}
        for name in pair:
            if name not in known:
                listed = ", ".join(sorted(known)) or "none yet"
                raise FramingError(f"unknown annotator {name!r} (annotators: {listed})")
    sources = store.unit_sources() if wanted & {"source", "document"} else {}
    titles = {d.doc_id: d.title for d in store.documents()} if "document" in wanted else {}
    conditions: dict[str, list[tuple[str, str, str]]] = {}
    if "hints" in wanted:
        for dim_id, unit_id, annotator, cond in store.label_conditions(labels):
            conditions.setdefault(dim_id, []).append((unit_id, annotator, cond))
    dims: dict[str, Any] = {}
    for dim_id, dd in data.items():
        out = dimension_summary(dd, n_boot, seed)
        if coefficients:
            chosen_coef = [c for c in REPORT_COEFFICIENTS if c in set(coefficients)]
            out["estimates"] = (
                coefficient_estimates(
                    _coded(dd.data, dd.values), dd.dimension.kind, dd.scale, chosen_coef, weights
                )
                if out["units"]
                else []
            )
        if "label" in wanted:
            out["by_label"] = by_label(dd, nb_rows, seed)
        if "source" in wanted:
            out["by_source"] = by_source(dd, sources, nb_rows, seed)
        if "document" in wanted:
            out["by_document"] = by_document(dd, sources, titles, nb_rows, seed)
        if "annotator" in wanted:
            out["pairwise"] = pairwise(dd)
            out["bias"] = bias(dd)
        chosen = pair
        if chosen is None and "annotator" in wanted:
            chosen = busiest_pair(out["pairwise"])
        if chosen is not None:
            out["confusion"] = dict(
                confusion(dd, *chosen), chosen_by="--pair" if pair else "most shared units"
            )
        if "time" in wanted:
            out["drift"] = drift(dd, windows, nb_rows, seed)
        if "hints" in wanted:
            cells = conditions.get(dim_id, [])
            out["by_hints"] = by_hints(dd, condition_matrix(dd, cells), _summary_of, nb_rows, seed)
            if dim_id == CERTAINTY_DIMENSION:
                out["anchoring"] = anchoring(
                    dim_id, store.suggestion_records(dim_id, labels), n_boot, seed
                )
        dims[dim_id] = out
    meta: dict[str, Any] = {
        "framing_version": _framing_version(),
        "db": store.path,
        "codebook": codebook.name,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "breakdowns": [b for b in BREAKDOWNS if b in wanted],
        "pair": list(pair) if pair else None,
        "labels": labels,
        "labels_note": LABELS_NOTE[labels],
        "windows": windows,
        "bootstrap": {
            "method": BOOTSTRAP_METHOD,
            "confidence": CONFIDENCE,
            "n_boot": n_boot,
            "breakdown_n_boot": nb_rows,
            "seed": seed,
        },
    }
    if coefficients:
        meta["estimates"] = {
            "coefficients": [c for c in REPORT_COEFFICIENTS if c in set(coefficients)],
            "weights": weights,
            "confidence": CONFIDENCE,
            "variance": "analytic (Gwet 2014 ch. 5; Fleiss, Cohen & Everitt 1969 for Cohen)",
        }
    return {"meta": meta, "dimensions": dims}
