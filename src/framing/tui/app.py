"""The Textual application behind ``framing annotate``."""

from __future__ import annotations

import gc
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from framing.models import Codebook
from framing.store import Store
from framing.tui.annotate_screen import AnnotateScreen


class FramingApp(App[None]):
    """Annotate the queued units of ``store`` as ``annotator`` with ``codebook``."""

    CSS_PATH = "framing.tcss"
    TITLE = "framing"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit", id="quit")]

    def __init__(self, store: Store, codebook: Codebook, annotator: str) -> None:
        super().__init__()
        self.store = store
        self.codebook = codebook
        self.annotator = annotator
        self.sub_title = annotator

    #: Move the objects that exist once the first screen is up (Textual, the codebook,
    #: the widgets: ~100k) out of the garbage collector's reach while the app runs,
    #: so a full collection does not add ~50 ms to a key press. Undone on exit.
    FREEZE_GC_ON_READY: ClassVar[bool] = True

    def on_ready(self) -> None:
        if self.FREEZE_GC_ON_READY:
            gc.freeze()

    def on_unmount(self) -> None:
        if self.FREEZE_GC_ON_READY:
            gc.unfreeze()

    def get_default_screen(self) -> Screen[None]:
        return AnnotateScreen(self.store, self.codebook, self.annotator)

    @property
    def annotate_screen(self) -> AnnotateScreen:
        """The main screen (under any open help modal)."""
        screen = self.screen_stack[0]
        assert isinstance(screen, AnnotateScreen)
        return screen
