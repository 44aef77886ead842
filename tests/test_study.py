"""Studies: assignment design, extension, checks, merge, identifiability, review labels."""

from __future__ import annotations

import json
import random
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from sklearn.metrics import cohen_kappa_score, confusion_matrix

from framing.cli import main
from framing.codebook import load_codebook
from framing.identifiability import Guess, identifiability
from framing.store import Store
from framing.study import StudySettings, codebook_signature, plan, spread


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def fails(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code != 0, result.output
    return result.output


def test_three_annotators_overlap_two_calibration_twenty(seeded_db: Path) -> None:
    db = str(seeded_db)
    run(
        "assign",
        "--annotators",
        "ann1,ann2,ann3",
        "--overlap",
        "2",
        "--calibration",
        "20",
        "--db",
        db,
    )
    store = Store.open(seeded_db, readonly=True)
    queued = [u.unit_id for u in store.iter_units(queued_only=True)]
    per_unit = store.assigned_by_unit()
    roles = Counter()
    calib = set(
        json.loads(store.db.execute("SELECT settings FROM study").fetchone()[0])[
            "calibration_units"
        ]
    )
    assert len(calib) == 20
    for unit_id in queued:
        k = len(per_unit[unit_id])
        roles[(unit_id in calib, k)] += 1
    assert roles == {(True, 3): 20, (False, 2): len(queued) - 20}
    loads = {n: len(store.queue_ids(n)) for n in ("ann1", "ann2", "ann3")}
    assert max(loads.values()) - min(loads.values()) <= 1
    sources = {d.source for d in store.documents()}
    for name, by_source in store.annotator_sources().items():
        assert set(by_source) == sources, name
    # each queue offers only that annotator's units
    for name in loads:
        assert set(store.queue_ids(name)) == {u for u, who in per_unit.items() if name in who}
    # calibration is stratified: every source has a calibration unit
    src = {u: s for u, (_d, s) in store.unit_sources(calib).items()}
    assert set(src.values()) == sources
    shown = run("assign", "--show", "--json", "--db", db)
    assert json.loads(shown)["units_by_annotator_count"] == {
        "calibration": {"3": 20},
        "regular": {"2": len(queued) - 20},
    }
    store.close()


def test_extension_never_moves_existing_assignments(seeded_db: Path) -> None:
    db = str(seeded_db)
    run(
        "assign",
        "--annotators",
        "a,b,c",
        "--order",
        "shuffled",
        "--calibration",
        "10",
        "--seed",
        "7",
        "--db",
        db,
    )
    store = Store.open(seeded_db)
    before = store.db.execute("SELECT annotator, unit_id, seq, role FROM assignments").fetchall()
    store.close()
    out = run("assign", "--annotators", "d", "--db", db)
    assert "new annotators: d" in out
    store = Store.open(seeded_db, readonly=True)
    after = store.db.execute("SELECT annotator, unit_id, seq, role FROM assignments").fetchall()
    assert set(before) <= set(after)
    new = [r for r in after if r not in set(before)]
    assert {r[0] for r in new} == {"d"} and {r[3] for r in new} == {"calibration"}
    assert len(new) == 10
    store.close()
    assert "never redesigned" in fails("assign", "--overlap", "3", "--db", db)


def test_spread_keeps_overlap_and_balance() -> None:
    rng = random.Random(1)
    for _ in range(200):
        n = rng.randint(1, 9)
        k = rng.randint(1, n)
        units = [f"u{i}" for i in range(rng.randint(0, 120))]
        names = [f"a{i}" for i in range(n)]
        loads = {a: 0 for a in names}
        if rng.random() < 0.5:
            loads[names[0]] = 1
        out = spread(units, names, k, loads, rng)
        per = Counter(u for us in out.values() for u in us)
        assert all(per[u] == k for u in units)
        assert all(len(set(us)) == len(us) for us in out.values())
        assert max(loads.values()) - min(loads.values()) <= 1


def test_hints_split_is_balanced_and_seeded(seeded_db: Path) -> None:
    store = Store.open(seeded_db)
    cb = load_codebook()
    names = tuple(f"n{i}" for i in range(5))
    plan(store, StudySettings(names, hints="split", seed=3), codebook_signature(cb))
    cond = store.study_annotators()
    assert Counter(cond.values()) == {"on": 3, "off": 2}
    store.close()


def test_annotate_refuses_a_name_outside_the_study(seeded_db: Path) -> None:
    db = str(seeded_db)
    run("assign", "--annotators", "ann1,ann2", "--overlap", "1", "--db", db)
    out = fails("annotate", "--annotator", "Ann1 ", "--db", db)
    assert "'Ann1 ' is not an annotator of this study (annotators: ann1, ann2)" in out
    assert len(out.strip().splitlines()) == 1


def test_checks_are_mixed_into_each_queue(seeded_db: Path, tmp_path: Path) -> None:
    db = str(seeded_db)
    store = Store.open(seeded_db)
    units = [u.unit_id for u in store.iter_units(queued_only=True)][:8]
    store.close()
    f = tmp_path / "checks.jsonl"
    f.write_text(
        "".join(
            json.dumps({"unit_id": u, "dimension": "certainty", "value": "certain"}) + "\n"
            for u in units
        )
    )
    assert "Added 8 known answers" in run("checks", "add", str(f), "--db", db)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"unit_id": units[0], "dimension": "certainty", "value": "x"}))
    assert "bad.jsonl: line 1: 'x' is not a label of 'certainty'" in fails(
        "checks", "add", str(bad), "--db", db
    )
    run("assign", "--annotators", "a,b", "--overlap", "1", "--check-rate", "0.02", "--db", db)
    store = Store.open(seeded_db)
    loads = store.annotator_loads()
    assert all(by["check"] >= 1 for by in loads.values())
    # a check answered right and one answered wrong: 50% in status
    q = [u for u in store.queue_ids("a") if u in set(units)]
    store.add_label(q[0], "a", "certainty", "certain")
    if len(q) > 1:
        store.add_label(q[1], "a", "certainty", "possible")
    store.close()
    status = json.loads(run("status", "--json", "--db", db))
    a = status["annotators"]["a"]
    assert a["check_accuracy"] == (0.5 if len(q) > 1 else 1.0)
    assert {
        "assigned",
        "done",
        "skipped",
        "median_seconds",
        "check_accuracy",
        "last_active",
    } <= set(a)
    assert status["study"]["check_rate"] == 0.02


