"""Small synthetic annotation databases with known labels, for the agreement tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from framing.codebook import parse_codebook
from framing.models import Codebook, Document, LabelValue, UnitDraft
from framing.store import Store

CODEBOOK_TOML = """
name = "agreement-test"
version = 1

[[dimensions]]
id = "frame"
question = "Which frame?"
kind = "single"
labels = [
  { id = "x", name = "Ex", key = "1", definition = "x" },
  { id = "y", name = "Why", key = "2", definition = "y" },
  { id = "z", name = "Zed", key = "3", definition = "z" },
]

[[dimensions]]
id = "cert"
question = "How certain?"
kind = "ordinal"
labels = [
  { id = "hi", name = "High", key = "4", definition = "hi" },
  { id = "mid", name = "Middle", key = "5", definition = "mid" },
  { id = "lo", name = "Low", key = "6", definition = "lo" },
]

[[dimensions]]
id = "topics"
question = "Which topics?"
kind = "multi"
labels = [
  { id = "a", name = "A", key = "7", definition = "a" },
  { id = "b", name = "B", key = "8", definition = "b" },
  { id = "c", name = "C", key = "9", definition = "c" },
]
"""


def codebook() -> Codebook:
    return parse_codebook(CODEBOOK_TOML, "<test>")


def write_codebook(folder: Path) -> Path:
    path = folder / "codebook.toml"
    path.write_text(CODEBOOK_TOML, "utf-8")
    return path


def make_store(path: Path, docs: Sequence[tuple[str, str, int]]) -> tuple[Store, list[str]]:
    """A store with ``(doc_id, source, n_units)`` documents; returns it and the unit ids
    in document and position order."""
    store = Store.open(path)
    items = []
    for doc_id, source, n in docs:
        doc = Document(
            doc_id=doc_id, file=f"{doc_id}.txt", title=doc_id.upper(), source=source, sha256=doc_id
        )
        drafts = [UnitDraft(i, i * 10, i * 10 + 8, f"Sentence {i} of {doc_id}.") for i in range(n)]
        items.append((doc, drafts))
    store.ingest(items)
    return store, [u.unit_id for u in store.iter_units()]


def add_matrix(
    store: Store,
    unit_ids: Sequence[str],
    dimension: str,
    matrix: dict[str, Sequence[LabelValue]],
    *,
    timed: bool = False,
) -> None:
    """Labels from ``{annotator: [value per unit]}`` (``None`` = not rated).

    ``timed`` adds them one by one (distinct ``created_at``, annotator by annotator
    in unit order); otherwise in one import (one shared timestamp).
    """
    rows = [
        (u, a, dimension, v)
        for a, values in matrix.items()
        for u, v in zip(unit_ids, values, strict=True)
        if v is not None
    ]
    add_rows(store, rows, timed=timed)


def add_rows(
    store: Store, rows: Iterable[tuple[str, str, str, LabelValue]], *, timed: bool = False
) -> None:
    rows = list(rows)
    if timed:
        for u, a, d, v in rows:
            store.add_label(u, a, d, v)
    else:
        store.import_labels(rows)
