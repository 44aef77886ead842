"""Flags, notes, gold with provenance and unit split/merge in the store (m003_review)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from framing.models import Document, FramingError, UnitDraft
from framing.store import Store
from framing.store.review import GoldDraft

DATA = Path(__file__).parent / "data" / "release-0.1.0.db"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "t.db")
    doc = Document(doc_id="d", file="d.txt", sha256="x")
    drafts = [UnitDraft(i, i * 30, i * 30 + 24, f"Sentence number {i:02d} here.") for i in range(5)]
    s.ingest([(doc, drafts)])
    return s


def _ids(store: Store) -> list[str]:
    return [u.unit_id for u in store.iter_units()]


def test_upgrade_from_release_keeps_every_label(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(DATA, db)
    con = sqlite3.connect(db)
    cols = "id, unit_id, annotator, dimension, value, origin, created_at"
    before = con.execute(f"SELECT {cols} FROM labels ORDER BY id").fetchall()
    con.close()
    assert len(before) >= 540
    s = Store.open(db)
    after = s.db.execute(f"SELECT {cols} FROM labels ORDER BY id").fetchall()
    assert [tuple(r) for r in after] == [tuple(r) for r in before]
    names = {m.name for m in __import__("framing.store", fromlist=["migrations"]).migrations
             .applied(s.db)}  # fmt: skip
    assert "m003_review" in names
    # the new tables work on the upgraded file
    unit = next(iter(s.iter_units()))
    s.flag(unit.unit_id, "amina", "guideline_gap")
    assert [f.reason for f in s.active_flags(unit.unit_id)] == ["guideline_gap"]


def test_flags_are_append_only_and_undoable(store: Store) -> None:
    u = _ids(store)[1]
    store.flag(u, "ann", "segmentation")
    store.flag(u, "bob", "off_topic")
    store.unflag(u, "ann", "segmentation")
    assert [(f.annotator, f.reason) for f in store.active_flags()] == [("bob", "off_topic")]
    assert store.db.execute("SELECT COUNT(*) FROM flags").fetchone()[0] == 3
    with pytest.raises(FramingError, match="unknown flag reason"):
        store.flag(u, "ann", "boring")


def test_notes_replace_and_undo(store: Store) -> None:
    u = _ids(store)[0]
    store.set_note(u, "ann", "  first   thought ")
    store.set_note(u, "ann", "second")
    assert [n.text for n in store.current_notes(u)] == ["second"]
    store.set_note(u, "ann", "first thought")  # undo = the previous text again
    store.set_note(u, "bob", None)
    assert [(n.annotator, n.text) for n in store.current_notes(u)] == [("ann", "first thought")]
    store.flag(u, "bob", "other")
    [fu] = store.flagged_units()
    assert fu.unit_id == u and [n.text for n in fu.notes] == ["first thought"]


def test_adjudication_supersedes_automatic_never_the_reverse(store: Store) -> None:
    u = _ids(store)[0]
    auto = [GoldDraft(u, "frame", "Economic", "majority", 2 / 3, (1, 2, 3))]
    assert store.write_auto_gold(auto, "framing gold", dimension="frame") == (1, 0)
    assert store.write_auto_gold(auto, "framing gold", dimension="frame") == (0, 0)  # same
    rid = store.adjudicate(u, "frame", "Political", "judge", reason="quote is political")
    cur = store.gold_current(u)[(u, "frame")]
    assert (cur.value, cur.method, cur.decided_by, cur.reason) == (
        "Political", "adjudicated", "judge", "quote is political")  # fmt: skip
    # a later automatic run leaves the person's decision alone
    dawid = [GoldDraft(u, "frame", "Economic", "dawid_skene", 0.9, (1, 2, 3))]
    assert store.write_auto_gold(dawid, "framing gold", dimension="frame") == (0, 1)
    assert store.gold_current(u)[(u, "frame")].id == rid
    # undo restores the automatic row (history kept)
    first = store.gold_history(u)[0].id
    store.undo_gold(u, "frame", first, "judge")
    cur = store.gold_current(u)[(u, "frame")]
    assert (cur.value, cur.method, cur.undoes) == ("Economic", "majority", rid)
    assert [g.method for g in store.gold_history(u)] == ["majority", "adjudicated", "majority"]


def test_retracting_an_automatic_value_appends_an_open_row(store: Store) -> None:
    u = _ids(store)[0]
    store.write_auto_gold([GoldDraft(u, "frame", "Economic", "majority", 1.0)], "g",
                          dimension="frame")  # fmt: skip
    store.write_auto_gold([], "g", dimension="frame", retract_others=[u])
    assert store.gold_current(u)[(u, "frame")].value is None


def test_a_draft_without_a_value_is_stored_as_an_open_row(store: Store) -> None:
    u = _ids(store)[0]
    store.write_auto_gold([GoldDraft(u, "frame", None, "majority", None)], "g",
                          dimension="frame")  # fmt: skip
    row = store.db.execute("SELECT value FROM gold WHERE unit_id = ?", [u]).fetchone()
    assert row == (None,)  # NULL, not an empty label id


def test_split_keeps_other_ids_and_labels(store: Store) -> None:
    ids = _ids(store)
    target = ids[2]
    store.add_label(target, "ann", "frame", "Economic")
    store.add_label(ids[3], "ann", "frame", "Political")
    n_labels = store.db.execute("SELECT COUNT(*) FROM labels").fetchone()[0]
    left, right = store.split_unit(target, 9, "judge")
    assert left == "d:60-69" and right == "d:69-84"  # same offset in the file
    now = [u.unit_id for u in store.iter_units()]
    assert set(ids) <= set(now) and set(now) - set(ids) == {left, right}
    old = store.unit(target)
    assert old is not None and old.kind == "superseded" and not old.queued
    assert store.db.execute("SELECT COUNT(*) FROM labels").fetchone()[0] == n_labels
    # new units are queued, in place, and shown as the neighbours of the next unit
    assert [u.unit_id for u in store.iter_units(queued_only=True)] == [
        ids[0], ids[1], left, right, ids[3], ids[4]]  # fmt: skip
    nxt = store.unit(ids[3])
    assert nxt is not None
    assert store.context(nxt)[0].unit_id == right  # type: ignore[union-attr]
    assert store.unit(left).text == "Sentence"  # type: ignore[union-attr]
    assert store.superseded_unit_ids() == {target}
    with pytest.raises(FramingError, match="superseded"):
        store.split_unit(target, 3, "judge")
    with pytest.raises(FramingError, match="both parts"):
        store.split_unit(ids[0], 0, "judge")


def test_merge_with_next_keeps_other_ids_and_labels(store: Store) -> None:
    ids = _ids(store)
    store.add_label(ids[1], "ann", "frame", "Economic")
    new = store.merge_with_next(ids[1], "judge")
    assert new == "d:30-84"
    queued = [u.unit_id for u in store.iter_units(queued_only=True)]
    assert queued == [ids[0], new, ids[3], ids[4]]
    assert store.unit(new).text.count("Sentence") == 2  # type: ignore[union-attr]
    assert {s["old_unit_id"] for s in store.supersessions()} == {ids[1], ids[2]}
    assert store.current_labels(ids[1], "ann") == {"frame": "Economic"}
    with pytest.raises(FramingError, match="last of its document"):
        store.merge_with_next(ids[4], "judge")


def test_review_labels_do_not_count_for_gold(store: Store) -> None:
    """A label made after seeing others' labels (phase review) is kept, never counted."""
    u = _ids(store)[0]
    first = store.add_label(u, "ann", "frame", "Economic")
    store.add_label(u, "bob", "frame", "Political")
    store.db.execute(
        "INSERT INTO exposures (annotator, unit_id, created_at) VALUES ('ann', ?, 'now')", [u]
    )
    store.add_label(u, "ann", "frame", "Political")  # after exposure: a review label
    rows = store.independent_label_rows("frame", unit_id=u)
    assert {(r[2], r[3]) for r in rows} == {("ann", "Economic"), ("bob", "Political")}
    assert first in {r[0] for r in rows}


