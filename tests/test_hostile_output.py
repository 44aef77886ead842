"""Issue 7, items 1, 2 and 6: ``-o`` never destroys what it points at, reads are never
silently stale, and inputs that would hang are refused. Done as a hostile user would:
real FIFOs, symlinks, device nodes, a read-only folder and a second process holding
locks."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from framing.cli import main
from framing.store import Store

from .conftest import ROOT

SRC = str(ROOT / "src")
_CLI = "import sys; from framing.cli import main; sys.exit(main())"


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def _label_some(db: Path, n: int = 5) -> int:
    store = Store.open(db)
    try:
        units = [u.unit_id for u in store.iter_units()][:n]
        for u in units:
            store.add_label(u, "amina", "frame", "Political")
    finally:
        store.close()
    return len(units)


def _labels(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute("SELECT COUNT(*) FROM labels").fetchone()[0])
    finally:
        con.close()


# ------------------------------------------------------------------- item 1: -o
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_export_onto_the_database_in_use_is_refused(seeded_db: Path, suffix: str) -> None:
    n = _label_some(seeded_db)
    target = Path(f"{seeded_db}{suffix}")
    if not target.exists():
        target.write_bytes(b"")
    before = target.read_bytes()
    for args in (["export"], ["export", "--format", "csv"], ["agreement", "--json"]):
        code, _, err = run(*args, "--db", str(seeded_db), "-o", str(target))
        assert code == 1, err
        assert "refusing" in err and len(err.strip().splitlines()) == 1
    if suffix == "":
        assert target.read_bytes() == before
    assert not target.read_bytes().startswith((b"{", b"unit_id"))  # nothing written into it
    assert _labels(seeded_db) == n


def test_export_onto_the_database_through_a_symlink_is_refused(
    seeded_db: Path, tmp_path: Path
) -> None:
    n = _label_some(seeded_db)
    link = tmp_path / "innocent.jsonl"
    link.symlink_to(seeded_db)
    code, _, err = run("export", "--db", str(seeded_db), "-o", str(link))
    assert code == 1 and "refusing" in err
    assert link.is_symlink() and _labels(seeded_db) == n


def test_export_onto_another_sqlite_file_is_refused(seeded_db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE keep (x)")
    con.commit()
    con.close()
    code, _, err = run("export", "--db", str(seeded_db), "-o", str(other))
    assert code == 1 and "SQLite database" in err
    assert sqlite3.connect(other).execute("SELECT name FROM sqlite_master").fetchall() == [
        ("keep",)
    ]


@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
def test_export_to_a_device_writes_through_and_keeps_the_node(seeded_db: Path, device: str) -> None:
    """As root a rename would replace the device node with a regular file."""
    code, _, err = run("export", "--db", str(seeded_db), "-o", device)
    assert stat.S_ISCHR(os.stat(device).st_mode), f"{device} is no longer a device"
    if device == "/dev/full":
        assert code == 1 and "cannot write" in err and len(err.strip().splitlines()) == 1
    else:
        assert code == 0, err


def test_export_to_a_fifo_reaches_the_reader(seeded_db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    code, _, err = run("export", "--db", str(seeded_db), "-o", str(fifo))
    reader.join(timeout=30)
    assert code == 0, err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    rows = [json.loads(line) for line in got[0].decode().splitlines()]
    assert len(rows) >= 600 and "unit_id" in rows[0]


def test_export_to_dev_stdout_goes_to_the_pipe(seeded_db: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _CLI, "export", "--db", str(seeded_db), "-o", "/dev/stdout"],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": SRC},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.decode().splitlines()) >= 600


def test_dash_is_stdout(seeded_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("export", "--db", str(seeded_db), "-o", "-")
    assert code == 0, err
    assert len(out.splitlines()) >= 600
    assert not (tmp_path / "-").exists()


def test_symlink_is_followed_and_its_target_replaced(seeded_db: Path, tmp_path: Path) -> None:
    real = tmp_path / "store" / "out.jsonl"
    real.parent.mkdir()
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "latest.jsonl"
    link.symlink_to(real)
    code, _, err = run("export", "--db", str(seeded_db), "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert len(real.read_text().splitlines()) >= 600
    assert stat.S_IMODE(real.stat().st_mode) == 0o640, "the replaced file keeps its mode"
    dangling = tmp_path / "next.jsonl"
    dangling.symlink_to(tmp_path / "store" / "new.jsonl")
    code, _, err = run("export", "--db", str(seeded_db), "-o", str(dangling))
    assert code == 0, err
    assert dangling.is_symlink() and (tmp_path / "store" / "new.jsonl").stat().st_size > 0


def test_replaced_file_keeps_its_mode(seeded_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    out.write_text("x")
    out.chmod(0o600)
    code, _, err = run("agreement", "--db", str(seeded_db), "--format", "markdown", "-o", str(out))
    assert code == 0, err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


# ---------------------------------------------------- item 2: never read stale data
_HOLD_EXCLUSIVE = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA locking_mode=EXCLUSIVE")
con.execute("BEGIN IMMEDIATE")
con.execute("INSERT INTO annotators VALUES ('holder', 'now')")
con.execute("COMMIT")
print("ready", flush=True)
sys.stdin.read()
"""


