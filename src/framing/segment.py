"""Rule-based segmentation of a document's text into annotation units.

``iter_segments(source)`` turns the text of one document, held as a string or read
line by line from a :data:`LineSource`, into :class:`~framing.models.UnitDraft` s,
lazily; ``segment_text(text)`` is the list-returning convenience. No SQL here, and no
file I/O beyond what a LineSource does.

How it works, in two passes over the text, all deterministic:

1. **Layout** (first pass, streamed line by line, no spaCy). Lines are grouped into
   *blocks* (runs of non-blank lines) and blocks into *paragraphs*. A line joins the
   previous one when it is clearly a PDF/hard-wrap continuation (a hyphenated word
   break, a lowercase continuation of a line without final punctuation, or a block of
   evenly wrapped long lines). A paragraph that ends mid-sentence joins the next one
   when that one starts in lowercase (a sentence broken by a page break), also across
   up to three interposed paragraphs (a sidebar, pull quote or caption dropped into
   the sentence by a PDF extraction: see ``_join_broken``). Runs of three or more blank
   lines separate *chunks*; in PDF extractions they fence figures and sidebars off.
2. **Kinds** (first pass). Each paragraph gets a kind from readable rules (see
   ``_base_kind``, ``_apply_context`` and ``_mark_duplicates``): ``title``,
   ``heading``, ``body``, ``list_item``, ``block_quote``, ``caption``, ``social``,
   ``reference``, ``front_matter`` and ``other``. Rules that need the whole document
   (the title, "everything after a Bibliography heading is reference", figures, a pull
   quote repeating body text) run on one small record per paragraph; the text of long
   paragraphs is not kept.
3. **Sentences** (second pass, streamed). The text is read again; paragraphs of the
   prose kinds go, batch by batch (``BATCH_SIZE`` paragraphs, at most ``BATCH_CHARS``
   characters), through a spaCy pipeline: ``spacy.blank("en")`` plus the rule
   component ``framing_sentences`` (see :func:`sentence_starts`), via ``nlp.pipe``.
4. **Units.** Every sentence (or every non-prose paragraph) becomes a unit whose
   ``start``/``end`` are exact offsets into the original text (``text[start:end]`` is
   the raw span, never empty, never with surrounding whitespace) and whose ``text`` is
   the display text, ``clean_text(text[start:end])``, except for a sentence joined
   across an insert (hint ``"segments"``, see :func:`iter_segments`). A unit is
   queued when its kind is in ``queued_kinds`` and it is not excluded. One VADER call
   per unit fills ``sentiment``. Units are yielded as each batch is done, so memory
   holds one batch of units, not a document's.
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from framing.models import DEFAULT_QUEUED_KINDS, FramingError, UnitDraft

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = [
    "JOIN_SEPARATOR",
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

#: Every kind a unit can have.
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

#: Paragraph kinds that are split into sentences; the others become one unit each.
SPLIT_KINDS: frozenset[str] = frozenset(
    {"body", "list_item", "block_quote", "social", "caption", "front_matter"}
)

#: Paragraphs handed to ``nlp.pipe`` per batch.
BATCH_SIZE = 256

#: Blank lines that separate chunks (figures, sidebars) in PDF extractions.
BIG_GAP = 3

#: Paragraphs longer than this are cut (at sentence boundaries) before spaCy sees them.
MAX_PARAGRAPH_CHARS = 100_000

# --------------------------------------------------------------------------------------
# Display text
# --------------------------------------------------------------------------------------

_TAG_RE = re.compile(r"</?(?:u|b|i|em|strong|sup|sub|span|br)\b[^<>]{0,40}>", re.I)
# "secu-\nrity": a lowercase word broken at a line end and continued in lowercase.
_SOFT_BREAK_RE = re.compile(r"\b([a-z]+)-[ \t]*(?:\r\n|\r|\n)\s*(?=[a-z])")
# Any other "word-\nword" line break keeps its hyphen: "anti-\nWestern".
_HARD_BREAK_RE = re.compile(r"(?<=\w)-[ \t]*(?:\r\n|\r|\n)\s*(?=\w)")
_WS_RE = re.compile(r"\s+")
_MD_PREFIX_RE = re.compile(r"(?:#{1,6}|>)[ \t]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)


def clean_text(raw: str) -> str:
    """The display text of a raw span.

    * markdown residue goes: every ``*`` (bold ``**``, italics, footnote stars) and
      inline HTML tags such as ``<u>``;
    * a word broken at a line end is joined: ``secu-\\nrity`` -> ``security`` when both
      halves are lowercase, otherwise the hyphen stays (``anti-\\nWestern`` ->
      ``anti-Western``);
    * a markdown heading or quote marker ("## ", "> ") opening the span goes;
    * soft hyphens and zero-width characters go, and every whitespace run
      (newlines, tabs, no-break spaces) becomes one space; the result is stripped.

    It is a pure function of the raw span, so ``unit.text == clean_text(raw[start:end])``.
    """
    s = raw
    if "*" in s:
        s = s.replace("*", "")
    if "<" in s:
        s = _TAG_RE.sub("", s)
    if "-" in s and ("\n" in s or "\r" in s):
        s = _SOFT_BREAK_RE.sub(r"\1", s)
        s = _HARD_BREAK_RE.sub("-", s)
    if not s.isascii():
        s = s.translate(_INVISIBLE)
    if s[:1] in "#>":
        s = _MD_PREFIX_RE.sub("", s, count=1)
    return _WS_RE.sub(" ", s).strip()


# --------------------------------------------------------------------------------------
# Sentence boundaries (character level; wrapped as the spaCy component below)
# --------------------------------------------------------------------------------------

# A terminator cluster and the closing quotes/brackets/markdown stars glued to it.
_TERM_RE = re.compile(
    r"""
    (?P<term>
        \.(?:[ ]\.){2,}        # spaced ellipsis ". . ." (or ". . . .")
      | \.{2,} | …+            # ellipsis
      | [.!?]+                 # terminators, also "!!", "?!"
    )
    (?P<close>(?:\*|["'”’»)\]])*)
    """,
    re.X,
)
_PREV_WORD_RE = re.compile(r"\S{0,80}$")
_NEXT_WORD_RE = re.compile(r"\S+")
_OPENERS = "\"'“‘«([{*¿¡"
_QUOTES = "\"'”’»"


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


#: Titles before a name: never end a sentence.
PREFIX_ABBREVIATIONS = _words(
    """mr mrs ms mx dr prof st mt ft gen sen rep gov lt col sgt capt cmdr adm rev hon pres
    messrs supt insp det cpl pvt maj brig mssrs mme mlle"""
)
#: Abbreviations that precede a number ("p. 55", "No. 10", "Sept. 11").
NUMERIC_ABBREVIATIONS = _words(
    """p pp no nos nr n° vol vols fig figs art arts sec secs ch chap para paras op ed eds
    jan feb mar apr jun jul aug sep sept oct nov dec"""
)
#: Abbreviations that may end a sentence: a break only before a typical sentence starter.
AMBIGUOUS_ABBREVIATIONS = _words(
    """co corp inc ltd llc plc bros jr sr vs v al dept govt est approx assn intl univ
    ave blvd rd apt ibid"""
)
#: Abbreviations that never end a sentence.
NEVER_FINAL = frozenset({"e.g", "i.e", "viz", "cf", "a.k.a"})
#: Words that typically open a sentence (after "U.S." or "Co." they mark a break).
SENTENCE_STARTERS = _words(
    """A An And As At But Did Do Does During For From He Her His How However I If In It
    Its Many Meanwhile Millions More Moreover Most My Nevertheless No Now On One Our She
    Since So Some Such That The Their Then There These They This Those Thus To We What
    When Where Which While Who Why Yet You"""
)
_ACRONYM_RE = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_SPEECH_VERBS = (
    "said|says|say|told|tells|added|adds|asked|asks|wrote|writes|noted|notes|explained|"
    "argued|argues|stated|states|warned|warns|claimed|claims|replied|insisted|continued|"
    "recalled|tweeted|concluded|observed|declared|announced|commented|remarked|"
    "acknowledged|admitted|suggested|insists|according"
)
# "... too?” Pantucci said." / "... great.' she said" / "... ,” said Ali."
_ATTRIBUTION_RE = re.compile(
    rf"(?:(?:[A-Z][\w'’.\-]*|the|a|an|of|and|de|van|von|al)\s+){{0,5}}(?:{_SPEECH_VERBS})\b"
    r"(?=\s*(?:[.,;:!?]|$)|\s+[A-Z])"
)
_YEAR_RE = re.compile(r"\b(?:1[5-9]|20)\d\d[a-z]?\b|\bn\.d\.")
_DIGIT_RE = re.compile(r"\d")

# Inline enumerations: "1.) a 2.) b", "a. x b. y", "• 9. x • 10. y".
_ENUM_START_RE = re.compile(
    r"\s*(?P<bullet>[•⁃▪◦‣∙])?\s*(?P<label>\d{1,3}|[a-z])(?P<delim>\.\)|\)|\.)(?=\s)"
)
_BULLET_START_RE = re.compile(r"\s*(?P<bullet>[•⁃▪◦‣∙])\s")


def _is_citation(inner: str) -> bool:
    """True for the inside of a bibliographic parenthesis: "Suleymanov, 2023", "p. 4"."""
    if len(inner) > 100 or "(" in inner:
        return False
    if _YEAR_RE.search(inner):
        return True
    words = inner.split()
    return 0 < len(words) <= 6 and bool(_DIGIT_RE.search(inner)) and inner[:1].isupper()


def is_lone_citation(text: str) -> bool:
    """True when ``text`` is nothing but a citation: "(Suleymanov, 2023)." or "Gul, 2023"."""
    t = text.strip().rstrip(".,;")
    if t.startswith("(") and t.endswith(")"):
        return _is_citation(t[1:-1])
    if t.startswith("(") or t.endswith(")"):
        return _is_citation(t.strip("()"))
    return len(t) <= 40 and bool(re.fullmatch(r"[^\W\d][\w&.,' -]*,? (?:1[5-9]|20)\d\d[a-z]?", t))


def _prev_word(s: str, end: int) -> str:
    """The run of non-space characters (at most 80) that ends at ``end``."""
    m = _PREV_WORD_RE.search(s, max(0, end - 80), end)
    return m.group() if m else ""


def _letters(s: str, at_least: int = 2) -> bool:
    n = 0
    for ch in s:
        if ch.isalpha():
            n += 1
            if n >= at_least:
                return True
    return False


def _first_char(word: str) -> str:
    w = word.lstrip(_OPENERS)
    return w[:1]


def _enumeration_starts(s: str) -> list[int]:
    """Offsets of the 2nd, 3rd, ... items of an inline enumeration that opens ``s``."""
    out: list[int] = []
    m = _ENUM_START_RE.match(s)
    if m:
        bullet, label, delim = m.group("bullet") or "", m.group("label"), m.group("delim")
        pos = m.end()
        while True:
            nxt = str(int(label) + 1) if label.isdigit() else chr(ord(label) + 1)
            pattern = (
                r"(?<=\s)"
                + (re.escape(bullet) + r"\s*" if bullet else "")
                + re.escape(nxt)
                + re.escape(delim)
                + r"(?=\s)"
            )
            mm = re.compile(pattern).search(s, pos)
            if mm is None:
                break
            out.append(mm.start())
            pos, label = mm.end(), nxt
        return out
    b = _BULLET_START_RE.match(s)
    if b:
        bullet = b.group("bullet")
        out = [mm.start() for mm in re.finditer(r"(?<=\s)" + re.escape(bullet), s, b.end())]
    return out


def _paren_depth(s: str) -> int:
    if "(" not in s and "[" not in s:
        return 0
    return s.count("(") - s.count(")") + s.count("[") - s.count("]")


def sentence_starts(s: str) -> list[int]:
    """Character offsets (> 0) at which a new sentence starts in ``s``.

    The rules, in the order they are tried at each terminator cluster
    (``.``, ``!``, ``?``, ellipses, with any closing quotes/brackets glued to it):

    * a terminator glued to the next character is no break, except a missing space
      between two words ("stable.But"; not in e-mail addresses or URLs);
    * ``[...]`` is an omission, not a terminator;
    * no break while the sentence so far has fewer than two letters (list markers
      "1.)", "a.", "• 9." stay with their item) or inside open brackets;
    * a citation in brackets after the full stop stays with its sentence
      ("... US. (Suleymanov, 2023)");
    * ellipses: ". . ." inside a sentence is no break; "word. . . . Next" breaks after
      the first full stop; "...." and ". . . ." break before a capital; "..." breaks
      before a capital other than "I";
    * no break before a lowercase word;
    * abbreviations: titles ("Mr.", "Mt.") never break; "p.", "No.", "Sept." never
      break before a number; initials ("E.") never break ("I." after a lowercase word
      does); "e.g." never breaks; "U.S.", "co.", "Inc." break only before a typical
      sentence starter ("How", "They"); "P.M." breaks before any capital;
    * an attribution after a closing quote stays with the quote ("...too?” Pantucci
      said.");
    * otherwise a terminator followed by whitespace breaks.

    Inline enumerations that open ``s`` ("1.) a 2.) b", "a. x b. y", "• x • y") also
    break before each following item.
    """
    n = len(s)
    forced = _enumeration_starts(s) if s[:4].lstrip()[:1] in "0123456789abcdefghij•⁃▪◦‣∙" else []
    starts: set[int] = set(forced)
    fi = 0
    sent_start = 0
    for m in _TERM_RE.finditer(s):
        ts, p = m.start(), m.end()
        while fi < len(forced) and forced[fi] <= ts:
            sent_start = max(sent_start, forced[fi])
            fi += 1
        if p >= n:
            break
        term, close = m.group("term"), m.group("close")
        if not s[p].isspace():
            # Glued: only "stable.But" (a missing space between two words) breaks.
            if (
                term == "."
                and not close
                and ts >= 2
                and s[ts - 1].islower()
                and s[ts - 2].islower()
                and p + 1 < n
                and s[p].isupper()
                and s[p + 1].islower()
            ):
                chunk_start = ts - len(_prev_word(s, ts))
                nxt = _NEXT_WORD_RE.match(s, p)
                chunk = s[chunk_start:ts] + (nxt.group() if nxt else "")
                if "@" not in chunk and "/" not in chunk and "www" not in chunk:
                    starts.add(p)
                    sent_start = p
            continue
        if term.startswith(".") and ts > 0 and s[ts - 1] == "[" and s[p - 1 : p] == "]":
            continue  # "[...]"
        q = p
        while q < n and s[q].isspace():
            q += 1
        if q >= n:
            break
        # (bounded, so a huge paragraph without breaks stays linear)
        so_far = s[max(sent_start, p - 2000) : p]
        if not _letters(so_far) or _paren_depth(so_far) > 0:
            continue
        nxt_m = _NEXT_WORD_RE.match(s, q)
        next_word = nxt_m.group() if nxt_m else ""
        first = _first_char(next_word)
        # A citation in brackets right after the terminator stays with this sentence.
        if s[q] == "(":
            close_at = s.find(")", q + 1, q + 102)
            if close_at > 0 and _is_citation(s[q + 1 : close_at]):
                r = close_at + 1
                if r < n and s[r] in ".;,":
                    continue  # the terminator after the citation decides
                r2 = r
                while r2 < n and s[r2].isspace():
                    r2 += 1
                if r2 < n and r2 > r:
                    after = _NEXT_WORD_RE.match(s, r2)
                    c = _first_char(after.group()) if after else ""
                    if c and not c.islower() and _letters(s[max(sent_start, r - 2000) : r]):
                        starts.add(r2)
                        sent_start = r2
                continue
        dots = term.count(".")
        if dots >= 2 or "…" in term:
            spaced = " " in term
            capital_next = bool(first) and (first.isupper() or first.isdigit())
            if spaced:
                if dots >= 4 and capital_next:
                    if ts > 0 and not s[ts - 1].isspace():
                        starts.add(ts + 2)  # "compounds. . . . The" -> ". . . The"
                        sent_start = ts + 2
                    else:
                        starts.add(q)
                        sent_start = q
                continue
            if capital_next and (dots >= 4 or next_word.rstrip(",;:") not in ("I", "I'm", "I’m")):
                starts.add(q)
                sent_start = q
            continue
        if not first or first.islower():
            continue
        if term == ".":
            word = _prev_word(s, ts).lstrip(_OPENERS)
            low = word.lower()
            bare = next_word.strip(_OPENERS + ".,;:!?\"'”’")
            if low in PREFIX_ABBREVIATIONS:
                continue
            if low in NUMERIC_ABBREVIATIONS and first.isdigit():
                continue
            if len(word) == 1 and word.isupper():
                before = s[max(sent_start, ts - 100) : ts - len(word)].rstrip()
                prev_w = before.rsplit(None, 1)[-1] if before else ""
                if not (word == "I" and prev_w[:1].islower()):
                    continue
            elif _ACRONYM_RE.fullmatch(word):
                if low in NEVER_FINAL:
                    continue
                if word not in ("A.M", "P.M") and bare not in SENTENCE_STARTERS:
                    continue
            elif low in NEVER_FINAL or (
                low in AMBIGUOUS_ABBREVIATIONS and bare not in SENTENCE_STARTERS
            ):
                continue
        if close and any(c in _QUOTES for c in close) and _ATTRIBUTION_RE.match(s, q):
            continue
        starts.add(q)
        sent_start = q
    return sorted(x for x in starts if 0 < x < n)


def split_sentences(s: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of the sentences of ``s`` (pure Python, no spaCy)."""
    bounds = [0, *sentence_starts(s), len(s)]
    out: list[tuple[int, int]] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        seg = s[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg.rstrip())
        if trail > lead:
            out.append((a + lead, a + trail))
    return out


# --------------------------------------------------------------------------------------
# spaCy pipeline
# --------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------
# Layout: lines -> blocks -> paragraphs (streamed)
# --------------------------------------------------------------------------------------

#: The lines of one text with their line breaks, as ``str.splitlines(keepends=True)``
#: gives them (so ``"".join(lines()) == text``). A callable, because segmentation reads
#: the text twice: a cheap first pass for the layout and the kinds, then the sentences.
LineSource = Callable[[], Iterable[str]]

#: After the first pass, the display text of a paragraph is kept only up to this many
#: characters (titles, headings, captions, short lines: what the context rules read);
#: longer paragraphs keep their offsets and a few precomputed features.
KEEP_CLEAN = 300

#: At most this many characters go to ``nlp.pipe`` per batch (with ``BATCH_SIZE``).
BATCH_CHARS = 1_000_000

#: How the parts of a paragraph joined across an insert are glued for spaCy and
#: ``clean_text`` (see ``_join_broken``).
JOIN_SEPARATOR = "\n\n"

#: Paragraphs of at most this many characters (and at least DUPLICATE_MIN_WORDS words)
#: are checked for verbatim repeats (pull quotes, summary boxes).
DUPLICATE_MAX_CHARS = 2000
DUPLICATE_MIN_WORDS = 8


@dataclass(slots=True)
class _Para:
    start: int  # offset of the first non-space character
    end: int  # offset after the last non-space character
    raw: str  # text[start:end] during the first pass ("" once compacted)
    gap: int  # blank lines before it (0: same block as the previous paragraph)
    chunk: int  # index of the chunk (chunks are separated by BIG_GAP blank lines)
    block: int  # index of the block
    n_lines: int
    clean: str = ""  # the display text ("" once compacted, if longer than KEEP_CLEAN)
    kind: str = "body"
    excluded: str = ""
    insert: bool = False
    # text[previous paragraph's end:start] during the first pass (None: too long)
    pre: str | None = ""
    # a paragraph joined across inserts: the original spans of its parts
    parts: tuple[tuple[int, int], ...] = ()
    # features precomputed from ``clean`` by ``_compact`` for the context rules
    words: int = 0
    prose: bool = False
    has_tab: bool = False
    social_header: bool = False
    figure: bool = False
    tweety: bool = False
    source_line: bool = False
    md_level: int = 0  # 1 for a markdown "# " heading, 2 for "## " ...
    dup_key: int = 0
    dup_of: tuple[int, int] | None = None


_LIST_MARKER_RE = re.compile(
    r"(?:[-–•⁃▪◦‣∙]\s+(?:\d{1,3}[.)]\s+|[a-z]\)\s+)?"
    r"|(?:\d{1,3}|[a-z])(?:\.\)|\)|\.)\s+"
    r"|\((?:\d{1,3}|[a-z]|[ivx]{1,4})\)\s+"
    r"|[•⁃▪◦‣∙]\s*(?:\d{1,3}\.\s+)?)"
)
_TERMINAL_END = frozenset(".!?:;…")
_LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
#: Text kept between two paragraphs (for an exact join); longer gaps are not joined.
_MAX_PRE = 65536


def _wrapped(lines: Sequence[str]) -> bool:
    """A block of evenly hard-wrapped lines (e-mail, Gutenberg, some PDF extractions)."""
    if len(lines) < 3 or any("\t" in ln for ln in lines):
        return False
    lengths = [len(ln) for ln in lines[:-1]]
    width = max(lengths)
    if not 40 <= width <= 120:
        return False
    long_ = sum(1 for x in lengths if x >= 0.75 * width)
    return long_ * 3 >= len(lengths) * 2


def _continues(prev: str, cur: str, wrapped: bool) -> bool:
    """Whether line ``cur`` continues line ``prev`` inside one block."""
    if "\t" in prev or "\t" in cur or _LIST_MARKER_RE.match(cur):
        return False
    last = prev[-1]
    if last == "-" and len(prev) > 1 and prev[-2].isalpha() and cur[:1].isalpha():
        return True
    if cur[:1].islower() and last not in _TERMINAL_END:
        return True
    if wrapped:
        return not (last in _TERMINAL_END and len(prev) < 0.6 * max(len(prev), 60))
    return False


class _Gap:
    """The text between two paragraphs, collected up to _MAX_PRE characters."""

    __slots__ = ("parts", "size")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def add(self, s: str) -> None:
        if self.size <= _MAX_PRE:
            self.parts.append(s)
        self.size += len(s)

    def take(self) -> str | None:
        out = "".join(self.parts) if self.size <= _MAX_PRE else None
        self.parts = []
        self.size = 0
        return out


def _layout(lines: Iterable[str]) -> Iterator[_Para]:
    """Cut a text, given as its lines, into paragraphs with exact offsets (streamed)."""
    # the current block: (start, end) of each stripped line, its offset and the full line
    block: list[tuple[int, int, int, str]] = []
    gap = _Gap()
    blank = 0
    chunk = 0
    n_blocks = 0
    first_gap = 0
    seen = False

    def flush() -> Iterator[_Para]:
        nonlocal n_blocks
        texts = [ln[a - pos : b - pos] for a, b, pos, ln in block]
        wrapped = _wrapped(texts)
        groups: list[list[int]] = [[0]]
        for i in range(1, len(block)):
            if _continues(texts[i - 1], texts[i], wrapped):
                groups[-1].append(i)
            else:
                groups.append([i])
        for gi, g in enumerate(groups):
            a, _, pos0, first_line = block[g[0]]
            b, pos1, last_line = block[g[-1]][1], block[g[-1]][2], block[g[-1]][3]
            # one line: its stripped text; several: the exact span, inner breaks included
            joined = texts[g[0]] if len(g) == 1 else "".join(block[k][3] for k in g)
            raw = joined if len(g) == 1 else joined[a - pos0 : b - pos0]
            gap.add(first_line[: a - pos0])
            yield _Para(
                start=a,
                end=b,
                raw=raw,
                gap=first_gap if gi == 0 else 0,
                chunk=chunk,
                block=n_blocks,
                n_lines=len(g),
                pre=gap.take(),
            )
            gap.add(last_line[b - pos1 :])
        n_blocks += 1
        block.clear()

    pos = 0
    for line in lines:
        body = line.rstrip(_LINE_BREAKS)
        stripped = body.strip()
        if not stripped:
            if block:
                yield from flush()
            blank += 1
            gap.add(line)
        else:
            lead = len(body) - len(body.lstrip())
            if not block:
                if blank >= BIG_GAP and seen:
                    chunk += 1
                first_gap = blank if seen else 0
                seen = True
            block.append((pos + lead, pos + len(body.rstrip()), pos, line))
            blank = 0
        pos += len(line)
    if block:
        yield from flush()


def _cut(p: _Para) -> list[_Para]:
    """Cut an over-long paragraph into pieces of at most MAX_PARAGRAPH_CHARS, at
    sentence starts where possible, else at whitespace, else anywhere."""
    raw = p.raw
    if len(raw) <= MAX_PARAGRAPH_CHARS or p.parts:
        return [p]
    bounds = sentence_starts(raw)
    cuts: list[int] = []
    start = 0
    bi = 0
    while len(raw) - start > MAX_PARAGRAPH_CHARS:
        limit = start + MAX_PARAGRAPH_CHARS
        best = -1
        while bi < len(bounds) and bounds[bi] <= limit:
            if bounds[bi] > start:
                best = bounds[bi]
            bi += 1
        if best < 0:
            ws = max(raw.rfind(" ", start + 1, limit), raw.rfind("\n", start + 1, limit))
            best = ws if ws > start else limit
        cuts.append(best)
        start = best
    pieces: list[_Para] = []
    for a, b in zip([0, *cuts], [*cuts, len(raw)], strict=True):
        seg = raw[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg.rstrip())
        if trail <= lead:
            continue
        piece = _Para(
            start=p.start + a + lead,
            end=p.start + a + trail,
            raw=raw[a + lead : a + trail],
            gap=p.gap if not pieces else 0,
            chunk=p.chunk,
            block=p.block,
            n_lines=max(p.n_lines, 2),
            kind=p.kind,
            excluded=p.excluded,
            insert=p.insert,
        )
        piece.clean = clean_text(piece.raw)
        pieces.append(piece)
    return pieces


# --------------------------------------------------------------------------------------
# Kinds
# --------------------------------------------------------------------------------------

_URL_LINE_RE = re.compile(r"(?:https?://|www\.)\S+|(?:\w[\w-]*\.)+(?:com|org|net|pk|de)\S*", re.I)
_SOURCE_RE = re.compile(r"(?:Sources?|Источник|Quelle|Photo|Image|Credits?|Via|Link)\s*:", re.I)
_CAPTION_RE = re.compile(
    r"(?:.{0,60}\bViews\s+)?(?:Figure|Fig\.|Table|Chart|Graph|Map|Exhibit|Box|Photo|Image)"
    r"\s*\d+[a-z]?\b"
)
_TIMESTAMP_RE = re.compile(r"\d{1,2}:\d{2}\s*(?:AM|PM|am|pm)\b")
_HANDLE_RE = re.compile(r"(?<![\w.])@\w{2,}")
_HANDLE_DOT_RE = re.compile(r"@\w{2,}\s*·")
_HASHTAGS_RE = re.compile(r"(?:#\w+\s*)+(?:\d{1,2}[hdmw])?")
_EMOJI_RE = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\U0001f900-\U0001f9ff]")
_HEART_RE = re.compile("[♥♡❤]")
_NUMBER_RE = re.compile(r"[\d.,]+[KkMm]?")
_BOILERPLATE_RE = re.compile(
    r"(?:(?:Follow|Join|Like|Subscribe|Share|Find)\b.{0,40}\b(?:on|to|via)\s+"
    r"(?:Twitter|X|Facebook|YouTube|Youtube|Instagram|Telegram|LinkedIn|TikTok)\b"
    r"|.{0,40}\b(?:Channel|Page|Account)\s+on\s+(?:YouTube|Youtube|Facebook|Twitter|Instagram)\b"
    r"|Help\b.{0,30}\bwish list\b"
    r"|Read the full\b.{0,60}\blink\b"
    r"|Category:"
    r"|Tags?:"
    r"|.{0,60}\bViews:\s*[\d,]+$"
    r"|(?:END|Advertisement|Share this|Print|Email|Back to top)$"
    r")",
    re.I,
)
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
)
_DATELINE_RE = re.compile(
    rf"(?:[^,]{{1,60}},\s*)?(?:\d{{1,2}}\s+)?{_MONTHS}\.?\s+(?:\d{{1,2}},?\s+)?\d{{4}}\.?"
)
_SECTION_NUM_RE = re.compile(r"(?:\d{1,2}(?:\.\d{1,2})*\.?\s+\S|.{2,80}\s\d{1,2}(?:\.\d{1,2})+$)")
_TOC_LINE_RE = re.compile(r"(?:.*\.{4,}\s*\d{1,4}|.*\t\d{1,4}\t*|\t*\d+(?:\.\d+)*\t.*)$")
_FRONT_HEADINGS_RE = re.compile(
    r"(?:Imprint|Impressum|Publisher|Table of contents|Contents|List of abbreviations|"
    r"Abbreviations|Acronyms|List of acronyms|About the authors?|About the series\b.*|"
    r"About this (?:paper|publication|series)|Notes on using this publication|Disclaimer|"
    r"Acknowledge?ments|Copyright|Legal notice|Colophon)[.:]?",
    re.I,
)
_TOC_HEADINGS_RE = re.compile(r"(?:Table of contents|Contents)[.:]?", re.I)
_MAIN_HEADINGS_RE = re.compile(
    r"(?:\d{1,2}\.?\s+)?(?:Abstract|Summary|Executive summary|Introduction|Overview|"
    r"Key findings|Foreword|Preface)[.:]?",
    re.I,
)
_REF_HEADINGS_RE = re.compile(
    r"(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?(?:Bibliography|References|Reference list|Works cited|"
    r"Literature|Sources|Endnotes|Further reading)[.:]?",
    re.I,
)
_TERMINALS = ".!?…"


def _is_counters(ct: str) -> bool:
    """A social-media engagement line: "Q 169 170 ♥ 315 33", "t] 84", "♡ 243"."""
    toks = ct.split()
    if not toks or len(toks) > 14:
        return False
    if not all(len(t) <= 2 or _NUMBER_RE.fullmatch(t) for t in toks):
        return False
    numeric = sum(1 for t in toks if _NUMBER_RE.fullmatch(t) and _DIGIT_RE.search(t))
    if _HEART_RE.search(ct) or numeric >= 2:
        return True
    return len(toks) == 2 and numeric == 1 and not toks[0][0].isdigit()


_BEYOND_LATIN_RE = re.compile("[^\x00-\u024f]")


def _non_latin_share(s: str) -> float:
    """The share of letters beyond the Latin blocks (U+024F) among the letters of ``s``."""
    if s.isascii():
        return 0.0
    letters = sum(map(str.isalpha, s))
    if not letters:
        return 0.0
    return sum(1 for c in _BEYOND_LATIN_RE.findall(s) if c.isalpha()) / letters


def _heading_like(ct: str, n_lines: int, max_words: int = 12) -> bool:
    """A short standalone line without final punctuation: a section heading or title."""
    if n_lines > 1 or not ct or len(ct) > 120:
        return False
    bare = ct.rstrip("\"'”’)» ")
    if not bare or bare[-1] in ".,;:…":
        return False
    words = ct.split()
    if len(words) > max_words:
        return False
    first_alpha = next((c for c in ct if c.isalpha()), "")
    if not first_alpha:
        return False
    if sentence_starts(ct):
        return False  # two sentences are no heading: "Hello?? Who is there?"
    if _SECTION_NUM_RE.match(ct):
        return True
    if not first_alpha.isupper():
        return False
    if len(words) <= 6 or ct.upper() == ct or max_words > 12:
        return True
    long_words = [w for w in words if sum(c.isalpha() for c in w) >= 4]
    caps = sum(1 for w in long_words if w[0].isupper())
    return caps * 2 >= len(long_words)


def _is_block_quote(ct: str) -> bool:
    """A paragraph that is one quotation: opens with a quote and ends with its close."""
    if len(ct) < 10 or ct[0] not in "\"“‘'":
        return False
    tail = ct.rstrip(".!?,;…) ")
    return bool(tail) and tail[-1] in "\"”’'"


def _base_kind(p: _Para, latin_doc: bool) -> str:
    """Kind from the paragraph alone (no context). First matching rule wins:

    caption ("Figure 3: ...", "Table 1"), other (a URL alone, a "Source:" line,
    boilerplate such as "Follow RAWA on Twitter", no letters at all, a short line in
    another script inside a Latin-script document), social (engagement counters,
    "4:47 PM · Mar 19, 2024" time stamps, "Name @handle" / "Name 🤣" headers, hashtag
    lines), front_matter (a dateline "Foreign Policy, April 20, 2022"; a table-of-
    contents line with dot leaders or tab-separated page numbers), list_item (a line
    opening with "-", "•", "1.", "a)", "(iv)"), block_quote (a whole paragraph in
    quotes, or "> " quoted), heading (short standalone line without final punctuation,
    numbered or title-cased), else body.
    """
    ct = p.clean
    if not ct:
        return "other"
    if _CAPTION_RE.match(ct):
        return "caption"
    if _URL_LINE_RE.fullmatch(ct) or _SOURCE_RE.match(ct):
        return "other"
    if len(ct) < 200 and _BOILERPLATE_RE.match(ct):
        return "other"
    if not any(c.isalnum() for c in ct):
        return "social" if _HEART_RE.search(ct) else "other"
    if _is_counters(ct) or _TIMESTAMP_RE.match(ct):
        return "social"
    words = ct.split()
    if _HANDLE_DOT_RE.search(ct[:80]):
        return "social"
    if len(words) <= 10 and (
        _HANDLE_RE.search(ct) or _EMOJI_RE.search(ct) or _HASHTAGS_RE.fullmatch(ct)
    ):
        return "social"
    if latin_doc and len(ct) < 120 and _non_latin_share(ct) > 0.3:
        return "other"
    if len(words) <= 8 and _DATELINE_RE.fullmatch(ct):
        return "front_matter"
    if "\t" in p.raw and _TOC_LINE_RE.match(p.raw.strip("\n")):
        return "front_matter"
    if re.search(r"\.{4,}\s*\d{1,4}$", ct):
        return "front_matter"
    if _LIST_MARKER_RE.match(p.raw):
        return "list_item"
    if p.raw.startswith(">") or _is_block_quote(ct):
        return "block_quote"
    if _heading_like(ct, p.n_lines):
        return "heading"
    return "body"


def _ends_open(ct: str) -> bool:
    """Ends mid-sentence (no final punctuation, no closing quote)."""
    return bool(ct) and (ct[-1].isalnum() or ct[-1] in ",-–")


def _norm_heading(ct: str) -> str:
    ct = re.sub(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+|\s+\d{1,2}(?:\.\d{1,2})+$", "", ct)
    return ct.strip(" .:'\"").casefold()


def _join_broken(paras: Iterable[_Para]) -> Iterator[_Para]:
    """Join a paragraph ending mid-sentence with the paragraph that continues it (streamed).

    * Directly: "... attacked a military fort in the Tank" + page break + "district of
      Khyber ..." becomes one paragraph whose raw span contains the blank lines.
    * Across inserts: when one to three paragraphs none of which starts in lowercase
      (a pull quote, a sidebar, a caption, "•••") sit between the two halves, the PDF
      extraction dropped them into the sentence. The halves become ONE paragraph with
      ``parts`` (the two original spans, glued with JOIN_SEPARATOR for spaCy and
      ``clean_text``); it spans from the first half's start to the second half's end,
      and the inserts stay paragraphs of their own, marked ``insert`` and listed after
      it. A unit of such a paragraph that spans both halves gets the hint ``"segments"``
      (see :func:`iter_segments`). Joined paragraphs are not joined again.

    The first half must be a body, list item or block quote of at least six words ending
    without final punctuation; the second half a body paragraph starting in lowercase
    (not a URL). No join across inserts when the last insert could itself be the first
    half (six words or more, ending open or with a colon): bibliography entries.
    """
    it = iter(paras)
    ahead: deque[_Para] = deque()

    def fill(n: int) -> None:
        while len(ahead) < n:
            nxt = next(it, None)
            if nxt is None:
                return
            ahead.append(nxt)

    while True:
        fill(1)
        if not ahead:
            return
        p = ahead.popleft()
        if (
            not p.parts
            and not p.insert
            and p.kind in ("body", "list_item", "block_quote")
            and _ends_open(p.clean)
            and len(p.clean.split()) >= 6
        ):
            fill(1)
            # direct continuation
            if ahead:
                q = ahead[0]
                if q.kind == "body" and q.clean[:1].islower() and q.pre is not None:
                    merged = _Para(
                        start=p.start,
                        end=q.end,
                        raw=p.raw + q.pre + q.raw,
                        gap=p.gap,
                        chunk=p.chunk,
                        block=p.block,
                        n_lines=p.n_lines + q.n_lines,
                        kind=p.kind,
                        pre=p.pre,
                    )
                    merged.clean = clean_text(merged.raw)
                    ahead[0] = merged
                    continue
            # sandwiched inserts
            fill(4)
            for k in range(1, 4):
                if k >= len(ahead):
                    break
                q = ahead[k]
                if q.kind == "body" and q.clean[:1].islower():
                    middle = [ahead[j] for j in range(k)]
                    last = middle[-1].clean
                    if (
                        all(not m.clean[:1].islower() for m in middle)
                        # q may continue the last insert ("... Available at:" + URL)
                        and not (
                            (_ends_open(last) or last.endswith(":")) and len(last.split()) >= 6
                        )
                        and not q.clean.startswith(("http", "www."))
                    ):
                        for m in middle:
                            m.insert = True
                        if len(p.raw) + len(q.raw) <= MAX_PARAGRAPH_CHARS:
                            raw = p.raw + JOIN_SEPARATOR + q.raw
                            joined = _Para(
                                start=p.start,
                                end=q.end,
                                raw=raw,
                                gap=p.gap,
                                chunk=p.chunk,
                                block=p.block,
                                n_lines=p.n_lines + q.n_lines,
                                kind=p.kind,
                                pre=p.pre,
                                parts=((p.start, p.end), (q.start, q.end)),
                            )
                            joined.clean = clean_text(raw)
                            del ahead[k]
                            p = joined
                    break
        yield p


def _apply_context(paras: list[_Para], title: str | None) -> None:
    """Kinds that depend on the neighbours. In this order:

    * title: the paragraph equal to the ``title`` hint (case-insensitive), else the
      first markdown "# " heading (among the first 30 paragraphs), else the first
      paragraph when it is heading-like (up to 25 words); heading-like paragraphs
      before the title, and between the title and the first prose paragraph or
      markdown heading (bylines, series names), are front_matter;
    * front matter region: from an "Imprint", "Table of contents", "List of
      abbreviations", "About the author" ... heading up to the next numbered section
      heading or "Abstract"/"Introduction"/"Summary" heading, everything is
      front_matter; the block right after a "Contents" heading is the table of
      contents;
    * reference region: after a "Bibliography"/"References"/"Works cited" heading,
      everything is reference until a front-matter heading ("About the author");
    * tweets: after a social header line ("Name @handle"), paragraphs are social until a
      caption, a "Source:" line, a heading or a chunk break;
    * figures: the paragraphs right before a "Figure N" caption that are not prose
      (walking back to the start of the chunk) are the figure's content; when the walk
      reaches the start of the chunk, a short preceding chunk (at most 3 paragraphs, no
      heading) is the figure content too. Figure content is social when the figure is a
      tweet (twitter/x.com source, "Tweet" in the caption, or social lines in it), else
      caption; paragraphs after a caption in the same block are caption too;
    * inserts: paragraphs dropped into the middle of a sentence (see ``_join_broken``)
      are other.
    """
    n = len(paras)
    if not n:
        return
    # --- title and bylines
    title_i = -1
    if title:
        want = " ".join(title.split()).casefold().rstrip(".")
        for i, p in enumerate(paras[:200]):
            if p.clean.casefold().rstrip(".") == want:
                title_i = i
                break
    if title_i < 0:  # a markdown document: its first "# " heading
        title_i = next(
            (i for i, p in enumerate(paras[:30]) if p.md_level == 1 and p.kind == "heading"), -1
        )
    if title_i < 0:
        # Among the heading-like paragraphs that open the document: the last one before
        # the first prose paragraph, or the first one when a front-matter heading
        # ("Imprint") comes before any prose.
        candidates: list[int] = []
        for i, p in enumerate(paras[:30]):
            if p.kind in ("other", "social") or (p.kind == "front_matter" and i > 0):
                continue
            if p.n_lines == 1 and _FRONT_HEADINGS_RE.fullmatch(p.clean):
                title_i = candidates[0] if candidates else -1
                break
            if p.kind in ("heading", "body") and _heading_like(p.clean, p.n_lines, 25):
                candidates.append(i)
                continue
            title_i = candidates[-1] if candidates else -1
            break
    if title_i >= 0:
        paras[title_i].kind = "title"
        for p in paras[:title_i]:
            if p.kind in ("heading", "body") and _heading_like(p.clean, p.n_lines, 25):
                p.kind = "front_matter"
        for p in paras[title_i + 1 :]:
            if p.md_level:
                break  # a markdown section heading ("## Background")
            if p.kind == "heading" and not _FRONT_HEADINGS_RE.fullmatch(p.clean):
                p.kind = "front_matter"
            elif p.kind not in ("other", "front_matter", "social"):
                break
    # --- front matter, table of contents and references
    region = ""
    toc_block = -1
    for i, p in enumerate(paras):
        if i == title_i:
            continue
        ct = p.clean
        short = p.n_lines == 1 and len(ct) <= 80
        if region == "front" and p.block == toc_block:
            p.kind = "front_matter"
            continue
        if short and _FRONT_HEADINGS_RE.fullmatch(ct.strip("\t ")):
            region = "front"
            p.kind = "front_matter"
            if _TOC_HEADINGS_RE.fullmatch(ct):
                toc_block = p.block + 1
            continue
        if short and _REF_HEADINGS_RE.fullmatch(ct):
            region = "reference"
            p.kind = "heading"
            continue
        if region == "front":
            if p.kind == "heading" and (
                _SECTION_NUM_RE.match(ct) or _MAIN_HEADINGS_RE.fullmatch(ct)
            ):
                region = ""
            else:
                p.kind = "front_matter"
        elif region == "reference":
            p.kind = "reference"
    # --- tweets: a header opens a run of social paragraphs
    i = 0
    while i < n:
        p = paras[i]
        if p.kind == "social" and p.social_header:
            j = i + 1
            while j < n and j <= i + 8:
                q = paras[j]
                if q.chunk != p.chunk or q.kind in ("caption", "other", "reference", "title"):
                    break
                if q.kind == "heading" and _SECTION_NUM_RE.match(q.clean):
                    break
                if q.kind != "front_matter":
                    q.kind = "social"
                j += 1
            i = j
        else:
            i += 1
    # --- figures
    chunks: dict[int, list[_Para]] = {}
    for p in paras:
        chunks.setdefault(p.chunk, []).append(p)
    for ci, cap in enumerate(paras):
        if cap.kind != "caption" or not cap.figure:
            continue
        tweety = cap.tweety or (
            ci + 1 < n and paras[ci + 1].kind == "other" and paras[ci + 1].tweety
        )
        content: list[_Para] = []
        j = ci - 1
        reached_start = cap.gap >= BIG_GAP or ci == 0
        while j >= 0 and paras[j].chunk == cap.chunk:
            q = paras[j]
            if q.kind in ("title", "caption", "reference", "front_matter"):
                break
            if q.kind == "other" and q.source_line:
                break  # the source line of an earlier figure
            if q.kind in ("social", "other") or not q.prose:
                content.append(q)
                if q.gap >= BIG_GAP:
                    reached_start = True
                    break
                j -= 1
                continue
            break
        if j < 0:
            reached_start = True
        if reached_start and (not content or content[-1].gap >= BIG_GAP or j < 0):
            first_in_chunk = content[-1] if content else cap
            prev_chunk = chunks.get(first_in_chunk.chunk - 1, [])
            if 0 < len(prev_chunk) <= 3 and all(
                q.kind in ("body", "block_quote", "social", "other", "list_item")
                or (q.kind == "heading" and not _SECTION_NUM_RE.match(q.clean))
                for q in prev_chunk
            ):
                content.extend(prev_chunk)
        tweet = tweety or any(q.kind == "social" for q in content)
        for q in content:
            if q.kind != "other":
                q.kind = "social" if tweet else "caption"
        k = ci + 1
        while k < n and paras[k].block == cap.block:
            if paras[k].kind not in ("other",):
                paras[k].kind = "caption"
            k += 1
    # --- inserts
    for p in paras:
        if p.insert and p.kind in ("body", "block_quote", "heading"):
            p.kind = "other"


def _prose_text(ct: str, words: int) -> bool:
    """A prose paragraph: ends with final punctuation (or a citation), or is long."""
    if words >= 40:
        return True
    t = ct.rstrip("\"'”’)]* ")
    if t and t[-1] in _TERMINALS:
        return True
    m = re.search(r"\(([^()]{1,100})\)\.?$", ct)
    return bool(m and _is_citation(m.group(1)))


def _exclusions(paras: list[_Para], sections: Sequence[str]) -> None:
    """Mark paragraphs in sections whose heading is excluded (to the next heading)."""
    wanted = {_norm_heading(s) for s in sections}
    active = ""
    for p in paras:
        if p.clean and (
            p.kind in ("heading", "title")
            or (p.kind in ("front_matter", "reference") and p.n_lines == 1 and len(p.clean) < 80)
        ):
            name = _norm_heading(p.clean)
            if name in wanted:
                active = name
            elif p.kind in ("heading", "title"):
                active = ""
        if active:
            p.excluded = f"section:{active}"


_DUPLICATE_KINDS = frozenset({"body", "block_quote", "list_item"})
_WORD_RE = re.compile(r"\w+")


def _mark_duplicates(paras: list[_Para]) -> None:
    """A pull quote or summary box that repeats a paragraph of the text word for word.

    Paragraphs of the queued prose kinds (body, block_quote, list_item) with at least
    DUPLICATE_MIN_WORDS words are compared on their words (case-folded, punctuation and
    markup ignored). When the same paragraph occurs more than once, the LAST copy keeps
    its kind; every earlier copy becomes ``other`` (so it is not queued by default) and
    its units carry the hint ``"duplicate_of": [start, end]``, the span of the kept copy.
    The last copy is kept because PDF layouts put pull quotes and summary boxes before
    the body text they repeat (as in seed 003, whose "Implications for Europe" box
    repeats a paragraph of section 6).
    """
    last: dict[int, int] = {}
    for i, p in enumerate(paras):
        if p.dup_key and p.kind in _DUPLICATE_KINDS and not p.insert:
            last[p.dup_key] = i
    if len(last) == sum(1 for p in paras if p.dup_key and p.kind in _DUPLICATE_KINDS):
        return
    for i, p in enumerate(paras):
        if p.dup_key and p.kind in _DUPLICATE_KINDS and not p.insert:
            j = last[p.dup_key]
            if j != i:
                p.kind = "other"
                p.dup_of = (paras[j].start, paras[j].end)


_STAR_RE = re.compile(r"\*\s")
_MD_HEADING_RE = re.compile(r"#{1,6}(?=[ \t])")
_FOOTNOTE_RE = re.compile(r"\*(?!\*)")


def _fix_stars(paras: Iterable[_Para]) -> Iterator[_Para]:
    """ "* " opens a list item only next to another "* " line; alone it is a footnote
    star. A footnote (a paragraph opening with a single "*") of fewer than 15 words is a
    source note: reference. (Streamed, one paragraph of look-ahead.)"""
    it = iter(paras)
    cur = next(it, None)
    prev_star = False
    while cur is not None:
        nxt = next(it, None)
        star = bool(_STAR_RE.match(cur.raw))
        if cur.kind == "list_item" and cur.raw.startswith("*"):
            cur.kind = "body"
        elif (
            cur.kind == "body"
            and star
            and (prev_star or (nxt is not None and _STAR_RE.match(nxt.raw) is not None))
        ):
            cur.kind = "list_item"
        if cur.kind == "body" and _FOOTNOTE_RE.match(cur.raw) and len(cur.clean.split()) < 15:
            cur.kind = "reference"
        prev_star = star
        yield cur
        cur = nxt


def _compact(p: _Para) -> _Para:
    """Precompute what the context rules need, then drop the paragraph's text (it is read
    again, in the second pass) and keep its display text only if it is short."""
    ct = p.clean
    p.words = len(ct.split())
    p.prose = _prose_text(ct, p.words)
    p.has_tab = "\t" in p.raw
    md = _MD_HEADING_RE.match(p.raw)
    p.md_level = len(md.group()) if md else 0
    p.social_header = bool(_HANDLE_RE.search(ct) or _EMOJI_RE.search(ct))
    p.figure = bool(_CAPTION_RE.match(ct))
    p.tweety = "twitter.com" in ct or "x.com/" in ct or "Tweet" in ct
    if len(ct) <= DUPLICATE_MAX_CHARS:
        p.source_line = bool(_URL_LINE_RE.fullmatch(ct) or _SOURCE_RE.match(ct))
        if p.words >= DUPLICATE_MIN_WORDS:
            key = " ".join(_WORD_RE.findall(ct.casefold())).encode("utf-8", "surrogatepass")
            p.dup_key = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") or 1
    p.raw = ""
    p.pre = None
    if len(ct) > KEEP_CLEAN:
        p.clean = ""
    return p


def _classify(
    lines: Iterable[str], head: str, title: str | None, exclude_sections: Sequence[str]
) -> list[_Para]:
    """The first pass: paragraphs with their final kinds, compacted (no text kept for
    long paragraphs). ``head`` is the start of the text (for the script check)."""
    latin = _non_latin_share(head[:20000]) < 0.5
    paras: list[_Para] = []

    def with_kinds() -> Iterator[_Para]:
        for p in _layout(lines):
            p.clean = clean_text(p.raw)
            p.kind = _base_kind(p, latin)
            yield p

    for p in _join_broken(_fix_stars(with_kinds())):
        if p.end - p.start > MAX_PARAGRAPH_CHARS:
            paras.extend(_compact(piece) for piece in _cut(p))
        else:
            paras.append(_compact(p))
    _apply_context(paras, title)
    if exclude_sections:
        _exclusions(paras, exclude_sections)
    _mark_duplicates(paras)
    return paras


# --------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------


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


def _should_split(p: _Para) -> bool:
    """Prose kinds are split into sentences; short or tabular social, caption and
    front-matter lines ("Abd. Sayed", a table-of-contents line) stay whole."""
    if p.kind in ("body", "list_item", "block_quote"):
        return True
    if p.kind in SPLIT_KINDS:
        return not p.has_tab and p.words >= 12
    return False


class _StrWindow:
    """Slices of a text held in memory."""

    def __init__(self, text: str) -> None:
        self.text = text

    def slice(self, a: int, b: int) -> str:
        return self.text[a:b]

    def release(self, upto: int) -> None:
        pass

    def finish(self) -> None:
        pass


class _LineWindow:
    """Slices of a text read forward line by line; text before a released offset is
    dropped, so only the paragraphs at hand are in memory."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._it = iter(lines)
        self._buf = ""
        self._base = 0  # offset of _buf[0] in the text

    def slice(self, a: int, b: int) -> str:
        need = b - self._base
        if len(self._buf) < need:
            more = [self._buf]
            have = len(self._buf)
            for line in self._it:
                more.append(line)
                have += len(line)
                if have >= need:
                    break
            self._buf = "".join(more)
            if have < need:
                raise FramingError("the text changed while it was being read")
        return self._buf[a - self._base : b - self._base]

    def release(self, upto: int) -> None:
        cut = min(upto - self._base, len(self._buf))
        if cut > 0 and cut * 2 >= len(self._buf):  # amortised: copy at most half
            self._buf = self._buf[cut:]
            self._base += cut

    def finish(self) -> None:
        """Read to the end (a file source checks its digest there)."""
        for _ in self._it:
            pass


def _locate(parts: tuple[tuple[int, int], ...], a: int, b: int) -> tuple[int, int, list[list[int]]]:
    """Map a span ``[a, b)`` of a joined paragraph's glued text to original offsets:
    ``(start, end, segments)``; ``segments`` lists the original spans of the parts the
    span covers, or is empty when it lies within one part."""
    offs: list[int] = []
    off = 0
    for s, e in parts:
        offs.append(off)
        off += e - s + len(JOIN_SEPARATOR)
    ka = max(k for k in range(len(parts)) if offs[k] <= a)
    kb = max(k for k in range(len(parts)) if offs[k] < b)
    start = parts[ka][0] + a - offs[ka]
    end = parts[kb][0] + b - offs[kb]
    if ka == kb:
        return start, end, []
    segments = [[start, parts[ka][1]]]
    segments.extend([s, e] for s, e in parts[ka + 1 : kb])
    segments.append([parts[kb][0], end])
    return start, end, segments


_Row = tuple[int, int, str, str, bool, dict[str, Any] | None]


def _paragraph_units(
    p: _Para,
    raw: str,
    spans: list[tuple[int, int]],
    queued_set: frozenset[str],
    ranges: list[tuple[int, int]],
) -> Iterator[_Row]:
    for a, b in spans:
        seg = raw[a:b]
        lead = len(seg) - len(seg.lstrip())
        seg = seg.strip()
        if not seg:
            continue
        display = clean_text(seg)
        if not display:
            continue
        kind = p.kind
        if not any(c.isalnum() for c in display):
            kind = "other"
        elif kind in ("body", "list_item", "block_quote") and is_lone_citation(display):
            kind = "reference"
        a2 = a + lead
        b2 = a2 + len(seg)
        segments: list[list[int]] = []
        if p.parts:
            start, end, segments = _locate(p.parts, a2, b2)
        else:
            start, end = p.start + a2, p.start + b2
        excluded = p.excluded or next(
            (f"range:{ra}-{rb}" for ra, rb in ranges if start < rb and ra < end), ""
        )
        hints: dict[str, Any] = {}
        if excluded:
            hints["excluded"] = excluded
        if segments:
            hints["segments"] = segments
        if p.dup_of is not None:
            hints["duplicate_of"] = list(p.dup_of)
        queued = kind in queued_set and not excluded
        yield start, end, display, kind, queued, hints or None


def iter_segments(
    source: str | LineSource,
    *,
    queued_kinds: Iterable[str] = DEFAULT_QUEUED_KINDS,
    title: str | None = None,
    exclude_sections: Sequence[str] = (),
    exclude_ranges: Sequence[tuple[int, int]] = (),
    on_progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH_SIZE,
    hinter: Callable[[str, float], dict[str, Any]] | None = None,
) -> Iterator[UnitDraft]:
    """Segment a text into units, lazily, batch by batch.

    ``source`` is the text, or a :data:`LineSource` (a callable returning the text's
    lines) for a text too big to hold: the text is then read twice, and only the
    paragraphs of the current batch are in memory, with one small record per paragraph
    from the first pass. Nothing runs until the first unit is asked for.

    ``queued_kinds``: kinds queued for annotation (default: title, body, list_item,
    block_quote). ``title``: the document title if known (a manifest's); the paragraph
    equal to it becomes the ``title`` unit. ``exclude_sections``: heading names
    ("Bibliography"); units from such a heading to the next heading are not queued.
    ``exclude_ranges``: ``(start, end)`` character ranges; units overlapping one are not
    queued. Excluded units keep their kind and carry ``hints={"excluded": ...}``.
    ``on_progress(done_chars, total_chars)`` is called once before the first batch,
    after every batch of paragraphs (at most ``batch_size`` split paragraphs or
    BATCH_CHARS characters) and once at the end with ``(total, total)``.
    ``hinter(text, sentiment)``, if given, adds pre-annotation hints to every unit
    (segmentation's own hint keys win).

    Units with no letter or digit in their display text are kept as ``other``; units
    whose display text would be empty are dropped. A unit that is only a citation
    ("(Gul, 2023)") is a ``reference``. Units come in document order (by ``start``).

    Offsets: ``text[start:end]`` is the unit's raw span and ``text == clean_text(raw
    span)``, with one exemption: a sentence that a PDF extraction interrupted with a
    sidebar, pull quote or caption (see ``_join_broken``) is ONE unit whose span runs
    from the start of its first part to the end of its last part and so contains the
    interposed lines; its ``text`` omits them, and its hints carry ``"segments": [[s1,
    e1], [s2, e2], ...]``, the raw spans of its parts (``s1 == start``, last ``e ==
    end``), with ``text == clean_text(JOIN_SEPARATOR.join(text[s:e] for s, e in
    segments))``. The interposed lines are units of their own (kind ``other``,
    ``caption``...), nested in the joined unit's span. A paragraph repeated verbatim
    later in the text (a pull quote, a summary box) is ``other``, with the hint
    ``"duplicate_of": [start, end]`` (see ``_mark_duplicates``).
    """
    queued_set = frozenset(queued_kinds)
    ranges = [(int(a), int(b)) for a, b in exclude_ranges]
    window: _StrWindow | _LineWindow
    if isinstance(source, str):
        text = source
        total = len(text)
        paras = _classify(text.splitlines(keepends=True), text[:20000], title, exclude_sections)
        window = _StrWindow(text)
    else:
        head: list[str] = []
        size = 0
        for line in source():
            head.append(line)
            size += len(line)
            if size >= 20000:
                break
        counter = _Count(source())
        paras = _classify(counter, "".join(head), title, exclude_sections)
        total = counter.n
        window = _LineWindow(source())
    yield from _units(paras, window, total, queued_set, ranges, on_progress, batch_size, hinter)


class _Count:
    """Iterate lines and count their characters."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = lines
        self.n = 0

    def __iter__(self) -> Iterator[str]:
        for line in self._lines:
            self.n += len(line)
            yield line


def _units(
    paras: list[_Para],
    window: _StrWindow | _LineWindow,
    total: int,
    queued_set: frozenset[str],
    ranges: list[tuple[int, int]],
    on_progress: Callable[[int, int], None] | None,
    batch_size: int,
    hinter: Callable[[str, float], dict[str, Any]] | None = None,
) -> Iterator[UnitDraft]:
    """The second pass: paragraphs in batches through ``nlp.pipe``, units out."""
    nlp = get_nlp()
    n = len(paras)
    position = 0
    done = 0
    i = 0
    if on_progress is not None:
        on_progress(0, total)
    while i < n:
        batch: list[tuple[_Para, str, bool]] = []
        n_split = chars = 0
        hold = -1  # a joined paragraph's end: its inserts go into the same batch
        while i < n and ((n_split < batch_size and chars < BATCH_CHARS) or paras[i].start < hold):
            p = paras[i]
            if p.parts:
                raw = JOIN_SEPARATOR.join(window.slice(a, b) for a, b in p.parts)
                hold = max(hold, p.end)
            else:
                raw = window.slice(p.start, p.end)
            i += 1
            window.release(paras[i].start if i < n else p.end)
            split = _should_split(p)
            batch.append((p, raw, split))
            chars += len(raw)
            n_split += split
        texts = [raw for _, raw, split in batch if split]
        docs = nlp.pipe(_make_docs(nlp, texts), batch_size=batch_size)
        rows: list[_Row] = []
        for p, raw, split in batch:
            spans = _doc_sentence_spans(next(docs), len(raw)) if split else [(0, len(raw))]
            rows.extend(_paragraph_units(p, raw, spans, queued_set, ranges))
            done = max(done, p.end)
        if hold >= 0:
            rows.sort(key=lambda r: r[0])  # inserts nest inside a joined unit's span
        for start, end, display, kind, queued, hints in rows:
            score = sentiment(display)
            if hinter is not None:
                hints = {**hinter(display, score), **(hints or {})}
            yield UnitDraft(
                position=position,
                start=start,
                end=end,
                text=display,
                kind=kind,
                queued=queued,
                sentiment=score,
                hints=hints,
            )
            position += 1
        del batch, rows
        if on_progress is not None and i < n:
            on_progress(done, total)
    window.finish()
    if on_progress is not None:
        on_progress(total, total)


def segment_text(
    text: str,
    *,
    queued_kinds: Iterable[str] = DEFAULT_QUEUED_KINDS,
    title: str | None = None,
    exclude_sections: Sequence[str] = (),
    exclude_ranges: Sequence[tuple[int, int]] = (),
    on_progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> list[UnitDraft]:
    """Segment ``text`` into a list of units: :func:`iter_segments` on a string."""
    return list(
        iter_segments(
            text,
            queued_kinds=queued_kinds,
            title=title,
            exclude_sections=exclude_sections,
            exclude_ranges=exclude_ranges,
            on_progress=on_progress,
            batch_size=batch_size,
        )
    )
