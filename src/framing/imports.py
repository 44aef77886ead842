"""Import labels made elsewhere (``framing import-labels``).

Kept apart from :mod:`framing.export` so the two directions can change
independently. Goes through :class:`framing.store.Store`; no SQL here.

The file is streamed, twice, so memory does not grow with its size (a 200 MB
file used to peak at 1.2 GB): the first pass checks every line (JSON, fields,
codebook, annotator names, that every unit exists) and writes nothing, so one bad
line stops the import before anything is written; the second pass appends the
labels in batches, each its own short write transaction, so annotators working
meanwhile are never locked out for long. A line equal to the current label is not
appended again, so should the second pass be interrupted (disk full, ``kill``),
running the same import again completes it without duplicating anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from framing.display import check_annotator
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


#: Lines per write transaction in the second pass.
BATCH = 5_000
#: Unit ids checked against the database at a time in the first pass.
_CHECK = 5_000

Row = tuple[str, str, str, LabelValue]


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of each non-blank line, read as a stream."""
    try:
        fh = path.open("rb")
    except OSError as err:
        raise FramingError(f"{path}: cannot read ({err.strerror or err})") from err
    with fh:
        try:
            for lineno, raw_line in enumerate(fh, start=1):
                try:
                    line = raw_line.decode("utf-8")
                except UnicodeDecodeError as err:
                    raise FramingError(
                        f"{path}:{lineno}: not UTF-8 (byte 0x{raw_line[err.start]:02x} at "
                        f"column {err.start + 1})"
                    ) from err
                if line.strip():
                    yield lineno, line
        except OSError as err:
            raise FramingError(f"{path}: cannot read ({err.strerror or err})") from err


def _text(value: Any, name: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FramingError(f"{where}: {name} must be a non-empty string")
    if any(0xD800 <= ord(c) < 0xE000 for c in value):
        raise FramingError(f"{where}: {name} contains a lone surrogate (invalid Unicode)")
    return value


def _parse(path: Path, lineno: int, line: str, codebook: Codebook) -> Row:
    where = f"{path}:{lineno}"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as err:
        raise FramingError(f"{where}: malformed JSON ({err.msg})") from err
    except RecursionError:
        raise FramingError(f"{where}: JSON nested too deeply") from None
    if not isinstance(obj, dict):
        raise FramingError(f"{where}: expected a JSON object")
    missing = [k for k in ("unit_id", "annotator", "dimension", "value") if k not in obj]
    if missing:
        raise FramingError(f"{where}: missing field(s) {', '.join(missing)}")
    unit_id = _text(obj["unit_id"], "unit_id", where)
    annotator = check_annotator(_text(obj["annotator"], "annotator", where), where)
    dim_id = _text(obj["dimension"], "dimension", where)
    dim = codebook.dimension(dim_id)
    if dim is None:
        raise FramingError(
            f"{where}: unknown dimension {dim_id!r} "
            f"(codebook has {', '.join(codebook.dimension_ids)})"
        )
    return unit_id, annotator, dim_id, _check_value(dim, obj["value"], where)


def _rows(path: Path, codebook: Codebook) -> Iterator[tuple[int, Row]]:
    for lineno, line in _lines(path):
        yield lineno, _parse(path, lineno, line, codebook)


def check_label_file(path: Path, codebook: Codebook, store: Store) -> int:
    """First pass: check every line, or raise on the first bad one. Returns the count.

    Memory holds one batch of unit ids and the set of ids already found."""
    known: set[str] = set()
    pending: list[tuple[int, str]] = []
    n = 0

    def flush() -> None:
        known.update(store.existing_unit_ids(u for _, u in pending if u not in known))
        for lineno, unit_id in pending:
            if unit_id not in known:
                raise FramingError(f"{path}:{lineno}: unknown unit {unit_id!r}")
        pending.clear()

    for lineno, row in _rows(path, codebook):
        n += 1
        if row[0] not in known:
            pending.append((lineno, row[0]))
            if len(pending) >= _CHECK:
                flush()
    flush()
    return n


def read_label_lines(path: Path, codebook: Codebook, store: Store) -> list[Row]:
    """Every label of a checked file, in memory (for small files and tests)."""
    check_label_file(path, codebook, store)
    return [row for _, row in _rows(path, codebook)]


def import_labels(path: Path, codebook: Codebook, store: Store) -> tuple[int, int]:
    """Check every line, then append the labels in batches (see the module doc).

    Returns ``(appended, unchanged)``: a line equal to the current label is not appended.
    """
    total = check_label_file(path, codebook, store)
    appended = 0
    batch: list[Row] = []
    for _, row in _rows(path, codebook):
        batch.append(row)
        if len(batch) >= BATCH:
            appended += store.import_labels(batch)
            batch = []
    if batch:
        appended += store.import_labels(batch)
    return appended, total - appended
