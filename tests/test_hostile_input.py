"""Issue 7, items 3, 4, 6 and 7: terminal escapes, CSV formulas, inputs that hang,
and the inputs that used to end in a traceback (or a crash with exit status 0).

Every bad input must give a one-line error naming the file and the problem, and a
non-zero exit status; stored text stays byte-exact."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from framing.cli import main
from framing.codebook import load_codebook
from framing.display import ANNOTATOR_MAX_LEN, check_annotator, json_visible, visible
from framing.models import FramingError
from framing.store import Store

from .conftest import ROOT

SRC = str(ROOT / "src")
_CLI = "import sys; from framing.cli import main; sys.exit(main())"

OSC52 = "\x1b]52;c;aGVsbG8=\x07"
TITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"
CSI = "\x9b2J"
EVIL = f"Officials said {OSC52}the attack{TITLE} was {CLEAR}planned{CSI} by the TTP."


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def one_line_error(code: int, err: str) -> bool:
    errors = [line for line in err.splitlines() if line.startswith("Error")]
    return code != 0 and len(errors) == 1 and "Traceback" not in err


def _no_controls(text: str) -> bool:
    return not any(ord(c) < 0x20 and c not in "\n\t" or 0x7F <= ord(c) < 0xA0 for c in text)


@pytest.fixture
def evil_db(tmp_path: Path) -> tuple[Path, str]:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "doc.txt").write_text(f"A calm first sentence.\n\n{EVIL}\n\nA calm last one.\n")
    db = tmp_path / "e.db"
    code, _, err = run("ingest", str(folder), "--db", str(db))
    assert code == 0, err
    store = Store.open(db)
    unit = next(u for u in store.iter_units() if "\x1b" in u.text)
    for who in ("amina", "boris"):
        store.add_label(unit.unit_id, who, "frame", "Political" if who == "amina" else "Economic")
    store.close()
    return db, unit.unit_id


# ------------------------------------------------------------ item 3: escapes
def test_visible_keeps_length_newlines_and_tabs() -> None:
    text = "a\x1b]0;x\x07b\tc\nd\x9b\x7f\x00" + "\ud800"
    shown = visible(text)
    assert len(shown) == len(text)
    assert shown == "a␛]0;x␇b\tc\nd␦␡␀\ufffd"
    assert json.loads(json_visible(json.dumps("x\x9by\x7f", ensure_ascii=False))) == "x\x9by\x7f"


def test_stored_text_stays_byte_exact(evil_db: tuple[Path, str]) -> None:
    db, unit_id = evil_db
    store = Store.open(db, readonly=True)
    unit = store.unit(unit_id)
    assert unit is not None and OSC52 in unit.text and CSI in unit.text


@pytest.mark.parametrize(
    "args",
    [
        ["hints", "UNIT"],
        ["disagreements"],
        ["agreement", "--by", "all"],
        ["agreement", "--format", "markdown"],
        ["agreement", "--json"],
        ["hints", "UNIT", "--json"],
    ],
)
def test_cli_text_output_has_no_terminal_controls(
    evil_db: tuple[Path, str], args: list[str]
) -> None:
    db, unit_id = evil_db
    code, out, err = run(*[unit_id if a == "UNIT" else a for a in args], "--db", str(db))
    assert code == 0, err
    assert _no_controls(out), repr(out[:300])
    if args[0] == "disagreements":
        assert "␛]52;c;" in out  # shown, visibly


def test_error_messages_show_controls_visibly(evil_db: tuple[Path, str]) -> None:
    db, _ = evil_db
    code, _, err = run("hints", f"x{OSC52}", "--db", str(db))
    assert code == 1 and _no_controls(err)


async def test_tui_shows_escapes_as_symbols(evil_db: tuple[Path, str]) -> None:
    from framing.tui import create_app
    from framing.tui.widgets.unit_view import UnitView

    db, unit_id = evil_db
    store = Store.open(db)
    app = create_app(store, load_codebook(), "chen")
    async with app.run_test(size=(120, 40)) as pilot:
        uv = app.annotate_screen.query_one(UnitView)
        # the calm first unit is current; the evil one is the "after" context
        assert _no_controls(uv.text), "context shown raw"
        assert "␛]52;c;" in uv.text
        await pilot.press("1", "1", "1")
        assert EVIL.replace(OSC52, "") != uv.current_text
        assert _no_controls(uv.current_text) and "␛[2J" in uv.current_text
    store.close()


@pytest.mark.parametrize(
    "name",
    ["bad\x1b]0;x\x07", "tab\tname", "new\nline", "c1\x9b", "x" * (ANNOTATOR_MAX_LEN + 1), "   "],
)
def test_bad_annotator_names_are_refused_everywhere(
    evil_db: tuple[Path, str], tmp_path: Path, name: str
) -> None:
    db, unit_id = evil_db
    with pytest.raises(FramingError):
        check_annotator(name)
    store = Store.open(db)
    with pytest.raises(FramingError):
        store.add_label(unit_id, name, "frame", "Political")
    store.close()
    code, _, err = run("annotate", "--annotator", name, "--db", str(db))
    assert one_line_error(code, err), err
    f = tmp_path / "l.jsonl"
    row = {"unit_id": unit_id, "annotator": name, "dimension": "frame", "value": "Political"}
    f.write_text(json.dumps(row) + "\n")
    code, _, err = run("import-labels", str(f), "--db", str(db))
    assert one_line_error(code, err) and f"{f}:1" in err, err
    assert check_annotator("  Amina Khan ") == "Amina Khan"


def test_annotate_with_non_utf8_name_exits_non_zero(evil_db: tuple[Path, str]) -> None:
    """``framing annotate --annotator $'bad\\xff'`` used to crash with exit status 0."""
    db, _ = evil_db
    # the argument with the raw byte 0xff, as bash's $'bad\xff' passes it:
    proc = subprocess.run(
        [
            sys.executable.encode(),
            b"-c",
            _CLI.encode(),
            b"annotate",
            b"--db",
            str(db).encode(),
            b"--annotator",
            b"bad\xff",
        ],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": SRC},
        timeout=120,
    )
    assert proc.returncode != 0
    assert b"Traceback" not in proc.stderr and b"not valid UTF-8" in proc.stderr


# ---------------------------------------------------------- item 4: CSV formulas
def test_csv_formulas_are_neutralised_unless_raw(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    cells = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "plain"]
    (folder / "doc.txt").write_text("\n\n".join(cells) + "\n")
    db = tmp_path / "c.db"
    assert run("ingest", str(folder), "--db", str(db))[0] == 0
    code, out, err = run("export", "--format", "csv", "--db", str(db))
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    texts = [r["text"] for r in rows]
    for t in texts:
        assert not t.startswith(("=", "+", "-", "@", "\t", "\r")), t
    assert '\'=HYPERLINK("http://x")' in texts and "plain" in texts
    assert all(r["sentiment"] == "" or not r["sentiment"].startswith("'") for r in rows)
    code, out, err = run("export", "--format", "csv", "--csv-raw", "--db", str(db))
    assert code == 0, err
    raw = [r["text"] for r in csv.DictReader(io.StringIO(out))]
    assert '=HYPERLINK("http://x")' in raw and "+1+1" in raw


# -------------------------------------------------------- item 6: hanging inputs
@pytest.mark.parametrize("kind", ["fifo", "/dev/zero"])
def test_fifo_or_device_as_input_is_refused(seeded_db: Path, tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        path = tmp_path / "in.fifo"
        os.mkfifo(path)
    else:
        path = Path(kind)
    for args in (["import-labels", str(path)], ["export", "--codebook", str(path)]):
        code, _, err = run(*args, "--db", str(seeded_db))
        assert one_line_error(code, err) and "not a regular file" in err, (args, err)


# ------------------------------------------------------ item 7: no tracebacks
def _jsonl(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("field", ["unit_id", "annotator", "dimension"])
def test_lone_surrogate_in_import_is_one_line(seeded_db: Path, tmp_path: Path, field: str) -> None:
    row = {"unit_id": "u", "annotator": "amina", "dimension": "frame", "value": "Political"}
    line = json.dumps(row).replace(f'"{row[field]}"', '"a\\ud800b"', 1)
    f = _jsonl(tmp_path / "l.jsonl", line + "\n")
    code, _, err = run("import-labels", str(f), "--db", str(seeded_db))
    assert one_line_error(code, err) and f"{f}:1" in err, err


@pytest.mark.parametrize("field", ["text", "id", "title"])
def test_lone_surrogate_in_jsonl_ingest_is_one_line(tmp_path: Path, field: str) -> None:
    rec = {"text": "A sentence.", "id": "d1", "title": "T"}
    line = json.dumps(rec).replace(f'"{rec[field]}"', '"a\\ud800b"', 1)
    f = _jsonl(tmp_path / "docs.jsonl", line + "\n")
    code, _, err = run("ingest", str(f), "--db", str(tmp_path / "x.db"))
    assert one_line_error(code, err) and "surrogate" in err, err


def test_lone_surrogate_hints_argument_is_one_line(seeded_db: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable.encode(),
            b"-c",
            _CLI.encode(),
            b"hints",
            b"a\xedb",
            b"--db",
            str(seeded_db).encode(),
        ],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": SRC},
        timeout=120,
    )
    assert proc.returncode != 0 and b"Traceback" not in proc.stderr, proc.stderr


def test_deep_nesting_is_one_line(seeded_db: Path, tmp_path: Path) -> None:
    deep = "[" * 100_000
    f = _jsonl(tmp_path / "l.jsonl", deep + "\n")
    code, _, err = run("import-labels", str(f), "--db", str(seeded_db))
    assert one_line_error(code, err) and "nested" in err, err
    docs = _jsonl(tmp_path / "docs.jsonl", '{"text": "x", "n": ' + deep + "\n")
    code, _, err = run("ingest", str(docs), "--db", str(tmp_path / "d.db"))
    assert one_line_error(code, err) and "nested" in err, err
    cb = _jsonl(tmp_path / "cb.toml", "a = " + deep + "\n")
    code, _, err = run("codebook", "--codebook", str(cb))
    assert one_line_error(code, err) and "nested" in err, err
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "a.txt").write_text("Some text.\n")
    _jsonl(folder / "manifest.toml", "x = " + deep + "\n")
    code, _, err = run("ingest", str(folder), "--db", str(tmp_path / "m.db"))
    assert one_line_error(code, err) and "nested" in err, err


def _sql(db: Path, *statements: str) -> None:
    con = sqlite3.connect(db)
    for s in statements:
        con.execute(s)
    con.commit()
    con.close()


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE units SET hints = '{not json' WHERE rowid = 1",
        "UPDATE units SET hints = '[1, 2]' WHERE rowid = 1",
        "UPDATE units SET text = X'00ff' WHERE rowid = 1",
        "DELETE FROM documents WHERE rowid = 1",
        "DROP VIEW current_labels",
        "UPDATE labels SET value = '[broken' WHERE id = 1",
    ],
)
def test_hand_edited_rows_are_one_line(seeded_db: Path, edit: str) -> None:
    store = Store.open(seeded_db)
    first = next(store.iter_units())
    store.add_label(first.unit_id, "amina", "frame", "Political")
    store.add_label(first.unit_id, "boris", "frame", "Economic")
    store.close()
    _sql(seeded_db, edit)
    for args in (["export"], ["export", "--format", "csv"], ["disagreements"], ["agreement"]):
        code, _, err = run(*args, "--db", str(seeded_db))
        if args == ["export"]:  # reads every row: it must notice
            assert code != 0, edit
        assert code == 0 or one_line_error(code, err), (args, err)


def test_corrupted_pages_are_one_line_and_nothing_is_committed(
    seeded_db: Path, tmp_path: Path
) -> None:
    con = sqlite3.connect(seeded_db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(seeded_db.read_bytes())
    page = 4096
    for p in range(3, len(data) // page, 2):  # scribble over every other page
        data[p * page + 10 : p * page + 400] = os.urandom(390)
    seeded_db.write_bytes(bytes(data))
    Path(f"{seeded_db}-wal").unlink(missing_ok=True)
    Path(f"{seeded_db}-shm").unlink(missing_ok=True)
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "fresh.txt").write_text("A fresh document.\n")
    for args in (["export"], ["agreement"], ["disagreements"], ["ingest", str(folder)]):
        code, _, err = run(*args, "--db", str(seeded_db))
        if args[0] in ("export", "ingest"):  # they read every page they need: must notice
            assert code != 0, args
        assert code == 0 or one_line_error(code, err), (args, err)


def test_truncated_database_is_one_line(seeded_db: Path) -> None:
    con = sqlite3.connect(seeded_db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = seeded_db.read_bytes()
    seeded_db.write_bytes(data[: len(data) // 3])
    for args in (["export"], ["agreement"]):
        code, _, err = run(*args, "--db", str(seeded_db))
        assert one_line_error(code, err), (args, err)


def test_release_database_still_opens(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    shutil.copy(ROOT / "tests" / "data" / "release-0.1.0.db", db)
    code, out, err = run("export", "--db", str(db))
    assert code != 0 or out  # unchanged behaviour: the migration test owns the details


def test_symlink_out_of_an_ingest_folder_is_named_and_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("A real document here.\n")
    outside = tmp_path / "secret.txt"
    outside.write_text("Something private outside the folder.\n")
    (folder / "leak.txt").symlink_to(outside)
    (folder / "inside.txt").symlink_to(folder / "a.txt")  # inside: fine (a duplicate)
    db = tmp_path / "s.db"
    code, out, err = run("ingest", str(folder), "--db", str(db))
    assert code == 0, err
    assert "leak.txt" in err and "outside the folder" in err
    texts = [json.loads(line)["text"] for line in run("export", "--db", str(db))[1].splitlines()]
    assert not any("private" in t for t in texts)


def test_unreadable_subfolder_is_named_and_skipped() -> None:
    """A subfolder the user may not read is skipped with a warning naming it. Root
    reads every folder, so the ingest runs as ``nobody`` (``setpriv``), on a folder
    made by root with a subfolder of mode 0700."""
    import pwd
    import tempfile

    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        pytest.skip("needs root and setpriv(1) to run the ingest as an unprivileged user")
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no 'nobody' user to run the ingest as")
    become = [
        setpriv,
        f"--reuid={nobody.pw_uid}",
        f"--regid={nobody.pw_gid}",
        "--clear-groups",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "HOME": "/"}
    probe = subprocess.run(
        [*become, sys.executable, "-c", "import framing.cli"], env=env, capture_output=True
    )
    if probe.returncode:
        pytest.skip(f"'nobody' cannot run this checkout's Python: {probe.stderr[-200:]!r}")
    top = Path(tempfile.mkdtemp(prefix="framing-unreadable-"))  # not 0700 like tmp_path
    try:
        top.chmod(0o777)
        folder = top / "in"
        (folder / "open").mkdir(parents=True)
        (folder / "closed").mkdir()
        (folder / "open" / "a.txt").write_text("A document anyone may read.\n")
        (folder / "closed" / "b.txt").write_text("A private document.\n")
        for d in (folder, folder / "open"):
            d.chmod(0o755)
        (folder / "open" / "a.txt").chmod(0o644)
        (folder / "closed").chmod(0o700)  # root's: nobody cannot list it
        db = top / "s.db"
        code = "import sys; from framing.cli import main; sys.exit(main())"
        got = subprocess.run(
            [*become, sys.executable, "-c", code, "ingest", str(folder), "--db", str(db)],
            env=env,
            capture_output=True,
            text=True,
        )
        assert got.returncode == 0, got.stderr
        warning = [line for line in got.stderr.splitlines() if "closed" in line]
        assert len(warning) == 1 and "cannot read this folder" in warning[0], got.stderr
        assert "1 documents added" in got.stdout
        texts = [row[0] for row in sqlite3.connect(db).execute("SELECT text FROM units")]
        assert texts == ["A document anyone may read."]
    finally:
        shutil.rmtree(top)
