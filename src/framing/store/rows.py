"""Row helpers shared by the store's parts: value coding, unit rows, chunking, errors."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from framing.models import FramingError, LabelValue, Unit

if TYPE_CHECKING:
    import numpy as np

_UNIT_COLUMNS = 'unit_id, doc_id, position, start, "end", text, kind, queued, sentiment, hints'


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def encode_value(value: LabelValue) -> str | None:
    """Store a label value as text: a label id, or a JSON array for a multi dimension."""
    if value is None:
        return None
    if isinstance(value, list | tuple | set | frozenset):
        return json.dumps(sorted(value))
    return str(value)


def decode_value(text: str | None) -> LabelValue:
    if text is None:
        return None
    if not isinstance(text, str):
        raise FramingError(f"a stored label value is not text ({type(text).__name__})")
    if text.startswith("["):
        try:
            got = json.loads(text)
        except (ValueError, RecursionError):
            got = None
        if not isinstance(got, list):
            raise FramingError(
                f"a stored label value {text[:40]!r} is not a JSON list; run `framing check`"
            )
        return [str(v) for v in got]
    return text


def _decode_all(texts: Iterable[str | None]) -> list[LabelValue]:
    """``decode_value`` of many texts: plain label ids (the common case) skip the call."""
    return [t if t is None or not t.startswith("[") else decode_value(t) for t in texts]


#: Rows per ``fetchmany`` when streaming large result sets.
_BATCH = 100_000
#: Host parameters per ``IN (...)`` list (below SQLite's historical limit of 999).
_IN_CHUNK = 500


class _Codes(dict[Any, int]):
    """Consecutive codes for keys in first-seen order: ``codes[key]`` adds a new key."""

    def __missing__(self, key: Any) -> int:
        code = self[key] = len(self)
        return code


@dataclass(frozen=True)
class LabelColumns:
    """Every current label as parallel integer columns (see :meth:`Store.current_label_columns`).

    Row ``i`` is the current label of unit ``unit_ids[unit[i]]`` by
    ``annotators[annotator[i]]`` in ``dimensions[dimension[i]]``: the decoded value
    ``values[value[i]]``, made at ``times[time[i]]`` (``created_at``).  ``unit_ids``
    lists the labelled units in document and position order, ``annotators`` and
    ``dimensions`` are sorted, so codes compare in those orders; rows are sorted by
    (unit, annotator, dimension).  ``values`` and ``times`` hold each distinct
    value / timestamp once (in no particular order).  The columns are int64 numpy
    arrays.  (``Store.independent_label_columns(sort=False)`` leaves the rows unsorted.)
    """

    unit_ids: list[str]
    annotators: list[str]
    dimensions: list[str]
    values: list[LabelValue]
    times: list[str]
    unit: np.ndarray
    annotator: np.ndarray
    dimension: np.ndarray
    value: np.ndarray
    time: np.ndarray
    #: ``positions[u]``: unit ``unit_ids[u]``'s place in document and position order
    #: (:meth:`Store.unit_order`), when the reader knows it (None otherwise).
    positions: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.unit)


def _unit_from_row(row: Sequence[Any]) -> Unit:
    """A unit from its row; a row edited by hand into something framing never writes
    (hints that are not a JSON object, a non-text ``text``) is a one-line error."""
    hints = None
    if row[9]:
        try:
            hints = json.loads(row[9])
        except (ValueError, TypeError, RecursionError):
            hints = None
        if not isinstance(hints, dict):
            raise FramingError(
                f"unit {row[0]!r}: its stored hints are not a JSON object; run `framing check`"
            )
    if not isinstance(row[5], str):
        raise FramingError(
            f"unit {row[0]!r}: its stored text is {type(row[5]).__name__}, not text; "
            "run `framing check`"
        )
    return Unit(
        unit_id=row[0],
        doc_id=row[1],
        position=row[2],
        start=row[3],
        end=row[4],
        text=row[5],
        kind=row[6],
        queued=bool(row[7]),
        sentiment=row[8] if row[8] is not None else 0.0,
        hints=hints,
    )


def _chunks(items: Iterable[str], size: int = _IN_CHUNK) -> Iterator[list[str]]:
    """Distinct ``items`` in lists of at most ``size`` (for ``IN (...)`` queries)."""
    ids = list(dict.fromkeys(items))
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _maybe_unit(row: Sequence[Any] | None) -> Unit | None:
    return _unit_from_row(row) if row else None


def _friendly(path: str, err: sqlite3.Error) -> FramingError:
    msg = str(err)
    if "locked" in msg or "busy" in msg:
        return FramingError(f"{path}: database is locked by another process ({msg}); try again")
    if "malformed" in msg:
        return FramingError(
            f"{path}: the database is damaged ({msg}); run `framing check`, and restore "
            "a backup (`framing backup`)"
        )
    if "not a database" in msg:
        return FramingError(f"{path}: not a framing SQLite database ({msg})")
    if "readonly" in msg:
        return FramingError(f"{path}: database is read-only ({msg})")
    return FramingError(f"{path}: {msg}")
