"""Time what a user waits for: the ``framing ingest`` command, end to end, against a
bare spaCy sentencizer + VADER over the same text, in the same run.

Builds a corpus of about 4 MB by copying the seed texts into a temporary folder, then:

* **framing**: ``framing ingest FOLDER --db NEW.db`` as a subprocess, timed from
  launch to exit (interpreter and spaCy start-up, the checks, layout, kinds,
  ``framing_sentences``, clean text, VADER, the codebook's hints, SQLite writes).
  It segments in one worker process per CPU core (``--jobs`` passes another count
  on; ``--jobs 1`` is all in one process); ``workers=`` and ``cores=`` say what it
  used, since the baseline uses one core. framing runs as installed: its bytecode
  is compiled by an untimed first run and kept (even under PYTHONDONTWRITEBYTECODE),
  as the baseline's libraries in site-packages are;
* **baseline**: in this process, with spaCy and VADER already loaded (so its start-up
  is *not* counted): ``spacy.blank("en")`` + the built-in ``sentencizer`` over the
  same files, one paragraph per line as in the seeds, through ``nlp.pipe``, then
  VADER ``polarity_scores`` on each sentence;
* **baseline_cold**: the same baseline as a subprocess, start-up included (the fair
  like-for-like figure, printed for information).

Each side runs ``--repeat`` times and the fastest run counts. Prints one line::

    mb=... framing_seconds=... baseline_seconds=... ratio=... baseline_cold_seconds=...
    ratio_cold=... units=... workers=... cores=... load=... framing_cpu_seconds=...

Usage: ``python benchmarks/ingest.py [--mb 4] [--repeat 2] [--jobs N]``. Target:
ratio <= 1.5. A loaded machine makes every figure noisy (``load=`` is the 1-minute
load average at the end), and it slows framing's workers more than the one-core
baseline; compare the ratio, not the seconds. ``framing_cpu_seconds`` (user + system
of all framing's processes, the least of the runs) does not depend on the load: on
an idle machine framing's time is at least that divided by ``workers``.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
FRAMING = [sys.executable, "-c", "import sys; from framing.cli import main; sys.exit(main())"]

BASELINE = """
import sys
from pathlib import Path
import spacy
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

def run(files, nlp, vader):
    n = 0
    for f in files:
        lines = [l for l in Path(f).read_text(encoding="utf-8").splitlines() if l.strip()]
        for doc in nlp.pipe(lines, batch_size=256):
            for sent in doc.sents:
                vader.polarity_scores(sent.text)
                n += 1
    return n

def setup():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 10**8
    return nlp, SentimentIntensityAnalyzer()

if __name__ == "__main__":
    print(run(sys.argv[1:], *setup()))
"""


def build_corpus(folder: Path, target_bytes: int) -> list[Path]:
    """Copy the seed texts (and their manifest entries' files) into ``folder``."""
    seeds = sorted(SEEDS.glob("*.txt"))
    written = copy = 0
    files: list[Path] = []
    while written < target_bytes:
        for seed in seeds:
            data = seed.read_bytes()
            path = folder / f"{copy:04d}_{seed.name}"
            path.write_bytes(data)
            files.append(path)
            written += len(data)
        copy += 1
    return files


def framing_env() -> dict[str, str]:
    """framing as installed: its bytecode compiled once and kept (pip compiles it at
    install; the site-packages the baseline imports are compiled already), in
    ``src/framing/**/__pycache__`` (ignored by git), even where
    PYTHONDONTWRITEBYTECODE is set. (Not PYTHONPYCACHEPREFIX: that would also
    ignore site-packages' own compiled files.)"""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(ROOT / "src")}


def time_framing(folder: Path, work: Path, i: int, jobs: int | None) -> tuple[float, float, int]:
    db = work / f"f{i}.db"
    env = framing_env()
    more = ["--jobs", str(jobs)] if jobs else []
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(
        [*FRAMING, "ingest", str(folder), "--db", str(db), *more], env=env, capture_output=True
    )
    dt = time.perf_counter() - t0
    cpu = _children_cpu() - cpu0
    if proc.returncode:
        raise SystemExit(proc.stderr.decode())
    n = sqlite3.connect(db).execute("SELECT COUNT(*) FROM units").fetchone()[0]
    return dt, cpu, int(n)


def _children_cpu() -> float:
    """CPU seconds (user + system) of finished child processes and their own
    children: framing's workers included."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=4.0)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=None, help="framing ingest --jobs")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from framing.ingest_pool import cpu_count, pool_size

    namespace: dict[str, object] = {"__name__": "baseline"}
    exec(compile(BASELINE, "baseline", "exec"), namespace)  # noqa: S102
    nlp, vader = namespace["setup"]()  # type: ignore[operator]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = work / "corpus"
        folder.mkdir()
        files = build_corpus(folder, int(args.mb * 1e6))
        names = [str(f) for f in files]
        subprocess.run(  # untimed: compiles framing's bytecode, as an install does
            [*FRAMING, "ingest", names[0], "--db", str(work / "warm.db")],
            env=framing_env(),
            capture_output=True,
            check=True,
        )
        framing_s, baseline_s, cold_s, cpu_s = [], [], [], []
        units = 0
        for i in range(args.repeat):
            dt, cpu, units = time_framing(folder, work, i, args.jobs)
            framing_s.append(dt)
            cpu_s.append(cpu)
            t0 = time.perf_counter()
            namespace["run"](names, nlp, vader)  # type: ignore[operator]
            baseline_s.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", BASELINE, *names], check=True, capture_output=True
            )
            cold_s.append(time.perf_counter() - t0)
        f, b, c = min(framing_s), min(baseline_s), min(cold_s)
        size = sum(p.stat().st_size for p in files) / 1e6
        chars = [len(p.read_text(encoding="utf-8")) for p in files]
        workers = pool_size(args.jobs, chars) or 1  # what framing ingest decides
        print(
            f"mb={size:.2f} framing_seconds={f:.2f} baseline_seconds={b:.2f} ratio={f / b:.2f} "
            f"baseline_cold_seconds={c:.2f} ratio_cold={f / c:.2f} units={units} "
            f"workers={workers} cores={cpu_count()} load={os.getloadavg()[0]:.2f} "
            f"framing_cpu_seconds={min(cpu_s):.2f}"
        )


if __name__ == "__main__":
    main()
