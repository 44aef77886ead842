"""Moving around a corpus in the UI: documents, search, unfinished, my labels, context,
hints, skips, the footer, help, the palette, key remapping and the name screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.pilot import Pilot

from framing.codebook import load_codebook
from framing.models import Codebook, Dimension, FramingError, Label
from framing.store import Store
from framing.tui import FramingApp, create_app
from framing.tui.annotate_screen import AnnotateScreen
from framing.tui.app import all_binding_ids
from framing.tui.help_screen import HelpScreen
from framing.tui.keymap import load_keymap
from framing.tui.pick_screen import PickScreen
from framing.tui.widgets.hints_panel import HintsPanel
from framing.tui.widgets.status_bar import StatusBar
from framing.tui.widgets.unit_view import UnitView
from tests.test_tui import HINTED, TEXTS, _drafts, focused, shown, unit_ids

SIZE = (120, 40)

# The store fixture of test_tui, repeated (fixtures do not import).
from framing.models import Document  # noqa: E402


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


async def until_loaded(pilot: Pilot[None], app: FramingApp) -> PickScreen:
    screen = app.screen
    assert isinstance(screen, PickScreen)
    for _ in range(200):
        if screen.loading_done:
            break
        await pilot.pause(0.02)
    assert screen.loading_done
    await pilot.pause()
    return screen


async def test_document_004_in_five_presses(seeded_db: Path) -> None:
    store = Store.open(seeded_db)
    target = store.first_unit_of("004_33c3872484650952")
    assert target is not None
    app = create_app(store, load_codebook(), "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        first = shown(app)
        await pilot.press("g")
        screen = await until_loaded(pilot, app)
        assert len(screen.keys) == 5  # every seed document, with its progress
        await pilot.press("0", "0", "4")
        assert screen.keys[0].startswith("004")
        await pilot.press("enter")  # 5 presses: g 0 0 4 enter
        assert isinstance(app.screen, AnnotateScreen)
        assert shown(app) == target.text != first


async def test_document_list_progress(store: Store, codebook: Codebook) -> None:
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"111")  # unit 1 of document a done
        await pilot.press("g")
        screen = await until_loaded(pilot, app)
        assert screen.keys == ["a", "b"]
        assert screen.rows[0][1][1] == "1/3" and screen.rows[1][1][1] == "0/3"
        await pilot.press("down", "enter")
        assert shown(app) == TEXTS[3]
        status = app.annotate_screen.query_one(StatusBar).text
        assert "doc 0/3" in status and "all 1/6" in status


async def test_search_and_jump(store: Store, codebook: Codebook) -> None:
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"foxtrot", "enter")
        screen = await until_loaded(pilot, app)
        assert len(screen.keys) == 1
        await pilot.press("enter")
        assert shown(app) == TEXTS[5]
        await pilot.press("slash", *"nowhere", "enter")
        screen = await until_loaded(pilot, app)
        assert screen.keys == [] and "No queued unit contains" in screen.EMPTY
        await pilot.press("escape")
        assert shown(app) == TEXTS[5]


async def test_next_unfinished(store: Store, codebook: Codebook) -> None:
    ids = unit_ids(store)
    store.add_label(ids[2], "alice", "perspective", "unclear")  # partly done
    for dim, value in (("perspective", "unclear"), ("frame", "Other"), ("certainty", "certain")):
        store.add_label(ids[1], "alice", dim, value)
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        assert shown(app) == TEXTS[0]
        await pilot.press("u")
        assert shown(app) == TEXTS[2]  # unit 1 is finished: skipped over
        await pilot.press("u", "u", "u", "u")
        assert shown(app) == TEXTS[0]  # wraps round


async def test_my_labels_review_and_edit(store: Store, codebook: Codebook) -> None:
    ids = unit_ids(store)
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"111", "2", "2")
        await pilot.press("r")
        screen = await until_loaded(pilot, app)
        assert screen.keys == [ids[1], ids[0]]  # newest first
        assert "Pakistani institute · Economic · Certain" in screen.rows[1][1][3]
        await pilot.press("down", "enter")
        assert shown(app) == TEXTS[0] and focused(app) == "perspective"
        await pilot.press("3")  # edit: a new current label
        assert store.current_labels(ids[0], "alice")["perspective"] == "fnf_paper"


async def test_context_widens_to_the_whole_document(tmp_path: Path, codebook: Codebook) -> None:
    texts = [f"Sentence number {i} of a long document." for i in range(30)]
    store = Store.open(tmp_path / "c.db")
    store.ingest([(Document("d", "d.txt", "Long", sha256="9"), _drafts(texts))])
    ids = unit_ids(store)
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await until_loaded(pilot, app)
        await pilot.press("escape")
        for _ in range(15):
            await pilot.press("right")
        view = app.annotate_screen.query_one(UnitView)
        assert shown(app) == texts[15]
        assert texts[14] in view.text and texts[13] not in view.text
        await pilot.press("c")
        assert texts[12] in view.text and texts[11] not in view.text
        await pilot.press("c", "c")  # 10 each side, then the whole document
        await pilot.pause()
        assert all(t in view.text for t in texts)
        current = view.query_one("#current")
        assert current.region.height > 0  # scrolled into view
        assert view.scroll_y > 0
        await pilot.press("c")  # back to one unit on each side
        assert texts[13] not in view.text
        assert store.current_labels(ids[15], "alice") == {}


async def test_hints_fold_on_narrow_terminals_and_toggle(store: Store, codebook: Codebook) -> None:
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g", "down", "enter")
        await pilot.pause()
        await pilot.press("right")
        assert shown(app) == HINTED
        hints = app.annotate_screen.query_one(HintsPanel)
        assert not hints.display  # folded at 80 columns
        await pilot.press("h")
        assert hints.display
        await pilot.press("h")
        assert not hints.display
    wide = create_app(store, codebook, "bob")
    async with wide.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"probably", "enter")
        await until_loaded(pilot, wide)
        await pilot.press("enter")
        assert wide.annotate_screen.query_one(HintsPanel).display


async def test_skipped_units_are_marked_counted_and_cleared(
    store: Store, codebook: Codebook
) -> None:
    ids = unit_ids(store)
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        status = app.annotate_screen.query_one(StatusBar)
        header = app.annotate_screen.query_one("#unit-header")
        await pilot.press("s")
        assert "1 skipped" in status.text and "saved " in status.text
        await pilot.press("left")
        assert shown(app) == TEXTS[0] and "SKIPPED" in str(header.render())
        await pilot.press("1")  # labelling a skipped unit clears its skip
        assert not store.is_skipped(ids[0], "alice")
        assert "skipped" not in status.text and "SKIPPED" not in str(header.render())


def _multi() -> Codebook:
    labels = tuple(Label(i, i.title(), str(k), f"{i}.") for k, i in enumerate(("x", "y"), 1))
    return Codebook(
        (
            Dimension("actors", "actors?", "multi", labels),
            Dimension("stance", "stance?", "ordinal", labels),
        )
    )


def footer_actions(app: FramingApp) -> set[str]:
    return {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}


async def test_footer_offers_confirm_only_on_a_multi_dimension(store: Store) -> None:
    app = create_app(store, _multi(), "alice")
    async with app.run_test(size=SIZE) as pilot:
        assert "confirm" in footer_actions(app)
        await pilot.press("1", "enter")
        assert "confirm" not in footer_actions(app) and "accept" in footer_actions(app)
    plain = create_app(store, load_codebook(), "bob")
    async with plain.run_test(size=SIZE):
        assert "confirm" not in footer_actions(plain)
        assert "undo" not in footer_actions(plain)  # nothing to undo yet


async def test_help_lists_every_binding_beside_the_codebook(
    store: Store, codebook: Codebook
) -> None:
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = app.screen.keys_text
        for binding in AnnotateScreen.BINDINGS:
            assert binding.id in keys and binding.description in keys  # type: ignore[union-attr]
        assert "Pakistani institute" in keys and codebook.dimensions[0].question in app.screen.text


async def test_palette_lists_framing_actions_and_a_high_contrast_theme(
    store: Store, codebook: Codebook
) -> None:
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Context", "Docs", "Search", "Unfinished", "My labels", "Theme"} <= set(titles)
        assert "framing-high-contrast" in app.available_themes
        app.theme = "framing-high-contrast"
        await pilot.pause()
        cmd = next(c for c in app.get_system_commands(app.screen) if c.title == "Context")
        await cmd.callback()  # type: ignore[misc]
        assert app.annotate_screen.context_step == 1


async def test_keymap_file_remaps_by_binding_id(
    tmp_path: Path, store: Store, codebook: Codebook
) -> None:
    path = tmp_path / "keys.toml"
    path.write_text('[keys]\ncontext = "x"\n', encoding="utf-8")
    keymap = load_keymap(codebook, all_binding_ids(), path)
    app = create_app(store, codebook, "alice", keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        assert app.annotate_screen.context_step == 1
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert re.search(r"^x +Context +context$", app.screen.keys_text, re.M)
    path.write_text('[keys]\nnope = "x"\n', encoding="utf-8")
    with pytest.raises(FramingError, match="unknown binding id 'nope'"):
        load_keymap(codebook, all_binding_ids(), path)
    path.write_text('[keys]\ncontext = "e"\n', encoding="utf-8")
    with pytest.raises(FramingError, match="label key"):
        load_keymap(codebook, all_binding_ids(), path)


async def test_browser_session_asks_for_the_name(store: Store, codebook: Codebook) -> None:
    store.add_label(unit_ids(store)[0], "ann1", "frame", "Other")
    app = create_app(store, codebook, None)
    async with app.run_test(size=SIZE) as pilot:
        assert "ann1" in str(app.screen.query_one("#name-known").render())
        await pilot.press(*"Ann1 ", "enter")
        question = str(app.screen.query_one("#name-question").render())
        assert "new annotator 'Ann1 '? known: ann1" in question
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        await pilot.press(*" ann1 ", "enter")  # known (once stripped): starts at once
        assert isinstance(app.screen, AnnotateScreen)
        assert app.annotate_screen.session.annotator == "ann1"


def test_queue_counts_agree_with_progress_and_skips(store: Store, codebook: Codebook) -> None:
    ids = unit_ids(store)
    for unit_id in ids[:3]:
        for dim, value in (
            ("perspective", "unclear"),
            ("frame", "Other"),
            ("certainty", "certain"),
        ):
            store.add_label(unit_id, "alice", dim, value)
    store.add_label(ids[3], "alice", "frame", "Other")  # partly done
    store.skip(ids[4], "alice")
    store.skip(ids[5], "alice")
    store.unskip(ids[5], "alice")
    dims = codebook.dimension_ids
    done, total = store.progress("alice", dims)
    assert store.queue_counts("alice", dims) == (done, total, store.count_skipped("alice"))
    assert store.queue_counts("alice", dims) == (3, 6, 1)


async def test_a_long_queue_is_counted_in_a_worker_and_kept_exact(
    store: Store, codebook: Codebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A queue longer than INLINE_COUNT is counted off the UI thread; labels and a
    skip made while it counts are not lost or counted twice (the count is redone)."""
    import threading

    from framing.tui import session as session_module

    ids = unit_ids(store)
    store.skip(ids[5], "alice")
    for dim in codebook.dimensions:
        store.add_label(ids[4], "alice", dim.id, dim.labels[0].id)
    monkeypatch.setattr(session_module, "INLINE_COUNT", 0)
    go = threading.Event()
    counted = Store.queue_counts
    calls: list[str] = []

    def held(self: Store, *args: object) -> tuple[int, int, int]:
        calls.append(threading.current_thread().name)
        result = counted(self, *args)  # type: ignore[arg-type]
        if len(calls) == 1:
            go.wait(10)  # the first count is returned after the keys below: stale
        return result

    monkeypatch.setattr(Store, "queue_counts", held)
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.annotate_screen
        status = screen.query_one(StatusBar)
        assert not screen.session.counted and "counting" in status.text
        await pilot.press(*"111", "s")  # one unit finished, one skipped, while counting
        go.set()
        for _ in range(200):
            if screen.session.counted:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        assert screen.session.counted and status.progress == (2, 6)
        assert "all 2/6 · 2 skipped" in status.text
        assert len(calls) == 2  # the held count was stale: counted again
        assert store.queue_counts("alice", codebook.dimension_ids) == (2, 6, 2)
