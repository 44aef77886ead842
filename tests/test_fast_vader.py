"""FastVader's word list and "but" rule, against plain VADER (``segment/vader.py``).

``tests/test_segment.py`` compares scores on the seeds, one phrase per rule and random
sequences of VADER's special words; these add what FastVader restates from VADER's
``SentiText`` and ``_but_check``: a word's punctuation is stripped unless two
characters or fewer remain, only some words in capitals, non-ASCII text without emoji.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from framing.segment.nlp import _analyzer

PHRASES = [
    "(ok) fine",
    "'no' good",
    "ok... (good)",
    '"bad"! :-) (lol) great',
    "café good ((love))",
    "GOOD! bad, BAD.",
    "good but (bad)",
    "(but) good bad",
    "good bad but but GOOD",
]
TOKENS = [
    "(ok)",
    "'no'",
    "ok...",
    "(lol)",
    "GOOD!",
    "good",
    "bad",
    "but",
    "BUT",
    "(but)",
    "no",
    "least",
    "kind",
    "of",
    "café",
    ":)",
    "!",
    "?",
]


@lru_cache(maxsize=1)
def plain() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def test_punctuation_capitals_and_but_as_vader() -> None:
    for text in PHRASES:
        assert _analyzer().polarity_scores(text) == plain().polarity_scores(text), text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=12))
def test_random_punctuated_words_as_vader(words: list[str]) -> None:
    text = " ".join(words)
    assert _analyzer().polarity_scores(text) == plain().polarity_scores(text)
