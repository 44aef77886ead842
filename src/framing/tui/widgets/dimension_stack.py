"""Every dimension of the codebook in one widget of constant height: the focused
dimension open (its question and every label, in a box), the others collapsed to one
line with their chosen label.

Why one widget: with one panel widget per dimension, each completed unit made the
focused panel collapse and another open, so widgets changed height; Textual then
lays the whole screen out, and a widget whose size changed during that layout asks
for a second one (about two full layouts and two compositor passes per key, most of
a key press's time). Here the stack always has the height of its tallest state (the
tallest dimension open) at the current width, so labelling and moving the focus only
repaint this widget: no layout at all. A shorter dimension's box keeps the same
height (blank lines at its bottom), so the lines below it never move.

The label grid is :func:`~framing.tui.widgets.dimension_panel.grid_lines` (the same
columns and hanging indents as the adjudication screen's panels); a click on a label
posts :class:`DimensionStack.LabelPicked`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.message import Message
from textual.strip import Strip
from textual.visual import Visual
from textual.widgets import Static

from framing.models import Dimension, LabelValue
from framing.tui.widgets.dimension_panel import KIND_HINT, GridPlan, grid_lines, plan_grid

if TYPE_CHECKING:
    from textual.app import RenderResult
    from textual.style import Style as VisualStyle

#: The box around the open dimension (Textual's ``heavy`` border).
TOP = ("┏", "━", "┓")
SIDE = "┃"
BOTTOM = ("┗", "━", "┛")
BORDER_STYLE = "$accent"
TITLE_STYLE = "bold $accent"
#: Blocks of strips kept (a dimension's line or box per label state); cleared when full.
STRIP_CACHE = 256


class DimensionStack(Static):
    """The dimensions, one open (``show``), the rest one line each; constant height.

    ``short`` (a terminal under 28 rows) leaves out the box's bottom edge, and the
    question where it does not fit in the box (the tallest dimension's box has no
    room for it), as the 80x24 layout needs every line for the sentence and labels.
    """

    DEFAULT_CSS = """
    DimensionStack {
        height: auto;
        link-style: none;
        link-style-hover: reverse;
    }
    DimensionStack > .dimension-stack--muted {
        color: $text-muted;
    }
    """
    #: The collapsed lines, the question and the box's caption (a muted colour:
    #: ``$text-muted`` has an alpha that only the stylesheet blends correctly).
    COMPONENT_CLASSES = {"dimension-stack--muted"}

    class LabelPicked(Message):
        """The annotator chose ``label_id`` in ``dimension_id`` with the mouse."""

        def __init__(self, dimension_id: str, label_id: str) -> None:
            super().__init__()
            self.dimension_id = dimension_id
            self.label_id = label_id

    def __init__(
        self,
        dimensions: tuple[Dimension, ...],
        *,
        titles: dict[str, str] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, markup=False)
        self.dimensions = dimensions
        n = len(dimensions)
        #: "1/3 Perspective": the collapsed line's heading and the open box's title.
        self.headings = {
            d.id: f"{i + 1}/{n} {d.id.replace('_', ' ').title()}" for i, d in enumerate(dimensions)
        }
        self._titles = {**self.headings, **(titles or {})}
        self._chosen: dict[str, frozenset[str]] = {d.id: frozenset() for d in dimensions}
        #: The label the manifest gives the document (perspective): marked, not chosen.
        self._source: dict[str, str | None] = {d.id: None for d in dimensions}
        self._open: str | None = dimensions[0].id if dimensions else None
        self.short = False
        self._plans: dict[tuple[str, int], GridPlan] = {}
        self._strip_cache: dict[tuple[object, ...], list[Strip]] = {}
        #: Bumped on every change of what is shown; the painted strips follow it.
        self._version = 0
        self._painted: tuple[object, list[Strip]] = (None, [])
        self._heights: dict[tuple[int, bool], int] = {}
        self._questions: dict[tuple[str, int], list[Content]] = {}

    # ------------------------------------------------------------------ state
    def show(self, values: dict[str, LabelValue], open_id: str | None) -> None:
        """Mark every dimension's chosen label(s) and open ``open_id`` (None: all
        collapsed); repaints only if something changed, and never changes height."""
        changed = open_id != self._open
        self._open = open_id
        for dim in self.dimensions:
            value = values.get(dim.id)
            chosen = frozenset(
                value if isinstance(value, list) else [] if value is None else [value]
            )
            if chosen != self._chosen[dim.id]:
                self._chosen[dim.id] = chosen
                changed = True
        if changed:
            self._version += 1
            self.refresh()

    def mark_source(self, dimension_id: str, label_id: str | None) -> None:
        """Mark the label the manifest names as the document's source (never chosen)."""
        if self._source.get(dimension_id) != label_id:
            self._source[dimension_id] = label_id
            self._version += 1
            self.refresh()

    def set_short(self, short: bool) -> None:
        """A short terminal: no question line and no bottom edge (a new height)."""
        if short != self.short:
            self.short = short
            self._version += 1
            self.refresh(layout=True)

    @property
    def open_id(self) -> str | None:
        """The dimension shown open (the focused one)."""
        return self._open

    def chosen_ids(self, dimension_id: str) -> list[str]:
        """The label ids marked in ``dimension_id``, in codebook order."""
        chosen = self._chosen[dimension_id]
        dim = next(d for d in self.dimensions if d.id == dimension_id)
        return [lid for lid in dim.label_ids if lid in chosen]

    def subtitle(self, dimension_id: str) -> str:
        """The open box's bottom caption: the kind of choice, and the source mark."""
        dim = next(d for d in self.dimensions if d.id == dimension_id)
        kind = KIND_HINT.get(dim.kind, dim.kind)
        return f"{kind} · ◆ manifest source" if self._source.get(dimension_id) else kind

    # ----------------------------------------------------------------- layout
    def _plan(self, dim: Dimension, inner: int) -> GridPlan:
        key = (dim.id, inner)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = plan_grid(dim, inner)
        return plan

    def _question(self, dim: Dimension, inner: int, *, always: bool = False) -> list[Content]:
        """The question's lines (none on a short terminal, unless ``always``)."""
        if self.short and not always:
            return []
        key = (dim.id, inner)
        if key not in self._questions:
            self._questions[key] = Content(dim.question).wrap(max(1, inner))
        return self._questions[key]

    def _box_height(self, dim: Dimension, inner: int) -> int:
        edges = 1 if self.short else 2
        return edges + len(self._question(dim, inner)) + self._plan(dim, inner)[1]

    def stack_height(self, width: int) -> int:
        """Lines at ``width``: one per collapsed dimension, plus the tallest box."""
        if not self.dimensions:
            return 0
        key = (width, self.short)
        if key not in self._heights:
            inner = max(1, width - 2)
            tallest = max(self._box_height(d, inner) for d in self.dimensions)
            self._heights[key] = len(self.dimensions) - 1 + tallest
        return self._heights[key]

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return self.stack_height(width)

    # -------------------------------------------------------------- rendering
    def _summary(self, dim: Dimension, width: int) -> Content:
        names = [lab.name for lab in dim.labels if lab.id in self._chosen[dim.id]]
        line = Content.assemble(
            " ",
            (self.headings[dim.id], "bold"),
            "  ",
            (" + ".join(names), "bold") if names else ("– not labelled yet", "dim italic"),
        ).stylize_before(self._muted())
        if line.cell_length > width:
            line = line.truncate(max(1, width - 1), ellipsis=True)
        return line

    def _muted(self) -> VisualStyle:
        return self.get_visual_style("dimension-stack--muted", partial=True)

    def _edge(
        self, ends: tuple[str, str, str], width: int, text: str, style: str | VisualStyle
    ) -> Content:
        """A box edge with ``text`` (the title on top, left; the caption below, right)."""
        left, fill, right = ends
        room = width - 2
        if not text or room < len(text) + 4:
            return Content.styled(left + fill * room + right, BORDER_STYLE)
        caption = Content.styled(f" {text} ", style)
        rest = room - len(text) - 3
        if ends is TOP:
            head, tail = left + fill, fill * rest + right
        else:
            head, tail = left + fill * rest, fill + right
        return Content.assemble((head, BORDER_STYLE), caption, (tail, BORDER_STYLE))

    def _box(self, dim: Dimension, width: int, height: int) -> list[Content]:
        inner = max(1, width - 2)
        muted = self._muted()
        edges = 1 if self.short else 2
        grid = grid_lines(dim, self._plan(dim, inner), self._chosen[dim.id], self._source[dim.id])
        question = self._question(dim, inner, always=True)
        if self.short and edges + len(question) + len(grid) > height:
            question = []  # a short terminal shows the question only where it fits
        body = [line.stylize("italic").stylize_before(muted) for line in question] + grid
        body += [Content("")] * max(0, height - edges - len(body))
        side = Content.styled(SIDE, BORDER_STYLE)
        lines = [self._edge(TOP, width, self._titles[dim.id], TITLE_STYLE)]
        for line in body:
            if line.cell_length > inner:
                line = line.truncate(inner)
            lines.append(Content.assemble(side, line.pad_right(inner - line.cell_length), side))
        if not self.short:
            lines.append(self._edge(BOTTOM, width, self.subtitle(dim.id), muted))
        return lines

    def render(self) -> RenderResult:
        """The whole stack as one ``Content`` (tests and text extraction; the screen
        paints it line by line from cached strips, :meth:`render_line`)."""
        return self._content()

    def _content(self) -> Content:
        width = self.content_region.width or self.size.width
        if width <= 2 or not self.dimensions:
            return Content("")
        return Content("\n").join(
            line for key in self._blocks(width) for line in self._block_content(key, width)
        )

    def _blocks(self, width: int) -> list[tuple[object, ...]]:
        """The stack as blocks, top to bottom, each a hashable key of what it shows:
        one per dimension (its one line, or its open box) and the blank filler."""
        tallest = self.stack_height(width) - (len(self.dimensions) - 1)
        blocks: list[tuple[object, ...]] = []
        for dim in self.dimensions:
            chosen = self._chosen[dim.id]
            if dim.id == self._open:
                source = self._source[dim.id]
                blocks.append(("box", dim.id, chosen, source, self.short, tallest))
            else:
                blocks.append(("line", dim.id, chosen))
        if self._open is None:  # all collapsed (past the end): keep the height
            blocks.append(("blank", tallest - 1))
        return blocks

    def _block_content(self, key: tuple[object, ...], width: int) -> list[Content]:
        dim = next((d for d in self.dimensions if d.id == key[1]), None)
        if key[0] == "box" and dim is not None:
            return self._box(dim, width, int(str(key[-1])))
        if key[0] == "line" and dim is not None:
            return [self._summary(dim, width)]
        return [Content("")] * int(str(key[1]))

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the stack. Each block's strips are kept (keyed by what it
        shows, the width and the style): the label states repeat from unit to unit
        (an empty open box, a line with one chosen label), so a key press mostly
        reassembles cached strips instead of rendering ~12 lines of ``Content``."""
        width = self.size.width
        style = self.visual_style
        if width <= 2 or not self.dimensions:
            return Strip.blank(max(0, width), style.rich_style)
        state = (self._version, width, style, self.app.theme)
        if self._painted[0] != state:
            self._painted = (state, self._strips(width, style))
        strips = self._painted[1]
        return strips[y] if y < len(strips) else Strip.blank(width, style.rich_style)

    def _strips(self, width: int, style: VisualStyle) -> list[Strip]:
        strips: list[Strip] = []
        for key in self._blocks(width):
            cache_key = (key, width, style, self.app.theme)
            block = self._strip_cache.get(cache_key)
            if block is None:
                if len(self._strip_cache) > STRIP_CACHE:
                    self._strip_cache.clear()
                content = Content("\n").join(self._block_content(key, width))
                block = Visual.to_strips(self, content, width, None, style)
                self._strip_cache[cache_key] = block
            strips.extend(block)
        return strips

    @property
    def text(self) -> str:
        """What the stack shows, as plain text at its current width (for tests)."""
        return self._content().plain

    def action_pick(self, label_id: str) -> None:
        """A click on a label (only the open dimension's labels are shown)."""
        if self._open is not None:
            self.post_message(self.LabelPicked(self._open, label_id))
