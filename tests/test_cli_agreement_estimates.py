"""`framing agreement --all` / `--coefficients`: analytic SEs in every format."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa, fleiss_kappa

from framing.agreement import SCHEMES, estimate
from framing.agreement.summary import REPORT_COEFFICIENTS
from framing.cli import agreement as cli_agreement
from framing.cli import main
from framing.codebook import load_codebook


def _import(db: Path, tmp_path: Path, annotators: tuple[str, ...], seed: int = 3) -> dict:
    cb = load_codebook()
    runner = CliRunner()
    export = runner.invoke(main, ["export", "--db", str(db)])
    unit_ids = [json.loads(x)["unit_id"] for x in export.stdout.splitlines()][:120]
    rng = np.random.default_rng(seed)
    truth = {}
    lines = []
    for dim in cb.dimensions:
        k = len(dim.labels)
        base = rng.integers(0, k, size=len(unit_ids))
        noise = rng.random((len(annotators), len(unit_ids))) < 0.3
        codes = np.where(noise, rng.integers(0, k, size=noise.shape), base)
        truth[dim.id] = codes
        for a, ann in enumerate(annotators):
            for u, unit_id in enumerate(unit_ids):
                value = dim.labels[codes[a, u]].id
                lines.append(
                    {"unit_id": unit_id, "annotator": ann, "dimension": dim.id, "value": value}
                )
    f = tmp_path / "labels.jsonl"
    f.write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
    r = runner.invoke(main, ["import-labels", str(f), "--db", str(db)])
    assert r.exit_code == 0, r.stderr
    return truth


def _run(*args: str) -> CliRunner:
    return CliRunner().invoke(main, ["agreement", *args])


def test_all_adds_estimates_that_match_the_api_and_statsmodels(
    seeded_db: Path, tmp_path: Path
) -> None:
    truth = _import(seeded_db, tmp_path, ("a1", "a2", "a3"))
    r = _run("--all", "--json", "--n-boot", "0", "--db", str(seeded_db))
    assert r.exit_code == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["meta"]["estimates"]["coefficients"] == list(REPORT_COEFFICIENTS)
    cb = load_codebook()
    for dim in cb.dimensions:
        d = report["dimensions"][dim.id]
        rows = {e["coefficient"]: e for e in d["estimates"]}
        assert "gwet_ac2" not in rows  # unweighted: AC2 would be AC1
        assert (
            rows["cohen_kappa"]["value"] is None
            and "needs 2 annotators" in rows["cohen_kappa"]["reason"]
        )
        codes = truth[dim.id]
        table, _ = aggregate_raters(codes.T, n_cat=len(dim.labels))
        assert rows["fleiss_kappa"]["value"] == pytest.approx(fleiss_kappa(table), abs=1e-9)
        assert rows["fleiss_kappa"]["value"] == pytest.approx(d["fleiss_kappa"], abs=1e-9)
        assert rows["percent_agreement"]["value"] == pytest.approx(d["percent_agreement"], abs=1e-9)
        for name in ("conger_kappa", "gwet_ac1", "brennan_prediger"):
            est = estimate(name, codes)
            assert rows[name]["value"] == pytest.approx(est.value, abs=1e-9)
            assert rows[name]["se"] == pytest.approx(est.se, abs=1e-9)
            assert rows[name]["ci"] == pytest.approx(list(est.ci), abs=1e-9)
            assert rows[name]["distribution"] == "t(119)"
            assert 0 < rows[name]["se"] < 1


def test_two_annotators_get_cohen_and_scott_with_sas_style_se(
    seeded_db: Path, tmp_path: Path
) -> None:
    truth = _import(seeded_db, tmp_path, ("a1", "a2"))
    r = _run(
        "--coefficients", "cohen_kappa,scott_pi", "--json", "--n-boot", "0", "--db", str(seeded_db)
    )
    assert r.exit_code == 0, r.stderr
    dims = json.loads(r.stdout)["dimensions"]
    for dim in load_codebook().dimensions:
        rows = {e["coefficient"]: e for e in dims[dim.id]["estimates"]}
        assert set(rows) == {"cohen_kappa", "scott_pi"}
        k = len(dim.labels)
        codes = truth[dim.id]
        table = np.zeros((k, k))
        np.add.at(table, (codes[0], codes[1]), 1)
        sm = cohens_kappa(table)
        assert rows["cohen_kappa"]["value"] == pytest.approx(sm.kappa, abs=1e-9)
        assert rows["cohen_kappa"]["se"] == pytest.approx(sm.std_kappa, abs=1e-9)
        assert rows["cohen_kappa"]["distribution"] == "normal"


def test_weights_apply_to_ordinal_dimensions_only(seeded_db: Path, tmp_path: Path) -> None:
    _import(seeded_db, tmp_path, ("a1", "a2", "a3"))
    r = _run("--all", "--weights", "quadratic", "--json", "--n-boot", "0", "--db", str(seeded_db))
    assert r.exit_code == 0, r.stderr
    dims = json.loads(r.stdout)["dimensions"]
    certainty = {e["coefficient"]: e for e in dims["certainty"]["estimates"]}
    assert certainty["gwet_ac2"]["weights"] == "quadratic"
    assert certainty["fleiss_kappa"]["weights"] == "quadratic"
    assert certainty["gwet_ac1"]["weights"] == "identity"
    frame = {e["coefficient"]: e for e in dims["frame"]["estimates"]}
    assert "gwet_ac2" not in frame and frame["fleiss_kappa"]["weights"] == "identity"


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_every_format_shows_the_estimates(seeded_db: Path, tmp_path: Path, fmt: str) -> None:
    _import(seeded_db, tmp_path, ("a1", "a2", "a3"))
    r = _run("--all", "--format", fmt, "--n-boot", "0", "--db", str(seeded_db))
    assert r.exit_code == 0, r.stderr
    for text in (
        "Conger k",
        "Gwet AC1",
        "Brennan-Prediger",
        "95% CI",
        "SE",
        "Everitt (1969)",
    ):
        assert text in r.stdout
    plain = _run("--format", fmt, "--n-boot", "0", "--db", str(seeded_db))
    assert "Conger k" not in plain.stdout


def test_bad_coefficient_lists_are_one_line_errors(seeded_db: Path) -> None:
    r = _run("--coefficients", "cohen_kappa,kappa9", "--db", str(seeded_db))
    assert r.exit_code != 0 and "kappa9" in r.stderr
    r = _run("--all", "--coefficients", "scott_pi", "--db", str(seeded_db))
    assert r.exit_code != 0 and "not both" in r.stderr


def test_cli_choice_lists_match_the_core() -> None:
    assert cli_agreement.REPORT_COEFFICIENTS == REPORT_COEFFICIENTS
    assert cli_agreement.SCHEMES == SCHEMES
