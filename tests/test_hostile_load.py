"""Issue 7, items 5 and 8: no spurious "database is locked" while another process
writes, ingest never holds the write lock while it segments, an interrupted ingest is
completed by the next one, and overlong unpunctuated "sentences" are capped so time
stays linear (VADER gets bounded input, and its scores do not change)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from framing.cli import main
from framing.models import Document, UnitDraft
from framing.segment import iter_segments
from framing.segment.clean import clean_text
from framing.segment.stream import MAX_UNIT_CHARS
from framing.store import Store

from .conftest import SEEDS


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


# An annotator committing a label every 5 ms, as the attack did.
_ANNOTATOR = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
units = [r[0] for r in con.execute("SELECT unit_id FROM units LIMIT 100")]
con.execute("INSERT OR IGNORE INTO annotators VALUES ('fast', 'now')")
print("ready", flush=True)
n = 0
while sys.stdin.readable():
    con.execute("BEGIN IMMEDIATE")
    con.execute(
        "INSERT INTO labels (unit_id, annotator, dimension, value, origin, created_at)"
        " VALUES (?, 'fast', 'frame', 'Political', 'ui', 'now')", [units[n % len(units)]])
    con.execute("COMMIT")
    n += 1
    time.sleep(0.005)
    if n % 50 == 0:
        import select
        if select.select([sys.stdin], [], [], 0)[0]:
            break
print(n, flush=True)
"""


