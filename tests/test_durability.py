"""A label is durable once add_label returns: kill -9 right after loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from framing.models import Document, UnitDraft
from framing.store import Store


def test_labels_survive_kill_9(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    s = Store.open(db)
    drafts = [UnitDraft(i, i * 10, i * 10 + 5, f"u{i}") for i in range(5)]
    s.ingest([(Document("d", "d.txt", sha256="x"), drafts)])
    s.close()
    script = textwrap.dedent(
        f"""
        import sys, time
        from framing.store import Store
        s = Store.open({str(db)!r})
        for i in range(5):
            s.add_label(f"d:{{i*10}}-{{i*10+5}}", "ann", "frame", f"v{{i}}")
        print("labelled", flush=True)
        time.sleep(60)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "labelled"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    s = Store.open(db)
    got = {u: v for u, _, _, v in s.all_current_labels()}
    assert got == {f"d:{i * 10}-{i * 10 + 5}": f"v{i}" for i in range(5)}
