"""The other annotators' current labels of the unit, shown only in a review.

A unit opened from the disagreements list is a methodologist's review: seeing how
the others labelled it is the point. During ordinary annotation the panel stays
hidden, so nobody's labels are biased by anybody else's.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from framing.models import Dimension, LabelValue
from framing.tui.safe import safe

Others = dict[str, dict[str, LabelValue]]


def _value(value: LabelValue) -> str:
    if isinstance(value, list):
        return "+".join(value) or "(none)"
    return "–" if value is None else value


def render_others(others: Others, dims: tuple[Dimension, ...]) -> Content:
    """One line per annotator: ``bob  perspective=… · frame=… · certainty=…``.

    A dimension on which the listed annotators (and only they) differ is in bold.
    """
    if not others:
        return Content.styled("No other annotator has labelled this unit.", "dim")
    order = [d.id for d in dims]
    extra = sorted({d for labels in others.values() for d in labels} - set(order))
    ids = order + extra
    split = {d for d in ids if len({repr(lab.get(d)) for lab in others.values()}) > 1}
    name_w = max(len(a) for a in others)
    lines: list[Content] = []
    for who, labels in others.items():
        parts: list[Content | str | tuple[str, str]] = [(who.ljust(name_w), "bold"), " "]
        for i, d in enumerate(d for d in ids if d in labels):
            parts += [(" · " if i else " ", "dim"), (f"{d}=", "dim")]
            parts.append((_value(labels[d]), "bold" if d in split else ""))
        lines.append(Content.assemble(*parts))
    return Content("\n").join(lines)


class OthersPanel(Static):
    """``show(None)`` hides it; ``show({...})`` lists the others' labels."""

    def __init__(self, dims: tuple[Dimension, ...], *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.dims = dims
        self.border_title = "Other annotators (review from the disagreements list)"
        self._others: Others | None = None
        self.display = False

    def show(self, others: Others | None) -> None:
        """Does nothing when the labels shown did not change (the usual, hidden case)."""
        if others == self._others:
            return
        self._others = others
        self.display = others is not None
        if others is not None:
            self.update(safe(render_others(others, self.dims)))

    @property
    def text(self) -> str:
        """The plain text shown (for tests); empty while hidden."""
        content = self.content
        if not self.display:
            return ""
        return content.plain if isinstance(content, Content) else str(content)
