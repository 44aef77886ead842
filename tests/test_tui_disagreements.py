"""The disagreement list in the UI (shift+d): ranking, jumping to a unit, the others' labels."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from framing.codebook import load_codebook
from framing.disagreements import rank_disagreements
from framing.models import Codebook, Document, UnitDraft
from framing.store import Store
from framing.tui import FramingApp, create_app
from framing.tui.annotate_screen import AnnotateScreen
from framing.tui.disagreements_screen import EMPTY, DisagreementsScreen
from framing.tui.widgets.others_panel import OthersPanel
from framing.tui.widgets.unit_view import UnitView

SIZE = (130, 42)
TEXTS = [f"{w} is sentence {i} of the corpus." for i, w in enumerate("ABCDEF")]
AGREED = {"perspective": "fnf_paper", "frame": "Economic", "certainty": "certain"}
#: unit index -> annotator -> labels (AGREED where not given).
LABELS: dict[int, dict[str, dict[str, str]]] = {
    0: {"alice": {}, "bob": {}, "carol": {}},  # everybody agrees: not listed
    1: {"alice": {}, "bob": {"frame": "Political"}, "carol": {}},  # 2/3 in frame -> 2/9
    2: {"bob": {}, "carol": {"frame": "Morality"}},  # 1 in frame -> 1/3 (alice: none)
    3: {  # frame and certainty all differ -> 2/3
        "alice": {},
        "bob": {"frame": "Political", "certainty": "possible"},
        "carol": {"frame": "Morality", "certainty": "probable"},
    },
}
#: The expected ranking (most disagreed first), as unit indexes.
RANKED = [3, 2, 1]


def _drafts(texts: list[str]) -> list[UnitDraft]:
    out, pos = [], 0
    for i, t in enumerate(texts):
        out.append(UnitDraft(i, pos, pos + len(t), t, sentiment=0.0))
        pos += len(t) + 1
    return out


def _store(tmp_path: Path, *, labelled: bool = True) -> Store:
    st = Store.open(tmp_path / "t.db")
    st.ingest(
        [
            (Document("a", "a.txt", "First document", sha256="1"), _drafts(TEXTS[:3])),
            (Document("b", "b.txt", "Second", sha256="2"), _drafts(TEXTS[3:])),
        ]
    )
    ids = unit_ids(st)
    for index, by_annotator in LABELS.items() if labelled else ():
        for who, changes in by_annotator.items():
            for dim, value in {**AGREED, **changes}.items():
                st.add_label(ids[index], who, dim, value)
    return st


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return _store(tmp_path)


@pytest.fixture
def codebook() -> Codebook:
    return load_codebook()


def unit_ids(store: Store) -> list[str]:
    return [u.unit_id for u in store.iter_units(queued_only=True)]


def shown(app: FramingApp) -> str:
    return app.annotate_screen.query_one(UnitView).current_text


def others(app: FramingApp) -> str:
    return app.annotate_screen.query_one(OthersPanel).text


async def listing(pilot: Pilot[None], app: FramingApp) -> DisagreementsScreen:
    """The list screen, once its worker has ranked the shown scope."""
    screen = app.screen
    assert isinstance(screen, DisagreementsScreen)
    for _ in range(250):
        if not screen.ranking:
            break
        await pilot.pause(0.02)
    assert not screen.ranking
    await pilot.pause()
    return screen


async def test_list_is_ranked_like_the_cli(store: Store, codebook: Codebook) -> None:
    ids = unit_ids(store)
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        assert shown(app) == TEXTS[2]  # alice's first unfinished unit
        await pilot.press("D")
        screen = await listing(pilot, app)
        expected = [r.unit_id for r in rank_disagreements(store, codebook)]
        assert screen.unit_ids == expected == [ids[i] for i in RANKED]
        table = screen.query_one(DataTable)
        first = [str(c) for c in table.get_row_at(0)]
        assert first[:6] == ["1", "0.667", "frame, certainty", "b", "1", "3"]
        assert first[6] == TEXTS[3]
        labels = "alice=Economic/certain bob=Political/possible carol=Morality/probable"
        assert first[7] == labels
        detail = str(screen.query_one("#dis-detail", Static).content)
        assert TEXTS[3] in detail and "carol" in detail
        await pilot.press("down")
        detail = str(screen.query_one("#dis-detail", Static).content)
        assert TEXTS[2] in detail and "alice" not in detail
        await pilot.press("1")  # label keys do nothing under the list
        assert store.current_labels(ids[2], "alice") == {}


async def test_enter_opens_the_unit_with_the_others_labels(
    store: Store, codebook: Codebook
) -> None:
    ids = unit_ids(store)
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        assert others(app) == ""  # ordinary annotation: nobody else's labels
        await pilot.press("D")
        await listing(pilot, app)
        await pilot.press("down", "down", "enter")
        assert isinstance(app.screen, AnnotateScreen)
        assert shown(app) == TEXTS[1]
        text = others(app)
        assert "bob" in text and "carol" in text and "alice" not in text
        assert "frame=Political" in text and "frame=Economic" in text
        assert "certainty=certain" in text
        # The unit is shown in context and with alice's own labels.
        view = app.annotate_screen.query_one(UnitView)
        assert TEXTS[0] in view.text and TEXTS[2] in view.text
        assert app.annotate_screen.session.labels == AGREED
        await pilot.press("right")  # moving on ends the review
        assert shown(app) == TEXTS[2] and others(app) == ""
        await pilot.press("D")
        await listing(pilot, app)
        await pilot.press("enter")  # the top row
        assert shown(app) == TEXTS[3] and "carol" in others(app)
        await pilot.press("left")
        assert others(app) == ""
    assert store.current_labels(ids[1], "alice") == AGREED  # nothing was written


async def test_review_of_the_current_unit_and_labelling_there(
    store: Store, codebook: Codebook
) -> None:
    ids = unit_ids(store)
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("D")
        await listing(pilot, app)
        await pilot.press("down", "enter")  # the unit already shown (alice: unlabelled)
        assert shown(app) == TEXTS[2]
        assert "bob" in others(app) and "carol" in others(app)
        await pilot.press("3")  # the reviewer may label it too
        assert store.current_labels(ids[2], "alice") == {"perspective": "fnf_paper"}
        assert "alice" not in others(app)


async def test_escape_leaves_the_current_unit(store: Store, codebook: Codebook) -> None:
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right")
        assert shown(app) == TEXTS[3]
        await pilot.press("D")
        await listing(pilot, app)
        await pilot.press("down", "down")
        assert isinstance(app.screen, DisagreementsScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, AnnotateScreen)
        assert shown(app) == TEXTS[3] and others(app) == ""


async def test_dimension_filter(store: Store, codebook: Codebook) -> None:
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("D")
        screen = await listing(pilot, app)
        assert screen.scope is None
        await pilot.press("f")  # perspective: everybody agrees
        await listing(pilot, app)
        assert screen.scope == "perspective" and screen.unit_ids == []
        assert "agree on every unit" in screen.message
        await pilot.press("f")
        await listing(pilot, app)
        assert screen.scope == "frame"
        assert screen.unit_ids == [r.unit_id for r in rank_disagreements(store, codebook, "frame")]
        title = str(screen.query_one("#dis-title", Static).content)
        assert "dimension: frame" in title and "3 units" in title
        await pilot.press("tab")  # certainty
        await listing(pilot, app)
        await pilot.press("tab")  # all again (kept from the first time)
        assert not screen.ranking
        assert screen.scope is None and len(screen.unit_ids) == 3


async def test_empty_list_message(tmp_path: Path, codebook: Codebook) -> None:
    store = _store(tmp_path, labelled=False)
    store.add_label(unit_ids(store)[0], "bob", "frame", "Economic")  # one rating: no pair
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("D")
        screen = await listing(pilot, app)
        assert screen.unit_ids == [] and screen.message == EMPTY
        empty = screen.query_one("#dis-empty", Static)
        assert empty.display and EMPTY in str(empty.content)
        assert not screen.query_one(DataTable).display
        await pilot.press("enter")  # nothing to open
        assert isinstance(app.screen, DisagreementsScreen)
        await pilot.press("escape")
        assert shown(app) == TEXTS[0]


def test_d_is_reserved() -> None:
    from framing.codebook import RESERVED_KEYS

    bound = {b.key for b in AnnotateScreen.BINDINGS if not isinstance(b, tuple)}
    assert "D" in bound and "D" in RESERVED_KEYS


def test_session_other_labels_follow_the_history(store: Store, codebook: Codebook) -> None:
    from framing.tui.session import Session

    ids = unit_ids(store)
    store.add_label(ids[1], "bob", "frame", None)  # bob retracts his frame
    store.add_label(ids[1], "carol", "certainty", "possible")  # carol changes her mind
    session = Session(store, codebook, "alice")
    session.start()
    assert session.others is None
    assert session.review(ids[1]) and session.unit is not None
    assert session.others == {
        "bob": {"perspective": "fnf_paper", "certainty": "certain"},
        "carol": {**AGREED, "certainty": "possible"},
    }
    session.go_next()
    assert session.others is None
    assert not session.review("no-such-unit")


async def test_ranking_runs_in_a_worker_with_its_own_store(
    store: Store, codebook: Codebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The UI thread never ranks: the list is computed in a thread, from a read-only
    store opened there, and the screen says "ranking…" until it arrives."""
    import threading

    import framing.disagreements as dis

    seen: list[tuple[bool, bool]] = []
    go = threading.Event()
    rank = dis.rank_disagreements

    def held(st: Store, *args: object, **kw: object) -> list[object]:
        seen.append((threading.current_thread() is threading.main_thread(), st is store))
        go.wait(10)
        return rank(st, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(dis, "rank_disagreements", held)
    app = create_app(store, codebook, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("D")
        screen = app.screen
        assert isinstance(screen, DisagreementsScreen) and screen.ranking
        assert "ranking…" in str(screen.query_one("#dis-title", Static).content)
        await pilot.press("down")  # the UI answers while the worker waits
        go.set()
        screen = await listing(pilot, app)
        assert screen.unit_ids == [unit_ids(store)[i] for i in RANKED]
        assert seen and all(not main and not same for main, same in seen)
