"""Text features by source, from what ingest stored for every queued unit: the VADER
tone (``units.sentiment``) and the hint cues and actor mentions (``units.hints``).

These describe the texts, not the annotators: they are computed on every queued
unit, labelled or not.
"""

from __future__ import annotations

import math

from framing.analysis.contracts import Features
from framing.models import HINT_CUE_TYPES, Codebook
from framing.store import Store

QUOTED_RULE = (
    "quoted: the actor is mentioned in a sentence that carries an attribution cue or a "
    "quotation (a proxy: the actor may be the one spoken about, not the speaker)"
)


def text_features(store: Store, codebook: Codebook) -> Features:
    """Tone, cue rates and actors by source; aggregated by SQLite (JSON1), so a million
    sentences cost one scan each, not a Python loop."""
    from scipy.stats import t

    names = {a.id: a.name for a in codebook.actors}
    tone = store.tone_by_source()
    label = {src: src or "(no source)" for src, *_ in tone}
    out: Features = {
        "units": {label[s]: n for s, n, *_ in tone},
        "tone": {},
        "rates_per_100": {},
        "actors": {},
        "actor_names": {},
        "quoted_rule": QUOTED_RULE,
    }
    cues: dict[str, dict[str, int]] = {label[s]: dict.fromkeys(HINT_CUE_TYPES, 0) for s in label}
    for src, kind, n in store.cue_counts_by_source():
        if kind in HINT_CUE_TYPES and src in label:
            cues[label[src]][kind] += n
    for src, n, docs, total, squares in tone:
        mean = total / n if n else None
        lo = hi = None
        if n >= 2 and mean is not None:
            var = max(0.0, (squares - n * mean * mean) / (n - 1))
            half = float(t.ppf(0.975, n - 1)) * math.sqrt(var / n)
            lo, hi = mean - half, mean + half
        out["tone"][label[src]] = {
            "n_units": n,
            "n_documents": docs,
            "mean": mean,
            "ci": {"low": lo, "high": hi},
        }
        out["rates_per_100"][label[src]] = {
            k: (100.0 * c / n if n else None) for k, c in cues[label[src]].items()
        }
    actors: dict[str, dict[str, dict[str, int]]] = {}
    for src, actor, name, mentioned, quoted in store.actor_counts_by_source():
        actors.setdefault(str(actor), {})[label.get(src, src or "(no source)")] = {
            "mentioned": int(mentioned),
            "quoted": int(quoted),
        }
        names.setdefault(str(actor), str(name or actor))
    out["actors"] = dict(sorted(actors.items()))
    out["actor_names"] = {a: names[a] for a in out["actors"]}
    return out
