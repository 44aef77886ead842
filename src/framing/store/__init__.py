"""The SQLite store: the only module in framing that speaks SQL.

Schema (version 1, applied with sqlite-migrate; documented in docs/schema.md)
-----------------------------------------------------------------------------
``documents``  one row per ingested text: ``doc_id`` (PK), ``file``, ``title``,
               ``author``, ``publisher``, ``date``, ``source``, ``sha256``,
               ``n_chars``, ``ingested_at``.
``units``      one row per sentence-like unit: ``unit_id`` (PK, ``doc:start-end``),
               ``doc_id`` (FK), ``position``, ``start``/``end`` (character offsets
               into the original file), ``text`` (clean display text), ``kind``,
               ``queued`` (0/1), ``sentiment`` (VADER compound), ``hints`` (JSON).
``annotators`` one row per annotator name.
``labels``     append-only history: ``id`` (PK, monotonic), ``unit_id`` (FK),
               ``annotator`` (FK), ``dimension``, ``value`` (a label id; a JSON
               array of label ids for a multi dimension; NULL retracts), ``origin``
               (``ui`` or ``import``), ``created_at``. The current label of a
               (unit, annotator, dimension) is the row with the highest ``id``.
``skips``      append-only: ``skipped`` 1 when an annotator skips a unit, 0 when that
               skip is undone; the row with the highest ``id`` per (annotator, unit)
               counts.
``current_labels`` (view) the latest non-NULL label per (unit, annotator, dimension).

The database runs in WAL mode with ``synchronous=FULL``; every label is its own
transaction, committed before the UI moves on, so ``kill -9`` loses nothing.

The class is assembled from mixins, one file per job: ``base`` (opening, schema
checks, transactions), ``documents`` (ingest, units), ``queue`` (navigation, skips,
progress; every queue query goes through ``QueueMixin._queue_sql``), ``labels``
(label history, bulk reads for agreement), ``browse`` (wider context,
per-document progress, search, an annotator's labelled units), ``study`` (schema
m002: study settings, assignments, checks, exposures to others' labels, live
sessions), ``merge`` (appending the histories of offline copies), ``dataset``
(reads for export and analysis; gold and flags only when their tables exist),
``review`` (flags, notes, gold with provenance, unit split/merge; schema m003_review),
``conditions`` (the hint condition of each counted label, for ``--by hints``) and
``codes`` (integer codes of every label row, schema m004_dataset, kept by every
write path; what export and analysis read).
"""

from __future__ import annotations

import framing.store._sqlite  # noqa: F401  (first: sqlite-utils without pandas)
from framing.store.base import DEFAULT_DB
from framing.store.browse import BrowseMixin, DocumentProgress, LabelledUnit
from framing.store.conditions import ConditionsMixin
from framing.store.dataset import DatasetMixin
from framing.store.labels import LabelsMixin
from framing.store.maint import MaintMixin
from framing.store.merge import MergeMixin, MergeReport
from framing.store.review import ReviewMixin
from framing.store.rows import LabelColumns, decode_value, encode_value
from framing.store.schema import KNOWN_MIGRATIONS, SCHEMA_VERSION, migrations


class Store(
    LabelsMixin,
    MergeMixin,
    DatasetMixin,
    ReviewMixin,
    BrowseMixin,
    MaintMixin,
    ConditionsMixin,
):
    """A framing database. Open it with :meth:`Store.open`."""


__all__ = [
    "DEFAULT_DB",
    "DocumentProgress",
    "KNOWN_MIGRATIONS",
    "SCHEMA_VERSION",
    "LabelColumns",
    "LabelledUnit",
    "MergeReport",
    "Store",
    "decode_value",
    "encode_value",
    "migrations",
]
