"""The annotation UI driven through Textual's Pilot: the store and the screen agree."""

from __future__ import annotations

import gc
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from framing.codebook import load_codebook
from framing.models import (
    Codebook,
    Dimension,
    DimensionKind,
    Document,
    FramingError,
    Label,
    UnitDraft,
)
from framing.store import Store
from framing.tui import FramingApp, create_app
from framing.tui.help_screen import HelpScreen
from framing.tui.widgets.dimension_stack import DimensionStack
from framing.tui.widgets.hints_panel import HintsPanel
from framing.tui.widgets.status_bar import StatusBar
from framing.tui.widgets.unit_view import UnitView

SIZE = (120, 40)
HINTED = "Officials said the attack was probably planned by the TTP."
HINTS: dict[str, Any] = {
    "cues": [
        {"type": "attribution", "text": "said", "start": 10, "end": 14},
        {"type": "hedge", "text": "probably", "start": 30, "end": 38},
    ],
    "actors": [
        {"id": "ttp", "name": "Tehrik-i-Taliban Pakistan", "text": "TTP", "start": 54, "end": 57}
    ],
    "tone": {"compound": -0.4, "label": "negative"},
    "suggested_certainty": {"label": "probable", "reasons": ["hedge 'probably'"]},
}
TEXTS = [f"{w} is sentence {i} of the corpus." for i, w in enumerate("ABCD")]
TEXTS[4:] = [HINTED, "Foxtrot ends the second document."]


def _drafts(texts: list[str], hinted: int = -1) -> list[UnitDraft]:
    out, pos = [], 0
    for i, t in enumerate(texts):
        hints = HINTS if i == hinted else None
        out.append(
            UnitDraft(i, pos, pos + len(t), t, sentiment=-0.4 if hints else 0.0, hints=hints)
        )
        pos += len(t) + 1
    return out


@pytest.fixture
def store(tmp_path: Path) -> Store:
    st = Store.open(tmp_path / "t.db")
    st.ingest(
        [
            (Document("a", "a.txt", "First document", sha256="1"), _drafts(TEXTS[:3])),
            (Document("b", "b.txt", "", sha256="2"), _drafts(TEXTS[3:], hinted=1)),
        ]
    )
    return st


@pytest.fixture
def codebook() -> Codebook:
    return load_codebook()


def unit_ids(store: Store) -> list[str]:
    return [u.unit_id for u in store.iter_units(queued_only=True)]


def view(app: FramingApp) -> UnitView:
    return app.annotate_screen.query_one(UnitView)


def shown(app: FramingApp) -> str:
    return view(app).current_text


def focused(app: FramingApp) -> str | None:
    return stack(app).open_id


def stack(app: FramingApp) -> DimensionStack:
    return app.annotate_screen.query_one(DimensionStack)


def chosen(app: FramingApp, dim_id: str) -> list[str]:
    return stack(app).chosen_ids(dim_id)


def progress(app: FramingApp) -> tuple[float, float | None]:
    return app.annotate_screen.query_one(StatusBar).progress


def end_message(app: FramingApp) -> str | None:
    end = app.annotate_screen.query_one("#end-message", Static)
    return str(end.content) if end.display else None


async def test_one_key_per_dimension_labels_and_advances(store: Store, codebook: Codebook) -> None:
    app = create_app(store, codebook, "alice")
    first = unit_ids(store)[0]
    async with app.run_test(size=SIZE) as pilot:
        assert (shown(app), focused(app)) == (TEXTS[0], "perspective")
        await pilot.press("1")
        assert store.current_labels(first, "alice") == {"perspective": "pakistani_institute"}
        assert focused(app) == "frame"
        await pilot.press("1")
        assert focused(app) == "certainty"
        await pilot.press("1")
        labels = {"perspective": "pakistani_institute", "frame": "Economic", "certainty": "certain"}
        assert store.current_labels(first, "alice") == labels
        assert len(store.label_history(first)) == 3
        assert (shown(app), focused(app)) == (TEXTS[1], "perspective")
        assert (view(app).title_text, progress(app)) == ("First document", (1, 6))


