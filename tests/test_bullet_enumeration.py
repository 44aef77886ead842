"""An inline bullet list after leading whitespace (found by the random-text property
test in ``tests/test_segment.py``): the search for the next bullets once passed its
start offset as ``re.finditer``'s *flags*, so 2 or 3 leading spaces became
``re.LOCALE`` and crashed ("cannot use LOCALE flag with a str pattern")."""

from __future__ import annotations

import pytest

from framing.segment.nlp import sentence_spans
from framing.segment.sentences import sentence_starts


@pytest.mark.parametrize("lead", ["", " ", "  ", "   ", "\t", " \u00a0 "])
def test_each_bullet_after_the_first_starts_a_sentence(lead: str) -> None:
    text = f"{lead}• one item here • two item here • three"
    later = [i for i, c in enumerate(text) if c == "•"][1:]
    assert [c for c in sentence_starts(text) if c in later] == later
    assert [a for a, _ in sentence_spans(text)][-2:] == later


def test_bullets_only() -> None:
    assert sentence_spans("  • ") == [(0, 4)]
