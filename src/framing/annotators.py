"""Annotator names: stripped, and a question before a new name starts a new annotator.

A mistyped ``--annotator "Ann1 "`` must not silently start a second annotator,
so both the command line and the browser's name screen ask first, showing the
names the database knows.
"""

from __future__ import annotations

from collections.abc import Sequence


def clean_name(raw: str) -> str:
    """The name as stored: surrounding whitespace removed."""
    return raw.strip()


def new_name_question(raw: str, known: Sequence[str]) -> str | None:
    """``"new annotator 'Ann1 '? known: ann1, ann2"`` when the (stripped) name is not
    known and others are; None when the name is known or the database has none."""
    name = clean_name(raw)
    if not known or name in known:
        return None
    return f"new annotator {raw!r}? known: {', '.join(known)}"
