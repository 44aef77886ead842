"""VADER (``vaderSentiment``), giving exactly its scores, faster.

VADER spends most of its time on work it repeats: it copies the text character
by character to replace emoji, and lower-cases each word again in every check
(the two look-back checks lower-case the *whole* word list once per sentiment
word, which makes it quadratic in a text's length). Here, a text without emoji
skips the copy (it would be the text itself), and the words are lower-cased once
per text; each rule of ``sentiment_valence``, ``_negation_check``,
``_special_idioms_check`` and ``_least_check`` is applied in VADER's order, with
VADER's arithmetic, on those lower-cased words (see :func:`_valence`), and so is
``_but_check``; a word outside the lexicon scores 0 without a call, and
``SentiText``'s word list is built inline, as it builds it. A text with
emoji goes through VADER's own method, whose two look-back checks get only the
six words they read. ``tests/test_segment.py`` compares every score with plain
VADER's, on the seeds and on random word sequences full of VADER's special words.
"""

from __future__ import annotations

import string
from typing import Any

from vaderSentiment import vaderSentiment as vs
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    scalar_inc_dec,
)

_NEGATE = frozenset(NEGATE)
_PUNCTUATION = string.punctuation  # what SentiText strips from a word's ends


class FastVader(vs.SentimentIntensityAnalyzer):
    """``SentimentIntensityAnalyzer`` with the same ``polarity_scores``, faster."""

    def __init__(self) -> None:
        super().__init__()
        #: the single-character emoji VADER replaces (by their descriptions)
        self.emoji_chars = frozenset(k for k in self.emojis if len(k) == 1)

    @staticmethod
    def _negation_check(valence: float, words: list[str], start_i: int, i: int) -> Any:
        if i >= 3:
            words, i = words[i - 3 : i + 3], 3
        return vs.SentimentIntensityAnalyzer._negation_check(valence, words, start_i, i)

    @staticmethod
    def _special_idioms_check(valence: float, words: list[str], i: int) -> Any:
        if i >= 3:
            words, i = words[i - 3 : i + 3], 3
        return vs.SentimentIntensityAnalyzer._special_idioms_check(valence, words, i)

    def polarity_scores(self, text: str) -> Any:
        # every emoji VADER replaces is outside ASCII: most texts need no check
        if not text.isascii() and not self.emoji_chars.isdisjoint(text):
            return super().polarity_scores(text)
        text = text.strip()
        # SentiText: the words with surrounding punctuation stripped (unless that
        # leaves two characters or fewer: an emoticon), and whether only some of
        # them are ALL CAPS.
        words = [t if len(s := t.strip(_PUNCTUATION)) <= 2 else s for t in text.split()]
        n = len(words)
        caps = sum(map(str.isupper, words))
        cap = 0 < n - caps < n
        low = [w.lower() for w in words]
        lexicon = self.lexicon
        sentiments: list[float] = [0] * n  # a word outside the lexicon scores 0
        for i in [i for i, w in enumerate(low) if w in lexicon]:
            w = low[i]
            if w in BOOSTER_DICT or (w == "kind" and i < n - 1 and low[i + 1] == "of"):
                continue
            sentiments[i] = _valence(lexicon, words, low, i, cap)
        if "but" in low:
            sentiments = _but(low, sentiments)
        return self.score_valence(sentiments, text)


def _but(low: list[str], sentiments: list[float]) -> list[float]:
    """VADER's ``_but_check``, to the letter (its ``index`` finds the first equal
    score, not the current one), on the words lower-cased once."""
    bi = low.index("but")
    for sentiment in sentiments:
        si = sentiments.index(sentiment)
        if si < bi:
            sentiments.pop(si)
            sentiments.insert(si, sentiment * 0.5)
        elif si > bi:
            sentiments.pop(si)
            sentiments.insert(si, sentiment * 1.5)
    return sentiments


def _valence(lexicon: dict[str, float], words: list[str], low: list[str], i: int, cap: bool) -> Any:
    """VADER's ``sentiment_valence`` of word ``i`` (with its negation, idiom and
    "least" checks), reading the words lower-cased once (``low``)."""
    w = low[i]
    if w not in lexicon:
        return 0
    valence = lexicon[w]
    if w == "no" and i != len(low) - 1 and low[i + 1] in lexicon:
        valence = 0.0
    if (
        (i > 0 and low[i - 1] == "no")
        or (i > 1 and low[i - 2] == "no")
        or (i > 2 and low[i - 3] == "no" and low[i - 1] in ("or", "nor"))
    ):
        valence = lexicon[w] * N_SCALAR
    if words[i].isupper() and cap:
        valence = valence + C_INCR if valence > 0 else valence - C_INCR
    for start_i in range(3):
        if i > start_i and low[i - (start_i + 1)] not in lexicon:
            s = scalar_inc_dec(words[i - (start_i + 1)], valence, cap)
            if start_i == 1 and s != 0:
                s = s * 0.95
            if start_i == 2 and s != 0:
                s = s * 0.9
            valence = valence + s
            valence = _negation(valence, low, start_i, i)
            if start_i == 2:
                valence = _idioms(valence, low, i)
    if i > 1 and low[i - 1] not in lexicon and low[i - 1] == "least":
        if low[i - 2] != "at" and low[i - 2] != "very":
            valence = valence * N_SCALAR
    elif i > 0 and low[i - 1] not in lexicon and low[i - 1] == "least":
        valence = valence * N_SCALAR
    return valence


def _negated(word: str) -> bool:
    return word in _NEGATE or "n't" in word


def _negation(valence: float, low: list[str], start_i: int, i: int) -> float:
    """VADER's ``_negation_check`` on lower-cased words."""
    if start_i == 0:
        if _negated(low[i - 1]):
            valence = valence * N_SCALAR
    elif start_i == 1:
        if low[i - 2] == "never" and low[i - 1] in ("so", "this"):
            valence = valence * 1.25
        elif low[i - 2] == "without" and low[i - 1] == "doubt":
            pass
        elif _negated(low[i - 2]):
            valence = valence * N_SCALAR
    else:
        if (low[i - 3] == "never" and low[i - 2] in ("so", "this")) or low[i - 1] in ("so", "this"):
            valence = valence * 1.25
        elif low[i - 3] == "without" and (low[i - 2] == "doubt" or low[i - 1] == "doubt"):
            pass
        elif _negated(low[i - 3]):
            valence = valence * N_SCALAR
    return valence


def _idioms(valence: float, low: list[str], i: int) -> float:
    """VADER's ``_special_idioms_check`` on lower-cased words (``i >= 3``)."""
    onezero = f"{low[i - 1]} {low[i]}"
    twoonezero = f"{low[i - 2]} {low[i - 1]} {low[i]}"
    twoone = f"{low[i - 2]} {low[i - 1]}"
    threetwoone = f"{low[i - 3]} {low[i - 2]} {low[i - 1]}"
    threetwo = f"{low[i - 3]} {low[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if len(low) - 1 > i:
        zeroone = f"{low[i]} {low[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(low) - 1 > i + 1:
        zeroonetwo = f"{low[i]} {low[i + 1]} {low[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence
