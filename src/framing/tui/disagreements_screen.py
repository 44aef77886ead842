"""The disagreement list of ``framing disagreements``, in the UI: enter opens a unit in context.

The list is computed once when the screen opens (and once per dimension the filter
shows), with :func:`framing.disagreements.rank_disagreements`, in a thread worker
with its own read-only store (ranking reads every label: the UI must not freeze
meanwhile; the title says "ranking…"); moving the cursor does no store work. The
screen is dismissed with the chosen row, or ``None`` on escape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from framing.display import visible
from framing.models import Codebook
from framing.store import Store
from framing.tui.safe import safe

if TYPE_CHECKING:
    from framing.disagreements import DisagreementRow

EMPTY = "No disagreements yet: needs units labelled by at least 2 annotators."
KEYS = "enter opens the unit in context · f (or tab) changes the dimension · escape goes back"
TEXT_WIDTH = 30
DOC_WIDTH = 12
DIMS_WIDTH = 30
COLUMNS: tuple[tuple[str, int | None], ...] = (
    ("#", 3),
    ("score", 5),
    ("dimension(s)", None),
    ("document", DOC_WIDTH),
    ("unit", 4),
    ("ann.", 4),
    ("text", TEXT_WIDTH),
    ("labels", None),
)


def shorten(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    flat = " ".join(visible(text).split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def disagreeing(row: DisagreementRow) -> list[str]:
    """The dimensions in which the annotators of ``row`` disagree (all ranked ones if none)."""
    dims = [d for d, score in row.by_dimension.items() if score > 1e-12]
    return dims or list(row.by_dimension)


def compact_labels(row: DisagreementRow) -> str:
    """``alice=Economic/certain bob=Political/probable``: the disagreeing dimensions only."""
    from framing.breakdowns import value_text  # loaded already: ``row`` comes from it

    dims = disagreeing(row)
    return " ".join(
        f"{who}=" + "/".join(value_text(labels.get(d)) for d in dims)
        for who, labels in row.labels.items()
    )


def render_detail(row: DisagreementRow) -> Content:
    """The highlighted row in full: where it is, its whole text, everybody's labels."""
    from framing.breakdowns import value_text  # loaded already: ``row`` comes from it

    dims = set(disagreeing(row))
    name_w = max((len(a) for a in row.labels), default=0)
    parts: list[Content | str | tuple[str, str]] = [
        (f"{row.doc_id} · unit {row.position + 1}", "bold"),
        (f"  [{row.unit_id}]" + (f"  {row.source}" if row.source else ""), "dim"),
        "\n",
        (" ".join(row.text.split()) or "(no text)", "italic"),
    ]
    for who, labels in row.labels.items():
        parts += ["\n", (who.ljust(name_w), "bold"), " "]
        for d, v in labels.items():
            parts += ["  ", (f"{d}=", "dim"), (value_text(v), "bold" if d in dims else "")]
    return Content.assemble(*parts)


