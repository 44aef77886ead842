"""Key press to next unit latency, and start-up time, of the annotation UI on a
1,000,000-unit store.

Builds a temporary database (1,000 documents x 1,000 units by default, ingested
through ``Store.ingest``; ``--docs`` changes the count) and opens the real app
headless (``run_test``: real widgets, real layout and compositing). For
``--units`` units it times the key press that completes a unit (the last
dimension's ``1``) until the next unit is on screen,
and in the same process the same span for a baseline key nothing binds (``f12``)::

    keypress_to_next_unit_ms median=... p95=... units=100000
    baseline_noop_keypress_ms median=... ratio=...

The span starts when the key event is posted to the app (what the terminal driver
does) and ends when the app has handled the key *and* composited the first frame
showing the next unit (a hook on the screen's compositor refresh records each
frame with the sentence it showed; the text is checked every time). A key that
changes nothing ends when it is handled. Textual paces frames at ``TEXTUAL_FPS``
(60 by default), so up to one frame (~17 ms) of waiting is part of the figure.

``pilot.press`` sleeps in ``wait_for_idle`` (at least 2 x 20 ms per key), which
would swamp the figure, so the two keys are also timed through Pilot for
reference only (``pilot_press_*`` lines; ``--pilot-units``, 0 to skip).

Start-up is timed from ``Store.open`` of the database until the app is ready with
the first unit on screen (Textual's ``on_ready``: the first screen composed, laid
out and painted), in the same process, against the same span for an app with one
``Static`` (the baseline: Textual's own start-up)::

    startup_to_first_unit_ms median=... runs=5 units=1000000 mode=open
    baseline_bare_app_startup_ms median=... ratio=...

Both are warm (Textual, sqlite and the store modules already imported, the
database file in the page cache): the cold import of Textual adds about 0.3 s on
this machine and is the same for any Textual app.

Start-up is timed in three modes, each a line (``mode=open``, ``mode=study``,
``mode=blind``): after the open-mode runs the same database gets a study
(``framing.study.plan``) in which ``bench`` is assigned every unit in document
order, where every queue query is the join with ``assignments``; ``blind`` is the
study with the blind screen (no titles, sources or wide context). Each span
includes the checks ``framing annotate`` makes before the UI starts. A queue this
long is counted (done, all, skipped) in a worker after the first unit is shown:
the status line says "counting" for a moment; that count is not in the figure.

With ``--study``, the study is made first and the key presses are timed in study
mode too (no open-mode start-up then); compare its figures (and ratios) with a run
without ``--study``.

Run: ``.venv/bin/python benchmarks/tui_latency.py [--units 200] [--docs 1000] [--study]
[--db-dir DIR]``.
Targets: key press to next unit median <= 10 ms; start-up <= 600 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Static

from framing.cli.annotate import session_mode
from framing.codebook import load_codebook
from framing.models import Document, UnitDraft
from framing.store import Store
from framing.tui import FramingApp, create_app
from framing.tui.app import FramingApp as _FramingApp
from framing.tui.widgets.unit_view import UnitView

N_DOCS = 1_000
UNITS_PER_DOC = 1_000
NOOP_KEY = "f12"
SETTLE = 0.035  # two frames without a repaint: the app is quiet again


def sentence(doc: int, pos: int) -> str:
    return f"Document {doc} sentence {pos}: the ministry said the talks would probably resume."


def synthetic(n_docs: int) -> Iterator[tuple[Document, list[UnitDraft]]]:
    for d in range(n_docs):
        drafts, offset = [], 0
        for p in range(UNITS_PER_DOC):
            text = sentence(d, p)
            drafts.append(UnitDraft(position=p, start=offset, end=offset + len(text), text=text))
            offset += len(text) + 1
        doc = Document(f"doc{d:03d}", f"doc{d:03d}.txt", f"Synthetic document {d}", sha256=str(d))
        yield doc, drafts


def expected_after(i: int) -> str:
    """The text of the queued unit after the i-th one."""
    doc, pos = divmod(i + 1, UNITS_PER_DOC)
    return sentence(doc, pos)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Frames:
    """Records (time, sentence shown) for every frame the annotation screen composites."""

    def __init__(self, app: FramingApp) -> None:
        self.app = app
        self.log: list[tuple[float, str]] = []
        screen = app.annotate_screen
        refresh = screen._compositor_refresh
        view = screen.query_one(UnitView)

        def hooked() -> None:
            refresh()
            self.log.append((time.perf_counter(), view.current_text))

        screen._compositor_refresh = hooked  # type: ignore[method-assign]

    async def press(self, key: str, char: str | None, shows: str | None = None) -> float:
        """Seconds from posting ``key`` until handled and, if ``shows``, on screen."""
        self.log.clear()
        handled = asyncio.Event()
        t0 = time.perf_counter()
        self.app.post_message(events.Key(key, char))
        self.app.call_later(handled.set)  # after the app and the screen handled the key
        await handled.wait()
        t_handled = time.perf_counter()
        while True:  # let the app settle so nothing spills into the next key
            seen = len(self.log)
            await asyncio.sleep(SETTLE)
            if len(self.log) == seen:
                break
        if shows is None:
            return t_handled - t0
        frames = [t for t, text in self.log if text == shows]
        if not frames:
            raise SystemExit(f"no frame showed {shows!r} (frames: {self.log!r})")
        return max(t_handled, frames[0]) - t0


class _Timed(_FramingApp):
    """The real app, noting when it is ready and which sentence it shows then."""

    CSS_PATH = str(Path(sys.modules[_FramingApp.__module__].__file__ or "").parent / "framing.tcss")
    ready_at = 0.0
    shown = ""

    def on_ready(self) -> None:
        super().on_ready()
        self.ready_at = time.perf_counter()
        self.shown = self.annotate_screen.query_one(UnitView).current_text


class _Bare(App[None]):
    ready_at = 0.0

    def compose(self) -> ComposeResult:
        yield Static("hello")

    def on_ready(self) -> None:
        self.ready_at = time.perf_counter()


async def startup(db: Path, runs: int, mode: str | None = None) -> tuple[list[float], list[float]]:
    """Seconds from opening the store to the first unit on screen, and for a bare app.

    The span includes what ``framing annotate`` checks before the UI starts
    (:func:`framing.cli.annotate.session_mode`: units queued, the name in the study,
    units assigned, the study mode and hint condition); ``mode`` overrides the
    study's mode (to time ``blind`` on a study that is not)."""
    codebook = load_codebook()
    ours: list[float] = []
    bare: list[float] = []
    for _ in range(runs):
        t0 = time.perf_counter()
        store = Store.open(db)
        found, hints = session_mode(store, "bench", "bench")
        app = _Timed(store, codebook, "bench", mode=mode or found, hints=hints)
        async with app.run_test(size=(120, 40)):
            pass
        if not app.shown.startswith("Document "):
            raise SystemExit(f"start-up showed {app.shown!r}")
        ours.append(app.ready_at - t0)
        store.close()
        t0 = time.perf_counter()
        plain = _Bare()
        async with plain.run_test(size=(120, 40)):
            pass
        bare.append(plain.ready_at - t0)
    return ours, bare


