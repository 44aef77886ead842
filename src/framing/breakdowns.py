"""Agreement breakdowns and the disagreement list: the numbers behind ``framing agreement``.

Core module: no SQL (it reads through :class:`~framing.store.Store` methods),
no Textual, no rendering (see :mod:`framing.report`).  Everything returned by
:func:`agreement_report` is plain JSON (``NaN`` becomes ``None``); the schema
is documented in ``docs/agreement-json.md``.

Data and exclusions
-------------------
Each dimension is a coders × units matrix of current labels
(:func:`framing.analysis.coded_matrices`).  Before any coefficient:

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
    LEVEL_FOR_KIND,
    MISSING,
    Coded,
    bootstrap_alpha,
    cohen_kappa,
    cohen_kappa_from_table,
    krippendorff_alpha,
    label_cell,
    mean_pairwise_cohen_kappa,
    percent_agreement,
    sorted_domain,
    summarize,
)
from framing.agreement.summary import REPORT_COEFFICIENTS, coefficient_estimates
from framing.analysis import coded_matrices, object_lookup
from framing.conditions import anchoring, by_hints, condition_matrix
from framing.hints import CERTAINTY_DIMENSION
from framing.models import Codebook, Dimension, FramingError, LabelValue
from framing.store import Store

#: Names accepted by ``framing agreement --by`` (plus ``all``).
BREAKDOWNS: tuple[str, ...] = ("label", "source", "document", "annotator", "time", "hints")
BOOTSTRAP_METHOD = "units"
CONFIDENCE = 0.95
UNKNOWN_SOURCE = "(unknown)"


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
        return LEVEL_FOR_KIND[self.dimension.kind]

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


def _on_scale(dim: Dimension, cells: Sequence[Any]) -> list[bool]:
    """For each cell (a :func:`~framing.agreement.label_cell` of ``dim``): is it a
    label on the codebook's scale?  ``None`` is not; for a multi dimension a set is
    when every id in it is; a set-valued label in a single/ordinal dimension is not."""
    scale = set(dim.label_ids)
    if dim.kind == "multi":
        return [c is not None and all(x in scale for x in c) for c in cells]
    return [c is not None and not isinstance(c, list) and c in scale for c in cells]


def load_dimensions(
    store: Store,
    codebook: Codebook,
    dimensions: Iterable[str] | None = None,
    labels: str = "final",
) -> dict[str, DimensionData]:
    """Cleaned label matrices (with label times) for the chosen dimensions, codebook order.

    ``labels``: ``final`` (every annotator's current label) or ``independent`` (their
    latest label made before seeing anybody else's; see ``Store.current_label_columns``).
    """
    wanted = list(dimensions) if dimensions else list(codebook.dimension_ids)
    unknown = [d for d in wanted if codebook.dimension(d) is None]
    if unknown:
        raise FramingError(
            f"unknown dimension {unknown[0]!r}; the codebook has "
            f"{', '.join(codebook.dimension_ids)}"
        )
    out: dict[str, DimensionData] = {}
    columns = store.current_label_columns(labels)
    for dim_id, m in coded_matrices(store, codebook, wanted, columns=columns).items():
        dim = m.dimension
        # each distinct value is checked (and turned into a cell) once
        cells = [label_cell(dim.kind, v) for v in m.values]
        on = np.array([*_on_scale(dim, cells), True])
        used = np.bincount(m.codes.ravel() + 1, minlength=len(cells) + 1)[1:]
        off: Counter[str] = Counter()
        for k in np.flatnonzero(used * ~on[:-1]).tolist():
            off[value_text(cells[k])] += int(used[k])
        codes = np.where(on[m.codes], m.codes, -1)
        time_codes = np.where(codes >= 0, m.time_codes, -1)
        out[dim_id] = DimensionData(
            dim,
            list(m.annotators),
            list(m.unit_ids),
            object_lookup(cells)[codes],
            object_lookup(m.times)[time_codes],
            dict(sorted(off.items())),
        )
    return out


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
        _coded(data, values),
        level,
        n_boot=n_boot,
        seed=seed,
        method=BOOTSTRAP_METHOD,
        values=values,
    )
    out.update(
        low=_num(res.low),
        high=_num(res.high),
        n_undefined=res.n_undefined,
        p_below_0667=_num(res.p_below_0667),
        p_below_080=_num(res.p_below_080),
    )
    return out


def _coded(data: np.ndarray, values: Sequence[Any] | None) -> np.ndarray | Coded:
    """``data`` as the :class:`~framing.agreement.Coded` that ``encode(data, values)``
    would make, in one pass, when that is exact: an object array of label ids (or
    ``None``) from a ``values`` scale of distinct strings.  Anything else is returned
    unchanged for the coefficient to encode (and to reject, if it must)."""
    if values is None or data.dtype != object or not all(isinstance(v, str) for v in values):
        return data
    index: dict[Any, int] = {v: i for i, v in enumerate(values)}
    if len(index) != len(values):
        return data
    index[None] = MISSING
    try:
        codes = np.fromiter(
            map(index.__getitem__, data.ravel().tolist()), dtype=np.int64, count=data.size
        )
    except (KeyError, TypeError):  # off the scale, NaN, unhashable: the general path
        return data
    return Coded(codes.reshape(data.shape), list(values), None)


def _present_mask(data: np.ndarray) -> np.ndarray:
    if data.dtype != object:
        return ~np.isnan(data)
    flat = [v is not None for v in data.ravel().tolist()]
    return np.array(flat, dtype=bool).reshape(data.shape)


def _summary_of(
    dd: DimensionData, cols: np.ndarray | None, n_boot: int, seed: int | None
) -> dict[str, Any]:
    """``summarize`` of some units (all when ``cols`` is None) plus the α interval."""
    sub = dd.data if cols is None else dd.data[:, cols]
    coded = _coded(sub, dd.values) if sub.size else sub
    if isinstance(coded, Coded) and dd.dimension.kind != "multi":
        out = summarize(coded, dd.dimension.kind, dd.scale)  # encoded once, in one pass
    else:
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


def _value_codes(data: np.ndarray) -> tuple[np.ndarray, list[Any]] | None:
    """``(codes, distinct)``: ``codes[i, u]`` indexes ``distinct`` (the distinct
    ratings, first-seen order), ``-1`` for ``None``.  ``None`` when a rating is not
    hashable (the callers then go cell by cell)."""
    flat = data.ravel().tolist()
    index: dict[Any, int] = {None: MISSING}
    try:
        for v in dict.fromkeys(flat):
            if v not in index:
                index[v] = len(index) - 1
    except TypeError:
        return None
    codes = np.fromiter(map(index.__getitem__, flat), dtype=np.int64, count=len(flat))
    return codes.reshape(data.shape), [v for v in index if v is not None]


def _binary(dim: Dimension, coded: tuple[np.ndarray, list[Any]], label: str) -> np.ndarray:
    codes, distinct = coded
    hit = [1.0 if _has_label(dim, v, label) else 0.0 for v in distinct]
    return np.asarray([*hit, np.nan], dtype=np.float64)[codes]


def binarise(dd: DimensionData, label: str) -> np.ndarray:
    """Coders × units floats: 1 where the rating is (or contains) ``label``, else 0; NaN missing."""
    coded = _value_codes(dd.data)
    if coded is not None:
        return _binary(dd.dimension, coded, label)
    out = np.full(dd.data.shape, np.nan)
    for (i, u), v in np.ndenumerate(dd.data):
        if v is not None:
            out[i, u] = 1.0 if _has_label(dd.dimension, v, label) else 0.0
    return out


def by_label(dd: DimensionData, n_boot: int, seed: int | None) -> list[dict[str, Any]]:
    """One row per codebook label: that label against the rest, on the pairable units."""
    cols = dd.pairable
    coded = _value_codes(dd.data)  # once for every label
    rows = []
    for lab in dd.dimension.labels:
        whole = binarise(dd, lab.id) if coded is None else _binary(dd.dimension, coded, lab.id)
        b = whole[:, cols]
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


def _ranked_codes(data: np.ndarray) -> np.ndarray | None:
    """Codes of the ratings in the order :func:`cohen_kappa` sorts its categories
    (``-1`` for ``None``), when every rating is a label id or every rating a set of
    label ids; else ``None``."""
    coded = _value_codes(data)
    if coded is None:
        return None
    codes, distinct = coded
    if all(isinstance(v, str) for v in distinct):
        pass
    elif not all(isinstance(v, frozenset) and all(isinstance(x, str) for x in v) for v in distinct):
        return None
    rank = {v: r for r, v in enumerate(sorted_domain(list(distinct)))}
    lut = np.asarray([rank[v] for v in distinct] + [MISSING], dtype=np.int64)
    return lut[codes]


def _cohen_kappa_codes(ca: np.ndarray, cb: np.ndarray) -> float:
    """``cohen_kappa(a, b)`` of two complete rating rows given as :func:`_ranked_codes`:
    the same table (observed categories in the same order), so the same float."""
    used = np.unique(np.concatenate([ca, cb]))
    v = len(used)
    ra, rb = np.searchsorted(used, ca), np.searchsorted(used, cb)
    table = np.bincount(ra * v + rb, minlength=v * v).reshape(v, v)
    return cohen_kappa_from_table(table)


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
    ranked = _ranked_codes(dd.data)
    n = np.zeros((k, k), dtype=np.int64)
    pa = np.full((k, k), np.nan)
    kappa = np.full((k, k), np.nan)
    for i in range(k):
        for j in range(i, k):
            both = np.flatnonzero(present[i] & present[j])
            n[i, j] = n[j, i] = len(both)
            if not len(both):
                continue
            if ranked is not None:
                ca, cb = ranked[i, both], ranked[j, both]
                pa[i, j] = pa[j, i] = int(np.count_nonzero(ca == cb)) / len(both)
                kappa[i, j] = kappa[j, i] = _cohen_kappa_codes(ca, cb)
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
    coded = _value_codes(dd.data[:, cols]) if dd.data.size else None
    if coded is not None:  # count each distinct rating, then spread it over its labels
        codes, distinct = coded
        for i in range(len(dd.annotators)):
            row = codes[i][codes[i] >= 0]
            ratings[i] = len(row)
            for c, times in enumerate(np.bincount(row, minlength=len(distinct)).tolist()):
                v = distinct[c]
                for lab in v if dd.dimension.kind == "multi" else (v,):
                    counts[i, pos[lab]] += times
    else:
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


def _pairs(m: np.ndarray, cols: np.ndarray) -> int:
    """Σ m_u (m_u − 1) / 2 over the units ``cols``: the pairable rating pairs."""
    mc = m[cols].astype(np.int64)
    return int((mc * (mc - 1) // 2).sum())


def _latest_times(times: np.ndarray, cols: np.ndarray) -> tuple[list[Any], list[int]]:
    """Each unit's latest rating time (``cols`` order) and the units by (time, column)."""
    flat = times.ravel().tolist()
    try:
        distinct = sorted({t for t in flat if t is not None})
    except TypeError:  # not comparable as a whole: unit by unit
        stamp = [max(t for t in times[:, c] if t is not None) for c in cols]
        return stamp, [c for _, c in sorted(zip(stamp, cols.tolist(), strict=True))]
    rank = {t: i for i, t in enumerate(distinct)}
    rank[None] = MISSING
    codes = np.fromiter(map(rank.__getitem__, flat), dtype=np.int64, count=len(flat))
    latest = codes.reshape(times.shape)[:, cols].max(axis=0) if len(cols) else codes[:0]
    stamp = [distinct[r] for r in latest.tolist()]
    return stamp, cols[np.lexsort((cols, latest))].tolist()


def drift(dd: DimensionData, windows: int, n_boot: int, seed: int | None) -> dict[str, Any]:
    """α over time: pairable units dated by their latest rating, cut into equal-count windows."""
    if windows < 1:
        raise ValueError("windows must be at least 1")
    cols = dd.pairable
    m = dd.ratings_per_unit
    stamp, order = _latest_times(dd.times, cols)
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
            "pairs": _pairs(m, chunk),
        }
        row.update(_summary_of(dd, chunk, n_boot, seed))
        rows.append(row)
    return {
        "windows": windows,
        "basis": "units ordered by the time of their latest rating; equal-count windows",
        "units": len(order),
        "distinct_times": len(set(stamp)),
        "pairs": _pairs(m, cols),
        "rows": rows,
    }


