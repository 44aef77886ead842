"""``framing status``: where each annotator stands in the study, and how they label.

Per annotator: assigned, done, skipped, remaining (neither done nor skipped), median
active seconds per labelled unit, labels per active hour, accuracy on check units,
last activity, and drift: their agreement with the other annotators over time (the
share of their independent labels equal to another annotator's independent label of
the same unit and dimension, in up to four windows of equal size, oldest first).

Active time is what the annotation screen recorded with each label (idle gaps over
60 s not counted); labels imported or made before schema m002 carry none and are
left out of the timing figures (``timed_units`` says on how many units they rest).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any, TypedDict

from framing.models import Codebook
from framing.store import Store
from framing.study import load_settings


class AnnotatorStatus(TypedDict):
    assigned: int
    done: int
    skipped: int
    remaining: int
    median_seconds: float | None
    labels_per_hour: float | None
    timed_units: int
    check_accuracy: float | None
    checks_answered: int
    last_active: str | None
    hints_condition: str
    drift: list[dict[str, Any]]


def _drift(store: Store, windows: int = 4) -> dict[str, list[dict[str, Any]]]:
    records = store.independent_records()
    by_key: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    for unit, who, dim, value, _t in records:
        by_key[(unit, dim)][who] = value
    per: dict[str, list[tuple[str, int, int]]] = defaultdict(list)  # (time, agree, pairs)
    for unit, who, dim, value, t in records:
        others = [v for a, v in by_key[(unit, dim)].items() if a != who]
        if others:
            per[who].append((t, sum(v == value for v in others), len(others)))
    out: dict[str, list[dict[str, Any]]] = {}
    for who, items in per.items():
        size = -(-len(items) // windows)
        out[who] = []
        for i in range(0, len(items), size):
            part = items[i : i + size]
            pairs = sum(p for _, _, p in part)
            out[who].append(
                {
                    "from": part[0][0][:19],
                    "to": part[-1][0][:19],
                    "labels": len(part),
                    "agreement": round(sum(a for _, a, _ in part) / pairs, 4),
                }
            )
    return out


def study_status(store: Store, codebook: Codebook) -> dict[str, Any]:
    """The ``framing status --json`` document."""
    settings = load_settings(store)
    dims = codebook.dimension_ids
    conditions = store.study_annotators()
    names = list(conditions) if settings is not None else store.annotators()
    activity: dict[str, list[tuple[int | None, int, str]]] = defaultdict(list)
    for who, _unit, active, n, when in store.unit_activity():
        activity[who].append((active, n, when))
    skips = store.last_skip_times()
    checks = store.checks()
    check_hits: dict[str, list[bool]] = defaultdict(list)
    if checks:
        for unit_id, who, dim, value in store.all_current_labels():
            want = checks.get(unit_id, {})
            if dim in want:
                check_hits[who].append(value == want[dim])
    drift = _drift(store)
    annotators: dict[str, AnnotatorStatus] = {}
    for name in names:
        done, assigned = store.progress(name, dims)
        skipped = store.count_skipped(name)
        acts = activity.get(name, [])
        timed = [a for a, _, _ in acts if a is not None]
        labels = sum(n for a, n, _ in acts if a is not None)
        hours = sum(timed) / 3_600_000
        times = [t for _, _, t in acts] + ([skips[name]] if name in skips else [])
        last: str | None = max(times) if times else None
        hits = check_hits.get(name, [])
        annotators[name] = AnnotatorStatus(
            assigned=assigned,
            done=done,
            skipped=skipped,
            remaining=max(0, assigned - done - skipped),
            median_seconds=round(statistics.median(timed) / 1000, 1) if timed else None,
            labels_per_hour=round(labels / hours, 1) if hours > 0 else None,
            timed_units=len(timed),
            check_accuracy=round(sum(hits) / len(hits), 4) if hits else None,
            checks_answered=len(hits),
            last_active=last[:19] if last else None,
            hints_condition=conditions.get(name, "on"),
            drift=drift.get(name, []),
        )
    study: dict[str, Any] = {"mode": "open"}
    if settings is not None:
        study = {"mode": settings.mode, **settings.to_json()}
        study.pop("calibration_units", None)
        study["checks"] = len(checks)
    return {"study": study, "annotators": annotators}