def test_votes_exclude_off_scale_superseded_and_retracted(store: Store) -> None:
    """What gold counts, per dimension, from one pass over the labels."""
    from framing.codebook import load_codebook
    from framing.goldset import load_all_votes

    ids = _ids(store)
    store.add_label(ids[0], "ann", "frame", "Economic")
    store.add_label(ids[0], "bob", "frame", "Sports")  # off the codebook's scale
    store.add_label(ids[1], "ann", "frame", "Political")
    store.add_label(ids[1], "ann", "frame", None)  # retracted: not counted, not off-scale
    store.add_label(ids[2], "bob", "frame", "Morality")
    store.add_label(ids[2], "ann", "certainty", "certain")
    store.add_label(ids[3], "ann", "frame", "Economic")
    store.merge_with_next(ids[3], "judge")  # ids[3], ids[4] superseded
    votes = load_all_votes(store, load_codebook(None), ["frame", "certainty"])
    frame = votes["frame"]
    assert frame.votes.unit_ids == [ids[0], ids[2]]  # document order
    assert frame.off_scale == 1 and frame.superseded == 1
    assert [frame.votes.classes[c] for c in frame.votes.value] == ["Economic", "Morality"]
    assert frame.votes.annotators == ["ann", "bob"]
    cert = votes["certainty"]
    assert cert.votes.unit_ids == [ids[2]] and cert.votes.annotators == ["ann"]
    assert cert.votes.classes == ["certain", "probable", "possible", "uncommitted"]