@pytest.fixture
def busy(seeded_db: Path) -> Iterator[Path]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _ANNOTATOR, str(seeded_db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    yield seeded_db
    assert proc.stdin is not None
    proc.stdin.write("stop\n")
    proc.stdin.close()
    assert proc.wait(timeout=60) == 0
    assert int(proc.stdout.readline()) > 0


def test_import_and_ingest_beside_a_fast_annotator_never_lock(busy: Path, tmp_path: Path) -> None:
    store = Store.open(busy, readonly=True)
    units = [u.unit_id for u in store.iter_units()][:200]
    store.close()
    failures = []
    for i in range(8):
        f = tmp_path / f"l{i}.jsonl"
        rows = [
            {"unit_id": u, "annotator": f"imp{i}", "dimension": "frame", "value": "Economic"}
            for u in units
        ]
        f.write_text("".join(json.dumps(r) + "\n" for r in rows))
        code, _, err = run("import-labels", str(f), "--db", str(busy))
        if code:
            failures.append(err)
        folder = tmp_path / f"d{i}"
        folder.mkdir()
        (folder / f"new{i}.txt").write_text(f"Document {i} says one thing. And another.\n")
        code, _, err = run("ingest", str(folder), "--db", str(busy))
        if code:
            failures.append(err)
    assert failures == []


def test_interrupted_ingest_is_completed_by_the_next(tmp_path: Path) -> None:
    doc = Document(doc_id="big", file="big.txt", sha256="s", fingerprint="f1")
    drafts = [UnitDraft(i, i * 10, i * 10 + 8, f"sentence {i}") for i in range(2000)]

    def dying() -> Iterator[UnitDraft]:
        yield from drafts[:1200]
        raise KeyboardInterrupt

    store = Store.open(tmp_path / "i.db")
    with pytest.raises(KeyboardInterrupt):
        store.ingest([(doc, dying())])
    assert 0 < store.count_units() < 2000  # written in short transactions
    rep = store.ingest([(doc, iter(drafts))])
    assert store.count_units() == 2000
    assert rep.documents_updated == 1
    rep = store.ingest([(doc, iter(()))])
    assert rep.documents_unchanged == 1  # complete now: not segmented again


def test_ingest_does_not_hold_the_lock_while_segmenting(tmp_path: Path) -> None:
    """While a document's units are being produced, another connection can write."""
    import sqlite3

    store = Store.open(tmp_path / "s.db")
    store.ingest([(Document("a", "a.txt", sha256="1"), [UnitDraft(0, 0, 5, "first")])])
    other = sqlite3.connect(tmp_path / "s.db", timeout=0.05, isolation_level=None)
    writes = []

    def slow_segmenter() -> Iterator[UnitDraft]:
        for i in range(3 * Store.INGEST_CHUNK):
            if i % 200 == 0:  # "segmenting": another writer must get through at once
                other.execute("BEGIN IMMEDIATE")
                other.execute("INSERT INTO annotators VALUES (?, 'now')", [f"a{i}"])
                other.execute("COMMIT")
                writes.append(i)
            yield UnitDraft(i, i * 10, i * 10 + 8, f"unit {i}")

    store.ingest([(Document("b", "b.txt", sha256="2"), slow_segmenter())])
    assert len(writes) == 8
    assert store.count_units() == 1 + 3 * Store.INGEST_CHUNK


def test_overlong_unpunctuated_line_is_capped(tmp_path: Path) -> None:
    words = ["the", "officials", "said", "security", "policy", "water", "city", "report", "people"]
    text = " ".join(words[i % len(words)] for i in range(40_000)) + "\n"
    units = list(iter_segments(text))
    assert len(units) > len(text) // MAX_UNIT_CHARS
    assert max(len(u.text) for u in units) <= MAX_UNIT_CHARS
    for u in units:
        assert clean_text(text[u.start : u.end]) == u.text
    covered = " ".join(text[u.start : u.end] for u in units)
    assert covered.split() == text.split()  # nothing lost, nothing repeated


def test_long_unit_prefers_clause_boundaries() -> None:
    clause = "the council met again and talked about the water supply for hours"
    text = ", ".join([clause] * 60) + "\n"
    units = list(iter_segments(text))
    assert len(units) > 1
    assert all(u.text.endswith(",") for u in units[:-1])


def test_vader_scores_unchanged_and_bounded() -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from framing.segment.nlp import VADER_MAX_CHARS, _analyzer, sentiment

    plain, ours = SentimentIntensityAnalyzer(), _analyzer()
    texts = [
        line
        for f in sorted(SEEDS.glob("*.txt"))
        for line in f.read_text().splitlines()
        if line.strip()
    ][:300]
    texts += ["no, never so good", "without doubt the best", "not bad but kind of awful"]
    for t in texts:
        assert ours.polarity_scores(t) == plain.polarity_scores(t), t
    long = "good " * 5000
    assert sentiment(long) > 0.5 and len(long) > VADER_MAX_CHARS


_LOCKER = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
con.execute("ROLLBACK")
"""


async def test_tui_key_press_on_a_locked_database_is_pending_then_saved(seeded_db: Path) -> None:
    from framing.codebook import load_codebook
    from framing.tui import create_app
    from framing.tui.widgets.status_bar import StatusBar

    store = Store.open(seeded_db)
    store.db.execute("PRAGMA busy_timeout = 50")
    app = create_app(store, load_codebook(), "amina")
    async with app.run_test(size=(120, 40)) as pilot:
        unit = app.annotate_screen.session.unit
        assert unit is not None
        locker = subprocess.Popen(
            [sys.executable, "-c", _LOCKER, str(seeded_db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
            await pilot.press("1", "1")
            await pilot.pause()
            session = app.annotate_screen.session
            assert len(session.pending) == 2
            status = app.annotate_screen.query_one(StatusBar)
            assert "2 pending" in status.saved_text.plain
            await pilot.press("q")  # refused while labels wait
            assert app.is_running
        finally:
            assert locker.stdin is not None
            locker.stdin.write("go\n")
            locker.stdin.close()
            locker.wait(timeout=30)
        for _ in range(40):
            await pilot.pause(0.1)
            if not session.pending:
                break
        assert session.pending == []
        assert "pending" not in status.saved_text.plain
        labels = store.current_labels(unit.unit_id, "amina")
        assert len(labels) == 2
    store.close()
