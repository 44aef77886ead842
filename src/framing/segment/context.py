"""Kinds that need the whole document, run on the first pass's rows (one per paragraph).

:func:`_apply_context` (the title and bylines, front matter and reference regions,
tweets, figures, inserts), :func:`_exclusions` (``exclude_sections``) and
:func:`_mark_duplicates` (a pull quote or summary box repeating body text).

The rows are packed (:class:`~framing.segment.records._Paras`): ``kind[i]``,
``chunk[i]``... What a rule asks of a paragraph's display text ("is it a References
heading?") was computed when the row was added, as a flag (``flags[i] & REF_SHORT``);
the display text itself is at hand for the first ``HEAD_ROWS`` paragraphs only, where
the title rules look.
"""

from __future__ import annotations

from array import array

from framing.segment.kinds import _FRONT_HEADINGS_RE, _heading_like
from framing.segment.layout import BIG_GAP
from framing.segment.records import (
    CLEAN,
    FIGURE,
    FRONT,
    FRONT_SHORT,
    INSERT,
    MAIN,
    PROSE,
    REF_SHORT,
    SECTION_NUM,
    SHORT79,
    SOCIAL_HEADER,
    SOURCE_LINE,
    TOC,
    TWEETY,
    _Paras,
)


def _apply_context(paras: _Paras, title: str | None) -> None:
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
    kind = paras.kind
    flags = paras.flags
    n_lines = paras.n_lines
    chunk = paras.chunk
    block = paras.block
    gap = paras.gap
    head = paras.head_clean  # the display text of the first HEAD_ROWS paragraphs
    # --- title and bylines
    title_i = -1
    if title:
        want = " ".join(title.split()).casefold().rstrip(".")
        for i, ct in enumerate(head):
            if ct.casefold().rstrip(".") == want:
                title_i = i
                break
    if title_i < 0:  # a markdown document: its first "# " heading
        title_i = next(
            (i for i in range(min(n, 30)) if paras.md_level[i] == 1 and kind[i] == "heading"), -1
        )
    if title_i < 0:
        # Among the heading-like paragraphs that open the document: the last one before
        # the first prose paragraph, or the first one when a front-matter heading
        # ("Imprint") comes before any prose.
        candidates: list[int] = []
        for i in range(min(n, 30)):
            k = kind[i]
            if k in ("other", "social") or (k == "front_matter" and i > 0):
                continue
            if n_lines[i] == 1 and _FRONT_HEADINGS_RE.fullmatch(head[i]):
                title_i = candidates[0] if candidates else -1
                break
            if k in ("heading", "body") and _heading_like(head[i], n_lines[i], 25):
                candidates.append(i)
                continue
            title_i = candidates[-1] if candidates else -1
            break
    if title_i >= 0:
        kind[title_i] = "title"
        for i in range(title_i):
            if kind[i] in ("heading", "body") and _heading_like(head[i], n_lines[i], 25):
                kind[i] = "front_matter"
        for i in range(title_i + 1, n):
            if paras.md_level[i]:
                break  # a markdown section heading ("## Background")
            k = kind[i]
            if k == "heading" and not flags[i] & FRONT:
                kind[i] = "front_matter"
            elif k not in ("other", "front_matter", "social"):
                break
    # --- front matter, table of contents and references
    region = ""
    toc_block = -1
    for i, (f, b) in enumerate(zip(flags, block, strict=True)):
        if i == title_i:
            continue
        if region == "front" and b == toc_block:
            kind[i] = "front_matter"
            continue
        if f & FRONT_SHORT:
            region = "front"
            kind[i] = "front_matter"
            if f & TOC:
                toc_block = b + 1
            continue
        if f & REF_SHORT:
            region = "reference"
            kind[i] = "heading"
            continue
        if region == "front":
            if kind[i] == "heading" and f & MAIN:
                region = ""
            else:
                kind[i] = "front_matter"
        elif region == "reference":
            kind[i] = "reference"
    # --- tweets: a header opens a run of social paragraphs
    i = 0
    while i < n:
        if kind[i] == "social" and flags[i] & SOCIAL_HEADER:
            j = i + 1
            while j < n and j <= i + 8:
                k = kind[j]
                if chunk[j] != chunk[i] or k in ("caption", "other", "reference", "title"):
                    break
                if k == "heading" and flags[j] & SECTION_NUM:
                    break
                if k != "front_matter":
                    kind[j] = "social"
                j += 1
            i = j
        else:
            i += 1
    # --- figures
    for ci, cap_kind in enumerate(kind):  # each kind as it is then (later ones change)
        if cap_kind != "caption" or not flags[ci] & FIGURE:
            continue
        tweety = flags[ci] & TWEETY or (
            ci + 1 < n and kind[ci + 1] == "other" and flags[ci + 1] & TWEETY
        )
        content: list[int] = []
        j = ci - 1
        reached_start = gap[ci] >= BIG_GAP or ci == 0
        while j >= 0 and chunk[j] == chunk[ci]:
            k = kind[j]
            if k in ("title", "caption", "reference", "front_matter"):
                break
            if k == "other" and flags[j] & SOURCE_LINE:
                break  # the source line of an earlier figure
            if k in ("social", "other") or not flags[j] & PROSE:
                content.append(j)
                if gap[j] >= BIG_GAP:
                    reached_start = True
                    break
                j -= 1
                continue
            break
        if j < 0:
            reached_start = True
        if reached_start and (not content or gap[content[-1]] >= BIG_GAP or j < 0):
            first_in_chunk = content[-1] if content else ci
            prev_chunk = paras.chunk_rows(chunk[first_in_chunk] - 1)
            if 0 < len(prev_chunk) <= 3 and all(
                kind[q] in ("body", "block_quote", "social", "other", "list_item")
                or (kind[q] == "heading" and not flags[q] & SECTION_NUM)
                for q in prev_chunk
            ):
                content.extend(prev_chunk)
        tweet = tweety or any(kind[q] == "social" for q in content)
        for q in content:
            if kind[q] != "other":
                kind[q] = "social" if tweet else "caption"
        k2 = ci + 1
        while k2 < n and block[k2] == block[ci]:
            if kind[k2] not in ("other",):
                kind[k2] = "caption"
            k2 += 1
    # --- inserts
    for i in paras.inserts:
        if kind[i] in ("body", "block_quote", "heading"):
            kind[i] = "other"


