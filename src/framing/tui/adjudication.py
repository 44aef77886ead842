"""Adjudication session state: the queue, the unit on screen, decisions and undo.

Plain Python over :class:`~framing.store.Store` (no Textual), so the screen only
renders it.  Every decision is one :meth:`Store.adjudicate` call, committed before
the method returns, so a killed process loses nothing that was shown as decided.
The adjudicator's decisions go to the ``gold`` table only: they never become
annotator labels, so agreement never counts them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from framing.goldset import QueueItem, adjudication_queue, fill_gold
from framing.models import Codebook, Dimension, Document, Label, LabelValue, Unit
from framing.store import Store
from framing.store.review import Flag, GoldRow, Note, settled


@dataclass
class UnitLabels:
    """Every annotator's current independent labels of one unit, with their row ids."""

    values: dict[str, dict[str, LabelValue]] = field(default_factory=dict)
    ids: dict[str, dict[str, int]] = field(default_factory=dict)

    def from_labels(self, dimension: str) -> list[int]:
        return sorted(d[dimension] for d in self.ids.values() if dimension in d)


class AdjudicationSession:
    """What the adjudicator is looking at, and the actions the keys trigger."""

    def __init__(
        self,
        store: Store,
        codebook: Codebook,
        adjudicator: str,
        *,
        dimension: str | None = None,
        flagged_only: bool = False,
        min_disagreement: float = 0.0,
    ) -> None:
        self.store = store
        self.codebook = codebook
        self.adjudicator = adjudicator
        self.scope = dimension
        self.flagged_only = flagged_only
        self.min_disagreement = min_disagreement
        dims = codebook.dimensions
        self.dims: tuple[Dimension, ...] = tuple(d for d in dims if dimension in (None, d.id))
        self.docs: dict[str, Document] = {d.doc_id: d for d in store.documents()}
        self.queue: list[QueueItem] = []
        self.index = 0
        self.unit: Unit | None = None
        self.before: Unit | None = None
        self.after: Unit | None = None
        self.labels = UnitLabels()
        self.flags: list[Flag] = []
        self.notes: list[Note] = []
        self.gold: dict[str, GoldRow] = {}
        self.focus = 0
        self.hide_names = False
        #: ``(unit_id, dimension, row before the change or None)``, newest last:
        #: what backspace puts back.
        self.undo_stack: list[tuple[str, str, int | None]] = []
        self.unanimous_filled = 0
        self.message = ""

    # ----------------------------------------------------------------- queries
    @property
    def dimension(self) -> Dimension:
        return self.dims[self.focus]

    @property
    def item(self) -> QueueItem | None:
        return self.queue[self.index] if 0 <= self.index < len(self.queue) else None

    def title(self, unit: Unit) -> str:
        doc = self.docs.get(unit.doc_id)
        return unit.doc_id if doc is None else doc.title or doc.file or doc.doc_id

    def decided(self, dim_id: str) -> bool:
        """Adjudicated or unanimous: nothing to decide in this dimension."""
        return settled(self.gold.get(dim_id))

    def shown_name(self, annotator: str) -> str:
        """The name, or ``annotator N`` (order of names) while names are hidden."""
        if not self.hide_names:
            return annotator
        return f"annotator {sorted(self.labels.values).index(annotator) + 1}"

    # ------------------------------------------------------------------ moving
    def start(self) -> None:
        """Make unanimous units gold, build the queue, show its first unit."""
        for dim in self.dims:
            rep = fill_gold(self.store, self.codebook, dim.id, "unanimous",
                            decided_by=f"{self.adjudicator} (unanimous)")  # fmt: skip
            self.unanimous_filled += rep.written
        self.reload_queue()
        self.go(0)

    def reload_queue(self) -> None:
        self.queue = adjudication_queue(
            self.store,
            self.codebook,
            dimension=self.scope,
            flagged_only=self.flagged_only,
            min_disagreement=self.min_disagreement,
            include_decided=True,
        )
        # decided units stay in the walk (to revise them), but it starts at the first open one
        self._first_open = next(
            (i for i, q in enumerate(self.queue) if not self._unit_decided(q.unit_id)), 0
        )

    def _unit_decided(self, unit_id: str) -> bool:
        gold = self.store.gold_current(unit_id)
        return all(settled(gold.get((unit_id, d.id))) for d in self.dims)

    def go(self, index: int) -> bool:
        """Show queue item ``index`` (clamped); False if the queue is empty."""
        if not self.queue:
            self.unit = None
            self.message = "Nothing to adjudicate: no disagreements or flagged units."
            return False
        self.index = min(max(index, 0), len(self.queue) - 1)
        unit = self.store.unit(self.queue[self.index].unit_id)
        if unit is None:
            return False
        self.show(unit)
        return True

    def go_first_open(self) -> bool:
        return self.go(self._first_open)

    def show(self, unit: Unit) -> None:
        self.unit = unit
        self.before, self.after = self.store.context(unit)
        self.labels = self._labels_of(unit.unit_id)
        self.flags = self.store.active_flags(unit.unit_id)
        self.notes = self.store.current_notes(unit.unit_id)
        self.gold = {d: g for (_, d), g in self.store.gold_current(unit.unit_id).items()}
        self.focus = next((i for i, d in enumerate(self.dims) if not self.decided(d.id)), 0)
        self.message = ""

    def _labels_of(self, unit_id: str) -> UnitLabels:
        out = UnitLabels()
        for dim in self.dims:
            for label_id, uid, annotator, value in self.store.independent_label_rows(
                dim.id, unit_id=unit_id
            ):
                assert uid == unit_id
                out.values.setdefault(annotator, {})[dim.id] = value
                out.ids.setdefault(annotator, {})[dim.id] = label_id
        out.values = dict(sorted(out.values.items()))
        return out

    def next(self) -> bool:
        if self.index + 1 >= len(self.queue):
            self.message = "Last unit of the queue."
            return False
        return self.go(self.index + 1)

    def prev(self) -> bool:
        if self.index == 0:
            self.message = "First unit of the queue."
            return False
        return self.go(self.index - 1)

    def move_focus(self, step: int) -> None:
        self.focus = (self.focus + step) % len(self.dims)

    # --------------------------------------------------------------- deciding
    def pick(self, label: Label, reason: str | None = None) -> int | None:
        """Set the focused dimension's gold value (committed), then move on."""
        if self.unit is None:
            return None
        dim = self.dimension
        value: LabelValue = label.id
        if dim.kind == "multi":  # a key toggles one label of the decided set
            cur = self.gold.get(dim.id)
            chosen = set(cur.value) if cur is not None and isinstance(cur.value, list) else set()
            chosen ^= {label.id}
            value = sorted(chosen) or None
        row_id = self._decide(dim.id, value, reason)
        if dim.kind != "multi":
            self.advance()
        return row_id

    def _decide(self, dim_id: str, value: LabelValue, reason: str | None) -> int:
        assert self.unit is not None
        uid = self.unit.unit_id
        before = self.gold.get(dim_id)
        row_id = self.store.adjudicate(
            uid,
            dim_id,
            value,
            self.adjudicator,
            reason=reason,
            from_labels=self.labels.from_labels(dim_id),
        )
        self.undo_stack.append((uid, dim_id, before.id if before else None))
        self.gold = {d: g for (_, d), g in self.store.gold_current(uid).items()}
        return row_id

    def set_reason(self, reason: str) -> bool:
        """Attach a reason to the focused dimension's decision (a new row, same value)."""
        cur = self.gold.get(self.dimension.id)
        if self.unit is None or cur is None or cur.value is None or cur.method != "adjudicated":
            self.message = "Decide this dimension first; the reason goes with the decision."
            return False
        self._decide(self.dimension.id, cur.value, reason.strip() or None)
        return True

    def advance(self) -> None:
        """Focus the next undecided dimension; when all are decided, the next unit."""
        open_dims = [i for i, d in enumerate(self.dims) if not self.decided(d.id)]
        later = [i for i in open_dims if i > self.focus]
        if later:
            self.focus = later[0]
        elif open_dims:
            self.focus = open_dims[0]
        elif not self.next():
            self.message = "All dimensions decided; this was the last unit of the queue."

    def undo(self) -> bool:
        """Undo this session's last decision (appends the row it replaced)."""
        if not self.undo_stack:
            self.message = "Nothing to undo in this session."
            return False
        unit_id, dim_id, restore = self.undo_stack.pop()
        self.store.undo_gold(unit_id, dim_id, restore, self.adjudicator)
        if self.unit is None or self.unit.unit_id != unit_id:
            i = next((i for i, q in enumerate(self.queue) if q.unit_id == unit_id), None)
            if i is not None:
                self.go(i)
        else:
            self.gold = {d: g for (_, d), g in self.store.gold_current(unit_id).items()}
        self.focus = next((i for i, d in enumerate(self.dims) if d.id == dim_id), 0)
        return True

    # ----------------------------------------------------------- segmentation
    def split(self, offset: int) -> tuple[str, str]:
        """Split the unit on screen at ``offset``; it leaves the queue."""
        assert self.unit is not None
        new = self.store.split_unit(self.unit.unit_id, offset, self.adjudicator)
        self._after_supersede(f"Split into {new[0]} and {new[1]}; both are queued for labels.")
        return new

    def merge(self) -> str:
        """Merge the unit on screen with the next one; both leave the queue."""
        assert self.unit is not None
        new = self.store.merge_with_next(self.unit.unit_id, self.adjudicator)
        self._after_supersede(f"Merged into {new}; it is queued for labels.")
        return new

    def _after_supersede(self, message: str) -> None:
        index = self.index
        self.reload_queue()
        self.go(index)
        self.message = message
