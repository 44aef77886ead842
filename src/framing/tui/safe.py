"""Styled text made safe for the terminal (see :mod:`framing.display`)."""

from __future__ import annotations

from textual.content import Content

from framing.display import visible


def safe(content: Content) -> Content:
    """``content`` with its control characters shown as visible symbols (``␛``).

    :func:`~framing.display.visible` keeps the length, so every style span still
    covers the same characters."""
    plain = content.plain
    shown = visible(plain)
    if shown == plain:
        return content
    return Content(shown, spans=list(content.spans), strip_control_codes=False)
