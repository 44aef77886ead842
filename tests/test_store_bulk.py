"""Bulk reads for large databases: each must agree with the per-row path it replaces."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from framing.agreement import cohen_kappa, encode, label_cell
from framing.analysis import coded_matrices, object_lookup
from framing.breakdowns import (
    _coded,
    bias,
    binarise,
    drift,
    load_dimensions,
    pairwise,
    value_text,
)
from framing.disagreements import rank_disagreements
from framing.models import Codebook, Dimension, Document, LabelValue, UnitDraft
from framing.store import Store
from tests.agreement_data import codebook

ANNOTATORS = ("zoe", "alice", "bob", "carol")
VALUES: dict[str, list[str]] = {
    "frame": ["x", "y", "z", "w"],  # w is off the codebook's scale
    "cert": ["hi", "mid", "lo"],
    "gone": ["q"],  # a dimension the codebook does not have
}


def _random_store(path: Path, seed: int = 0, n_docs: int = 5) -> Store:
    """Documents ingested out of id order, labels imported and added one by one
    (distinct times), relabels and retractions, multi labels and off-scale labels."""
    rng = random.Random(seed)
    store = Store.open(path)
    items = []
    for d in rng.sample(range(n_docs), n_docs):
        n = rng.randint(1, 15)
        doc = Document(
            doc_id=f"d{d}", file=f"d{d}.txt", source=["", "S1", "S2"][d % 3], sha256=str(d)
        )
        drafts = [UnitDraft(i, i * 10, i * 10 + 8, f"text {d}.{i}") for i in range(n)]
        items.append((doc, drafts))
    store.ingest(items)
    units = [u.unit_id for u in store.iter_units()]
    rows: list[tuple[str, str, str, LabelValue]] = []
    for u in units:
        for a in rng.sample(ANNOTATORS, rng.randint(0, 4)):
            for dim, labels in VALUES.items():
                if rng.random() < 0.8:
                    rows.append((u, a, dim, rng.choice(labels)))
            if rng.random() < 0.8:
                topics = rng.sample(["a", "b", "c", "e"], rng.randint(0, 2))
                rows.append((u, a, "topics", topics))
    rng.shuffle(rows)
    half = len(rows) // 2
    store.import_labels(rows[:half])
    for u, a, dim_id, v in rows[half : half + 40]:
        store.add_label(u, a, dim_id, v)
    store.import_labels(rows[half + 40 :])
    for u, a, dim_id, v in rng.sample(rows, min(30, len(rows))):
        store.add_label(u, a, dim_id, None if rng.random() < 0.5 else v)
    return store


@pytest.fixture(params=[0, 1, 2])
def store(tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    return _random_store(tmp_path / "bulk.db", seed=request.param)


# --------------------------------------------------------------------------- store


def test_units_by_id_is_unit_in_bulk(store: Store) -> None:
    ids = [u.unit_id for u in store.iter_units()]
    asked = [*ids, "no-such-unit", ids[0]]
    got = store.units_by_id(asked)
    assert got == {i: store.unit(i) for i in ids}
    assert store.units_by_id([]) == {}


def test_units_by_id_and_unit_sources_over_many_chunks(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "many.db")
    doc = Document(doc_id="big", file="big.txt", source="Src", sha256="1")
    s.ingest([(doc, [UnitDraft(i, i * 2, i * 2 + 1, f"u{i}") for i in range(1234)])])
    ids = [u.unit_id for u in s.iter_units()]
    got = s.units_by_id(reversed(ids))
    assert len(got) == 1234 and got[ids[700]] == s.unit(ids[700])
    assert s.unit_sources(ids) == {i: ("big", "Src") for i in ids}  # labelled or not
    assert s.unit_sources() == {}  # nothing labelled yet


def test_unit_sources_of_given_units(store: Store) -> None:
    every = store.unit_sources()
    ids = list(every)[::2]
    assert store.unit_sources(ids) == {i: every[i] for i in ids}
    assert store.unit_sources(["no-such-unit"]) == {}


def test_current_label_columns_match_the_row_by_row_reads(store: Store) -> None:
    cols = store.current_label_columns()
    rows = [
        (
            cols.unit_ids[u],
            cols.annotators[a],
            cols.dimensions[d],
            cols.values[v],
            cols.times[t],
        )
        for u, a, d, v, t in zip(
            cols.unit.tolist(),
            cols.annotator.tolist(),
            cols.dimension.tolist(),
            cols.value.tolist(),
            cols.time.tolist(),
            strict=True,
        )
    ]
    assert len(cols) == len(rows)
    # the same labels, in all_current_labels' order (unit order, annotator, dimension)
    assert [r[:4] for r in rows] == list(store.all_current_labels())
    assert sorted(rows, key=repr) == sorted(store.current_label_records(), key=repr)
    assert cols.annotators == sorted(cols.annotators)
    assert cols.dimensions == sorted(cols.dimensions)
    labelled = {r[0] for r in rows}
    assert cols.unit_ids == [u.unit_id for u in store.iter_units() if u.unit_id in labelled]
    assert len(set(map(repr, cols.values))) == len(cols.values)  # each value once


def test_current_label_columns_few_labelled_units_and_empty(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "few.db")
    assert len(s.current_label_columns()) == 0
    docs = [
        (
            Document(doc_id=d, file=f"{d}.txt", sha256=d),
            [UnitDraft(i, i * 5, i * 5 + 4, f"{d}{i}") for i in range(40)],
        )
        for d in ("b", "a")
    ]
    s.ingest(docs)
    # 3 labelled units out of 80: the indexed look-up path of the unit order
    s.import_labels([("b:0-4", "x", "frame", "y"), ("a:195-199", "x", "frame", "z")])
    s.add_label("a:5-9", "y", "topics", ["b", "a"])
    s.add_label("a:5-9", "y", "frame", "x")
    s.add_label("a:5-9", "y", "frame", None)  # retracted
    cols = s.current_label_columns()
    assert cols.unit_ids == ["a:5-9", "a:195-199", "b:0-4"]
    assert [cols.values[v] for v in cols.value.tolist()] == [["a", "b"], "z", "y"]
    assert cols.annotators == ["x", "y"] and cols.dimensions == ["frame", "topics"]


# --------------------------------------------------------------------------- analysis


def _reference_matrices(store: Store) -> dict[str, tuple[list[str], list[str], list[list[Any]]]]:
    """coded_matrices' labels, the slow way: one pass over all_current_labels, dicts and lists."""
    cb = codebook()
    cells: dict[str, dict[tuple[str, str], Any]] = {d: {} for d in cb.dimension_ids}
    units: dict[str, dict[str, None]] = {d: {} for d in cb.dimension_ids}
    coders: dict[str, set[str]] = {d: set() for d in cb.dimension_ids}
    for unit_id, annotator, dim_id, value in store.all_current_labels():
        if dim_id in cells:
            cells[dim_id][(annotator, unit_id)] = value
            units[dim_id][unit_id] = None
            coders[dim_id].add(annotator)
    out = {}
    for dim in cb.dimensions:
        names, ids = sorted(coders[dim.id]), list(units[dim.id])

        def cell(v: Any, kind: str = dim.kind) -> Any:
            if v is None or kind != "multi":
                return v
            return frozenset(v)

        data = [[cell(cells[dim.id].get((a, u))) for u in ids] for a in names]
        out[dim.id] = (names, ids, data)
    return out


