"""Time ``framing gold`` (majority and Dawid–Skene) on a database with 1M labels.

The database is the one of ``benchmarks/agreement_db.py`` (built the same way, by
its ``build``, in a child process): 111,112 units × 3 annotators × 3 dimensions =
1,000,008 current labels (~1.05M label rows with history), each annotator right
with probability 0.75.  Steps, each once, in one process:

* **baseline**: a bare ``SELECT … FROM current_labels`` + ``fetchall()`` (sqlite3);
* ``framing gold`` (majority) on a fresh database: every gold row is written;
* ``framing gold`` again: nothing changes, nothing is written (the steady state);
* ``framing gold --method dawid-skene`` (100 iterations at most, tol 1e-6):
  replaces the majority rows with model rows.

One line per step: ``gold_<step>_1M_labels seconds=… baseline_select_seconds=…
ratio=… cpu_seconds=…`` (ratio = seconds / baseline; cpu_seconds is this process's
CPU time, less sensitive than wall time to other load on the machine).  The
target is ≤ 10 s for a step.

Usage: ``.venv/bin/python benchmarks/gold.py [--units N] [--db PATH]``
(``--db`` keeps the database; the gold steps write into it, so a kept database
starts from its previous gold).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
from agreement_db import baseline  # noqa: E402  (the shared database builder)

from framing.cli import main as framing_main  # noqa: E402
from framing.store import Store  # noqa: E402


def run_cli(args: list[str]) -> str:
    result = CliRunner().invoke(framing_main, args, catch_exceptions=False)
    if result.exit_code != 0:
        raise SystemExit(f"framing {' '.join(args)} failed:\n{result.output}")
    return result.output


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--units", type=int, default=111_112)
    ap.add_argument("--db", type=Path, default=None, help="keep/reuse the database here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        if not path.exists():
            builder = Path(__file__).resolve().parent / "agreement_db.py"
            cmd = [sys.executable, str(builder), "--build-only", "--db", str(path)]
            subprocess.run([*cmd, "--units", str(args.units)], check=True)
        Store.open(path).close()  # migrate an older database before timing anything
        n_labels = baseline(path)
        t0 = time.perf_counter()
        baseline(path)
        base = time.perf_counter() - t0
        tag = f"{n_labels / 1e6:.0f}M" if n_labels >= 1e6 else f"{n_labels // 1000}k"
        db = ["--db", str(path)]
        steps = [
            ("majority_first", ["gold", "--json", *db]),
            ("majority_again", ["gold", "--json", *db]),
            ("dawid_skene", ["gold", "--method", "dawid-skene", "--json", *db]),
        ]
        for name, cli in steps:
            t0, c0 = time.perf_counter(), time.process_time()
            out = run_cli(cli)
            sec, cpu = time.perf_counter() - t0, time.process_time() - c0
            written = sum(d["rows_written"] for d in json.loads(out)["dimensions"].values())
            print(
                f"gold_{name}_{tag}_labels seconds={sec:.2f} baseline_select_seconds={base:.2f}"
                f" ratio={sec / base:.1f} cpu_seconds={cpu:.2f} rows_written={written}",
                flush=True,
            )


if __name__ == "__main__":
    main()