def _holder(db: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD_EXCLUSIVE, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def test_exclusive_lock_in_another_process_is_an_error_not_an_empty_export(
    seeded_db: Path,
) -> None:
    n = _label_some(seeded_db, 50)
    assert n == 50
    holder = _holder(seeded_db)
    try:
        code, out, err = run("export", "--db", str(seeded_db))
        assert code == 1, "export read around an exclusive lock"
        assert "locked" in err and len(err.strip().splitlines()) == 1
        assert out == ""
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)


@pytest.fixture
def frozen_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody (not even root) can create files in: ``chattr +i``."""
    d = tmp_path / "frozen"
    d.mkdir()
    yield d
    subprocess.run(["chattr", "-i", str(d)], check=False)


def _freeze(d: Path) -> None:
    if subprocess.run(["chattr", "+i", str(d)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")


def test_read_only_folder_with_committed_wal_is_refused_not_stale(
    seeded_db: Path, frozen_dir: Path
) -> None:
    """The WAL holds 40 committed labels; an immutable read would see 0 of them."""
    writer = sqlite3.connect(seeded_db)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    units = [r[0] for r in writer.execute("SELECT unit_id FROM units LIMIT 40")]
    writer.execute("INSERT INTO annotators VALUES ('w', 'now')")
    for u in units:
        writer.execute(
            "INSERT INTO labels (unit_id, annotator, dimension, value, origin, created_at)"
            " VALUES (?, 'w', 'frame', 'Political', 'ui', 'now')",
            [u],
        )
        writer.commit()
    for suffix in ("", "-wal"):
        shutil.copy(f"{seeded_db}{suffix}", frozen_dir / f"r.db{suffix}")
    writer.close()
    _freeze(frozen_dir)
    code, out, err = run("export", "--db", str(frozen_dir / "r.db"))
    if code == 0:  # SQLite managed a consistent read: then it must see every label
        labelled = sum(1 for line in out.splitlines() if json.loads(line)["labels"])
        assert labelled == 40
    else:
        assert "cannot read consistently" in err and len(err.strip().splitlines()) == 1


def test_read_only_folder_without_wal_reads_everything_and_says_so(
    seeded_db: Path, frozen_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _label_some(seeded_db, 40)
    con = sqlite3.connect(seeded_db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    shutil.copy(seeded_db, frozen_dir / "r.db")
    _freeze(frozen_dir)
    code, out, err = run("export", "--db", str(frozen_dir / "r.db"))
    assert code == 0, err
    assert sum(1 for line in out.splitlines() if json.loads(line)["labels"]) == 40
    assert "immutable" in caplog.text


# ------------------------------------------------------ item 6: inputs that hang
def test_memory_database_is_refused(tmp_path: Path) -> None:
    for args in (["ingest", str(ROOT / "seeds")], ["export"], ["agreement"]):
        code, _, err = run(*args, "--db", ":memory:")
        assert code != 0 and "in-memory" in err, (args, err)


@pytest.mark.parametrize("kind", ["fifo", "chardev", "folder"])
def test_non_regular_database_is_refused(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        path = tmp_path / "db.fifo"
        os.mkfifo(path)
    elif kind == "chardev":
        path = Path("/dev/zero")
    else:
        path = tmp_path / "adir"
        path.mkdir()
    for args in (["export"], ["ingest", str(ROOT / "seeds")]):
        code, _, err = run(*args, "--db", str(path))
        assert code != 0, (args, err)
        if kind == "folder":  # click itself says so, as a usage error
            assert "is a directory" in err
        else:
            assert "not a regular file" in err and len(err.strip().splitlines()) == 1
