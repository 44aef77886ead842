"""The annotation screen: one unit, one panel per dimension, keys that label it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from framing.models import Codebook, FramingError, Label
from framing.store import Store
from framing.tui.disagreements_screen import DisagreementsScreen
from framing.tui.help_screen import HelpScreen
from framing.tui.session import Session
from framing.tui.widgets.dimension_panel import DimensionPanel
from framing.tui.widgets.hints_panel import HintsPanel
from framing.tui.widgets.others_panel import OthersPanel
from framing.tui.widgets.status_bar import StatusBar
from framing.tui.widgets.unit_view import UnitView

if TYPE_CHECKING:
    from framing.breakdowns import DisagreementRow

END_KEYS = "← last unit · → first unit · backspace undoes the last label or skip · q quits"


class AnnotateScreen(Screen[None]):
    """Label the queued units of a store, one key press per dimension."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("backspace", "undo", "Undo", id="undo"),
        Binding("left", "prev", "Prev", id="prev"),
        Binding("right", "next", "Next", id="next"),
        Binding("up", "dimension(-1)", "Dimension", show=False, id="dimension_prev"),
        Binding("down", "dimension(1)", "Dimension", show=False, id="dimension_next"),
        Binding("enter", "confirm", "Confirm", id="confirm"),
        Binding("s", "skip", "Skip", id="skip"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("D", "disagreements", "Disagreements", id="disagreements"),
    ]

    def __init__(self, store: Store, codebook: Codebook, annotator: str) -> None:
        super().__init__(id="annotate")
        self.session = Session(store, codebook, annotator)
        self.codebook = codebook
        self._panels: list[DimensionPanel] = []
        self._others: OthersPanel | None = None
        self._shown: str | None = "<nothing yet>"

    def compose(self) -> ComposeResult:
        dims = self.codebook.dimensions
        with Horizontal(id="body"):
            with Vertical(id="main-col"):
                yield UnitView(id="unit-view")
                yield OthersPanel(self.codebook.dimensions, id="others")
                yield Static(id="end-message", markup=False)
                with Horizontal(id="dimensions"):
                    for i, dim in enumerate(dims):
                        yield DimensionPanel(dim, i, len(dims))
            yield HintsPanel(self.codebook, id="hints")
        yield StatusBar(self.session.annotator, id="status")
        yield Footer()

    def on_mount(self) -> None:
        self._panels = list(self.query(DimensionPanel))
        self._others = self.query_one(OthersPanel)
        self._guard(self.session.start)

    # ---------------------------------------------------------------- rendering
    def refresh_view(self) -> None:
        """Bring the widgets in line with the session, touching only what changed."""
        s = self.session
        unit = s.unit
        unit_id = unit.unit_id if unit else None
        if unit_id != self._shown:
            self._shown = unit_id
            status = self.query_one(StatusBar)
            self.query_one(UnitView).display = unit is not None
            self.query_one("#dimensions").display = unit is not None
            end = self.query_one("#end-message", Static)
            end.display = unit is None
            if unit is None:
                end.update(f"{s.end_message}\n\n{END_KEYS}")
                self.query_one(HintsPanel).show(None)
                status.show_tone(None)
            else:
                self.query_one(UnitView).show(s.title(unit), unit, s.before, s.after)
                self.query_one(HintsPanel).show(unit.hints)
                status.show_tone(unit.sentiment)
        if self._others is not None:
            self._others.show(s.others)
        for i, panel in enumerate(self._panels):
            panel.show(s.labels.get(panel.dimension.id), unit is not None and i == s.focus)
        self.query_one(StatusBar).show_progress(s.done, s.total)

    def _guard(self, action: Callable[[], object], failed: str = "") -> None:
        """Run a session action, show a store error as a notice, then re-render."""
        try:
            ok = action()
        except FramingError as err:
            self.notify(str(err), severity="error", timeout=8)
        else:
            if ok is False and failed:
                self.notify(failed, timeout=2)
        self.refresh_view()

    # --------------------------------------------------------------- labelling
    def _choose(self, index: int, label: Label) -> None:
        s = self.session
        s.focus = index
        if s.dimension.kind == "multi":
            self._guard(lambda: s.toggle(label))
        else:
            self._guard(lambda: s.pick(label))

    def on_key(self, event: events.Key) -> None:
        """A label key of the focused dimension picks (or toggles) that label."""
        s = self.session
        if s.unit is None or not event.character:
            return
        label = s.dimension.by_key(event.character)
        if label is not None:
            event.stop()
            event.prevent_default()
            self._choose(s.focus, label)

    def on_dimension_panel_label_picked(self, message: DimensionPanel.LabelPicked) -> None:
        s = self.session
        index = s.dim_ids.index(message.dimension_id)
        label = s.dims[index].label(message.label_id)
        if s.unit is not None and label is not None:
            self._choose(index, label)

    # ----------------------------------------------------------------- actions
    def action_undo(self) -> None:
        self._guard(self.session.undo, "Nothing to undo in this session.")

    def action_prev(self) -> None:
        self._guard(self.session.go_prev, "This is the first queued unit.")

    def action_next(self) -> None:
        self._guard(self.session.go_next)

    def action_skip(self) -> None:
        self._guard(self.session.skip)

    def action_confirm(self) -> None:
        self._guard(self.session.confirm, "Pick a label first (its key is in the panel).")

    def action_dimension(self, step: int) -> None:
        self._guard(lambda: self.session.move_focus(step))

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.session.dimension))

    def action_disagreements(self) -> None:
        """The ranked disagreement list; the unit picked there opens here for review."""
        s = self.session
        self.app.push_screen(DisagreementsScreen(s.store, s.codebook), self._review)

    def _review(self, row: DisagreementRow | None) -> None:
        if row is not None:
            unit_id = row.unit_id
            gone = f"Unit {unit_id} is no longer in the database."
            self._guard(lambda: self.session.review(unit_id), gone)
