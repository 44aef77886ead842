"""`framing agreement --json` equals the reference packages on imported labels."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from click.testing import CliRunner
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

from framing.cli import main
from framing.codebook import load_codebook

ANNOTATORS = ("ann1", "ann2", "ann3")


def _percent_agreement(matrix: np.ndarray) -> float:
    shares = []
    for col in matrix.T:
        pairs = list(itertools.combinations(col, 2))
        shares.append(sum(a == b for a, b in pairs) / len(pairs))
    return float(np.mean(shares))


@pytest.mark.parametrize("seed", [1, 7])
def test_agreement_json_matches_reference_packages(
    seeded_db: Path, tmp_path: Path, seed: int
) -> None:
    cb = load_codebook()
    runner = CliRunner()
    export = runner.invoke(main, ["export", "--db", str(seeded_db)])
    unit_ids = [json.loads(x)["unit_id"] for x in export.stdout.splitlines()][:150]
    rng = np.random.default_rng(seed)
    truth: dict[str, np.ndarray] = {}
    lines = []
    for dim in cb.dimensions:
        k = len(dim.labels)
        base = rng.integers(0, k, size=len(unit_ids))
        noise = rng.random((3, len(unit_ids))) < 0.35
        codes = np.where(noise, rng.integers(0, k, size=(3, len(unit_ids))), base)
        truth[dim.id] = codes
        for a, ann in enumerate(ANNOTATORS):
            for u, unit_id in enumerate(unit_ids):
                lines.append(
                    {
                        "unit_id": unit_id,
                        "annotator": ann,
                        "dimension": dim.id,
                        "value": dim.labels[codes[a, u]].id,
                    }
                )
    f = tmp_path / "labels.jsonl"
    f.write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
    r = runner.invoke(main, ["import-labels", str(f), "--db", str(seeded_db)])
    assert r.exit_code == 0, r.stderr
    r = runner.invoke(main, ["agreement", "--json", "--db", str(seeded_db)])
    assert r.exit_code == 0, r.stderr
    got = json.loads(r.stdout)["dimensions"]
    for dim in cb.dimensions:
        codes = truth[dim.id]
        res = got[dim.id]
        assert res["units"] == len(unit_ids)
        assert res["annotators"] == 3
        level = "ordinal" if dim.kind == "ordinal" else "nominal"
        alpha = krippendorff.alpha(
            reliability_data=codes.astype(float),
            level_of_measurement=level,
            value_domain=list(range(len(dim.labels))),
        )
        assert res["krippendorff_alpha"] == pytest.approx(alpha, abs=1e-6)
        table, _ = aggregate_raters(codes.T, n_cat=len(dim.labels))
        assert res["fleiss_kappa"] == pytest.approx(fleiss_kappa(table), abs=1e-6)
        labels = list(range(len(dim.labels)))
        cohen = np.mean(
            [
                cohen_kappa_score(codes[i], codes[j], labels=labels)
                for i, j in itertools.combinations(range(3), 2)
            ]
        )
        assert res["cohen_kappa"] == pytest.approx(cohen, abs=1e-6)
        assert res["percent_agreement"] == pytest.approx(_percent_agreement(codes), abs=1e-9)


def test_agreement_table_is_readable(seeded_db: Path) -> None:
    r = CliRunner().invoke(main, ["agreement", "--db", str(seeded_db)])
    assert r.exit_code == 0
    assert "perspective" in r.stdout and "alpha" in r.stdout


@pytest.mark.parametrize("command", ["agreement", "analyze"])
def test_report_format_follows_the_output_suffix(
    seeded_db: Path, tmp_path: Path, command: str
) -> None:
    """The shared --format/--json/-o bundle: without --format, -o x.html writes HTML and
    -o x.json writes JSON; --json with another --format is a usage error."""
    runner = CliRunner()
    extra = ["--n-boot", "0"] + (
        ["--n-perm", "0", "--no-sensitivity"] if command == "analyze" else []
    )
    html = tmp_path / "r.html"
    r = runner.invoke(main, [command, "--db", str(seeded_db), "-o", str(html), *extra])
    assert r.exit_code == 0, r.output
    assert html.read_text("utf-8").lstrip().lower().startswith("<!doctype html")
    js = tmp_path / "r.json"
    r = runner.invoke(main, [command, "--db", str(seeded_db), "-o", str(js), *extra])
    assert r.exit_code == 0, r.output
    assert isinstance(json.loads(js.read_text("utf-8")), dict)
    r = runner.invoke(main, [command, "--db", str(seeded_db), "--json", "--format", "html"])
    assert r.exit_code == 2
    assert "--json means --format json" in r.output
