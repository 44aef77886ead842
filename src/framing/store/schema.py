"""Schema migrations (sqlite-migrate). A schema change is a new migration here,
appended in order; never edit one that has shipped (see docs/schema.md)."""

from __future__ import annotations

import functools

from sqlite_migrate import Migrations
from sqlite_utils import Database

migrations = Migrations("framing")


@migrations()
def m001_initial(db: Database) -> None:
    table = db.table
    table("documents").create(
        {
            "doc_id": str,
            "file": str,
            "title": str,
            "author": str,
            "publisher": str,
            "date": str,
            "source": str,
            "perspective": str,
            "sha256": str,
            "fingerprint": str,
            "n_chars": int,
            "ingested_at": str,
        },
        pk="doc_id",
        not_null={"file", "sha256"},
    )
    table("units").create(
        {
            "unit_id": str,
            "doc_id": str,
            "position": int,
            "start": int,
            "end": int,
            "text": str,
            "kind": str,
            "queued": int,
            "sentiment": float,
            "hints": str,
        },
        pk="unit_id",
        foreign_keys=[("doc_id", "documents", "doc_id")],
        not_null={"doc_id", "position", "start", "end", "text", "kind", "queued"},
    )
    table("annotators").create({"name": str, "created_at": str}, pk="name")
    table("labels").create(
        {
            "id": int,
            "unit_id": str,
            "annotator": str,
            "dimension": str,
            "value": str,
            "origin": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("unit_id", "units", "unit_id"), ("annotator", "annotators", "name")],
        not_null={"unit_id", "annotator", "dimension", "origin", "created_at"},
    )
    table("skips").create(
        {"id": int, "unit_id": str, "annotator": str, "skipped": int, "created_at": str},
        pk="id",
        foreign_keys=[("unit_id", "units", "unit_id"), ("annotator", "annotators", "name")],
        not_null={"unit_id", "annotator", "skipped", "created_at"},
        defaults={"skipped": 1},
    )
    # Hot paths: queue order, neighbours in a document, an annotator's current labels.
    db.execute("CREATE INDEX idx_units_queue ON units (queued, doc_id, position)")
    db.execute("CREATE INDEX idx_units_doc_position ON units (doc_id, position)")
    db.execute(
        "CREATE INDEX idx_labels_annotator_unit ON labels (annotator, unit_id, dimension, id)"
    )
    db.execute("CREATE INDEX idx_labels_unit ON labels (unit_id, annotator, dimension, id)")
    db.execute("CREATE INDEX idx_skips_annotator_unit ON skips (annotator, unit_id, id)")
    db.execute("CREATE INDEX idx_skips_unit ON skips (unit_id)")
    db.execute(
        """
        CREATE VIEW current_labels AS
        SELECT l.unit_id, l.annotator, l.dimension, l.value, l.origin, l.created_at
        FROM labels AS l
        WHERE l.id IN (SELECT MAX(id) FROM labels GROUP BY unit_id, annotator, dimension)
          AND l.value IS NOT NULL
        """
    )


SCHEMA_VERSION = len(migrations._migrations)


@functools.cache
def _expected_columns() -> dict[str, frozenset[str]]:
    """Tables and columns the migrations create, read off a scratch in-memory database."""
    scratch = Database(memory=True)
    migrations.apply(scratch)
    return {
        t.name: frozenset(t.columns_dict)
        for t in scratch.tables
        if not t.name.startswith("_sqlite_migrations")
    }


KNOWN_MIGRATIONS = frozenset(m.name for m in migrations._migrations)
