"""The adjudication screen: one unit needing a decision, everybody's labels, the keys
that set its gold labels.

State lives in :class:`~framing.tui.adjudication.AdjudicationSession`; this screen
renders it and turns keys into session calls. A decision is committed by the
session before the screen repaints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from framing.breakdowns import value_text
from framing.models import FramingError
from framing.store.review import GoldRow
from framing.tui.adjudication import AdjudicationSession
from framing.tui.help_screen import HelpScreen
from framing.tui.line_input_screen import LineInputScreen
from framing.tui.safe import safe
from framing.tui.widgets.dimension_panel import DimensionPanel
from framing.tui.widgets.hints_panel import HintsPanel
from framing.tui.widgets.unit_view import UnitView


class AdjudicateScreen(Screen[None]):
    """Walk the adjudication queue and decide each unit's gold labels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("backspace", "undo", "Undo", id="adj_undo"),
        Binding("left", "prev", "Prev", id="adj_prev"),
        Binding("right", "next", "Next", id="adj_next"),
        Binding("up", "dimension(-1)", "Dimension", show=False, id="adj_dimension_prev"),
        Binding("down", "dimension(1)", "Dimension", show=False, id="adj_dimension_next"),
        Binding("r", "reason", "Reason", id="adj_reason"),
        Binding("h", "hide_names", "Hide names", id="adj_hide_names"),
        Binding("m", "merge", "Merge next", id="adj_merge"),
        Binding("S", "split", "Split", id="adj_split"),
        Binding("question_mark", "help", "Help", id="adj_help"),
    ]

    def __init__(self, session: AdjudicationSession) -> None:
        super().__init__(id="adjudicate")
        self.session = session
        self._panels: list[DimensionPanel] = []

    def compose(self) -> ComposeResult:
        s = self.session
        yield Static(id="adj-title", markup=False)
        with Horizontal(id="body"):
            with Vertical(id="main-col"):
                yield UnitView(id="unit-view")
                labels = Static(id="adj-labels", markup=False)
                labels.border_title = "Independent labels"
                yield labels
                review = Static(id="adj-review", markup=False)
                review.border_title = "Flags and notes"
                yield review
                yield Static(id="adj-empty", markup=False)
                with Horizontal(id="dimensions"):
                    for i, dim in enumerate(s.dims):
                        yield DimensionPanel(dim, i, len(s.dims), empty="– open: no gold yet")
            yield HintsPanel(s.codebook, id="hints")
        yield Footer()

    def on_mount(self) -> None:
        self._panels = list(self.query(DimensionPanel))
        self._guard(self._start)

    def _start(self) -> None:
        s = self.session
        s.start()
        s.go_first_open()
        if s.unanimous_filled:
            self.notify(f"{s.unanimous_filled} unanimous decisions written to gold.", timeout=4)

    # ---------------------------------------------------------------- rendering
    def refresh_view(self) -> None:
        s = self.session
        unit = s.unit
        for wid in ("#unit-view", "#adj-labels", "#adj-review", "#dimensions"):
            self.query_one(wid).display = unit is not None
        empty = self.query_one("#adj-empty", Static)
        empty.display = unit is None
        if unit is None:
            empty.update(s.message or "Nothing to adjudicate.")
            self.query_one("#adj-title", Static).update("Adjudication: the queue is empty")
            self.query_one(HintsPanel).show(None)
            return
        self.query_one(UnitView).show(s.title(unit), unit, s.before, s.after)
        self.query_one(HintsPanel).show(unit.hints)
        self.query_one("#adj-title", Static).update(safe(self._title()))
        self.query_one("#adj-labels", Static).update(safe(self._labels()))
        review = self.query_one("#adj-review", Static)
        review.update(safe(self._review()))
        review.display = bool(s.flags or s.notes)
        for i, panel in enumerate(self._panels):
            g = s.gold.get(panel.dimension.id)
            detail = _how(g) if g is not None and g.value is not None else ""
            panel.show(g.value if g is not None else None, i == s.focus, detail)
        if s.message:
            self.notify(s.message, timeout=3)
            s.message = ""

    def _title(self) -> Content:
        s = self.session
        item = s.item
        assert item is not None
        bits: list[tuple[str, str] | str] = [
            ("Adjudicate", "bold"),
            f"  unit {s.index + 1} of {len(s.queue)}",
        ]
        if item.rank is not None:
            bits.append(f"  · rank {item.rank} · disagreement {item.disagreement:.3f}")
        if item.flagged:
            bits.append(("  · flagged", "bold #e5c07b"))
        n_done = sum(s.decided(d.id) for d in s.dims)
        bits.append((f"  · {n_done}/{len(s.dims)} dimensions decided", "dim"))
        bits.append((f"  · {s.adjudicator}", "dim"))
        return Content.assemble(*bits)

    def _labels(self) -> Content:
        s = self.session
        parts: list[Content | str | tuple[str, str]] = []
        names = {a: s.shown_name(a) for a in s.labels.values}
        w = max([len(n) for n in names.values()] + [4])
        for dim in s.dims:
            g = s.gold.get(dim.id)
            values = [v.get(dim.id) for v in s.labels.values.values()]
            differ = len({value_text(v) for v in values if v is not None}) > 1
            if parts:
                parts.append("\n")
            parts.append((f"{dim.id}", "bold" if differ else ""))
            if g is not None and g.value is not None:
                reason = f" — {g.reason}" if g.reason else ""
                parts.append((f"  gold: {value_text(g.value)} ({_how(g)}){reason}", "green"))
            else:
                parts.append(("  gold: open", "dim"))
            for annotator, labels in s.labels.values.items():
                v = labels.get(dim.id)
                parts += ["\n  ", (names[annotator].ljust(w), "dim"), "  "]
                parts.append((value_text(v) if v is not None else "–", "bold" if differ else ""))
        return Content.assemble(*parts) if parts else Content("(no labels)")

    def _review(self) -> Content:
        s = self.session
        lines: list[Content | str | tuple[str, str]] = []
        for f in s.flags:
            lines += [("flag ", "bold #e5c07b"), f"{f.reason} ({s.shown_name(f.annotator)})\n"]
        for n in s.notes:
            lines += [("note ", "bold"), f"{s.shown_name(n.annotator)}: {n.text}\n"]
        return Content.assemble(*lines).rstrip()

    def _guard(self, action: Callable[[], object], failed: str = "") -> None:
        try:
            ok = action()
        except FramingError as err:
            self.notify(str(err), severity="error", timeout=8)
        else:
            if ok is False and failed:
                self.notify(failed, timeout=2)
        self.refresh_view()

    # ------------------------------------------------------------------- keys
    def on_key(self, event: events.Key) -> None:
        """A label key of the focused dimension decides it (same keys as annotate)."""
        s = self.session
        if s.unit is None or not event.character:
            return
        label = s.dimension.by_key(event.character)
        if label is not None:
            event.stop()
            event.prevent_default()
            self._guard(lambda: s.pick(label))

    def on_dimension_panel_label_picked(self, message: DimensionPanel.LabelPicked) -> None:
        s = self.session
        ids = [d.id for d in s.dims]
        s.focus = ids.index(message.dimension_id)
        label = s.dimension.label(message.label_id)
        if label is not None and s.unit is not None:
            self._guard(lambda: s.pick(label))

    def action_undo(self) -> None:
        self._guard(self.session.undo)

    def action_prev(self) -> None:
        self._guard(self.session.prev)

    def action_next(self) -> None:
        self._guard(self.session.next)

    def action_dimension(self, step: int) -> None:
        self._guard(lambda: self.session.move_focus(step))

    def action_hide_names(self) -> None:
        self.session.hide_names = not self.session.hide_names
        self.refresh_view()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.session.dimension))

    def action_reason(self) -> None:
        s = self.session
        if s.unit is None:
            return
        g = s.gold.get(s.dimension.id)
        if g is None or g.value is None or g.method != "adjudicated":
            self.notify("Decide this dimension first; the reason goes with the decision.")
            return
        prompt = f"Reason for the decision in {s.dimension.id}:"
        self.app.push_screen(
            LineInputScreen(prompt, (g.reason or "") if g else ""),
            lambda text: self._guard(lambda: s.set_reason(text)) if text is not None else None,
        )

    def action_merge(self) -> None:
        s = self.session
        if s.unit is None:
            return
        after = s.after.text[:80] if s.after else "(none)"
        self.app.push_screen(
            LineInputScreen(f"Merge this unit with the next one?\nNext: {after}\nType y to merge."),
            lambda text: self._guard(s.merge) if text and text.strip().lower() == "y" else None,
        )

    def action_split(self) -> None:
        s = self.session
        if s.unit is None:
            return
        text = s.unit.text
        ends = [i + 2 for i in range(len(text) - 2) if text[i] in ".?!" and text[i + 1] == " "]
        guess = ends[0] if ends else len(text) // 2
        prompt = (
            f"Split at character offset (1–{len(text) - 1}). The second part starts at it.\n"
            f"{text[:guess]}|{text[guess:]}"
        )
        self.app.push_screen(LineInputScreen(prompt, str(guess)), self._split)

    def _split(self, text: str | None) -> None:
        if text is None:
            return
        try:
            offset = int(text.strip())
        except ValueError:
            self.notify(f"Not a character offset: {text!r}", severity="error")
            return
        self._guard(lambda: self.session.split(offset))


def _how(g: GoldRow) -> str:
    """How a gold value was reached: ``majority, 0.67`` or ``adjudicated by judge``."""
    how = g.method + (f" by {g.decided_by}" if g.method == "adjudicated" else "")
    return how + (f", {g.confidence:.2f}" if g.confidence is not None else "")
