"""The annotation screen: one unit, one panel per dimension, keys that label it.

Layout (framing.tcss): a one-line header (document title, unit, skipped mark),
the unit view (the current sentence, marked, between its neighbours; it scrolls),
the dimension panels (the focused one lists every label, the others are one line
with their chosen label), the hints panel on the right when the terminal is wide
(``h`` toggles it), the status line and the footer. Screen-size classes
(``-narrow``, ``-short``) let the stylesheet fold what a small terminal cannot show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Static

from framing.display import visible
from framing.models import Codebook, FramingError, Label
from framing.store import Store
from framing.tui.disagreements_screen import DisagreementsScreen
from framing.tui.documents_screen import DocumentsScreen
from framing.tui.help_screen import HelpScreen, KeyRow
from framing.tui.my_labels_screen import MyLabelsScreen
from framing.tui.search_screen import SearchScreen
from framing.tui.session import Session
from framing.tui.widgets.dimension_stack import DimensionStack
from framing.tui.widgets.hints_panel import HintsPanel
from framing.tui.widgets.others_panel import OthersPanel
from framing.tui.widgets.status_bar import StatusBar
from framing.tui.widgets.unit_view import UnitView

if TYPE_CHECKING:
    from framing.disagreements import DisagreementRow

END_KEYS = "← last unit · → first unit · backspace undoes the last label or skip · q quits"
#: Units shown on each side of the current one, per press of ``c`` (None: the document).
CONTEXT_STEPS: tuple[int | None, ...] = (1, 3, 10, None)
#: Below this width the hints panel starts folded; below this height, panels shrink.
NARROW = 110
SHORT = 28


#: Not offered in a study: the disagreements list shows other annotators' labels
#: (adjudication's business), and the document list and search jump to units that are
#: not in the annotator's queue.
STUDY_HIDDEN = frozenset({"disagreements", "documents", "search"})
#: Not offered in a blind study either: wider context and the list of one's labels
#: show titles, document ids and neighbouring sentences that name the source.
BLIND_HIDDEN = frozenset({"context", "my_labels"})


class AnnotateScreen(Screen[None]):
    """Label the queued units of a store, one key press per dimension."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="help"),
        Binding("enter", "confirm", "Confirm", id="confirm"),
        Binding("enter", "accept", "Keep the label, next dimension", show=False, id="accept"),
        Binding("s", "skip", "Skip", id="skip"),
        Binding("backspace", "undo", "Undo", id="undo"),
        Binding("left", "prev", "Prev", show=False, id="prev"),
        Binding("right", "next", "Next", show=False, id="next"),
        Binding("up", "dimension(-1)", "Previous dimension", show=False, id="dimension_prev"),
        Binding("down", "dimension(1)", "Next dimension", show=False, id="dimension_next"),
        Binding("c", "context", "Context", id="context"),
        Binding("g", "documents", "Docs", id="documents"),
        Binding("slash", "search", "Search", id="search"),
        Binding("u", "unfinished", "Unfinished", id="unfinished"),
        Binding("r", "my_labels", "My labels", id="my_labels"),
        Binding("h", "hints", "Hints", id="hints"),
        Binding("D", "disagreements", "Disagreements", show=False, id="disagreements"),
        Binding("f", "flag", "Flag", id="flag"),
        Binding("n", "note", "Note", id="note"),
    ]

    #: Index into :data:`CONTEXT_STEPS`: how much of the document surrounds the unit.
    context_step: reactive[int] = reactive(0, init=False)
    #: Whether the hints panel is shown (starts folded on narrow terminals).
    hints_open: reactive[bool] = reactive(True, init=False)

    def __init__(
        self,
        store: Store,
        codebook: Codebook,
        annotator: str,
        *,
        mode: str = "open",
        hints: str = "on",
    ) -> None:
        super().__init__(id="annotate")
        #: ``open`` (no study: anyone labels anything, D shows the disagreements),
        #: ``study`` (only this annotator's units; nobody else's labels) or ``blind``
        #: (a study that also hides the title, document id, file name and source).
        self.mode = mode
        self.session = Session(store, codebook, annotator, mode=mode, hints=hints)
        self.codebook = codebook
        self._stack: DimensionStack | None = None
        self._others: OthersPanel | None = None
        self._shown: str | None = "<nothing yet>"
        self._hints_pinned = False  # the annotator chose with h: resizing no longer folds

    def compose(self) -> ComposeResult:
        dims = self.codebook.dimensions
        with Horizontal(id="body"):
            with Vertical(id="main-col"):
                yield Static(id="unit-header", markup=False)
                yield UnitView(id="unit-view")
                if self.mode == "open":  # in a study nobody sees anybody else's labels
                    yield OthersPanel(self.codebook.dimensions, id="others")
                yield Static(id="end-message", markup=False)
                titles = {}
                if self.mode == "blind":
                    for i, dim in enumerate(dims):
                        if dim.id == "perspective":
                            titles[dim.id] = f"{i + 1}/{len(dims)} Perspective (your guess)"
                yield DimensionStack(dims, titles=titles, id="dimensions")
            yield HintsPanel(self.codebook, id="hints")
        yield StatusBar(self.session.annotator, id="status")
        yield Footer()

    def on_mount(self) -> None:
        self._stack = self.query_one(DimensionStack)
        found = self.query(OthersPanel)
        self._others = found.first() if found else None
        self._fit(self.app.size.width, self.app.size.height)
        self.watch_hints_open(self.hints_open)
        self._guard(self.session.start)
        if not self.session.counted:
            self.count_queue(self.session.count_version)
        self.set_interval(0.5, self._retry_pending)

    @work(thread=True, exclusive=True, group="count")
    def count_queue(self, version: int) -> None:
        """Count a long queue (done, all, skipped) with a read-only store of this
        thread's own, so the first unit is on screen without waiting for it."""
        s = self.session
        store = Store.open(s.store.path, readonly=True)
        try:
            counts = store.queue_counts(s.annotator, s.dim_ids)
        finally:
            store.close()
        self.app.call_from_thread(self._counted, counts, version)

    def _counted(self, counts: tuple[int, int, int], version: int) -> None:
        """Take the worker's counts, unless a label or skip changed them since it
        started: then count again (with everything decided written first)."""
        s = self.session
        if s.counted:
            return
        if version != s.count_version:
            self.count_queue(s.count_version)
            return
        s.set_counts(counts)
        self.refresh_view()

    def _retry_pending(self) -> None:
        """Labels that met a locked database are retried until saved (issue 7)."""
        if self.session.pending:
            self._guard(self.session.flush_pending)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        self.set_class(width < NARROW, "-narrow")
        self.query_one(StatusBar).set_narrow(width < NARROW)
        short = height < SHORT
        if short != self.has_class("-short"):
            self.set_class(short, "-short")
        if self._stack is not None:
            self._stack.set_short(short)
        if not self._hints_pinned:
            self.hints_open = width >= NARROW

    def watch_hints_open(self, open_: bool) -> None:
        self.set_class(open_, "-hints-open")
        # the no-hints condition never opens the panel
        self.query_one(HintsPanel).set_open(open_ and self.session.hints != "off")

    def watch_context_step(self, _step: int) -> None:
        self._shown = "<context changed>"
        self.refresh_view()
        size = CONTEXT_STEPS[self.context_step]
        what = "the whole document" if size is None else f"{size} unit(s) on each side"
        self.notify(f"Context: {what} (c widens, then starts again)", timeout=2)

    # ---------------------------------------------------------------- rendering
    def refresh_view(self) -> None:
        """Bring the widgets in line with the session, touching only what changed."""
        s = self.session
        unit = s.unit
        unit_id = unit.unit_id if unit else None
        status = self.query_one(StatusBar)
        stack = self.query_one(DimensionStack)
        if unit_id != self._shown:
            self._shown = unit_id
            view = self.query_one(UnitView)
            view.display = unit is not None
            self.query_one("#dimensions").display = unit is not None
            end = self.query_one("#end-message", Static)
            end.display = unit is None
            if unit is None:
                end.update(f"{s.end_message}\n\n{END_KEYS}")
                self.query_one(HintsPanel).show(None)
                status.show_tone(None)
            else:
                size = CONTEXT_STEPS[self.context_step]
                before, after = s.context(size)
                if not self.reveal_titles:
                    before = [u for u in before if u.kind != "title"]
                    after = [u for u in after if u.kind != "title"]
                shown = s.display(unit)  # no highlights in the no-hints condition
                view.show(s.title(unit), shown, before, after, whole=size is None)
                self.query_one(HintsPanel).show(shown.hints)
                status.show_tone(unit.sentiment if s.hints != "off" else None)
                stack.mark_source("perspective", s.source_label(unit))
        self._show_header()
        if self._others is not None:
            self._others.show(s.others)
        stack.show(s.labels, s.dim_ids[s.focus] if unit is not None else None)
        status.show_progress(s.done, s.total, s.skipped_count, known=s.counted)
        if not s.per_document:  # a shuffled study queue (blind included) crosses documents
            status.show_document(0, 0)
        else:
            status.show_document(s.doc_done, s.doc_total)
        status.show_saved(s.saved_at, len(s.pending))
        # The footer is rebuilt only when what check_action answers can change.
        gates = (
            unit is not None,
            unit is not None and s.dimension.kind == "multi",
            bool(s.undo_stack),
        )
        if gates != self._gates:
            self._gates = gates
            self.refresh_bindings()

    @property
    def reveal_titles(self) -> bool:
        """Whether document titles may be shown (header, document list, context):
        not in a blind study, where the context also leaves out the title units."""
        return self.mode != "blind"

    _header: tuple[str | None, bool] = ("", False)
    _gates: tuple[bool, bool, bool] | None = None

    def _show_header(self) -> None:
        s = self.session
        unit = s.unit
        key = (unit.unit_id if unit else None, s.skipped)
        if key == self._header:
            return
        self._header = key
        header = self.query_one("#unit-header", Static)
        if unit is None:
            header.update("", layout=False)
            return
        kind = "" if unit.kind == "body" else f" [{unit.kind}]"
        header.update(
            Content.assemble(
                (" SKIPPED ", "bold reverse $warning") if s.skipped else "",
                " " if s.skipped else "",
                # blind: no position either (it hints at the document's length)
                ("unit" if self.mode == "blind" else f"unit {unit.position + 1}{kind}", "bold"),
                (" · ", "dim") if self.reveal_titles else "",
                (visible(s.title(unit)), "italic") if self.reveal_titles else "",
            ),
            layout=False,
        )

    def _guard(self, action: Callable[[], object], failed: str = "") -> None:
        """Run a session action, show a store error as a notice, then re-render.

        A label the action decides is committed inside the action, before the
        re-render: the screen never shows a label that is not on disk."""
        self.session.tick()
        try:
            ok = action()
        except FramingError as err:
            self.notify(str(err), severity="error", timeout=8)
        else:
            if ok is False and failed:
                self.notify(failed, timeout=2)
        self.refresh_view()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the actions that apply: Confirm on a multi-label dimension, no unit
        actions past the end of the queue, Undo only with something to undo; in a
        study none of :data:`STUDY_HIDDEN`, in a blind study none of
        :data:`BLIND_HIDDEN` either."""
        s = self.session
        if self.hidden_in_mode(action):
            return False
        if action == "confirm":
            return s.unit is not None and s.dimension.kind == "multi"
        if action == "accept":
            return s.unit is not None and s.dimension.kind != "multi"
        if action in ("skip", "context", "dimension"):
            return s.unit is not None
        if action == "undo":
            return bool(s.undo_stack)
        return True

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

    def on_dimension_stack_label_picked(self, message: DimensionStack.LabelPicked) -> None:
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

    def action_accept(self) -> None:
        """Enter on a single or ordinal dimension: keep its label and move on."""
        self.action_confirm()

    def action_dimension(self, step: int) -> None:
        self._guard(lambda: self.session.move_focus(step))

    def action_context(self) -> None:
        """Widen the context one step; after the whole document, back to one unit."""
        self.context_step = (self.context_step + 1) % len(CONTEXT_STEPS)

    def action_hints(self) -> None:
        self._hints_pinned = True
        self.hints_open = not self.hints_open

    def action_unfinished(self) -> None:
        self._guard(self.session.go_unfinished, "Every queued unit is labelled in every dimension.")

    def hidden_in_mode(self, action: str) -> bool:
        """An action this study mode or hint condition does not offer at all (not in
        the footer, the help's key list or the palette)."""
        action = action.split("(", 1)[0]
        if self.mode != "open" and action in STUDY_HIDDEN:
            return True
        if self.mode == "blind" and action in BLIND_HIDDEN:
            return True
        return action == "hints" and self.session.hints == "off"

    def key_rows(self) -> list[KeyRow]:
        """Every binding of this screen and the app: key as shown, description, id."""
        rows: list[KeyRow] = []
        for binding in [*self.BINDINGS, *self.app.BINDINGS]:
            assert isinstance(binding, Binding)
            if self.hidden_in_mode(binding.action):
                continue
            overrides: dict[str, str] = getattr(self.app, "key_overrides", {})
            keys = overrides.get(binding.id or "", binding.key)
            shown = ", ".join(self.app.get_key_display(Binding(k, "")) for k in keys.split(","))
            rows.append((shown, binding.tooltip or binding.description, binding.id or ""))
        return rows

    def action_help(self) -> None:
        dim = self.session.dimension
        # blind: the perspective definitions name the documents each source wrote
        brief = self.mode == "blind" and dim.id == "perspective"
        self.app.push_screen(HelpScreen(dim, self.key_rows(), brief=brief))

    def _jump_to_unit(self, unit_id: str | None) -> None:
        if unit_id is not None:
            self._guard(lambda: self.session.jump(unit_id), f"Unit {unit_id} is gone.")

    def _jump_to_document(self, doc_id: str | None) -> None:
        if doc_id is not None:
            self._guard(
                lambda: self.session.jump_to_document(doc_id), f"{doc_id} has no queued unit."
            )

    def action_documents(self) -> None:
        s = self.session
        current = s.unit.doc_id if s.unit else None
        screen = DocumentsScreen(
            s.store.path, s.annotator, s.dim_ids, current, titles=self.reveal_titles
        )
        self.app.push_screen(screen, self._jump_to_document)

    def action_search(self) -> None:
        self.app.push_screen(
            SearchScreen(self.session.store.path, self.session.annotator), self._jump_to_unit
        )

    def action_my_labels(self) -> None:
        s = self.session
        self.app.push_screen(
            MyLabelsScreen(s.store.path, s.annotator, s.codebook), self._jump_to_unit
        )

    def action_disagreements(self) -> None:
        """The ranked disagreement list; the unit picked there opens here for review."""
        s = self.session
        self.app.push_screen(DisagreementsScreen(s.store.path, s.codebook), self._review)

    def _review(self, row: DisagreementRow | None) -> None:
        if row is not None:
            unit_id = row.unit_id
            gone = f"Unit {unit_id} is no longer in the database."
            self._guard(lambda: self.session.review(unit_id), gone)

    # ------------------------------------------------- flags and notes (issue 9)
    def action_flag(self) -> None:
        """f: pick a reason by key (1-4); the same reason again removes the flag."""
        from framing.tui.flag_screen import FlagScreen

        s = self.session
        if s.unit is None:
            return

        def done(reason: str | None) -> None:
            if reason is not None:
                self._guard(lambda: self._flagged(reason, s.toggle_flag(reason)))

        self.app.push_screen(FlagScreen(s.my_flags()), done)

    def _flagged(self, reason: str, on: bool) -> None:
        what = "Flagged" if on else "Removed the flag"
        self.notify(f"{what}: {reason.replace('_', ' ')} (backspace undoes)", timeout=3)

    def action_note(self) -> None:
        """n: a one-line note on this unit (blank removes it)."""
        from framing.tui.line_input_screen import LineInputScreen

        s = self.session
        if s.unit is None:
            return

        def done(text: str | None) -> None:
            if text is not None:
                self._guard(lambda: s.set_note(text))

        prompt = "Note on this unit (one line; empty removes your note):"
        self.app.push_screen(LineInputScreen(prompt, s.my_note() or ""), done)
