"""The store: schema, append-only labels, queue navigation, bad databases."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from framing.models import Document, FramingError, UnitDraft
from framing.store import SCHEMA_VERSION, Store

DIMS = ("perspective", "frame", "certainty")


def _doc(doc_id: str, sha: str = "s1") -> Document:
    return Document(doc_id=doc_id, file=f"{doc_id}.txt", title=doc_id.upper(), sha256=sha)


def _drafts(n: int, queued_every: int = 1) -> list[UnitDraft]:
    return [
        UnitDraft(i, i * 10, i * 10 + 8, f"sentence {i}", queued=(i % queued_every == 0))
        for i in range(n)
    ]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "t.db")
    s.ingest([(_doc("a"), _drafts(4)), (_doc("b"), _drafts(3))])
    return s


def test_schema_is_versioned_wal_and_has_foreign_keys(store: Store) -> None:
    assert store.schema_version == SCHEMA_VERSION >= 1
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    fks = {fk.other_table for fk in store.db["labels"].foreign_keys}
    assert fks == {"units", "annotators"}
    with pytest.raises(FramingError):
        store.add_label("no-such-unit", "ann", "frame", "x")


def test_reingest_changes_nothing(store: Store) -> None:
    before = [u for u in store.iter_units()]
    rep = store.ingest([(_doc("a"), _drafts(4)), (_doc("b"), _drafts(3))])
    assert (rep.documents_added, rep.documents_unchanged, rep.units_added) == (0, 2, 0)
    assert list(store.iter_units()) == before


def test_changed_document_with_labels_is_refused(store: Store) -> None:
    first = store.next_unit(None)
    assert first is not None
    store.add_label(first.unit_id, "ann", "frame", "Economic")
    with pytest.raises(FramingError, match="changed since it was ingested"):
        store.ingest([(_doc("b", sha="new"), _drafts(2)), (_doc("a", sha="new"), _drafts(2))])
    # the whole ingest rolled back: b was not replaced either
    assert store.count_units() == 7


def test_labels_append_and_latest_wins(store: Store) -> None:
    u = store.next_unit(None)
    assert u is not None
    store.add_label(u.unit_id, "ann", "frame", "Economic")
    store.add_label(u.unit_id, "ann", "frame", "Political")
    store.add_label(u.unit_id, "ann", "perspective", "unclear")
    store.add_label(u.unit_id, "ann", "perspective", None)  # undo = retraction row
    assert store.current_labels(u.unit_id, "ann") == {"frame": "Political"}
    assert [h["value"] for h in store.label_history(u.unit_id)] == [
        "Economic",
        "Political",
        "unclear",
        None,
    ]


def test_multi_values_round_trip(store: Store) -> None:
    u = store.next_unit(None)
    assert u is not None
    store.add_label(u.unit_id, "ann", "topics", ["b", "a"])
    assert store.current_labels(u.unit_id, "ann") == {"topics": ["a", "b"]}


def test_queue_navigation_and_context(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "q.db")
    s.ingest([(_doc("a"), _drafts(6, queued_every=2))])
    order = []
    u = s.next_unit(None)
    while u is not None:
        order.append(u.position)
        u = s.next_unit(u)
    assert order == [0, 2, 4]
    third = s.unit("a:40-48")
    assert third is not None
    prev = s.prev_unit(third)
    assert prev is not None and prev.position == 2
    before, after = s.context(third)
    assert before is not None and before.position == 3  # context includes unqueued units
    assert after is not None and after.position == 5


def test_next_unit_uses_an_index(store: Store) -> None:
    plan = store.db.execute(
        "EXPLAIN QUERY PLAN SELECT unit_id FROM units WHERE queued = 1 AND"
        " (doc_id, position) > (?, ?) ORDER BY doc_id, position LIMIT 1",
        ["a", 1],
    ).fetchall()
    assert "USING INDEX idx_units_queue" in " ".join(str(r) for r in plan)


def test_resume_progress_and_skip(store: Store) -> None:
    units = list(store.iter_units(queued_only=True))
    for u in units[:2]:
        for d in DIMS:
            store.add_label(u.unit_id, "ann", d, "x")
    store.add_label(units[2].unit_id, "ann", "frame", "x")  # half-done
    assert store.progress("ann", DIMS) == (2, 7)
    nxt = store.first_unfinished("ann", DIMS)
    assert nxt is not None and nxt.unit_id == units[2].unit_id
    store.skip(units[2].unit_id, "ann")
    nxt = store.first_unfinished("ann", DIMS)
    assert nxt is not None and nxt.unit_id == units[3].unit_id
    # another annotator starts at the beginning
    other = store.first_unfinished("bob", DIMS)
    assert other is not None and other.unit_id == units[0].unit_id


def test_unskip_appends_and_the_latest_skip_row_counts(store: Store) -> None:
    units = list(store.iter_units(queued_only=True))
    first = units[0].unit_id

    def resume(who: str = "ann") -> str | None:
        unit = store.first_unfinished(who, DIMS)
        return unit.unit_id if unit else None

    store.skip(first, "ann")
    store.skip(first, "bob")
    assert resume() == units[1].unit_id
    store.unskip(first, "ann")
    assert resume() == first  # back, for ann only
    assert resume("bob") == units[1].unit_id
    store.skip(first, "ann")
    assert resume() == units[1].unit_id
    rows = store.db.execute(
        "SELECT annotator, skipped FROM skips WHERE unit_id = ? ORDER BY id", [first]
    ).fetchall()
    assert rows == [("ann", 1), ("bob", 1), ("ann", 0), ("ann", 1)]  # history kept
    plan = store.db.execute(
        "EXPLAIN QUERY PLAN SELECT MAX(id) FROM skips WHERE annotator = ? GROUP BY unit_id",
        ["ann"],
    ).fetchall()
    assert "COVERING INDEX idx_skips_annotator_unit" in " ".join(str(r) for r in plan)


def test_import_is_all_or_nothing(store: Store) -> None:
    u = store.next_unit(None)
    assert u is not None
    with pytest.raises(FramingError):
        store.import_labels([(u.unit_id, "a", "frame", "x"), ("missing", "a", "frame", "x")])
    assert store.current_labels(u.unit_id, "a") == {}


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store.open(path).close()
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('framing', 'm999_future', '2030-01-01')"
    )
    con.commit()
    con.close()
    with pytest.raises(FramingError, match=r"new\.db: database schema is newer.*m999_future"):
        Store.open(path)


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(FramingError, match=r"junk\.db: not a framing SQLite database"):
        Store.open(path)


def test_locked_database_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "lock.db"
    s = Store.open(path)
    s.ingest([(_doc("a"), _drafts(2))])
    u = s.next_unit(None)
    assert u is not None
    locker = sqlite3.connect(path)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        s.db.execute("PRAGMA busy_timeout = 50")
        with pytest.raises(FramingError, match=r"lock\.db: database is locked"):
            s.add_label(u.unit_id, "ann", "frame", "x")
    finally:
        locker.rollback()
        locker.close()
    s.add_label(u.unit_id, "ann", "frame", "x")
    assert s.current_labels(u.unit_id, "ann") == {"frame": "x"}


def test_missing_database_without_create(tmp_path: Path) -> None:
    with pytest.raises(FramingError, match="no such database"):
        Store.open(tmp_path / "absent.db", create=False)


def test_changed_document_with_only_skips_is_replaced(store: Store) -> None:
    u = store.next_unit(None)
    assert u is not None and u.doc_id == "a"
    store.skip(u.unit_id, "ann")
    rep = store.ingest([(_doc("a", sha="edited"), _drafts(2))])
    assert (rep.documents_added, rep.documents_updated) == (0, 1)
    assert [x.position for x in store.iter_units() if x.doc_id == "a"] == [0, 1]


def test_resegmenting_retires_labelled_units_and_drops_skipped_ones(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "r.db")
    doc = Document("a", "a.txt", sha256="same", fingerprint="v1")
    s.ingest([(doc, _drafts(4))])
    units = list(s.iter_units())
    s.add_label(units[2].unit_id, "ann", "frame", "x")
    s.skip(units[3].unit_id, "ann")
    new = [UnitDraft(0, 0, 8, "sentence 0"), UnitDraft(1, 10, 28, "sentence 1 and 2")]
    rep = s.ingest([(Document("a", "a.txt", sha256="same", fingerprint="v2"), new)])
    assert rep.documents_updated == 1
    kinds = {x.unit_id: (x.kind, x.queued) for x in s.iter_units()}
    assert kinds[units[2].unit_id] == ("retired", False)  # labelled: history kept
    assert units[3].unit_id not in kinds  # only skipped: gone
    assert kinds["a:10-28"] == ("body", True)


def test_same_fingerprint_does_not_consume_units(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "f.db")
    doc = Document("a", "a.txt", sha256="same", fingerprint="v1")
    s.ingest([(doc, _drafts(3))])

    def exploding() -> Iterator[UnitDraft]:
        raise AssertionError("units were read for an unchanged document")
        yield  # pragma: no cover

    rep = s.ingest([(doc, exploding())])
    assert rep.documents_unchanged == 1


def test_database_whose_tables_do_not_match_its_migrations_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dev.db"
    Store.open(path).close()
    con = sqlite3.connect(path)
    con.execute("ALTER TABLE skips DROP COLUMN skipped")  # as a development build made it
    con.commit()
    con.close()
    for readonly in (False, True):
        with pytest.raises(FramingError, match=r"dev\.db: schema does not match.*skips\.skipped"):
            Store.open(path, readonly=readonly)
