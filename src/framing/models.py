"""Plain data types shared by the core modules, the CLI and the UI.

Nothing here touches SQL, spaCy or Textual: these are the contracts between
``codebook``, ``segment``/``ingest``, ``store``, ``agreement`` and ``export``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

DimensionKind = Literal["single", "multi", "ordinal"]
DIMENSION_KINDS: tuple[str, ...] = ("single", "multi", "ordinal")

#: A label value as stored and exported: a label id (single, ordinal),
#: a sorted list of label ids (multi), or None (no label / retracted).
LabelValue = str | list[str] | None

#: Every kind a unit can have (segmentation's rules are in framing.segment.kinds).
UNIT_KINDS: tuple[str, ...] = (
    "title",
    "heading",
    "body",
    "list_item",
    "block_quote",
    "caption",
    "social",
    "reference",
    "front_matter",
    "other",
)

#: Unit kinds queued for annotation unless a manifest or codebook says otherwise.
DEFAULT_QUEUED_KINDS: tuple[str, ...] = ("title", "body", "list_item", "block_quote")


class FramingError(Exception):
    """A user-facing error: the CLI prints ``str(err)`` on one line and exits 1."""


@dataclass(frozen=True)
class Label:
    id: str
    name: str
    key: str
    definition: str
    example: str = ""


@dataclass(frozen=True)
class Dimension:
    id: str
    question: str
    kind: DimensionKind
    labels: tuple[Label, ...]

    def label(self, label_id: str) -> Label | None:
        for lab in self.labels:
            if lab.id == label_id:
                return lab
        return None

    def by_key(self, key: str) -> Label | None:
        for lab in self.labels:
            if lab.key == key:
                return lab
        return None

    @property
    def label_ids(self) -> tuple[str, ...]:
        """Label ids in codebook order (scale order for an ordinal dimension)."""
        return tuple(lab.id for lab in self.labels)


@dataclass(frozen=True)
class Actor:
    """A gazetteer entry: a canonical actor name and the aliases that mention it."""

    id: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Codebook:
    dimensions: tuple[Dimension, ...]
    name: str = "codebook"
    path: str = ""
    actors: tuple[Actor, ...] = ()
    queued_kinds: tuple[str, ...] = DEFAULT_QUEUED_KINDS

    def dimension(self, dim_id: str) -> Dimension | None:
        for dim in self.dimensions:
            if dim.id == dim_id:
                return dim
        return None

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions)


@dataclass(frozen=True)
class Document:
    doc_id: str
    file: str
    title: str = ""
    author: str = ""
    publisher: str = ""
    date: str = ""
    source: str = ""
    sha256: str = ""
    n_chars: int = 0
    perspective: str = ""  # the codebook label id of ``source``, when a manifest gives it
    #: Identifies the segmentation settings the units came from (segmenter version,
    #: queued kinds, exclusions, hint gazetteer): same bytes + same fingerprint means
    #: a re-ingest has nothing to do. Empty means "always compare".
    fingerprint: str = ""


@dataclass(frozen=True)
class UnitDraft:
    """A unit as segmentation produces it, before it has an id or a store."""

    position: int
    start: int
    end: int
    text: str
    kind: str = "body"
    queued: bool = True
    sentiment: float = 0.0
    hints: dict[str, Any] | None = None


@dataclass(frozen=True)
class Unit:
    unit_id: str
    doc_id: str
    position: int
    start: int
    end: int
    text: str
    kind: str
    queued: bool
    sentiment: float
    hints: dict[str, Any] | None = None


def make_unit_id(doc_id: str, start: int, end: int) -> str:
    """A unit id is stable for the same span of the same document."""
    return f"{doc_id}:{start}-{end}"


@dataclass
class IngestReport:
    documents_added: int = 0
    documents_unchanged: int = 0
    documents_updated: int = 0
    units_added: int = 0


# --------------------------------------------------------------------- hints
# Pre-annotation hints are stored per unit as JSON (``units.hints``) with this
# shape. Offsets are character offsets into the unit's clean ``text``. Hints are
# suggestions shown to the annotator; they are never preselected as labels.
#
#   {
#     "cues": [{"type": "hedge" | "booster" | "negated_booster" | "attribution"
#                        | "evidential" | "anonymous_source" | "quote",
#               "text": str, "start": int, "end": int}],
#     "actors": [{"id": str, "name": str, "text": str, "start": int, "end": int}],
#     "tone": {"compound": float, "label": "positive" | "negative" | "neutral"},
#     "suggested_certainty": {"label": str, "reasons": [str]} | None
#   }
HINT_CUE_TYPES: tuple[str, ...] = (
    "hedge",
    "booster",
    "negated_booster",
    "attribution",
    "evidential",
    "anonymous_source",
    "quote",
)


def tone_label(compound: float) -> str:
    """VADER's own thresholds: >= 0.05 positive, <= -0.05 negative."""
    if compound >= 0.05:
        return "positive"
    if compound <= -0.05:
        return "negative"
    return "neutral"
