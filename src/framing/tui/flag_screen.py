"""Flag the current unit: one key picks the reason (a modal)."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from framing.store.review import FLAG_REASONS

#: key -> (reason id, what the annotator reads)
FLAG_KEYS: dict[str, tuple[str, str]] = {
    "1": ("segmentation", "segmentation error (not one sentence, or cut wrongly)"),
    "2": ("guideline_gap", "guideline gap (the codebook does not cover this)"),
    "3": ("off_topic", "off-topic (nothing to annotate here)"),
    "4": ("other", "other (add a note with n)"),
}
assert [r for r, _ in FLAG_KEYS.values()] == list(FLAG_REASONS)


class FlagScreen(ModalScreen[str | None]):
    """Returns the chosen reason id, or None on escape. Reasons already flagged by
    this annotator are marked: choosing one again removes that flag."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="flag_cancel"),
    ]

    def __init__(self, active: set[str]) -> None:
        super().__init__(id="flag")
        self.active = active

    def compose(self) -> ComposeResult:
        parts: list[Content | str | tuple[str, str]] = [("Flag this unit because of…", "bold")]
        for key, (reason, text) in FLAG_KEYS.items():
            mark = "● " if reason in self.active else "  "
            parts += ["\n", mark, (key, "bold"), f"  {text}"]
            if reason in self.active:
                parts.append((" (flagged: press again to remove)", "dim"))
        box = Static(Content.assemble(*parts), id="flag-box", markup=False)
        box.border_subtitle = "1-4 pick · escape cancels"
        yield box

    def on_key(self, event: events.Key) -> None:
        if event.character in FLAG_KEYS:
            event.stop()
            event.prevent_default()
            self.dismiss(FLAG_KEYS[event.character][0])

    def action_cancel(self) -> None:
        self.dismiss(None)
