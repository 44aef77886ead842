"""Health check and online backup (``framing check``, ``framing backup``).

Both work on a database that may be damaged or in use:

* :func:`check_database` opens the file itself, read-only, *without* the checks of
  :meth:`Store.open` (which refuse a damaged file at the first problem), and lists
  every problem it finds, one line each: SQLite's ``integrity_check`` and
  ``foreign_key_check``; the schema against the one its migrations make (every
  table, view and index, every column); stored JSON that does not parse (hints,
  multi-label values, study settings) and text columns that hold something else.
* :func:`backup_database` copies through SQLite's online backup API: a consistent
  snapshot, taken while annotators keep writing (in WAL mode they are not blocked),
  checked with :func:`check_database` before it is renamed into place.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
from pathlib import Path

from framing.models import FramingError
from framing.store._sqlite import Database
from framing.store.base import check_db_path
from framing.store.codes import check_label_codes
from framing.store.schema import KNOWN_MIGRATIONS, migrations

__all__ = ["MaintMixin", "backup_database", "check_connection", "check_database"]

#: Stored JSON that framing writes: (table, key column, column, kind, condition).
_JSON_COLUMNS = (
    ("units", "unit_id", "hints", dict, "hints IS NOT NULL AND hints != ''"),
    ("labels", "id", "value", list, "value LIKE '[%'"),
    ("study", "id", "settings", dict, "settings IS NOT NULL"),
)
#: Columns that must hold text (a BLOB or a number there came from a hand edit).
_TEXT_COLUMNS = (
    ("units", "unit_id", "text"),
    ("labels", "id", "annotator"),
    ("labels", "id", "dimension"),
    ("documents", "doc_id", "file"),
)
#: At most this many findings of one kind are listed (then a count).
_LIMIT = 20


def _expected_schema() -> dict[str, tuple[str, frozenset[str]]]:
    """``{name: (type, columns)}`` of the tables, views and indexes the migrations make."""
    scratch = Database(memory=True)
    migrations.apply(scratch)
    return _schema(scratch.conn)


def _schema(conn: sqlite3.Connection) -> dict[str, tuple[str, frozenset[str]]]:
    out: dict[str, tuple[str, frozenset[str]]] = {}
    for kind, name in conn.execute(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        " AND name NOT LIKE '_sqlite_migrations%'"
    ).fetchall():
        cols: frozenset[str] = frozenset()
        if kind in ("table", "view"):
            cols = frozenset(r[1] for r in conn.execute(f'PRAGMA table_info("{name}")'))
        out[name] = (kind, cols)
    return out


def _capped(lines: list[str], what: str) -> list[str]:
    if len(lines) <= _LIMIT:
        return lines
    return [*lines[:_LIMIT], f"... and {len(lines) - _LIMIT} more {what}"]


def _run(findings: list[str], what: str, fn: object) -> None:
    """Run one group of checks; a query that fails is itself a finding."""
    try:
        findings.extend(fn())  # type: ignore[operator]
    except sqlite3.Error as err:
        findings.append(f"{what}: cannot be checked ({err})")


def check_connection(conn: sqlite3.Connection) -> list[str]:
    """Every problem found in an open database, one line each (empty: healthy)."""
    findings: list[str] = []

    def integrity() -> list[str]:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check(200)")]
        return [] if rows == ["ok"] else _capped([f"integrity: {r}" for r in rows], "problems")

    def foreign_keys() -> list[str]:
        rows = conn.execute("PRAGMA foreign_key_check").fetchall()
        return _capped(
            [
                f"foreign key: {t} row {rowid} points to a missing {parent} row"
                for t, rowid, parent, _ in rows
            ],
            "rows",
        )

    def schema() -> list[str]:
        out: list[str] = []
        try:
            applied = {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")}
        except sqlite3.OperationalError:
            return ["schema: no migration record (not a framing database?)"]
        unknown = sorted(applied - KNOWN_MIGRATIONS)
        if unknown:
            return [f"schema: migration {unknown[0]!r} is newer than this framing; upgrade framing"]
        pending = sorted(KNOWN_MIGRATIONS - applied)
        if pending:
            out.append(
                f"schema: migration {pending[0]!r} not applied yet (`framing ingest` upgrades)"
            )
            return out
        have, want = _schema(conn), _expected_schema()
        for name, (kind, cols) in sorted(want.items()):
            if name not in have:
                out.append(f"schema: {kind} {name!r} is missing")
            elif have[name][0] != kind:
                out.append(f"schema: {name!r} is a {have[name][0]}, expected a {kind}")
            else:
                for col in sorted(cols - have[name][1]):
                    out.append(f"schema: column {name}.{col} is missing")
        return out

    def stored_json() -> list[str]:
        out: list[str] = []
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for table, key, col, kind, cond in _JSON_COLUMNS:
            if table not in tables:
                continue
            bad: list[str] = []
            for k, value in conn.execute(f'SELECT {key}, "{col}" FROM {table} WHERE {cond}'):
                try:
                    ok = isinstance(json.loads(value), kind)
                except (ValueError, TypeError, RecursionError):
                    ok = False
                if not ok:
                    bad.append(f"json: {table}.{col} of {key} {k!r} is not a JSON {kind.__name__}")
            out += _capped(bad, "rows")
        for table, key, col in _TEXT_COLUMNS:
            if table not in tables:
                continue
            rows = conn.execute(
                f'SELECT {key}, typeof("{col}") FROM {table} WHERE typeof("{col}") != \'text\''
                f' AND "{col}" IS NOT NULL'
            ).fetchall()
            out += _capped(
                [f"type: {table}.{col} of {key} {k!r} holds a {t}, not text" for k, t in rows],
                "rows",
            )
        return out

    _run(findings, "integrity", integrity)
    _run(findings, "foreign keys", foreign_keys)
    _run(findings, "schema", schema)
    _run(findings, "stored JSON", stored_json)
    _run(findings, "label codes", lambda: check_label_codes(conn))
    return findings


def check_database(path: str | Path) -> list[str]:
    """Open ``path`` read-only and return :func:`check_connection`'s findings.

    A file SQLite cannot open at all is one finding; a missing file or one that is
    not a regular file raises :class:`FramingError`."""
    check_db_path(path)
    p = Path(path)
    if not p.exists():
        raise FramingError(f"{p}: no such database")
    try:
        conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    except sqlite3.Error as err:
        return [f"open: {err}"]
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as err:
            return [f"open: {err}"]
        return check_connection(conn)
    finally:
        conn.close()


def backup_database(source: str | Path, dest: str | Path, *, force: bool = False) -> int:
    """Copy ``source`` to ``dest`` with SQLite's online backup API; return its size.

    The copy is written beside ``dest`` under a temporary name, checked, and renamed
    into place only if it is healthy, so ``dest`` is never half a database. ``dest``
    may not be ``source`` or one of its side files, and an existing ``dest`` is
    replaced only with ``force``.
    """
    src, out = Path(source), Path(os.path.realpath(dest))
    check_db_path(src)
    if not src.is_file():
        raise FramingError(f"{src}: no such database")
    for suffix in ("", "-wal", "-shm", "-journal"):
        side = Path(f"{os.path.realpath(src)}{suffix}")
        if out == side:
            raise FramingError(f"{dest}: that is the database being backed up; choose another -o")
    if out.exists() and not force:
        raise FramingError(f"{dest}: already exists; add --force to replace it")
    if out.exists() and not out.is_file():
        raise FramingError(f"{dest}: not a regular file")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
        os.close(fd)
    except OSError as err:
        raise FramingError(f"{dest}: cannot write here ({err.strerror or err})") from err
    try:
        reader = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True, timeout=10.0)
        target = sqlite3.connect(tmp)
        try:
            reader.execute("PRAGMA busy_timeout = 10000")
            reader.backup(target)  # one step: a single consistent snapshot
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            findings = check_connection(target)
        finally:
            target.close()
            reader.close()
        if findings:
            raise FramingError(
                f"{src}: the copy is not healthy ({findings[0]}); run `framing check`"
            )
        os.replace(tmp, out)
    except sqlite3.Error as err:
        raise FramingError(f"{src}: backup failed ({err})") from err
    except OSError as err:
        raise FramingError(f"{dest}: cannot write ({err.strerror or err})") from err
    finally:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                Path(f"{tmp}{suffix}").unlink()
    return out.stat().st_size


class MaintMixin:
    """The same checks and backup on an open :class:`Store`."""

    path: str
    db: Database

    def health_findings(self) -> list[str]:
        """:func:`check_connection` on this store's connection."""
        return check_connection(self.db.conn)

    def backup(self, dest: str | Path, *, force: bool = False) -> int:
        """:func:`backup_database` of this store's file to ``dest``."""
        return backup_database(self.path, dest, force=force)
