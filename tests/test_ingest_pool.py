"""Ingest with worker processes (``framing.ingest_pool``): the same database as in one
process, the same errors at the same point, nothing half written, no stray process.

Worker processes are forked from the test process, so a test can plant a fault in
the segmenter with ``monkeypatch`` and the workers inherit it.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import framing.ingest_pool as ingest_pool
import framing.segment.stream as stream
from framing.cli import main
from framing.ingest import prepare_documents
from framing.ingest_pool import MAX_DOC_CHARS, MIN_TOTAL_CHARS, pool_size
from framing.models import FramingError
from framing.store import Store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork()")


def mutate(text: str, k: int) -> str:
    """A variant of a seed text with what the segmenter finds hard: glued sentence
    starts, NBSP, U+2028, bullets, ellipses, enumerations, a long line without
    punctuation, CRLF line ends."""
    edits = [
        lambda t: t.replace(". T", ".T"),
        lambda t: t.replace(" the ", "\u00a0the "),
        lambda t: t.replace("\n\n", "\n\u2028\n", 3),
        lambda t: t.replace("\n\n", "\n\n• ", 5),
        lambda t: t.replace(". ", "... ", 7),
        lambda t: "1. First point here.\n2. Second point here.\n\n" + t,
        lambda t: t + "\n\n" + " ".join(["word"] * 900) + "\n",
        lambda t: t.replace("\n", "\r\n"),
    ]
    for i, edit in enumerate(edits):
        if (k >> i) & 1:
            text = edit(text)
    return text


def corpus(folder: Path, copies: int = 3, mutated: bool = True) -> Path:
    """Seed copies (with the seeds' manifest for the first copy), mutated variants,
    a .jsonl file of several records and a markdown file."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted(SEEDS.glob("*.txt"))
    for c in range(copies):
        for seed in seeds:
            (folder / f"{c}_{seed.name}").write_bytes(seed.read_bytes())
    manifest = (SEEDS / "manifest.toml").read_text(encoding="utf-8")
    for seed in seeds:
        manifest = manifest.replace(f'"{seed.name}"', f'"0_{seed.name}"')
        manifest = manifest.replace(f'"{seed.stem}"', f'"0_{seed.stem}"')
    if copies > 1:
        manifest += '\n[[documents]]\nfile = "1_000_561392b7cfa50f7a.txt"\n'
        manifest += 'queued_kinds = ["body"]\nexclude_ranges = [[0, 400]]\n'
    (folder / "manifest.toml").write_text(manifest, encoding="utf-8")
    if mutated:
        for k in range(1, 12):
            seed = seeds[k % len(seeds)]
            text = mutate(seed.read_text(encoding="utf-8"), k * 37 % 256)
            (folder / f"m{k:02d}.txt").write_text(text, encoding="utf-8", newline="")
    records = [
        {"id": f"r{i}", "text": seeds[i % len(seeds)].read_text(encoding="utf-8")[: 3000 + i]}
        for i in range(7)
    ]
    records.insert(3, {"text": "   "})  # skipped with a warning
    (folder / "lines.jsonl").write_text(
        "\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8"
    )
    (folder / "notes.md").write_text("# Notes\n\nA short file. It has two sentences.\n")
    return folder


def table_rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every column of ``units`` and ``documents`` but the ingest time, in row order."""
    con = sqlite3.connect(db)
    out = {}
    for table in ("units", "documents"):
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[1] != "ingested_at"]
        out[table] = con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid").fetchall()
    con.close()
    return out


def cli(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


# --------------------------------------------------------------------------------------
# Same results
# --------------------------------------------------------------------------------------


def test_workers_give_the_same_documents_and_units(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "c")
    one = [(d, list(u)) for d, u in prepare_documents([folder], workers=1)]
    with prepare_documents([folder], workers=2) as docs:
        assert docs.pool is not None and docs.pool.size == 2
        two = [(d, list(u)) for d, u in docs]
    assert len(one) == len(two) > 25
    assert one == two
    assert sum(len(us) for _, us in one) > 1000


def test_cli_database_is_the_same_with_workers(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "c")
    dbs = []
    for jobs in ("1", "2"):
        db = tmp_path / f"j{jobs}.db"
        code, out, err = cli("ingest", str(folder), "--db", str(db), "--jobs", jobs)
        assert code == 0, err
        assert err.count("Warning:") == 1 and "lines.jsonl' line 4 has no text" in err
        dbs.append(db)
    one, two = table_rows(dbs[0]), table_rows(dbs[1])
    assert len(one["units"]) > 1000 and len(one["documents"]) > 25
    assert one == two


def test_resegmenting_with_workers_gives_the_same_database(tmp_path: Path) -> None:
    """Other settings (a changed fingerprint): every document is re-segmented and its
    units brought in line, the same with and without workers."""
    folder = corpus(tmp_path / "c", copies=1, mutated=False)
    dbs = []
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.db"
        store = Store.open(db)
        store.ingest(prepare_documents([folder], workers=workers, settings="a"))
        with prepare_documents([folder], workers=workers, settings="b") as docs:
            report = store.ingest(docs)
        assert report.documents_updated == len(table_rows(db)["documents"])
        store.close()
        dbs.append(db)
    assert table_rows(dbs[0]) == table_rows(dbs[1])


def test_reingesting_unchanged_files_starts_no_worker(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "c", copies=1, mutated=False)
    store = Store.open(tmp_path / "a.db")
    with prepare_documents([folder], workers=2) as docs:
        store.ingest(docs)
        assert docs.pool is not None and docs.pool.started
    with prepare_documents([folder], workers=2) as docs:
        report = store.ingest(docs)
        assert docs.pool is not None and not docs.pool.started
    assert report.documents_unchanged == len(table_rows(tmp_path / "a.db")["documents"])
    store.close()


def test_progress_reaches_the_total_in_order(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "c", copies=1)
    calls: list[tuple[int, int]] = []
    with prepare_documents(
        [folder], workers=2, on_progress=lambda d, t: calls.append((d, t))
    ) as docs:
        for _, units in docs:
            list(units)
    total = calls[0][1]
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert {t for _, t in calls} == {total}


def test_how_many_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    big = MIN_TOTAL_CHARS
    monkeypatch.setattr(ingest_pool, "cpu_count", lambda: 2)
    assert pool_size(None, [big, big]) == 2  # automatic: one per core
    monkeypatch.setattr(ingest_pool, "cpu_count", lambda: 1)
    assert pool_size(None, [big, big]) == 0  # one core: no worker
    monkeypatch.setattr(ingest_pool, "cpu_count", lambda: 64)
    assert pool_size(None, [big // 2 + 1] * 3) == 3  # one per half of MIN_TOTAL_CHARS
    assert pool_size(None, [big] * 100) == ingest_pool.MAX_AUTO_WORKERS
    assert pool_size(16, [10] * 100) == 16  # asked for
    assert pool_size(1, [big, big]) == 0  # one process asked for
    assert pool_size(None, [100, 200]) == 0  # too little text to pay for a process
    assert pool_size(None, [big]) == 0  # one document: nothing to share
    assert pool_size(3, [10, 20]) == 2  # asked for: one per document at most
    assert pool_size(4, [10, MAX_DOC_CHARS + 1]) == 0  # a huge one streams here


# --------------------------------------------------------------------------------------
# Errors: the same one line, at the same point, nothing half written
# --------------------------------------------------------------------------------------


def poison(monkeypatch: pytest.MonkeyPatch, word: str, action: str = "raise") -> None:
    """Make the segmenter fail on a unit containing ``word``: in a worker too (forked
    after this)."""
    real = stream.sentiment

    def sentiment(text: str) -> float:
        if word in text:
            if action == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            raise FramingError("poisoned unit")
        return real(text)

    monkeypatch.setattr(stream, "sentiment", sentiment)


def test_a_failing_document_in_a_worker_is_the_same_error_and_writes_nothing_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = corpus(tmp_path / "c", copies=2, mutated=False)
    (folder / "1_002_8fef15eff2e07bf0.txt").write_text(
        "A plain opening sentence here.\n\nZORBLAX is the poisoned word.\n", encoding="utf-8"
    )
    poison(monkeypatch, "ZORBLAX")
    results = {}
    for jobs in ("1", "2"):
        db = tmp_path / f"j{jobs}.db"
        code, out, err = cli("ingest", str(folder), "--db", str(db), "--jobs", jobs)
        assert code == 1
        assert err.strip().splitlines()[-1] == "Error: poisoned unit"
        assert "Traceback" not in err
        rows = table_rows(db)
        assert not any(r[1] == "1_002_8fef15eff2e07bf0" for r in rows["units"])
        results[jobs] = rows
    assert results["1"] == results["2"]
    # What was written is whole: the same as a clean ingest of those documents.
    monkeypatch.undo()
    code, _, err = cli("ingest", str(folder), "--db", str(tmp_path / "clean.db"), "--jobs", "1")
    assert code == 0, err
    clean = table_rows(tmp_path / "clean.db")
    written = {r[0] for r in results["2"]["documents"]}
    assert [r for r in clean["units"] if r[1] in written] == results["2"]["units"]


def test_a_file_that_changes_before_its_worker_reads_it(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "c", copies=1, mutated=False)
    victim = folder / "0_004_33c3872484650952.txt"
    with prepare_documents([folder], workers=2) as docs:
        items = list(docs)
        victim.write_text("Something else entirely.\n", encoding="utf-8")
        names = []
        with pytest.raises(FramingError) as err:
            for doc, units in items:
                list(units)
                names.append(doc.file)
    assert str(err.value) == f"{str(victim)!r} changed while it was being read"
    assert str(victim) not in names and len(names) >= 1


def test_a_worker_that_dies_is_a_one_line_error_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = corpus(tmp_path / "c", copies=1, mutated=False)
    victim = folder / "0_003_1cc79c1e65cf21c6.txt"
    victim.write_text("KILLME now, says this sentence.\n", encoding="utf-8")
    poison(monkeypatch, "KILLME", action="kill")
    db = tmp_path / "a.db"
    code, _, err = cli("ingest", str(folder), "--db", str(db), "--jobs", "2")
    assert code == 1
    line = err.strip().splitlines()[-1]
    assert line.startswith(f"Error: {victim}: the worker process segmenting it stopped")
    assert "signal 9" in line and "Traceback" not in err
    assert not any(r[1] == victim.stem for r in table_rows(db)["units"])


# --------------------------------------------------------------------------------------
# Ctrl-C
# --------------------------------------------------------------------------------------


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ctrl_c_stops_every_worker_and_leaves_whole_documents(tmp_path: Path) -> None:
    """Ctrl-C at a terminal sends SIGINT to the whole process group: the ingest stops
    with "Aborted!", no worker outlives it, every document written is whole, and
    running it again completes the database."""
    folder = tmp_path / "c"
    corpus(folder, copies=12, mutated=False)
    db = tmp_path / "a.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-c", "from framing.cli import main; main()"]
    args = ["ingest", str(folder), "--db", str(db), "--jobs", "2"]
    proc = subprocess.Popen(
        [*cmd, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            n = con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            con.close()
        except sqlite3.Error:
            n = 0
        if n:
            break
        time.sleep(0.02)
    if proc.poll() is not None:
        pytest.skip("the ingest finished before it could be interrupted")
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    lines = [line for line in err.decode().splitlines() if line.strip()]
    assert [x for x in lines if not x.startswith(("Segmenting", "Warning:"))] == ["Aborted!"]
    deadline = time.monotonic() + 10
    while group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not group_alive(proc.pid), "a worker outlived the ingest"
    partial = table_rows(db)
    clean_db = tmp_path / "clean.db"
    done = subprocess.run(
        [*cmd, "ingest", str(folder), "--db", str(clean_db), "--jobs", "1"],
        env=env,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr
    clean = table_rows(clean_db)
    assert len(partial["documents"]) < len(clean["documents"])
    written = {r[0] for r in partial["documents"] if r[9]}  # complete: a fingerprint
    assert [r for r in partial["units"] if r[1] in written] == [
        r for r in clean["units"] if r[1] in written
    ]
    again = subprocess.run([*cmd, *args], env=env, capture_output=True)
    assert again.returncode == 0, again.stderr
    final = table_rows(db)
    assert sorted(final["units"]) == sorted(clean["units"])
    assert sorted(final["documents"]) == sorted(clean["documents"])


def test_long_documents_stay_here_and_big_tasks_wait_for_an_idle_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document over MAX_DOC_CHARS is segmented in this process (streamed) between
    documents from workers; a task too big to wait in a busy worker's pipe (here:
    a long title) is given to an idle one. Same units either way."""
    folder = corpus(tmp_path / "c", copies=2, mutated=False)
    records = [
        {"id": f"t{i}", "title": "T" * 40_000, "text": f"Line {i}. It is short."} for i in range(4)
    ]
    (folder / "titled.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    one = [(d, list(u)) for d, u in prepare_documents([folder], workers=1)]
    monkeypatch.setattr(ingest_pool, "MAX_DOC_CHARS", 20_000)
    monkeypatch.setattr(ingest_pool, "SMALL_TASK", 1024)
    with prepare_documents([folder], workers=2) as docs:
        assert docs.pool is not None
        local = [i for i, j in enumerate(docs.pool._state.jobs) if j is None]
        assert local and len(local) < len(docs.pool._state.jobs) - 4
        two = [(d, list(u)) for d, u in docs]
    assert one == two


def test_the_write_lock_is_never_held_while_waiting_for_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 7, item 5: segmentation happens outside any transaction. With workers,
    the ingest waits for a document's units only when no transaction is open."""
    folder = corpus(tmp_path / "c", copies=2)
    store = Store.open(tmp_path / "a.db")
    seen: list[bool] = []
    real = ingest_pool.SegmentPool.units

    def units(self: ingest_pool.SegmentPool, index: int) -> Any:
        seen.append(store.db.conn.in_transaction)
        return real(self, index)

    monkeypatch.setattr(ingest_pool.SegmentPool, "units", units)
    with prepare_documents([folder], workers=2) as docs:
        report = store.ingest(docs)
    store.close()
    assert report.documents_added == len(seen) > 20
    assert not any(seen)


@pytest.mark.parametrize("glued", [True, False])
def test_spacy_is_loaded_once_before_the_fork_only_when_a_text_needs_it(
    tmp_path: Path, glued: bool
) -> None:
    """A glued sentence start ("stable.But") needs spaCy's tokenizer: the ingest loads
    spaCy before forking, so the workers share it; without one, nobody loads it."""
    folder = tmp_path / "c"
    folder.mkdir()
    for i in range(4):
        text = f"Document {i} starts here. It is short.\n\nA second paragraph follows."
        if glued and i == 2:
            text += " The economy was stable.But then it fell."
        (folder / f"d{i}.txt").write_text(text + "\n", encoding="utf-8")
    code = (
        "import sys, atexit\n"
        "atexit.register(lambda: print('spacy' in sys.modules))\n"
        "from framing.cli import main\n"
        f"main(['ingest', {str(folder)!r}, '--db', {str(tmp_path / 'a.db')!r}, '--jobs', '2'])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == str(glued)
    units = [r for r in table_rows(tmp_path / "a.db")["units"] if r[1] == "d2"]
    assert any(r[5] == "But then it fell." for r in units) == glued
