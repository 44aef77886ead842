"""The first pass's per-paragraph records, packed in parallel arrays (:class:`_Paras`).

Why: the whole-document rules (:mod:`~framing.segment.context`) need one record per
paragraph of the document before the second pass can start, so these records are what
grows with the input. As one slotted :class:`~framing.segment.layout._Para` object per
paragraph (its int and str fields, and the display text of short paragraphs) they cost
about 490 bytes each: one 50 MB file of ordinary paragraphs (about 250 000 of them)
took some 120 MB. Here a paragraph is one row across a few typed arrays (about 80
bytes), and what the rules read from its display text is computed once, when the row is
added (:meth:`_Paras.add`), as bit flags; the display text itself is kept only for the
first :data:`HEAD_ROWS` paragraphs (the title rules look there, and only there).

The rows hold exactly what the list of ``_Para`` held after compaction (the kind as a
shared str, the offsets, the counts, the features), so the rules and the second pass
give the same units; ``tests/test_segment_records.py`` checks the rows against that
representation.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from framing.segment.kinds import (
    _CAPTION_RE,
    _EMOJI_RE,
    _FRONT_HEADINGS_RE,
    _HANDLE_RE,
    _MAIN_HEADINGS_RE,
    _MD_HEADING_RE,
    _REF_HEADINGS_RE,
    _SECTION_NUM_RE,
    _SOURCE_RE,
    _TOC_HEADINGS_RE,
    _URL_LINE_RE,
    _prose_text,
)
from framing.segment.layout import _Para

#: After the first pass, the display text of a paragraph is read by the rules only up
#: to this many characters (titles, headings, captions, short lines); a longer
#: paragraph counts as having an empty display text there (its features are computed
#: from the whole text first).
KEEP_CLEAN = 300

#: The title rules look at the first this many paragraphs; their display text is kept.
HEAD_ROWS = 200

#: Paragraphs of at most this many characters (and at least DUPLICATE_MIN_WORDS words)
#: are checked for verbatim repeats (pull quotes, summary boxes).
DUPLICATE_MAX_CHARS = 2000
DUPLICATE_MIN_WORDS = 8

_WORD_RE = re.compile(r"\w+")


def _norm_heading(ct: str) -> str:
    """A heading's name as ``exclude_sections`` gives it: no section number, case-folded."""
    ct = re.sub(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+|\s+\d{1,2}(?:\.\d{1,2})+$", "", ct)
    return ct.strip(" .:'\"").casefold()


# Row flags. The first group are features of the whole display text; the second what
# the context rules ask of the kept (compacted) display text ``ct``, which is "" for a
# paragraph longer than KEEP_CLEAN; "short" means one line and len(ct) <= 80.
INSERT = 1 << 0  # dropped into a broken sentence (see joins._join_broken)
PROSE = 1 << 1  # kinds._prose_text
HAS_TAB = 1 << 2  # a tab in the raw text
SOCIAL_HEADER = 1 << 3  # a "@handle" or an emoji
FIGURE = 1 << 4  # opens with a "Figure 3" caption
TWEETY = 1 << 5  # "twitter.com", "x.com/" or "Tweet"
SOURCE_LINE = 1 << 6  # a URL alone or a "Source:" line (display text <= 2000 chars)
CLEAN = 1 << 7  # ct is not empty
FRONT = 1 << 8  # _FRONT_HEADINGS_RE.fullmatch(ct) (set for a heading only)
FRONT_SHORT = 1 << 9  # short and _FRONT_HEADINGS_RE.fullmatch(ct.strip("\t "))
TOC = 1 << 10  # _TOC_HEADINGS_RE.fullmatch(ct) (set with FRONT_SHORT only)
REF_SHORT = 1 << 11  # short and _REF_HEADINGS_RE.fullmatch(ct)
SECTION_NUM = 1 << 12  # _SECTION_NUM_RE.match(ct) (for a heading or REF_SHORT only)
MAIN = 1 << 13  # SECTION_NUM, or _MAIN_HEADINGS_RE.fullmatch(ct) (for a heading only)
SHORT79 = 1 << 14  # one line and len(ct) < 80 (the exclusions' heading test)


class _Paras:
    """One row per paragraph of a document, in document order (see the module doc).

    ``kind`` is a list of the shared kind strings (the rules assign them); the numbers
    are ``array("q")``; ``parts`` (joined paragraphs) holds only the rows that have
    them; ``dup_of`` and ``excluded`` are None until a rule sets one row's.
    ``heading_name[i]`` is, when sections are excluded, the wanted section name that
    row ``i`` is a heading of, else None.
    """

    __slots__ = (
        "start",
        "end",
        "gap",
        "chunk",
        "block",
        "n_lines",
        "words",
        "kind",
        "flags",
        "md_level",
        "dup_key",
        "dup_of",
        "excluded",
        "parts",
        "head_clean",
        "inserts",
        "heading_name",
        "_wanted",
        "_chunks_sorted",
    )

    def __init__(self, exclude_sections: Iterable[str] = ()) -> None:
        self.start = array("q")
        self.end = array("q")
        self.gap = array("q")
        self.chunk = array("q")
        self.block = array("q")
        self.n_lines = array("q")
        self.words = array("q")
        self.kind: list[str] = []
        self.flags = array("H")
        self.md_level = bytearray()
        self.dup_key = array("Q")
        #: per row, the row it repeats (the kept, last copy) or -1 (context._mark_duplicates)
        self.dup_of: array[int] | None = None
        #: per row, "section:<name>" or "" (see context._exclusions)
        self.excluded: list[str] | None = None
        #: row -> the original spans of a paragraph joined across inserts
        self.parts: dict[int, tuple[tuple[int, int], ...]] = {}
        self.head_clean: list[str] = []
        #: the rows marked INSERT, in order
        self.inserts: list[int] = []
        self._wanted = {_norm_heading(s): _norm_heading(s) for s in exclude_sections}
        self.heading_name: list[str | None] | None = [] if self._wanted else None
        self._chunks_sorted = True

    def __len__(self) -> int:
        return len(self.kind)

    def add(self, p: _Para) -> None:
        """Append paragraph ``p`` (final kind from the paragraph-level rules, display
        text in ``p.clean``, raw text in ``p.raw``) as a row."""
        i = len(self.kind)
        full = p.clean
        words = len(full.split())
        flags = 0
        if p.insert:
            flags |= INSERT
            self.inserts.append(i)
        if _prose_text(full, words):
            flags |= PROSE
        if "\t" in p.raw:
            flags |= HAS_TAB
        if _HANDLE_RE.search(full) or _EMOJI_RE.search(full):
            flags |= SOCIAL_HEADER
        if _CAPTION_RE.match(full):
            flags |= FIGURE
        if "twitter.com" in full or "x.com/" in full or "Tweet" in full:
            flags |= TWEETY
        key = 0
        if len(full) <= DUPLICATE_MAX_CHARS:
            if _URL_LINE_RE.fullmatch(full) or _SOURCE_RE.match(full):
                flags |= SOURCE_LINE
            if words >= DUPLICATE_MIN_WORDS:
                folded = " ".join(_WORD_RE.findall(full.casefold()))
                digest = hashlib.blake2b(folded.encode("utf-8", "surrogatepass"), digest_size=8)
                key = int.from_bytes(digest.digest(), "big") or 1
        ct = full if len(full) <= KEEP_CLEAN else ""
        if ct:
            flags |= CLEAN
            one_line = p.n_lines == 1
            if one_line and len(ct) <= 80:
                if _FRONT_HEADINGS_RE.fullmatch(ct.strip("\t ")):
                    flags |= FRONT_SHORT
                    if _TOC_HEADINGS_RE.fullmatch(ct):
                        flags |= TOC
                if _REF_HEADINGS_RE.fullmatch(ct):
                    flags |= REF_SHORT
            # FRONT, MAIN and SECTION_NUM are read only of a row whose kind is then
            # "heading": its kind from the paragraph rules (the rules before them make
            # no heading), or a References heading's (REF_SHORT). Only those get them.
            if p.kind == "heading":
                if _FRONT_HEADINGS_RE.fullmatch(ct):
                    flags |= FRONT
                if _SECTION_NUM_RE.match(ct):
                    flags |= SECTION_NUM | MAIN
                elif _MAIN_HEADINGS_RE.fullmatch(ct):
                    flags |= MAIN
            elif flags & REF_SHORT and _SECTION_NUM_RE.match(ct):
                flags |= SECTION_NUM
            if one_line and len(ct) < 80:
                flags |= SHORT79
        md = _MD_HEADING_RE.match(p.raw)
        if self.heading_name is not None:
            self.heading_name.append(self._wanted.get(_norm_heading(ct)) if ct else None)
        if i < HEAD_ROWS:
            self.head_clean.append(ct)
        if i and p.chunk < self.chunk[i - 1]:
            self._chunks_sorted = False
        self.start.append(p.start)
        self.end.append(p.end)
        self.gap.append(p.gap)
        self.chunk.append(p.chunk)
        self.block.append(p.block)
        self.n_lines.append(p.n_lines)
        self.words.append(words)
        self.kind.append(p.kind)
        self.flags.append(flags)
        self.md_level.append(len(md.group()) if md else 0)
        self.dup_key.append(key)
        if p.parts:
            self.parts[i] = p.parts

    def chunk_rows(self, c: int) -> range | list[int]:
        """The rows of chunk ``c``, in order (chunks only grow along the document; if
        they ever did not, the rows are searched one by one)."""
        if self._chunks_sorted:
            return range(bisect_left(self.chunk, c), bisect_right(self.chunk, c))
        return [i for i, ci in enumerate(self.chunk) if ci == c]
