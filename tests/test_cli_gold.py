"""``framing gold``, ``framing flags``, ``agreement --vs gold`` and the export's gold."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from framing.cli import main
from framing.store import Store

DATA = Path(__file__).parent / "data" / "release-0.1.0.db"


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The release database: 60 units labelled by amina, boris and chen."""
    path = tmp_path / "r.db"
    shutil.copy(DATA, path)
    Store.open(path).close()  # migrate
    return path


def _gold_json(db: Path, *extra: str) -> dict:
    code, out, err = run("gold", "--db", str(db), "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def test_majority_fills_gold_with_provenance_and_lists_ties(db: Path) -> None:
    rep = _gold_json(db, "-d", "frame")["dimensions"]["frame"]
    assert rep["units"] == 60 and rep["too_few_annotators"] == 0
    assert rep["unanimous"] + rep["decided_by_method"] + len(rep["ties_open"]) == 60
    s = Store.open(db, readonly=True)
    gold = s.gold_current(dimension="frame")
    assert len(gold) == rep["rows_written"] == 60 - len(rep["ties_open"])
    for (unit_id, _), row in gold.items():
        labels = [h for h in s.label_history(unit_id) if h["dimension"] == "frame"]
        current = {}
        for h in labels:
            current[h["annotator"]] = h
        assert sorted(row.from_labels) == sorted(h["id"] for h in current.values()
                                                 if h["value"] is not None)  # fmt: skip
        values = [h["value"] for h in current.values() if h["value"] is not None]
        assert row.value == max(set(values), key=values.count)
        assert row.confidence == pytest.approx(values.count(row.value) / len(values))
        assert row.method == ("unanimous" if len(set(values)) == 1 else "majority")
        assert row.decided_by == "framing gold" and row.decided_at
    for unit_id in rep["ties_open"]:
        assert (unit_id, "frame") not in gold
    # running again writes nothing new
    assert _gold_json(db, "-d", "frame")["dimensions"]["frame"]["rows_written"] == 0


def test_dawid_skene_is_deterministic_and_keeps_adjudications(db: Path) -> None:
    first = _gold_json(db, "--method", "dawid-skene", "-d", "certainty", "--max-iter", "300")
    s = Store.open(db)
    rows1 = {k: (g.value, g.confidence) for k, g in s.gold_current(dimension="certainty").items()}
    unit = next(iter(rows1))[0]
    s.adjudicate(unit, "certainty", "possible", "judge", reason="hedged")
    s.close()
    again = _gold_json(db, "--method", "dawid-skene", "-d", "certainty", "--max-iter", "300")
    rep1, rep2 = first["dimensions"]["certainty"], again["dimensions"]["certainty"]
    assert rep1["model"] == rep2["model"]
    assert rep2["kept_adjudicated"] == 1 and rep2["rows_written"] == 0
    s = Store.open(db, readonly=True)
    now = s.gold_current(dimension="certainty")
    assert now[(unit, "certainty")].method == "adjudicated"
    assert {k: (g.value, g.confidence) for k, g in now.items() if k[0] != unit} == {
        k: v for k, v in rows1.items() if k[0] != unit
    }
    comp = {c["annotator"]: c for c in rep1["competence"]}
    assert set(comp) == {"amina", "boris", "chen"}
    assert all(0 <= c["estimated_accuracy"] <= 1 for c in comp.values())


def test_text_output_states_the_tie_policy(db: Path) -> None:
    code, out, err = run("gold", "--db", str(db), "-d", "perspective")
    assert code == 0, err
    assert "ties stay open" in out and "excluded:" in out and "kappa" in out


def test_unknown_dimension_is_a_one_line_error(db: Path) -> None:
    code, _, err = run("gold", "--db", str(db), "-d", "tone")
    assert code == 1 and "unknown dimension 'tone'" in err


def test_agreement_vs_gold_matches_sklearn(db: Path) -> None:
    from sklearn.metrics import accuracy_score, cohen_kappa_score

    _gold_json(db, "-d", "frame")
    code, out, err = run("agreement", "--vs", "gold", "-d", "frame", "--json", "--db", str(db))
    assert code == 0, err
    rows = {r["annotator"]: r for r in json.loads(out)["dimensions"]["frame"]}
    s = Store.open(db, readonly=True)
    gold = {u: g.value for (u, _), g in s.gold_current(dimension="frame").items()}
    for name, row in rows.items():
        mine = {u: v for u, a, d, v in s.all_current_labels() if a == name and d == "frame"}
        both = [u for u in mine if u in gold]
        assert row["n_vs_gold"] == len(both)
        a, b = [mine[u] for u in both], [gold[u] for u in both]
        assert row["accuracy_vs_gold"] == pytest.approx(accuracy_score(b, a))
        assert row["kappa_vs_gold"] == pytest.approx(cohen_kappa_score(a, b))
        # leave-one-out: the plurality of the others' labels, 2 others at least, no tie
        others: dict[str, list[str]] = {}
        for u, who, d, v in s.all_current_labels():
            if d == "frame" and who != name:
                others.setdefault(u, []).append(v)
        ref = {}
        for u, vs in others.items():
            top = max(vs.count(x) for x in vs)
            if len(vs) >= 2 and len({x for x in vs if vs.count(x) == top}) == 1:
                ref[u] = next(x for x in vs if vs.count(x) == top)
        both = [u for u in mine if u in ref]
        assert row["n_vs_others"] == len(both) > 0
        a, b = [mine[u] for u in both], [ref[u] for u in both]
        assert row["accuracy_vs_others"] == pytest.approx(accuracy_score(b, a))
        assert row["kappa_vs_others"] == pytest.approx(cohen_kappa_score(a, b))


def test_flags_and_export_carry_review(db: Path) -> None:
    s = Store.open(db)
    unit = next(u for u in s.iter_units(queued_only=True))
    s.flag(unit.unit_id, "amina", "segmentation")
    s.set_note(unit.unit_id, "amina", "two sentences glued")
    s.adjudicate(unit.unit_id, "frame", "Economic", "judge")
    s.close()
    code, out, err = run("flags", "--json", "--db", str(db))
    assert code == 0, err
    [u] = json.loads(out)["units"]
    assert u["unit_id"] == unit.unit_id and u["flags"][0]["reason"] == "segmentation"
    assert u["notes"][0]["text"] == "two sentences glued"
    code, out, _ = run("flags", "--db", str(db))
    assert "segmentation (amina)" in out and "note amina: two sentences glued" in out
    code, out, _ = run("export", "--db", str(db))
    rows = {r["unit_id"]: r for r in map(json.loads, out.splitlines())}
    row = rows[unit.unit_id]
    assert row["gold"] == {"frame": {"value": "Economic", "method": "adjudicated",
                                     "confidence": None}}  # fmt: skip
    assert row["flags"] == [{"annotator": "amina", "reason": "segmentation"}]
    assert row["notes"] == [{"annotator": "amina", "text": "two sentences glued"}]
    code, out, _ = run("export", "--format", "csv", "--db", str(db))
    header = out.splitlines()[0].split(",")
    assert "gold:frame" in header and "gold_method:frame" in header


def test_export_of_a_fully_decided_dimension_has_gold_for_every_queued_unit(db: Path) -> None:
    rep = _gold_json(db, "-d", "frame")["dimensions"]["frame"]
    s = Store.open(db)
    for unit_id in rep["ties_open"]:
        s.adjudicate(unit_id, "frame", "Other", "judge", reason="tie broken by hand")
    s.close()
    code, out, _ = run("export", "--db", str(db))
    # the release labelled 60 of its queued units: those are the dimension's units
    queued = [r for r in map(json.loads, out.splitlines()) if r["queued"] and r["labels"]]
    assert len(queued) == 60 and all("frame" in r["gold"] for r in queued)
    methods = {r["gold"]["frame"]["method"] for r in queued}
    assert methods == {"unanimous", "majority", "adjudicated"}
