"""Pre-annotation hints for the current unit: actors, cues and a suggested certainty.

Hints are suggestions only; nothing here is ever preselected as a label.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from framing.models import Codebook
from framing.tui.safe import safe
from framing.tui.widgets.unit_view import ACTOR_STYLE, CUE_STYLES


def _items(hints: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = hints.get(key)
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _label_name(codebook: Codebook, label_id: str) -> str:
    dims = sorted(codebook.dimensions, key=lambda d: (d.id != "certainty", d.kind != "ordinal"))
    for dim in dims:
        lab = dim.label(label_id)
        if lab is not None:
            return lab.name
    return label_id


def render_hints(hints: dict[str, Any], codebook: Codebook) -> Content:
    """The panel's text: actors, cues, then the suggestion with its reasons."""
    parts: list[Content | str | tuple[str, str]] = []
    mentions: dict[str, list[str]] = {}  # actor name -> distinct mentions, in order
    for a in _items(hints, "actors"):
        text = str(a.get("text", ""))
        name = str(a.get("name", "")) or text
        seen = mentions.setdefault(name, [])
        if text and text != name and text not in seen:
            seen.append(text)
    if mentions:
        parts.append(("Actors\n", "bold"))
        for name, texts in mentions.items():
            extra = f" ({', '.join(texts)})" if texts else ""
            parts += [("• ", "dim"), (name, ACTOR_STYLE), f"{extra}\n"]
    cues = _items(hints, "cues")
    if cues:
        parts.append(("Cues\n", "bold"))
        for c in cues:
            kind = str(c.get("type", "cue"))
            parts += [
                ("• ", "dim"),
                (f"{kind}: ", "dim"),
                (str(c.get("text", "")), CUE_STYLES.get(kind, "bold")),
                "\n",
            ]
    sug = hints.get("suggested_certainty")
    if isinstance(sug, dict) and sug.get("label"):
        parts += [
            ("Suggested certainty\n", "bold"),
            (_label_name(codebook, str(sug["label"])), "italic"),
            ("  (suggestion, not a label)\n", "dim"),
        ]
        reasons = sug.get("reasons")
        for reason in reasons if isinstance(reasons, list) else []:
            parts += [("• ", "dim"), f"{reason}\n"]
    if not parts:
        parts.append(("No hints for this unit.", "dim"))
    return Content.assemble(*parts).rstrip()


class HintsPanel(VerticalScroll):
    """A small side panel, hidden when the unit has no hints or the panel is folded."""

    def __init__(self, codebook: Codebook, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.codebook = codebook
        self.border_title = "Hints"
        self.can_focus = False

    def compose(self) -> ComposeResult:
        yield Static(id="hints-body", markup=False)

    #: Whether the screen wants the panel (folded on narrow terminals, ``h`` toggles).
    open = True
    _has_hints = False

    def set_open(self, open_: bool) -> None:
        self.open = open_
        self._sync()

    def _sync(self) -> None:
        want = self._has_hints and self.open
        if self.display != want:
            self.display = want

    def show(self, hints: dict[str, Any] | None) -> None:
        """The unit's hints; hidden when it has none (or the panel is folded)."""
        self._has_hints = bool(hints)
        self._sync()
        if hints:
            self.query_one("#hints-body", Static).update(safe(render_hints(hints, self.codebook)))

    @property
    def text(self) -> str:
        """The plain text shown (for tests)."""
        content = self.query_one("#hints-body", Static).content
        return content.plain if isinstance(content, Content) else str(content)
