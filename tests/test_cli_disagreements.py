"""`framing disagreements` and the breakdown/report options of `framing agreement`."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from framing.cli import main
from tests.agreement_data import add_rows, make_store, write_codebook


@pytest.fixture
def env(tmp_path: Path) -> list[str]:
    """CLI options for a database with a known ranking of disagreements (test codebook)."""
    store, u = make_store(tmp_path / "c.db", [("a", "Src A", 4), ("b", "", 2)])
    rows = []
    table = {  # frame labels per unit: alice, bob, carol
        0: ("x", "y", "z"),  # 1.0, 3 annotators
        1: ("x", "y", None),  # 1.0, 2 annotators
        2: ("x", "x", "y"),  # 2/3
        3: ("x", "x", None),  # 0
        4: ("y", "y", "y"),  # 0
        5: ("z", None, None),  # one rating
    }
    for i, labels in table.items():
        for name, v in zip(("alice", "bob", "carol"), labels, strict=True):
            if v is not None:
                rows.append((u[i], name, "frame", v))
                rows.append((u[i], name, "cert", "hi" if i % 2 else "lo"))
    add_rows(store, rows)
    store.close()
    return ["--db", str(tmp_path / "c.db"), "--codebook", str(write_codebook(tmp_path))]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_disagreements_text_in_rank_order(env: list[str]) -> None:
    r = run("disagreements", "-d", "frame", *env)
    assert r.exit_code == 0, r.output
    heads = [line for line in r.stdout.splitlines() if re.match(r"\s*\d+\. disagreement", line)]
    assert len(heads) == 3
    assert "1.000  3 annotators  a unit 1  [a:0-8]" in heads[0]
    assert "1.000  2 annotators  a unit 2  [a:10-18]" in heads[1]
    assert "0.667  3 annotators  a unit 3  [a:20-28]" in heads[2]
    assert "Sentence 0 of a." in r.stdout
    assert re.search(r"alice\s+frame=x", r.stdout) and re.search(r"carol\s+frame=z", r.stdout)
    assert "cert=" not in r.stdout  # only the ranked dimension is shown


def test_disagreements_json_and_limit(env: list[str]) -> None:
    r = run("disagreements", "--json", "--limit", "2", *env)
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["dimension"] is None
    units = data["units"]
    assert [x["position"] for x in units] == [0, 1]
    assert units[0]["labels"]["bob"] == {"frame": "y", "cert": "lo"}
    assert units[0]["by_dimension"] == {"frame": 1.0, "cert": 0.0}
    assert units[0]["disagreement"] == pytest.approx(0.5)


def test_disagreements_errors_and_empty(env: list[str], tmp_path: Path) -> None:
    r = run("disagreements", "-d", "nope", *env)
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and "unknown dimension" in r.stderr
    r = run("disagreements", "-d", "topics", *env)
    assert r.exit_code == 0 and "No disagreements in topics" in r.stdout


def test_agreement_pair_unknown_annotator_is_one_line_error(env: list[str]) -> None:
    r = run("agreement", "--pair", "alice", "zed", "-d", "frame", *env)
    assert r.exit_code == 1
    assert r.stderr.strip().splitlines() == [
        "Error: unknown annotator 'zed' (annotators: alice, bob, carol)"
    ]
    assert r.stdout == ""


def test_agreement_pair_confusion_table(env: list[str]) -> None:
    r = run("agreement", "--pair", "alice", "bob", "-d", "frame", "--n-boot", "200", *env)
    assert r.exit_code == 0, r.output
    assert "== frame: confusion matrix alice × bob ==" in r.stdout
    assert re.search(r"\n1 x\s+2\s+2\s+0\s+4\n", r.stdout)  # alice x: bob x twice, y twice
    assert re.search(r"\n2 y\s+0\s+1\s+0\s+1\n", r.stdout)
    assert re.search(r"\ntotal\s+2\s+3\s+0\s+5\n", r.stdout)
    assert not any(line.startswith("cert") for line in r.stdout.splitlines())


def test_agreement_json_keeps_summary_keys_and_adds_breakdowns(env: list[str]) -> None:
    r = run("agreement", "--json", "--by", "label", "--by", "time", "--n-boot", "200", *env)
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    frame = data["dimensions"]["frame"]
    for key in ("units", "annotators", "percent_agreement", "krippendorff_alpha"):
        assert key in frame
    assert frame["units"] == 5 and frame["annotators"] == 3
    assert {"by_label", "drift", "alpha_ci"} <= set(frame)
    assert "pairwise" not in frame
    assert data["meta"]["breakdowns"] == ["label", "time"]
    same = run(
        "agreement", "--format", "json", "--by", "label", "--by", "time", "--n-boot", "200", *env
    )
    other = json.loads(same.stdout)
    assert other["dimensions"] == data["dimensions"]
    assert run("agreement", "--json", "--format", "html", *env).exit_code == 2


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_agreement_report_written_to_file(env: list[str], tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out" / f"report.{fmt}"
    r = run("agreement", "--format", fmt, "-o", str(out), "--n-boot", "200", *env)
    assert r.exit_code == 0, r.output
    assert r.stdout == "" and f"Wrote {fmt} agreement report to {out}" in r.stderr
    text = out.read_text("utf-8")
    assert "Krippendorff" in text and "Exclusions" in text
    pngs = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", text)
    assert len(pngs) == 4  # kappa matrix + confusion for frame and cert
    assert all(base64.b64decode(p).startswith(b"\x89PNG\r\n\x1a\n") for p in pngs)
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_agreement_output_error_leaves_no_file(env: list[str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = run("agreement", "-o", str(blocker / "report.md"), "--format", "markdown", *env)
    assert r.exit_code == 1 and r.stderr.startswith("Error:")
    assert blocker.read_text() == "x"
