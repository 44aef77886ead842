"""Export units with their current labels, and import labels made elsewhere.

Both directions go through :class:`framing.store.Store`; no SQL here.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from framing.models import Codebook, Dimension, FramingError, LabelValue
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
    for unit in store.iter_units():
        doc = docs[unit.doc_id]
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


def write_csv(store: Store, codebook: Codebook, out: IO[str]) -> int:
    """CSV: the base columns, ``label:<annotator>:<dimension>`` per pair,
    ``majority:<dimension>``, and ``hints`` as JSON. Multi values join with ``|``."""
    rows = list(iter_rows(store, codebook))
    annotators = sorted({a for r in rows for a in r["labels"]})
    dims = codebook.dimension_ids
    label_cols = [f"label:{a}:{d}" for a in annotators for d in dims]
    header = [*BASE_COLUMNS, *label_cols, *[f"majority:{d}" for d in dims], "hints"]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for r in rows:
        flat = [r[c] if c != "queued" else int(r[c]) for c in BASE_COLUMNS]
        flat += [_flat(r["labels"].get(a, {}).get(d)) for a in annotators for d in dims]
        flat += [_flat(r["majority"][d]) for d in dims]
        flat.append(json.dumps(r["hints"], ensure_ascii=False) if r["hints"] else "")
        writer.writerow(flat)
    return len(rows)


# ---------------------------------------------------------------------- import
def _check_value(dim: Dimension, value: Any, where: str) -> LabelValue:
    ids = dim.label_ids
    if dim.kind == "multi":
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise FramingError(
                f"{where}: dimension {dim.id!r} is multi; value must be a non-empty list of "
                f"label ids, got {json.dumps(value)}"
            )
        for v in value:
            if v not in ids:
                raise FramingError(f"{where}: unknown label {v!r} for dimension {dim.id!r}")
        return sorted(set(value))
    if not isinstance(value, str):
        raise FramingError(
            f"{where}: dimension {dim.id!r} takes one label id (a string), got {json.dumps(value)}"
        )
    if value not in ids:
        raise FramingError(
            f"{where}: unknown label {value!r} for dimension {dim.id!r} "
            f"(expected one of {', '.join(ids)})"
        )
    return value


def read_label_lines(
    path: Path, codebook: Codebook, store: Store
) -> list[tuple[str, str, str, LabelValue]]:
    """Parse and validate a JSONL label file completely, or raise on the first bad line."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise FramingError(f"{path}: cannot read ({err.strerror})") from err
    parsed: list[tuple[int, str, str, str, LabelValue]] = []
    for lineno, raw_line in enumerate(raw.splitlines(), start=1):
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError as err:
            raise FramingError(
                f"{path}:{lineno}: not UTF-8 (byte 0x{raw_line[err.start]:02x} at column "
                f"{err.start + 1})"
            ) from err
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise FramingError(f"{where}: malformed JSON ({err.msg})") from err
        if not isinstance(obj, dict):
            raise FramingError(f"{where}: expected a JSON object")
        missing = [k for k in ("unit_id", "annotator", "dimension", "value") if k not in obj]
        if missing:
            raise FramingError(f"{where}: missing field(s) {', '.join(missing)}")
        unit_id, annotator, dim_id = obj["unit_id"], obj["annotator"], obj["dimension"]
        for name, v in (("unit_id", unit_id), ("annotator", annotator), ("dimension", dim_id)):
            if not isinstance(v, str) or not v.strip():
                raise FramingError(f"{where}: {name} must be a non-empty string")
        dim = codebook.dimension(dim_id)
        if dim is None:
            raise FramingError(
                f"{where}: unknown dimension {dim_id!r} "
                f"(codebook has {', '.join(codebook.dimension_ids)})"
            )
        value = _check_value(dim, obj["value"], where)
        parsed.append((lineno, unit_id, annotator.strip(), dim_id, value))
    known = store.existing_unit_ids(p[1] for p in parsed)
    for lineno, unit_id, *_ in parsed:
        if unit_id not in known:
            raise FramingError(f"{path}:{lineno}: unknown unit {unit_id!r}")
    return [(u, a, d, v) for _, u, a, d, v in parsed]


def import_labels(path: Path, codebook: Codebook, store: Store) -> tuple[int, int]:
    """Validate every line, then append all labels in one transaction (all or nothing).

    Returns ``(appended, unchanged)``: a line equal to the current label is not appended.
    """
    rows = read_label_lines(path, codebook, store)
    appended = store.import_labels(rows)
    return appended, len(rows) - appended
