"""The first pass: a text's lines -> paragraphs with their final kinds (no spaCy).

:func:`_classify` streams the lines through :mod:`~framing.segment.layout`,
:mod:`~framing.segment.kinds` and :mod:`~framing.segment.joins`, compacts each
paragraph (:func:`_compact`: a few precomputed features, no text kept for long ones)
and then runs the whole-document rules of :mod:`~framing.segment.context`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence

from framing.segment.clean import clean_text
from framing.segment.context import (
    _WORD_RE,
    DUPLICATE_MAX_CHARS,
    DUPLICATE_MIN_WORDS,
    _apply_context,
    _exclusions,
    _mark_duplicates,
)
from framing.segment.joins import _join_broken
from framing.segment.kinds import (
    _CAPTION_RE,
    _EMOJI_RE,
    _HANDLE_RE,
    _MD_HEADING_RE,
    _SOURCE_RE,
    _URL_LINE_RE,
    _base_kind,
    _fix_stars,
    _non_latin_share,
    _prose_text,
)
from framing.segment.layout import MAX_PARAGRAPH_CHARS, _cut, _layout, _Para

#: After the first pass, the display text of a paragraph is kept only up to this many
#: characters (titles, headings, captions, short lines: what the context rules read);
#: longer paragraphs keep their offsets and a few precomputed features.
KEEP_CLEAN = 300


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
