"""Peak memory of ``framing ingest`` on ONE big file, against a small one, in the same run.

Builds single ``.txt`` files of ``--mb`` megabytes (default 5, 20 and 50) by
concatenating copies of the seed texts (so the file has many paragraphs: about one
per 200 bytes, the case where a per-paragraph record counts), then runs
``framing ingest FILE --db NEW.db`` as a subprocess for each and reads its peak
resident set size (``ru_maxrss`` from ``os.wait4``, the child alone).

**baseline**: the same command on one copy of the seeds (about 82 KB, the same code
paths: spaCy's tokenizer for a glued sentence start, VADER, the hints, SQLite), so
``above`` is what the file's size adds to the interpreter and its imports. Prints one
line per size::

    mb=... peak_mb=... baseline_mb=... above_mb=... above_per_text_mb=... seconds=... units=...

Usage: ``python benchmarks/ingest_memory.py [--mb 5 20 50] [--repeat 1]``. With
``--repeat`` > 1 the lowest peak counts. Peak RSS hardly depends on the machine's load
(the seconds do).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
FRAMING = [sys.executable, "-c", "import sys; from framing.cli import main; sys.exit(main())"]


def build_file(path: Path, target_bytes: int) -> int:
    """Write copies of the seed texts, one after another, until ``target_bytes``."""
    texts = [p.read_bytes() for p in sorted(SEEDS.glob("*.txt"))]
    written = 0
    with path.open("wb") as out:
        while written < target_bytes:
            for data in texts:
                out.write(data)
                out.write(b"\n\n")
                written += len(data) + 2
    return written


def peak_ingest(file: Path, db: Path) -> tuple[float, float, int]:
    """``(peak RSS in MB, wall seconds, units)`` of ``framing ingest FILE --db DB``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [*FRAMING, "ingest", str(file), "--db", str(db)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    dt = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode:
        raise SystemExit(f"framing ingest {file} failed: {err}")
    n = sqlite3.connect(db).execute("SELECT COUNT(*) FROM units").fetchone()[0]
    return usage.ru_maxrss / 1024, dt, int(n)  # ru_maxrss is in KiB on Linux


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, nargs="+", default=[5.0, 20.0, 50.0])
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        small = work / "seeds_once.txt"
        build_file(small, 1)
        base = min(peak_ingest(small, work / f"base{i}.db")[0] for i in range(args.repeat))
        for mb in args.mb:
            big = work / f"one_{mb:g}mb.txt"
            size = build_file(big, int(mb * 1e6))
            runs = [peak_ingest(big, work / f"big{mb:g}_{i}.db") for i in range(args.repeat)]
            peak, seconds, units = min(runs)
            above = peak - base
            print(
                f"mb={size / 1e6:.2f} peak_mb={peak:.1f} baseline_mb={base:.1f} "
                f"above_mb={above:.1f} above_per_text_mb={above / (size / 1e6):.2f} "
                f"seconds={seconds:.1f} units={units}",
                flush=True,
            )
            big.unlink()


if __name__ == "__main__":
    main()
