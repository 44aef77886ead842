"""Rule-based segmentation of a document's text into annotation units.

``iter_segments(source)`` turns the text of one document, held as a string or read
line by line from a :data:`LineSource`, into :class:`~framing.models.UnitDraft` s,
lazily; ``segment_text(text)`` is the list-returning convenience. No SQL here, and no
file I/O beyond what a LineSource does. Importing this package loads neither spaCy nor
VADER (see :mod:`.nlp`).

How it works, in two passes over the text, all deterministic:

1. **Layout** (first pass, streamed line by line, no spaCy; :mod:`.layout`). Lines are
   grouped into *blocks* (runs of non-blank lines) and blocks into *paragraphs*. A line
   joins the previous one when it is clearly a PDF/hard-wrap continuation. A paragraph
   that ends mid-sentence joins the next one when that one starts in lowercase (a
   sentence broken by a page break), also across up to three interposed paragraphs (a
   sidebar, pull quote or caption dropped into the sentence by a PDF extraction;
   :mod:`.joins`). Runs of three or more blank lines separate *chunks*; in PDF
   extractions they fence figures and sidebars off.
2. **Kinds** (first pass). Each paragraph gets a kind from readable rules: first from
   the paragraph alone (:mod:`.kinds`), then from the whole document (:mod:`.context`:
   the title, "everything after a Bibliography heading is reference", figures, a pull
   quote repeating body text), run on one packed row per paragraph (:mod:`.records`:
   a few typed arrays, about 80 bytes a paragraph, what the rules read of the text as
   flags; no text kept but for the first paragraphs), so a big file's memory grows
   little with its paragraph count (:mod:`.prepass` drives the first pass). The kinds
   are :data:`UNIT_KINDS`.
3. **Sentences** (second pass, streamed; :mod:`.stream`). The text is read again;
   paragraphs of the prose kinds are split, batch by batch (``BATCH_SIZE`` paragraphs,
   at most ``BATCH_CHARS`` characters), into the sentences of a spaCy pipeline
   (:func:`get_nlp` in :mod:`.nlp`): ``spacy.blank("en")`` plus the rule component
   ``framing_sentences`` (:func:`sentence_starts` in :mod:`.sentences`). The pipeline's
   sentences are the rule offsets that start a token; :func:`~.nlp.sentence_spans`
   computes them without running the pipeline, and loads spaCy's tokenizer only for a
   paragraph with an offset that is not after whitespace ("stable.But"), which is rare.
4. **Units** (:mod:`.stream`). Every sentence (or every non-prose paragraph) becomes a
   unit whose ``start``/``end`` are exact offsets into the original text
   (``text[start:end]`` is the raw span, never empty, never with surrounding
   whitespace) and whose ``text`` is the display text, ``clean_text(text[start:end])``
   (:mod:`.clean`), except for a sentence joined across an insert (hint
   ``"segments"``, see :func:`iter_segments`). A unit is queued when its kind is in
   ``queued_kinds`` and it is not excluded. One VADER call per unit fills
   ``sentiment`` (:func:`sentiment`). Units are yielded as each batch is done, so
   memory holds one batch of units, not a document's.

Modules, in pipeline order: ``clean`` (display text), ``sentences`` (sentence boundary
rules, citations), ``layout`` (lines -> paragraphs), ``kinds`` (per-paragraph kind
rules), ``joins`` (broken sentences), ``records`` (the packed per-paragraph rows),
``context`` (whole-document kind rules, exclusions, duplicates), ``prepass`` (the first
pass), ``nlp`` (spaCy and VADER, lazy), ``stream`` (the second pass and the public
entry points).
"""

from __future__ import annotations

from framing.segment.clean import clean_text
from framing.segment.kinds import SPLIT_KINDS, UNIT_KINDS
from framing.segment.layout import JOIN_SEPARATOR, LineSource
from framing.segment.nlp import get_nlp, sentiment
from framing.segment.sentences import is_lone_citation, sentence_starts, split_sentences
from framing.segment.stream import iter_segments, segment_text

#: Bump whenever segmentation or hints change what units a text yields: documents
#: ingested with another version are re-segmented (in place) on the next ingest.
SEGMENTER_VERSION = "2026.11-1"

__all__ = [
    "JOIN_SEPARATOR",
    "SEGMENTER_VERSION",
    "UNIT_KINDS",
    "SPLIT_KINDS",
    "LineSource",
    "clean_text",
    "get_nlp",
    "is_lone_citation",
    "iter_segments",
    "segment_text",
    "sentence_starts",
    "sentiment",
    "split_sentences",
]
