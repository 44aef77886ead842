"""Agreement per hint condition, and how far the certainty suggestion anchors labels.

A study with ``--hints split`` shows half of the annotators no hints at all; each
label records its condition (``on``, ``off``; labels made before schema m002 or
imported have none: ``not recorded``). Two questions follow:

* **Agreement per condition** (:func:`by_hints`): α and the other summary figures
  over the labels made in one condition only. A unit counts in a condition when at
  least two of its labels were made in that condition, so in a split design with
  overlap 2 the units shared by an "on" and an "off" annotator count in neither;
  the row says how many units and labels it rests on.
* **Anchoring** (:func:`anchoring`): per condition, the share of certainty labels
  equal to the certainty the hints suggest for the unit (computed at ingest for
  every unit, shown only in the ``on`` condition). The difference on − off is the
  anchoring estimate; its interval is a percentile bootstrap over units (labels of
  one unit are resampled together, since they share the sentence). Units for which
  the hints suggest nothing are left out, and counted as excluded. Because the
  annotators differ between conditions in a split design, the difference mixes the
  effect of the hints with differences between annotators: say so when reporting.

Core module: numpy only; the store reads are
:meth:`~framing.store.Store.label_conditions` and
:meth:`~framing.store.Store.suggestion_records`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, TypedDict

import numpy as np

CONDITION_NAMES = {"on": "on", "off": "off", "": "not recorded"}
ANCHORING_METHOD = (
    "share of certainty labels equal to the suggested certainty, per hint condition; "
    "difference on - off with a percentile bootstrap over units"
)


class ConditionShare(TypedDict):
    labels: int
    units: int
    equal: int
    share: float | None


class Anchoring(TypedDict):
    dimension: str
    method: str
    conditions: dict[str, ConditionShare]
    difference: float | None
    ci: dict[str, float] | None
    n_boot: int
    seed: int | None
    excluded: dict[str, int]
    note: str


def condition_matrix(dd: Any, cells: Iterable[tuple[str, str, str]]) -> np.ndarray:
    """Condition names aligned with ``dd.data`` (annotators × units); ``None`` where
    ``dd`` has no rating. ``cells`` are ``(unit_id, annotator, condition)``."""
    a_index = {a: i for i, a in enumerate(dd.annotators)}
    u_index = {u: j for j, u in enumerate(dd.unit_ids)}
    out = np.full(dd.data.shape, None, dtype=object)
    for unit_id, annotator, cond in cells:
        i, j = a_index.get(annotator), u_index.get(unit_id)
        if i is not None and j is not None:
            out[i, j] = CONDITION_NAMES.get(cond, cond)
    return out


def by_hints(
    dd: Any,
    conditions: np.ndarray,
    summary_of: Any,
    n_boot: int,
    seed: int | None,
) -> list[dict[str, Any]]:
    """One row per hint condition: the summary figures over the ratings made in it.

    ``dd`` is a :class:`~framing.breakdowns.DimensionData`, ``conditions`` its
    :func:`condition_matrix`, ``summary_of`` ``breakdowns._summary_of``.
    """
    present = np.array([v is not None for v in dd.data.ravel().tolist()], dtype=bool)
    present = present.reshape(dd.data.shape) if dd.data.size else present
    rows = []
    names = sorted({c for c in conditions.ravel().tolist() if c is not None})
    for name in names:
        mask = (conditions == name) & present
        data = np.where(mask, dd.data, None)
        sub = dataclasses.replace(dd, data=data)
        cols = sub.pairable
        row: dict[str, Any] = {"condition": name, "labels": int(mask.sum())}
        row.update(summary_of(sub, cols, n_boot, seed))
        rows.append(row)
    return rows


def anchoring(
    dimension: str,
    records: Iterable[tuple[str, str, str, str, str | None]],
    n_boot: int = 1000,
    seed: int | None = 0,
    confidence: float = 0.95,
) -> Anchoring:
    """The anchoring figure from :meth:`Store.suggestion_records` rows."""
    unit_codes: dict[str, int] = {}
    cond_of: list[str] = []
    unit_of: list[int] = []
    equal: list[bool] = []
    no_suggestion = 0
    for unit_id, _annotator, value, cond, suggested in records:
        if not suggested:
            no_suggestion += 1
            continue
        unit_of.append(unit_codes.setdefault(unit_id, len(unit_codes)))
        cond_of.append(CONDITION_NAMES.get(cond, cond))
        equal.append(value == suggested)
    units = np.asarray(unit_of, dtype=np.int64)
    eq = np.asarray(equal, dtype=bool)
    conds = np.asarray(cond_of, dtype=object)
    shares: dict[str, ConditionShare] = {}
    per_unit: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    n_units = len(unit_codes)
    for name in sorted(set(cond_of)):
        m = conds == name
        n = np.bincount(units[m], minlength=n_units)
        k = np.bincount(units[m], weights=eq[m], minlength=n_units)
        per_unit[name] = (n, k)
        shares[name] = {
            "labels": int(m.sum()),
            "units": int((n > 0).sum()),
            "equal": int(eq[m].sum()),
            "share": float(eq[m].mean()) if m.any() else None,
        }
    diff: float | None = None
    ci: dict[str, float] | None = None
    on, off = shares.get("on"), shares.get("off")
    if on and off and on["share"] is not None and off["share"] is not None:
        diff = on["share"] - off["share"]
        if n_boot > 0 and n_units > 1:
            ci = _bootstrap_difference(per_unit["on"], per_unit["off"], n_boot, seed, confidence)
    note = (
        "Units whose hints suggest no certainty are excluded. In a split design the two "
        "conditions have different annotators, so the difference also reflects how the "
        "annotators differ, not only the hints."
    )
    if diff is None:
        note = "Needs labels in both the 'on' and the 'off' condition. " + note
    return {
        "dimension": dimension,
        "method": ANCHORING_METHOD,
        "conditions": shares,
        "difference": diff,
        "ci": ci,
        "n_boot": n_boot,
        "seed": seed,
        "excluded": {"labels_without_suggestion": no_suggestion},
        "note": note,
    }


def _bootstrap_difference(
    on: tuple[np.ndarray, np.ndarray],
    off: tuple[np.ndarray, np.ndarray],
    n_boot: int,
    seed: int | None,
    confidence: float,
) -> dict[str, float] | None:
    """Percentile interval of share_on - share_off over resampled units."""
    rng = np.random.default_rng(seed)
    n_units = len(on[0])
    weights = np.stack([on[0], on[1], off[0], off[1]]).astype(np.float64)  # 4 × units
    diffs: list[np.ndarray] = []
    chunk = max(1, 5_000_000 // max(n_units, 1))
    done = 0
    while done < n_boot:
        b = min(chunk, n_boot - done)
        idx = rng.integers(0, n_units, size=(b, n_units))
        counts = np.zeros((b, n_units))
        np.add.at(counts, (np.arange(b)[:, None], idx), 1.0)
        sums = counts @ weights.T  # b × 4
        with np.errstate(invalid="ignore", divide="ignore"):
            d = sums[:, 1] / sums[:, 0] - sums[:, 3] / sums[:, 2]
        diffs.append(d[np.isfinite(d)])
        done += b
    all_d = np.concatenate(diffs) if diffs else np.zeros(0)
    if len(all_d) == 0:
        return None
    tail = (1 - confidence) / 2 * 100
    lo, hi = np.percentile(all_d, [tail, 100 - tail])
    return {"low": float(lo), "high": float(hi)}
