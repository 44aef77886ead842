"""Schema m004_dataset: the integer codes of every label row that export and analysis read.

The codes must equal the labels after every write path (UI label with timing, review
label, retraction, import, merge), after an upgrade of a release-0.1.0 database, and
after a hand edit (the reader then falls back to the labels); ``framing check`` names
a code that differs from its label.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from framing.cli import main
from framing.models import Document, UnitDraft
from framing.store import Store, migrations
from framing.store.codes import check_label_codes
from framing.store.dataset import _independent_codes_from_labels

from .dataset_fixtures import labelled_seeds_template  # noqa: F401

RELEASE_DB = Path(__file__).parent / "data" / "release-0.1.0.db"


def _content(store: Store, *, timing: bool = True) -> list[tuple[Any, ...]]:
    """Every independent label the readers return, as comparable tuples."""
    order = store.unit_order()
    pos = {u: i for i, u in enumerate(order)}
    c = store.independent_label_codes(pos) if timing else store.independent_label_values(pos)
    rows = []
    for i in range(len(c.pos)):
        active = c.active[i]
        rows.append(
            (
                order[c.pos[i]],
                c.annotators[c.annotator[i]],
                c.dimensions[c.dimension[i]],
                str(c.values[c.value[i]]),
                c.times[c.time[i]],
                c.shown_values[c.shown[i]],
                None if active != active else int(active),
                c.cond_values[c.cond[i]],
                c.phase_values[c.phase[i]],
            )
        )
    return sorted(rows)


def _from_labels(store: Store, *, timing: bool = True) -> list[tuple[Any, ...]]:
    """The same through the text path (the fallback), read directly."""
    real = store.coded_label_scan
    store.coded_label_scan = lambda **kw: None  # type: ignore[method-assign]
    try:
        return _content(store, timing=timing)
    finally:
        store.coded_label_scan = real  # type: ignore[method-assign]


def _assert_codes_match(store: Store) -> None:
    assert store.label_codes_current()
    assert check_label_codes(store.db.conn) == []
    assert store.coded_label_scan(timing=True) is not None
    assert _content(store) == _from_labels(store)
    assert _content(store, timing=False) == _from_labels(store, timing=False)


def _store(path: Path) -> tuple[Store, list[str]]:
    s = Store.open(path)
    drafts = [UnitDraft(i, i * 10, i * 10 + 8, f"sentence {i}") for i in range(6)]
    s.ingest([(Document("a", "a.txt", sha256="a"), drafts)])
    return s, [u.unit_id for u in s.iter_units()]


def test_release_database_upgrade_codes_every_label(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(RELEASE_DB, db)
    conn = sqlite3.connect(db)
    before = conn.execute("SELECT * FROM labels ORDER BY id").fetchall()
    conn.close()
    assert len(before) >= 540 and any(r[4] is None for r in before)
    store = Store.open(db)
    assert "m004_dataset" in {m.name for m in migrations.applied(store.db)}
    # every label kept as it was (m004 only adds tables), and each one has its code
    cols = "id, unit_id, annotator, dimension, value, origin, created_at"
    assert store.db.execute(f"SELECT {cols} FROM labels ORDER BY id").fetchall() == before
    n_codes = store.db.execute("SELECT COUNT(*) FROM label_codes").fetchone()[0]
    assert n_codes == len(before)
    _assert_codes_match(store)
    assert len(_content(store)) == len(
        store.db.execute("SELECT * FROM independent_labels").fetchall()
    )
    store.close()
    Store.open(db, readonly=True).close()


def test_every_write_path_keeps_the_codes_current(tmp_path: Path) -> None:
    s, ids = _store(tmp_path / "a.db")
    # UI labels with timing and a hint condition
    s.add_label(ids[0], "ann", "frame", "Economic", hints_condition="on", shown_at="t0",
                active_ms=1200)  # fmt: skip
    s.add_label(ids[0], "ann", "certainty", "high", hints_condition="on", shown_at="t0")
    s.add_label(ids[1], "ann", "actors", ["b", "a"])  # a multi value
    _assert_codes_match(s)
    # a retraction, then a label again, then a retraction that stays
    s.add_label(ids[0], "ann", "certainty", None)
    s.add_label(ids[2], "bob", "frame", "Political")
    s.add_label(ids[2], "bob", "frame", None)
    _assert_codes_match(s)
    # a review label (after seeing the others): not independent, never read
    s.record_exposure("ann", ids[2])
    s.add_label(ids[2], "ann", "frame", "Political")
    _assert_codes_match(s)
    # import: new annotator, new values, a change of a current label
    s.import_labels([(ids[3], "cat", "frame", "Legal"), (ids[0], "ann", "frame", "Moral")])
    _assert_codes_match(s)
    got = {(r[0], r[1], r[2]): r[3] for r in _content(s)}
    assert got[(ids[0], "ann", "frame")] == "Moral"
    assert (ids[0], "ann", "certainty") not in got  # retracted
    assert (ids[2], "bob", "frame") not in got  # retracted
    assert (ids[2], "ann", "frame") not in got  # ann's only label there is a review label
    assert got[(ids[1], "ann", "actors")] == str(["a", "b"])
    s.close()
    # merge: the histories of an offline copy
    other, _ = _store(tmp_path / "b.db")
    other.add_label(ids[4], "dan", "frame", "Economic", shown_at="t9", active_ms=5)
    other.close()
    s = Store.open(tmp_path / "a.db")
    s.merge([tmp_path / "b.db"])
    _assert_codes_match(s)
    assert any(r[1] == "dan" and r[6] == 5 for r in _content(s))


def test_hand_edits_make_readers_fall_back_until_the_next_write(tmp_path: Path) -> None:
    s, ids = _store(tmp_path / "a.db")
    for i, u in enumerate(ids):
        s.add_label(u, "ann", "frame", "Economic" if i % 2 else "Political")
    # changed by hand: the trigger drops that code and the later ones
    s.db.execute("UPDATE labels SET value = 'Legal' WHERE id = 3")
    assert not s.label_codes_current()
    assert s.coded_label_scan(timing=False) is None
    assert "Legal" in {r[3] for r in _content(s)}  # the fallback reads labels
    # inserted by hand: lag
    s.db.execute(
        "INSERT INTO labels (unit_id, annotator, dimension, value, origin, created_at)"
        " VALUES (?, 'ann', 'certainty', 'low', 'hand', 'x')",
        [ids[0]],
    )
    s.add_label(ids[5], "bob", "frame", "Moral")  # the next write codes them all
    _assert_codes_match(s)
    # deleted by hand
    s.db.execute("DELETE FROM labels WHERE id = 2")
    assert check_label_codes(s.db.conn) == []
    s.add_label(ids[5], "bob", "frame", "Legal")
    _assert_codes_match(s)


def test_check_names_a_code_that_differs_from_its_label(tmp_path: Path) -> None:
    s, ids = _store(tmp_path / "a.db")
    s.add_label(ids[0], "ann", "frame", "Economic")
    s.add_label(ids[1], "ann", "frame", "Political")
    s.db.execute("UPDATE label_codes SET value = (SELECT value FROM label_codes WHERE id = 1)"
                 " WHERE id = 2")  # fmt: skip
    s.db.conn.commit()
    s.close()
    res = CliRunner().invoke(main, ["check", "--db", str(tmp_path / "a.db")])
    assert res.exit_code != 0
    assert "label codes: the code of label 2 differs from its label row" in res.output


def test_fallback_reads_what_the_codes_read(tmp_path: Path) -> None:
    s, ids = _store(tmp_path / "a.db")
    rows = [(u, f"a{k}", d, v) for k in range(3) for u in ids for d, v in
            (("frame", f"F{k}"), ("certainty", "low"))]  # fmt: skip
    s.import_labels(rows)
    direct = _independent_codes_from_labels(s, {u: i for i, u in enumerate(ids)})
    assert len(direct.pos) == len(rows)
    _assert_codes_match(s)


# ------------------------------------------------------------- text features (m004)

_CUES_JSON1 = (
    "SELECT COALESCE(d.source, ''), json_extract(c.value, '$.type'), COUNT(*)"
    " FROM units u JOIN documents d ON d.doc_id = u.doc_id, json_each(u.hints, '$.cues') c"
    " WHERE u.queued = 1 AND u.hints IS NOT NULL GROUP BY 1, 2"
)
_ACTORS_JSON1 = (
    "SELECT src, actor, MIN(name), COUNT(*), TOTAL(reported) FROM ("
    " SELECT DISTINCT u.unit_id, COALESCE(d.source, '') AS src,"
    "  json_extract(a.value, '$.id') AS actor, json_extract(a.value, '$.name') AS name,"
    "  EXISTS (SELECT 1 FROM json_each(u.hints, '$.cues') c"
    "   WHERE json_extract(c.value, '$.type') IN ('attribution', 'quote')) AS reported"
    " FROM units u JOIN documents d ON d.doc_id = u.doc_id, json_each(u.hints, '$.actors') a"
    " WHERE u.queued = 1 AND u.hints IS NOT NULL)"
    " WHERE actor IS NOT NULL GROUP BY src, actor ORDER BY src, actor"
)


def _assert_features_match(store: Store) -> None:
    """The stored per-unit features sum to what JSON1 over every unit's hints gives."""
    cues = sorted(store.cue_counts_by_source())
    assert cues == sorted(tuple(r) for r in store.db.execute(_CUES_JSON1))
    actors = store.actor_counts_by_source()
    assert actors == [tuple(r) for r in store.db.execute(_ACTORS_JSON1)]