async def test_keypress_does_constant_store_work(
    store: Store, codebook: Codebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: Counter[str] = Counter()
    names = "add_label next_unit prev_unit unit context current_labels progress first_unfinished"
    for name in [*names.split(), "documents", "skip"]:
        real = getattr(store, name)
        spy = lambda *a, _r=real, _n=name, **k: (calls.update([_n]), _r(*a, **k))[1]  # noqa: E731
        monkeypatch.setattr(store, name, spy)
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "1")
        calls.clear()
        await pilot.press("1")  # completes the unit and shows the next one
        assert shown(app) == TEXTS[1]
    assert calls == Counter(add_label=1, next_unit=1, context=1, current_labels=1)


async def test_undo_within_unit_and_across_units(store: Store, codebook: Codebook) -> None:
    first = unit_ids(store)[0]
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "3")
        await pilot.press("backspace")  # retracts the frame just picked
        assert store.current_labels(first, "alice") == {"perspective": "russian_hse_expert"}
        assert focused(app) == "frame"
        assert store.label_history(first)[-1]["value"] is None
        await pilot.press("3", "4")  # completes the unit
        assert shown(app) == TEXTS[1]
        assert progress(app) == (1, 6)
        await pilot.press("backspace")  # back to the previous unit's last dimension
        assert shown(app) == TEXTS[0]
        assert focused(app) == "certainty"
        assert "certainty" not in store.current_labels(first, "alice")
        assert chosen(app, "frame") == ["Morality"]
        assert progress(app) == (0, 6)
        await pilot.press("backspace")
        assert focused(app) == "frame" and "frame" not in store.current_labels(first, "alice")


async def test_skip_and_arrow_navigation(store: Store, codebook: Codebook) -> None:
    ids = unit_ids(store)
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert shown(app) == TEXTS[1]
        first = store.first_unfinished("alice", codebook.dimension_ids)
        assert first is not None and first.unit_id == ids[1]
        await pilot.press("right", "right")
        assert (shown(app), view(app).title_text) == (TEXTS[3], "b.txt")  # untitled: file name
        await pilot.press("left")
        assert shown(app) == TEXTS[2]
        await pilot.press("left", "left", "left")  # stops at the first unit
        assert shown(app) == TEXTS[0]
        assert store.label_history(ids[0]) == []


async def test_undo_a_skip_and_resume_there(store: Store, codebook: Codebook) -> None:
    ids = unit_ids(store)
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "s")
        assert shown(app) == TEXTS[1]
        await pilot.press("backspace")  # undoes the skip, not the label
        assert (shown(app), focused(app)) == (TEXTS[0], "frame")
        assert store.current_labels(ids[0], "alice") == {"perspective": "pakistani_institute"}
        await pilot.press("q")
    again = create_app(store, codebook, "alice")
    async with again.run_test(size=SIZE):
        assert (shown(again), focused(again)) == (TEXTS[0], "frame")


def visible_text(app: FramingApp) -> str:
    """Every character on screen, row by row (what a terminal would show)."""
    width, height = app.size
    lines = []
    for y in range(height):
        strips = app.screen._compositor.render_strips()  # noqa: SLF001
        lines.append("".join(seg.text for seg in strips[y]))
    return "\n".join(lines)


async def test_80x24_shows_every_frame_label_and_collapses_the_others(
    store: Store, codebook: Codebook
) -> None:
    first = unit_ids(store)[0]
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")  # perspective: the frame panel opens
        await pilot.pause()
        screen = visible_text(app)
        frame = codebook.dimension("frame")
        assert frame is not None
        for lab in frame.labels:  # a long name wraps: its first word is on screen
            assert f"{lab.key} {lab.name.split()[0]}" in screen, lab.name
        assert "jurisprudence" in screen  # the wrapped rest of a long name too
        assert "1/3 Perspective  Pakistani institute" in screen  # collapsed, with its label
        assert "3/3 Certainty  – not labelled yet" in screen
        assert TEXTS[0] in screen
        await pilot.press("e")  # the last frame label, picked at 80x24
        assert store.current_labels(first, "alice")["frame"] == "Other"
        assert chosen(app, "frame") == ["Other"]
        assert "saved " in app.annotate_screen.query_one(StatusBar).text


