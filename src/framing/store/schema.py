"""Schema migrations (sqlite-migrate). A schema change is a new migration here,
appended in order; never edit one that has shipped (see docs/schema.md)."""

from __future__ import annotations

import functools

from sqlite_migrate import Migrations

from framing.store._sqlite import Database

migrations = Migrations("framing")

#: The assignments table's indexes; a large assignment drops and rebuilds them in its
#: transaction (building an index once is several times faster than 2M inserts into it).
ASSIGNMENT_INDEXES = (
    "CREATE UNIQUE INDEX IF NOT EXISTS idx_assignments_unit ON assignments (annotator, unit_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS idx_assignments_seq ON assignments (annotator, seq)",
)


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


@migrations()
def m002_study(db: Database) -> None:
    """Studies (issue 8): who labels what, under which conditions, and how long it took.

    Additive only: new tables, and new nullable columns on ``labels`` (a label made
    by release 0.1.0 keeps NULLs there: its phase and condition were not recorded).
    """
    table = db.table
    # One row: the study's settings as JSON (framing.study.StudySettings), an id that
    # identifies it across copies (merge refuses another study), the codebook it uses.
    table("study").create(
        {
            "id": int,
            "study_uid": str,
            "settings": str,
            "codebook": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"study_uid", "settings", "created_at"},
    )
    table("study_annotators").create(
        {"name": str, "hints_condition": str, "added_at": str},
        pk="name",
        not_null={"hints_condition", "added_at"},
    )
    # One row per (annotator, unit) in the study: ``seq`` is the unit's place in that
    # annotator's queue; ``role`` is calibration, regular or check. No foreign key to
    # units: a re-segmented unit may go away, and the queue's join then drops it.
    # A plain table with two unique indexes, (annotator, seq) for queue order and
    # (annotator, unit_id) for look-ups; a large assignment rebuilds them once.
    db.execute(
        "CREATE TABLE assignments (annotator TEXT NOT NULL, unit_id TEXT NOT NULL,"
        " seq INTEGER NOT NULL, role TEXT NOT NULL, created_at TEXT NOT NULL)"
    )
    for ddl in ASSIGNMENT_INDEXES:
        db.execute(ddl)
    # Known-answer units (framing checks add).
    table("checks").create(
        {"unit_id": str, "dimension": str, "value": str, "created_at": str},
        pk=("unit_id", "dimension"),
        foreign_keys=[("unit_id", "units", "unit_id")],
        not_null={"value", "created_at"},
    )
    # An annotator saw other annotators' labels on a unit (from then on, their labels
    # of that unit are review labels, kept but never counted in agreement).
    table("exposures").create(
        {"id": int, "annotator": str, "unit_id": str, "created_at": str},
        pk="id",
        not_null={"annotator", "unit_id", "created_at"},
    )
    db.execute("CREATE INDEX idx_exposures_annotator_unit ON exposures (annotator, unit_id)")
    # Live annotation sessions, to warn about a second one under the same name.
    table("sessions").create(
        {"id": int, "annotator": str, "host": str, "pid": int, "started_at": str, "ended_at": str},
        pk="id",
        not_null={"annotator", "started_at"},
    )
    labels = table("labels")
    labels.add_column("phase", str)  # independent | review (NULL: not recorded)
    labels.add_column("hints_condition", str)  # on | off (NULL: not recorded)
    labels.add_column("shown_at", str)  # when the unit was put on screen
    labels.add_column("active_ms", int)  # active time on the unit (idle > 60 s not counted)
    # The latest label per (unit, annotator, dimension) among those made before its
    # author saw anybody else's label: what agreement counts by default.
    db.execute(
        """
        CREATE VIEW independent_labels AS
        SELECT l.unit_id, l.annotator, l.dimension, l.value, l.origin, l.created_at
        FROM labels AS l
        WHERE l.id IN (SELECT MAX(id) FROM labels WHERE COALESCE(phase, 'independent')
                       = 'independent' GROUP BY unit_id, annotator, dimension)
          AND l.value IS NOT NULL
        """
    )


