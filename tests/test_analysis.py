"""``framing analyze``: the statistics equal scipy's / statsmodels', the document-level
test is reported, small samples are named, and every output format renders."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.stats import chi2_contingency, kruskal
from scipy.stats.contingency import association

from framing.analysis.stats import cramers_v_corrected, document_permutation_test, n_assignments
from framing.cli import main
from framing.codebook import load_codebook

from .dataset_fixtures import ANNOTATORS, labelled_seeds_template  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n"


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def report(labelled_seeds_template: Path) -> dict[str, Any]:  # noqa: F811
    r = run("analyze", "--json", "--db", str(labelled_seeds_template), "--n-boot", "200")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _matrix(d: dict[str, Any]) -> np.ndarray:
    return np.array(
        [[d["table"][s][lab] for lab in d["tested_labels"]] for s in d["tested_sources"]]
    )


def test_json_follows_the_schema(report: dict[str, Any]) -> None:
    assert report["labels"] == "majority"
    assert set(report) >= {"labels", "dimensions", "features", "sensitivity", "warnings"}
    cb = load_codebook(None)
    assert list(report["dimensions"]) == [d.id for d in cb.dimensions]
    for d in report["dimensions"].values():
        for key in ("table", "chi2", "dof", "p", "cramers_v", "cramers_v_ci", "residuals"):
            assert key in d
        assert set(d["document_level"]) >= {"method", "p", "n_documents"}
    # the sources are the manifest's names
    assert set(report["dimensions"]["frame"]["table"]) == {
        "FNF paper",
        "Pakistani institute",
        "RAWA / Foreign Policy",
        "Russian HSE expert",
    }


def test_chi2_dof_p_and_v_equal_scipy(report: dict[str, Any]) -> None:
    for d in report["dimensions"].values():
        m = _matrix(d)
        ref = chi2_contingency(m, correction=False)
        assert d["chi2"] == pytest.approx(ref.statistic, abs=1e-9, rel=1e-12)
        assert d["dof"] == ref.dof
        assert d["p"] == pytest.approx(ref.pvalue, abs=1e-9)
        assert d["cramers_v_raw"] == pytest.approx(
            association(m, method="cramer", correction=False), abs=1e-9
        )
        # Bergsma's correction by hand, from scipy's chi2
        n, (r, k) = m.sum(), m.shape
        phi2 = max(0.0, ref.statistic / n - (k - 1) * (r - 1) / (n - 1))
        den = min(k - (k - 1) ** 2 / (n - 1) - 1, r - (r - 1) ** 2 / (n - 1) - 1)
        assert d["cramers_v"] == pytest.approx(np.sqrt(phi2 / den), abs=1e-9)
        lo, hi = d["cramers_v_ci"]["low"], d["cramers_v_ci"]["high"]
        assert lo is not None and hi is not None and lo <= hi


def test_residuals_equal_statsmodels(report: dict[str, Any]) -> None:
    from statsmodels.stats.contingency_tables import Table

    for d in report["dimensions"].values():
        ref = Table(_matrix(d), shift_zeros=False).standardized_resids
        got = np.array(
            [[d["residuals"][s][lab] for lab in d["tested_labels"]] for s in d["tested_sources"]]
        )
        np.testing.assert_allclose(got, ref, atol=1e-9)


def test_kruskal_on_the_ordinal_dimension(report: dict[str, Any]) -> None:
    d = report["dimensions"]["certainty"]
    groups = [
        np.repeat(np.arange(len(d["labels"])), [d["table"][s][lab] for lab in d["labels"]])
        for s in d["sources"]
    ]
    ref = kruskal(*groups)
    assert d["rank_test"]["h"] == pytest.approx(ref.statistic, abs=1e-9)
    assert d["rank_test"]["p"] == pytest.approx(ref.pvalue, abs=1e-9)
    assert "rank_test" not in report["dimensions"]["frame"]


def test_document_level_p_is_reported_and_exact_on_five_documents(
    report: dict[str, Any],
) -> None:
    for d in report["dimensions"].values():
        dl = d["document_level"]
        assert dl["n_documents"] == 5
        # 5 documents over 4 sources (2,1,1,1): 5!/2! = 60 distinct assignments, all tried
        assert dl["method"] == "exact permutation" and dl["n_permutations"] == 60
        assert 0 < dl["p"] <= 1
        assert dl["p"] * 60 == pytest.approx(round(dl["p"] * 60))


def test_fewer_than_three_documents_is_said_plainly(report: dict[str, Any]) -> None:
    text = " ".join(report["warnings"])
    assert "Fewer than 3 documents" in text
    assert "describe these documents, not the sources" in text


def test_sensitivity_repeats_the_test_for_majority_and_each_annotator(
    report: dict[str, Any],
) -> None:
    s = report["sensitivity"]
    assert {r["labels"] for r in s["rows"]} == {"majority", *ANNOTATORS}
    assert set(s["holds"]) == set(report["dimensions"])
    main_rows = [r for r in s["rows"] if r["labels"] == "majority"]
    for r in main_rows:
        assert r["p"] == report["dimensions"][r["dimension"]]["p"]


def test_one_annotator_alone(labelled_seeds_template: Path) -> None:  # noqa: F811
    r = run(
        "analyze",
        "--json",
        "--labels",
        "amina",
        "--db",
        str(labelled_seeds_template),
        "--n-boot",
        "0",
        "--no-sensitivity",
    )
    assert r.exit_code == 0, r.output
    rep = json.loads(r.stdout)
    assert rep["labels"] == "amina"
    # amina labelled every queued unit in every dimension
    assert rep["dimensions"]["frame"]["n_units"] == rep["features"]["units"]["FNF paper"] + sum(
        v for k, v in rep["features"]["units"].items() if k != "FNF paper"
    )


def test_unknown_annotator_and_missing_gold_are_one_line_errors(
    labelled_seeds_template: Path,  # noqa: F811
) -> None:
    r = run("analyze", "--labels", "zoe", "--db", str(labelled_seeds_template))
    assert r.exit_code == 1 and "not gold, majority or an annotator" in r.output
    r = run("analyze", "--labels", "gold", "--db", str(labelled_seeds_template))
    assert r.exit_code == 1 and "no gold labels" in r.output


def test_permutation_test_on_a_known_case() -> None:
    # two sources, two documents each; labels separate the sources perfectly
    doc_labels = np.array([[5, 0], [5, 0], [0, 5], [0, 5]])
    doc_source = np.array([0, 0, 1, 1])
    observed = chi2_contingency(np.array([[10, 0], [0, 10]]), correction=False).statistic
    method, p, n = document_permutation_test(
        doc_labels, doc_source, 2, observed, 100, np.random.default_rng(0)
    )
    assert (method, n) == ("exact permutation", 6) and n_assignments(doc_source) == 6
    assert p == pytest.approx(2 / 6)  # the observed split and its mirror image
    assert cramers_v_corrected(observed, 20, 2, 2) == pytest.approx(1.0)


def test_markdown_writes_pngs_beside_and_html_embeds_them(
    labelled_seeds_template: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    db = str(labelled_seeds_template)
    md = tmp_path / "bias.md"
    r = run("analyze", "--db", db, "-o", str(md), "--n-boot", "50", "--no-sensitivity")
    assert r.exit_code == 0, r.output
    text = md.read_text()
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(links) >= 4 and not any(link.startswith("data:") for link in links)
    for link in links:
        assert (tmp_path / link).read_bytes().startswith(PNG)
    html = tmp_path / "bias.html"
    r = run("analyze", "--db", db, "--format", "html", "-o", str(html), "--n-boot", "50")
    assert r.exit_code == 0, r.output
    found = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html.read_text())
    assert len(found) == len(links)  # the same figures
    assert all(base64.b64decode(b).startswith(PNG) for b in found)
    r = run("analyze", "--db", db, "--n-boot", "0", "--no-sensitivity")
    assert r.exit_code == 0 and "== frame by source (single) ==" in r.output


def test_text_features_equal_a_recount_from_the_export(
    report: dict[str, Any],
    labelled_seeds_template: Path,  # noqa: F811
) -> None:
    r = run("export", "--db", str(labelled_seeds_template))
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    queued = [x for x in rows if x["queued"]]
    f = report["features"]
    for source in {x["source"] for x in queued}:
        mine = [x for x in queued if x["source"] == source]
        tone = np.array([x["sentiment"] for x in mine])
        assert f["units"][source] == len(mine)
        assert f["tone"][source]["mean"] == pytest.approx(tone.mean(), abs=1e-12)
        half = f["tone"][source]["mean"] - f["tone"][source]["ci"]["low"]
        from scipy.stats import t

        ref = t.ppf(0.975, len(tone) - 1) * tone.std(ddof=1) / np.sqrt(len(tone))
        assert half == pytest.approx(ref, rel=1e-9)
        hedges = sum(
            1 for x in mine for c in (x["hints"] or {}).get("cues", []) if c["type"] == "hedge"
        )
        assert f["rates_per_100"][source]["hedge"] == pytest.approx(100 * hedges / len(mine))
        taliban = sum(
            1
            for x in mine
            if any(a["id"] == "taliban" for a in (x["hints"] or {}).get("actors", []))
        )
        assert f["actors"]["taliban"][source]["mentioned"] == taliban


def test_a_label_made_after_seeing_others_does_not_enter(
    labelled_seeds_template: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    import shutil

    from framing.store import Store

    db = tmp_path / "r.db"
    shutil.copy(labelled_seeds_template, db)
    args = ["analyze", "--json", "--labels", "amina", "--n-boot", "0", "--no-sensitivity"]
    before = json.loads(run(*args, "--db", str(db)).stdout)["dimensions"]["frame"]["table"]
    st = Store.open(db)
    unit = next(st.iter_units(queued_only=True)).unit_id
    old = st.current_labels(unit, "amina")["frame"]
    new = next(v for v in load_codebook(None).dimension("frame").label_ids if v != old)
    st.record_exposure("amina", unit)  # amina saw the others' labels
    st.add_label(unit, "amina", "frame", new)  # ... so this is a review label
    st.close()
    after = json.loads(run(*args, "--db", str(db)).stdout)["dimensions"]["frame"]["table"]
    assert after == before
