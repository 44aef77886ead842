"""One panel per codebook dimension: the focused one lists every label, the others
collapse to one line with their chosen label.

The labels are laid out in as many columns as make the list shortest at the
panel's width (never narrower than :data:`MIN_COLUMN`), column by column in key
order, and a long name wraps under itself (a hanging indent past the key), so
a 15-label frame fits an 80x24 terminal. The grid is one widget rendering one
``Content``: marking a label repaints one widget, and moving the focus toggles
two CSS classes.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.style import Style
from textual.widget import Widget
from textual.widgets import Static

from framing.models import Dimension, LabelValue
from framing.tui.safe import safe

KIND_HINT = {
    "single": "one label",
    "ordinal": "one step of the scale",
    "multi": "keys toggle, enter confirms",
}
CHOSEN_STYLE = "bold reverse"
#: Narrowest label column (mark, key and at least ~18 characters of name).
MIN_COLUMN = 22
#: Blank columns between two label columns.
GAP = 2
#: Most label columns, however wide the terminal.
MAX_COLUMNS = 4
#: Width of the part before a label's name: the chosen mark, the key and spaces.
PREFIX = 4


def wrap_words(text: str, width: int) -> list[str]:
    """``text`` broken at spaces into lines of at most ``width`` (long words are cut)."""
    width = max(1, width)
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


#: A grid plan: (columns, height in lines, column width, wrapped name lines per label).
GridPlan = tuple[int, int, int, list[list[str]]]


def plan_grid(dimension: Dimension, width: int) -> GridPlan:
    """The column count that lays ``dimension``'s labels out in the fewest lines at
    ``width``, with the column width and each label's name wrapped to fit."""
    width = max(1, width)
    labels = dimension.labels
    n = len(labels)
    best: GridPlan | None = None
    most = max(1, min(MAX_COLUMNS, n, (width + GAP) // (MIN_COLUMN + GAP)))
    for cols in range(1, most + 1):
        col_w = (width - GAP * (cols - 1)) // cols
        names = [wrap_words(lab.name, col_w - PREFIX) for lab in labels]
        rows = -(-n // cols)
        height = sum(
            max(len(names[c * rows + r]) for c in range(cols) if c * rows + r < n)
            for r in range(rows)
        )
        if best is None or height < best[1]:
            best = (cols, height, col_w, names)
    assert best is not None
    return best


def grid_lines(
    dimension: Dimension, plan: GridPlan, chosen: frozenset[str], source: str | None
) -> list[Content]:
    """The lines of the label grid: column by column in key order, the chosen labels
    marked ``●`` and reversed, the manifest's source marked ``◆``; a click on a label
    runs the rendering widget's ``pick`` action."""
    cols, _height, col_w, names = plan
    labels = dimension.labels
    n = len(labels)
    rows = -(-n // cols)
    out: list[Content] = []
    for r in range(rows):
        cells = [c * rows + r for c in range(cols) if c * rows + r < n]
        tall = max(len(names[i]) for i in cells)
        for k in range(tall):
            parts: list[Content | str | tuple[str, str | Style]] = []
            for j, i in enumerate(cells):
                lab = labels[i]
                is_chosen = lab.id in chosen
                text = names[i][k] if k < len(names[i]) else ""
                click = Style.from_meta({"@click": f"pick({lab.id!r})"})
                if k == 0:
                    mark = "●" if is_chosen else "◆" if lab.id == source else " "
                    head = Content.assemble((mark, "bold"), " ", (lab.key, "bold $accent"), " ")
                else:
                    head = Content(" " * PREFIX)
                name = Content(text)
                if is_chosen and text:
                    name = name.stylize(CHOSEN_STYLE)
                cell = Content.assemble(head, name).stylize(click)
                pad = col_w - PREFIX - len(text) if j < len(cells) - 1 else 0
                parts += [cell, " " * (pad + GAP) if j < len(cells) - 1 else ""]
            out.append(Content.assemble(*parts))
    return out


class LabelGrid(Widget):
    """The labels of one dimension in columns, chosen ones marked; click to pick."""

    DEFAULT_CSS = "LabelGrid { height: auto; }"

    def __init__(self, dimension: Dimension) -> None:
        super().__init__(classes="label-grid")
        self.dimension = dimension
        self.chosen: frozenset[str] = frozenset()
        #: The label the manifest names as the document's source: marked ◆, not chosen.
        self.source: str | None = None
        self._layout: tuple[int, GridPlan] | None = None

    def _plan(self, width: int) -> GridPlan:
        """The grid plan at ``width`` (kept until the width changes)."""
        if self._layout is None or self._layout[0] != width:
            self._layout = (width, plan_grid(self.dimension, width))
        return self._layout[1]

    def _lines(self, width: int) -> list[Content]:
        return grid_lines(self.dimension, self._plan(max(1, width)), self.chosen, self.source)

    def render(self) -> Content:
        return Content("\n").join(self._lines(self.content_region.width or self.size.width))

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return self._plan(max(1, width))[1]

    def get_content_width(self, container: object, viewport: object) -> int:
        return MIN_COLUMN

    def action_pick(self, label_id: str) -> None:
        """A click on a label (click actions run in the widget that rendered them)."""
        panel = self.parent
        if isinstance(panel, DimensionPanel):
            panel.action_pick(label_id)


class DimensionPanel(Vertical, can_focus=False):
    """A dimension: collapsed to one line, or (focused) its question and every label."""

    class LabelPicked(Message):
        """The annotator chose ``label_id`` in ``dimension_id`` with the mouse."""

        def __init__(self, dimension_id: str, label_id: str) -> None:
            super().__init__()
            self.dimension_id = dimension_id
            self.label_id = label_id

    def __init__(
        self, dimension: Dimension, index: int, count: int, *, empty: str = "– not labelled yet"
    ) -> None:
        """``empty``: the collapsed line's text when nothing is chosen (adjudication
        says the gold is open, not that nobody labelled)."""
        super().__init__(id=f"dim-{dimension.id}", classes="dimension-panel")
        self.dimension = dimension
        self.heading = f"{index + 1}/{count} {dimension.id.replace('_', ' ').title()}"
        self.border_title = self.heading
        self.border_subtitle = KIND_HINT.get(dimension.kind, dimension.kind)
        self._chosen: frozenset[str] = frozenset()
        #: The label the manifest gives the document (perspective): marked, not chosen.
        self._source: str | None = None
        self._focused = False
        self._empty = empty
        self._detail = ""
        self._summary = Static(self._render_summary(), classes="dim-summary", markup=False)
        self._question = Static(dimension.question, classes="dim-question", markup=False)
        self._grid = LabelGrid(dimension)

    def compose(self) -> ComposeResult:
        yield self._summary
        yield self._question
        yield self._grid

    def _render_summary(self) -> Content:
        names = [lab.name for lab in self.dimension.labels if lab.id in self._chosen]
        return safe(
            Content.assemble(
                (self.heading, "bold"),
                ("  ", ""),
                (" + ".join(names), "bold") if names else (self._empty, "dim italic"),
                (f"  {self._detail}" if self._detail else "", "dim"),
            )
        )

    def show(self, value: LabelValue, focused: bool, detail: str = "") -> None:
        """Mark the chosen label(s) and the focus; does nothing if neither changed.
        ``detail`` follows the chosen names on the collapsed line (how gold was
        decided, in adjudication)."""
        if focused != self._focused:
            self._focused = focused
            self._restyle()
        chosen = frozenset(value if isinstance(value, list) else [] if value is None else [value])
        if chosen != self._chosen or detail != self._detail:
            self._chosen = chosen
            self._detail = detail
            self._grid.chosen = chosen
            self._grid.refresh()
            self._summary.update(self._render_summary(), layout=False)

    def mark_source(self, label_id: str | None) -> None:
        """Mark the label the manifest names as the document's source (never chosen)."""
        if label_id != self._source:
            self._source = label_id
            self._grid.source = label_id
            self._grid.refresh()
            kind = KIND_HINT.get(self.dimension.kind, self.dimension.kind)
            self.border_subtitle = f"{kind} · ◆ manifest source" if label_id else kind

    def on_mount(self) -> None:
        self._restyle()

    def _restyle(self) -> None:
        """Open or collapse the panel with inline styles, not a CSS class: a class
        change re-matches the whole stylesheet against the panel and its children
        (~4 ms a panel), twice per unit; inline styles cost a layout only."""
        focused = self._focused
        short = self.screen.has_class("-short") if self.is_attached else False
        self._summary.display = not focused
        self._question.display = focused and not short
        self._grid.display = focused
        styles = self.styles
        if focused:
            accent = self.app.theme_variables.get("accent", "orange")
            styles.border = ("heavy", accent)
            if short:
                styles.border_bottom = ("none", accent)
            styles.padding = (0, 0)
        else:
            styles.border = ("none", "black")
            styles.padding = (0, 1)

    def refit(self) -> None:
        """The terminal changed size class (``-short``): restyle the open panel."""
        self._restyle()

    @property
    def is_open(self) -> bool:
        """Whether this is the focused dimension (all labels shown)."""
        return self._focused

    def action_pick(self, label_id: str) -> None:
        """A click on a label line."""
        self.post_message(self.LabelPicked(self.dimension.id, label_id))

    @property
    def chosen_ids(self) -> list[str]:
        """The label ids currently marked, in codebook order."""
        return [lid for lid in self.dimension.label_ids if lid in self._chosen]

    @property
    def grid_text(self) -> str:
        """The label grid as plain text at its current width (for tests)."""
        return "\n".join(line.plain for line in self._grid._lines(self._grid.size.width))
