"""Agreement breakdowns and the disagreement list: the numbers behind ``framing agreement``.

Core module: no SQL (it reads through :class:`~framing.store.Store` methods),
no Textual, no rendering (see :mod:`framing.report`).  Everything returned by
:func:`agreement_report` is plain JSON (``NaN`` becomes ``None``); the schema
is documented in ``docs/agreement-json.md``.

Data and exclusions
-------------------
Each dimension is a coders × units matrix of current labels
(:func:`framing.analysis.label_matrices`).  Before any coefficient:

* a label that is not in the codebook ("off the scale", e.g. after the
  codebook changed; for a multi dimension a set containing such an id) is
  removed and counted in ``excluded``;
* units with a single rating carry no pairable value: they are counted in
  ``excluded.units_one_rating`` and take part in no coefficient, no
  breakdown row, no bias share and no drift window.

Breakdowns
----------
``label``     one label against the rest: every rating becomes 1 (it is, or for
              a multi dimension contains, the label) or 0; nominal α, mean
              pairwise Cohen κ and percent agreement of that binary matrix.
``source``    the units of each ``documents.source`` value ("(unknown)" when empty).
``document``  the units of each document.
``annotator`` the pairwise matrix (units shared, percent agreement, Cohen κ per
              pair), a confusion matrix (``--pair A B``, else the pair sharing
              most units) and each annotator's label distribution against the
              pool (bias).
``time``      drift: each pairable unit is dated by its *latest* current rating
              (the moment it became comparable); units are ordered by that time
              (ties, e.g. one batch import, by document and position) and cut
              into ``windows`` windows of (almost) equal numbers of units; α per
              window.

Every α comes with a bootstrap 95% interval that resamples units
(:func:`framing.agreement.bootstrap_alpha`, ``method="units"``, Gwet 2014).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from framing.agreement import (
    bootstrap_alpha,
    cohen_kappa,
    cohen_kappa_from_table,
    krippendorff_alpha,
    mean_pairwise_cohen_kappa,
    percent_agreement,
    summarize,
)
from framing.analysis import label_matrices
from framing.models import Codebook, Dimension, FramingError, LabelValue
from framing.store import Store

#: Names accepted by ``framing agreement --by`` (plus ``all``).
BREAKDOWNS: tuple[str, ...] = ("label", "source", "document", "annotator", "time")
BOOTSTRAP_METHOD = "units"
CONFIDENCE = 0.95
UNKNOWN_SOURCE = "(unknown)"
LEVEL_OF_KIND = {"single": "nominal", "ordinal": "ordinal", "multi": "masi"}


# --------------------------------------------------------------------------- helpers


def _num(x: Any) -> float | None:
    """A JSON-safe float: ``None`` for ``None``/``NaN``/``inf``."""
    if x is None:
        return None
    f = float(x)
    return f if math.isfinite(f) else None


def value_text(value: Any) -> str:
    """A label value for display: ``a+b`` for a set, ``(none)`` for an empty set."""
    if value is None:
        return "–"
    if isinstance(value, frozenset | set | list | tuple):
        return "+".join(sorted(map(str, value))) or "(none)"
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, frozenset | set | list | tuple):
        return sorted(map(str, value))
    return value


@dataclass(frozen=True)
class DimensionData:
    """One dimension's current labels, cleaned: coders × units, ``None`` = missing.

    ``data`` is an object array (labels are strings, or frozensets for a multi
    dimension) with off-scale labels already removed; ``times[i, u]`` is the
    ``created_at`` of that current label.  ``off_scale`` counts the removed
    ratings by displayed value.
    """

    dimension: Dimension
    annotators: list[str]
    unit_ids: list[str]
    data: np.ndarray
    times: np.ndarray
    off_scale: dict[str, int] = field(default_factory=dict)

    @property
    def level(self) -> str:
        return LEVEL_OF_KIND[self.dimension.kind]

    @property
    def scale(self) -> list[str]:
        return list(self.dimension.label_ids)

    @property
    def values(self) -> list[str] | None:
        """``values=`` for the coefficients: the scale, except for set-valued labels."""
        return None if self.dimension.kind == "multi" else self.scale

    @property
    def present(self) -> np.ndarray:
        return _present_mask(self.data)

    @property
    def ratings_per_unit(self) -> np.ndarray:
        return self.present.sum(axis=0) if self.data.size else np.zeros(0, dtype=np.int64)

    @property
    def pairable(self) -> np.ndarray:
        """Indices of the units with at least two ratings."""
        return np.flatnonzero(self.ratings_per_unit >= 2)


def _object_array(rows: Sequence[Sequence[Any]], n_cols: int) -> np.ndarray:
    out = np.empty((len(rows), n_cols), dtype=object)
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            out[i, j] = v
    return out


def _on_scale(dim: Dimension, value: Any, scale: set[str]) -> bool:
    if dim.kind == "multi":
        return all(x in scale for x in value)
    return value in scale


def load_dimensions(
    store: Store, codebook: Codebook, dimensions: Iterable[str] | None = None
) -> dict[str, DimensionData]:
    """Cleaned label matrices (with label times) for the chosen dimensions, codebook order."""
    wanted = list(dimensions) if dimensions else list(codebook.dimension_ids)
    unknown = [d for d in wanted if codebook.dimension(d) is None]
    if unknown:
        raise FramingError(
            f"unknown dimension {unknown[0]!r}; the codebook has "
            f"{', '.join(codebook.dimension_ids)}"
        )
    times: dict[tuple[str, str, str], str] = {}
    for unit_id, annotator, dim_id, _value, created_at in store.current_label_records():
        times[(dim_id, unit_id, annotator)] = created_at
    out: dict[str, DimensionData] = {}
    for dim_id, m in label_matrices(store, codebook).items():
        if dim_id not in wanted:
            continue
        dim = m.dimension
        scale = set(dim.label_ids)
        off: Counter[str] = Counter()
        rows: list[list[Any]] = []
        trows: list[list[str | None]] = []
        for a, row in zip(m.annotators, m.data, strict=True):
            clean: list[Any] = []
            trow: list[str | None] = []
            for u, v in zip(m.unit_ids, row, strict=True):
                if v is not None and not _on_scale(dim, v, scale):
                    off[value_text(v)] += 1
                    v = None
                clean.append(v)
                trow.append(times.get((dim_id, u, a), "") if v is not None else None)
            rows.append(clean)
            trows.append(trow)
        n = len(m.unit_ids)
        out[dim_id] = DimensionData(
            dim,
            list(m.annotators),
            list(m.unit_ids),
            _object_array(rows, n),
            _object_array(trows, n),
            dict(sorted(off.items())),
        )
    return {d: out[d] for d in codebook.dimension_ids if d in out}


# --------------------------------------------------------------------------- coefficients


def alpha_ci(
    data: np.ndarray, level: str, values: Sequence[Any] | None, n_boot: int, seed: int | None
) -> dict[str, Any] | None:
    """The units-bootstrap 95% interval of α as JSON (``None`` when ``n_boot`` is 0).

    ``data`` is coders × units (object array with ``None``, or floats with
    ``NaN``).  ``low``/``high`` are ``None`` when α is undefined (no pairable
    unit, no variation); ``n_undefined`` counts the resamples without an α.
    """
    if n_boot <= 0:
        return None
    out: dict[str, Any] = {
        "low": None,
        "high": None,
        "n_boot": n_boot,
        "n_undefined": n_boot,
        "p_below_0667": None,
        "p_below_080": None,
    }
    if data.size == 0 or not (_present_mask(data).sum(axis=0) >= 2).any():
        return out
    res = bootstrap_alpha(
        data, level, n_boot=n_boot, seed=seed, method=BOOTSTRAP_METHOD, values=values
    )
    out.update(
        low=_num(res.low),
        high=_num(res.high),
        n_undefined=res.n_undefined,
        p_below_0667=_num(res.p_below_0667),
        p_below_080=_num(res.p_below_080),
    )
    return out


def _present_mask(data: np.ndarray) -> np.ndarray:
    if data.dtype != object:
        return ~np.isnan(data)
    return np.vectorize(lambda v: v is not None, otypes=[bool])(data)


def _summary_of(
    dd: DimensionData, cols: np.ndarray | None, n_boot: int, seed: int | None
) -> dict[str, Any]:
    """``summarize`` of some units (all when ``cols`` is None) plus the α interval."""
    sub = dd.data if cols is None else dd.data[:, cols]
    out = summarize(sub if sub.size else [], dd.dimension.kind, dd.scale)
    out["alpha_ci"] = alpha_ci(sub, dd.level, dd.values, n_boot, seed)
    return out


def dimension_summary(dd: DimensionData, n_boot: int, seed: int | None) -> dict[str, Any]:
    """The six summary figures of :func:`framing.agreement.summarize`, plus the α interval,
    the kind, the α level and what was excluded."""
    out = _summary_of(dd, None, n_boot, seed)
    m = dd.ratings_per_unit
    out["kind"] = dd.dimension.kind
    out["level"] = dd.level
    out["ratings"] = int(m[m >= 2].sum()) if len(m) else 0
    out["excluded"] = {
        "units_one_rating": int((m == 1).sum()) if len(m) else 0,
        "ratings_off_scale": int(sum(dd.off_scale.values())),
        "off_scale_values": dict(dd.off_scale),
    }
    return out


# --------------------------------------------------------------------------- breakdowns


def _has_label(dim: Dimension, value: Any, label: str) -> bool:
    if dim.kind == "multi":
        return label in value
    return bool(value == label)


def binarise(dd: DimensionData, label: str) -> np.ndarray:
    """Coders × units floats: 1 where the rating is (or contains) ``label``, else 0; NaN missing."""
    out = np.full(dd.data.shape, np.nan)
    for (i, u), v in np.ndenumerate(dd.data):
        if v is not None:
            out[i, u] = 1.0 if _has_label(dd.dimension, v, label) else 0.0
    return out


def by_label(dd: DimensionData, n_boot: int, seed: int | None) -> list[dict[str, Any]]:
    """One row per codebook label: that label against the rest, on the pairable units."""
    cols = dd.pairable
    rows = []
    for lab in dd.dimension.labels:
        b = binarise(dd, lab.id)[:, cols]
        rated = ~np.isnan(b)
        n_ratings = int(rated.sum())
        hits = int(np.nansum(b))
        row: dict[str, Any] = {
            "label": lab.id,
            "name": lab.name,
            "units": len(cols),
            "ratings": hits,
            "prevalence": _num(hits / n_ratings) if n_ratings else None,
            "percent_agreement": None,
            "krippendorff_alpha": None,
            "alpha_ci": None,
            "cohen_kappa": None,
        }
        if len(cols):
            row["percent_agreement"] = _num(percent_agreement(b))
            row["krippendorff_alpha"] = _num(krippendorff_alpha(b, "nominal"))
            row["cohen_kappa"] = _num(mean_pairwise_cohen_kappa(b))
        row["alpha_ci"] = alpha_ci(b, "nominal", None, n_boot, seed)
        rows.append(row)
    return rows


def _groups(keys: Sequence[str], cols: np.ndarray) -> dict[str, np.ndarray]:
    groups: dict[str, list[int]] = {}
    for c in cols:
        groups.setdefault(keys[int(c)], []).append(int(c))
    return {k: np.asarray(groups[k], dtype=np.int64) for k in sorted(groups)}


def by_source(
    dd: DimensionData, sources: dict[str, tuple[str, str]], n_boot: int, seed: int | None
) -> list[dict[str, Any]]:
    """One row per ``documents.source`` value, over the pairable units of its documents."""
    keys = [sources.get(u, ("", ""))[1] or UNKNOWN_SOURCE for u in dd.unit_ids]
    docs = [sources.get(u, ("", ""))[0] for u in dd.unit_ids]
    rows = []
    for key, cols in _groups(keys, dd.pairable).items():
        row = {"source": key, "documents": len({docs[int(c)] for c in cols})}
        row.update(_summary_of(dd, cols, n_boot, seed))
        rows.append(row)
    return rows


def by_document(
    dd: DimensionData,
    sources: dict[str, tuple[str, str]],
    titles: dict[str, str],
    n_boot: int,
    seed: int | None,
) -> list[dict[str, Any]]:
    """One row per document, over its pairable units."""
    keys = [sources.get(u, (u.rsplit(":", 1)[0], ""))[0] for u in dd.unit_ids]
    src = {sources[u][0]: sources[u][1] for u in dd.unit_ids if u in sources}
    rows = []
    for key, cols in _groups(keys, dd.pairable).items():
        row = {
            "doc_id": key,
            "title": titles.get(key, ""),
            "source": src.get(key, "") or UNKNOWN_SOURCE,
        }
        row.update(_summary_of(dd, cols, n_boot, seed))
        rows.append(row)
    return rows


def pairwise(dd: DimensionData) -> dict[str, Any]:
    """Annotator × annotator matrices: units both rated, percent agreement, Cohen κ.

    Every pair is scored on the units both annotators rated (exact equality;
    for a multi dimension each distinct label set is one category).  The
    diagonal compares an annotator with themself (κ = 1 unless they used one
    category only).  ``pairs`` lists the off-diagonal pairs.
    """
    names = dd.annotators
    k = len(names)
    present = dd.present
    n = np.zeros((k, k), dtype=np.int64)
    pa = np.full((k, k), np.nan)
    kappa = np.full((k, k), np.nan)
    for i in range(k):
        for j in range(i, k):
            both = np.flatnonzero(present[i] & present[j])
            n[i, j] = n[j, i] = len(both)
            if not len(both):
                continue
            a = list(dd.data[i, both])
            b = list(dd.data[j, both])
            pa[i, j] = pa[j, i] = sum(x == y for x, y in zip(a, b, strict=True)) / len(both)
            kappa[i, j] = kappa[j, i] = cohen_kappa(a, b)
    pairs = [
        {
            "a": names[i],
            "b": names[j],
            "units": int(n[i, j]),
            "percent_agreement": _num(pa[i, j]),
            "cohen_kappa": _num(kappa[i, j]),
        }
        for i, j in itertools.combinations(range(k), 2)
    ]
    return {
        "annotators": list(names),
        "units": n.tolist(),
        "percent_agreement": [[_num(x) for x in r] for r in pa],
        "cohen_kappa": [[_num(x) for x in r] for r in kappa],
        "pairs": pairs,
    }


def busiest_pair(pw: dict[str, Any]) -> tuple[str, str] | None:
    """The pair of different annotators sharing the most units (first in name order on ties)."""
    best: tuple[str, str] | None = None
    most = 0
    for p in pw["pairs"]:
        if p["units"] > most:
            best, most = (p["a"], p["b"]), p["units"]
    return best


def confusion(dd: DimensionData, a: str, b: str) -> dict[str, Any]:
    """Counts of (label by ``a``, label by ``b``) over the units both rated.

    Rows are ``a``'s labels, columns ``b``'s, in codebook order (for a multi
    dimension: the label sets either of them used, as sorted lists).
    """
    rows_a = dd.data[dd.annotators.index(a)] if a in dd.annotators else None
    rows_b = dd.data[dd.annotators.index(b)] if b in dd.annotators else None
    shared: list[tuple[Any, Any]] = []
    if rows_a is not None and rows_b is not None:
        shared = [
            (x, y) for x, y in zip(rows_a, rows_b, strict=True) if x is not None and y is not None
        ]
    cats: list[Any]
    if dd.dimension.kind == "multi":
        seen = {v for pair in shared for v in pair}
        cats = sorted(seen, key=lambda s: (len(s), sorted(s)))
    else:
        cats = dd.scale
    index = {c: i for i, c in enumerate(cats)}
    table = np.zeros((len(cats), len(cats)), dtype=np.int64)
    for x, y in shared:
        table[index[x], index[y]] += 1
    total = len(shared)
    return {
        "a": a,
        "b": b,
        "labels": [_json_value(c) for c in cats],
        "matrix": table.tolist(),
        "units": total,
        "percent_agreement": _num(np.trace(table) / total) if total else None,
        "cohen_kappa": _num(cohen_kappa_from_table(table)) if total else None,
    }


def bias(dd: DimensionData) -> dict[str, Any]:
    """Each annotator's label distribution on the pairable units against the pool's.

    ``share[k]`` is the share of the annotator's ratings with label ``k`` (for a
    multi dimension: of the label ids they chose, so shares still sum to 1);
    the pool is every annotator's ratings together; ``diff = share − pool``;
    ``tv_distance = ½ Σ |diff|`` (total variation distance).
    """
    cols = dd.pairable
    labels = dd.scale
    pos = {lab: i for i, lab in enumerate(labels)}
    counts = np.zeros((len(dd.annotators), len(labels)))
    ratings = np.zeros(len(dd.annotators), dtype=np.int64)
    for i in range(len(dd.annotators)):
        for v in dd.data[i, cols]:
            if v is None:
                continue
            ratings[i] += 1
            for lab in v if dd.dimension.kind == "multi" else (v,):
                counts[i, pos[lab]] += 1
    pool = counts.sum(axis=0)
    pool_share = pool / pool.sum() if pool.sum() else np.full(len(labels), np.nan)
    rows = []
    for i, name in enumerate(dd.annotators):
        tot = counts[i].sum()
        share = counts[i] / tot if tot else np.full(len(labels), np.nan)
        diff = share - pool_share
        rows.append(
            {
                "annotator": name,
                "ratings": int(ratings[i]),
                "share": [_num(x) for x in share],
                "diff": [_num(x) for x in diff],
                "tv_distance": _num(0.5 * np.abs(diff).sum()) if tot else None,
            }
        )
    return {
        "labels": labels,
        "pool": {"ratings": int(ratings.sum()), "share": [_num(x) for x in pool_share]},
        "annotators": rows,
    }


def drift(dd: DimensionData, windows: int, n_boot: int, seed: int | None) -> dict[str, Any]:
    """α over time: pairable units dated by their latest rating, cut into equal-count windows."""
    if windows < 1:
        raise ValueError("windows must be at least 1")
    cols = dd.pairable
    m = dd.ratings_per_unit
    stamp = [max(t for t in dd.times[:, c] if t is not None) for c in cols]
    order = [c for _, c in sorted(zip(stamp, cols.tolist(), strict=True))]
    when = dict(zip(cols.tolist(), stamp, strict=True))
    rows = []
    n_win = min(windows, len(order))
    for w, chunk in enumerate(
        np.array_split(np.asarray(order, dtype=np.int64), n_win) if n_win else []
    ):
        row: dict[str, Any] = {
            "window": w + 1,
            "start": when[int(chunk[0])],
            "end": when[int(chunk[-1])],
            "pairs": int(sum(int(m[c]) * (int(m[c]) - 1) // 2 for c in chunk)),
        }
        row.update(_summary_of(dd, chunk, n_boot, seed))
        rows.append(row)
    return {
        "windows": windows,
        "basis": "units ordered by the time of their latest rating; equal-count windows",
        "units": len(order),
        "distinct_times": len(set(stamp)),
        "pairs": int(sum(int(m[c]) * (int(m[c]) - 1) // 2 for c in cols)),
        "rows": rows,
    }


# --------------------------------------------------------------------------- the report


def _framing_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("framing")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


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
) -> dict[str, Any]:
    """Everything ``framing agreement`` prints, as JSON-ready data.

    ``{"meta": {...}, "dimensions": {dim: {units, annotators, percent_agreement,
    krippendorff_alpha, fleiss_kappa, cohen_kappa, alpha_ci, kind, level,
    ratings, excluded, [by_label, by_source, by_document, pairwise, confusion,
    bias, drift]}}}``; see ``docs/agreement-json.md``.  ``by`` names
    breakdowns from :data:`BREAKDOWNS` (``"all"`` for every one); ``pair``
    adds the confusion matrix of that pair (without it, the ``annotator``
    breakdown shows the pair sharing most units).  The summary intervals use
    ``n_boot`` resamples, breakdown rows ``breakdown_n_boot`` (default
    ``min(n_boot, 500)``).
    """
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
    data = load_dimensions(store, codebook, dimensions)
    if pair is not None:
        known = set(store.annotators()) | {a for dd in data.values() for a in dd.annotators}
        for name in pair:
            if name not in known:
                listed = ", ".join(sorted(known)) or "none yet"
                raise FramingError(f"unknown annotator {name!r} (annotators: {listed})")
    sources = store.unit_sources() if wanted & {"source", "document"} else {}
    titles = {d.doc_id: d.title for d in store.documents()} if "document" in wanted else {}
    dims: dict[str, Any] = {}
    for dim_id, dd in data.items():
        out = dimension_summary(dd, n_boot, seed)
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
        dims[dim_id] = out
    meta = {
        "framing_version": _framing_version(),
        "db": store.path,
        "codebook": codebook.name,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "breakdowns": [b for b in BREAKDOWNS if b in wanted],
        "pair": list(pair) if pair else None,
        "windows": windows,
        "bootstrap": {
            "method": BOOTSTRAP_METHOD,
            "confidence": CONFIDENCE,
            "n_boot": n_boot,
            "breakdown_n_boot": nb_rows,
            "seed": seed,
        },
    }
    return {"meta": meta, "dimensions": dims}


# --------------------------------------------------------------------------- disagreements


@dataclass(frozen=True)
class DisagreementRow:
    """A unit the annotators disagree on, with every annotator's current labels.

    ``disagreement`` is 1 − the unit's percent agreement (the share of
    annotator pairs giving the same label; exact set equality for a multi
    dimension), averaged over the ranked dimensions in which the unit has at
    least two ratings; ``by_dimension`` gives it per dimension.
    ``labels`` is ``{annotator: {dimension: value}}`` over the ranked dimensions.
    """

    unit_id: str
    doc_id: str
    source: str
    position: int
    text: str
    disagreement: float
    n_annotators: int
    by_dimension: dict[str, float]
    labels: dict[str, dict[str, LabelValue]]

    def to_json(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "doc_id": self.doc_id,
            "source": self.source,
            "position": self.position,
            "text": self.text,
            "disagreement": self.disagreement,
            "n_annotators": self.n_annotators,
            "by_dimension": dict(self.by_dimension),
            "labels": {a: dict(v) for a, v in self.labels.items()},
        }


def _unit_disagreement(values: Sequence[Any]) -> float:
    m = len(values)
    counts = Counter(tuple(sorted(v)) if isinstance(v, list) else v for v in values)
    agree = sum(c * (c - 1) for c in counts.values())
    return 1.0 - agree / (m * (m - 1))


def rank_disagreements(
    store: Store,
    codebook: Codebook,
    dimension: str | None = None,
    *,
    limit: int | None = None,
    include_agreed: bool = False,
) -> list[DisagreementRow]:
    """Units ranked by observed disagreement, most disagreed first.

    Order: disagreement (descending), then number of annotators (descending),
    then document and position.  Only units with at least two ratings in a
    ranked dimension are listed, and (unless ``include_agreed``) only those
    with some disagreement.  ``dimension`` limits the ranking (and the labels
    shown) to one dimension.  Labels are shown as stored, including labels
    no longer in the codebook.  ``limit`` keeps the first rows.
    """
    if dimension is not None and codebook.dimension(dimension) is None:
        raise FramingError(
            f"unknown dimension {dimension!r}; the codebook has {', '.join(codebook.dimension_ids)}"
        )
    dims = [dimension] if dimension else list(codebook.dimension_ids)
    per_unit: dict[str, dict[str, dict[str, LabelValue]]] = {}
    order: dict[str, int] = {}
    for unit_id, annotator, dim_id, value in store.all_current_labels():
        if dim_id not in dims or value is None:
            continue
        order.setdefault(unit_id, len(order))
        per_unit.setdefault(unit_id, {}).setdefault(annotator, {})[dim_id] = value
    scored: list[tuple[float, int, int, str, dict[str, float]]] = []
    for unit_id, labels in per_unit.items():
        by_dim: dict[str, float] = {}
        for d in dims:
            vals = [lab[d] for lab in labels.values() if d in lab]
            if len(vals) >= 2:
                by_dim[d] = _unit_disagreement(vals)
        if not by_dim:
            continue
        score = sum(by_dim.values()) / len(by_dim)
        if score <= 1e-12 and not include_agreed:
            continue
        scored.append((round(score, 12), len(labels), order[unit_id], unit_id, by_dim))
    scored.sort(key=lambda r: (-r[0], -r[1], r[2]))
    if limit is not None and limit > 0:
        scored = scored[:limit]
    sources = store.unit_sources() if scored else {}
    out = []
    for score, n_ann, _, unit_id, by_dim in scored:
        unit = store.unit(unit_id)
        doc_id, source = sources.get(unit_id, (unit.doc_id if unit else "", ""))
        out.append(
            DisagreementRow(
                unit_id=unit_id,
                doc_id=doc_id,
                source=source,
                position=unit.position if unit else -1,
                text=unit.text if unit else "",
                disagreement=score,
                n_annotators=n_ann,
                by_dimension=by_dim,
                labels={
                    a: {d: labs[d] for d in dims if d in labs}
                    for a, labs in sorted(per_unit[unit_id].items())
                },
            )
        )
    return out
