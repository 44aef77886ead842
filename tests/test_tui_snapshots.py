"""Snapshots of the annotation screen at four terminal sizes, for a short sentence, a
600-character sentence and a document title that wraps over two lines.

Update after an intended change with ``pytest tests/test_tui_snapshots.py
--snapshot-update`` and look at the SVGs (``tests/__snapshots__/``) before committing.
The frame dimension (15 labels) is focused with ``down``, which commits nothing, so
no "saved" time appears.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from framing.codebook import load_codebook
from framing.models import Document, UnitDraft
from framing.store import Store
from framing.tui import create_app

SIZES = [(80, 24), (100, 30), (130, 42), (200, 60)]
SHORT = "The ministry said the talks would resume."
LONG = (
    "According to two officials who spoke on condition of anonymity, the delegation that "
    "travelled to the capital last week was told that any resumption of cross-border trade "
    "would depend on verifiable steps against the militant groups operating from the "
    "eastern provinces, a demand that the interim government has rejected in public while "
    "reportedly signalling in private that it could relocate some fighters away from the "
    "frontier, although analysts in both countries doubt that such a move would be more "
    "than symbolic, and the United Nations has said that it cannot independently confirm "
    "either account."
)
TITLE = (
    "Pakistani experts speaking on the causes of hostility between ISKP and the Afghan "
    "Taliban movement, and what it means for the region's security in the coming years"
)
CASES = {
    "short": ("Talks", SHORT),
    "long600": ("A long sentence", LONG),
    "title2": (TITLE, SHORT),
}


def _store(path: Path, case: str) -> Store:
    title, text = CASES[case]
    texts = ["An earlier sentence gives the context.", text, "A later sentence follows it."]
    drafts, pos = [], 0
    for i, t in enumerate(texts):
        drafts.append(UnitDraft(i, pos, pos + len(t), t))
        pos += len(t) + 1
    store = Store.open(path)
    store.ingest([(Document("doc", "doc.txt", title, sha256="1"), drafts)])
    return store


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("case", list(CASES))
def test_layout(snap_compare: Any, tmp_path: Path, case: str, size: tuple[int, int]) -> None:
    assert 600 <= len(LONG) < 620
    store = _store(tmp_path / "s.db", case)
    app = create_app(store, load_codebook(), "snap")
    # The first unit is the context sentence: move to the case's sentence, focus frame.
    assert snap_compare(app, press=["right", "down"], terminal_size=size)
