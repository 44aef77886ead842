"""Studies at scale: assigning 1M units, and next-unit latency with a study vs open mode.

Builds a temporary database of ``--docs`` x ``--units-per-doc`` units (default
1,000 x 1,000 = 1M; five sources), then in the same process:

1. ``assign_seconds``: :func:`framing.study.plan` assigning every unit to
   ``--annotators`` (20) with overlap 2, calibration 100, shuffled order, hints split,
   written to SQLite. Target <= 30 s. Printed as wall seconds and as this process's
   CPU seconds (``time.process_time``; SQLite runs in-process): on a shared machine
   the wall figure includes the time other processes held the cores.
2. ``next_unit``: the store work of one "next unit" step of the annotation screen,
   ``Session.go_next`` (the queue query through the seam, the unit's context and the
   annotator's current labels), timed for ``--steps`` steps in open mode and as a
   study annotator (shuffled queue), the two interleaved in blocks so both see the same
   machine load. Reported as medians and the ratio study/open. Target ratio <= 1.10.
3. ``complete_unit``: the same with the label commit (``add_label``, ``synchronous=FULL``)
   that precedes the move in the UI.

Run: ``.venv/bin/python benchmarks/study.py [--docs 1000] [--steps 2000] [--db-dir DIR]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from framing.codebook import load_codebook
from framing.models import Document, UnitDraft
from framing.store import Store
from framing.study import StudySettings, codebook_signature, plan
from framing.tui.session import Session


def synthetic(n_docs: int, per_doc: int) -> Iterator[tuple[Document, list[UnitDraft]]]:
    for d in range(n_docs):
        drafts, offset = [], 0
        for p in range(per_doc):
            text = f"Document {d} sentence {p}: the ministry said talks would resume."
            drafts.append(UnitDraft(position=p, start=offset, end=offset + len(text), text=text))
            offset += len(text) + 1
        doc = Document(f"doc{d:05d}", f"doc{d:05d}.txt", source=f"source {d % 5}", sha256=str(d))
        yield doc, drafts


def time_steps(session: Session, n: int, *, commit: bool) -> list[float]:
    out = []
    label = session.dims[0].labels[0]
    for _ in range(n):
        t0 = time.perf_counter()
        if commit and session.unit is not None:
            session.store.add_label(
                session.unit.unit_id, session.annotator, session.dims[0].id, label.id
            )
        if not session.go_next():
            session.start()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000)
    parser.add_argument("--units-per-doc", type=int, default=1_000)
    parser.add_argument("--annotators", type=int, default=20)
    parser.add_argument("--steps", type=int, default=2_000)
    parser.add_argument("--db-dir", default=None)
    args = parser.parse_args()
    codebook = load_codebook()
    with tempfile.TemporaryDirectory(dir=args.db_dir) as tmp:
        store = Store.open(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        store.ingest(synthetic(args.docs, args.units_per_doc))
        n = store.count_units(queued_only=True)
        print(f"# ingested {n} units in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

        # open mode sessions first (a study changes every queue)
        names = [f"ann{i:02d}" for i in range(args.annotators)]
        open_store = Store.open(Path(tmp) / "bench.db")
        open_session = Session(open_store, codebook, "open-mode")
        open_session.start()

        t0, c0 = time.perf_counter(), time.process_time()
        settings = StudySettings(
            tuple(names), overlap=2, calibration=100, order="shuffled", seed=1, hints="split"
        )
        report = plan(store, settings, codebook_signature(codebook))
        assign_s, assign_cpu = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"assign_seconds={assign_s:.1f} cpu_seconds={assign_cpu:.1f} units={n} "
            f"annotators={len(names)} "
            f"assignments={report['assignments_added']} target<=30"
        )
        study_session = Session(store, codebook, names[0], mode="study")
        study_session.start()
        assert open_store.study_active() is False  # cached before the study existed
        results: dict[str, list[float]] = {
            "open": [],
            "study": [],
            "open_commit": [],
            "study_commit": [],
        }
        block = 100
        for _ in range(max(1, args.steps // block)):
            results["open"] += time_steps(open_session, block, commit=False)
            results["study"] += time_steps(study_session, block, commit=False)
        for _ in range(max(1, args.steps // block // 4)):
            results["open_commit"] += time_steps(open_session, block, commit=True)
            results["study_commit"] += time_steps(study_session, block, commit=True)
        med = {k: statistics.median(v) * 1000 for k, v in results.items()}
        print(
            f"next_unit_ms open={med['open']:.3f} study={med['study']:.3f} "
            f"ratio={med['study'] / med['open']:.2f} steps={len(results['open'])} units={n}"
        )
        print(
            f"complete_unit_ms open={med['open_commit']:.3f} study={med['study_commit']:.3f} "
            f"ratio={med['study_commit'] / med['open_commit']:.2f} "
            f"steps={len(results['open_commit'])}"
        )
        open_store.close()
        store.close()


if __name__ == "__main__":
    main()
