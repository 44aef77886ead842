"""The first pass as it was before its records were packed: one ``_Para`` per paragraph.

A test-only copy of the list-of-objects representation that ``framing.segment`` used
until the records were packed into arrays (``framing.segment.records``): compaction,
the whole-document rules and the duplicates, on ``list[_Para]``. The rule code is
the former ``segment/context.py`` and ``segment/prepass.py`` verbatim (names kept), so
``tests/test_segment_records.py`` can check that the packed rows hold exactly what
these objects held.
"""

# ruff: noqa: E501

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from framing.segment.clean import clean_text
from framing.segment.joins import _join_broken
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
    _base_kind,
    _fix_stars,
    _heading_like,
    _non_latin_share,
    _prose_text,
)
from framing.segment.layout import BIG_GAP, MAX_PARAGRAPH_CHARS, _cut, _layout, _Para

DUPLICATE_MAX_CHARS = 2000
DUPLICATE_MIN_WORDS = 8
KEEP_CLEAN = 300


@dataclass(slots=True)
class _Rec:
    """The former ``_Para`` with its compaction features (what the rules read)."""

    start: int
    end: int
    raw: str
    gap: int
    chunk: int
    block: int
    n_lines: int
    clean: str = ""
    kind: str = "body"
    excluded: str = ""
    insert: bool = False
    pre: str | None = ""
    parts: tuple[tuple[int, int], ...] = ()
    words: int = 0
    prose: bool = False
    has_tab: bool = False
    social_header: bool = False
    figure: bool = False
    tweety: bool = False
    source_line: bool = False
    md_level: int = 0
    dup_key: int = 0
    dup_of: tuple[int, int] | None = None


def _compact(para: _Para) -> _Rec:
    """Precompute what the context rules need, then drop the paragraph's text (it is read
    again, in the second pass) and keep its display text only if it is short."""
    p = _Rec(
        start=para.start,
        end=para.end,
        raw=para.raw,
        gap=para.gap,
        chunk=para.chunk,
        block=para.block,
        n_lines=para.n_lines,
        clean=para.clean,
        kind=para.kind,
        insert=para.insert,
        pre=para.pre,
        parts=para.parts,
    )
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
) -> list[_Rec]:
    """The first pass: paragraphs with their final kinds, compacted (no text kept for
    long paragraphs). ``head`` is the start of the text (for the script check)."""
    latin = _non_latin_share(head[:20000]) < 0.5
    paras: list[_Rec] = []

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


def _apply_context(paras: list[_Rec], title: str | None) -> None:
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
    chunks: dict[int, list[_Rec]] = {}
    for p in paras:
        chunks.setdefault(p.chunk, []).append(p)
    for ci, cap in enumerate(paras):
        if cap.kind != "caption" or not cap.figure:
            continue
        tweety = cap.tweety or (
            ci + 1 < n and paras[ci + 1].kind == "other" and paras[ci + 1].tweety
        )
        content: list[_Rec] = []
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


def _norm_heading(ct: str) -> str:
    ct = re.sub(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+|\s+\d{1,2}(?:\.\d{1,2})+$", "", ct)
    return ct.strip(" .:'\"").casefold()


def _exclusions(paras: list[_Rec], sections: Sequence[str]) -> None:
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


def _mark_duplicates(paras: list[_Rec]) -> None:
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