def _hints(*cues: str, actors: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "cues": [{"type": c, "text": "x", "start": 0, "end": 1} for c in cues],
        "actors": [{"id": a, "name": a.title(), "text": a, "start": 0, "end": 1} for a in actors],
    }


def test_release_database_upgrade_stores_the_text_features(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(RELEASE_DB, db)
    store = Store.open(db)
    assert store.db.execute("SELECT COUNT(*) FROM unit_cues").fetchone()[0] > 0
    assert store.db.execute("SELECT COUNT(*) FROM unit_actors").fetchone()[0] > 0
    _assert_features_match(store)


def test_text_features_follow_every_change_of_the_units(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "a.db")
    drafts = [
        UnitDraft(0, 0, 8, "one", hints=_hints("hedge", "hedge", actors=("taliban",))),
        UnitDraft(1, 10, 18, "two", hints=_hints("attribution", actors=("taliban", "un"))),
        UnitDraft(2, 20, 28, "three", hints=None),
        UnitDraft(
            3,
            30,
            38,
            "four",
            hints={  # the same actor twice, names missing
                "cues": [],
                "actors": [{"id": "un"}, {"id": "un"}, {"id": "un", "name": "UN"}],
            },
        ),
        UnitDraft(4, 40, 48, "five", hints={"cues": [], "actors": [{"id": "nobody"}]}),
    ]
    s.ingest([(Document("a", "a.txt", sha256="a", source="S"), drafts)])
    s.ingest([(Document("b", "b.txt", sha256="b", source="T"), drafts[:1])])
    _assert_features_match(s)
    assert ("S", "hedge", 2) in s.cue_counts_by_source()
    # a unit taken out of the queue, and hints edited by hand
    first = s.db.execute(
        "SELECT unit_id FROM units WHERE doc_id = 'a' ORDER BY position"
    ).fetchone()
    s.db.execute("UPDATE units SET queued = 0 WHERE unit_id = ?", [first[0]])
    s.db.execute(
        "UPDATE units SET hints = ? WHERE doc_id = 'b'",
        [json.dumps(_hints("quote", actors=("un",)))],
    )
    s.db.execute("UPDATE units SET hints = 'not json' WHERE position = 2")
    _assert_features_match_tolerant(s)
    # a document replaced (its units deleted and inserted again)
    s.ingest(
        [
            (
                Document("b", "b.txt", sha256="b2", source="T"),
                [UnitDraft(0, 0, 8, "new", hints=_hints("booster"))],
            )
        ]
    )
    _assert_features_match_tolerant(s)
    assert ("T", "booster", 1) in s.cue_counts_by_source()
    assert not any(r[0] == "T" for r in s.actor_counts_by_source())


def _assert_features_match_tolerant(store: Store) -> None:
    """As :func:`_assert_features_match`, with the units whose hints are not JSON (which
    JSON1 cannot read at all) left out of the reference."""
    bad = store.db.execute("SELECT COUNT(*) FROM units WHERE NOT json_valid(hints)").fetchone()[0]
    if not bad:
        _assert_features_match(store)
        return
    saved = store.db.execute(
        "SELECT unit_id, hints FROM units WHERE NOT json_valid(hints)"
    ).fetchall()
    store.db.execute("UPDATE units SET hints = NULL WHERE NOT json_valid(hints)")
    try:
        _assert_features_match(store)
    finally:
        store.db.conn.executemany(
            "UPDATE units SET hints = ? WHERE unit_id = ?", [(h, u) for u, h in saved]
        )


# ------------------------------------- readers: codes and labels give the same outputs


def test_analyze_and_export_read_the_same_from_codes_and_from_labels(
    labelled_seeds_template: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    db = tmp_path / "seeds.db"
    shutil.copy(labelled_seeds_template, db)
    s = Store.open(db)
    units = [u.unit_id for u in s.iter_units(queued_only=True)]
    # some history: a changed label, a retraction, a review label, UI timing
    s.add_label(units[0], "amina", "frame", "economic", shown_at="t1", active_ms=900)
    s.add_label(units[1], "boris", "certainty", None)
    s.record_exposure("chen", units[2])
    s.add_label(units[2], "chen", "frame", "economic")
    s.close()

    def outputs(tag: str) -> list[bytes]:
        out = tmp_path / tag
        args = ["--db", str(db)]
        for cmd in (
            ["analyze", "--json", "-o", str(out.with_suffix(".json")), "--n-boot", "50"],
            ["export", "-o", str(out.with_suffix(".jsonl"))],
            ["export", "--format", "parquet", "-o", str(out.with_suffix(".parquet"))],
        ):
            res = CliRunner().invoke(main, [*cmd, *args])
            assert res.exit_code == 0, res.output
        report = json.loads(out.with_suffix(".json").read_text())
        report["meta"].pop("generated_at")
        return [
            json.dumps(report).encode(),
            out.with_suffix(".jsonl").read_bytes(),
            out.with_suffix(".parquet").read_bytes(),
        ]

    from_codes = outputs("codes")
    monkeypatch.setattr(Store, "coded_label_scan", lambda self, **kw: None)
    assert outputs("labels") == from_codes


def test_codes_that_do_not_fit_one_integer_are_read_in_several(
    tmp_path: Path, monkeypatch: Any
) -> None:
    import framing.store.codes as codes

    s, ids = _store(tmp_path / "a.db")
    s.add_label(ids[0], "ann", "frame", "Economic", hints_condition="on", shown_at="t0",
                active_ms=7)  # fmt: skip
    s.add_label(ids[1], "bob", "frame", "Legal")
    s.record_exposure("ann", ids[1])
    s.add_label(ids[1], "ann", "certainty", "low")
    monkeypatch.setattr(codes, "_PACK_LIMIT", 64)  # a word holds ~2 small codes
    _assert_codes_match(s)
    monkeypatch.setattr(codes, "_PACK_LIMIT", 4)  # a code alone does not fit: labels
    assert s.coded_label_scan(timing=True) is None
    assert len(_content(s)) == 2


def test_a_coded_scan_reads_one_moment_while_annotators_write(tmp_path: Path) -> None:
    """The scan looks up the terms and times first, then reads the codes. A label
    committed in between by another process (a new annotator: a new term; a new
    time) must not reach the scan: its codes would be past the terms it knows and
    garble the packed integers (export crashed on this under 4 annotators)."""
    store, units = _store(tmp_path / "a.db")
    store.add_label(units[0], "amina", "frame", "Economic")
    store.close()
    reader = Store.open(tmp_path / "a.db", readonly=True)
    writer = Store.open(tmp_path / "a.db")
    real = reader.db.execute
    fired: list[str] = []

    def execute(sql: str, *args: Any, **kw: Any) -> Any:
        if "FROM label_codes" in sql and "ORDER BY id" in sql and not fired:
            fired.append(sql)  # between the lookups and the scan: another writer commits
            writer.add_label(units[1], "newcomer", "certainty", "probable")
        return real(sql, *args, **kw)

    reader.db.execute = execute  # type: ignore[method-assign]
    try:
        scan = reader.coded_label_scan(timing=True)
    finally:
        reader.close()
        writer.close()
    assert fired and scan is not None
    annotators = [scan.keys["annotator"][c] for c in scan.arr["annotator"]]
    assert annotators == ["amina"]
    assert [scan.keys["time"][c] for c in scan.arr["time"]] != [None]


def test_a_reading_command_reads_the_database_as_it_was_when_it_started(
    tmp_path: Path,
) -> None:
    """A read-only command's store holds one snapshot: a label committed while it
    runs is not half-seen (counted in one table and missing from another)."""
    from framing.cli.common import _store as open_for_command

    store, units = _store(tmp_path / "a.db")
    store.add_label(units[0], "amina", "frame", "Economic")
    store.close()
    reader = open_for_command(str(tmp_path / "a.db"), readonly=True)
    writer = Store.open(tmp_path / "a.db")
    try:
        writer.add_label(units[1], "boris", "frame", "Political")
        n_labels = reader.db.execute("SELECT COUNT(*) FROM labels").fetchone()[0]
        n_codes = reader.db.execute("SELECT COUNT(*) FROM label_codes").fetchone()[0]
    finally:
        reader.close()
        writer.close()
    assert (n_labels, n_codes) == (1, 1)