async def measure(app: FramingApp, n_units: int, n_pilot: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"next": [], "noop": [], "pilot_next": [], "pilot_noop": []}
    n_dims = len(app.codebook.dimensions)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        frames = Frames(app)
        for i in range(n_units):
            out["noop"].append(await frames.press(NOOP_KEY, None))
            for _ in range(n_dims - 1):
                await frames.press("1", "1")
            out["next"].append(await frames.press("1", "1", shows=expected_after(i)))
        for i in range(n_units, n_units + n_pilot):
            t0 = time.perf_counter()
            await pilot.press(NOOP_KEY)
            out["pilot_noop"].append(time.perf_counter() - t0)
            await pilot.press(*["1"] * (n_dims - 1))
            t0 = time.perf_counter()
            await pilot.press("1")
            out["pilot_next"].append(time.perf_counter() - t0)
            shown = app.annotate_screen.query_one(UnitView).current_text
            if shown != expected_after(i):
                raise SystemExit(f"unit {i}: expected {expected_after(i)!r}, saw {shown!r}")
    return out


def plan_study(store: Store) -> None:
    """A study in which ``bench`` is assigned every unit, in document order."""
    from framing.study import StudySettings, codebook_signature, plan

    t0 = time.perf_counter()
    plan(store, StudySettings(("bench",), overlap=1), codebook_signature(load_codebook()))
    print(f"# study assigned in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


def ms(values: list[float]) -> tuple[float, float]:
    return statistics.median(values) * 1000, percentile(values, 0.95) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--units", type=int, default=200, help="units to label and time")
    parser.add_argument("--pilot-units", type=int, default=50, help="units timed via Pilot")
    parser.add_argument("--docs", type=int, default=N_DOCS, help="documents of 1,000 units")
    parser.add_argument("--startup-runs", type=int, default=5, help="start-ups to time")
    parser.add_argument("--db-dir", default=None, help="folder for the temporary database")
    parser.add_argument("--study", action="store_true", help="run as a study annotator")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.db_dir) as tmp:
        db = Path(tmp) / "bench.db"
        store = Store.open(db)
        t0 = time.perf_counter()
        store.ingest(synthetic(args.docs))
        total = store.count_units(queued_only=True)
        print(f"# ingested {total} units in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        mode = "open"
        if args.study:
            plan_study(store)
            mode = "study"
        app = create_app(store, load_codebook(), "bench", mode=mode)
        res = asyncio.run(measure(app, args.units, args.pilot_units))
        done, _ = store.progress("bench", app.codebook.dimension_ids)
        assert done == args.units + args.pilot_units, done
        starts: dict[str, tuple[list[float], list[float]]] = {}
        if not args.study:  # open mode first, then the same database as a study
            store.close()
            starts["open"] = asyncio.run(startup(db, args.startup_runs))
            store = Store.open(db)
            plan_study(store)
        store.close()
        starts["study"] = asyncio.run(startup(db, args.startup_runs))
        starts["blind"] = asyncio.run(startup(db, args.startup_runs, mode="blind"))
    for how, (ours, bare) in starts.items():
        s_med = statistics.median(ours) * 1000
        b_med = statistics.median(bare) * 1000
        print(
            f"startup_to_first_unit_ms median={s_med:.1f} runs={len(ours)} units={total} mode={how}"
        )
        print(f"baseline_bare_app_startup_ms median={b_med:.1f} ratio={s_med / b_med:.2f}")
    med, p95 = ms(res["next"])
    base, _ = ms(res["noop"])
    print(f"keypress_to_next_unit_ms median={med:.2f} p95={p95:.2f} units={total} mode={mode}")
    print(f"baseline_noop_keypress_ms median={base:.2f} ratio={med / base:.2f}")
    if res["pilot_next"]:
        p_med, p_p95 = ms(res["pilot_next"])
        p_base, _ = ms(res["pilot_noop"])
        n = len(res["pilot_next"])
        print(f"pilot_press_to_next_unit_ms median={p_med:.2f} p95={p_p95:.2f} units={n}")
        print(f"pilot_press_noop_ms median={p_base:.2f} ratio={p_med / p_base:.2f}")


if __name__ == "__main__":
    main()
