"""``framing card``: written from the data, with every definition and the provenance."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from framing.cli import main
from framing.codebook import load_codebook
from framing.dataset.card import codebook_hash
from framing.report.render import md_text

from .dataset_fixtures import labelled_seeds_template  # noqa: F401


def test_card_states_codebook_process_agreement_limits_and_provenance(
    labelled_seeds_template: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    yaml = pytest.importorskip("yaml")
    out = tmp_path / "README.md"
    r = CliRunner().invoke(
        main, ["card", "--db", str(labelled_seeds_template), "-o", str(out), "--n-boot", "50"]
    )
    assert r.exit_code == 0, r.output
    text = out.read_text()
    header, body = text.split("---\n", 2)[1:]
    meta = yaml.safe_load(header)
    assert meta["task_categories"] == ["text-classification"] and meta["language"] == ["en"]
    cb = load_codebook(None)
    for dim in cb.dimensions:
        for lab in dim.labels:
            assert md_text(lab.definition) in body
    for title in (
        "## Codebook",
        "## Annotation process",
        "## Agreement",
        "## Label distributions by source",
        "## Known limitations",
        "## Provenance",
        "## Citation",
    ):
        assert title in body
    assert "Annotators: 3 (amina: 435 units" in body
    assert "Few documents per source: FNF paper 1, Pakistani institute 2" in body
    assert codebook_hash(cb) in body
    assert "schema version" in body and "```bibtex" in body
    assert "| frame | 435 | 3 |" in body  # agreement row: units with ≥ 2 ratings, annotators
    assert str(Path(__file__).resolve().parent.parent) not in text  # no machine path


def test_citation_names_the_given_authors_or_says_none_was_given(
    labelled_seeds_template: Path,  # noqa: F811
) -> None:
    db = str(labelled_seeds_template)
    args = ["card", "--db", db, "--n-boot", "0", "--title", "Afghan framing"]
    r = CliRunner().invoke(main, [*args, "--author", "Ada  Lovelace", "--author", "Alan {Turing"])
    assert r.exit_code == 0, r.output
    cite = r.output.split("## Citation", 1)[1]
    assert "  author = {Ada Lovelace and Alan Turing}," in cite
    assert "title  = {Afghan framing}" in cite and "No author was given" not in cite
    r = CliRunner().invoke(main, args)
    cite = r.output.split("## Citation", 1)[1]
    assert "No author was given" in cite and "author =" not in cite