def _decoded_matrices(
    store: Store, cb: Codebook
) -> dict[str, tuple[list[str], list[str], list[list[Any]]]]:
    """coded_matrices decoded to label cells: ``None`` where missing."""
    out = {}
    for dim_id, m in coded_matrices(store, cb).items():
        cells = object_lookup(label_cell(m.dimension.kind, v) for v in m.values)
        data: list[list[Any]] = cells[m.codes].tolist() if m.codes.size else []
        out[dim_id] = (m.annotators, m.unit_ids, data)
    return out


def test_coded_matrices_match_the_reference(store: Store) -> None:
    got = _decoded_matrices(store, codebook())
    want = _reference_matrices(store)
    assert list(got) == list(want)
    for dim_id, m in got.items():
        assert m == want[dim_id]


def test_load_dimensions_cleans_like_the_reference(store: Store) -> None:
    cb = codebook()
    ref = _reference_matrices(store)
    times = {(u, a, d): t for u, a, d, _v, t in store.current_label_records()}
    for dim_id, dd in load_dimensions(store, cb).items():
        names, ids, data = ref[dim_id]
        scale = set(dd.dimension.label_ids)
        off: Counter[str] = Counter()
        clean = []
        for row in data:
            out = []
            for v in row:
                ok = v is None or (
                    all(x in scale for x in v) if isinstance(v, frozenset) else v in scale
                )
                if not ok:
                    off[value_text(v)] += 1
                out.append(v if ok else None)
            clean.append(out)
        assert (dd.annotators, dd.unit_ids, dd.data.tolist()) == (names, ids, clean)
        assert dd.off_scale == dict(sorted(off.items()))
        assert dd.data.shape == (len(names), len(ids)) and dd.data.dtype == object
        want_t = [
            [None if v is None else times[(u, a, dim_id)] for u, v in zip(ids, r, strict=True)]
            for a, r in zip(names, clean, strict=True)
        ]
        assert dd.times.tolist() == want_t


