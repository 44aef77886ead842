"""`framing agreement --by hints`: alpha per hint condition and the anchoring figure.

Labels are written through the store with a recorded condition, as the annotate
screen writes them; the expected figures are computed here independently (the
krippendorff package for alpha, plain counting for the shares).
"""

from __future__ import annotations

import json
from pathlib import Path

import krippendorff
import numpy as np
from click.testing import CliRunner

from framing.cli import main
from framing.codebook import load_codebook
from framing.store import Store

ON = ("ann1", "ann2")
OFF = ("ann3", "ann4")


def _label(seeded_db: Path, seed: int = 3) -> tuple[dict[str, np.ndarray], list[str], dict]:
    """Four annotators label the first 80 queued units: ann1/ann2 with hints, ann3/ann4
    without; ann1 copies the suggestion half the time. Returns the frame codes
    per condition, the unit ids and the suggestions."""
    cb = load_codebook()
    frame = cb.dimension("frame")
    certainty = cb.dimension("certainty")
    assert frame is not None and certainty is not None
    rng = np.random.default_rng(seed)
    store = Store.open(seeded_db)
    units = [u for u in store.iter_units(queued_only=True)][:80]
    suggested = {
        u.unit_id: ((u.hints or {}).get("suggested_certainty") or {}).get("label") for u in units
    }
    codes = {"on": np.zeros((2, len(units)), int), "off": np.zeros((2, len(units)), int)}
    base = rng.integers(0, len(frame.labels), size=len(units))
    for cond, names in (("on", ON), ("off", OFF)):
        noise = 0.2 if cond == "on" else 0.6
        for a, name in enumerate(names):
            for j, unit in enumerate(units):
                k = base[j] if rng.random() > noise else rng.integers(0, len(frame.labels))
                codes[cond][a, j] = k
                store.add_label(
                    unit.unit_id, name, "frame", frame.labels[k].id, hints_condition=cond
                )
                sug = suggested[unit.unit_id]
                value = (
                    sug
                    if sug and cond == "on" and a == 0 and rng.random() < 0.5
                    else certainty.labels[rng.integers(0, len(certainty.labels))].id
                )
                store.add_label(unit.unit_id, name, "certainty", value, hints_condition=cond)
    store.close()
    return codes, [u.unit_id for u in units], suggested


def test_alpha_per_condition_equals_krippendorff(seeded_db: Path) -> None:
    codes, _, _ = _label(seeded_db)
    r = CliRunner().invoke(
        main, ["agreement", "--db", str(seeded_db), "--json", "--by", "hints", "-d", "frame"]
    )
    assert r.exit_code == 0, r.output
    rows = {
        row["condition"]: row for row in json.loads(r.stdout)["dimensions"]["frame"]["by_hints"]
    }
    assert set(rows) == {"on", "off"}
    for cond, matrix in codes.items():
        want = krippendorff.alpha(
            reliability_data=matrix.astype(float),
            level_of_measurement="nominal",
            value_domain=list(range(15)),
        )
        assert abs(rows[cond]["krippendorff_alpha"] - want) < 1e-9
        assert rows[cond]["labels"] == matrix.size
        assert rows[cond]["units"] == matrix.shape[1]
    assert rows["on"]["krippendorff_alpha"] > rows["off"]["krippendorff_alpha"]


def test_anchoring_shares_and_difference(seeded_db: Path) -> None:
    _label(seeded_db)
    store = Store.open(seeded_db, readonly=True)
    want: dict[str, list[bool]] = {"on": [], "off": []}
    excluded = 0
    for _unit_id, annotator, value, cond, sug in store.suggestion_records("certainty"):
        if sug is None:
            excluded += 1
            continue
        assert cond == ("on" if annotator in ON else "off")
        want[cond].append(value == sug)
    store.close()
    r = CliRunner().invoke(
        main,
        ["agreement", "--db", str(seeded_db), "--json", "--by", "hints", "-d", "certainty"],
    )
    assert r.exit_code == 0, r.output
    a = json.loads(r.stdout)["dimensions"]["certainty"]["anchoring"]
    for cond in ("on", "off"):
        assert a["conditions"][cond]["labels"] == len(want[cond])
        assert abs(a["conditions"][cond]["share"] - np.mean(want[cond])) < 1e-12
    diff = np.mean(want["on"]) - np.mean(want["off"])
    assert abs(a["difference"] - diff) < 1e-12
    assert a["ci"]["low"] <= a["difference"] <= a["ci"]["high"]
    assert a["excluded"]["labels_without_suggestion"] == excluded
    # ann1 copies the suggestion half the time while it is shown: anchoring is positive
    assert a["difference"] > 0


def test_hints_breakdown_in_text_and_markdown(seeded_db: Path, tmp_path: Path) -> None:
    _label(seeded_db)
    r = CliRunner().invoke(main, ["agreement", "--db", str(seeded_db), "--by", "hints"])
    assert r.exit_code == 0, r.output
    assert "per hint condition" in r.stdout
    assert "anchoring on the suggested certainty" in r.stdout
    out = tmp_path / "report.md"
    r = CliRunner().invoke(
        main, ["agreement", "--db", str(seeded_db), "--format", "markdown", "-o", str(out)]
    )
    assert r.exit_code == 0, r.output
    assert "anchoring on the suggested certainty" in out.read_text("utf-8")


def test_labels_without_condition_are_not_recorded(seeded_db: Path) -> None:
    store = Store.open(seeded_db)
    units = [u for u in store.iter_units(queued_only=True)][:5]
    for name in ("x", "y"):
        for u in units:
            store.add_label(u.unit_id, name, "frame", "Economic")
    store.close()
    r = CliRunner().invoke(
        main, ["agreement", "--db", str(seeded_db), "--json", "--by", "hints", "-d", "frame"]
    )
    rows = json.loads(r.stdout)["dimensions"]["frame"]["by_hints"]
    assert [row["condition"] for row in rows] == ["not recorded"]
    assert rows[0]["units"] == 5
