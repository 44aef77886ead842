"""Rendering agreement reports: text, JSON, Markdown and HTML with embedded PNGs."""

from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from framing.agreement_report import agreement_report
from framing.atomic import write_atomic
from framing.models import FramingError
from framing.report import (
    FORMULAS,
    heatmap_png,
    render,
    render_html,
    render_markdown,
    render_table,
)
from tests.agreement_data import add_matrix, codebook, make_store

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    store, u = make_store(
        tmp_path_factory.mktemp("rep") / "r.db", [("a", "Src <A>", 5), ("b", "", 3)]
    )
    add_matrix(
        store,
        u,
        "frame",
        {
            "alice": ["x", "x", "y", "z", "x", "y", "z", None],
            "bob": ["x", "y", "y", "z", "x", "z", "z", "x"],
            "o'neil <b>": ["x", None, "y", None, "x", "y", None, None],
        },
    )
    add_matrix(
        store,
        u,
        "cert",
        {
            "alice": ["hi", "mid", "lo", "lo", "hi", "mid", "mid", "oops"],
            "bob": ["hi", "mid", "mid", "lo", "hi", "lo", "mid", "hi"],
        },
    )
    return agreement_report(store, codebook(), by=["all"], n_boot=200)


def _pngs(text: str) -> list[bytes]:
    found = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", text)
    return [base64.b64decode(b, validate=True) for b in found]


def test_markdown_has_formulas_exclusions_and_decodable_pngs(report: dict[str, Any]) -> None:
    md = render_markdown(report)
    assert md.startswith("# Agreement report")
    for name, _ in FORMULAS:
        assert name.replace("_", "\\_") in md
    assert "1 − D\\_o / D\\_e" in md  # Krippendorff's alpha, escaped for Markdown
    assert "(P̄ − P̄\\_e) / (1 − P̄\\_e)" in md  # Fleiss
    assert "## Exclusions" in md
    assert "units with a single rating" in md.lower()
    assert "cert: 1 unit with one rating; 1 rating off the scale (oops ×1)" in md
    assert "frame: 1 unit with one rating; no label off the scale" in md
    # one kappa heatmap and one confusion heatmap per dimension with two annotators
    images = re.findall(r"!\[([^\]]*)\]\(data:image/png;base64,", md)
    assert len(images) == 4
    assert any("confusion matrix alice x bob" in alt for alt in images)
    pngs = _pngs(md)
    assert len(pngs) == 4 and all(p.startswith(PNG_SIGNATURE) for p in pngs)
    assert "| dimension | kind | units |" in md
    assert "alpha 95% CI" in md
    assert "o'neil \\<b>" in md  # markup in names is escaped


def test_html_is_self_contained_and_escaped(report: dict[str, Any]) -> None:
    page = render_html(report)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<b>" not in page.replace("<body>", "")
    assert "o&#x27;neil &lt;b&gt;" in page
    assert "Src &lt;A&gt;" in page
    assert "α = 1 − D_o / D_e" in page and "Cohen&#x27;s κ" in page
    assert "<h2>Exclusions</h2>" in page and "off the scale" in page
    imgs = re.findall(r'<img alt="[^"]*" src="data:image/png;base64,([^"]+)">', page)
    assert len(imgs) == 4
    assert all(base64.b64decode(b).startswith(PNG_SIGNATURE) for b in imgs)
    assert 'src="http' not in page  # nothing external


def test_table_keeps_the_summary_and_adds_the_interval(report: dict[str, Any]) -> None:
    text = render_table(report)
    head = text.splitlines()[0].split()
    assert head[:5] == ["dimension", "kind", "units", "coders", "%"]
    assert "alpha 95% CI" in text.splitlines()[0]
    frame_line = next(line for line in text.splitlines() if line.startswith("frame "))
    ci = report["dimensions"]["frame"]["alpha_ci"]
    assert f"[{ci['low']:.3f}, {ci['high']:.3f}]" in frame_line
    assert "bootstrap over units" in text and "200 resamples" in text
    assert "== frame: confusion matrix alice × bob ==" in text
    assert "== cert: agreement over time" in text
    assert "data:image" not in text


def test_json_round_trips(report: dict[str, Any]) -> None:
    assert json.loads(render(report, "json")) == report


def test_render_rejects_unknown_format(report: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="format must be one of"):
        render(report, "pdf")


def test_heatmap_png_handles_missing_cells() -> None:
    png = heatmap_png([[1.0, None], [None, 0.5]], ["a", "b"], ["a", "b"], "t", vmin=-1, vmax=1)
    assert png.startswith(PNG_SIGNATURE)


def test_write_atomic_replaces_whole_file_or_nothing(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "sub" / "report.md"
    write_atomic(target, "first\n")
    assert target.read_text("utf-8") == "first\n"
    mask = os.umask(0o022)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's 0600

    def boom(src: Any, dst: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(FramingError, match=r"report\.md: cannot write \(disk full\)"):
        write_atomic(target, "second\n")
    assert target.read_text("utf-8") == "first\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.md"]  # no temp left
