"""f flags and n notes the current unit while annotating; backspace undoes both."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from framing.codebook import load_codebook
from framing.models import Document, UnitDraft
from framing.store import Store
from framing.tui import create_app

SIZE = (130, 42)


def _store(tmp_path: Path) -> Store:
    st = Store.open(tmp_path / "t.db")
    drafts = [
        UnitDraft(i, i * 40, i * 40 + 30, f"Sentence {i} of the test corpus.") for i in range(3)
    ]
    st.ingest([(Document("a", "a.txt", "Doc", sha256="1"), drafts)])
    return st


async def test_flag_by_key_toggle_and_undo(tmp_path: Path) -> None:
    store = _store(tmp_path)
    app = create_app(store, load_codebook(None), "alice")
    async with app.run_test(size=SIZE) as pilot:
        unit = app.annotate_screen.session.unit
        assert unit is not None
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("1")  # segmentation error
        await pilot.pause()
        assert [(f.annotator, f.reason) for f in store.active_flags(unit.unit_id)] == [
            ("alice", "segmentation")
        ]
        await pilot.press("f", "2")  # guideline gap as well
        await pilot.pause()
        assert {f.reason for f in store.active_flags(unit.unit_id)} == {
            "segmentation",
            "guideline_gap",
        }
        await pilot.press("backspace")  # undo the guideline gap
        assert {f.reason for f in store.active_flags(unit.unit_id)} == {"segmentation"}
        await pilot.press("f", "1")  # the same reason again removes it
        await pilot.pause()
        assert store.active_flags(unit.unit_id) == []
        # nothing was labelled: flags are not labels
        assert store.current_labels(unit.unit_id, "alice") == {}
    # append-only: four rows, the history is there
    assert store.db.execute("SELECT COUNT(*) FROM flags").fetchone()[0] == 4


async def test_note_one_line_and_undo(tmp_path: Path) -> None:
    store = _store(tmp_path)
    app = create_app(store, load_codebook(None), "alice")
    async with app.run_test(size=SIZE) as pilot:
        unit = app.annotate_screen.session.unit
        assert unit is not None
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one(Input).value = "quote inside a quote"
        await pilot.press("enter")
        await pilot.pause()
        assert [n.text for n in store.current_notes(unit.unit_id)] == ["quote inside a quote"]
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.query_one(Input).value == "quote inside a quote"  # editable
        await pilot.press("escape")  # cancel changes nothing
        await pilot.pause()
        await pilot.press("backspace")  # undo the note
        assert store.current_notes(unit.unit_id) == []
        # the label keys still work after the modals
        await pilot.press("1")
        assert store.current_labels(unit.unit_id, "alice") == {"perspective": "pakistani_institute"}