async def test_arriving_shows_existing_labels(store: Store, codebook: Codebook) -> None:
    ids = unit_ids(store)
    store.add_label(ids[1], "alice", "perspective", "fnf_paper")
    store.add_label(ids[1], "bob", "frame", "Economic")
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right")
        assert chosen(app, "perspective") == ["fnf_paper"]
        assert chosen(app, "frame") == []  # bob's label is not alice's
        assert focused(app) == "frame"
        await pilot.press("up")
        assert focused(app) == "perspective"
        await pilot.press("enter")  # keeps the label, moves on
        assert focused(app) == "frame"
        assert len(store.label_history(ids[1])) == 2
        region = stack(app).content_region  # a click on a label line picks it
        x = region.x + 3
        rows = [y for y in range(region.y, region.bottom) if app.screen.get_style_at(x, y).meta]
        meta = [app.screen.get_style_at(x, y).meta.get("@click") for y in rows]
        await pilot.click(offset=(x, rows[meta.index("pick('Morality')")]))
        assert store.current_labels(ids[1], "alice")["frame"] == "Morality"
        assert focused(app) == "certainty"


async def test_help_modal(store: Store, codebook: Codebook) -> None:
    app = create_app(store, codebook, "alice")
    frame = codebook.dimension("frame")
    assert frame is not None
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.text
        assert frame.question in text
        assert all(lab.definition in text for lab in frame.labels)
        assert frame.labels[0].example in text
        await pilot.press("1")  # label keys do nothing under the modal
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        assert "frame" not in store.current_labels(unit_ids(store)[0], "alice")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        assert not isinstance(app.screen, HelpScreen)


async def test_resume_and_progress(store: Store, codebook: Codebook) -> None:
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"111222")
        await pilot.press("q")
        assert not app.is_running
    assert gc.get_freeze_count() == 0  # the app unfreezes what it froze
    again = create_app(store, codebook, "alice")
    async with again.run_test(size=SIZE):
        assert (shown(again), progress(again)) == (TEXTS[2], (2, 6))
        assert "all 2/6" in again.annotate_screen.query_one(StatusBar).text


async def test_all_done_message_and_browsing(store: Store, codebook: Codebook) -> None:
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*("123" * 6))
        assert "All 6 units labelled" in (end_message(app) or "")
        assert not view(app).display
    again = create_app(store, codebook, "alice")
    async with again.run_test(size=SIZE) as pilot:
        assert "All 6 units labelled" in (end_message(again) or "")
        await pilot.press("left")
        assert shown(again) == TEXTS[5] and end_message(again) is None
        await pilot.press("right")
        assert end_message(again)
        await pilot.press("right")
        assert (shown(again), chosen(again, "certainty")) == (TEXTS[0], ["possible"])


async def test_multi_dimension_toggles_and_enter(store: Store) -> None:
    def dim(dim_id: str, kind: DimensionKind, *ids: str) -> Dimension:
        labels = tuple(Label(i, i.title(), str(k), f"{i}.") for k, i in enumerate(ids, 1))
        return Dimension(dim_id, f"{dim_id}?", kind, labels)

    dims = (
        dim("actors", "multi", "state", "militant", "civilian"),
        dim("stance", "ordinal", "a", "b"),
    )
    cb = Codebook(dims)
    first = unit_ids(store)[0]
    app = create_app(store, cb, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "3")
        assert store.current_labels(first, "alice") == {"actors": ["civilian", "state"]}
        assert focused(app) == "actors"
        await pilot.press("1")
        assert store.current_labels(first, "alice") == {"actors": ["civilian"]}
        assert chosen(app, "actors") == ["civilian"]
        assert len(store.label_history(first)) == 3
        await pilot.press("enter", "2")
        assert store.current_labels(first, "alice") == {"actors": ["civilian"], "stance": "b"}
        assert shown(app) == TEXTS[1]
        await pilot.press("enter")  # nothing chosen: stays
        assert focused(app) == "actors"
        await pilot.press("2", "2")  # toggled on and off again: retracted
        assert store.label_history(unit_ids(store)[1])[-1]["value"] is None


