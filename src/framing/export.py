"""Export units with their labels as JSONL or CSV (import lives in :mod:`framing.imports`).

Rows come from the one row builder, :mod:`framing.dataset.rows`; Parquet, the
Hugging Face folder and spaCy DocBins are in :mod:`framing.dataset`.  Reads go
through :class:`framing.store.Store`; no SQL here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import IO, Any

from framing.csvsafe import SafeCsvWriter
from framing.dataset.rows import Spec, iter_batches, majority, make_spec, nested_rows
from framing.models import Codebook, LabelValue
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

#: Document metadata columns (CSV), after the base columns.
DOC_COLUMNS: tuple[str, ...] = ("title", "author", "publisher", "date", "perspective")

SplitOf = Callable[[str, str], str | None] | None

__all__ = ["BASE_COLUMNS", "iter_rows", "majority", "write_csv", "write_jsonl"]


def iter_rows(
    store: Store,
    codebook: Codebook,
    *,
    labels: str = "all",
    split_of: SplitOf = None,
    spec: Spec | None = None,
) -> Iterator[dict[str, Any]]:
    """One dict per unit (queued or not), in document and position order."""
    spec = spec or make_spec(store, codebook, labels)
    for batch in iter_batches(store, codebook, spec, split_of=split_of):
        yield from nested_rows(batch, spec)


def write_jsonl(
    store: Store,
    codebook: Codebook,
    out: IO[str],
    *,
    labels: str = "all",
    split_of: SplitOf = None,
    splits: list[str] | None = None,
) -> int:
    spec = make_spec(store, codebook, labels)
    spec.splits = list(splits or [])
    n = 0
    for row in iter_rows(store, codebook, split_of=split_of, spec=spec):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n


def _flat(value: LabelValue) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(value)
    return value


def _num(x: Any) -> Any:
    return "" if x is None else x


def write_csv(
    store: Store,
    codebook: Codebook,
    out: IO[str],
    *,
    labels: str = "all",
    split_of: SplitOf = None,
    splits: list[str] | None = None,
    raw: bool = False,
) -> int:
    """CSV: the base and document columns, ``label:<annotator>:<dimension>`` per pair,
    ``majority:<dimension>``, ``gold:<dimension>`` with ``gold_method:`` and
    ``gold_confidence:``, ``flags`` (``annotator:reason`` joined with ``|``), ``notes``
    (JSON), ``active_ms:<annotator>``, ``hints`` as JSON, ``assigned`` (the study's
    annotators of the unit, joined with ``|``) and ``split`` when there are
    splits. Multi values join with ``|``."""
    spec = make_spec(store, codebook, labels)
    spec.splits = list(splits or [])
    annotators = spec.annotators
    dims = [d.id for d in spec.dimensions]
    header = [
        *BASE_COLUMNS,
        *DOC_COLUMNS,
        *[f"label:{a}:{d}" for a in annotators for d in dims],
        *[f"majority:{d}" for d in dims],
        *[f"{k}:{d}" for d in dims for k in ("gold", "gold_method", "gold_confidence")],
        "flags",
        "notes",
        *[f"active_ms:{a}" for a in annotators],
        "hints",
        "assigned",
        *(["split"] if spec.splits else []),
    ]
    writer = SafeCsvWriter(out, raw=raw, lineterminator="\n")
    writer.writerow(header)
    n = 0
    for b in iter_batches(store, codebook, spec, split_of=split_of):
        for i in range(len(b["unit_id"])):
            flat: list[Any] = [b[c][i] if c != "queued" else int(b[c][i]) for c in BASE_COLUMNS]
            flat += [b[c][i] for c in DOC_COLUMNS]
            flat += [_flat(b[f"labels.{a}.{d}"][i]) for a in annotators for d in dims]
            flat += [_flat(b[f"majority.{d}"][i]) for d in dims]
            for d in dims:
                flat += [
                    _flat(b[f"gold.{d}.value"][i]),
                    b[f"gold.{d}.method"][i] or "",
                    _num(b[f"gold.{d}.confidence"][i]),
                ]
            flat.append("|".join(f"{f['annotator']}:{f['reason']}" for f in b["flags"][i]))
            notes = b["notes"][i]
            flat.append(json.dumps(notes, ensure_ascii=False) if notes else "")
            flat += [_num(b[f"timing.{a}.active_ms"][i]) for a in annotators]
            flat.append(b["hints"][i] or "")
            flat.append("|".join(b["assigned"][i]))
            if spec.splits:
                flat.append(b["split"][i] or "")
            writer.writerow(flat)
            n += 1
    return n
