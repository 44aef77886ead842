"""The first pass: a text's lines -> one packed row per paragraph, with its final kind.

:func:`_classify` streams the lines through :mod:`~framing.segment.layout`,
:mod:`~framing.segment.kinds` and :mod:`~framing.segment.joins` (no spaCy), adds each
paragraph as a row of :class:`~framing.segment.records._Paras` (a few precomputed
features, no text kept but for the first paragraphs) and then runs the whole-document
rules of :mod:`~framing.segment.context` on the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from framing.segment.clean import clean_text
from framing.segment.context import _apply_context, _exclusions, _mark_duplicates
from framing.segment.joins import _join_broken
from framing.segment.kinds import _base_kind, _fix_stars, _non_latin_share
from framing.segment.layout import MAX_PARAGRAPH_CHARS, _cut, _layout, _Para
from framing.segment.records import _Paras


def _classify(
    lines: Iterable[str], head: str, title: str | None, exclude_sections: Sequence[str]
) -> _Paras:
    """The first pass: one row per paragraph, with its final kind. ``head`` is the start
    of the text (for the script check)."""
    latin = _non_latin_share(head[:20000]) < 0.5
    paras = _Paras(exclude_sections)

    def with_kinds() -> Iterator[_Para]:
        for p in _layout(lines):
            p.clean = clean_text(p.raw)
            p.kind = _base_kind(p, latin)
            yield p

    for p in _join_broken(_fix_stars(with_kinds())):
        if p.end - p.start > MAX_PARAGRAPH_CHARS:
            for piece in _cut(p):
                paras.add(piece)
        else:
            paras.add(p)
    _apply_context(paras, title)
    _exclusions(paras)
    _mark_duplicates(paras)
    return paras