def _exclusions(paras: _Paras) -> None:
    """Mark paragraphs in sections whose heading is excluded (to the next heading).

    The sections are those the rows were made with (``_Paras(exclude_sections)``), which
    named each wanted heading's row in ``heading_name``."""
    names = paras.heading_name
    if names is None:
        return
    kind = paras.kind
    flags = paras.flags
    excluded: list[str] | None = None
    active = ""
    label = ""
    for i, (f, k) in enumerate(zip(flags, kind, strict=True)):
        if f & CLEAN and (
            k in ("heading", "title") or (k in ("front_matter", "reference") and f & SHORT79)
        ):
            name = names[i]
            if name is not None:
                active = name
                label = f"section:{name}"
            elif k in ("heading", "title"):
                active = ""
        if active:
            if excluded is None:
                excluded = paras.excluded = [""] * len(paras)
            excluded[i] = label


_DUPLICATE_KINDS = frozenset({"body", "block_quote", "list_item"})


def _mark_duplicates(paras: _Paras) -> None:
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
    kind = paras.kind
    flags = paras.flags
    keys = paras.dup_key
    n = len(paras)
    repeated = _repeated_keys(keys) if n >= SORT_KEYS_ROWS else None
    if repeated is not None and not repeated:
        return
    last: dict[int, int] = {}
    candidates = 0
    for i, (key, k, f) in enumerate(zip(keys, kind, flags, strict=True)):
        if key and k in _DUPLICATE_KINDS and (repeated is None or key in repeated):
            candidates += 1
            if not f & INSERT:
                last[key] = i
    if len(last) == candidates:
        return
    dup_of = array("q", [-1]) * n
    for i in range(n):
        key = keys[i]
        if key in last and kind[i] in _DUPLICATE_KINDS and not flags[i] & INSERT:
            j = last[key]
            if j != i:
                kind[i] = "other"
                dup_of[i] = j
    paras.dup_of = dup_of


#: From this many paragraphs on, the keys that occur more than once are found by
#: sorting a copy of the keys (8 bytes a paragraph, numpy) first, so that the dict of
#: last copies holds only those (a dict entry costs some 100 bytes, and in a long
#: document most paragraphs are unique).
SORT_KEYS_ROWS = 50_000


def _repeated_keys(keys: array[int]) -> set[int]:
    """The non-zero keys that occur more than once. A key that occurs once is its own
    last copy, so leaving it out of ``last`` changes nothing."""
    import numpy as np

    s = np.sort(np.frombuffer(keys, dtype=np.uint64))
    same = (s[1:] == s[:-1]) & (s[1:] != 0)
    return {int(k) for k in np.unique(s[1:][same])}
