"""Import labels made elsewhere (``framing import-labels``).

Kept apart from :mod:`framing.export` so the two directions can change
independently. Goes through :class:`framing.store.Store`; no SQL here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from framing.models import Codebook, Dimension, FramingError, LabelValue
from framing.store import Store


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