def test_a_review_label_leaves_agreement_unchanged(seeded_db: Path) -> None:
    db = str(seeded_db)
    store = Store.open(seeded_db)
    units = [u.unit_id for u in store.iter_units(queued_only=True)][:30]
    rng = random.Random(0)
    frames = ["Economic", "Political", "Morality"]
    for u in units:
        for who in ("ann", "bob"):
            store.add_label(u, who, "frame", rng.choice(frames))
    store.close()
    before = json.loads(run("agreement", "--json", "-d", "frame", "--n-boot", "0", "--db", db))
    store = Store.open(seeded_db)
    target = next(
        u for u in units if store.current_labels(u, "ann") != store.current_labels(u, "bob")
    )
    store.record_exposure("ann", target)  # ann saw bob's label (the D list in open mode)
    store.add_label(target, "ann", "frame", store.current_labels(target, "bob")["frame"])
    phase = store.db.execute("SELECT phase FROM labels ORDER BY id DESC LIMIT 1").fetchone()
    assert phase == ("review",)
    store.close()
    after = json.loads(run("agreement", "--json", "-d", "frame", "--n-boot", "0", "--db", db))
    alpha = lambda r: r["dimensions"]["frame"]["krippendorff_alpha"]  # noqa: E731
    assert alpha(after) == alpha(before)
    assert after["meta"]["labels"] == "independent"
    final = json.loads(
        run("agreement", "--json", "-d", "frame", "--n-boot", "0", "--labels", "final", "--db", db)
    )
    assert alpha(final) > alpha(before)
    table = run("agreement", "-d", "frame", "--n-boot", "0", "--db", db)
    assert "Computed on independent labels" in table


def test_identifiability_matches_sklearn(tmp_path: Path) -> None:
    rng = random.Random(4)
    sources = ["s1", "s2", "s3"]
    guesses = []
    for i in range(120):
        truth = sources[i % 3]
        for who in ("a", "b"):
            r = rng.random()
            guess = truth if r < 0.5 else rng.choice([*sources, "other_voice", "unclear"])
            guesses.append(Guess(f"u{i}", who, guess, truth, ("Economic",)))
    doc = identifiability(guesses, sources, reps=200, seed=1)
    named = [g for g in guesses if g.guess in sources]
    t, g = [x.truth for x in named], [x.guess for x in named]
    assert doc["pooled"]["n"] == len(named)
    right = sum(a == b for a, b in zip(t, g, strict=True))
    assert doc["pooled"]["accuracy"] == round(right / len(t), 4)
    assert doc["pooled"]["kappa"] == pytest.approx(cohen_kappa_score(t, g), abs=1e-4)
    labels = [*sources, "other_voice", "unclear"]
    cm = confusion_matrix([x.truth for x in guesses], [x.guess for x in guesses], labels=labels)
    for i, truth in enumerate(sources):
        for j, guess in enumerate(labels):
            assert doc["confusion"][truth].get(guess, 0) == cm[i, j]
    for who in ("a", "b"):
        mine = [x for x in named if x.annotator == who]
        k = cohen_kappa_score([x.truth for x in mine], [x.guess for x in mine])
        assert doc["annotators"][who]["kappa"] == pytest.approx(k, abs=1e-4)
    assert doc["pooled"]["apart"] == dict(
        sorted(Counter(x.guess for x in guesses if x.guess not in sources).items())
    )
    lo, hi = doc["pooled"]["ci"]
    assert lo <= doc["pooled"]["accuracy"] <= hi
    assert doc["pooled"]["chance"] == round(max(Counter(t).values()) / len(t), 4)


