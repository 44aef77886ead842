"""Studies: settings, annotators and their conditions, assignments, checks, exposures,
live sessions (schema m002_study). The design decisions live in :mod:`framing.study`;
this mixin only reads and writes them."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from framing.models import FramingError, LabelValue
from framing.store.queue import QueueMixin
from framing.store.rows import _now, decode_value, encode_value
from framing.store.schema import ASSIGNMENT_INDEXES

#: More new assignments than this are written with the indexes dropped and rebuilt.
_BULK = 50_000


class StudyMixin(QueueMixin):
    # ---------------------------------------------------------------- settings
    def study_record(self) -> dict[str, Any] | None:
        """``{"study_uid", "settings" (dict), "codebook", "created_at", "updated_at"}``."""
        row = self.db.execute(
            "SELECT study_uid, settings, codebook, created_at, updated_at FROM study WHERE id = 1"
        ).fetchone()
        if row is None:
            return None
        return {
            "study_uid": row[0],
            "settings": json.loads(row[1]),
            "codebook": row[2] or "",
            "created_at": row[3],
            "updated_at": row[4] or row[3],
        }

    def study_annotators(self) -> dict[str, str]:
        """``{name: hints_condition}`` in the order they joined the study."""
        rows = self.db.execute(
            "SELECT name, hints_condition FROM study_annotators ORDER BY added_at, name"
        )
        return {r[0]: r[1] for r in rows}

    def queued_unit_strata(self) -> Iterator[tuple[str, str]]:
        """``(unit_id, source)`` of every queued unit, in document and position order
        (``source`` is the document's perspective label id, else its source name)."""
        cur = self.db.execute(
            "SELECT u.unit_id, COALESCE(NULLIF(d.perspective, ''), d.source, '') FROM units u"
            " JOIN documents d ON d.doc_id = u.doc_id WHERE u.queued = 1"
            " ORDER BY u.doc_id, u.position"
        )
        yield from cur

    def assignment_state(self) -> tuple[dict[str, int], dict[str, int], set[str]]:
        """``({annotator: load}, {annotator: max seq}, {assigned unit ids})``."""
        loads: dict[str, int] = {}
        top: dict[str, int] = {}
        for name, n, m in self.db.execute(
            "SELECT annotator, COUNT(*), MAX(seq) FROM assignments GROUP BY annotator"
        ):
            loads[name], top[name] = int(n), int(m)
        assigned = {r[0] for r in self.db.execute("SELECT DISTINCT unit_id FROM assignments")}
        return loads, top, assigned

    def assigned_to(self, annotator: str) -> set[str]:
        cur = self.db.execute("SELECT unit_id FROM assignments WHERE annotator = ?", [annotator])
        return {r[0] for r in cur}

    def save_study(
        self,
        settings: dict[str, Any],
        codebook: str,
        study_uid: str,
        annotators: Sequence[tuple[str, str]],
        assignments: Iterable[tuple[str, str, int, str]],
    ) -> int:
        """Write the settings, new annotators ``(name, condition)`` and new assignments
        ``(annotator, unit_id, seq, role)`` in ONE transaction. Returns rows added."""
        now = _now()
        rows = [(a, u, s, r, now) for a, u, s, r in assignments]
        bulk = len(rows) > _BULK
        with self._write():
            self.db.execute(
                "INSERT INTO study (id, study_uid, settings, codebook, created_at, updated_at)"
                " VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                " settings = excluded.settings, codebook = excluded.codebook,"
                " updated_at = excluded.updated_at",
                [study_uid, json.dumps(settings, sort_keys=True), codebook, now, now],
            )
            for name, condition in annotators:
                self._ensure_annotator(name)
                self.db.execute(
                    "INSERT OR IGNORE INTO study_annotators (name, hints_condition, added_at)"
                    " VALUES (?, ?, ?)",
                    [name, condition, now],
                )
            if bulk:
                self.db.execute("DROP INDEX IF EXISTS idx_assignments_unit")
                self.db.execute("DROP INDEX IF EXISTS idx_assignments_seq")
            self.db.conn.executemany(
                "INSERT INTO assignments (annotator, unit_id, seq, role, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                rows,
            )
            if bulk:  # a duplicate fails here, rolling everything back
                for ddl in ASSIGNMENT_INDEXES:
                    self.db.execute(ddl)
        self._study_cache = True
        return len(rows)

    # ------------------------------------------------------------- assignments
    def assignment_counts(self) -> dict[str, dict[str, int]]:
        """``{role: {annotators per unit (as text): units}}`` for ``assign --show``."""
        out: dict[str, dict[str, int]] = {}
        for role, k, n in self.db.execute(
            "SELECT role, k, COUNT(*) FROM (SELECT unit_id, MIN(role) AS role, COUNT(*) AS k"
            " FROM assignments GROUP BY unit_id) GROUP BY role, k ORDER BY role, k"
        ):
            out.setdefault(role, {})[str(k)] = int(n)
        return out

    def annotator_loads(self) -> dict[str, dict[str, int]]:
        """``{annotator: {role: units}}``."""
        out: dict[str, dict[str, int]] = {}
        for name, role, n in self.db.execute(
            "SELECT annotator, role, COUNT(*) FROM assignments GROUP BY annotator, role"
        ):
            out.setdefault(name, {})[role] = int(n)
        return out

    def annotator_sources(self) -> dict[str, dict[str, int]]:
        """``{annotator: {source: assigned units}}``."""
        out: dict[str, dict[str, int]] = {}
        for name, source, n in self.db.execute(
            "SELECT a.annotator, COALESCE(d.source, ''), COUNT(*) FROM assignments a"
            " JOIN units u ON u.unit_id = a.unit_id JOIN documents d ON d.doc_id = u.doc_id"
            " GROUP BY a.annotator, d.source"
        ):
            out.setdefault(name, {})[source] = int(n)
        return out

    def assigned_by_unit(self) -> dict[str, list[str]]:
        """``{unit_id: [annotator, ...]}`` (sorted names) for every assigned unit."""
        out: dict[str, list[str]] = {}
        for unit_id, name in self.db.execute(
            "SELECT unit_id, annotator FROM assignments ORDER BY unit_id, annotator"
        ):
            out.setdefault(unit_id, []).append(name)
        return out

    def perspective_guesses(
        self, dimension: str = "perspective", frame_dimension: str = "frame"
    ) -> tuple[list[tuple[str, str, str, str, LabelValue]], int]:
        """``([(unit_id, annotator, guess, truth, frame value)], excluded)`` from the
        independent labels of ``dimension``; truth is the document's perspective label
        id; guesses on documents without one are only counted (``excluded``)."""
        rows = self.db.execute(
            "SELECT g.unit_id, g.annotator, g.value, COALESCE(d.perspective, ''), f.value"
            " FROM independent_labels g JOIN units u ON u.unit_id = g.unit_id"
            " JOIN documents d ON d.doc_id = u.doc_id"
            " LEFT JOIN independent_labels f ON f.unit_id = g.unit_id"
            " AND f.annotator = g.annotator AND f.dimension = ?"
            " WHERE g.dimension = ? ORDER BY u.doc_id, u.position, g.annotator",
            [frame_dimension, dimension],
        ).fetchall()
        out = [(u, a, g, t, decode_value(f)) for u, a, g, t, f in rows if t]
        return out, len(rows) - len(out)

    def document_perspectives(self) -> list[str]:
        """The distinct perspective label ids the manifest gives documents."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT DISTINCT perspective FROM documents WHERE COALESCE(perspective, '') != ''"
                " ORDER BY 1"
            )
        ]

    def unit_activity(self) -> Iterator[tuple[str, str, int | None, int, str]]:
        """``(annotator, unit_id, active ms, label rows, last label time)`` per labelled
        unit (the active time of a unit is the largest recorded with its labels)."""
        yield from self.db.execute(
            "SELECT annotator, unit_id, MAX(active_ms), COUNT(*), MAX(created_at) FROM labels"
            " GROUP BY annotator, unit_id"
        )

    def last_skip_times(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT annotator, MAX(created_at) FROM skips GROUP BY 1"))

    def independent_records(self) -> list[tuple[str, str, str, LabelValue, str]]:
        """Every independent current label ``(unit, annotator, dimension, value, time)``."""
        rows = self.db.execute(
            "SELECT unit_id, annotator, dimension, value, created_at FROM independent_labels"
            " ORDER BY created_at"
        )
        return [(u, a, d, decode_value(v), t) for u, a, d, v, t in rows]

    def queue_ids(self, annotator: str) -> list[str]:
        """The unit ids of ``annotator``'s queue, in queue order (through the seam)."""
        sql, args = self._queue_sql("u.unit_id", annotator)
        return [r[0] for r in self.db.execute(sql, args)]

    # ------------------------------------------------------------------ checks
    def add_checks(self, rows: Sequence[tuple[str, str, LabelValue]]) -> int:
        """Known answers ``(unit_id, dimension, value)``; a repeated pair is replaced."""
        now = _now()
        with self._write():
            self.db.conn.executemany(
                "INSERT INTO checks (unit_id, dimension, value, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (unit_id, dimension) DO UPDATE SET value = excluded.value",
                [(u, d, encode_value(v), now) for u, d, v in rows],
            )
        return len(rows)

    def checks(self) -> dict[str, dict[str, LabelValue]]:
        """``{unit_id: {dimension: value}}``."""
        out: dict[str, dict[str, LabelValue]] = {}
        for u, d, v in self.db.execute("SELECT unit_id, dimension, value FROM checks"):
            out.setdefault(u, {})[d] = decode_value(v)
        return out

    # --------------------------------------------------------------- exposures
    def record_exposure(self, annotator: str, unit_id: str) -> None:
        """``annotator`` has seen other annotators' labels of ``unit_id``: from now on
        their labels of that unit are review labels."""
        with self._write():
            self.db.execute(
                "INSERT INTO exposures (annotator, unit_id, created_at) VALUES (?, ?, ?)",
                [annotator, unit_id, _now()],
            )

    # ---------------------------------------------------------------- sessions
    def start_session(self, annotator: str) -> tuple[int, list[str]]:
        """Record a live session; returns its id and a description of every other live
        session under the same name (a process still running on this host, or a
        session on another host that has not ended)."""
        host = socket.gethostname()
        others = []
        for _sid, h, pid, started in self.db.execute(
            "SELECT id, host, pid, started_at FROM sessions"
            " WHERE annotator = ? AND ended_at IS NULL",
            [annotator],
        ).fetchall():
            if h == host and not _alive(pid):
                continue
            others.append(f"pid {pid} on {h}, started {started[:19]}")
        with self._write():
            self._ensure_annotator(annotator)
            cur = self.db.execute(
                "INSERT INTO sessions (annotator, host, pid, started_at) VALUES (?, ?, ?, ?)",
                [annotator, host, os.getpid(), _now()],
            )
        return int(cur.lastrowid or 0), others

    def end_session(self, session_id: int) -> None:
        with self._write():
            self.db.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", [_now(), session_id])

    def require_study_annotator(self, name: str) -> None:
        """In a study, refuse a name that is not one of its annotators (one line)."""
        if not self.study_active():
            return
        names = self.study_annotators()
        if name not in names:
            raise FramingError(
                f"{self.path}: {name!r} is not an annotator of this study "
                f"(annotators: {', '.join(names)}); add it with `framing assign --annotators`"
            )


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
