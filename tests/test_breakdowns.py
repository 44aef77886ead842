"""Agreement breakdowns on small databases whose figures are known by hand."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from framing.agreement import (
    krippendorff_alpha,
    mean_pairwise_cohen_kappa,
    percent_agreement,
    summarize,
)
from framing.agreement_report import agreement_report
from framing.breakdowns import (
    bias,
    by_label,
    confusion,
    drift,
    load_dimensions,
    pairwise,
)
from framing.disagreements import rank_disagreements
from framing.models import FramingError, LabelValue
from framing.store import Store
from tests.agreement_data import add_matrix, add_rows, codebook, make_store

N_BOOT = 200
X = "x"
Y = "y"
Z = "z"


@pytest.fixture
def frame_store(tmp_path: Path) -> tuple[Store, list[str]]:
    """Units a0 a1 a2 a3 b0 b1 b2 (doc a: source "Src A", doc b: no source).

    frame    a0 a1 a2 a3 b0 b1 b2
    alice    x  x  y  z  x  y  w   (w is not in the codebook)
    bob      x  y  y  z  x  z  x
    carol    .  .  .  .  x  .  .
    """
    store, units = make_store(tmp_path / "f.db", [("a", "Src A", 4), ("b", "", 3)])
    add_matrix(
        store,
        units,
        "frame",
        {
            "alice": [X, X, Y, Z, X, Y, "w"],
            "bob": [X, Y, Y, Z, X, Z, X],
            "carol": [None, None, None, None, X, None, None],
        },
    )
    return store, units


def test_exclusions_are_counted_and_off_scale_labels_removed(frame_store) -> None:
    store, _ = frame_store
    rep = agreement_report(store, codebook(), dimensions=["frame"], n_boot=N_BOOT)
    d = rep["dimensions"]["frame"]
    assert d["excluded"] == {
        "units_one_rating": 1,  # b2: bob's x, alice's w removed
        "ratings_off_scale": 1,
        "off_scale_values": {"w": 1},
    }
    assert d["units"] == 6 and d["annotators"] == 3 and d["ratings"] == 13
    # the six summary figures are summarize() of the cleaned matrix
    cleaned = [
        [X, X, Y, Z, X, Y, None],
        [X, Y, Y, Z, X, Z, X],
        [None, None, None, None, X, None, None],
    ]
    want = summarize(cleaned, "single", ["x", "y", "z"])
    for key, value in want.items():
        assert d[key] == pytest.approx(value), key
    ci = d["alpha_ci"]
    assert ci["n_boot"] == N_BOOT and ci["low"] <= d["krippendorff_alpha"] <= ci["high"]


def test_off_scale_ordinal_label_is_excluded_not_fatal(tmp_path: Path) -> None:
    store, units = make_store(tmp_path / "o.db", [("a", "", 3)])
    add_matrix(store, units, "cert", {"al": ["hi", "mid", "gone"], "bo": ["hi", "lo", "lo"]})
    d = agreement_report(store, codebook(), dimensions=["cert"], n_boot=0)["dimensions"]["cert"]
    assert d["excluded"]["off_scale_values"] == {"gone": 1}
    assert d["units"] == 2 and d["alpha_ci"] is None
    assert d["krippendorff_alpha"] == pytest.approx(
        krippendorff_alpha([["hi", "mid"], ["hi", "lo"]], "ordinal", values=["hi", "mid", "lo"])
    )


def test_one_label_against_the_rest_by_hand(tmp_path: Path) -> None:
    # A: x x y z / B: x y y z.  Binarised on x: A 1 1 0 0, B 1 0 0 0.
    # n = 8 values, n_1 = 3, n_0 = 5, o_10 + o_01 = 2:
    # alpha = 1 - (n - 1) * 2 / (2 * 3 * 5) = 1 - 14/30 = 16/30;
    # percent agreement 3/4; Cohen p_e = .5 * .25 + .5 * .75 = .5, kappa = (.75 - .5)/.5.
    store, units = make_store(tmp_path / "h.db", [("a", "", 4)])
    add_matrix(store, units, "frame", {"A": [X, X, Y, Z], "B": [X, Y, Y, Z]})
    dd = load_dimensions(store, codebook(), ["frame"])["frame"]
    rows = {r["label"]: r for r in by_label(dd, N_BOOT, 0)}
    x = rows["x"]
    assert x["krippendorff_alpha"] == pytest.approx(16 / 30)
    assert x["percent_agreement"] == pytest.approx(0.75)
    assert x["cohen_kappa"] == pytest.approx(0.5)
    assert x["prevalence"] == pytest.approx(3 / 8) and x["ratings"] == 3
    assert x["units"] == 4
    # z: both coders agree on the one z -> alpha 1 (variation, no disagreement)
    assert rows["z"]["krippendorff_alpha"] == pytest.approx(1.0)
    assert [r["label"] for r in by_label(dd, 0, 0)] == ["x", "y", "z"]


def test_per_label_equals_the_coefficients_of_the_binarised_matrix(frame_store) -> None:
    store, _ = frame_store
    dd = load_dimensions(store, codebook(), ["frame"])["frame"]
    nan = math.nan
    binary_y = np.array(  # pairable units a0 a1 a2 a3 b0 b1, label y
        [[0, 0, 1, 0, 0, 1], [0, 1, 1, 0, 0, 0], [nan, nan, nan, nan, 0, nan]]
    )
    row = {r["label"]: r for r in by_label(dd, N_BOOT, 0)}["y"]
    assert row["krippendorff_alpha"] == pytest.approx(krippendorff_alpha(binary_y, "nominal"))
    assert row["cohen_kappa"] == pytest.approx(mean_pairwise_cohen_kappa(binary_y))
    assert row["percent_agreement"] == pytest.approx(percent_agreement(binary_y))
    assert row["units"] == 6 and row["prevalence"] == pytest.approx(4 / 13)


def test_pairwise_matrix(frame_store) -> None:
    store, _ = frame_store
    dd = load_dimensions(store, codebook(), ["frame"])["frame"]
    pw = pairwise(dd)
    assert pw["annotators"] == ["alice", "bob", "carol"]
    n = np.array(pw["units"])
    assert (n == n.T).all() and n.tolist() == [[6, 6, 1], [6, 7, 1], [1, 1, 1]]
    pair = {(p["a"], p["b"]): p for p in pw["pairs"]}
    ab = pair[("alice", "bob")]
    assert ab["units"] == 6 and ab["percent_agreement"] == pytest.approx(4 / 6)
    assert ab["cohen_kappa"] == pytest.approx(
        cohen_kappa_score([X, X, Y, Z, X, Y], [X, Y, Y, Z, X, Z])
    )
    kappa = pw["cohen_kappa"]
    assert kappa[0][1] == kappa[1][0] == ab["cohen_kappa"]
    assert kappa[0][0] == kappa[1][1] == 1.0
    assert kappa[2][2] is None  # carol used one category only: kappa undefined
    assert pw["percent_agreement"][2][2] == 1.0


def test_identical_annotators_have_kappa_one(tmp_path: Path) -> None:
    store, units = make_store(tmp_path / "i.db", [("a", "", 6)])
    same = ["hi", "mid", "lo", "hi", "mid", "lo"]
    add_matrix(
        store,
        units,
        "cert",
        {"p": same, "q": same, "r": ["hi", "hi", "lo", "lo", "mid", "mid"]},
    )
    pw = pairwise(load_dimensions(store, codebook(), ["cert"])["cert"])
    k = np.array(pw["cohen_kappa"], dtype=float)
    assert np.allclose(k, k.T)
    assert np.allclose(np.diag(k), 1.0)
    assert k[0, 1] == pytest.approx(1.0) and k[0, 2] < 1.0
    assert pw["percent_agreement"][0][1] == 1.0


def test_confusion_matrix_counts(frame_store) -> None:
    store, _ = frame_store
    dd = load_dimensions(store, codebook(), ["frame"])["frame"]
    c = confusion(dd, "alice", "bob")
    assert c["labels"] == ["x", "y", "z"]
    assert c["matrix"] == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    assert c["units"] == 6 and c["percent_agreement"] == pytest.approx(4 / 6)
    assert c["cohen_kappa"] == pytest.approx(
        cohen_kappa_score([X, X, Y, Z, X, Y], [X, Y, Y, Z, X, Z])
    )
    transposed = confusion(dd, "bob", "alice")["matrix"]
    assert transposed == np.array(c["matrix"]).T.tolist()
    # an annotator without ratings in this dimension: an empty table, not an error
    assert confusion(dd, "alice", "nobody")["units"] == 0


def test_bias_shares(frame_store) -> None:
    store, _ = frame_store
    b = bias(load_dimensions(store, codebook(), ["frame"])["frame"])
    assert b["labels"] == ["x", "y", "z"]
    pool = np.array([6, 4, 3]) / 13
    assert b["pool"]["ratings"] == 13
    assert np.allclose(b["pool"]["share"], pool)
    rows = {r["annotator"]: r for r in b["annotators"]}
    assert np.allclose(rows["alice"]["share"], [3 / 6, 2 / 6, 1 / 6])
    assert np.allclose(rows["bob"]["share"], [2 / 6, 2 / 6, 2 / 6])
    assert np.allclose(rows["carol"]["share"], [1, 0, 0])
    for r in b["annotators"]:
        assert sum(r["share"]) == pytest.approx(1.0)
        assert np.allclose(r["diff"], np.array(r["share"]) - pool)
        assert r["tv_distance"] == pytest.approx(0.5 * np.abs(r["diff"]).sum())
    assert rows["alice"]["ratings"] == 6 and rows["carol"]["ratings"] == 1


def test_multi_dimension_label_breakdown_and_bias(tmp_path: Path) -> None:
    store, units = make_store(tmp_path / "m.db", [("a", "", 4)])
    add_matrix(
        store,
        units,
        "topics",
        {"p": [["a"], ["a", "b"], ["c"], ["b"]], "q": [["a"], ["b"], ["c"], ["a", "b"]]},
    )
    dd = load_dimensions(store, codebook(), ["topics"])["topics"]
    rows = {r["label"]: r for r in by_label(dd, 0, 0)}
    # "contains b": p 0 1 0 1, q 0 1 0 1 -> perfect agreement
    assert rows["b"]["krippendorff_alpha"] == pytest.approx(1.0)
    binary_a = np.array([[1, 1, 0, 0], [1, 0, 0, 1]], dtype=float)
    assert rows["a"]["krippendorff_alpha"] == pytest.approx(krippendorff_alpha(binary_a))
    b = bias(dd)
    for r in b["annotators"]:
        assert sum(r["share"]) == pytest.approx(1.0)
    assert np.allclose(b["annotators"][0]["share"], [2 / 5, 2 / 5, 1 / 5])
    c = confusion(dd, "p", "q")
    assert c["units"] == 4 and sum(map(sum, c["matrix"])) == 4
    assert ["a", "b"] in c["labels"]


def test_breakdowns_by_source_and_document(frame_store) -> None:
    store, _ = frame_store
    rep = agreement_report(
        store, codebook(), dimensions=["frame"], by=["source", "document"], n_boot=N_BOOT
    )
    d = rep["dimensions"]["frame"]
    src = {r["source"]: r for r in d["by_source"]}
    assert set(src) == {"Src A", "(unknown)"}
    assert src["Src A"]["units"] == 4 and src["(unknown)"]["units"] == 2
    assert src["Src A"]["krippendorff_alpha"] == pytest.approx(
        krippendorff_alpha([[X, X, Y, Z], [X, Y, Y, Z]], "nominal", values=["x", "y", "z"])
    )
    docs = {r["doc_id"]: r for r in d["by_document"]}
    assert docs["a"]["title"] == "A" and docs["a"]["source"] == "Src A"
    assert docs["b"]["units"] == 2 and docs["b"]["annotators"] == 3
    assert docs["a"]["alpha_ci"]["n_boot"] == N_BOOT


def test_drift_windows_follow_the_latest_rating_and_cover_all_pairs(tmp_path: Path) -> None:
    store, u = make_store(tmp_path / "d.db", [("a", "", 6)])
    # alice labels u0..u5, then bob labels u5..u0, then carol u0: the units become
    # comparable in the order u5, u4, ..., u0.  bob disagrees on u1 and u0 only.
    alice = [X, Y, Z, X, Y, Z]
    bob = [Y, X, Z, X, Y, Z]
    add_rows(store, [(u[i], "alice", "frame", alice[i]) for i in range(6)], timed=True)
    add_rows(store, [(u[i], "bob", "frame", bob[i]) for i in reversed(range(6))], timed=True)
    add_rows(store, [(u[0], "carol", "frame", X)], timed=True)
    dd = load_dimensions(store, codebook(), ["frame"])["frame"]
    dr = drift(dd, 3, N_BOOT, 0)
    assert dr["units"] == 6 and dr["pairs"] == 5 * 1 + 3
    rows = dr["rows"]
    assert [r["units"] for r in rows] == [2, 2, 2]
    assert sum(r["pairs"] for r in rows) == dr["pairs"]
    assert [r["pairs"] for r in rows] == [2, 2, 4]
    assert rows[0]["krippendorff_alpha"] == pytest.approx(1.0)  # u5, u4
    assert rows[1]["krippendorff_alpha"] == pytest.approx(1.0)  # u3, u2
    assert rows[2]["krippendorff_alpha"] < 0  # u1, u0
    assert rows[2]["krippendorff_alpha"] == pytest.approx(
        krippendorff_alpha([[Y, X], [X, Y], [None, X]], "nominal", values=["x", "y", "z"])
    )
    for earlier, later in zip(rows, rows[1:], strict=False):
        assert earlier["start"] <= earlier["end"] <= later["start"] <= later["end"]
    # more windows than units: one unit per window
    assert len(drift(dd, 10, 0, 0)["rows"]) == 6


def test_drift_with_one_timestamp_follows_unit_order(frame_store) -> None:
    store, _ = frame_store
    dd = load_dimensions(store, codebook(), ["frame"])["frame"]
    dr = drift(dd, 4, 0, 0)
    assert dr["distinct_times"] == 1
    assert [r["units"] for r in dr["rows"]] == [2, 2, 1, 1]
    assert sum(r["units"] for r in dr["rows"]) == 6


def test_bootstrap_is_seeded(frame_store) -> None:
    store, _ = frame_store
    one = agreement_report(store, codebook(), by=["label"], n_boot=N_BOOT, seed=3)
    two = agreement_report(store, codebook(), by=["label"], n_boot=N_BOOT, seed=3)
    assert one["dimensions"] == two["dimensions"]
    assert one["meta"]["bootstrap"] == {
        "method": "units",
        "confidence": 0.95,
        "n_boot": N_BOOT,
        "breakdown_n_boot": N_BOOT,
        "seed": 3,
    }


def test_report_keys_only_when_requested(frame_store) -> None:
    store, _ = frame_store
    six = {"units", "annotators", "percent_agreement", "krippendorff_alpha"}
    plain = agreement_report(store, codebook(), n_boot=0)["dimensions"]
    assert set(plain) == {"frame", "cert", "topics"}
    assert six <= set(plain["frame"])
    extra = {"by_label", "by_source", "by_document", "pairwise", "bias", "confusion", "drift"}
    assert not extra & set(plain["frame"])
    full = agreement_report(store, codebook(), by=["all"], n_boot=0)["dimensions"]["frame"]
    assert extra <= set(full)
    assert full["confusion"]["chosen_by"] == "most shared units"
    assert (full["confusion"]["a"], full["confusion"]["b"]) == ("alice", "bob")
    paired = agreement_report(store, codebook(), pair=("carol", "bob"), n_boot=0)
    c = paired["dimensions"]["frame"]["confusion"]
    assert (c["a"], c["b"], c["units"], c["chosen_by"]) == ("carol", "bob", 1, "--pair")
    assert "pairwise" not in paired["dimensions"]["frame"]
    # empty dimensions still report, with nothing defined
    cert = paired["dimensions"]["cert"]
    assert cert["units"] == 0 and cert["krippendorff_alpha"] is None


def test_report_rejects_unknowns(frame_store) -> None:
    store, _ = frame_store
    with pytest.raises(FramingError, match="unknown annotator 'zed'"):
        agreement_report(store, codebook(), pair=("alice", "zed"))
    with pytest.raises(FramingError, match="unknown dimension"):
        agreement_report(store, codebook(), dimensions=["nope"])
    with pytest.raises(FramingError, match="unknown breakdown"):
        agreement_report(store, codebook(), by=["weather"])


# --------------------------------------------------------------------------- disagreements


@pytest.fixture
def disagreement_store(tmp_path: Path) -> tuple[Store, list[str]]:
    """frame: a0 x/y/z (1.0, 3 ann), a1 x/y (1.0, 2 ann), a2 x/x/y (2/3), a3 x/x (0),
    b1 x/x/x (0), b0 only alice; cert: a1 hi/hi (0); topics: a3 {a,b}/{b,a} (0),
    b0 {a}/{b} (1.0, 2 ann)."""
    store, u = make_store(tmp_path / "r.db", [("a", "Src A", 4), ("b", "Src B", 3)])
    a0, a1, a2, a3, b0, b1, _b2 = u
    rows: list[tuple[str, str, str, LabelValue]] = [
        (a0, "alice", "frame", X),
        (a0, "bob", "frame", Y),
        (a0, "carol", "frame", Z),
        (a1, "alice", "frame", X),
        (a1, "bob", "frame", Y),
        (a2, "alice", "frame", X),
        (a2, "bob", "frame", X),
        (a2, "carol", "frame", Y),
        (a3, "alice", "frame", X),
        (a3, "bob", "frame", X),
        (b1, "alice", "frame", X),
        (b1, "bob", "frame", X),
        (b1, "carol", "frame", X),
        (b0, "alice", "frame", Y),
        (a1, "alice", "cert", "hi"),
        (a1, "bob", "cert", "hi"),
        (a3, "alice", "topics", ["a", "b"]),
        (a3, "bob", "topics", ["b", "a"]),
        (b0, "alice", "topics", ["a"]),
        (b0, "bob", "topics", ["b"]),
    ]
    add_rows(store, rows)
    return store, u


def test_rank_disagreements_one_dimension(disagreement_store) -> None:
    store, u = disagreement_store
    rows = rank_disagreements(store, codebook(), "frame")
    assert [r.unit_id for r in rows] == [u[0], u[1], u[2]]
    assert [r.disagreement for r in rows] == pytest.approx([1.0, 1.0, 2 / 3])
    assert [r.n_annotators for r in rows] == [3, 2, 3]
    top = rows[0]
    assert (top.doc_id, top.source, top.position) == ("a", "Src A", 0)
    assert top.text == "Sentence 0 of a."
    assert top.labels == {"alice": {"frame": "x"}, "bob": {"frame": "y"}, "carol": {"frame": "z"}}
    everything = rank_disagreements(store, codebook(), "frame", include_agreed=True)
    assert [r.unit_id for r in everything] == [u[0], u[1], u[2], u[5], u[3]]
    assert [r.unit_id for r in rank_disagreements(store, codebook(), "frame", limit=2)] == [
        u[0],
        u[1],
    ]


def test_rank_disagreements_leaves_out_off_scale_labels_as_agreement_does(
    tmp_path: Path,
) -> None:
    """An imported label from another codebook ("Sports") is off the scale: excluded
    by ``framing agreement``, so neither ranked nor shown by the disagreement list."""
    store, u = make_store(tmp_path / "off.db", [("a", "", 4)])
    store.import_labels(
        [
            (u[0], "alice", "frame", X),  # alone on the scale: not comparable
            (u[0], "bob", "frame", "Sports"),
            (u[1], "alice", "frame", X),  # x/x agree; carol's Sports does not count
            (u[1], "bob", "frame", X),
            (u[1], "carol", "frame", "Sports"),
            (u[2], "alice", "frame", X),  # x/y disagree
            (u[2], "bob", "frame", Y),
            (u[2], "carol", "frame", "Sports"),
            (u[3], "alice", "topics", ["a"]),  # {a} against {a, sports}: off the scale
            (u[3], "bob", "topics", ["a", "sports"]),
        ]
    )
    d = agreement_report(store, codebook(), n_boot=0)["dimensions"]
    assert d["frame"]["excluded"]["off_scale_values"] == {"Sports": 3}
    assert d["topics"]["excluded"]["off_scale_values"] == {"a+sports": 1}
    assert d["frame"]["units"] == 2 and d["topics"]["units"] == 0
    rows = rank_disagreements(store, codebook())
    assert [r.unit_id for r in rows] == [u[2]]
    assert rows[0].n_annotators == 2
    assert rows[0].labels == {"alice": {"frame": "x"}, "bob": {"frame": "y"}}
    assert rows[0].disagreement == pytest.approx(1.0)
    everything = rank_disagreements(store, codebook(), include_agreed=True)
    assert [r.unit_id for r in everything] == [u[2], u[1]]
    assert everything[1].labels == {"alice": {"frame": "x"}, "bob": {"frame": "x"}}
    assert everything[1].by_dimension == {"frame": 0.0}
    assert rank_disagreements(store, codebook(), "topics", include_agreed=True) == []


def test_rank_disagreements_all_dimensions(disagreement_store) -> None:
    store, u = disagreement_store
    rows = rank_disagreements(store, codebook())
    assert [r.unit_id for r in rows] == [u[0], u[4], u[2], u[1]]
    by_id = {r.unit_id: r for r in rows}
    assert by_id[u[1]].disagreement == pytest.approx(0.5)  # frame 1.0, cert 0.0
    assert by_id[u[1]].by_dimension == {"frame": 1.0, "cert": 0.0}
    assert by_id[u[1]].labels["alice"] == {"frame": "x", "cert": "hi"}  # codebook order
    assert by_id[u[4]].by_dimension == {"topics": 1.0}
    assert by_id[u[4]].labels["bob"] == {"topics": ["b"]}
    assert by_id[u[4]].n_annotators == 2
    js = by_id[u[4]].to_json()
    assert js["labels"]["alice"] == {"frame": "y", "topics": ["a"]}
    with pytest.raises(FramingError, match="unknown dimension"):
        rank_disagreements(store, codebook(), "nope")
