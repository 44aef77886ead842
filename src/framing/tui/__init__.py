"""The keyboard annotation UI (Textual). ``create_app`` is shared by the CLI and tests."""

from __future__ import annotations

from framing.models import Codebook
from framing.store import Store
from framing.tui.app import FramingApp

__all__ = ["FramingApp", "create_app"]


def create_app(store: Store, codebook: Codebook, annotator: str) -> FramingApp:
    """A ready-to-run app; call ``.run()`` (or ``.run_test()`` in tests)."""
    return FramingApp(store, codebook, annotator)
