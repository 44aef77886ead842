"""The annotation screen in a study: assigned units only, no D, source shown or hidden,
hint conditions, and the time recorded with each label (Pilot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from framing.codebook import load_codebook
from framing.models import Codebook, Document, UnitDraft
from framing.store import Store
from framing.study import StudySettings, codebook_signature, plan
from framing.tui import create_app
from framing.tui.help_screen import HelpScreen
from framing.tui.widgets.dimension_stack import DimensionStack
from framing.tui.widgets.hints_panel import HintsPanel
from framing.tui.widgets.others_panel import OthersPanel
from framing.tui.widgets.status_bar import StatusBar
from framing.tui.widgets.unit_view import UnitView

SIZE = (120, 40)
HINTS: dict[str, Any] = {
    "cues": [{"type": "hedge", "text": "probably", "start": 9, "end": 17}],
    "suggested_certainty": {"label": "probable", "reasons": ["hedge 'probably'"]},
}


def _drafts(doc: int, n: int) -> list[UnitDraft]:
    out = []
    for i in range(n):
        text = f"It will probably rain, says sentence {i} of text {doc}."
        out.append(UnitDraft(i, i * 100, i * 100 + len(text), text, sentiment=0.3, hints=HINTS))
    return out


@pytest.fixture
def store(tmp_path: Path) -> Store:
    st = Store.open(tmp_path / "s.db")
    docs = [
        Document(
            "docA",
            "alpha.txt",
            "Alpha Title",
            source="FNF paper",
            perspective="fnf_paper",
            sha256="1",
        ),
        Document(
            "docB",
            "beta.txt",
            "Beta Title",
            source="Pakistani institute",
            perspective="pakistani_institute",
            sha256="2",
        ),
    ]
    st.ingest([(d, _drafts(i, 6)) for i, d in enumerate(docs)])
    return st


@pytest.fixture
def codebook() -> Codebook:
    return load_codebook()


def _study(store: Store, cb: Codebook, **kw: Any) -> None:
    settings = StudySettings(("ann1", "ann2", "ann3"), overlap=1, **kw)
    plan(store, settings, codebook_signature(cb))


def screen_text(app: Any) -> str:
    """Every string the annotate screen shows, header, panels, status bar and footer."""
    parts = []
    for w in app.screen.query("*"):
        if isinstance(w, Static) and w.display:
            parts.append(str(w.render()))
        for attr in ("border_title", "border_subtitle"):
            if getattr(w, attr, None):
                parts.append(str(getattr(w, attr)))
    return "\n".join(parts)


async def test_study_queue_offers_only_assigned_units_and_no_disagreements(
    store: Store, codebook: Codebook
) -> None:
    _study(store, codebook)
    mine = store.queue_ids("ann2")
    app = create_app(store, codebook, "ann2", mode="study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        seen = [app.annotate_screen.session.unit.unit_id]  # type: ignore[union-attr]
        for _ in range(len(mine) + 2):
            await pilot.press("right")
            unit = app.annotate_screen.session.unit
            if unit is None:  # the end of the queue
                break
            seen.append(unit.unit_id)
        assert seen == mine
        assert not app.annotate_screen.query(OthersPanel)
        assert app.annotate_screen.check_action("disagreements", ()) is False
        await pilot.press("D")
        await pilot.pause()
        assert app.screen is app.annotate_screen  # no disagreements list


async def test_open_mode_shows_and_marks_the_source_without_choosing_it(
    store: Store, codebook: Codebook
) -> None:
    app = create_app(store, codebook, "ann1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        header = app.annotate_screen.query_one(UnitView).title_text
        assert header == "Alpha Title  ·  source: FNF paper"
        stack = app.annotate_screen.query_one(DimensionStack)
        assert stack.open_id == "perspective" and stack.chosen_ids("perspective") == []
        assert "◆ manifest source" in stack.subtitle("perspective")
        grid = stack.text
        assert "◆ manifest source" in grid  # the open box's bottom caption
        line = next(x for x in grid.splitlines() if "FNF paper" in x)
        assert "◆ 3 FNF paper" in line and "●" not in grid
        assert app.annotate_screen.check_action("disagreements", ()) is True


async def test_blind_mode_shows_no_title_id_file_or_source(
    store: Store, codebook: Codebook
) -> None:
    _study(store, codebook, order="shuffled", blind=True, hints="off")
    app = create_app(store, codebook, "ann1", mode="blind", hints="off")
    secrets = ["Alpha Title", "Beta Title", "docA", "docB", "alpha.txt", "beta.txt"]
    secrets += ["manifest source", "source:"]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(3):
            text = screen_text(app)
            assert not [s for s in secrets if s in text], text
            await pilot.press("right")
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = app.screen.text
        assert "document" not in help_text.split("Blind study")[0]
        await pilot.press("escape")
        assert "Perspective (your guess)" in screen_text(app)
        # no-hints condition: no hints panel, no highlights, no tone
        assert not app.annotate_screen.query_one(HintsPanel).display
        assert app.annotate_screen.query_one(StatusBar).tone_text.plain == ""


async def test_labels_record_condition_shown_at_and_active_time(
    store: Store, codebook: Codebook
) -> None:
    _study(store, codebook, hints="split", seed=2)
    name = next(n for n, c in store.study_annotators().items() if c == "off")
    app = create_app(store, codebook, name, mode="study", hints="off")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause(0.2)
        await pilot.press("1")
    row = store.db.execute(
        "SELECT phase, hints_condition, shown_at, active_ms FROM labels ORDER BY id DESC"
    ).fetchone()
    assert row[0] == "independent" and row[1] == "off"
    assert row[2] is not None and row[3] >= 150


def test_idle_gaps_are_not_counted(store: Store, codebook: Codebook) -> None:
    from framing.tui.session import Session

    s = Session(store, codebook, "ann1")
    s.start()
    s._last_tick -= 2.0
    s.tick()
    assert 1900 <= s.active_ms < 2500
    s._last_tick -= 61.0
    s.tick()
    assert s.active_ms < 2500  # a 61 s gap is idle


async def test_name_screen_in_a_study_refuses_other_names(store: Store, codebook: Codebook) -> None:
    from framing.tui.name_screen import NameScreen

    _study(store, codebook, hints="split", seed=2)
    app = create_app(store, codebook, None, mode="study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)
        await pilot.press(*"Ann1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)
        msg = str(app.screen.query_one("#name-question", Static).render())
        assert "'Ann1' is not an annotator of this study (annotators: ann1, ann2, ann3)" in msg
        app.screen.query_one("#name-input").value = ""  # type: ignore[attr-defined]
        await pilot.press(*"ann1", "enter")
        await pilot.pause()
        assert app.annotate_screen.session.hints == store.study_annotators()["ann1"]


async def test_blind_help_keys_and_palette_leave_out_what_the_mode_hides(
    store: Store, codebook: Codebook
) -> None:
    _study(store, codebook, order="shuffled", blind=True, hints="off")
    app = create_app(store, codebook, "ann1", mode="blind", hints="off")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        ids = {row[2] for row in app.annotate_screen.key_rows()}
        assert not ids & {"disagreements", "documents", "search", "context", "my_labels", "hints"}
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Disagreements" not in titles and "Docs" not in titles
        header = str(app.annotate_screen.query_one("#unit-header", Static).render())
        assert header.strip().startswith("unit") and not any(ch.isdigit() for ch in header)
