"""Joins of a sentence broken by a page break, or across a sidebar dropped into it."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

from framing.segment.clean import clean_text
from framing.segment.layout import JOIN_SEPARATOR, MAX_PARAGRAPH_CHARS, _Para


def _ends_open(ct: str) -> bool:
    """Ends mid-sentence (no final punctuation, no closing quote)."""
    return bool(ct) and (ct[-1].isalnum() or ct[-1] in ",-–")


def _merged(p: _Para, q: _Para, raw: str, parts: tuple[tuple[int, int], ...] = ()) -> _Para:
    """``p`` continued by ``q``: one paragraph spanning both, with ``raw`` as its text."""
    merged = _Para(
        start=p.start,
        end=q.end,
        raw=raw,
        gap=p.gap,
        chunk=p.chunk,
        block=p.block,
        n_lines=p.n_lines + q.n_lines,
        kind=p.kind,
        pre=p.pre,
        parts=parts,
    )
    merged.clean = clean_text(raw)
    return merged


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
            and len(p.clean.split(None, 6)) >= 6
        ):
            fill(1)
            # direct continuation
            if ahead:
                q = ahead[0]
                if q.kind == "body" and q.clean[:1].islower() and q.pre is not None:
                    ahead[0] = _merged(p, q, p.raw + q.pre + q.raw)
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
                            (_ends_open(last) or last.endswith(":"))
                            and len(last.split(None, 6)) >= 6
                        )
                        and not q.clean.startswith(("http", "www."))
                    ):
                        for m in middle:
                            m.insert = True
                        if len(p.raw) + len(q.raw) <= MAX_PARAGRAPH_CHARS:
                            joined = _merged(
                                p,
                                q,
                                p.raw + JOIN_SEPARATOR + q.raw,
                                parts=((p.start, p.end), (q.start, q.end)),
                            )
                            del ahead[k]
                            p = joined
                    break
        yield p
