"""The Textual application behind ``framing adjudicate``."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from framing.models import Codebook
from framing.store import Store
from framing.tui.adjudicate_screen import AdjudicateScreen
from framing.tui.adjudication import AdjudicationSession


class AdjudicateApp(App[None]):
    """Decide gold labels for the units of ``store`` as ``adjudicator``."""

    CSS_PATH = "framing.tcss"
    TITLE = "framing adjudicate"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit", id="quit")]

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
        super().__init__()
        self.session = AdjudicationSession(
            store,
            codebook,
            adjudicator,
            dimension=dimension,
            flagged_only=flagged_only,
            min_disagreement=min_disagreement,
        )
        self.sub_title = adjudicator

    def get_default_screen(self) -> Screen[None]:
        return AdjudicateScreen(self.session)

    @property
    def adjudicate_screen(self) -> AdjudicateScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, AdjudicateScreen)
        return screen