class DisagreementsScreen(Screen["DisagreementRow | None"]):
    """Units ranked by observed disagreement; enter picks one, escape picks none."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="disagreements_close"),
        Binding("f", "cycle_dimension", "Dimension", id="disagreements_filter"),
        Binding("tab", "cycle_dimension", "Dimension", show=False, id="disagreements_tab"),
    ]

    def __init__(self, db_path: str, codebook: Codebook) -> None:
        super().__init__(id="disagreements")
        self.db_path = db_path
        self.codebook = codebook
        #: ``None`` (all dimensions), then each dimension id: what ``f`` cycles through.
        self.scopes: tuple[str | None, ...] = (None, *codebook.dimension_ids)
        self.scope: str | None = None
        self.rows: list[DisagreementRow] = []
        #: scope -> (its ranking, the message shown when it is empty)
        self._cache: dict[str | None, tuple[list[DisagreementRow], str]] = {}
        self.message = ""

    def compose(self) -> ComposeResult:
        yield Static(id="dis-title", markup=False)
        yield DataTable[str](id="dis-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="dis-empty", markup=False)
        detail = Static(id="dis-detail", markup=False)
        detail.border_subtitle = "enter opens it in context · f dimension · ← → scroll · esc back"
        yield detail
        yield Footer()

    def on_mount(self) -> None:
        self.show_scope(None)

    # ------------------------------------------------------------------ data
    @property
    def ranking(self) -> bool:
        """Whether the shown scope's ranking is still being computed."""
        return self.scope not in self._cache

    @work(thread=True, group="disagreements")
    def rank(self, scope: str | None) -> None:
        """Rank ``scope`` with a read-only store of this thread's own."""
        from framing.disagreements import rank_disagreements

        store = Store.open(self.db_path, readonly=True)
        try:
            rows = rank_disagreements(store, self.codebook, scope)
            message = "" if rows else self._empty_message(store, scope)
        finally:
            store.close()
        self.app.call_from_thread(self._ranked, scope, rows, message)

    def _ranked(self, scope: str | None, rows: list[DisagreementRow], message: str) -> None:
        self._cache[scope] = (rows, message)
        if scope == self.scope:
            self.show_scope(scope)

    def _empty_message(self, store: Store, scope: str | None) -> str:
        from framing.disagreements import rank_disagreements

        pairable = rank_disagreements(store, self.codebook, scope, limit=1, include_agreed=True)
        if not pairable:
            return EMPTY if scope is None else EMPTY.replace("yet", f"in {scope} yet", 1)
        where = "" if scope is None else f" in {scope}"
        return (
            f"No disagreements{where}: the annotators agree on every unit "
            "that at least 2 of them labelled."
        )

    # ------------------------------------------------------------- rendering
    def show_scope(self, scope: str | None) -> None:
        """Fill the table with the ranking of one dimension (``None``: all of them);
        if it is not ranked yet, say so and rank it in a worker."""
        self.scope = scope
        if scope not in self._cache:
            self.rows = []
            self.query_one(DataTable).display = False
            self.query_one("#dis-detail", Static).display = False
            self.query_one("#dis-empty", Static).display = False
            self.query_one("#dis-title", Static).update(
                Content.assemble(
                    ("Disagreements", "bold"),
                    ("  dimension: ", "dim"),
                    (scope or "all", "bold"),
                    ("  ·  ranking…", "dim"),
                )
            )
            self.rank(scope)
            return
        self.rows, self.message = self._cache[scope]
        table = self.query_one(DataTable)
        table.clear(columns=True)  # new columns: auto widths fit this scope's rows
        for name, width in COLUMNS:
            table.add_column(name, width=width, key=name)
        for rank, row in enumerate(self.rows, start=1):
            table.add_row(
                str(rank),
                f"{row.disagreement:.3f}",
                shorten(", ".join(disagreeing(row)), DIMS_WIDTH),
                shorten(row.doc_id, DOC_WIDTH),
                str(row.position + 1),
                str(row.n_annotators),
                shorten(row.text, TEXT_WIDTH),
                compact_labels(row),
                key=row.unit_id,
            )
        empty = self.query_one("#dis-empty", Static)
        empty.update(f"{self.message}\n\n{KEYS}")
        empty.display = not self.rows
        table.display = bool(self.rows)
        self.query_one("#dis-detail", Static).display = bool(self.rows)
        count = f"{len(self.rows)} unit{'s' * (len(self.rows) != 1)}"
        self.query_one("#dis-title", Static).update(
            Content.assemble(
                ("Disagreements", "bold"),
                ("  dimension: ", "dim"),
                (scope or "all", "bold"),
                (f"  ·  {count}, most disagreed first", ""),
                ("  (score = 1 − share of agreeing annotator pairs)", "dim"),
            )
        )
        if self.rows:
            table.move_cursor(row=0)
            self._show_detail(0)
            table.focus()

    def _show_detail(self, index: int) -> None:
        if 0 <= index < len(self.rows):
            self.query_one("#dis-detail", Static).update(safe(render_detail(self.rows[index])))

    def on_data_table_row_highlighted(self, message: DataTable.RowHighlighted) -> None:
        self._show_detail(message.cursor_row)

    def on_data_table_row_selected(self, message: DataTable.RowSelected) -> None:
        message.stop()
        if 0 <= message.cursor_row < len(self.rows):
            self.dismiss(self.rows[message.cursor_row])

    # --------------------------------------------------------------- actions
    def action_cycle_dimension(self) -> None:
        i = self.scopes.index(self.scope)
        self.show_scope(self.scopes[(i + 1) % len(self.scopes)])

    def action_close(self) -> None:
        self.dismiss(None)

    @property
    def unit_ids(self) -> list[str]:
        """The unit ids listed, in table order (for tests)."""
        table = self.query_one(DataTable)
        return [str(row.key.value) for row in table.ordered_rows]
