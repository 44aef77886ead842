"""Time ``framing analyze`` and ``framing export --format parquet`` on 1M units.

Builds a temporary framing database (or reuses ``--db PATH``) with ``--units``
units (default 1,000,000) in documents of 100 units from 7 sources, each unit
with stored hints (a cue and an actor) and a VADER-like tone, labelled by
``--annotators`` annotators (default 2) in the 3 dimensions of the default
codebook (1M units × 2 × 3 = 6M current labels).  A source leans towards two
frames and one certainty level, so the tests have something to find.

Then, in one process, each step once (CLI through click's ``CliRunner``):

* **baseline_export**: a bare ``SELECT * FROM units`` + ``fetchall()`` through
  :mod:`sqlite3` (the named baseline for export);
* **export_parquet**: ``framing export --format parquet -o FILE``;
* **baseline_analyze**: a bare ``SELECT unit_id, annotator, dimension, value FROM
  current_labels`` + ``fetchall()`` (the named baseline for analyze);
* **analyze**: ``framing analyze --json -o FILE`` (defaults: 1000 bootstrap
  resamples, up to 2000 document permutations, sensitivity on).

Prints one line per step::

    analyze_1M_units seconds=... baseline_seconds=... ratio=... peak_rss_mb=...

Usage: ``.venv/bin/python benchmarks/dataset.py [--units N] [--db PATH]``
(``--db`` keeps the database for the next run).  ``--profile STEP`` runs one
step under cProfile and prints the top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import json
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

UNITS_PER_DOC = 100
N_SOURCES = 7
LABEL_CHUNK = 300_000


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _hints(i: int) -> dict[str, Any]:
    cue = ("hedge", "booster", "attribution")[i % 3]
    return {
        "cues": [{"type": cue, "text": "may", "start": 0, "end": 3}],
        "actors": [{"id": "taliban", "name": "Taliban", "text": "Taliban", "start": 4, "end": 11}],
        "tone": {"compound": 0.0, "label": "neutral"},
        "suggested_certainty": None,
    }


def _documents(n_units: int) -> Iterator[tuple[Document, list[UnitDraft]]]:
    n_docs = -(-n_units // UNITS_PER_DOC)
    rng = random.Random(1)
    for d in range(n_docs):
        doc_id = f"doc{d:05d}"
        n = min(UNITS_PER_DOC, n_units - d * UNITS_PER_DOC)
        drafts = [
            UnitDraft(
                position=i,
                start=i * 120,
                end=i * 120 + 110,
                text=f"Sentence {i} of document {d}: the Taliban may say a synthetic thing.",
                sentiment=round(rng.uniform(-1, 1), 3),
                hints=_hints(i),
            )
            for i in range(n)
        ]
        yield (
            Document(
                doc_id=doc_id,
                file=f"/corpus/src{d % N_SOURCES}/{doc_id}.txt",
                title=f"Document {d}",
                source=f"source {d % N_SOURCES}",
                sha256=f"sha-{d}",
                n_chars=n * 120,
            ),
            drafts,
        )


def _label_rows(
    n_units: int, codebook: Codebook, annotators: list[str]
) -> Iterator[tuple[str, str, str, Any]]:
    rng = random.Random(0)
    dims = [(d.id, d.label_ids) for d in codebook.dimensions]
    for doc_no, (doc, drafts) in enumerate(_documents(n_units)):
        s = doc_no % N_SOURCES
        for u in drafts:
            unit_id = make_unit_id(doc.doc_id, u.start, u.end)
            for dim_id, labels in dims:
                lean = [labels[(s + k) % len(labels)] for k in range(2)]
                truth = rng.choice(lean) if rng.random() < 0.4 else rng.choice(labels)
                for a in annotators:
                    value = truth if rng.random() < 0.7 else rng.choice(labels)
                    yield unit_id, a, dim_id, value


def build(path: Path, n_units: int, n_annotators: int) -> None:
    t0 = time.perf_counter()
    cb = load_codebook(None)
    store = Store.open(path)
    batch: list[tuple[Document, list[UnitDraft]]] = []
    for item in _documents(n_units):
        batch.append(item)
        if len(batch) >= 200:
            store.ingest(batch)
            batch = []
    if batch:
        store.ingest(batch)
    chunk: list[tuple[str, str, str, Any]] = []
    names = [f"annotator{i}" for i in range(n_annotators)]
    for row in _label_rows(n_units, cb, names):
        chunk.append(row)
        if len(chunk) >= LABEL_CHUNK:
            store.import_labels(chunk)
            chunk = []
    if chunk:
        store.import_labels(chunk)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    print(f"built {path} in {time.perf_counter() - t0:.1f}s", file=sys.stderr)


def _fetch(path: Path, sql: str) -> int:
    conn = sqlite3.connect(str(path))
    try:
        return len(conn.execute(sql).fetchall())
    finally:
        conn.close()


def run_cli(args: list[str]) -> str:
    result = CliRunner().invoke(framing_main, args, catch_exceptions=False)
    if result.exit_code != 0:
        raise SystemExit(f"framing {' '.join(args)} failed:\n{result.output}")
    return result.output


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--units", type=int, default=1_000_000)
    ap.add_argument("--annotators", type=int, default=2)
    ap.add_argument("--db", type=Path, default=None, help="keep/reuse the database here")
    ap.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument(
        "--profile", choices=("export_parquet", "analyze"), default=None, help="profile a step"
    )
    args = ap.parse_args()
    if args.build_only:
        build(args.db, args.units, args.annotators)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        if not path.exists():
            cmd = [sys.executable, __file__, "--build-only", "--db", str(path)]
            cmd += ["--units", str(args.units), "--annotators", str(args.annotators)]
            subprocess.run(cmd, check=True)
        db = ["--db", str(path)]
        out_pq = Path(tmp) / "units.parquet"
        out_json = Path(tmp) / "bias.json"
        steps: dict[str, Callable[[], Any]] = {
            "baseline_export": lambda: _fetch(path, "SELECT * FROM units"),
            "export_parquet": lambda: run_cli(
                ["export", "--format", "parquet", "-o", str(out_pq), *db]
            ),
            "baseline_analyze": lambda: _fetch(
                path, "SELECT unit_id, annotator, dimension, value FROM current_labels"
            ),
            "analyze": lambda: run_cli(["analyze", "--json", "-o", str(out_json), *db]),
        }
        if args.profile:
            prof = cProfile.Profile()
            prof.runcall(steps[args.profile])
            pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
            return
        n_units = _fetch(path, "SELECT unit_id FROM units")
        tag = f"{n_units / 1e6:g}M" if n_units >= 1e6 else f"{n_units // 1000}k"
        seconds: dict[str, float] = {}
        for name, step in steps.items():
            t0 = time.perf_counter()
            step()
            seconds[name] = time.perf_counter() - t0
            if name.startswith("baseline"):
                continue
            base = seconds["baseline_export" if name == "export_parquet" else "baseline_analyze"]
            print(
                f"{name}_{tag}_units seconds={seconds[name]:.2f} baseline_seconds={base:.2f} "
                f"ratio={seconds[name] / base:.1f} peak_rss_mb={_peak_rss_mb():.0f}",
                flush=True,
            )
        rep = json.loads(out_json.read_text())
        d = rep["dimensions"]["frame"]
        print(
            f"# analyze frame: n={d['n_units']} chi2={d['chi2']:.1f} V={d['cramers_v']:.3f} "
            f"document p={d['document_level']['p']} ({d['document_level']['method']}); "
            f"parquet {out_pq.stat().st_size / 1e6:.0f} MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
