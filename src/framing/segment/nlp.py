"""spaCy and VADER, imported lazily (importing :mod:`framing.segment` loads neither).

:func:`get_nlp` is the cached pipeline, ``spacy.blank("en")`` plus the rule component
``framing_sentences`` (:func:`~framing.segment.sentences.sentence_starts`);
:func:`sentence_spans` gives exactly the sentences that pipeline gives, and runs
spaCy's tokenizer only for the rare text that needs it; :func:`sentiment` is the
VADER score of a unit.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from framing.segment.layout import MAX_PARAGRAPH_CHARS
from framing.segment.sentences import _letters, sentence_starts

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


COMPONENT = "framing_sentences"


def _set_sentence_starts(doc: Doc) -> Doc:
    """spaCy component: set ``token.is_sent_start`` from :func:`sentence_starts`."""
    import numpy
    from spacy.attrs import IDX, SENT_START

    n = len(doc)
    if n == 0:
        return doc
    flags = numpy.full((n, 1), numpy.iinfo(numpy.uint64).max, dtype="uint64")  # -1: no
    flags[0, 0] = 1
    starts = sentence_starts(doc.text)
    if starts:
        idx = doc.to_array(IDX)
        pos = numpy.searchsorted(idx, starts)
        for p, c in zip(pos.tolist(), starts, strict=True):
            if p < n and idx[p] == c:
                flags[p, 0] = 1
    doc.from_array([SENT_START], cast(Any, flags))
    return doc


def _register_component() -> None:
    from spacy.language import Language

    if not Language.has_factory(COMPONENT):
        Language.component(COMPONENT, func=_set_sentence_starts)


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The cached pipeline: ``spacy.blank("en")`` + the ``framing_sentences`` rules.

    The tokenizer also splits list bullets ("•", "⁃", ...) off the following word so
    an enumeration item can start a sentence.
    """
    import spacy
    from spacy.util import compile_prefix_regex

    _register_component()
    nlp = spacy.blank("en")
    nlp.max_length = 2 * MAX_PARAGRAPH_CHARS  # paragraphs are cut before that (see _cut)
    prefixes = [*nlp.Defaults.prefixes, r"[•⁃▪◦‣∙]"]  # type: ignore[misc]
    nlp.tokenizer.prefix_search = compile_prefix_regex(prefixes).search  # type: ignore[union-attr]
    nlp.add_pipe(COMPONENT)
    return nlp


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    """VADER, exactly its scores, faster (see :mod:`framing.segment.vader`)."""
    from framing.segment.vader import FastVader

    return FastVader()


#: VADER's time grows with the square of its input's length (it lower-cases every
#: word once per word; 100k characters take seconds), so a longer text is scored in
#: pieces of about this many characters. Longer than any sentence of the seeds (476),
#: so ordinary sentences are scored whole, as before.
VADER_MAX_CHARS = 500


def sentiment(text: str) -> float:
    """VADER compound score of ``text``, rounded to 4 decimals (0.0 for no letters).

    A text longer than :data:`VADER_MAX_CHARS` is scored in pieces cut at spaces and
    gets the length-weighted mean of their scores (bounded time; units are capped
    shorter than that anyway, see ``MAX_UNIT_CHARS``)."""
    if not _letters(text, 1):
        return 0.0
    analyzer = _analyzer()
    if len(text) <= VADER_MAX_CHARS:
        return round(float(analyzer.polarity_scores(text)["compound"]), 4)
    total = weight = 0.0
    start = 0
    while start < len(text):
        end = min(len(text), start + VADER_MAX_CHARS)
        if end < len(text):
            space = text.rfind(" ", start + VADER_MAX_CHARS // 2, end)
            end = space + 1 if space > start else end
        piece = text[start:end]
        if _letters(piece, 1):
            total += float(analyzer.polarity_scores(piece)["compound"]) * len(piece)
            weight += len(piece)
        start = end
    return round(total / weight, 4) if weight else 0.0


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences that :func:`get_nlp` finds in ``text``, as back-to-back
    ``(start, end)`` spans: each ends where the next starts (``start_char`` of
    ``nlp(text).sents``), the last at ``len(text)``; ``[]`` for an empty text.

    The pipeline's sentences start at the offsets :func:`sentence_starts` gives that
    are also token starts. spaCy's tokenizer splits on every whitespace character
    first, so an offset that follows whitespace always starts a token: only an offset
    glued to the previous character ("stable.But", rare) needs the tokenizer to
    decide. So spaCy is loaded and run only for a text with such an offset, and the
    spans are the same as the pipeline's (``tests/test_segment.py`` checks this).
    """
    if not text:
        return []
    starts = sentence_starts(text)
    if any(not text[c - 1].isspace() for c in starts):
        tokens = _token_starts(text)
        starts = [c for c in starts if c in tokens]
    bounds = [0, *starts, len(text)]
    return list(zip(bounds, bounds[1:], strict=False))


def _token_starts(text: str) -> set[int]:
    """Character offsets at which the pipeline's tokenizer starts a token."""
    from spacy.attrs import IDX

    doc = get_nlp().make_doc(text)
    return set(doc.to_array(IDX).tolist())
