"""The 48 Golden Rules of sentence segmentation, end to end through the CLI.

Each rule is its own file; ``framing ingest`` stores them and ``framing export`` reads
them back. A rule passes when the texts of ALL units of its document (queued or not,
in order) equal the expected sentences: a short rule may well be a ``title`` or a
``heading`` unit, which is fine here.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from framing.cli import main

from .golden_rules import GOLDEN_EN_RULES


def test_golden_rules_through_ingest_and_export(tmp_path: Path) -> None:
    assert len(GOLDEN_EN_RULES) == 48
    folder = tmp_path / "rules"
    folder.mkdir()
    for i, (text, _) in enumerate(GOLDEN_EN_RULES, start=1):
        (folder / f"rule_{i:02d}.txt").write_text(text + "\n", encoding="utf-8")
    db = tmp_path / "golden.db"
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(folder), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "48 documents added" in result.stdout
    result = runner.invoke(main, ["export", "--db", str(db)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    by_doc: dict[str, list[dict]] = {}
    for row in rows:
        by_doc.setdefault(row["doc_id"], []).append(row)
    assert len(by_doc) == 48
    failed = []
    for i, (text, expected) in enumerate(GOLDEN_EN_RULES, start=1):
        units = sorted(by_doc[f"rule_{i:02d}"], key=lambda r: r["position"])
        got = [u["text"] for u in units]
        if got != expected:
            failed.append((i, text, got, expected))
        for u in units:  # offsets index the file as written
            assert (text + "\n")[u["start"] : u["end"]] == u["text"]
    for i, text, got, expected in failed:
        print(f"golden rule {i} failed: {text!r}\n  got      {got!r}\n  expected {expected!r}")
    print(f"golden rules through the CLI: {48 - len(failed)}/48")
    assert 48 - len(failed) >= 46
