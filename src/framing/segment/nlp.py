"""spaCy and VADER, imported lazily (importing :mod:`framing.segment` loads neither).

:func:`get_nlp` is the cached pipeline, ``spacy.blank("en")`` plus the rule component
``framing_sentences`` (:func:`~framing.segment.sentences.sentence_starts`);
:func:`_make_docs` and :func:`_doc_sentence_spans` feed it and read its sentences;
:func:`sentiment` is the VADER score of a unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from framing.segment.layout import MAX_PARAGRAPH_CHARS
from framing.segment.sentences import _letters, sentence_starts

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


COMPONENT = "framing_sentences"


#: ``Doc.user_data`` key under which :func:`_make_docs` keeps a doc's text (rebuilding
#: it with ``Doc.text`` walks every token in Python).
_TEXT_KEY = "framing_text"


def _set_sentence_starts(doc: Doc) -> Doc:
    """spaCy component: set ``token.is_sent_start`` from :func:`sentence_starts`."""
    import numpy
    from spacy.attrs import IDX, SENT_START

    n = len(doc)
    if n == 0:
        return doc
    flags = numpy.full((n, 1), numpy.iinfo(numpy.uint64).max, dtype="uint64")  # -1: no
    flags[0, 0] = 1
    text = doc.user_data.get(_TEXT_KEY)
    starts = sentence_starts(text if isinstance(text, str) else doc.text)
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
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentiment(text: str) -> float:
    """VADER compound score of ``text``, rounded to 4 decimals (0.0 for no letters)."""
    if not _letters(text, 1):
        return 0.0
    return round(float(_analyzer().polarity_scores(text)["compound"]), 4)


def _make_docs(nlp: Language, texts: Iterable[str]) -> Iterator[Doc]:
    """Tokenised docs that remember their text (for ``framing_sentences``)."""
    for text in texts:
        doc = nlp.make_doc(text)
        doc.user_data[_TEXT_KEY] = text
        yield doc


def _doc_sentence_spans(doc: Doc, n_chars: int) -> list[tuple[int, int]]:
    """Character spans of ``doc``'s sentences (what ``doc.sents`` gives, without
    building a Token object per token); ``n_chars`` is the length of its text."""
    from spacy.attrs import IDX, SENT_START

    if len(doc) == 0:
        return []
    arr = doc.to_array([IDX, SENT_START]).astype("int64")
    starts = arr[arr[:, 1] == 1, 0].tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    ends = [*starts[1:], n_chars]
    return list(zip(starts, ends, strict=True))
