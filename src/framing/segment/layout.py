"""Layout: lines -> blocks -> paragraphs, streamed, with exact offsets (no spaCy).

:func:`_layout` groups the lines of a text into *blocks* (runs of non-blank lines) and
blocks into paragraphs (:class:`_Para`): a line joins the previous one when it is
clearly a PDF/hard-wrap continuation (a hyphenated word break, a lowercase
continuation of a line without final punctuation, or a block of evenly wrapped long
lines). Runs of BIG_GAP or more blank lines separate *chunks*; in PDF extractions they
fence figures and sidebars off. :func:`_cut` cuts an over-long paragraph at sentence
starts before spaCy sees it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from framing.segment.clean import clean_text
from framing.segment.sentences import sentence_starts

#: The lines of one text with their line breaks, as ``str.splitlines(keepends=True)``
#: gives them (so ``"".join(lines()) == text``). A callable, because segmentation reads
#: the text twice: a cheap first pass for the layout and the kinds, then the sentences.
LineSource = Callable[[], Iterable[str]]

#: Blank lines that separate chunks (figures, sidebars) in PDF extractions.
BIG_GAP = 3

#: Paragraphs longer than this are cut (at sentence boundaries) before spaCy sees them.
MAX_PARAGRAPH_CHARS = 100_000

#: How the parts of a paragraph joined across an insert are glued for spaCy and
#: ``clean_text`` (see ``_join_broken``).
JOIN_SEPARATOR = "\n\n"


@dataclass(slots=True)
class _Para:
    """A paragraph during the first pass (transient: the first pass keeps a packed row
    per paragraph, see :mod:`~framing.segment.records`)."""

    start: int  # offset of the first non-space character
    end: int  # offset after the last non-space character
    raw: str  # text[start:end] (glued with JOIN_SEPARATOR when joined across inserts)
    gap: int  # blank lines before it (0: same block as the previous paragraph)
    chunk: int  # index of the chunk (chunks are separated by BIG_GAP blank lines)
    block: int  # index of the block
    n_lines: int
    clean: str = ""  # the display text (clean_text(raw))
    kind: str = "body"
    insert: bool = False
    # text[previous paragraph's end:start] during the first pass (None: too long)
    pre: str | None = ""
    # a paragraph joined across inserts: the original spans of its parts
    parts: tuple[tuple[int, int], ...] = ()


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
            insert=p.insert,
        )
        piece.clean = clean_text(piece.raw)
        pieces.append(piece)
    return pieces
