"""Merging databases of annotators who worked offline on copies (``framing merge``).

Histories are appended: labels (with phase, condition and timing), skips and
exposures. A row is identified by its content and its ``created_at``, so merging the
same file twice adds nothing. Every source is checked before anything is written, and
all of them are written in ONE transaction: a refused source leaves the target as it
was.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypedDict

from framing.models import FramingError
from framing.store.codes import CodesMixin
from framing.store.rows import _chunks
from framing.store.study import StudyMixin

_LABEL_COLS = (
    "unit_id, annotator, dimension, value, origin, created_at,"
    " phase, hints_condition, shown_at, active_ms"
)
_SKIP_COLS = "unit_id, annotator, skipped, created_at"
_EXPOSURE_COLS = "annotator, unit_id, created_at"


class MergeReport(TypedDict):
    source: str
    labels: int
    skips: int
    exposures: int
    annotators: list[str]


class MergeMixin(StudyMixin, CodesMixin):
    def merge(self, sources: Sequence[str | Path]) -> list[MergeReport]:
        """Append the histories of ``sources`` (framing databases) to this one."""
        loaded = []
        for path in sources:
            src = type(self).open(path, create=False, readonly=True)
            try:
                self._check_mergeable(src)
                loaded.append((str(path), _read_rows(src)))
            finally:
                src.close()
        reports: list[MergeReport] = []
        with self._write():
            for path, rows in loaded:
                reports.append(self._append_rows(path, rows))
            self._code_labels()
        return reports

    def _check_mergeable(self, src: StudyMixin) -> None:
        mine, theirs = self.study_record(), src.study_record()
        if (mine is None) != (theirs is None) or (
            mine is not None and theirs is not None and mine["study_uid"] != theirs["study_uid"]
        ):
            raise FramingError(
                f"{src.path}: belongs to another study than {self.path}; "
                "merge only copies of the same study"
            )
        if mine and theirs and mine["codebook"] != theirs["codebook"]:
            raise FramingError(
                f"{src.path}: uses another codebook version than {self.path} "
                f"({theirs['codebook'].split('|')[0]} vs {mine['codebook'].split('|')[0]})"
            )
        used = [
            r[0]
            for r in src.db.execute(
                "SELECT unit_id FROM labels UNION SELECT unit_id FROM skips"
                " UNION SELECT unit_id FROM exposures"
            )
        ]
        for chunk in _chunks(used):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT unit_id, text FROM units WHERE unit_id IN ({marks})"
            theirs_text = dict(src.db.execute(sql, chunk).fetchall())
            mine_text = dict(self.db.execute(sql, chunk).fetchall())
            for unit_id in chunk:
                if unit_id not in mine_text:
                    raise FramingError(
                        f"{src.path}: unit {unit_id!r} is not in {self.path}; "
                        "ingest the same documents there first"
                    )
                if unit_id in theirs_text and theirs_text[unit_id] != mine_text[unit_id]:
                    raise FramingError(
                        f"{src.path}: unit {unit_id!r} has another text than in {self.path}; "
                        "the copies were segmented differently"
                    )

    def _append_rows(self, path: str, rows: dict[str, list[tuple[Any, ...]]]) -> MergeReport:
        added: dict[str, int] = {}
        names = sorted({r[1] for r in rows["labels"]} | {r[1] for r in rows["skips"]})
        for name in names:
            self._ensure_annotator(name)
        for table, cols in (
            ("labels", _LABEL_COLS),
            ("skips", _SKIP_COLS),
            ("exposures", _EXPOSURE_COLS),
        ):
            have = set(self.db.execute(f"SELECT {cols} FROM {table}").fetchall())
            fresh = [r for r in dict.fromkeys(rows[table]) if r not in have]
            marks = ",".join("?" * len(cols.split(",")))
            self.db.conn.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", fresh)
            added[table] = len(fresh)
        return MergeReport(
            source=path,
            labels=added["labels"],
            skips=added["skips"],
            exposures=added["exposures"],
            annotators=names,
        )


def _read_rows(src: StudyMixin) -> dict[str, list[tuple[Any, ...]]]:
    """A source's histories in their own order (``id``), oldest first."""
    return {
        "labels": src.db.execute(f"SELECT {_LABEL_COLS} FROM labels ORDER BY id").fetchall(),
        "skips": src.db.execute(f"SELECT {_SKIP_COLS} FROM skips ORDER BY id").fetchall(),
        "exposures": src.db.execute(
            f"SELECT {_EXPOSURE_COLS} FROM exposures ORDER BY id"
        ).fetchall(),
    }
