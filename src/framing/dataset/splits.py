"""Train/validation/test splits that don't leak.

By default whole documents go to one split (``--split-by document``), so no
document's sentences are in two splits; ``--stratify source`` splits each source's
documents (or units) separately, so every split keeps the sources' mix as far as
their numbers allow.  Order within a stratum is a hash of the seed and the id
(SHA-256), so a split is reproducible and does not depend on database order;
counts per split come from the largest remainders of the requested shares.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from framing.models import FramingError

SPLIT_NAMES: tuple[str, ...] = ("train", "validation", "test")


def parse_split(text: str) -> list[float]:
    """``"80/10/10"`` → ``[0.8, 0.1, 0.1]`` (two or three positive parts)."""
    try:
        parts = [float(p) for p in text.split("/")]
    except ValueError:
        raise FramingError(f"--split {text!r}: expected numbers like 80/10/10") from None
    if not 2 <= len(parts) <= 3 or any(p < 0 for p in parts) or sum(parts) <= 0:
        raise FramingError(f"--split {text!r}: give 2 or 3 non-negative shares, e.g. 80/10/10")
    total = sum(parts)
    return [p / total for p in parts]


def allocate(n: int, shares: list[float]) -> list[int]:
    """``n`` items over ``shares`` by largest remainder (ties to the earlier split)."""
    raw = [n * s for s in shares]
    counts = [int(x) for x in raw]
    order = sorted(range(len(shares)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return counts


def _key(seed: int, item: str) -> str:
    return hashlib.sha256(f"{seed}\x00{item}".encode()).hexdigest()


@dataclass
class SplitPlan:
    """Which split each document (``by == "document"``) or unit belongs to."""

    names: list[str]
    by: str
    assignment: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def split_of(self, unit_id: str, doc_id: str) -> str | None:
        return self.assignment.get(doc_id if self.by == "document" else unit_id)


def plan_splits(
    items: list[tuple[str, str]],
    shares: list[float],
    *,
    by: str = "document",
    stratify: bool = True,
    seed: int = 0,
) -> SplitPlan:
    """Assign ``items`` (``(id, source)``: documents or units) to the splits."""
    names = list(SPLIT_NAMES[: len(shares)])
    plan = SplitPlan(names, by)
    strata: dict[str, list[str]] = defaultdict(list)
    for item, source in items:
        strata[source if stratify else ""].append(item)
    short: list[str] = []
    for source, ids in sorted(strata.items()):
        ids.sort(key=lambda i: _key(seed, i))
        counts = allocate(len(ids), shares)
        k = 0
        for name, c in zip(names, counts, strict=True):
            for item in ids[k : k + c]:
                plan.assignment[item] = name
            k += c
        wanted = [name for name, s in zip(names, shares, strict=True) if s > 0]
        missing = [name for name, c in zip(names, counts, strict=True) if c == 0 and name in wanted]
        if missing and by == "document":
            label = source or "(all sources)" if stratify else "the corpus"
            short.append(f"{label} ({len(ids)} document{'s' if len(ids) != 1 else ''})")
    if short:
        plan.warnings.append(
            "Too few documents to put some of every source in every split: "
            + ", ".join(short)
            + ". No document is split across splits, so those splits lack that source; "
            "use --split-by unit to split by sentence instead (sentences of one document "
            "then appear in several splits, which leaks the author's style)."
        )
    return plan
