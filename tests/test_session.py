"""The annotation session without Textual: queue wrap-around and navigation ends."""

from __future__ import annotations

from pathlib import Path

from framing.codebook import load_codebook
from framing.models import Document, UnitDraft
from framing.store import Store
from framing.tui.session import Session


def _session(tmp_path: Path) -> Session:
    store = Store.open(tmp_path / "s.db")
    drafts = [UnitDraft(i, i * 10, i * 10 + 5, f"unit {i}") for i in range(3)]
    store.ingest([(Document("d", "d.txt", sha256="x"), drafts)])
    return Session(store, load_codebook(), "ann")


def test_completing_the_last_unit_wraps_to_first_unfinished(tmp_path: Path) -> None:
    s = _session(tmp_path)
    s.start()
    assert s.unit is not None and s.unit.position == 0
    last = s.store.last_unit()
    assert last is not None and last.position == 2
    s.show(last)
    for dim in s.dims:
        s.pick(dim.labels[0])
    assert s.unit is not None and s.unit.position == 0  # back to the open unit
    assert s.done == 1


def test_prev_from_end_message_shows_last_unit(tmp_path: Path) -> None:
    s = _session(tmp_path)
    s.start()
    for _ in range(3):
        for dim in s.dims:
            s.pick(dim.labels[0])
    assert s.unit is None and "All 3 units labelled" in s.end_message
    assert s.go_prev()
    assert s.unit is not None and s.unit.position == 2


def test_undo_of_a_skip_unskips_and_returns_with_the_focus(tmp_path: Path) -> None:
    s = _session(tmp_path)
    s.start()
    first = s.unit
    assert first is not None
    s.pick(s.dims[0].labels[0])  # focus moves to the second dimension
    assert s.skip()
    assert s.unit is not None and s.unit.position == 1
    resumed = s.store.first_unfinished("ann", s.dim_ids)
    assert resumed is not None and resumed.position == 1
    assert s.undo()  # the skip
    assert s.unit is not None and s.unit.unit_id == first.unit_id and s.focus == 1
    resumed = s.store.first_unfinished("ann", s.dim_ids)
    assert resumed is not None and resumed.unit_id == first.unit_id
    assert s.undo()  # then the label before it
    assert s.focus == 0 and s.labels == {}
    assert not s.undo()


def test_undo_of_a_skip_from_the_end_message(tmp_path: Path) -> None:
    s = _session(tmp_path)
    s.start()
    last = s.store.last_unit()
    assert last is not None
    s.show(last)
    s.skip()
    assert s.unit is None and s.end_message
    assert s.undo()
    assert s.unit is not None and s.unit.unit_id == last.unit_id and not s.end_message
