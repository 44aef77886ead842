"""Issue 7, item 9: ``framing check`` finds what is wrong, one line each, and
``framing backup`` makes a healthy consistent copy while another process writes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from framing.cli import main
from framing.store import Store


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def _sql(db: Path, *statements: str) -> None:
    con = sqlite3.connect(db)
    con.execute("PRAGMA foreign_keys = OFF")
    for s in statements:
        con.execute(s)
    con.commit()
    con.close()


def test_healthy_database_passes(seeded_db: Path) -> None:
    code, out, err = run("check", "--db", str(seeded_db))
    assert code == 0, out + err
    assert out.strip().endswith("ok (integrity, foreign keys, schema, stored JSON, label codes)")


@pytest.mark.parametrize(
    ("edit", "expect"),
    [
        ("DROP VIEW current_labels", "view 'current_labels' is missing"),
        ("DROP INDEX idx_labels_unit", "index 'idx_labels_unit' is missing"),
        ("UPDATE units SET hints = '{oops' WHERE rowid = 2", "units.hints"),
        ("UPDATE units SET text = X'00ff' WHERE rowid = 2", "holds a blob"),
        ("DELETE FROM documents WHERE rowid = 1", "foreign key: units row"),
        (
            "INSERT INTO labels (unit_id, annotator, dimension, value, origin, created_at)"
            " SELECT unit_id, 'amina', 'frame', '[nope', 'ui', 'now' FROM units LIMIT 1",
            "labels.value",
        ),
    ],
)
def test_each_problem_is_one_line_and_exit_1(seeded_db: Path, edit: str, expect: str) -> None:
    _sql(seeded_db, "INSERT INTO annotators VALUES ('amina', 'now')", edit)
    code, out, err = run("check", "--db", str(seeded_db))
    assert code == 1
    lines = out.strip().splitlines()
    assert any(expect in line for line in lines), out
    assert all(line.startswith(f"{seeded_db}: ") for line in lines)


def test_truncated_database_is_a_finding(seeded_db: Path) -> None:
    _sql(seeded_db, "PRAGMA wal_checkpoint(TRUNCATE)")
    data = seeded_db.read_bytes()
    seeded_db.write_bytes(data[: len(data) // 2])
    code, out, err = run("check", "--db", str(seeded_db))
    assert code == 1 and "Traceback" not in out + err
    assert out.strip(), "a finding is printed"


_WRITER = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], timeout=10)
units = [r[0] for r in con.execute("SELECT unit_id FROM units LIMIT 200")]
con.execute("INSERT OR IGNORE INTO annotators VALUES ('w', 'now')")
con.commit()
print("ready", flush=True)
n = 0
deadline = time.time() + float(sys.argv[2])
while time.time() < deadline:
    con.execute("BEGIN IMMEDIATE")
    con.execute(
        "INSERT INTO labels (unit_id, annotator, dimension, value, origin, created_at)"
        " VALUES (?, 'w', 'frame', 'Political', 'ui', 'now')", [units[n % len(units)]])
    con.execute("COMMIT")
    n += 1
print(n, flush=True)
"""


def test_backup_while_another_process_writes(seeded_db: Path, tmp_path: Path) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(seeded_db), "4"], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    copies = []
    for i in range(3):
        out = tmp_path / f"copy{i}.db"
        code, msg, err = run("backup", "--db", str(seeded_db), "-o", str(out))
        assert code == 0, err
        copies.append(out)
    written = int(writer.stdout.readline())
    assert writer.wait(timeout=60) == 0 and written > 0
    counts = []
    for out in copies:
        assert not Path(f"{out}-wal").exists(), "the copy is one file"
        code, msg, err = run("check", "--db", str(out))
        assert code == 0, msg + err
        counts.append(sqlite3.connect(out).execute("SELECT COUNT(*) FROM labels").fetchone()[0])
    assert counts == sorted(counts), "later copies hold at least as many labels"
    final = Store.open(seeded_db, readonly=True)
    n = final.db.execute("SELECT COUNT(*) FROM labels").fetchone()[0]
    assert n == written and counts[-1] <= n


def test_backup_refuses_the_database_and_existing_files(seeded_db: Path, tmp_path: Path) -> None:
    for target in (seeded_db, Path(f"{seeded_db}-wal")):
        code, _, err = run("backup", "--db", str(seeded_db), "-o", str(target))
        assert code == 1 and "being backed up" in err
    existing = tmp_path / "old.db"
    existing.write_text("keep")
    code, _, err = run("backup", "--db", str(seeded_db), "-o", str(existing))
    assert code == 1 and "--force" in err and existing.read_text() == "keep"
    code, _, err = run("backup", "--db", str(seeded_db), "-o", str(existing), "--force")
    assert code == 0, err
    assert run("check", "--db", str(existing))[0] == 0
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
