"""The SQLite store: the only module in framing that speaks SQL.

Schema (version 1, applied with sqlite-migrate; documented in docs/schema.md)
-----------------------------------------------------------------------------
``documents``  one row per ingested text: ``doc_id`` (PK), ``file``, ``title``,
               ``author``, ``publisher``, ``date``, ``source``, ``sha256``,
               ``n_chars``, ``ingested_at``.
``units``      one row per sentence-like unit: ``unit_id`` (PK, ``doc:start-end``),
               ``doc_id`` (FK), ``position``, ``start``/``end`` (character offsets
               into the original file), ``text`` (clean display text), ``kind``,
               ``queued`` (0/1), ``sentiment`` (VADER compound), ``hints`` (JSON).
``annotators`` one row per annotator name.
``labels``     append-only history: ``id`` (PK, monotonic), ``unit_id`` (FK),
               ``annotator`` (FK), ``dimension``, ``value`` (a label id; a JSON
               array of label ids for a multi dimension; NULL retracts), ``origin``
               (``ui`` or ``import``), ``created_at``. The current label of a
               (unit, annotator, dimension) is the row with the highest ``id``.
``skips``      append-only: ``skipped`` 1 when an annotator skips a unit, 0 when that
               skip is undone; the row with the highest ``id`` per (annotator, unit)
               counts.
``current_labels`` (view) the latest non-NULL label per (unit, annotator, dimension).

The database runs in WAL mode with ``synchronous=FULL``; every label is its own
transaction, committed before the UI moves on, so ``kill -9`` loses nothing.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlite_migrate import Migrations
from sqlite_utils import Database

from framing.models import (
    Document,
    FramingError,
    IngestReport,
    LabelValue,
    Unit,
    UnitDraft,
    make_unit_id,
)

if TYPE_CHECKING:
    import numpy as np

DEFAULT_DB = Path("annotations") / "framing.db"

migrations = Migrations("framing")


@migrations()
def m001_initial(db: Database) -> None:
    table = db.table
    table("documents").create(
        {
            "doc_id": str,
            "file": str,
            "title": str,
            "author": str,
            "publisher": str,
            "date": str,
            "source": str,
            "perspective": str,
            "sha256": str,
            "fingerprint": str,
            "n_chars": int,
            "ingested_at": str,
        },
        pk="doc_id",
        not_null={"file", "sha256"},
    )
    table("units").create(
        {
            "unit_id": str,
            "doc_id": str,
            "position": int,
            "start": int,
            "end": int,
            "text": str,
            "kind": str,
            "queued": int,
            "sentiment": float,
            "hints": str,
        },
        pk="unit_id",
        foreign_keys=[("doc_id", "documents", "doc_id")],
        not_null={"doc_id", "position", "start", "end", "text", "kind", "queued"},
    )
    table("annotators").create({"name": str, "created_at": str}, pk="name")
    table("labels").create(
        {
            "id": int,
            "unit_id": str,
            "annotator": str,
            "dimension": str,
            "value": str,
            "origin": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("unit_id", "units", "unit_id"), ("annotator", "annotators", "name")],
        not_null={"unit_id", "annotator", "dimension", "origin", "created_at"},
    )
    table("skips").create(
        {"id": int, "unit_id": str, "annotator": str, "skipped": int, "created_at": str},
        pk="id",
        foreign_keys=[("unit_id", "units", "unit_id"), ("annotator", "annotators", "name")],
        not_null={"unit_id", "annotator", "skipped", "created_at"},
        defaults={"skipped": 1},
    )
    # Hot paths: queue order, neighbours in a document, an annotator's current labels.
    db.execute("CREATE INDEX idx_units_queue ON units (queued, doc_id, position)")
    db.execute("CREATE INDEX idx_units_doc_position ON units (doc_id, position)")
    db.execute(
        "CREATE INDEX idx_labels_annotator_unit ON labels (annotator, unit_id, dimension, id)"
    )
    db.execute("CREATE INDEX idx_labels_unit ON labels (unit_id, annotator, dimension, id)")
    db.execute("CREATE INDEX idx_skips_annotator_unit ON skips (annotator, unit_id, id)")
    db.execute("CREATE INDEX idx_skips_unit ON skips (unit_id)")
    db.execute(
        """
        CREATE VIEW current_labels AS
        SELECT l.unit_id, l.annotator, l.dimension, l.value, l.origin, l.created_at
        FROM labels AS l
        WHERE l.id IN (SELECT MAX(id) FROM labels GROUP BY unit_id, annotator, dimension)
          AND l.value IS NOT NULL
        """
    )


SCHEMA_VERSION = len(migrations._migrations)


@functools.cache
def _expected_columns() -> dict[str, frozenset[str]]:
    """Tables and columns the migrations create, read off a scratch in-memory database."""
    scratch = Database(memory=True)
    migrations.apply(scratch)
    return {
        t.name: frozenset(t.columns_dict)
        for t in scratch.tables
        if not t.name.startswith("_sqlite_migrations")
    }


KNOWN_MIGRATIONS = frozenset(m.name for m in migrations._migrations)

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
    if text.startswith("["):
        return [str(v) for v in json.loads(text)]
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
    arrays.
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

    def __len__(self) -> int:
        return len(self.unit)


def _unit_from_row(row: Sequence[Any]) -> Unit:
    hints = json.loads(row[9]) if row[9] else None
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
    if "not a database" in msg or "malformed" in msg:
        return FramingError(f"{path}: not a framing SQLite database ({msg})")
    if "readonly" in msg:
        return FramingError(f"{path}: database is read-only ({msg})")
    return FramingError(f"{path}: {msg}")


class Store:
    """A framing database. Open it with :meth:`Store.open`."""

    def __init__(self, db: Database, path: str) -> None:
        self.db = db
        self.path = path

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls, path: str | Path = DEFAULT_DB, *, create: bool = True, readonly: bool = False
    ) -> Store:
        """Open the database at ``path``.

        ``readonly`` opens it with SQLite's ``mode=ro`` and writes nothing, so reading
        commands never wait on a writer and work on a read-only file. Otherwise the
        schema is created (``create``) or migrated to this version. Raises
        :class:`FramingError` for a missing, locked, foreign, older (read-only) or
        newer-schema file.
        """
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
                conn = sqlite3.connect(spath, timeout=2.0)
                store = cls(Database(conn), spath)
                store.db.execute("PRAGMA foreign_keys = ON")
                store.db.execute("PRAGMA busy_timeout = 2000")
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
    def _open_readonly(cls, p: Path) -> Store:
        uri = p.resolve().as_uri()
        try:
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=2.0)
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # A WAL database in a read-only folder cannot get its -shm file.
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

    # ---------------------------------------------------------------- documents
    def ingest(self, items: Iterable[tuple[Document, Iterable[UnitDraft]]]) -> IngestReport:
        """Write documents and their units in ONE transaction (all or nothing).

        Re-ingesting an unchanged document changes nothing. A document whose text
        changed is re-segmented only if nobody has labelled it yet.
        """
        report = IngestReport()
        with self._write():
            for doc, drafts in items:
                self._ingest_one(doc, drafts, report)
        return report

    def _ingest_one(self, doc: Document, drafts: Iterable[UnitDraft], rep: IngestReport) -> None:
        """Write one document.

        * new: insert it, streaming its units (``drafts`` is consumed lazily);
        * same bytes and same segmentation ``fingerprint``: nothing to do, and
          ``drafts`` is never consumed, so nothing is re-segmented;
        * same bytes, other settings: units are compared and updated in place;
        * other bytes: replaced, unless it has labels or came from another file.
        """
        old = self.db.execute(
            "SELECT sha256, fingerprint, file FROM documents WHERE doc_id = ?", [doc.doc_id]
        ).fetchone()
        replaced = False
        if old is not None and old[0] != doc.sha256:
            if old[2] != doc.file:
                raise FramingError(
                    f"{doc.file}: document id {doc.doc_id!r} already holds {old[2]}, with "
                    "other text; give one of them another id (a manifest doc_id)"
                )
            n = self.db.execute(
                "SELECT COUNT(*) FROM labels l JOIN units u ON u.unit_id = l.unit_id "
                "WHERE u.doc_id = ?",
                [doc.doc_id],
            ).fetchone()[0]
            if n:
                raise FramingError(
                    f"{doc.file}: document {doc.doc_id!r} changed since it was ingested and "
                    f"already has {n} labels; give the new version another id"
                )
            self.db.execute(
                "DELETE FROM skips WHERE unit_id IN (SELECT unit_id FROM units WHERE doc_id = ?)",
                [doc.doc_id],
            )
            self.db.execute("DELETE FROM units WHERE doc_id = ?", [doc.doc_id])
            self.db.execute("DELETE FROM documents WHERE doc_id = ?", [doc.doc_id])
            old, replaced = None, True
        # A generator, so a new document's units stream into SQLite (bounded memory).
        rows = (
            (
                make_unit_id(doc.doc_id, d.start, d.end),
                doc.doc_id,
                d.position,
                d.start,
                d.end,
                d.text,
                d.kind,
                int(d.queued),
                d.sentiment,
                json.dumps(d.hints, sort_keys=True) if d.hints else None,
            )
            for d in drafts
        )
        meta = [
            doc.file,
            doc.title,
            doc.author,
            doc.publisher,
            doc.date,
            doc.source,
            doc.perspective,
            doc.sha256,
            doc.fingerprint,
            doc.n_chars,
        ]
        if old is None:
            self.db.execute(
                "INSERT INTO documents (file, title, author, publisher, date, source,"
                " perspective, sha256, fingerprint, n_chars, ingested_at, doc_id)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [*meta, _now(), doc.doc_id],
            )
            cur = self.db.conn.executemany(
                f"INSERT INTO units ({_UNIT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)", rows
            )
            if replaced:
                rep.documents_updated += 1
            else:
                rep.documents_added += 1
            rep.units_added += max(cur.rowcount, 0)
            return
        have_meta = self.db.execute(
            "SELECT file, title, author, publisher, date, source, perspective, sha256,"
            " fingerprint, n_chars FROM documents WHERE doc_id = ?",
            [doc.doc_id],
        ).fetchone()
        changed = list(have_meta) != meta
        if changed:
            self.db.execute(
                "UPDATE documents SET file=?, title=?, author=?, publisher=?, date=?, source=?,"
                " perspective=?, sha256=?, fingerprint=?, n_chars=? WHERE doc_id = ?",
                [*meta, doc.doc_id],
            )
        if old[1] != doc.fingerprint or not doc.fingerprint:
            changed = self._resegment(doc.doc_id, rows, rep) or changed
        if changed:
            rep.documents_updated += 1
        else:
            rep.documents_unchanged += 1

    def _resegment(self, doc_id: str, rows: Iterable[tuple[Any, ...]], rep: IngestReport) -> bool:
        """Bring a document's units in line with a new segmentation of the same text.

        Units are updated in place (same span = same id); a unit that is no longer
        produced is deleted, or, if anyone labelled it, kept as ``retired`` and
        taken out of the queue. Returns whether anything changed.
        """
        existing = {
            row[0]: tuple(row)
            for row in self.db.execute(
                f"SELECT {_UNIT_COLUMNS} FROM units WHERE doc_id = ?", [doc_id]
            )
        }
        changed = False
        seen: set[str] = set()
        for row in rows:
            seen.add(row[0])
            have = existing.get(row[0])
            if have == row:
                continue
            changed = True
            if have is None:
                self.db.execute(
                    f"INSERT INTO units ({_UNIT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)", row
                )
                rep.units_added += 1
            else:
                self.db.execute(
                    "UPDATE units SET position=?, text=?, kind=?, queued=?, sentiment=?, hints=?"
                    " WHERE unit_id = ?",
                    [row[2], row[5], row[6], row[7], row[8], row[9], row[0]],
                )
        for unit_id in set(existing) - seen:
            changed = True
            if self.db.execute(
                "SELECT 1 FROM labels WHERE unit_id = ? LIMIT 1", [unit_id]
            ).fetchone():
                self.db.execute(
                    "UPDATE units SET queued = 0, kind = 'retired' WHERE unit_id = ?", [unit_id]
                )
            else:
                self.db.execute("DELETE FROM skips WHERE unit_id = ?", [unit_id])
                self.db.execute("DELETE FROM units WHERE unit_id = ?", [unit_id])
        return changed

    def documents(self) -> list[Document]:
        rows = self.db.execute(
            "SELECT doc_id, file, title, author, publisher, date, source, sha256, n_chars,"
            " perspective FROM documents ORDER BY doc_id"
        ).fetchall()
        return [
            Document(
                doc_id=r[0],
                file=r[1],
                title=r[2] or "",
                author=r[3] or "",
                publisher=r[4] or "",
                date=r[5] or "",
                source=r[6] or "",
                sha256=r[7] or "",
                n_chars=r[8] or 0,
                perspective=r[9] or "",
            )
            for r in rows
        ]

    # -------------------------------------------------------------------- units
    def unit(self, unit_id: str) -> Unit | None:
        row = self.db.execute(
            f"SELECT {_UNIT_COLUMNS} FROM units WHERE unit_id = ?", [unit_id]
        ).fetchone()
        return _maybe_unit(row)

    def units_by_id(self, unit_ids: Iterable[str]) -> dict[str, Unit]:
        """``{unit_id: Unit}`` for the ``unit_ids`` that exist: :meth:`unit` in bulk."""
        out: dict[str, Unit] = {}
        for chunk in _chunks(unit_ids):
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                f"SELECT {_UNIT_COLUMNS} FROM units WHERE unit_id IN ({marks})", chunk
            ):
                out[row[0]] = _unit_from_row(row)
        return out

    def count_units(self, *, queued_only: bool = False) -> int:
        sql = "SELECT COUNT(*) FROM units" + (" WHERE queued = 1" if queued_only else "")
        return int(self.db.execute(sql).fetchone()[0])

    def iter_units(self, *, queued_only: bool = False) -> Iterator[Unit]:
        """All units in document and position order."""
        where = "WHERE queued = 1 " if queued_only else ""
        cur = self.db.execute(f"SELECT {_UNIT_COLUMNS} FROM units {where}ORDER BY doc_id, position")
        for row in cur:
            yield _unit_from_row(row)

    def next_unit(self, after: Unit | None, *, queued_only: bool = True) -> Unit | None:
        """The unit after ``after`` in queue order (the first one if ``after`` is None).

        One indexed range query: ``(doc_id, position) > (?, ?)``.
        """
        q = "queued = 1 AND " if queued_only else ""
        if after is None:
            row = self.db.execute(
                f"SELECT {_UNIT_COLUMNS} FROM units WHERE {q}1 ORDER BY doc_id, position LIMIT 1"
            ).fetchone()
        else:
            row = self.db.execute(
                f"SELECT {_UNIT_COLUMNS} FROM units WHERE {q}(doc_id, position) > (?, ?)"
                " ORDER BY doc_id, position LIMIT 1",
                [after.doc_id, after.position],
            ).fetchone()
        return _maybe_unit(row)

    def last_unit(self, *, queued_only: bool = True) -> Unit | None:
        """The last unit in queue order."""
        q = "WHERE queued = 1 " if queued_only else ""
        row = self.db.execute(
            f"SELECT {_UNIT_COLUMNS} FROM units {q}ORDER BY doc_id DESC, position DESC LIMIT 1"
        ).fetchone()
        return _maybe_unit(row)

    def prev_unit(self, before: Unit, *, queued_only: bool = True) -> Unit | None:
        q = "queued = 1 AND " if queued_only else ""
        row = self.db.execute(
            f"SELECT {_UNIT_COLUMNS} FROM units WHERE {q}(doc_id, position) < (?, ?)"
            " ORDER BY doc_id DESC, position DESC LIMIT 1",
            [before.doc_id, before.position],
        ).fetchone()
        return _maybe_unit(row)

    def context(self, unit: Unit) -> tuple[Unit | None, Unit | None]:
        """The units just before and after ``unit`` in its document (any kind)."""
        before = self.db.execute(
            f"SELECT {_UNIT_COLUMNS} FROM units WHERE doc_id = ? AND position < ?"
            " ORDER BY position DESC LIMIT 1",
            [unit.doc_id, unit.position],
        ).fetchone()
        after = self.db.execute(
            f"SELECT {_UNIT_COLUMNS} FROM units WHERE doc_id = ? AND position > ?"
            " ORDER BY position LIMIT 1",
            [unit.doc_id, unit.position],
        ).fetchone()
        return (
            _maybe_unit(before),
            _maybe_unit(after),
        )

    def existing_unit_ids(self, unit_ids: Iterable[str]) -> set[str]:
        ids = list(set(unit_ids))
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self.db.execute(
                    f"SELECT unit_id FROM units WHERE unit_id IN ({marks})", chunk
                )
            )
        return found

    # ------------------------------------------------------------------- labels
    def _ensure_annotator(self, name: str) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)", [name, _now()]
        )

    def add_label(
        self,
        unit_id: str,
        annotator: str,
        dimension: str,
        value: LabelValue,
        *,
        origin: str = "ui",
    ) -> int:
        """Append one label row and commit it before returning (``value=None`` retracts)."""
        with self._write():
            self._ensure_annotator(annotator)
            cur = self.db.execute(
                "INSERT INTO labels (unit_id, annotator, dimension, value, origin, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [unit_id, annotator, dimension, encode_value(value), origin, _now()],
            )
        return int(cur.lastrowid or 0)

    def import_labels(
        self, rows: Sequence[tuple[str, str, str, LabelValue]], *, origin: str = "import"
    ) -> int:
        """Append many ``(unit_id, annotator, dimension, value)`` rows in one transaction.

        A row equal to the current label is not appended again, so importing the
        same file twice adds no history. Returns the number of rows appended.
        """
        now = _now()
        with self._write():
            names = sorted({r[1] for r in rows})
            current: dict[tuple[str, str, str], str | None] = {}
            for chunk in _chunks(names):
                marks = ",".join("?" * len(chunk))
                for unit_id, annotator, dim, value in self.db.execute(
                    "SELECT unit_id, annotator, dimension, value FROM labels WHERE id IN ("
                    f" SELECT MAX(id) FROM labels WHERE annotator IN ({marks})"
                    " GROUP BY unit_id, annotator, dimension)",
                    chunk,
                ):
                    current[(unit_id, annotator, dim)] = value
            fresh = []
            for u, a, d, v in rows:
                text = encode_value(v)
                if (u, a, d) in current and current[(u, a, d)] == text:
                    continue
                current[(u, a, d)] = text
                fresh.append((u, a, d, text, origin, now))
            for name in names:
                self._ensure_annotator(name)
            self.db.conn.executemany(
                "INSERT INTO labels (unit_id, annotator, dimension, value, origin, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                fresh,
            )
        return len(fresh)

    def current_labels(self, unit_id: str, annotator: str) -> dict[str, LabelValue]:
        """This annotator's current label per dimension for one unit (absent if none)."""
        rows = self.db.execute(
            "SELECT dimension, value FROM labels WHERE id IN ("
            " SELECT MAX(id) FROM labels WHERE annotator = ? AND unit_id = ? GROUP BY dimension)",
            [annotator, unit_id],
        ).fetchall()
        return {dim: decode_value(val) for dim, val in rows if val is not None}

    def label_history(self, unit_id: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT id, annotator, dimension, value, origin, created_at FROM labels"
            " WHERE unit_id = ? ORDER BY id",
            [unit_id],
        ).fetchall()
        keys = ("id", "annotator", "dimension", "value", "origin", "created_at")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def all_current_labels(self) -> Iterator[tuple[str, str, str, LabelValue]]:
        """Every current ``(unit_id, annotator, dimension, value)``, unit order."""
        cur = self.db.execute(
            "SELECT c.unit_id, c.annotator, c.dimension, c.value FROM current_labels c"
            " JOIN units u ON u.unit_id = c.unit_id"
            " ORDER BY u.doc_id, u.position, c.annotator, c.dimension"
        )
        for unit_id, annotator, dim, value in cur:
            if value is not None and value.startswith("["):
                value = decode_value(value)
            yield unit_id, annotator, dim, value

    def current_label_records(self) -> Iterator[tuple[str, str, str, LabelValue, str]]:
        """Every current ``(unit_id, annotator, dimension, value, created_at)``, time order."""
        cur = self.db.execute(
            "SELECT unit_id, annotator, dimension, value, created_at FROM current_labels"
            " ORDER BY created_at"
        )
        for unit_id, annotator, dim, value, created_at in cur:
            yield unit_id, annotator, dim, decode_value(value), created_at

    def unit_sources(self, unit_ids: Iterable[str] | None = None) -> dict[str, tuple[str, str]]:
        """``{unit_id: (doc_id, source)}`` for every labelled unit, or for ``unit_ids``
        (those that exist, labelled or not)."""
        sql = (
            "SELECT u.unit_id, u.doc_id, COALESCE(d.source, '') FROM units u"
            " JOIN documents d ON d.doc_id = u.doc_id WHERE u.unit_id IN "
        )
        if unit_ids is None:
            rows = self.db.execute(sql + "(SELECT DISTINCT unit_id FROM labels)")
            return {r[0]: (r[1], r[2]) for r in rows}
        out: dict[str, tuple[str, str]] = {}
        for chunk in _chunks(unit_ids):
            marks = ",".join("?" * len(chunk))
            out.update((r[0], (r[1], r[2])) for r in self.db.execute(f"{sql}({marks})", chunk))
        return out

    def current_label_columns(self) -> LabelColumns:
        """Every current label (the ``current_labels`` view) as integer columns.

        One pass over the view, streamed in batches: each distinct unit id,
        annotator, dimension, value and timestamp becomes a small integer, and
        each distinct value is decoded once.  Labels of units missing from
        ``units`` are left out (as in :meth:`all_current_labels`).  Built for the
        agreement code on large databases (about 1 s per million labels).
        """
        import numpy as np

        names = ("unit", "annotator", "dimension", "value", "time")
        index: dict[str, _Codes] = {n: _Codes() for n in names}
        parts: dict[str, list[np.ndarray]] = {n: [] for n in names}
        cur = self.db.execute(
            "SELECT unit_id, annotator, dimension, value, created_at FROM current_labels"
        )
        while rows := cur.fetchmany(_BATCH):
            for name, col in zip(names, zip(*rows, strict=True), strict=True):
                codes = map(index[name].__getitem__, col)
                parts[name].append(np.fromiter(codes, dtype=np.int64, count=len(col)))
        raw = {
            n: np.concatenate(parts[n]) if parts[n] else np.zeros(0, dtype=np.int64) for n in names
        }
        del parts
        # units: document and position order; drop labels of units that do not exist
        ids = list(index["unit"])
        rank = self._unit_ranks(ids)
        r = np.fromiter((rank.get(u, -1) for u in ids), dtype=np.int64, count=len(ids))
        keep = np.flatnonzero(r >= 0)
        keep = keep[np.argsort(r[keep], kind="stable")]
        recode = np.full(len(ids), -1, dtype=np.int64)
        recode[keep] = np.arange(len(keep), dtype=np.int64)
        cols = {"unit": recode[raw["unit"]]}
        out: dict[str, list[Any]] = {"unit": [ids[i] for i in keep.tolist()]}
        # annotators and dimensions: sorted by name
        for name in ("annotator", "dimension"):
            keys = list(index[name])
            by_name = sorted(range(len(keys)), key=keys.__getitem__)
            recode = np.empty(len(keys), dtype=np.int64)
            recode[by_name] = np.arange(len(keys), dtype=np.int64)
            cols[name] = recode[raw[name]]
            out[name] = [keys[i] for i in by_name]
        cols["value"], cols["time"] = raw["value"], raw["time"]
        ok = cols["unit"] >= 0
        if not ok.all():
            cols = {n: c[ok] for n, c in cols.items()}
        row_order = np.lexsort((cols["dimension"], cols["annotator"], cols["unit"]))
        cols = {n: c[row_order] for n, c in cols.items()}
        return LabelColumns(
            unit_ids=out["unit"],
            annotators=out["annotator"],
            dimensions=out["dimension"],
            values=_decode_all(index["value"]),
            times=list(index["time"]),
            unit=cols["unit"],
            annotator=cols["annotator"],
            dimension=cols["dimension"],
            value=cols["value"],
            time=cols["time"],
        )

    def _unit_ranks(self, unit_ids: Sequence[str]) -> dict[str, int]:
        """``{unit_id: rank}`` in document and position order (missing ids absent).

        Ranks are comparable with each other, not consecutive: one ordered scan of
        ``units`` when ``unit_ids`` are a fair share of them, else indexed look-ups.
        """
        if not unit_ids:
            return {}
        if len(unit_ids) * 20 >= self.count_units():
            cur = self.db.execute("SELECT unit_id FROM units ORDER BY doc_id, position, unit_id")
            return {r[0]: i for i, r in enumerate(cur)}
        found: list[tuple[str, int, str]] = []
        for chunk in _chunks(unit_ids):
            marks = ",".join("?" * len(chunk))
            found.extend(
                self.db.execute(
                    f"SELECT doc_id, position, unit_id FROM units WHERE unit_id IN ({marks})",
                    chunk,
                )
            )
        found.sort()
        return {r[2]: i for i, r in enumerate(found)}

    def annotators(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM annotators ORDER BY name")]

    def skip(self, unit_id: str, annotator: str) -> None:
        """Append a skip: resume no longer starts at this unit for this annotator."""
        self._append_skip(unit_id, annotator, 1)

    def unskip(self, unit_id: str, annotator: str) -> None:
        """Append a row undoing a skip (the latest row per annotator and unit counts)."""
        self._append_skip(unit_id, annotator, 0)

    def _append_skip(self, unit_id: str, annotator: str, skipped: int) -> None:
        with self._write():
            self._ensure_annotator(annotator)
            self.db.execute(
                "INSERT INTO skips (unit_id, annotator, skipped, created_at) VALUES (?, ?, ?, ?)",
                [unit_id, annotator, skipped, _now()],
            )

    #: Units whose latest skip row by an annotator (``?``) says skipped.
    _SKIPPED_SQL = (
        "SELECT unit_id FROM skips WHERE id IN ("
        "  SELECT MAX(id) FROM skips WHERE annotator = ? GROUP BY unit_id)"
        " AND skipped = 1"
    )

    def _done_sql(self, n_dims: int) -> str:
        marks = ",".join("?" * n_dims)
        return (
            "SELECT unit_id FROM labels WHERE id IN ("
            "  SELECT MAX(id) FROM labels WHERE annotator = ?"
            f"  AND dimension IN ({marks}) GROUP BY unit_id, dimension)"
            " AND value IS NOT NULL GROUP BY unit_id HAVING COUNT(*) = ?"
        )

    def first_unfinished(self, annotator: str, dimension_ids: Sequence[str]) -> Unit | None:
        """The first queued unit this annotator has neither finished nor skipped."""
        dims = list(dimension_ids)
        row = self.db.execute(
            f"SELECT {_UNIT_COLUMNS} FROM units WHERE queued = 1"
            f" AND unit_id NOT IN ({self._done_sql(len(dims))})"
            f" AND unit_id NOT IN ({self._SKIPPED_SQL})"
            " ORDER BY doc_id, position LIMIT 1",
            [annotator, *dims, len(dims), annotator],
        ).fetchone()
        return _maybe_unit(row)

    def progress(self, annotator: str, dimension_ids: Sequence[str]) -> tuple[int, int]:
        """``(done, total)``: queued units with every dimension labelled, of all queued."""
        dims = list(dimension_ids)
        done = self.db.execute(
            f"SELECT COUNT(*) FROM units WHERE queued = 1 AND unit_id IN"
            f" ({self._done_sql(len(dims))})",
            [annotator, *dims, len(dims)],
        ).fetchone()[0]
        return int(done), self.count_units(queued_only=True)


class _WriteTxn:
    """``with store._write():`` — an atomic block whose errors are one line."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cm: Any = None

    def __enter__(self) -> None:
        self._cm = self.store.db.atomic()
        try:
            self._cm.__enter__()
        except sqlite3.Error as err:
            raise _friendly(self.store.path, err) from err

    def __exit__(self, et: Any, ev: Any, tb: Any) -> Literal[False]:
        try:
            self._cm.__exit__(et, ev, tb)
        except sqlite3.Error as err:
            raise _friendly(self.store.path, err) from err
        if isinstance(ev, sqlite3.Error):
            raise _friendly(self.store.path, ev) from ev
        return False