# --------------------------------------------------------------------------- the report


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
    shown) to one dimension.  A label that is not in the codebook's dimension
    (off the scale) is left out, as :func:`load_dimensions` leaves it out of
    ``framing agreement``: it is neither ranked nor shown, and an annotator
    with only such labels does not count.  ``limit`` keeps the first rows.

    A unit's disagreement in one dimension, with ``m`` ratings of which ``n_v``
    have value ``v``, is ``1 − Σ n_v (n_v − 1) / (m (m − 1))``.  Vectorised: it
    comes from label counts per (unit, dimension, value); only the rows kept are
    built in Python.
    """
    if dimension is not None and codebook.dimension(dimension) is None:
        raise FramingError(
            f"unknown dimension {dimension!r}; the codebook has {', '.join(codebook.dimension_ids)}"
        )
    dims = [dimension] if dimension else list(codebook.dimension_ids)
    cols = store.current_label_columns()
    # dimension codes -> position in ``dims`` (-1: not ranked)
    dim_pos = np.array([dims.index(d) if d in dims else -1 for d in cols.dimensions] + [-1])
    pos = dim_pos[cols.dimension]
    # on_scale[p, v]: is value v a label of dimension dims[p]? (last row: not ranked)
    on_scale = np.zeros((len(dims) + 1, len(cols.values)), dtype=bool)
    for p, d in enumerate(dims):
        dim = codebook.dimension(d)
        assert dim is not None
        on_scale[p] = _on_scale(dim, [label_cell(dim.kind, v) for v in cols.values])
    rows = np.flatnonzero(on_scale[pos, cols.value])  # sorted by (unit, annotator, dimension)
    unit, ann, pos = cols.unit[rows], cols.annotator[rows], pos[rows]
    # equal labels: exact equality, a multi label as its sorted tuple of ids
    canon: dict[Any, int] = {}
    value_key = np.array(
        [
            canon.setdefault(tuple(sorted(v)) if isinstance(v, list) else v, len(canon))
            for v in cols.values
        ],
        dtype=np.int64,
    )
    key = value_key[cols.value[rows]]
    n_dims, n_keys, n_units = len(dims), max(len(canon), 1), len(cols.unit_ids)
    groups, counts = np.unique((unit * n_dims + pos) * n_keys + key, return_counts=True)
    cell = groups // n_keys  # unit * n_dims + dimension position
    m = np.bincount(cell, weights=counts, minlength=n_units * n_dims).astype(np.int64)
    agree = np.bincount(cell, weights=counts * (counts - 1), minlength=n_units * n_dims)
    m = m.reshape(n_units, n_dims)
    agree = agree.astype(np.int64).reshape(n_units, n_dims)
    rated = m >= 2
    pairs = np.where(rated, m * (m - 1), 1)
    by_dim = np.where(rated, 1.0 - agree / pairs, 0.0)
    total = np.zeros(n_units)
    for j in range(n_dims):  # dimension order, as sum() over the dict of rated dimensions
        total = total + by_dim[:, j]
    n_rated = rated.sum(axis=1)
    score = total / np.maximum(n_rated, 1)
    first = np.r_[True, (unit[1:] != unit[:-1]) | (ann[1:] != ann[:-1])] if len(unit) else unit
    n_ann = np.bincount(unit[first.astype(bool)], minlength=n_units)
    keep = n_rated > 0
    if not include_agreed:
        keep &= score > 1e-12
    cand = np.flatnonzero(keep)
    rounded = np.array([round(x, 12) for x in score[cand].tolist()], dtype=np.float64)
    # disagreement descending, then more annotators, then document order (unit code)
    ranked = cand[np.lexsort((cand, -n_ann[cand], -rounded))]
    if limit is not None and limit > 0:
        ranked = ranked[:limit]
    rounded_of = dict(zip(cand.tolist(), rounded.tolist(), strict=True))
    ids = [cols.unit_ids[u] for u in ranked.tolist()]
    units = store.units_by_id(ids) if ids else {}
    sources = store.unit_sources(ids) if ids else {}
    starts = np.searchsorted(unit, ranked)
    ends = np.searchsorted(unit, ranked, side="right")
    out = []
    for u, unit_id, lo, hi in zip(
        ranked.tolist(), ids, starts.tolist(), ends.tolist(), strict=True
    ):
        labels: dict[str, dict[str, LabelValue]] = {}
        for a, p, v in zip(
            ann[lo:hi].tolist(), pos[lo:hi].tolist(), cols.value[rows[lo:hi]].tolist(), strict=True
        ):
            value = cols.values[v]
            labels.setdefault(cols.annotators[a], {})[dims[p]] = (
                list(value) if isinstance(value, list) else value
            )
        for name, labs in labels.items():  # dimensions in ranked order
            labels[name] = {d: labs[d] for d in dims if d in labs}
        info = units.get(unit_id)
        doc_id, source = sources.get(unit_id, (info.doc_id if info else "", ""))
        out.append(
            DisagreementRow(
                unit_id=unit_id,
                doc_id=doc_id,
                source=source,
                position=info.position if info else -1,
                text=info.text if info else "",
                disagreement=rounded_of[u],
                n_annotators=int(n_ann[u]),
                by_dimension={dims[j]: float(by_dim[u, j]) for j in range(n_dims) if rated[u, j]},
                labels=labels,
            )
        )
    return out