@migrations()
def m003_review(db: Database) -> None:
    """Flags, notes, gold labels with provenance, and unit supersession (issue 9).

    Every table is append-only: the row with the highest ``id`` per key counts.
    """
    table = db.table
    table("flags").create(
        {
            "id": int,
            "unit_id": str,
            "annotator": str,
            "reason": str,
            "active": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("unit_id", "units", "unit_id"), ("annotator", "annotators", "name")],
        not_null={"unit_id", "annotator", "reason", "active", "created_at"},
    )
    table("notes").create(
        {"id": int, "unit_id": str, "annotator": str, "text": str, "created_at": str},
        pk="id",
        foreign_keys=[("unit_id", "units", "unit_id"), ("annotator", "annotators", "name")],
        not_null={"unit_id", "annotator", "created_at"},
    )
    table("gold").create(
        {
            "id": int,
            "unit_id": str,
            "dimension": str,
            "value": str,
            "method": str,
            "decided_by": str,
            "decided_at": str,
            "from_labels": str,
            "confidence": float,
            "reason": str,
            "undoes": int,
        },
        pk="id",
        foreign_keys=[("unit_id", "units", "unit_id")],
        not_null={"unit_id", "dimension", "method", "decided_by", "decided_at"},
    )
    table("unit_supersessions").create(
        {
            "id": int,
            "old_unit_id": str,
            "new_unit_id": str,
            "operation": str,
            "old_kind": str,
            "old_queued": int,
            "decided_by": str,
            "decided_at": str,
        },
        pk="id",
        foreign_keys=[("old_unit_id", "units", "unit_id"), ("new_unit_id", "units", "unit_id")],
        not_null={"old_unit_id", "new_unit_id", "operation", "decided_by", "decided_at"},
    )
    db.execute("CREATE INDEX idx_flags_unit ON flags (unit_id, annotator, reason, id)")
    db.execute("CREATE INDEX idx_notes_unit ON notes (unit_id, annotator, id)")
    db.execute("CREATE INDEX idx_gold_unit ON gold (unit_id, dimension, id)")
    db.execute("CREATE INDEX idx_gold_dimension ON gold (dimension, unit_id, id)")
    db.execute("CREATE INDEX idx_supersessions_old ON unit_supersessions (old_unit_id)")


#: The code tables of m004 (integer codes of every label row, for bulk reads).
LABEL_CODE_TERMS = ("annotator", "dimension", "value", "hints_condition", "phase")


def code_labels_after(db: Database, after_id: int) -> None:
    """Code every label row with ``id > after_id`` into ``label_codes`` (m004), adding
    its unit id, terms and timestamps to the dictionaries first.  Set-based SQL, so a
    batch of labels costs a few index probes per row inside SQLite; called by the
    migration (backfill) and by every write path of the store after it appends labels.
    """
    new = "FROM labels WHERE id > ?"
    db.execute(f"INSERT OR IGNORE INTO label_units (unit_id) SELECT unit_id {new}", [after_id])
    terms = " UNION ".join(f"SELECT '{t}', {t} {new} AND {t} IS NOT NULL" for t in LABEL_CODE_TERMS)
    db.execute(f"INSERT OR IGNORE INTO label_terms (kind, text) {terms}", [after_id] * 5)
    db.execute(
        f"INSERT OR IGNORE INTO label_times (text) SELECT created_at {new}"
        f" UNION SELECT shown_at {new} AND shown_at IS NOT NULL",
        [after_id, after_id],
    )

    def term(kind: str, col: str) -> str:
        return f"(SELECT code FROM label_terms WHERE kind = '{kind}' AND text = l.{col})"

    db.execute(
        "INSERT INTO label_codes (id, unit, annotator, dimension, value, independent,"
        " created, shown, active_ms, hints_condition, phase)"
        " SELECT l.id, (SELECT code FROM label_units WHERE unit_id = l.unit_id),"
        f" {term('annotator', 'annotator')}, {term('dimension', 'dimension')},"
        f" {term('value', 'value')}, COALESCE(l.phase, 'independent') = 'independent',"
        " (SELECT code FROM label_times WHERE text = l.created_at),"
        " (SELECT code FROM label_times WHERE text = l.shown_at), l.active_ms,"
        f" {term('hints_condition', 'hints_condition')}, {term('phase', 'phase')}"
        " FROM labels AS l WHERE l.id > ? ORDER BY l.id",
        [after_id],
    )


def _unit_feature_inserts(u: str, units: str = "") -> list[str]:
    """The rows of ``unit_cues`` and ``unit_actors`` for the unit ``u`` (``NEW`` in a
    trigger; in the backfill the alias of every unit, with ``units`` its FROM item).
    Hints that are not valid JSON count as none (never an error).  One row per cue
    (``n`` = 1), and one per distinct (unit, actor id, name) through the unique index:
    no GROUP BY or DISTINCT, whose temporary b-tree per inserted unit made ingest slow.
    """
    hints = f"CASE WHEN json_valid({u}.hints) THEN {u}.hints ELSE '{{}}' END"
    cues = f"json_each({hints}, '$.cues')"
    return [
        "INSERT INTO unit_cues (unit_id, doc_id, queued, type, n)"
        f" SELECT {u}.unit_id, {u}.doc_id, {u}.queued, json_extract(c.value, '$.type'), 1"
        f" FROM {units}{cues} AS c",
        "INSERT OR IGNORE INTO unit_actors (unit_id, doc_id, queued, actor, name, reported)"
        f" SELECT {u}.unit_id, {u}.doc_id, {u}.queued, json_extract(a.value, '$.id'),"
        f" COALESCE(json_extract(a.value, '$.name'), ''), EXISTS (SELECT 1 FROM {cues} AS c"
        "  WHERE json_extract(c.value, '$.type') IN ('attribution', 'quote'))"
        f" FROM {units}json_each({hints}, '$.actors') AS a"
        " WHERE json_extract(a.value, '$.id') IS NOT NULL",
    ]


