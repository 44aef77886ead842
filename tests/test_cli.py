"""Every command through click's CliRunner, including the bad-input paths."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from framing.cli import main
from framing.models import FramingError
from framing.store import Store

from .conftest import ROOT, SEEDS


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def _units(db: Path) -> list[dict]:
    code, out, _ = run("export", "--db", str(db))
    assert code == 0
    return [json.loads(line) for line in out.splitlines()]


# ----------------------------------------------------------------------- help
def test_help_lists_every_command() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for cmd in ("ingest", "codebook", "annotate", "agreement", "export", "import-labels"):
        assert cmd in out


# --------------------------------------------------------------------- ingest
def test_ingest_seeds_default_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    db = tmp_path / "d.db"
    code, out, _ = run("ingest", "--db", str(db))
    assert code == 0, out
    assert "5 documents added" in out
    store = Store.open(db)
    docs = store.documents()
    assert len(docs) == 5
    assert len({d.source for d in docs}) == 4
    assert store.count_units() >= 600
    # a second run changes nothing
    before = sqlite3.connect(db).execute("SELECT * FROM units ORDER BY unit_id").fetchall()
    code, out, _ = run("ingest", "--db", str(db))
    assert code == 0 and "0 documents added" in out and "5 unchanged" in out
    after = sqlite3.connect(db).execute("SELECT * FROM units ORDER BY unit_id").fetchall()
    assert before == after


def test_ingest_plain_folder_without_manifest(tmp_path: Path) -> None:
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "note.txt").write_text("First sentence here. Second one follows.\n", "utf-8")
    db = tmp_path / "p.db"
    code, out, _ = run("ingest", str(folder), "--db", str(db))
    assert code == 0, out
    rows = _units(db)
    assert {r["doc_id"] for r in rows} == {"note"}
    assert {r["source"] for r in rows} == {""}
    assert [r["text"] for r in rows] == ["First sentence here.", "Second one follows."]


def test_ingest_non_utf8_fails_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text("A fine sentence.", "utf-8")
    (folder / "b.txt").write_bytes("Caf\xe9 au lait.".encode("latin-1"))
    db = tmp_path / "n.db"
    code, _, err = run("ingest", str(folder), "--db", str(db))
    assert code != 0
    assert "b.txt" in err and "UTF-8" in err
    assert len(err.strip().splitlines()) == 1
    # nothing written: not even a.txt
    assert Store.open(db).count_units() == 0
    code, _, err = run("ingest", str(folder), "--db", str(db), "--encoding", "latin-1")
    assert code == 0, err
    assert any("Café" in r["text"] for r in _units(db))


def test_ingest_missing_path(tmp_path: Path) -> None:
    code, _, err = run("ingest", str(tmp_path / "nope"), "--db", str(tmp_path / "x.db"))
    assert code == 2 and "does not exist" in err


# ------------------------------------------------------------------- codebook
def test_codebook_json_shape() -> None:
    code, out, _ = run("codebook", "--json")
    assert code == 0
    data = json.loads(out)
    dims = {d["id"]: d for d in data["dimensions"]}
    assert list(dims) == ["perspective", "frame", "certainty"]
    assert [lab["id"] for lab in dims["certainty"]["labels"]] == [
        "certain",
        "probable",
        "possible",
        "uncommitted",
    ]
    assert dims["certainty"]["kind"] == "ordinal"
    assert len(dims["frame"]["labels"]) == 15
    for d in data["dimensions"]:
        assert set(d) == {"id", "kind", "question", "labels"}
        for lab in d["labels"]:
            assert set(lab) == {"id", "name", "key", "definition"}


def test_codebook_text_for_a_person() -> None:
    code, out, _ = run("codebook")
    assert code == 0
    assert "Security_and_defense" in out and "Pakistani institute" in out


def test_broken_codebook_is_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[dimensions]]\nid = "x"\nkind = "scale"\nquestion = "?"\n', "utf-8")
    code, _, err = run("codebook", "--codebook", str(bad))
    assert code == 1
    assert "bad.toml" in err and "scale" in err
    assert len(err.strip().splitlines()) == 1


# ------------------------------------------------------------- import/export
def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


def test_import_then_export_jsonl_and_csv(seeded_db: Path, tmp_path: Path) -> None:
    units = [r for r in _units(seeded_db) if r["queued"]][:3]
    rows = []
    for ann, frame in (("ann1", "Political"), ("ann2", "Political"), ("ann3", "Economic")):
        for u in units:
            rows.append(
                {"unit_id": u["unit_id"], "annotator": ann, "dimension": "frame", "value": frame}
            )
    f = _write_jsonl(tmp_path / "l.jsonl", rows)
    code, out, err = run("import-labels", str(f), "--db", str(seeded_db))
    assert code == 0, err
    assert "Imported 9 labels" in out
    exported = {r["unit_id"]: r for r in _units(seeded_db)}
    first = exported[units[0]["unit_id"]]
    assert first["labels"] == {
        "ann1": {"frame": "Political"},
        "ann2": {"frame": "Political"},
        "ann3": {"frame": "Economic"},
    }
    assert first["majority"] == {"perspective": None, "frame": "Political", "certainty": None}
    for key in (
        "unit_id",
        "doc_id",
        "file",
        "source",
        "position",
        "text",
        "start",
        "end",
        "kind",
        "queued",
        "sentiment",
        "labels",
        "majority",
    ):
        assert key in first
    # every unit, queued or not, in document and position order
    all_rows = _units(seeded_db)
    assert any(not r["queued"] for r in all_rows)
    assert [(r["doc_id"], r["position"]) for r in all_rows] == sorted(
        (r["doc_id"], r["position"]) for r in all_rows
    )
    out_csv = tmp_path / "out.csv"
    code, _, err = run("export", "--format", "csv", "-o", str(out_csv), "--db", str(seeded_db))
    assert code == 0, err
    header = out_csv.read_text("utf-8").splitlines()[0].split(",")
    assert "label:ann3:frame" in header and "majority:frame" in header
    assert len(out_csv.read_text("utf-8").splitlines()) == len(all_rows) + 1


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            {"unit_id": "nope:1-2", "annotator": "a", "dimension": "frame", "value": "Political"},
            "unknown unit",
        ),
        ({"annotator": "a", "dimension": "frame", "value": "Political"}, "missing field"),
        (
            {"unit_id": "U", "annotator": "a", "dimension": "tone", "value": "x"},
            "unknown dimension 'tone'",
        ),
        (
            {"unit_id": "U", "annotator": "a", "dimension": "frame", "value": "Sports"},
            "unknown label 'Sports'",
        ),
        ("{not json", "malformed JSON"),
    ],
)
def test_import_bad_line_imports_nothing(
    seeded_db: Path, tmp_path: Path, bad: dict | str, message: str
) -> None:
    unit_id = next(r for r in _units(seeded_db) if r["queued"])["unit_id"]
    good = {"unit_id": unit_id, "annotator": "a", "dimension": "frame", "value": "Political"}
    if isinstance(bad, dict) and bad.get("unit_id") == "U":
        bad = {**bad, "unit_id": unit_id}
    lines = [json.dumps(good), json.dumps(good), bad if isinstance(bad, str) else json.dumps(bad)]
    f = tmp_path / "bad.jsonl"
    f.write_text("\n".join(lines) + "\n", "utf-8")
    code, _, err = run("import-labels", str(f), "--db", str(seeded_db))
    assert code == 1
    assert "bad.jsonl:3" in err and message in err
    assert len(err.strip().splitlines()) == 1
    assert all(r["labels"] == {} for r in _units(seeded_db))


def test_export_on_missing_db_is_clear(tmp_path: Path) -> None:
    code, _, err = run("export", "--db", str(tmp_path / "none.db"))
    assert code == 1 and "no such database" in err


def test_export_output_file_not_partial_on_error(
    seeded_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import framing.export

    out = tmp_path / "x.jsonl"
    out.write_text("previous export\n", "utf-8")

    def half_then_fail(store: object, cb: object, fh: Any, **options: Any) -> int:
        fh.write('{"unit_id": "half a row')
        raise FramingError("simulated failure mid-export")

    monkeypatch.setattr(framing.export, "write_jsonl", half_then_fail)
    code, _, err = run("export", "-o", str(out), "--db", str(seeded_db))
    assert code == 1 and "simulated failure" in err
    assert out.read_text("utf-8") == "previous export\n"  # untouched
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".x.jsonl")] == []


def test_export_into_unwritable_place_is_one_line(seeded_db: Path) -> None:
    code, _, err = run("export", "-o", "/proc/no/such/x.jsonl", "--db", str(seeded_db))
    assert code == 1 and "x.jsonl: cannot write here" in err
    assert len(err.strip().splitlines()) == 1


def test_readers_do_not_write_and_work_on_read_only_files(seeded_db: Path, tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    con = sqlite3.connect(seeded_db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    shutil.copy(seeded_db, ro / "r.db")
    before = (ro / "r.db").read_bytes()
    (ro / "r.db").chmod(0o444)
    ro.chmod(0o555)
    try:
        for args in (["export"], ["agreement", "--json"], ["disagreements"]):
            code, out, err = run(*args, "--db", str(ro / "r.db"))
            assert code == 0, (args, err)
        assert (ro / "r.db").read_bytes() == before
    finally:
        ro.chmod(0o755)


def test_readers_do_not_wait_for_a_writer(seeded_db: Path) -> None:
    writer = sqlite3.connect(seeded_db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO annotators VALUES ('zed', 'now')")
    try:
        code, out, err = run("export", "--db", str(seeded_db))
        assert code == 0, err
        assert len(out.splitlines()) >= 600
    finally:
        writer.rollback()
        writer.close()


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.commit()
    con.close()
    for args in (["export"], ["ingest", str(SEEDS)]):
        code, _, err = run(*args, "--db", str(other))
        assert code == 1 and "not a framing database" in err
    tables = sqlite3.connect(other).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("invoices",)]


def test_locked_database_error(
    seeded_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRAMING_LOCK_TIMEOUT", "0.5")  # the default waits 30 s
    unit_id = next(r for r in _units(seeded_db) if r["queued"])["unit_id"]
    f = _write_jsonl(
        tmp_path / "l.jsonl",
        [{"unit_id": unit_id, "annotator": "a", "dimension": "frame", "value": "Political"}],
    )
    locker = sqlite3.connect(seeded_db)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        code, _, err = run("import-labels", str(f), "--db", str(seeded_db))
    finally:
        locker.rollback()
        locker.close()
    assert code == 1 and "database is locked" in err and "framing.db" in err


def test_a_writing_command_waits_for_a_lock_that_is_released(
    seeded_db: Path, tmp_path: Path
) -> None:
    """A batch command outlasts a busy study: it waits for the write lock (30 s by
    default) instead of failing after 2 s while annotators commit."""
    unit_id = next(r for r in _units(seeded_db) if r["queued"])["unit_id"]
    f = _write_jsonl(
        tmp_path / "l.jsonl",
        [{"unit_id": unit_id, "annotator": "a", "dimension": "frame", "value": "Political"}],
    )
    locker = sqlite3.connect(seeded_db, check_same_thread=False)
    locker.execute("BEGIN EXCLUSIVE")
    timer = threading.Timer(3.0, locker.rollback)  # longer than a key press waits
    timer.start()
    try:
        code, out, err = run("import-labels", str(f), "--db", str(seeded_db))
    finally:
        timer.join()
        locker.close()
    assert (code, err) == (0, ""), err
    assert "1 label" in out


def test_a_lock_timeout_that_is_not_a_number_is_refused(
    seeded_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRAMING_LOCK_TIMEOUT", "soon")
    (tmp_path / "new.txt").write_text("One sentence. Another one.\n")
    code, _, err = run("ingest", "--db", str(seeded_db), str(tmp_path / "new.txt"))
    assert code == 2 and "FRAMING_LOCK_TIMEOUT='soon'" in err


def test_newer_schema_database_is_refused(seeded_db: Path) -> None:
    con = sqlite3.connect(seeded_db)
    con.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('framing', 'm999_future', 'x')"
    )
    con.commit()
    con.close()
    code, _, err = run("export", "--db", str(seeded_db))
    assert code == 1 and "schema is newer" in err


def test_annotate_requires_units(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    Store.open(db).close()
    code, _, err = run("annotate", "--annotator", "alice", "--db", str(db))
    assert code == 1 and "framing ingest" in err


def test_agreement_on_empty_labels(seeded_db: Path) -> None:
    code, out, err = run("agreement", "--json", "--db", str(seeded_db))
    assert code == 0, err
    data = json.loads(out)["dimensions"]
    assert set(data) == {"perspective", "frame", "certainty"}
    assert data["frame"]["units"] == 0


def test_seeds_are_the_shared_corpus_byte_for_byte() -> None:
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds not present beside this checkout")
    for f in shared.glob("*.txt"):
        assert (SEEDS / f.name).read_bytes() == f.read_bytes()


# ---------------------------------------------------------------------- hints
def test_hints_for_one_unit(seeded_db: Path) -> None:
    rows = _units(seeded_db)
    unit = next(r for r in rows if r["text"].startswith("Pakistan's interim Prime Minister"))
    assert unit["hints"]["actors"], "export carries the hints"
    code, out, err = run("hints", unit["unit_id"], "--db", str(seeded_db))
    assert code == 0, err
    assert "accused" in out and "TTP" in out
    assert "suggested certainty" in out.lower()
    code, out, _ = run("hints", unit["unit_id"], "--json", "--db", str(seeded_db))
    assert json.loads(out) == unit["hints"]


def test_hints_unknown_unit(seeded_db: Path) -> None:
    code, _, err = run("hints", "nope:0-1", "--db", str(seeded_db))
    assert code == 1 and "no unit 'nope:0-1'" in err


def test_import_twice_adds_no_history(seeded_db: Path, tmp_path: Path) -> None:
    unit_id = next(r for r in _units(seeded_db) if r["queued"])["unit_id"]
    f = _write_jsonl(
        tmp_path / "l.jsonl",
        [{"unit_id": unit_id, "annotator": "a", "dimension": "frame", "value": "Political"}],
    )
    assert run("import-labels", str(f), "--db", str(seeded_db))[1].startswith("Imported 1 ")
    code, out, _ = run("import-labels", str(f), "--db", str(seeded_db))
    assert code == 0 and "Imported 0 labels" in out and "1 already current" in out
    n = sqlite3.connect(seeded_db).execute("SELECT COUNT(*) FROM labels").fetchone()[0]
    assert n == 1


def test_import_non_utf8_names_the_line(seeded_db: Path, tmp_path: Path) -> None:
    unit_id = next(r for r in _units(seeded_db) if r["queued"])["unit_id"]
    good = json.dumps(
        {"unit_id": unit_id, "annotator": "a", "dimension": "frame", "value": "Political"}
    )
    f = tmp_path / "l.jsonl"
    f.write_bytes(
        good.encode() + b"\n" + good.replace('"a"', '"Jos\xe9"').encode("latin-1") + b"\n"
    )
    code, _, err = run("import-labels", str(f), "--db", str(seeded_db))
    assert code == 1 and "l.jsonl:2: not UTF-8" in err


def test_ingest_of_nothing_is_an_error_and_creates_no_database(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    db = tmp_path / "none.db"
    code, _, err = run("ingest", str(empty), "--db", str(db))
    assert code == 1 and "no text found" in err
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.txt").write_bytes(b"caf\xe9")
    code, _, err = run("ingest", str(bad), "--db", str(db))
    assert code == 1 and "x.txt" in err
    assert not db.exists()


def test_same_stem_from_another_folder_is_refused(tmp_path: Path) -> None:
    for folder, text in (("A", "Alpha text here. It is fine."), ("B", "Beta text. Different.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "notes.txt").write_text(text, "utf-8")
    db = tmp_path / "ab.db"
    assert run("ingest", str(tmp_path / "A"), "--db", str(db))[0] == 0
    code, _, err = run("ingest", str(tmp_path / "B"), "--db", str(db))
    assert code == 1 and "already holds" in err and "notes.txt" in err
    assert any("Alpha" in r["text"] for r in _units(db))


def test_reingest_skips_unchanged_documents_without_segmenting(
    seeded_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import framing.ingest

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("re-segmented an unchanged document")

    monkeypatch.setattr(framing.ingest, "iter_segments", boom)
    code, out, err = run("ingest", str(SEEDS), "--db", str(seeded_db))
    assert code == 0, err
    assert "5 unchanged" in out