async def test_hints_panel(store: Store, codebook: Codebook) -> None:
    ids = unit_ids(store)
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        hints = app.annotate_screen.query_one(HintsPanel)
        assert not hints.display
        await pilot.press(*["right"] * 4)
        assert shown(app) == HINTED and hints.display
        text = hints.text
        assert "Tehrik-i-Taliban Pakistan" in text and "(TTP)" in text
        assert "hedge: probably" in text and "attribution: said" in text
        assert "Suggested certainty\nProbable" in text and "hedge 'probably'" in text
        # Suggestions are never preselected.
        assert store.current_labels(ids[4], "alice") == {}
        assert chosen(app, "certainty") == []
        styled = {HINTED[s.start : s.end] for s in view(app).current.spans}
        assert {"said", "probably", "TTP"} <= styled
        tone = app.annotate_screen.query_one(StatusBar).tone_text
        assert "-0.40 negative" in tone.plain
        await pilot.press("right")
        assert not hints.display


def test_hints_panel_groups_mentions_of_one_actor(codebook: Codebook) -> None:
    from framing.tui.widgets.hints_panel import render_hints

    ttp = {"id": "ttp", "name": "TTP"}
    hints = {
        "actors": [
            {**ttp, "text": "Tehreek-e-Taliban Pakistan", "start": 0, "end": 26},
            {**ttp, "text": "TTP", "start": 28, "end": 31},
            {**ttp, "text": "TTP", "start": 40, "end": 43},
        ]
    }
    text = render_hints(hints, codebook).plain
    assert text.count("• ") == 1
    assert "• TTP (Tehreek-e-Taliban Pakistan)" in text


async def test_a_label_is_on_disk_before_any_frame_shows_it(
    store: Store, codebook: Codebook
) -> None:
    """Every label is durable the moment its key is pressed: no frame ever shows a
    label (or "saved") that another connection cannot already read from the file."""
    first = unit_ids(store)[0]
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.annotate_screen
        frames: list[tuple[list[str], bool, str]] = []
        composite = screen._compositor_refresh
        other = Store.open(store.path, readonly=True)  # what a crash would leave

        def hooked() -> None:
            composite()
            in_file = "perspective" in other.current_labels(first, "alice")
            saved = screen.query_one(StatusBar).saved_text.plain
            frames.append((chosen(app, "perspective"), in_file, saved))

        screen._compositor_refresh = hooked  # type: ignore[method-assign]
        try:
            await pilot.press("1")
            await pilot.pause(0.1)
        finally:
            other.close()
        shown = [f for f in frames if f[0] == ["pakistani_institute"]]
        assert shown, "no frame showed the label"
        assert all(in_file and saved.startswith("saved ") for _, in_file, saved in shown)


async def test_a_write_the_store_refuses_is_not_shown_as_a_label(
    store: Store, codebook: Codebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the store refuses a label (any error but a lock), the error is shown and
    the screen keeps showing what the store holds."""
    first = unit_ids(store)[0]
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        assert chosen(app, "perspective") == ["pakistani_institute"]

        def refuse(*args: object, **kw: object) -> None:
            raise FramingError("t.db: disk I/O error")

        monkeypatch.setattr(store, "add_label", refuse)
        await pilot.press("1")  # frame: refused when written
        await pilot.pause(0.1)
        assert chosen(app, "frame") == []
        assert store.current_labels(first, "alice") == {"perspective": "pakistani_institute"}
        assert any("disk I/O error" in n.message for n in app._notifications)