# --------------------------------------------------------------------------- breakdowns


def test_breakdown_fast_paths_match_cell_by_cell(store: Store) -> None:
    for dim_id, dd in load_dimensions(store, codebook()).items():
        # binarise
        for lab in dd.dimension.label_ids:
            want = np.full(dd.data.shape, np.nan)
            for (i, u), v in np.ndenumerate(dd.data):
                if v is not None:
                    hit = lab in v if dd.dimension.kind == "multi" else v == lab
                    want[i, u] = 1.0 if hit else 0.0
            np.testing.assert_array_equal(binarise(dd, lab), want)
        # pairwise: the same floats as cohen_kappa on the pair's shared units
        pw = pairwise(dd)
        n = len(dd.annotators)
        for i, j in itertools.combinations_with_replacement(range(n), 2):  # i <= j, as pairwise
            assert pw["cohen_kappa"][j][i] == pw["cohen_kappa"][i][j]
            both = [
                (x, y)
                for x, y in zip(dd.data[i], dd.data[j], strict=True)
                if x is not None and y is not None
            ]
            if not both:
                assert pw["cohen_kappa"][i][j] is None
                continue
            k = cohen_kappa([x for x, _ in both], [y for _, y in both])
            assert pw["cohen_kappa"][i][j] == (None if math.isnan(k) else k), dim_id
            assert pw["percent_agreement"][i][j] == sum(x == y for x, y in both) / len(both)
        # drift: units by the time of their latest rating
        d = drift(dd, 3, 0, 0)
        cols = dd.pairable
        stamp = [max(t for t in dd.times[:, c] if t is not None) for c in cols]
        assert d["distinct_times"] == len(set(stamp))
        m = dd.ratings_per_unit
        assert d["pairs"] == sum(int(m[c]) * (int(m[c]) - 1) // 2 for c in cols)
        order = [c for _, c in sorted(zip(stamp, cols.tolist(), strict=True))]
        when = dict(zip(cols.tolist(), stamp, strict=True))
        starts = [when[int(ch[0])] for ch in np.array_split(np.asarray(order), 3) if len(ch)]
        assert [r["start"] for r in d["rows"]] == starts
        # bias: counts by label
        b = bias(dd)
        for row, i in zip(b["annotators"], range(len(dd.annotators)), strict=True):
            assert row["ratings"] == sum(v is not None for v in dd.data[i, cols])


def test_coded_is_encode(store: Store) -> None:
    for dd in load_dimensions(store, codebook()).values():
        if dd.values is None:
            assert _coded(dd.data, None) is dd.data  # multi: left to encode
            continue
        got = _coded(dd.data, dd.values)
        want = encode(dd.data, dd.values)
        assert not isinstance(got, np.ndarray)
        np.testing.assert_array_equal(got.codes, want.codes)
        assert (got.domain, got.numeric) == (want.domain, want.numeric)
    odd = np.array([["x", None], ["w", "y"]], dtype=object)  # w: off the scale
    assert _coded(odd, ["x", "y"]) is odd


def _unit_disagreement(values: list[Any]) -> float:
    """1 − the share of rating pairs with equal labels (a multi label as its sorted ids)."""
    m = len(values)
    counts = Counter(tuple(sorted(v)) if isinstance(v, list) else v for v in values)
    agree = sum(c * (c - 1) for c in counts.values())
    return 1.0 - agree / (m * (m - 1))


def _on_scale(dim: Dimension, value: LabelValue) -> bool:
    if value is None:
        return False
    if dim.kind == "multi":
        return all(x in dim.label_ids for x in ([value] if isinstance(value, str) else value))
    return isinstance(value, str) and value in dim.label_ids


def _reference_ranking(
    store: Store, dims: list[str], include_agreed: bool
) -> list[tuple[float, int, str, dict[str, float], dict[str, dict[str, Any]]]]:
    """rank_disagreements the slow way: per-unit dicts from all_current_labels,
    without the labels that are off the codebook's scale."""
    cb = codebook()
    per_unit: dict[str, dict[str, dict[str, Any]]] = {}
    order: dict[str, int] = {}
    for unit_id, annotator, dim_id, value in store.all_current_labels():
        dim = cb.dimension(dim_id)
        if dim_id not in dims or dim is None or not _on_scale(dim, value):
            continue
        order.setdefault(unit_id, len(order))
        per_unit.setdefault(unit_id, {}).setdefault(annotator, {})[dim_id] = value
    scored = []
    for unit_id, labels in per_unit.items():
        by_dim = {}
        for d in dims:
            vals = [lab[d] for lab in labels.values() if d in lab]
            if len(vals) >= 2:
                by_dim[d] = _unit_disagreement(vals)
        if not by_dim:
            continue
        score = sum(by_dim.values()) / len(by_dim)
        if score <= 1e-12 and not include_agreed:
            continue
        scored.append((round(score, 12), len(labels), order[unit_id], unit_id, by_dim))
    scored.sort(key=lambda r: (-r[0], -r[1], r[2]))
    return [
        (
            s,
            n,
            u,
            by,
            {a: {d: labs[d] for d in dims if d in labs} for a, labs in sorted(per_unit[u].items())},
        )
        for s, n, _, u, by in scored
    ]


@pytest.mark.parametrize("dimension", [None, "frame", "topics"])
@pytest.mark.parametrize("include_agreed", [False, True])
def test_rank_disagreements_matches_the_reference(
    store: Store, dimension: str | None, include_agreed: bool
) -> None:
    cb = codebook()
    dims = [dimension] if dimension else list(cb.dimension_ids)
    got = rank_disagreements(store, cb, dimension, include_agreed=include_agreed)
    want = _reference_ranking(store, dims, include_agreed)
    assert [(r.disagreement, r.n_annotators, r.unit_id) for r in got] == [w[:3] for w in want]
    assert [r.by_dimension for r in got] == [w[3] for w in want]
    assert [r.labels for r in got] == [w[4] for w in want]
    for r in got:
        unit = store.unit(r.unit_id)
        assert unit is not None
        assert (r.doc_id, r.position, r.text) == (unit.doc_id, unit.position, unit.text)
        assert r.source == store.unit_sources()[r.unit_id][1]
    top = rank_disagreements(store, cb, dimension, limit=3, include_agreed=include_agreed)
    assert [r.to_json() for r in top] == [r.to_json() for r in got[:3]]
