"""Many writers at once: nothing lost, nothing locked, the database healthy.

Two parts, on a fresh copy of the ingested seeds:

1. **Soak** (``--seconds``, default 60): 4 annotator processes label units as fast as
   the UI's session lets them (:class:`framing.tui.session.Session`, the code a key
   press runs, without drawing), each counting the labels the store acknowledged;
   meanwhile this process loops ``framing ingest`` (a new small file each time),
   ``framing import-labels`` (200 labels), ``framing export`` and ``framing agreement
   --json`` as subprocesses. At the end: labels lost (acknowledged but not in the
   database), errors per command, every "database is locked" seen, and SQLite's
   ``integrity_check``.
2. **Latency under ingest**: one annotator session labels a unit every 50 ms while
   ``framing ingest`` writes an ~8 MB file; the key-press-to-saved time (the
   session's ``pick``, which commits before returning) is reported as p50/p95/max.

Prints one ``key=value`` line per part. Targets: lost=0, locked=0, integrity=ok,
p95 <= 100 ms. Usage: ``python benchmarks/concurrency.py [--seconds 60] [--mb 8]``.
A loaded machine makes the latency noisy; say so when you quote it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
FRAMING = [sys.executable, "-c", "import sys; from framing.cli import main; sys.exit(main())"]

ANNOTATOR = """
import json, sys, time
from framing.codebook import load_codebook
from framing.models import FramingError
from framing.store import Store
from framing.tui.session import Session

db, name, seconds, pause = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
store = Store.open(db)
cb = load_codebook()
session = Session(store, cb, name)
session.start()
acked = errors = locked = 0
latencies = []
deadline = time.time() + seconds
k = 0
while time.time() < deadline:
    if session.unit is None:
        session.go_next(wrap=True)
        if session.unit is None:
            break
    dim = session.dimension
    label = dim.labels[k % len(dim.labels)]
    k += 1
    if dim.kind != "multi" and session.labels.get(dim.id) == label.id:
        label = dim.labels[k % len(dim.labels)]  # the same label again writes nothing
        k += 1
    t0 = time.perf_counter()
    try:
        if dim.kind == "multi":
            session.toggle(label)
            session.confirm()
        else:
            session.pick(label)
        if session.pending:
            session.flush_pending()
        latencies.append(time.perf_counter() - t0)
        acked += 1
    except FramingError as err:
        errors += 1
        locked += "locked" in str(err)
    if session.complete():
        session.go_next(wrap=True)
    if pause:
        time.sleep(pause)
while session.pending and not session.flush_pending():
    time.sleep(0.1)
print(json.dumps({"name": name, "acked": acked, "errors": errors, "locked": locked,
                  "latencies": latencies}))
"""


def framing(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*FRAMING, *args], env=ENV, capture_output=True, text=True)


def soak(work: Path, db: Path, seconds: float) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", ANNOTATOR, str(db), f"ann{i}", str(seconds), "0"],
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(4)
    ]
    units = [r[0] for r in sqlite3.connect(db).execute("SELECT unit_id FROM units LIMIT 200")]
    runs: dict[str, int] = {"ingest": 0, "import-labels": 0, "export": 0, "agreement": 0}
    failed: dict[str, int] = dict.fromkeys(runs, 0)
    locked_msgs = 0
    deadline = time.time() + seconds
    i = 0
    while time.time() < deadline:
        i += 1
        folder = work / f"new{i}"
        folder.mkdir()
        (folder / f"extra{i}.txt").write_text(f"Extra document {i}. It says two things.\n")
        labels = work / f"imp{i}.jsonl"
        labels.write_text(
            "".join(
                json.dumps(
                    {
                        "unit_id": u,
                        "annotator": "importer",
                        "dimension": "frame",
                        "value": ["Economic", "Political"][(i + n) % 2],
                    }
                )
                + "\n"
                for n, u in enumerate(units)
            )
        )
        for cmd, args in (
            ("ingest", [str(folder)]),
            ("import-labels", [str(labels)]),
            ("export", ["-o", str(work / "out.jsonl")]),
            ("agreement", ["--json", "--n-boot", "50"]),
        ):
            proc = framing(cmd, *args, "--db", str(db))
            runs[cmd] += 1
            if proc.returncode:
                failed[cmd] += 1
                print(f"# {cmd} failed: {proc.stderr.strip()[-300:]}", file=sys.stderr)
            locked_msgs += "locked" in proc.stderr
    results = []
    for p in procs:
        out, err = p.communicate(timeout=seconds + 120)
        if p.returncode:
            raise SystemExit(f"annotator crashed: {err}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    con = sqlite3.connect(db)
    lost = 0
    for r in results:
        stored = con.execute(
            "SELECT COUNT(*) FROM labels WHERE annotator = ?", [r["name"]]
        ).fetchone()[0]
        lost += max(0, r["acked"] - stored)
    integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    acked = sum(r["acked"] for r in results)
    ann_errors = sum(r["errors"] for r in results)
    ann_locked = sum(r["locked"] for r in results)
    lat = sorted(x for r in results for x in r["latencies"])
    p95 = lat[int(0.95 * (len(lat) - 1))] * 1000 if lat else float("nan")
    print(
        f"soak seconds={seconds:.0f} annotators=4 labels_acked={acked} lost={lost} "
        f"annotator_errors={ann_errors} locked={ann_locked + locked_msgs} "
        f"commands={json.dumps(runs, separators=(',', ':'))} "
        f"command_failures={sum(failed.values())} integrity={integrity} "
        f"label_p95_ms={p95:.1f}"
    )


def latency_under_ingest(work: Path, db: Path, mb: float) -> None:
    big = work / "big"
    big.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    with (big / "eight.txt").open("w", encoding="utf-8") as fh:
        written = 0
        while written < mb * 1e6:
            for s in seeds:
                text = s.read_text(encoding="utf-8")
                fh.write(text + "\n\n")
                written += len(text.encode())
    ingest = subprocess.Popen(
        [*FRAMING, "ingest", str(big), "--db", str(db)],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(3)  # past start-up and the checks: into segmentation and writing
    ann = subprocess.run(
        [sys.executable, "-c", ANNOTATOR, str(db), "latency", "20", "0.05"],
        env=ENV,
        capture_output=True,
        text=True,
    )
    still_running = ingest.poll() is None
    out, err = ingest.communicate()
    if ingest.returncode:
        raise SystemExit(f"ingest failed: {err}")
    r = json.loads(ann.stdout.strip().splitlines()[-1])
    lat = sorted(x * 1000 for x in r["latencies"])
    p = lambda q: lat[int(q * (len(lat) - 1))]  # noqa: E731
    print(
        f"latency_under_ingest mb={mb:.0f} presses={len(lat)} errors={r['errors']} "
        f"p50_ms={p(0.5):.1f} p95_ms={p(0.95):.1f} max_ms={lat[-1]:.1f} "
        f"ingest_still_running_at_end={still_running}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--mb", type=float, default=8)
    ap.add_argument("--skip-soak", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "c.db"
        proc = framing("ingest", str(SEEDS), "--db", str(db))
        if proc.returncode:
            raise SystemExit(proc.stderr)
        if not args.skip_soak:
            soak(work, db, args.seconds)
        db2 = work / "l.db"
        shutil.copy(db, db2)
        for suffix in ("-wal", "-shm"):
            if Path(f"{db}{suffix}").exists():
                shutil.copy(f"{db}{suffix}", f"{db2}{suffix}")
        latency_under_ingest(work, db2, args.mb)


if __name__ == "__main__":
    main()
