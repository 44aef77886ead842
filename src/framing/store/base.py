"""Opening a framing database: schema checks, migrations, write transactions."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, Self

from framing.display import check_annotator
from framing.models import FramingError
from framing.store._sqlite import Database
from framing.store.rows import _friendly, _now
from framing.store.schema import KNOWN_MIGRATIONS, _expected_columns, migrations

DEFAULT_DB = Path("annotations") / "framing.db"

log = logging.getLogger("framing.store")


def check_db_path(path: str | Path) -> None:
    """Refuse what SQLite would accept but cannot be a framing database: ``:memory:``
    and URIs (a session that saves nothing), and anything but a regular file (a FIFO
    or a character device would hang or read forever; a folder cannot be opened)."""
    spath = str(path)
    if spath in ("", ":memory:") or spath.startswith("file:"):
        raise FramingError(
            f"{spath or repr(spath)}: not a database file; --db must name a file on disk "
            "(an in-memory database would save nothing)"
        )
    try:
        mode = os.stat(spath).st_mode
    except FileNotFoundError:
        return
    except OSError as err:
        raise FramingError(f"{spath}: cannot open ({err.strerror or err})") from err
    if not stat.S_ISREG(mode):
        what = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise FramingError(f"{spath}: {what}; --db must name an SQLite database file")


class StoreBase:
    """The connection and its checks; the other store mixins build on it."""

    def __init__(self, db: Database, path: str) -> None:
        self.db = db
        self.path = path

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        path: str | Path = DEFAULT_DB,
        *,
        create: bool = True,
        readonly: bool = False,
        lock_timeout: float = 2.0,
    ) -> Self:
        """Open the database at ``path``.

        ``lock_timeout``: how many seconds a write waits for another writer's lock
        before "database is locked" (2 s suits a key press, which then queues the
        label as pending; a batch command can afford to wait longer).

        ``readonly`` opens it with SQLite's ``mode=ro`` and writes nothing, so reading
        commands never wait on a writer and work on a read-only file. Otherwise the
        schema is created (``create``) or migrated to this version. Raises
        :class:`FramingError` for a missing, locked, foreign, older (read-only) or
        newer-schema file.
        """
        check_db_path(path)
        p = Path(path)
        spath = str(p)
        if not p.exists():
            if not create or readonly:
                raise FramingError(f"{spath}: no such database; run `framing ingest` first")
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise FramingError(f"{spath}: cannot create folder ({err.strerror})") from err
        try:
            if readonly:
                store = cls._open_readonly(p)
            else:
                conn = sqlite3.connect(spath, timeout=lock_timeout)
                store = cls(Database(conn), spath)
                store.db.execute("PRAGMA foreign_keys = ON")
                store.db.execute(f"PRAGMA busy_timeout = {int(lock_timeout * 1000)}")
                store._check_schema()
                if str(store.db.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                    store.db.enable_wal()
                store.db.execute("PRAGMA synchronous = FULL")
                migrations.apply(store.db)
            store._check_columns()
        except sqlite3.Error as err:
            raise _friendly(spath, err) from err
        return store

    @classmethod
    def _open_readonly(cls, p: Path) -> Self:
        """Open with ``mode=ro``: a consistent snapshot that sees the WAL and honours
        locks. A lock held by another process is an error, never a reason to read
        around it. The one fallback, ``immutable=1``, is taken only when SQLite cannot
        open a WAL database in a read-only folder *and* there is no ``-wal`` file
        (so every committed change is in the main file), and it says so."""
        uri = p.resolve().as_uri()
        try:
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=2.0)
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as err:
            if "unable to open" not in str(err):
                raise
            wal = Path(f"{p}-wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise FramingError(
                    f"{p}: cannot read consistently: SQLite cannot open it read-only here "
                    f"({err}), and {wal.name} holds changes not yet in the main file; make "
                    "the folder writable, or copy the database with its -wal file"
                ) from err
            log.warning(
                "%s: warning: opened as an immutable snapshot (the folder is read-only); "
                "a process writing to it now would not be seen",
                p,
            )
            conn = sqlite3.connect(f"{uri}?immutable=1", uri=True)
        store = cls(Database(conn), str(p))
        store.db.execute("PRAGMA busy_timeout = 2000")
        store._check_schema()
        pending = migrations.pending(store.db)
        if pending:
            raise FramingError(
                f"{p}: database schema is older than this version of framing "
                f"(migration {pending[0].name!r} not applied); run `framing ingest` to upgrade"
            )
        return store

    def _check_schema(self) -> None:
        applied = {m.name for m in migrations.applied(self.db)}
        unknown = sorted(applied - KNOWN_MIGRATIONS)
        if unknown:
            raise FramingError(
                f"{self.path}: database schema is newer than this version of framing "
                f"(unknown migration {unknown[0]!r}); upgrade framing to open it"
            )
        tables = [t for t in self.db.table_names() if not t.startswith("sqlite_")]
        if not applied and tables:
            raise FramingError(
                f"{self.path}: not a framing database (it has tables {', '.join(tables[:3])} "
                "but no framing schema record); choose another --db"
            )

    def _check_columns(self) -> None:
        """A fully migrated database must have every table and column the migrations
        create; anything else (e.g. a file from a development build) is refused
        before a query can fail halfway through a session."""
        have = {t.name: set(t.columns_dict) for t in self.db.tables}
        for table, columns in _expected_columns().items():
            missing = sorted(columns - have.get(table, set()))
            if missing:
                what = f"table {table!r}" if table not in have else f"{table}.{missing[0]}"
                raise FramingError(
                    f"{self.path}: schema does not match its migration record ({what} is "
                    "missing); it was not made by this version of framing"
                )

    def close(self) -> None:
        self.db.close()

    @property
    def schema_version(self) -> int:
        return len([m for m in migrations.applied(self.db)])

    def _write(self) -> Any:
        """A transaction whose SQLite errors become one-line FramingErrors."""
        return _WriteTxn(self)

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read everything inside as of one moment (one read transaction).

        In WAL mode each statement outside a transaction sees the newest commit, so a
        reader that runs several queries (terms, then codes that refer to them) while
        annotators write can see a code its earlier query did not know. Inside a
        transaction already (a write, or :meth:`hold_snapshot`), this adds nothing."""
        began = self.hold_snapshot()
        try:
            yield
        finally:
            if began and self.db.conn.in_transaction:
                self.db.conn.rollback()  # nothing was written: ending the read is all

    def hold_snapshot(self) -> bool:
        """From now until the store is closed (or :meth:`snapshot` ends), read the
        database as of this moment (for a command that only reads: its tables, counts
        and codes all agree, even while annotators keep writing). Not for a connection
        that stays open while the user works (a list in the UI would stop seeing new
        labels). False if a transaction was open already (its view is kept)."""
        conn = self.db.conn
        if conn.in_transaction:
            return False
        try:
            conn.execute("BEGIN")
            conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # takes the snapshot
        except sqlite3.Error as err:
            raise _friendly(self.path, err) from err
        return True

    # ------------------------------------------------------------------- labels
    def _ensure_annotator(self, name: str) -> None:
        """Record ``name``; every way in (UI, import, API) passes here, so a name with
        control characters or of absurd length never reaches the database."""
        if check_annotator(name) != name:
            raise FramingError(f"annotator {name!r}: surrounding spaces; strip the name")
        self.db.execute(
            "INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)", [name, _now()]
        )


