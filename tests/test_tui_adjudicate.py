"""The adjudication screen (Pilot): rank order, decisions with provenance, undo,
hidden names, split from the screen, and kill -9 in the middle of a session."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from textual.widgets import Input, Static

from framing.codebook import load_codebook
from framing.disagreements import rank_disagreements
from framing.models import Document, UnitDraft
from framing.store import Store
from framing.tui.adjudicate_app import AdjudicateApp

SIZE = (140, 48)
TEXTS = [f"{w} is sentence {i} of the corpus. It goes on." for i, w in enumerate("ABCDEF")]
AGREED = {"perspective": "fnf_paper", "frame": "Economic", "certainty": "certain"}
LABELS: dict[int, dict[str, dict[str, str]]] = {
    0: {"alice": {}, "bob": {}, "carol": {}},  # everybody agrees: unanimous gold
    1: {"alice": {}, "bob": {"frame": "Political"}, "carol": {}},
    2: {"bob": {}, "carol": {"frame": "Morality"}},
    3: {
        "alice": {},
        "bob": {"frame": "Political", "certainty": "possible"},
        "carol": {"frame": "Morality", "certainty": "probable"},
    },
}


def make_store(path: Path) -> Store:
    st = Store.open(path)
    drafts, pos = [], 0
    for i, t in enumerate(TEXTS):
        drafts.append(UnitDraft(i, pos, pos + len(t), t))
        pos += len(t) + 1
    st.ingest([(Document("a", "a.txt", "Doc A", sha256="1"), drafts)])
    ids = [u.unit_id for u in st.iter_units()]
    for index, by in LABELS.items():
        for who, changes in by.items():
            for dim, value in {**AGREED, **changes}.items():
                st.add_label(ids[index], who, dim, value)
    return st


def _app(store: Store, **kw: object) -> AdjudicateApp:
    return AdjudicateApp(store, load_codebook(None), "judge", **kw)  # type: ignore[arg-type]


async def test_walks_disagreements_in_rank_order_and_fills_unanimous(tmp_path: Path) -> None:
    store = make_store(tmp_path / "t.db")
    cb = load_codebook(None)
    ranked = [r.unit_id for r in rank_disagreements(store, cb)]
    app = _app(store)
    async with app.run_test(size=SIZE) as pilot:
        s = app.session
        seen = [s.unit.unit_id]  # type: ignore[union-attr]
        for _ in range(len(ranked) + 1):
            await pilot.press("right")
            seen.append(s.unit.unit_id)  # type: ignore[union-attr]
        assert list(dict.fromkeys(seen)) == ranked
    ids = [u.unit_id for u in store.iter_units()]
    g = store.gold_current(ids[0])
    assert {d: (r.value, r.method) for (_, d), r in g.items()} == {
        d: (v, "unanimous") for d, v in AGREED.items()
    }
    # unit 1's perspective and certainty are unanimous; frame is not
    g1 = store.gold_current(ids[1])
    assert (ids[1], "frame") not in g1 and g1[(ids[1], "certainty")].method == "unanimous"


async def test_a_key_decides_with_provenance_and_backspace_undoes(tmp_path: Path) -> None:
    store = make_store(tmp_path / "t.db")
    ids = [u.unit_id for u in store.iter_units()]
    app = _app(store)
    async with app.run_test(size=SIZE) as pilot:
        s = app.session
        assert s.unit is not None and s.unit.unit_id == ids[3]  # most disagreed first
        assert s.dimension.id == "frame"  # perspective is unanimous: focus skips it
        shown = str(app.screen.query_one("#adj-labels", Static).render())
        assert "alice" in shown and "Political" in shown and "Morality" in shown
        await pilot.press("8")  # Security_and_defense, the frame key 8
        row = store.gold_current(ids[3])[(ids[3], "frame")]
        assert (row.value, row.method, row.decided_by) == ("Security_and_defense", "adjudicated",
                                                           "judge")  # fmt: skip
        frame_ids = {h["id"] for h in store.label_history(ids[3]) if h["dimension"] == "frame"}
        assert set(row.from_labels) == frame_ids and len(row.from_labels) == 3
        assert s.dimension.id == "certainty"  # moved on to the next open dimension

        def summary(dim: str) -> str:
            return str(app.screen.query_one(f"#dim-{dim} .dim-summary", Static).render())

        # collapsed lines give the gold state, not the annotate screen's "not labelled"
        assert "adjudicated by judge" in summary("frame")
        assert "unanimous, 1.00" in summary("perspective")
        assert "open: no gold yet" in summary("certainty")
        assert not any("not labelled" in summary(d) for d in AGREED)
        await pilot.press("r")  # certainty is still open: no prompt, a notice
        await pilot.pause()
        assert not app.screen.query(Input)
        assert store.gold_current(ids[3])[(ids[3], "frame")].value == "Security_and_defense"
        await pilot.press("up")  # back to frame: the reason goes with its decision
        await pilot.press("r")
        await pilot.pause()
        app.screen.query_one(Input).value = "security framing of the attack"
        await pilot.press("enter")
        await pilot.pause()
        row = store.gold_current(ids[3])[(ids[3], "frame")]
        assert row.reason == "security framing of the attack"
        await pilot.press("backspace")  # undo the reason
        await pilot.press("backspace")  # undo the decision
        assert (ids[3], "frame") not in {
            k for k, g in store.gold_current(ids[3]).items() if g.value is not None
        }
    # the adjudicator's choice is not an annotator label
    assert "judge" not in store.annotators()


async def test_deciding_every_dimension_moves_to_the_next_unit(tmp_path: Path) -> None:
    store = make_store(tmp_path / "t.db")
    ids = [u.unit_id for u in store.iter_units()]
    app = _app(store)
    async with app.run_test(size=SIZE) as pilot:
        s = app.session
        await pilot.press("p", "2")  # frame Political, certainty probable
        assert s.unit is not None and s.unit.unit_id == ids[2]
    assert store.gold_current(ids[3])[(ids[3], "certainty")].value == "probable"


async def test_names_can_be_hidden(tmp_path: Path) -> None:
    store = make_store(tmp_path / "t.db")
    app = _app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        shown = str(app.screen.query_one("#adj-labels", Static).render())
        assert "alice" not in shown and "annotator 1" in shown
        await pilot.press("h")
        assert "alice" in str(app.screen.query_one("#adj-labels", Static).render())


async def test_flagged_unit_split_from_the_screen(tmp_path: Path) -> None:
    store = make_store(tmp_path / "t.db")
    ids = [u.unit_id for u in store.iter_units()]
    store.flag(ids[4], "alice", "segmentation")
    store.set_note(ids[4], "alice", "two sentences")
    n_labels = store.db.execute("SELECT COUNT(*) FROM labels").fetchone()[0]
    app = _app(store, flagged_only=True)
    async with app.run_test(size=SIZE) as pilot:
        s = app.session
        assert [q.unit_id for q in s.queue] == [ids[4]]
        review = str(app.screen.query_one("#adj-review", Static).render())
        assert "segmentation" in review and "two sentences" in review
        await pilot.press("S")
        await pilot.pause()
        want = str(TEXTS[4].index(". ") + 2)  # proposed: after the first ". "
        assert app.screen.query_one(Input).value == want
        await pilot.press(*want)  # the proposal is selected: typing replaces it
        assert app.screen.query_one(Input).value == want
        await pilot.press("enter")
        await pilot.pause()
    new = [u.unit_id for u in store.iter_units()]
    assert set(ids) < set(new) and len(new) == len(ids) + 2
    assert store.db.execute("SELECT COUNT(*) FROM labels").fetchone()[0] == n_labels
    assert store.superseded_unit_ids() == {ids[4]}


async def test_notes_with_terminal_escapes_are_shown_as_symbols(tmp_path: Path) -> None:
    """A note is free text: an escape sequence in it must not reach the terminal."""
    store = make_store(tmp_path / "t.db")
    ids = [u.unit_id for u in store.iter_units()]
    store.flag(ids[4], "alice", "other")
    store.set_note(ids[4], "alice", "see \x1b]52;c;aGk=\x07 here")
    app = _app(store, flagged_only=True)
    async with app.run_test(size=SIZE):
        review = str(app.screen.query_one("#adj-review", Static).render())
        assert "\x1b" not in review and "\x07" not in review
        assert "␛]52;c;aGk=" in review


SCRIPT = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from framing.codebook import load_codebook
    from framing.store import Store
    from framing.tui.adjudicate_app import AdjudicateApp

    async def main():
        app = AdjudicateApp(Store.open(sys.argv[1]), load_codebook(None), "judge")
        async with app.run_test(size=(140, 48)) as pilot:
            await pilot.press("8")
            await pilot.press("3")
            print("pressed", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    asyncio.run(main())
    """
)


