"""Text features by source, from what ingest stored for every queued unit: the VADER
tone (``units.sentiment``) and the hint cues and actor mentions (``units.hints``).

These describe the texts, not the annotators: they are computed on every queued
unit, labelled or not.
"""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np

from framing.analysis.contracts import Features
from framing.analysis.stats import mean_ci
from framing.models import HINT_CUE_TYPES, Codebook
from framing.store import Store

QUOTED_RULE = (
    "quoted: the actor is mentioned in a sentence that carries an attribution cue or a "
    "quotation (a proxy: the actor may be the one spoken about, not the speaker)"
)


def text_features(store: Store, codebook: Codebook) -> Features:
    tone: dict[str, list[float]] = defaultdict(list)
    docs: dict[str, set[str]] = defaultdict(set)
    cues: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(HINT_CUE_TYPES, 0))
    actors: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: {"mentioned": 0, "quoted": 0})
    )
    names = {a.id: a.name for a in codebook.actors}
    for doc_id, source, sentiment, hints_json in store.unit_features():
        src = source or "(no source)"
        tone[src].append(float(sentiment))
        docs[src].add(doc_id)
        if not hints_json:
            continue
        hints = json.loads(hints_json)
        kinds = set()
        counts = cues[src]
        for c in hints.get("cues") or ():
            t = c.get("type")
            if t in counts:
                counts[t] += 1
            kinds.add(t)
        reported = "attribution" in kinds or "quote" in kinds
        for actor_id in {a.get("id") for a in hints.get("actors") or ()}:
            if not actor_id:
                continue
            row = actors[actor_id][src]
            row["mentioned"] += 1
            if reported:
                row["quoted"] += 1
            names.setdefault(actor_id, actor_id)
    sources = sorted(tone)
    out: Features = {
        "units": {s: len(tone[s]) for s in sources},
        "tone": {},
        "rates_per_100": {},
        "actors": {
            a: {s: dict(v) for s, v in sorted(by.items())} for a, by in sorted(actors.items())
        },
        "actor_names": {a: names[a] for a in sorted(actors)},
        "quoted_rule": QUOTED_RULE,
    }
    for s in sources:
        x = np.asarray(tone[s], dtype=float)
        m, lo, hi = mean_ci(x)
        out["tone"][s] = {
            "n_units": len(x),
            "n_documents": len(docs[s]),
            "mean": m,
            "ci": {"low": lo, "high": hi},
        }
        n = len(x)
        out["rates_per_100"][s] = {t: (100.0 * c / n if n else None) for t, c in cues[s].items()}
    return out
