"""A list to pick from (documents, search results, my labels), filled by a worker.

The rows are read in a thread worker with its own read-only store (a SQLite
connection belongs to the thread that opened it), so a long list never freezes
the UI. The screen is dismissed with the chosen row's key, or ``None`` on escape.
Typing goes to the input line at the top; up/down/page keys move the list's
cursor from there, and enter picks the highlighted row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from framing.store import Store

Row = tuple[str, Sequence[str]]  # (key, cells)


class PickScreen(Screen[str | None]):
    """Subclasses set the texts and columns and implement :meth:`fetch`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="pick_close"),
    ]
    TITLE_TEXT = ""
    PLACEHOLDER = ""
    COLUMNS: tuple[tuple[str, int | None], ...] = ()
    EMPTY = "Nothing to list."
    #: Filter the fetched rows as the input changes (:meth:`matches`), or fetch
    #: again with the input as the query on enter.
    LIVE = False

    def __init__(self, db_path: str, *, initial: str | None = None) -> None:
        super().__init__(classes="pick-screen")
        self.db_path = db_path
        self.initial = initial
        self.rows: list[Row] = []
        self.all_rows: list[Row] = []
        self.loading_done = False

    def compose(self) -> ComposeResult:
        yield Static(self.TITLE_TEXT, classes="pick-title", markup=False)
        yield Input(placeholder=self.PLACEHOLDER, id="pick-input")
        yield DataTable[str](id="pick-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="pick-empty", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name, width in self.COLUMNS:
            table.add_column(name, width=width, key=name)
        self.query_one(Input).focus()
        self.load(self.query_one(Input).value)

    # ------------------------------------------------------------------ data
    def fetch(self, store: Store, query: str) -> list[Row]:
        raise NotImplementedError

    def matches(self, rows: list[Row], query: str) -> list[Row]:
        """The rows a LIVE screen shows for ``query`` (all of them by default)."""
        return rows

    @work(thread=True, exclusive=True, group="pick")
    def load(self, query: str) -> None:
        """Fetch the rows with a read-only store of this thread's own."""
        store = Store.open(self.db_path, readonly=True)
        try:
            rows = self.fetch(store, query)
        finally:
            store.close()
        self.app.call_from_thread(self._loaded, rows)

    def _loaded(self, rows: list[Row]) -> None:
        self.all_rows = rows
        self.fill(self.matches(rows, self.query_one(Input).value) if self.LIVE else rows)

    def fill(self, rows: list[Row]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        empty = self.query_one("#pick-empty", Static)
        empty.update(self.EMPTY if not rows else "")
        empty.display = not rows
        if rows and self.initial is not None:
            keys = [k for k, _ in rows]
            if self.initial in keys:
                table.move_cursor(row=keys.index(self.initial))
            self.initial = None
        self.loading_done = True

    # --------------------------------------------------------------- events
    def on_input_changed(self, message: Input.Changed) -> None:
        if self.LIVE and self.loading_done:
            self.fill(self.matches(self.all_rows, message.value))

    def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        if self.LIVE:
            self.pick_highlighted()
        else:
            self.loading_done = False
            self.load(message.value)
            self.query_one(DataTable).focus()

    def on_key(self, event: events.Key) -> None:
        """Up/down/page keys in the input move the list's cursor."""
        if not isinstance(self.focused, Input):
            return
        table = self.query_one(DataTable)
        moves = {
            "down": table.action_cursor_down,
            "up": table.action_cursor_up,
            "pagedown": table.action_page_down,
            "pageup": table.action_page_up,
        }
        if event.key in moves:
            event.stop()
            event.prevent_default()
            moves[event.key]()

    def on_data_table_row_selected(self, message: DataTable.RowSelected) -> None:
        message.stop()
        self.dismiss(str(message.row_key.value))

    def pick_highlighted(self) -> None:
        table = self.query_one(DataTable)
        if self.rows and 0 <= table.cursor_row < len(self.rows):
            self.dismiss(self.rows[table.cursor_row][0])

    def action_close(self) -> None:
        self.dismiss(None)

    @property
    def keys(self) -> list[str]:
        """The row keys listed, in order (for tests)."""
        return [k for k, _ in self.rows]
