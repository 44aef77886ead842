"""The seeds with labels imported from three annotators (amina, boris, chen), shared by
the export, card and analysis tests.  Labels are drawn with a fixed seed and lean
towards each document's own perspective and one frame per document, so the sources
really differ."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from framing.codebook import load_codebook
from framing.store import Store

ANNOTATORS = ("amina", "boris", "chen")


def label_seeds(db: Path) -> int:
    store = Store.open(db)
    cb = load_codebook(None)
    rng = random.Random(1)
    docs = {d.doc_id: d for d in store.documents()}
    rows = []
    for k, u in enumerate(store.iter_units(queued_only=True)):
        doc_no = sorted(docs).index(u.doc_id)
        for a in ANNOTATORS:
            for d in cb.dimensions:
                ids = d.label_ids
                if d.id == "perspective" and rng.random() < 0.6:
                    v = docs[u.doc_id].perspective
                elif d.id == "frame" and rng.random() < 0.3:
                    v = ids[5 + doc_no]
                elif d.id == "certainty" and k % 7 == 0:
                    v = ids[0]
                else:
                    v = rng.choice(ids)
                rows.append((u.unit_id, a, d.id, v))
    n = store.import_labels(rows)
    store.close()
    return n


@pytest.fixture(scope="session")
def labelled_seeds_template(
    seeded_db_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    db = tmp_path_factory.mktemp("labelled") / "seeds.db"
    for suffix in ("", "-wal", "-shm"):
        src = Path(f"{seeded_db_template}{suffix}")
        if src.exists():
            shutil.copy(src, f"{db}{suffix}")
    label_seeds(db)
    return db
