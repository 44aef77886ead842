"""The Textual application behind ``framing annotate`` and ``framing serve``."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme

from framing.models import Codebook
from framing.store import Store
from framing.tui.annotate_screen import AnnotateScreen
from framing.tui.keymap import Keymap
from framing.tui.name_screen import NameScreen

#: High contrast on black, in the Okabe–Ito palette (distinguishable with the
#: common forms of colour blindness): orange accent, sky blue, bluish green,
#: vermillion for errors, yellow for warnings.
HIGH_CONTRAST = Theme(
    name="framing-high-contrast",
    primary="#56B4E9",
    secondary="#0072B2",
    accent="#E69F00",
    warning="#F0E442",
    error="#D55E00",
    success="#009E73",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    dark=True,
)


class FramingApp(App[None]):
    """Annotate the queued units of ``store`` as ``annotator`` with ``codebook``.

    With no ``annotator`` (a browser session of ``framing serve``), the first
    screen asks for the name.
    """

    CSS_PATH = "framing.tcss"
    TITLE = "framing"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit", id="quit")]

    def __init__(
        self,
        store: Store,
        codebook: Codebook,
        annotator: str | None,
        *,
        keymap: Keymap | None = None,
        theme: str | None = None,
        mode: str = "open",
        hints: str = "on",
    ) -> None:
        super().__init__()
        self.store = store
        self.codebook = codebook
        self.annotator = annotator or ""
        self.sub_title = self.annotator
        self.register_theme(HIGH_CONTRAST)
        if theme:
            self.theme = theme
        self.key_overrides: Keymap = dict(keymap or {})
        if self.key_overrides:
            self.set_keymap(self.key_overrides)
        #: ``open``, ``study`` or ``blind`` (see :class:`AnnotateScreen`).
        self.mode = mode
        self.hints = hints

    #: Move the objects that exist once the first screen is up (Textual, the codebook,
    #: the widgets: ~100k) out of the garbage collector's reach while the app runs,
    #: so a full collection does not add ~50 ms to a key press. Undone on exit.
    FREEZE_GC_ON_READY: ClassVar[bool] = True

    async def action_quit(self) -> None:
        """Quit, but never while labels wait for a locked database (issue 7)."""
        screens = [s for s in self.screen_stack if isinstance(s, AnnotateScreen)]
        session = screens[0].session if screens else None
        if session is not None and session.pending and not session.flush_pending():
            self.notify(
                f"{len(session.pending)} label(s) wait for the database (another process "
                "holds it locked); they are retried; press q again once they are saved",
                severity="warning",
            )
            return
        self.exit()

    def on_ready(self) -> None:
        if self.FREEZE_GC_ON_READY:
            gc.freeze()

    def on_unmount(self) -> None:
        if self.FREEZE_GC_ON_READY:
            gc.unfreeze()

    def get_default_screen(self) -> Screen[None]:
        if self.annotator:
            return AnnotateScreen(
                self.store, self.codebook, self.annotator, mode=self.mode, hints=self.hints
            )
        if self.mode != "open":
            names = list(self.store.study_annotators())
            return NameScreen(names, study=names)
        return NameScreen(self.store.annotators())

    def start_annotating(self, annotator: str) -> None:
        """The name screen's answer: annotate as ``annotator``."""
        self.annotator = annotator
        self.sub_title = annotator
        if self.mode != "open":  # the annotator's hint condition in the study
            self.hints = self.store.study_annotators().get(annotator, self.hints)
        self.push_screen(
            AnnotateScreen(self.store, self.codebook, annotator, mode=self.mode, hints=self.hints)
        )

    @property
    def annotate_screen(self) -> AnnotateScreen:
        """The main screen (under any open modal or list)."""
        return next(s for s in self.screen_stack if isinstance(s, AnnotateScreen))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette (ctrl+p): framing's actions with their keys, then Textual's
        (Theme lists every theme, among them framing-high-contrast)."""
        main = next((s for s in self.screen_stack if isinstance(s, AnnotateScreen)), None)
        if main is not None:
            for binding in main.BINDINGS:
                assert isinstance(binding, Binding)
                if binding.id in ("dimension_prev", "dimension_next"):
                    continue
                if main.hidden_in_mode(binding.action):  # not offered in this study mode
                    continue
                key = self.key_overrides.get(binding.id or "", binding.key)
                action = binding.action
                yield SystemCommand(
                    binding.description,
                    f"key: {key} · {binding.id}",
                    lambda action=action: self._run_on_main(action),
                )
        yield from super().get_system_commands(screen)

    async def _run_on_main(self, action: str) -> None:
        await self.annotate_screen.run_action(action)


def all_binding_ids() -> set[str]:
    """Every binding id a key file may remap."""
    from framing.tui.disagreements_screen import DisagreementsScreen
    from framing.tui.help_screen import HelpScreen
    from framing.tui.pick_screen import PickScreen

    ids: set[str] = set()
    for cls in (FramingApp, AnnotateScreen, HelpScreen, DisagreementsScreen, PickScreen):
        for b in cls.BINDINGS:
            if isinstance(b, Binding) and b.id:
                ids.add(b.id)
    return ids