@pytest.mark.parametrize("key", ["f", "n", "h", "r", "m"])
def test_review_keys_are_reserved_in_codebooks(tmp_path: Path, key: str) -> None:
    from framing.codebook import load_codebook

    toml = (
        'name = "t"\nversion = 1\n[[dimensions]]\nid = "d"\nquestion = "q"\nkind = "single"\n'
        f'[[dimensions.labels]]\nid = "x"\nname = "X"\nkey = "{key}"\ndefinition = "x"\n'
    )
    path = tmp_path / "cb.toml"
    path.write_text(toml)
    with pytest.raises(FramingError, match="reserved"):
        load_codebook(path)


def test_multi_dimension_gold_by_exact_label_set(store: Store, tmp_path: Path) -> None:
    from framing.codebook import load_codebook
    from framing.goldset import fill_gold

    toml = 'name = "t"\nversion = 1\n[[dimensions]]\nid = "topics"\nquestion = "q"\n'
    toml += 'kind = "multi"\n'
    for lid, key in (("x", "1"), ("y", "2"), ("z", "3")):
        toml += f'[[dimensions.labels]]\nid = "{lid}"\nname = "{lid}"\nkey = "{key}"\n'
        toml += 'definition = "d"\n'
    path = tmp_path / "cb.toml"
    path.write_text(toml)
    cb = load_codebook(path)
    ids = _ids(store)
    for who, value in (("a", ["y", "x"]), ("b", ["x", "y"]), ("c", ["z"])):
        store.add_label(ids[0], who, "topics", value)
    store.add_label(ids[1], "a", "topics", ["x", "w"])  # w is not in the codebook
    store.add_label(ids[1], "b", "topics", ["x"])
    rep = fill_gold(store, cb, "topics", "majority")
    assert rep.off_scale_labels == 1 and rep.too_few == 1  # ids[1]: one valid annotator
    row = store.gold_current(ids[0])[(ids[0], "topics")]
    assert (row.value, row.method) == (["x", "y"], "majority")
    assert row.confidence == pytest.approx(2 / 3)


def test_split_in_a_study_assigns_the_new_units(store: Store) -> None:
    ids = _ids(store)
    for seq, u in enumerate(ids, start=1):
        store.db.execute(
            "INSERT INTO assignments (annotator, unit_id, seq, role, created_at)"
            " VALUES ('ann', ?, ?, 'regular', 'now')",
            [u, seq],
        )
    left, right = store.split_unit(ids[1], 9, "judge")
    rows = store.db.execute(
        "SELECT unit_id, seq FROM assignments WHERE annotator = 'ann' ORDER BY seq"
    ).fetchall()
    assert [r[0] for r in rows] == [*ids, left, right]


def test_agreement_leaves_out_superseded_units(store: Store) -> None:
    """After a split, the old unit's labels stay in history but no longer count in
    agreement: its new units are labelled afresh, and the old one would count twice."""
    ids = _ids(store)
    for name in ("a", "b"):
        for u in ids[:4]:
            store.add_label(u, name, "frame", "Economic")
    before = store.current_label_columns("independent")
    assert before.unit_ids == ids[:4]
    left, right = store.split_unit(ids[2], 9, "judge")
    for name in ("a", "b"):
        store.add_label(left, name, "frame", "Political")
    after = store.current_label_columns("independent")
    assert after.unit_ids == [ids[0], ids[1], left, ids[3]]
    assert len(after) == 8
    assert (
        store.db.execute("SELECT COUNT(*) FROM labels WHERE unit_id = ?", [ids[2]]).fetchone()[0]
        == 2
    )
