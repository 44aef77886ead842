"""Can a reader tell the source from the sentence alone? Blind guesses vs the manifest.

In a ``--blind`` study the annotator never sees the title, document id, file name or
source, so their ``perspective`` label is a *guess* of the source. This module
compares the guesses with the truth (each document's ``perspective`` in the
manifest):

* per annotator and pooled: ``n`` (guesses that name a source), accuracy, Cohen's κ
  of guess against truth, the chance baseline (the share of the largest true source
  among those guesses: what always guessing it would score), and a percentile
  bootstrap 95% CI of the accuracy resampling *units* (a unit's guesses stay
  together; seeded);
* the confusion matrix, true source x guess (every guess, including the ones below);
* accuracy per frame (the guessing annotator's own frame label of the unit);
* guesses that name no source (codebook labels such as "other voice" or "unclear",
  i.e. labels that are no document's perspective) are counted apart, in ``apart``:
  they are neither right nor wrong and are left out of n, accuracy and κ.

Units of documents without a perspective in the manifest are excluded (counted in
``excluded``). Only independent labels are used (a guess made after seeing another
annotator's label is not a guess of one's own).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from framing.agreement import cohen_kappa


@dataclass(frozen=True)
class Guess:
    unit_id: str
    annotator: str
    guess: str
    truth: str
    frames: tuple[str, ...] = ()


class Score(TypedDict):
    n: int
    accuracy: float | None
    kappa: float | None
    ci: list[float] | None


def _kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    if not pairs:
        return None
    truth = [t for t, _ in pairs]
    guess = [g for _, g in pairs]
    try:
        value = cohen_kappa(truth, guess)
    except Exception:  # noqa: BLE001 - a degenerate table (one category) has no kappa
        return None
    return None if value != value else float(value)  # NaN -> None


def _bootstrap(by_unit: dict[str, list[bool]], reps: int, seed: int) -> list[float] | None:
    units = list(by_unit.values())
    if not units:
        return None
    rng = random.Random(seed)
    stats = []
    for _ in range(reps):
        right = total = 0
        for _ in range(len(units)):
            hits = units[rng.randrange(len(units))]
            right += sum(hits)
            total += len(hits)
        stats.append(right / total)
    stats.sort()
    lo = stats[int(0.025 * (reps - 1))]
    hi = stats[int(round(0.975 * (reps - 1)))]
    return [round(lo, 4), round(hi, 4)]


def _score(guesses: Sequence[Guess], reps: int, seed: int) -> Score:
    pairs = [(g.truth, g.guess) for g in guesses]
    by_unit: dict[str, list[bool]] = defaultdict(list)
    for g in guesses:
        by_unit[g.unit_id].append(g.guess == g.truth)
    n = len(pairs)
    acc = sum(t == g for t, g in pairs) / n if n else None
    kappa = _kappa(pairs)
    return Score(
        n=n,
        accuracy=None if acc is None else round(acc, 4),
        kappa=None if kappa is None else round(kappa, 4),
        ci=_bootstrap(by_unit, reps, seed) if n else None,
    )


def identifiability(
    guesses: Sequence[Guess],
    sources: Sequence[str],
    *,
    excluded: int = 0,
    reps: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    """The report described in the module docstring (JSON-ready).

    ``sources`` are the perspective label ids that are some document's truth; a guess
    outside them is counted apart.
    """
    known = set(sources)
    named = [g for g in guesses if g.guess in known]
    apart_pool = Counter(g.guess for g in guesses if g.guess not in known)
    pooled: dict[str, Any] = dict(_score(named, reps, seed))
    truth_counts = Counter(g.truth for g in named)
    pooled["chance"] = round(max(truth_counts.values()) / len(named), 4) if named else None
    pooled["apart"] = dict(sorted(apart_pool.items()))
    annotators: dict[str, Any] = {}
    for name in sorted({g.annotator for g in guesses}):
        mine = [g for g in named if g.annotator == name]
        entry: dict[str, Any] = dict(_score(mine, reps, seed))
        apart = Counter(g.guess for g in guesses if g.annotator == name and g.guess not in known)
        entry["apart"] = dict(sorted(apart.items()))
        annotators[name] = entry
    confusion: dict[str, dict[str, int]] = {}
    for g in guesses:
        row = confusion.setdefault(g.truth, {})
        row[g.guess] = row.get(g.guess, 0) + 1
    by_frame: dict[str, dict[str, Any]] = {}
    frame_hits: dict[str, list[bool]] = defaultdict(list)
    for g in named:
        for frame in g.frames:
            frame_hits[frame].append(g.guess == g.truth)
    for frame in sorted(frame_hits):
        hits = frame_hits[frame]
        by_frame[frame] = {"n": len(hits), "accuracy": round(sum(hits) / len(hits), 4)}
    return {
        "pooled": pooled,
        "annotators": annotators,
        "confusion": {t: dict(sorted(r.items())) for t, r in sorted(confusion.items())},
        "by_frame": by_frame,
        "excluded": excluded,
        "computed_on": (
            "independent perspective labels of units whose document has a perspective in "
            "the manifest; guesses naming no source are counted apart; CI: percentile "
            f"bootstrap over units, {reps} resamples, seed {seed}"
        ),
    }