def test_identifiability_cli_on_imported_guesses(seeded_db: Path, tmp_path: Path) -> None:
    db = str(seeded_db)
    store = Store.open(seeded_db)
    docs = {d.doc_id: d.perspective for d in store.documents()}
    units = list(store.iter_units(queued_only=True))[::7]
    rows = []
    rng = random.Random(2)
    persp = sorted(set(docs.values()))
    for u in units:
        for who in ("a", "b"):
            guess = docs[u.doc_id] if rng.random() < 0.6 else rng.choice([*persp, "unclear"])
            rows.append((u.unit_id, who, "perspective", guess))
    store.import_labels(rows)
    store.close()
    doc = json.loads(run("identifiability", "--json", "--db", db))
    truth = [docs[u.unit_id.split(":")[0]] for u in units for _ in ("a", "b")]
    guess = [r[3] for r in rows]
    pairs = [(t, g) for t, g in zip(truth, guess, strict=True) if g in persp]
    assert doc["pooled"]["n"] == len(pairs)
    assert doc["pooled"]["kappa"] == pytest.approx(
        cohen_kappa_score([t for t, _ in pairs], [g for _, g in pairs]), abs=1e-4
    )
    assert set(doc) >= {"pooled", "annotators", "confusion", "by_frame"}
    assert doc["blind"] is False and "warning" in doc


def _copy(src: Path, dst: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{src}{suffix}").exists():
            shutil.copy(f"{src}{suffix}", f"{dst}{suffix}")
    return dst


def test_merge_three_copies_then_again_adds_nothing(seeded_db: Path, tmp_path: Path) -> None:
    db = str(seeded_db)
    run("assign", "--annotators", "a,b,c", "--overlap", "2", "--db", db)
    copies = []
    for name in ("a", "b", "c"):
        path = _copy(seeded_db, tmp_path / f"{name}.db")
        s = Store.open(path)
        ids = s.queue_ids(name)
        for u in ids[:5]:
            s.add_label(u, name, "frame", "Economic", shown_at="2026-01-01T00:00:00", active_ms=900)
        s.skip(ids[5], name)
        s.close()
        copies.append(str(path))
    out = run("merge", *copies, "--into", db)
    assert out.count("added 5 labels, 1 skips") == 3
    s = Store.open(seeded_db, readonly=True)
    rows = s.db.execute("SELECT annotator, COUNT(*) FROM labels GROUP BY 1").fetchall()
    assert dict(rows) == {"a": 5, "b": 5, "c": 5}
    assert s.db.execute("SELECT COUNT(*) FROM labels WHERE active_ms = 900").fetchone() == (15,)
    s.close()
    again = run("merge", *copies, "--into", db)
    assert again.count("added 0 labels, 0 skips") == 3
    # another study is refused and nothing is written
    other = _copy(Path(copies[0]), tmp_path / "other.db")
    s = Store.open(other)
    s.db.execute("UPDATE study SET study_uid = 'elsewhere'")
    s.db.conn.commit()
    s.close()
    assert "belongs to another study" in fails("merge", str(other), "--into", db)
    # differing unit text is refused
    other2 = _copy(Path(copies[1]), tmp_path / "other2.db")
    s = Store.open(other2)
    first = s.db.execute("SELECT unit_id FROM labels LIMIT 1").fetchone()[0]
    s.db.execute("UPDATE units SET text = 'changed' WHERE unit_id = ?", [first])
    s.db.conn.commit()
    s.close()
    assert "has another text" in fails("merge", str(other2), "--into", db)
    s = Store.open(seeded_db, readonly=True)
    assert s.db.execute("SELECT COUNT(*) FROM labels").fetchone() == (15,)
    s.close()


def test_export_carries_assignment_and_label_provenance(seeded_db: Path) -> None:
    db = str(seeded_db)
    run("assign", "--annotators", "a,b", "--overlap", "2", "--db", db)
    s = Store.open(seeded_db)
    u = s.queue_ids("a")[0]
    s.add_label(u, "a", "frame", "Economic", hints_condition="on", shown_at="T", active_ms=1500)
    s.close()
    rows = [json.loads(line) for line in run("export", "--db", db).splitlines()]
    row = next(r for r in rows if r["unit_id"] == u)
    assert row["assigned"] == ["a", "b"]
    timing = row["timing"]["a"]
    assert (timing["phase"], timing["hints_condition"]) == ("independent", "on")
    assert (timing["shown_at"], timing["active_ms"]) == ("T", 1500)
    csv_text = run("export", "--format", "csv", "--db", db)
    assert "assigned" in csv_text.splitlines()[0].split(",")
