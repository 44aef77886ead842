"""Annotation session state: the current unit, focus, undo stack and progress.

Plain Python over :class:`~framing.store.Store` (no Textual), so the screen only
renders it. Every method does a constant amount of store work: at most one commit
(``add_label``, ``skip`` or ``unskip``) plus the queries needed to show one unit
(``next_unit``, ``prev_unit`` or ``unit``, ``context``, ``current_labels``;
``label_history`` too when a unit is opened for review from the disagreements list).
Progress is counted once at start (and once per document entered, for the
document's own progress) and then adjusted by one whenever a unit becomes complete
or incomplete. Skips are counted the same way; labelling a skipped unit appends an
unskip, so the unit no longer counts as skipped.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from framing.models import Codebook, Dimension, Document, FramingError, Label, LabelValue, Unit
from framing.store import Store, decode_value
from framing.study import reveals_source

#: A gap between two key presses longer than this is idle time, not counted.
IDLE_SECONDS = 60.0
#: Shown instead of a neighbouring sentence that would reveal the source (blind mode).
HIDDEN_CONTEXT = "(context hidden: it would reveal the source)"
#: A queue at most this long (by :meth:`Store.queue_bound`) is counted when the
#: session starts (a few ms); a longer one is counted by the screen in a worker
#: (:meth:`Session.set_counts`), so the first unit does not wait for it.
INLINE_COUNT = 50_000


@dataclass(frozen=True)
class UndoStep:
    """One committed label change: enough to append the previous value again."""

    unit_id: str
    dimension: str
    previous: LabelValue
    focus: int


@dataclass(frozen=True)
class SkipStep:
    """One committed skip: undone by appending an unskip and returning to the unit."""

    unit_id: str
    focus: int


@dataclass(frozen=True)
class ReviewStep:
    """A committed flag, unflag or note (issue 9): undone by appending the opposite."""

    unit_id: str
    kind: str  # "flag", "unflag" or "note"
    reason: str
    previous_note: str | None
    focus: int


class Session:
    """What one annotator is looking at, and the actions the keys trigger."""

    def __init__(
        self,
        store: Store,
        codebook: Codebook,
        annotator: str,
        *,
        mode: str = "open",
        hints: str = "on",
    ) -> None:
        self.store = store
        self.codebook = codebook
        self.annotator = annotator
        #: ``open`` (no study), ``study`` or ``blind`` (no title, id, file or source).
        self.mode = mode
        #: ``on`` or ``off``: this annotator's hint condition, recorded with each label.
        self.hints = hints
        #: When the current unit was shown (UTC ISO) and the active time on it so far.
        self.shown_at: str | None = None
        self.active_ms = 0
        self._last_tick = time.monotonic()
        self.dims: tuple[Dimension, ...] = codebook.dimensions
        self.dim_ids: tuple[str, ...] = codebook.dimension_ids
        self.docs: dict[str, Document] = {d.doc_id: d for d in store.documents()}
        #: Finished, all and skipped units of the queue (one pass, from the labels);
        #: ``counted`` is False until they are known (a long queue: see INLINE_COUNT).
        self.done, self.total, self.skipped_count = 0, 0, 0
        self.counted = False
        #: Bumped whenever this session changes what the counts would be (a label
        #: completing or un-completing a unit, a skip): a count taken in a worker
        #: before the latest change is stale.
        self.count_version = 0
        if store.queue_bound(annotator) <= INLINE_COUNT:
            self.set_counts(store.queue_counts(annotator, self.dim_ids))
        #: Queued units of the current document, and how many of them are finished.
        self.doc_done, self.doc_total = 0, 0
        self._doc_counted: str | None = None
        #: Whether per-document progress is counted and shown: not when the study's
        #: queue is shuffled across documents (blind included), where nearly every
        #: step changes document and the count would cost a query per step.
        self.per_document = True
        if mode != "open":
            from framing.study import load_settings

            settings = load_settings(store)
            self.per_document = settings is None or settings.order == "document"
        #: Whether the unit shown is one this annotator skipped.
        self.skipped = False
        #: ``HH:MM:SS`` of the last commit (label, skip or undo) in this session.
        self.saved_at = ""
        #: Labels not yet saved because the database was locked (see ``_save``).
        self.pending: list[tuple[str, str, LabelValue, dict[str, Any]]] = []
        self.unit: Unit | None = None
        self.before: Unit | None = None
        self.after: Unit | None = None
        self.labels: dict[str, LabelValue] = {}
        self.focus = 0
        self.undo_stack: list[UndoStep | SkipStep | ReviewStep] = []
        #: Shown instead of a unit when the queue is exhausted (``unit is None``).
        self.end_message = ""
        #: The other annotators' current labels, ``{annotator: {dimension: value}}``,
        #: while reviewing a unit opened from the disagreements list; otherwise None,
        #: so that ordinary annotation is not biased by anybody else's labels.
        self.others: dict[str, dict[str, LabelValue]] | None = None

    # ----------------------------------------------------------------- queries
    @property
    def dimension(self) -> Dimension:
        return self.dims[self.focus]

    def complete(self, labels: dict[str, LabelValue] | None = None) -> bool:
        have = self.labels if labels is None else labels
        return all(d in have for d in self.dim_ids)  # as Store.progress counts

    def title(self, unit: Unit) -> str:
        """The header: the document's title and its source from the manifest; in blind
        mode neither (nor its id or file)."""
        if self.mode == "blind":
            return "Blind study: title and source hidden"
        doc = self.docs.get(unit.doc_id)
        if doc is None:
            return unit.doc_id
        title = doc.title or doc.file or doc.doc_id
        return f"{title}  ·  source: {doc.source}" if doc.source else title

    def source_label(self, unit: Unit | None) -> str | None:
        """The perspective label id the manifest gives the unit's document (marked in
        the panel, never preselected); None in blind mode."""
        if unit is None or self.mode == "blind":
            return None
        doc = self.docs.get(unit.doc_id)
        return (doc.perspective or None) if doc is not None else None

    def display(self, unit: Unit) -> Unit:
        """The unit as shown: without hints (highlights) in the no-hints condition."""
        return (
            unit
            if self.hints != "off" or unit.hints is None
            else dataclasses.replace(unit, hints=None)
        )

    def tick(self) -> None:
        """A key press: the time since the previous one counts as active time on the
        current unit, unless it is an idle gap over :data:`IDLE_SECONDS`."""
        now = time.monotonic()
        gap = now - self._last_tick
        self._last_tick = now
        if self.unit is not None and gap <= IDLE_SECONDS:
            self.active_ms += int(gap * 1000)

    def _first_open(self) -> int:
        for i, dim_id in enumerate(self.dim_ids):
            if dim_id not in self.labels:
                return i
        return 0

    # ------------------------------------------------------------------ moving
    def start(self) -> None:
        unit = self.store.first_unfinished(self.annotator, self.dim_ids)
        if unit is None:
            self._end()
        else:
            self.show(unit)

    def show(self, unit: Unit, focus: int | None = None, *, review: bool = False) -> None:
        """Display ``unit``: its neighbours and this annotator's current labels.

        With ``review`` (a unit opened from the disagreements list), also the other
        annotators' current labels; any other move hides them again.
        """
        self.unit = unit
        self.before, self.after = self.store.context(unit)
        if self.mode == "blind":
            doc = self.docs.get(unit.doc_id)
            self.before, self.after = (
                dataclasses.replace(u, text=HIDDEN_CONTEXT, hints=None)
                if u is not None and doc is not None and reveals_source(u, doc)
                else u
                for u in (self.before, self.after)
            )
        self.shown_at = datetime.now(UTC).isoformat(timespec="milliseconds")
        self.active_ms = 0
        self._last_tick = time.monotonic()
        self.labels = self.store.current_labels(unit.unit_id, self.annotator)
        self.skipped = self.store.is_skipped(unit.unit_id, self.annotator)
        if unit.doc_id != self._doc_counted and self.per_document:
            self._count_document(unit.doc_id)
        self.focus = self._first_open() if focus is None else focus
        self.end_message = ""
        self.others = None
        if review and self.mode == "open":
            self.others = self.other_labels(unit.unit_id)
            if self.others:  # from now on this annotator's labels of it are review labels
                self.store.record_exposure(self.annotator, unit.unit_id)

    def set_counts(self, counts: tuple[int, int, int]) -> None:
        """``(done, total, skipped)`` of the queue, as :meth:`Store.queue_counts`
        gives them (counted from the store with nothing left unwritten)."""
        self.done, self.total, self.skipped_count = counts
        self.counted = True

    def _count_document(self, doc_id: str) -> None:
        rows = self.store.document_progress(self.annotator, self.dim_ids, doc_id)
        self.doc_done, self.doc_total = (rows[0].done, rows[0].queued) if rows else (0, 0)
        self._doc_counted = doc_id

    def context(self, size: int | None) -> tuple[list[Unit], list[Unit]]:
        """Up to ``size`` units on each side of the current one (None: its document)."""
        if self.unit is None:
            return [], []
        if size == 1:
            return [u for u in (self.before,) if u], [u for u in (self.after,) if u]
        return self.store.context_window(self.unit, size)

    def jump(self, unit_id: str) -> bool:
        """Show any unit by id (from the document list, search or "my labels")."""
        unit = self.store.unit(unit_id)
        if unit is None:
            return False
        self.show(unit)
        return True

    def jump_to_document(self, doc_id: str) -> bool:
        """Show the first queued unit of a document."""
        unit = self.store.first_unit_of(doc_id, self.annotator)
        if unit is None:
            return False
        self.show(unit)
        return True

    def go_unfinished(self) -> bool:
        """Show the next unit (after this one, wrapping) not labelled in every dimension."""
        unit = self.store.next_unfinished(self.annotator, self.dim_ids, self.unit)
        if unit is None:
            return False
        self.show(unit)
        return True

    def _saved(self) -> None:
        self.saved_at = time.strftime("%H:%M:%S")

    # ------------------------------------------- saving when the database is busy
    def _save(self, unit_id: str, dim_id: str, value: LabelValue, **meta: Any) -> None:
        """Append one label. If another process holds the database locked past the
        busy timeout, the label is queued in :attr:`pending` (shown as "pending" in
        the status bar) and :meth:`flush_pending` retries it: a key press is never
        dropped. While anything is pending, new labels queue behind it, in order.

        The commit (``synchronous = FULL``) happens here, inside the key's handler,
        before the screen shows the label: what the annotator sees is on disk."""
        if not self.pending:
            try:
                self.store.add_label(unit_id, self.annotator, dim_id, value, **meta)
                return
            except FramingError as err:
                if "locked" not in str(err):
                    raise
        self.pending.append((unit_id, dim_id, value, meta))

    def flush_pending(self) -> bool:
        """Retry the queued labels in order; True when none is left."""
        while self.pending:
            unit_id, dim_id, value, meta = self.pending[0]
            try:
                self.store.add_label(unit_id, self.annotator, dim_id, value, **meta)
            except FramingError as err:
                if "locked" in str(err):
                    return False
                raise
            self.pending.pop(0)
            self._saved()
        return True

    def review(self, unit_id: str) -> bool:
        """Show a unit picked in the disagreements list, with the others' labels."""
        unit = self.store.unit(unit_id)
        if unit is None:
            return False
        self.show(unit, review=True)
        return True

    def other_labels(self, unit_id: str) -> dict[str, dict[str, LabelValue]]:
        """Every other annotator's current labels of one unit (one query: its history)."""
        out: dict[str, dict[str, LabelValue]] = {}
        for rec in self.store.label_history(unit_id):  # oldest first: the last one counts
            if rec["annotator"] == self.annotator:
                continue
            labels = out.setdefault(rec["annotator"], {})
            value = decode_value(rec["value"])
            if value is None:
                labels.pop(rec["dimension"], None)
            else:
                labels[rec["dimension"]] = value
        return {who: labels for who, labels in sorted(out.items()) if labels}

    def _end(self) -> None:
        if not self.counted:  # the message needs them; the end is reached rarely
            self.set_counts(self.store.queue_counts(self.annotator, self.dim_ids))
        self.unit = self.before = self.after = None
        self.labels = {}
        self.skipped = False
        self.others = None
        self.focus = 0
        if self.total and self.done >= self.total:
            self.end_message = f"All {self.total} units labelled by {self.annotator}."
        elif not self.total:
            self.end_message = "No queued units: run `framing ingest` first."
        else:
            self.end_message = (
                f"End of the queue: {self.done} of {self.total} units labelled "
                f"by {self.annotator}; the rest were skipped or left open."
            )

    def go_next(self, *, wrap: bool = False) -> bool:
        """Show the next queued unit; False (and the end message) past the last one.

        With ``wrap`` (after completing a unit), the end of the queue leads back to
        this annotator's first unfinished, unskipped unit, if any is left.
        """
        nxt = self.store.next_unit(self.unit, self.annotator)
        if nxt is None and wrap:
            nxt = self.store.first_unfinished(self.annotator, self.dim_ids)
        if nxt is None:
            if self.unit is None:
                return False
            self._end()
            return False
        self.show(nxt)
        return True

    def go_prev(self) -> bool:
        """Show the previous queued unit; from the end message, the last one."""
        prev = (
            self.store.last_unit(self.annotator)
            if self.unit is None
            else self.store.prev_unit(self.unit, self.annotator)
        )
        if prev is None:
            return False
        self.show(prev)
        return True

    def skip(self) -> bool:
        if self.unit is None:
            return False
        self.store.skip(self.unit.unit_id, self.annotator)
        self._saved()
        self.count_version += 1
        if not self.skipped:
            self.skipped_count += 1
        self.undo_stack.append(SkipStep(self.unit.unit_id, self.focus))
        self.go_next()
        return True

    # ---------------------------------------------------------------- labelling
    def _commit(self, value: LabelValue) -> None:
        """Append ``value`` for the focused dimension, record undo, adjust progress."""
        assert self.unit is not None
        dim_id = self.dimension.id
        previous = self.labels.get(dim_id)
        self._save(
            self.unit.unit_id,
            dim_id,
            value,
            hints_condition=self.hints,
            shown_at=self.shown_at,
            active_ms=self.active_ms,
        )
        if self.skipped and value is not None:  # labelling a skipped unit clears its skip
            self.store.unskip(self.unit.unit_id, self.annotator)
            self.skipped = False
            self.skipped_count -= 1
            self.count_version += 1
        if not self.pending:
            self._saved()
        self.undo_stack.append(UndoStep(self.unit.unit_id, dim_id, previous, self.focus))
        self._set(dim_id, value)

    def _set(self, dim_id: str, value: LabelValue) -> None:
        was = self.complete()
        new = dict(self.labels)
        if value is None:
            new.pop(dim_id, None)
        else:
            new[dim_id] = value
        self.labels = new
        if self.unit is not None and self.unit.queued:
            step = int(self.complete()) - int(was)
            self.done += step
            self.count_version += bool(step)
            if self.unit.doc_id == self._doc_counted:
                self.doc_done += step

    def pick(self, label: Label) -> None:
        """A label key in a single or ordinal dimension: commit and move on."""
        if self.unit is None:
            return
        if self.labels.get(self.dimension.id) != label.id:
            self._commit(label.id)
        self.advance()

    def toggle(self, label: Label) -> None:
        """A label key in a multi dimension: commit the new full set (empty retracts)."""
        if self.unit is None:
            return
        cur = self.labels.get(self.dimension.id)
        chosen = set(cur) if isinstance(cur, list) else set()
        chosen ^= {label.id}
        self._commit(sorted(chosen) or None)  # sorted, as the store keeps it

    def confirm(self) -> bool:
        """Enter: accept the focused dimension's value and move on (False if empty)."""
        if self.unit is None or self.dimension.id not in self.labels:
            return False
        self.advance()
        return True

    def advance(self) -> None:
        """Focus the next dimension; after the last one, the next unit if complete."""
        if self.focus + 1 < len(self.dims):
            self.focus += 1
        elif self.complete():
            self.go_next(wrap=True)
        else:
            self.focus = self._first_open()

    def move_focus(self, step: int) -> None:
        if self.unit is not None:
            self.focus = (self.focus + step) % len(self.dims)

    def undo(self) -> bool:
        """Undo the last change (a label or a skip) and return to it."""
        if not self.undo_stack:
            return False
        step = self.undo_stack.pop()
        if self.unit is None or self.unit.unit_id != step.unit_id:
            unit = self.store.unit(step.unit_id)
            if unit is None:
                return False
            self.show(unit, focus=step.focus)
        if isinstance(step, SkipStep):
            self.store.unskip(step.unit_id, self.annotator)
            self._saved()
            self.count_version += 1
            if self.skipped:
                self.skipped = False
                self.skipped_count -= 1
            self.focus = step.focus
            return True
        if isinstance(step, ReviewStep):
            self._undo_review(step)
            self._saved()
            return True
        self._save(step.unit_id, step.dimension, step.previous)
        if not self.pending:
            self._saved()
        self.focus = step.focus
        self._set(step.dimension, step.previous)
        return True

    # ------------------------------------------------- flags and notes (issue 9)
    def my_flags(self) -> set[str]:
        """The reasons this annotator has flagged the current unit for."""
        if self.unit is None:
            return set()
        return {
            f.reason
            for f in self.store.active_flags(self.unit.unit_id)
            if f.annotator == self.annotator
        }

    def toggle_flag(self, reason: str) -> bool:
        """Flag the current unit for ``reason``; if already flagged for it, unflag.
        Returns whether the unit is now flagged for ``reason``."""
        if self.unit is None:
            return False
        uid = self.unit.unit_id
        on = reason not in self.my_flags()
        if on:
            self.store.flag(uid, self.annotator, reason)
        else:
            self.store.unflag(uid, self.annotator, reason)
        kind = "flag" if on else "unflag"
        self.undo_stack.append(ReviewStep(uid, kind, reason, None, self.focus))
        return on

    def my_note(self) -> str | None:
        return None if self.unit is None else self.store.note_of(self.unit.unit_id, self.annotator)

    def set_note(self, text: str) -> None:
        """Replace this annotator's one-line note on the current unit (blank removes it)."""
        if self.unit is None:
            return
        uid = self.unit.unit_id
        previous = self.store.note_of(uid, self.annotator)
        self.store.set_note(uid, self.annotator, text)
        self.undo_stack.append(ReviewStep(uid, "note", "", previous, self.focus))

    def _undo_review(self, step: ReviewStep) -> None:
        if step.kind == "flag":
            self.store.unflag(step.unit_id, self.annotator, step.reason)
        elif step.kind == "unflag":
            self.store.flag(step.unit_id, self.annotator, step.reason)
        else:
            self.store.set_note(step.unit_id, self.annotator, step.previous_note)
        self.focus = step.focus
