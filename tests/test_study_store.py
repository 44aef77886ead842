"""Schema m002_study: upgrading a release-0.1.0 database, and the one queue seam."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from framing.models import Document, UnitDraft
from framing.store import Store, migrations

RELEASE_DB = Path(__file__).parent / "data" / "release-0.1.0.db"


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_release_database_upgrades_keeping_every_label_skip_and_retraction(
    tmp_path: Path,
) -> None:
    db = tmp_path / "old.db"
    shutil.copy(RELEASE_DB, db)
    cols = "id, unit_id, annotator, dimension, value, origin, created_at"
    labels_before = _rows(db, f"SELECT {cols} FROM labels ORDER BY id")
    skips_before = _rows(db, "SELECT * FROM skips ORDER BY id")
    current_before = _rows(db, "SELECT * FROM current_labels ORDER BY 1, 2, 3")
    assert len(labels_before) >= 540 and skips_before
    assert any(r[4] is None for r in labels_before)  # the retraction
    store = Store.open(db)
    assert "m002_study" in {m.name for m in migrations.applied(store.db)}
    store.close()
    assert _rows(db, f"SELECT {cols} FROM labels ORDER BY id") == labels_before
    assert _rows(db, "SELECT * FROM skips ORDER BY id") == skips_before
    assert _rows(db, "SELECT * FROM current_labels ORDER BY 1, 2, 3") == current_before
    # old labels have no recorded phase: the independent view counts them
    assert _rows(db, "SELECT * FROM independent_labels ORDER BY 1, 2, 3") == current_before
    assert _rows(db, "SELECT COUNT(*) FROM labels WHERE phase IS NOT NULL") == [(0,)]
    # and the upgraded file opens read-only without complaint
    Store.open(db, readonly=True).close()


def _store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "q.db")
    drafts = [UnitDraft(i, i * 10, i * 10 + 8, f"sentence {i}") for i in range(6)]
    s.ingest([(Document("a", "a.txt", sha256="a"), drafts)])
    return s


def test_queue_in_a_study_is_the_annotators_assignments_in_seq_order(tmp_path: Path) -> None:
    s = _store(tmp_path)
    ids = [u.unit_id for u in s.iter_units(queued_only=True)]
    assert s.queue_ids("ann") == ids  # open mode: every queued unit
    mine = [ids[4], ids[1], ids[3]]
    s.save_study(
        {"annotators": ["ann", "bob"]},
        "cb",
        "uid",
        [("ann", "on"), ("bob", "on")],
        [("ann", u, i, "regular") for i, u in enumerate(mine)] + [("bob", ids[0], 0, "regular")],
    )
    assert s.study_active()
    assert s.queue_ids("ann") == mine
    first = s.next_unit(None, "ann")
    assert first is not None and first.unit_id == ids[4]
    second = s.next_unit(first, "ann")
    assert second is not None and second.unit_id == ids[1]
    last = s.last_unit("ann")
    assert last is not None and last.unit_id == ids[3]
    back = s.prev_unit(last, "ann")
    assert back is not None and back.unit_id == ids[1]
    assert s.next_unit(last, "ann") is None
    assert s.progress("ann", ["d"]) == (0, 3)
    s.add_label(ids[4], "ann", "d", "x")
    s.skip(ids[1], "ann")
    assert s.progress("ann", ["d"]) == (1, 3)
    resume = s.first_unfinished("ann", ["d"])
    assert resume is not None and resume.unit_id == ids[3]
    assert s.queue_ids("bob") == [ids[0]]


def test_a_label_after_seeing_others_is_a_review_label(tmp_path: Path) -> None:
    s = _store(tmp_path)
    u = s.next_unit(None)
    assert u is not None
    s.add_label(u.unit_id, "ann", "frame", "Economic", shown_at="t0", active_ms=1200)
    s.add_label(u.unit_id, "bob", "frame", "Political")
    s.record_exposure("ann", u.unit_id)
    s.add_label(u.unit_id, "ann", "frame", "Political")
    phases = [r[0] for r in s.db.execute("SELECT phase FROM labels ORDER BY id")]
    assert phases == ["independent", "independent", "review"]
    ind = s.db.execute("SELECT value FROM independent_labels WHERE annotator = 'ann'").fetchall()
    assert ind == [("Economic",)]
    row = s.db.execute("SELECT shown_at, active_ms FROM labels WHERE id = 1").fetchone()
    assert row == ("t0", 1200)