@migrations()
def m004_dataset(db: Database) -> None:
    """Integer codes of every label row (issue 10): what export and analysis read.

    Additive only: four new tables, backfilled here from every label; ``labels``
    itself is unchanged and stays the record.  ``label_codes`` has one row per
    ``labels`` row (same ``id``): the unit as a ``label_units`` code, annotator,
    dimension, value, hint condition and phase as ``label_terms`` codes (per kind),
    ``created_at`` and ``shown_at`` as ``label_times`` codes, ``active_ms`` as is,
    and ``independent`` (1 unless the phase is ``review``).  A NULL ``value`` is a
    retraction.  The store's write paths code the labels they append in the same
    transaction; a label row changed or deleted by hand drops its code and every
    later one (triggers), so a reader sees codes lagging behind ``labels`` and reads
    the labels themselves until the next write re-codes them.
    """
    db.execute("CREATE TABLE label_units (code INTEGER PRIMARY KEY, unit_id TEXT NOT NULL UNIQUE)")
    db.execute(
        "CREATE TABLE label_terms (code INTEGER PRIMARY KEY, kind TEXT NOT NULL,"
        " text TEXT NOT NULL, UNIQUE (kind, text))"
    )
    db.execute("CREATE TABLE label_times (code INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)")
    db.execute(
        "CREATE TABLE label_codes (id INTEGER PRIMARY KEY, unit INTEGER NOT NULL,"
        " annotator INTEGER NOT NULL, dimension INTEGER NOT NULL, value INTEGER,"
        " independent INTEGER NOT NULL, created INTEGER NOT NULL, shown INTEGER,"
        " active_ms INTEGER, hints_condition INTEGER, phase INTEGER)"
    )
    db.execute(
        "CREATE TRIGGER label_codes_on_update AFTER UPDATE ON labels"
        " BEGIN DELETE FROM label_codes WHERE id >= MIN(OLD.id, NEW.id); END"
    )
    db.execute(
        "CREATE TRIGGER label_codes_on_delete AFTER DELETE ON labels"
        " BEGIN DELETE FROM label_codes WHERE id >= OLD.id; END"
    )
    code_labels_after(db, 0)
    # Text features per unit, from its stored hints: cue counts by type, and the actors
    # it mentions (with whether it carries an attribution or quote cue).  Triggers keep
    # them equal to ``units.hints`` whatever writes the units (ingest, re-segmentation,
    # adjudication, a hand edit), so an analysis sums them instead of parsing the JSON
    # of every unit again.  ``doc_id`` and ``queued`` are copied: no join with units.
    db.execute(
        "CREATE TABLE unit_cues (unit_id TEXT NOT NULL, doc_id TEXT NOT NULL,"
        " queued INTEGER NOT NULL, type TEXT, n INTEGER NOT NULL)"
    )
    db.execute(
        "CREATE TABLE unit_actors (unit_id TEXT NOT NULL, doc_id TEXT NOT NULL,"
        " queued INTEGER NOT NULL, actor TEXT NOT NULL, name TEXT, reported INTEGER NOT NULL)"
    )
    db.execute("CREATE INDEX idx_unit_cues_unit ON unit_cues (unit_id)")
    # unique: a unit that names the same actor twice counts once (and a delete finds
    # a unit's rows by its prefix); a missing name is stored as ''
    db.execute("CREATE UNIQUE INDEX idx_unit_actors_unit ON unit_actors (unit_id, actor, name)")
    for sql in _unit_feature_inserts("u", "units AS u, "):
        db.execute(sql)
    delete = (
        "DELETE FROM unit_cues WHERE unit_id = OLD.unit_id;"
        " DELETE FROM unit_actors WHERE unit_id = OLD.unit_id;"
    )
    insert = " ".join(f"{q};" for q in _unit_feature_inserts("NEW"))
    db.execute(f"CREATE TRIGGER unit_features_on_insert AFTER INSERT ON units BEGIN {insert} END")
    db.execute(
        "CREATE TRIGGER unit_features_on_update AFTER UPDATE OF unit_id, doc_id, queued, hints"
        f" ON units BEGIN {delete} {insert} END"
    )
    db.execute(f"CREATE TRIGGER unit_features_on_delete AFTER DELETE ON units BEGIN {delete} END")


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
