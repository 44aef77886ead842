"""Documents and units: ingest (streamed, all or nothing), re-segmentation, unit reads."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any

from framing.models import Document, FramingError, IngestReport, Unit, UnitDraft, make_unit_id
from framing.store.base import StoreBase
from framing.store.rows import _UNIT_COLUMNS, _chunks, _maybe_unit, _now, _unit_from_row

#: ``json.dumps(hints, sort_keys=True)``, without building an encoder per unit.
_hints_json = json.JSONEncoder(sort_keys=True).encode


def _drafts_of(rows: list[tuple[Any, ...]]) -> list[UnitDraft]:
    """Unit rows back into drafts (for the rare path where a document appeared in
    the database between segmentation and writing)."""
    return [
        UnitDraft(
            position=r[2],
            start=r[3],
            end=r[4],
            text=r[5],
            kind=r[6],
            queued=bool(r[7]),
            sentiment=r[8],
            hints=json.loads(r[9]) if r[9] else None,
        )
        for r in rows
    ]


def _meta(doc: Document, fingerprint: str) -> list[Any]:
    return [
        doc.file,
        doc.title,
        doc.author,
        doc.publisher,
        doc.date,
        doc.source,
        doc.perspective,
        doc.sha256,
        fingerprint,
        doc.n_chars,
    ]


class DocumentsMixin(StoreBase):
    # ---------------------------------------------------------------- documents
    #: Units written per write transaction when a new document streams in: each
    #: transaction holds the write lock for milliseconds, so annotators' key presses
    #: never wait long behind an ingest.
    INGEST_CHUNK = 500

    def ingest(self, items: Iterable[tuple[Document, Iterable[UnitDraft]]]) -> IngestReport:
        """Write documents and their units, segmenting *outside* any transaction.

        New small documents are segmented, then written together, up to
        :attr:`INGEST_CHUNK` units per transaction (one commit for many files). A
        larger new document is written in short transactions: its ``documents`` row first,
        with an empty ``fingerprint`` (meaning "not complete"), then its units
        :attr:`INGEST_CHUNK` at a time as segmentation produces them, then its real
        fingerprint. Should the ingest stop halfway (an error, ``kill``), the
        documents done so far stay, and the next ingest of the same files completes
        the unfinished one (its empty fingerprint never matches, so it is
        re-segmented and its units brought in line). A document already in the
        database is segmented first, if it needs to be, and then written in one
        transaction. Re-ingesting an unchanged document changes nothing. A document
        whose text changed is re-segmented only if nobody has labelled it yet.
        """
        report = IngestReport()
        pairs = list(items)  # the documents only: their units are still unsegmented
        for doc, _ in pairs:  # refuse before anything is written
            self._check_replaceable(doc)
        small: list[tuple[Document, list[tuple[Any, ...]]]] = []  # written together
        for doc, drafts in pairs:
            old = self.db.execute(
                "SELECT sha256, fingerprint FROM documents WHERE doc_id = ?", [doc.doc_id]
            ).fetchone()
            if old is None:
                rows = self._unit_rows(doc, drafts)
                head = list(itertools.islice(rows, self.INGEST_CHUNK + 1))  # segments
                if len(head) <= self.INGEST_CHUNK:
                    small.append((doc, head))
                    if sum(len(r) for _, r in small) >= self.INGEST_CHUNK:
                        self._write_small(small, report)
                    continue
                self._write_small(small, report)
                self._ingest_new(doc, itertools.chain(head, rows), report)
                continue
            self._write_small(small, report)
            if old[0] != doc.sha256 or old[1] != doc.fingerprint or not doc.fingerprint:
                drafts = list(drafts)  # segment now, before taking the write lock
            with self._write():
                self._ingest_one(doc, drafts, report)
        self._write_small(small, report)
        return report

    def _write_small(
        self, small: list[tuple[Document, list[tuple[Any, ...]]]], rep: IngestReport
    ) -> None:
        """New documents already segmented, whole, in one short transaction (one
        commit, so one fsync, for many small files); ``small`` is emptied."""
        if not small:
            return
        with self._write():
            for doc, rows in small:
                if self.db.execute(
                    "SELECT 1 FROM documents WHERE doc_id = ?", [doc.doc_id]
                ).fetchone():  # another ingest added it meanwhile: the general path
                    self._ingest_one(doc, _drafts_of(rows), rep)
                    continue
                self._insert_document(doc, doc.fingerprint)
                self.db.conn.executemany(
                    f"INSERT INTO units ({_UNIT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)", rows
                )
                rep.documents_added += 1
                rep.units_added += len(rows)
        small.clear()

    def _ingest_new(
        self, doc: Document, rows: Iterator[tuple[Any, ...]], rep: IngestReport
    ) -> None:
        """A large new document: see :meth:`ingest`."""
        with self._write():
            if self.db.execute(
                "SELECT 1 FROM documents WHERE doc_id = ?", [doc.doc_id]
            ).fetchone():  # another ingest added it meanwhile: the general path
                self._ingest_one(doc, _drafts_of(list(rows)), rep)
                return
            self._insert_document(doc, fingerprint="")
        n = 0
        while True:
            chunk = list(itertools.islice(rows, self.INGEST_CHUNK))  # segments here
            if not chunk:
                break
            with self._write():
                self.db.conn.executemany(
                    f"INSERT INTO units ({_UNIT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)", chunk
                )
            n += len(chunk)
        with self._write():
            self.db.execute(
                "UPDATE documents SET fingerprint = ? WHERE doc_id = ?",
                [doc.fingerprint, doc.doc_id],
            )
        rep.documents_added += 1
        rep.units_added += n

    @staticmethod
    def _unit_rows(doc: Document, drafts: Iterable[UnitDraft]) -> Iterator[tuple[Any, ...]]:
        """A generator, so a new document's units stream into SQLite (bounded memory)."""
        return (
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
                _hints_json(d.hints) if d.hints else None,
            )
            for d in drafts
        )

    def _insert_document(self, doc: Document, fingerprint: str) -> None:
        self.db.execute(
            "INSERT INTO documents (file, title, author, publisher, date, source,"
            " perspective, sha256, fingerprint, n_chars, ingested_at, doc_id)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [*_meta(doc, fingerprint), _now(), doc.doc_id],
        )

    def _check_replaceable(self, doc: Document) -> None:
        """Raise if ``doc`` would replace a stored document with other text that came
        from another file or already has labels."""
        old = self.db.execute(
            "SELECT sha256, file FROM documents WHERE doc_id = ?", [doc.doc_id]
        ).fetchone()
        if old is None or old[0] == doc.sha256:
            return
        if old[1] != doc.file:
            raise FramingError(
                f"{doc.file}: document id {doc.doc_id!r} already holds {old[1]}, with "
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
            self._check_replaceable(doc)
            self.db.execute(
                "DELETE FROM skips WHERE unit_id IN (SELECT unit_id FROM units WHERE doc_id = ?)",
                [doc.doc_id],
            )
            self.db.execute("DELETE FROM units WHERE doc_id = ?", [doc.doc_id])
            self.db.execute("DELETE FROM documents WHERE doc_id = ?", [doc.doc_id])
            old, replaced = None, True
        rows = self._unit_rows(doc, drafts)
        meta = _meta(doc, doc.fingerprint)
        if old is None:
            self._insert_document(doc, doc.fingerprint)
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
