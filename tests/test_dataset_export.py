"""``framing export`` as a dataset: Parquet types, a Hugging Face folder that
``datasets.load_dataset`` loads offline, spaCy DocBins with cats, splits that keep
documents whole, and no absolute path anywhere."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from framing.cli import main
from framing.codebook import load_codebook
from framing.dataset.splits import allocate, parse_split, plan_splits
from framing.models import FramingError

from .conftest import SEEDS
from .dataset_fixtures import ANNOTATORS, labelled_seeds_template  # noqa: F401


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def db(labelled_seeds_template: Path) -> str:  # noqa: F811
    return str(labelled_seeds_template)


#: Folders of this machine that an export must never mention.
MACHINE = (str(SEEDS.parent), "/tmp/", "pytest-of")


def _no_absolute_path(value: Any) -> None:
    """No string names a folder of this machine; every ``file`` is relative."""
    if isinstance(value, str):
        assert not any(m in value for m in MACHINE), value
    elif isinstance(value, dict):
        if isinstance(value.get("file"), str):
            assert not os.path.isabs(value["file"]), value["file"]
        for v in value.values():
            _no_absolute_path(v)
    elif isinstance(value, list):
        for v in value:
            _no_absolute_path(v)


def test_jsonl_rows_carry_every_field_and_no_absolute_path(db: str, tmp_path: Path) -> None:
    out = tmp_path / "u.jsonl"
    r = run("export", "--db", db, "-o", str(out), "--split", "60/20/20", "--stratify", "none")
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    for row in rows:
        _no_absolute_path(row)
    first = next(r for r in rows if r["labels"])
    for key in (
        "unit_id",
        "doc_id",
        "file",
        "source",
        "title",
        "author",
        "publisher",
        "date",
        "kind",
        "text",
        "start",
        "end",
        "gold",
        "labels",
        "majority",
        "flags",
        "timing",
        "split",
    ):
        assert key in first
    assert first["file"] == f"{first['doc_id']}.txt"  # relative to the seeds folder
    assert set(first["labels"]) == set(ANNOTATORS)
    assert set(first["timing"]["amina"]) == {
        "labelled_at",
        "shown_at",
        "active_ms",
        "hints_condition",
        "phase",
    }
    # the coded majority equals the plain definition on every row and dimension
    from framing.dataset.rows import majority

    for row in rows:
        for d in row["majority"]:
            votes = [v.get(d) for v in row["labels"].values()]
            assert row["majority"][d] == majority(votes), (row["unit_id"], d)
    assert sum(1 for r in rows if r["majority"]["frame"] is None and r["labels"]) > 0


def test_csv_has_no_absolute_path(db: str, tmp_path: Path) -> None:
    out = tmp_path / "u.csv"
    assert run("export", "--db", db, "--format", "csv", "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert {"label:amina:frame", "majority:frame", "gold:frame", "flags", "title"} <= set(rows[0])
    for row in rows:
        _no_absolute_path(row)


def test_parquet_keeps_its_types(db: str, tmp_path: Path) -> None:
    out = tmp_path / "u.parquet"
    r = run("export", "--db", db, "--format", "parquet", "-o", str(out), "--split", "80/20")
    assert r.exit_code == 0, r.output
    t = pq.read_table(out)
    s = t.schema
    assert s.field("unit_id").type == pa.string()
    assert pa.types.is_dictionary(s.field("source").type)
    assert s.field("start").type == pa.int64() and s.field("position").type == pa.int32()
    assert s.field("queued").type == pa.bool_()
    assert s.field("sentiment").type == pa.float64()
    labels = s.field("labels").type
    assert pa.types.is_struct(labels) and [f.name for f in labels] == list(ANNOTATORS)
    frame = labels.field("amina").type.field("frame").type
    assert pa.types.is_dictionary(frame)
    cb = load_codebook(None)
    col = t.column("majority").combine_chunks().field("frame")
    assert col.dictionary.to_pylist()[: len(cb.dimension("frame").label_ids)] == list(
        cb.dimension("frame").label_ids
    )
    assert pa.types.is_struct(s.field("gold").type)
    flags = s.field("flags").type
    assert pa.types.is_list(flags) and [f.name for f in flags.value_type] == ["annotator", "reason"]
    assert pa.types.is_dictionary(s.field("split").type)
    for v in t.column("file").to_pylist():
        _no_absolute_path(v)


def test_hf_folder_loads_with_datasets_and_codebook_class_names(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    out = tmp_path / "ds"
    r = run(
        "export",
        "--db",
        db,
        "--format",
        "hf",
        "-o",
        str(out),
        "--labels",
        "majority",
        "--split",
        "60/20/20",
        "--stratify",
        "none",
        "--seed",
        "3",
    )
    assert r.exit_code == 0, r.output
    assert (out / "README.md").read_text().startswith("---\n")
    ds = datasets.load_dataset(str(out))
    assert set(ds) == {"train", "validation", "test"}
    cb = load_codebook(None)
    for dim in cb.dimensions:
        feat = ds["train"].features[f"{dim.id}_label"]
        assert isinstance(feat, datasets.ClassLabel)
        assert feat.names == list(dim.label_ids)
    docs = {name: set(ds[name]["doc_id"]) for name in ds}
    assert not docs["train"] & docs["validation"]
    assert not docs["train"] & docs["test"]
    assert not docs["validation"] & docs["test"]
    row = ds["train"][0]
    # --labels majority: gold is the majority, and every exported unit has one
    assert any(row["gold"][d.id]["method"] == "majority" for d in cb.dimensions)
    for name in ds:
        for r_ in ds[name]:
            _no_absolute_path(r_)


def test_spacy_docbins_load_with_cats_and_hint_spans(db: str, tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    out = tmp_path / "bins"
    r = run(
        "export",
        "--db",
        db,
        "--format",
        "spacy",
        "-o",
        str(out),
        "--dimension",
        "certainty",
        "--labels",
        "majority",
        "--split",
        "60/20/20",
        "--stratify",
        "none",
    )
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == [
        "test.spacy",
        "train.spacy",
        "validation.spacy",
    ]
    nlp = spacy.blank("en")
    docs = list(DocBin().from_disk(out / "train.spacy").get_docs(nlp.vocab))
    assert docs
    labels = list(load_codebook(None).dimension("certainty").label_ids)
    with_cats = [d for d in docs if d.cats]
    assert with_cats and all(sorted(d.cats) == sorted(labels) for d in with_cats)
    assert all(sum(d.cats.values()) == 1.0 for d in with_cats)
    assert any(len(d.spans["hints"]) for d in docs)
    assert all("unit_id" in d.user_data for d in docs)


def test_document_split_never_puts_a_document_in_two_splits() -> None:
    docs = [(f"d{i}", "A" if i < 6 else "B") for i in range(10)]
    plan = plan_splits(docs, parse_split("80/10/10"), seed=5)
    assert set(plan.assignment) == {d for d, _ in docs}
    # by source: A has 6 documents (5/1/0 by largest remainder), B has 4 (3/1/0)
    counts = {s: [plan.assignment[d] for d, src in docs if src == s] for s in "AB"}
    assert counts["A"].count("train") == 5
    assert plan.warnings  # neither source has a test document
    assert allocate(10, [0.8, 0.1, 0.1]) == [8, 1, 1]
    with pytest.raises(FramingError):
        parse_split("80/x")


def test_too_few_documents_per_source_is_said(db: str, tmp_path: Path) -> None:
    r = run("export", "--db", db, "-o", str(tmp_path / "u.jsonl"), "--split", "80/10/10")
    assert r.exit_code == 0
    assert "Too few documents" in r.stderr and "--split-by unit" in r.stderr
    r = run(
        "export",
        "--db",
        db,
        "-o",
        str(tmp_path / "v.jsonl"),
        "--split",
        "80/10/10",
        "--split-by",
        "unit",
    )
    assert r.exit_code == 0 and "Too few" not in r.stderr
    rows = [json.loads(x) for x in (tmp_path / "v.jsonl").read_text().splitlines()]
    assert {x["split"] for x in rows} == {"train", "validation", "test"}


def test_gold_flags_and_notes_from_the_review_store(db: str, tmp_path: Path) -> None:
    import shutil

    from framing.store import Store

    copy = tmp_path / "g.db"
    shutil.copy(db, copy)
    st = Store.open(copy)
    unit = next(st.iter_units(queued_only=True)).unit_id
    st.adjudicate(unit, "frame", "Political", "judge")
    st.flag(unit, "amina", "segmentation")
    st.set_note(unit, "amina", "two sentences")
    st.close()
    out = tmp_path / "g.jsonl"
    r = run("export", "--db", str(copy), "--labels", "gold", "-o", str(out))
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["unit_id"] for x in rows] == [unit]  # --labels gold: units with gold only
    assert rows[0]["gold"] == {
        "frame": {"value": "Political", "method": "adjudicated", "confidence": None}
    }
    assert rows[0]["flags"] == [{"annotator": "amina", "reason": "segmentation"}]
    assert rows[0]["notes"] == [{"annotator": "amina", "text": "two sentences"}]
    pq_out = tmp_path / "g.parquet"
    assert run("export", "--db", str(copy), "--format", "parquet", "-o", str(pq_out)).exit_code == 0
    t = pq.read_table(pq_out).to_pylist()
    row = next(x for x in t if x["unit_id"] == unit)
    assert row["gold"]["frame"]["value"] == "Political"
    assert row["flags"] == [{"annotator": "amina", "reason": "segmentation"}]


def test_hf_export_never_replaces_a_folder_holding_anything_else(db: str, tmp_path: Path) -> None:
    """An earlier hf export is replaced; the same folder with one more file (here a
    database someone kept beside it) is refused, and that file survives."""
    out = tmp_path / "ds"
    args = ("export", "--db", db, "--format", "hf", "-o", str(out), "--labels", "majority")
    args += ("--split-by", "unit")
    first = run(*args)
    assert first.exit_code == 0, first.output
    again = run(*args)
    assert again.exit_code == 0, again.output  # our own export: replaced
    keep = out / "framing.db"
    keep.write_bytes(b"precious")
    refused = run(*args)
    assert refused.exit_code != 0
    assert "not empty" in refused.output
    assert keep.read_bytes() == b"precious"
