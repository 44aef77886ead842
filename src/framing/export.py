"""Export units with their current labels (import lives in :mod:`framing.imports`).

Reads go through :class:`framing.store.Store`; no SQL here.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import IO, Any

from framing.csvsafe import SafeCsvWriter
from framing.models import Codebook, FramingError, LabelValue
from framing.store import Store

BASE_COLUMNS: tuple[str, ...] = (
    "unit_id",
    "doc_id",
    "file",
    "source",
    "position",
    "text",
    "start",
    "end",
    "kind",
    "queued",
    "sentiment",
)


def majority(values: list[LabelValue]) -> LabelValue:
    """The value chosen by more than half of the annotators who labelled, else None.

    A multi-dimension value (a list) counts as one value: the exact set.
    """
    present = [v for v in values if v is not None]
    if not present:
        return None
    counts = Counter(json.dumps(v) if isinstance(v, list) else v for v in present)
    top, n = counts.most_common(1)[0]
    if n * 2 <= len(present):
        return None
    return [str(x) for x in json.loads(top)] if top.startswith("[") else top


def iter_rows(store: Store, codebook: Codebook) -> Iterator[dict[str, Any]]:
    """One dict per unit (queued or not), in document and position order."""
    docs = {d.doc_id: d for d in store.documents()}
    by_unit: dict[str, dict[str, dict[str, LabelValue]]] = defaultdict(dict)
    for unit_id, annotator, dim, value in store.all_current_labels():
        by_unit[unit_id].setdefault(annotator, {})[dim] = value
    dims = codebook.dimension_ids
    review = store.review_by_unit()  # gold, flags and notes (issue 9)
    none: dict[str, Any] = {"gold": {}, "flags": [], "notes": []}
    for unit in store.iter_units():
        doc = docs.get(unit.doc_id)
        if doc is None:  # only a hand-edited database (foreign keys off) gets here
            raise FramingError(
                f"unit {unit.unit_id!r} belongs to a missing document {unit.doc_id!r}; "
                "run `framing check`"
            )
        labels = by_unit.get(unit.unit_id, {})
        row: dict[str, Any] = {
            "unit_id": unit.unit_id,
            "doc_id": unit.doc_id,
            "file": doc.file,
            "source": doc.source,
            "position": unit.position,
            "text": unit.text,
            "start": unit.start,
            "end": unit.end,
            "kind": unit.kind,
            "queued": unit.queued,
            "sentiment": unit.sentiment,
            "labels": {a: dict(sorted(v.items())) for a, v in sorted(labels.items())},
            "majority": {d: majority([v.get(d) for v in labels.values()]) for d in dims},
            "hints": unit.hints,
            **review.get(unit.unit_id, none),
        }
        yield row


def write_jsonl(store: Store, codebook: Codebook, out: IO[str]) -> int:
    n = 0
    for row in iter_rows(store, codebook):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n


def _flat(value: LabelValue) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(value)
    return value


def write_csv(store: Store, codebook: Codebook, out: IO[str], *, raw: bool = False) -> int:
    """CSV: the base columns, ``label:<annotator>:<dimension>`` per pair,
    ``majority:<dimension>``, ``gold:<dimension>`` and ``gold_method:<dimension>``,
    and ``hints`` as JSON. Multi values join with ``|``. Text cells a spreadsheet
    would run as formulas get a leading ``'`` unless ``raw`` (see :mod:`framing.csvsafe`)."""
    rows = list(iter_rows(store, codebook))
    annotators = sorted({a for r in rows for a in r["labels"]})
    dims = codebook.dimension_ids
    label_cols = [f"label:{a}:{d}" for a in annotators for d in dims]
    gold_cols = [f"{k}:{d}" for d in dims for k in ("gold", "gold_method")]
    header = [*BASE_COLUMNS, *label_cols, *[f"majority:{d}" for d in dims], *gold_cols, "hints"]
    writer = SafeCsvWriter(out, raw=raw, lineterminator="\n")
    writer.writerow(header)
    for r in rows:
        flat = [r[c] if c != "queued" else int(r[c]) for c in BASE_COLUMNS]
        flat += [_flat(r["labels"].get(a, {}).get(d)) for a in annotators for d in dims]
        flat += [_flat(r["majority"][d]) for d in dims]
        gold = r["gold"]
        for d in dims:
            flat += [_flat(gold[d]["value"]), gold[d]["method"]] if d in gold else ["", ""]
        flat.append(json.dumps(r["hints"], ensure_ascii=False) if r["hints"] else "")
        writer.writerow(flat)
    return len(rows)
