"""The keyboard annotation UI (Textual). ``create_app`` is shared by the CLI and tests."""

from __future__ import annotations

from framing.models import Codebook
from framing.store import Store
from framing.tui.app import FramingApp
from framing.tui.keymap import Keymap

__all__ = ["FramingApp", "create_app"]


def create_app(
    store: Store,
    codebook: Codebook,
    annotator: str | None,
    *,
    keymap: Keymap | None = None,
    theme: str | None = None,
    mode: str = "open",
    hints: str = "on",
) -> FramingApp:
    """A ready-to-run app; call ``.run()`` (or ``.run_test()`` in tests).

    ``annotator=None`` asks for the name first (browser sessions). ``mode`` is
    ``open`` (no study), ``study`` or ``blind``; ``hints`` is the annotator's hint
    condition (``on`` or ``off``).
    """
    return FramingApp(
        store, codebook, annotator, keymap=keymap, theme=theme, mode=mode, hints=hints
    )