class _WriteTxn:
    """``with store._write():`` — an atomic block whose errors are one line.

    It starts with ``BEGIN IMMEDIATE``: the write lock is taken at the start (waiting
    up to the busy timeout), so a transaction that reads and then writes cannot fail
    with "database is locked" halfway when another writer commits in between (a
    plain ``BEGIN`` upgrades its read lock late, and SQLite cannot wait then). Nested
    blocks are savepoints.
    """

    def __init__(self, store: StoreBase) -> None:
        self.store = store
        self._cm: Any = None

    def __enter__(self) -> None:
        conn = self.store.db.conn
        try:
            if conn.in_transaction:
                self._cm = self.store.db.atomic()
                self._cm.__enter__()
            else:
                conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise _friendly(self.store.path, err) from err

    def __exit__(self, et: Any, ev: Any, tb: Any) -> Literal[False]:
        conn = self.store.db.conn
        try:
            if self._cm is not None:
                self._cm.__exit__(et, ev, tb)
            elif et is None:
                try:
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.rollback()
                    raise
            elif conn.in_transaction:
                conn.rollback()
        except sqlite3.Error as err:
            raise _friendly(self.store.path, err) from err
        if isinstance(ev, sqlite3.Error):
            raise _friendly(self.store.path, ev) from ev
        return False
