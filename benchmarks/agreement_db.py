"""Time ``framing agreement`` and ``framing disagreements`` on a database with 1M labels.

Builds a temporary framing database (or reuses ``--db PATH``) with
``--units`` units (default 111,112) in documents of 100 units, each labelled by 3
annotators in the 3 dimensions of the default codebook: 111,112 × 3 × 3 =
1,000,008 current labels.  Each annotator gives a unit's "true" label with
probability 0.75 and a uniformly random one otherwise, so two annotators agree
on about 60% of their ratings.  About 5% of the current labels replace an earlier
label (the ``labels`` history holds ~1.05M rows), so the ``current_labels`` view
has real work to do.  Units go in through ``Store.ingest`` and labels through
``Store.import_labels``, in chunks, so memory stays bounded.

Then, in one process, each step once:

* **baseline**: a bare ``SELECT unit_id, annotator, dimension, value FROM
  current_labels`` + ``fetchall()`` through :mod:`sqlite3` (the named baseline);
* ``framing disagreements --limit 20``;
* ``framing agreement --json --n-boot 0``;
* ``framing agreement --json`` (``--n-boot 1000``, the default);
* with ``--by-all``, also ``framing agreement --json --by all --n-boot 0``,

the CLI steps through click's ``CliRunner`` (``from framing.cli import main``).
Prints one line per step::

    agreement_1M_labels n_boot=1000 seconds=... baseline_select_seconds=... ratio=...
        cpu_seconds=... cpu_ratio=... peak_rss_mb=...

``ratio`` is seconds / baseline seconds; ``cpu_ratio`` the same with the
process's CPU time (``time.process_time``), which a busy machine disturbs less
than wall-clock time (report both; the target is stated on ``ratio``).
``peak_rss_mb`` is the process's high-water mark (``resource.getrusage``) at the
end of the step; on Linux it is reset before each step (``/proc/self/clear_refs``),
so it is that step's own peak (``peak_scope=step``); elsewhere it is the peak so
far (``peak_scope=process``).
The database is built in a child process, so its memory does not count.

Usage: ``.venv/bin/python benchmarks/agreement_db.py [--units N] [--db PATH] [--by-all]``
(``--db`` keeps the database for the next run; building 1M labels takes ~10 s).
``--profile STEP`` runs one step under cProfile and prints the top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from framing.cli import main as framing_main
from framing.codebook import load_codebook
from framing.models import Codebook, Document, UnitDraft, make_unit_id
from framing.store import Store

ANNOTATORS = ("alice", "bob", "carol")
UNITS_PER_DOC = 100
P_TRUTH = 0.75  # pairwise agreement ≈ P² + (1 − P²)/K ≈ 0.6
P_RELABEL = 0.05
LABEL_CHUNK = 150_000


def _peak_rss_mb() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1 << 20) if sys.platform == "darwin" else rss / 1024


def _reset_step_peak() -> bool:
    """Reset the kernel's peak-RSS counter of this process (Linux ≥ 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _documents(n_units: int) -> Iterator[tuple[Document, list[UnitDraft]]]:
    n_docs = -(-n_units // UNITS_PER_DOC)
    for d in range(n_docs):
        doc_id = f"doc{d:05d}"
        n = min(UNITS_PER_DOC, n_units - d * UNITS_PER_DOC)
        drafts = [
            UnitDraft(
                position=i,
                start=i * 120,
                end=i * 120 + 110,
                text=f"Sentence {i} of document {d}: a synthetic unit of about ninety "
                f"characters, for the benchmark.",
            )
            for i in range(n)
        ]
        doc = Document(
            doc_id=doc_id,
            file=f"{doc_id}.txt",
            title=f"Document {d}",
            source=f"source {d % 7}",
            sha256=f"sha-{d}",
            n_chars=n * 120,
        )
        yield doc, drafts


def _label_rows(
    n_units: int, codebook: Codebook, rng: random.Random
) -> Iterator[tuple[str, str, str, Any]]:
    """(unit_id, annotator, dimension, value) rows, unit by unit; relabels come first."""
    dims = [(d.id, d.label_ids) for d in codebook.dimensions]
    for doc, drafts in _documents(n_units):
        for u in drafts:
            unit_id = make_unit_id(doc.doc_id, u.start, u.end)
            for dim_id, labels in dims:
                truth = rng.choice(labels)
                for ann in ANNOTATORS:
                    if rng.random() < P_RELABEL:  # an earlier label, later replaced
                        yield unit_id, ann, dim_id, rng.choice(labels)
                    value = truth if rng.random() < P_TRUTH else rng.choice(labels)
                    yield unit_id, ann, dim_id, value


def build(path: Path, n_units: int, codebook: Codebook) -> None:
    t0 = time.perf_counter()
    store = Store.open(path)
    docs = list(_documents(n_units))
    for i in range(0, len(docs), 100):
        store.ingest(docs[i : i + 100])
    del docs
    rng = random.Random(0)
    chunk: list[tuple[str, str, str, Any]] = []
    for row in _label_rows(n_units, codebook, rng):
        chunk.append(row)
        if len(chunk) >= LABEL_CHUNK:
            store.import_labels(chunk)
            chunk = []
    if chunk:
        store.import_labels(chunk)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    print(f"built {path} in {time.perf_counter() - t0:.1f}s", file=sys.stderr)


def baseline(path: Path) -> int:
    conn = sqlite3.connect(str(path))
    try:
        rows = conn.execute(
            "SELECT unit_id, annotator, dimension, value FROM current_labels"
        ).fetchall()
    finally:
        conn.close()
    return len(rows)


def run_cli(args: list[str]) -> str:
    result = CliRunner().invoke(framing_main, args, catch_exceptions=False)
    if result.exit_code != 0:
        raise SystemExit(f"framing {' '.join(args)} failed:\n{result.output}")
    return result.output


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--units", type=int, default=111_112)
    ap.add_argument("--db", type=Path, default=None, help="keep/reuse the database here")
    ap.add_argument("--n-boot", type=int, default=1000)
    ap.add_argument("--by-all", action="store_true", help="also time --by all --n-boot 0")
    ap.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument(
        "--profile",
        choices=("baseline", "disagreements", "agreement0", "agreement", "by_all"),
        default=None,
        help="run only this step, under cProfile",
    )
    args = ap.parse_args()
    if args.build_only:
        build(args.db, args.units, load_codebook(None))
        return

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        if not path.exists():  # in a child process: its memory is not the benchmark's
            cmd = [sys.executable, __file__, "--build-only", "--db", str(path)]
            subprocess.run([*cmd, "--units", str(args.units)], check=True)
        n_labels = baseline(path)  # also warms the OS page cache
        tag = f"{n_labels / 1e6:.0f}M" if n_labels >= 1e6 else f"{n_labels // 1000}k"
        db = ["--db", str(path)]
        steps: dict[str, Callable[[], Any]] = {
            "baseline": lambda: baseline(path),
            "disagreements": lambda: run_cli(["disagreements", "--limit", "20", *db]),
            "agreement0": lambda: run_cli(["agreement", "--json", "--n-boot", "0", *db]),
            "agreement": lambda: run_cli(
                ["agreement", "--json", "--n-boot", str(args.n_boot), *db]
            ),
        }
        if args.by_all or args.profile == "by_all":
            steps["by_all"] = lambda: run_cli(
                ["agreement", "--json", "--by", "all", "--n-boot", "0", *db]
            )
        if args.profile:
            prof = cProfile.Profile()
            prof.runcall(steps[args.profile])
            pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
            pstats.Stats(prof).sort_stats("tottime").print_stats(25)
            return
        print(f"# {n_labels:,} current labels, {args.units:,} units, db={path}")
        names = {
            "baseline": f"baseline_select_{tag}_labels",
            "disagreements": f"disagreements_{tag}_labels limit=20",
            "agreement0": f"agreement_{tag}_labels n_boot=0",
            "agreement": f"agreement_{tag}_labels n_boot={args.n_boot}",
            "by_all": f"agreement_{tag}_labels by=all n_boot=0",
        }
        base_s = base_cpu = 0.0
        for key, fn in steps.items():
            per_step = _reset_step_peak()
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            secs, cpu = time.perf_counter() - t0, time.process_time() - c0
            if key == "baseline":
                base_s, base_cpu = secs, cpu
            print(
                f"{names[key]} seconds={secs:.2f} baseline_select_seconds={base_s:.2f} "
                f"ratio={secs / base_s:.2f} cpu_seconds={cpu:.2f} cpu_ratio={cpu / base_cpu:.2f} "
                f"peak_rss_mb={_peak_rss_mb():.0f} "
                f"peak_scope={'step' if per_step else 'process'}",
                flush=True,
            )


if __name__ == "__main__":
    main()
