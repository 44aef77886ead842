"""Agreement breakdowns: the numbers behind ``framing agreement``.

Core module: no SQL (it reads through :class:`~framing.store.Store` methods),
no Textual, no rendering (see :mod:`framing.report`).  The report that assembles
these numbers is :mod:`framing.agreement_report`; the ranked disagreement list is
:mod:`framing.disagreements`.  Everything returned is plain JSON (``NaN`` becomes
``None``); the schema is documented in ``docs/agreement-json.md``.

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
from framing.analysis import coded_matrices, object_lookup
from framing.models import Codebook, Dimension, FramingError
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
