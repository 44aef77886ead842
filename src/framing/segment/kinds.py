"""Kinds from the paragraph alone: the line rules and their regexes.

:func:`_base_kind` gives each paragraph a first kind (caption, other, social,
front_matter, list_item, block_quote, heading or body); :func:`_fix_stars` tells "* "
list items from footnote stars. The rules that need the whole document (the title,
front matter and reference regions, tweets, figures) are in
:mod:`framing.segment.context`; the regexes here serve them too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from framing.models import UNIT_KINDS
from framing.segment.layout import _LIST_MARKER_RE, _Para
from framing.segment.sentences import _DIGIT_RE, _is_citation, sentence_starts

__all__ = ["UNIT_KINDS"]  # re-exported: every kind a unit can have (framing.models)

#: Paragraph kinds that are split into sentences; the others become one unit each.
SPLIT_KINDS: frozenset[str] = frozenset(
    {"body", "list_item", "block_quote", "social", "caption", "front_matter"}
)

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
    toks = ct.split(None, 15)  # at most 16 pieces: a long paragraph is not split whole
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
    # words, counted up to 11 (a huge paragraph is not split into millions of strings)
    n_words = len(ct.split(None, 10))
    if _HANDLE_DOT_RE.search(ct[:80]):
        return "social"
    if n_words <= 10 and (
        _HANDLE_RE.search(ct) or _EMOJI_RE.search(ct) or _HASHTAGS_RE.fullmatch(ct)
    ):
        return "social"
    if latin_doc and len(ct) < 120 and _non_latin_share(ct) > 0.3:
        return "other"
    if n_words <= 8 and _DATELINE_RE.fullmatch(ct):
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


def _prose_text(ct: str, words: int) -> bool:
    """A prose paragraph: ends with final punctuation (or a citation), or is long."""
    if words >= 40:
        return True
    t = ct.rstrip("\"'”’)]* ")
    if t and t[-1] in _TERMINALS:
        return True
    m = re.search(r"\(([^()]{1,100})\)\.?$", ct)
    return bool(m and _is_citation(m.group(1)))


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
        if (
            cur.kind == "body"
            and _FOOTNOTE_RE.match(cur.raw)
            and len(cur.clean.split(None, 15)) < 15
        ):
            cur.kind = "reference"
        prev_star = star
        yield cur
        cur = nxt