def test_kill_9_after_a_key_press_loses_no_decision(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    ids = [u.unit_id for u in make_store(db).iter_units()]
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run([sys.executable, str(script), str(db)], capture_output=True,
                          text=True, env=env, timeout=120)  # fmt: skip
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "pressed" in proc.stdout
    store = Store.open(db, readonly=True)
    gold = store.gold_current(ids[3])
    assert gold[(ids[3], "frame")].value == "Security_and_defense"
    assert gold[(ids[3], "certainty")].value == "possible"


def test_queue_filters_by_dimension_disagreement_and_flags(tmp_path: Path) -> None:
    from framing.goldset import adjudication_queue

    store = make_store(tmp_path / "t.db")
    cb = load_codebook(None)
    ids = [u.unit_id for u in store.iter_units()]
    store.flag(ids[5], "alice", "guideline_gap")
    whole = adjudication_queue(store, cb)
    ranked = [r.unit_id for r in rank_disagreements(store, cb)]
    assert [q.unit_id for q in whole] == [*ranked, ids[5]]
    assert whole[-1].flagged and whole[-1].rank is None
    # certainty: only unit 3 disagrees there
    assert [q.unit_id for q in adjudication_queue(store, cb, dimension="certainty")] == [
        ids[3], ids[5]]  # fmt: skip
    high = adjudication_queue(store, cb, min_disagreement=0.5)
    assert [q.unit_id for q in high] == [ids[3], ids[5]]
    assert [q.unit_id for q in adjudication_queue(store, cb, flagged_only=True)] == [ids[5]]
    # once every dimension of unit 3 is settled it leaves the queue
    for dim in ("frame", "certainty"):
        store.adjudicate(ids[3], dim, "Other" if dim == "frame" else "possible", "judge")
    from framing.goldset import fill_gold

    fill_gold(store, cb, "perspective", "unanimous")
    assert ids[3] not in [q.unit_id for q in adjudication_queue(store, cb)]
