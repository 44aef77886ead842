"""The second pass: paragraphs in batches, split into sentences, units out.

:func:`iter_segments` runs the first pass (:func:`~framing.segment.prepass._classify`),
then reads the text again, from a string or line by line, and yields
:class:`~framing.models.UnitDraft` s batch by batch; :func:`segment_text` is the
list-returning convenience.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from framing.models import DEFAULT_QUEUED_KINDS, FramingError, UnitDraft
from framing.segment.clean import clean_text
from framing.segment.kinds import SPLIT_KINDS
from framing.segment.layout import JOIN_SEPARATOR, LineSource
from framing.segment.nlp import sentence_spans, sentiment
from framing.segment.prepass import _classify
from framing.segment.records import HAS_TAB, _Paras
from framing.segment.sentences import is_lone_citation

#: Paragraphs split into sentences per batch (progress is reported per batch).
BATCH_SIZE = 256

#: At most this many characters per batch (with ``BATCH_SIZE``).
BATCH_CHARS = 1_000_000

#: The longest unit. A longer "sentence" (a file with no punctuation, a table dumped
#: as one line) is split, preferably after a clause mark, else at a space, so time
#: stays linear in the input (VADER and the hints are superlinear in a unit's length)
#: and an annotator is never shown a screenful as one sentence. Real sentences are
#: far shorter: the longest in the seeds has 476 characters.
MAX_UNIT_CHARS = 1_000

_CLAUSE_MARKS = ";:,)]}\u2013\u2014"


def _cap_spans(
    raw: str, spans: list[tuple[int, int]], limit: int = MAX_UNIT_CHARS
) -> list[tuple[int, int]]:
    """``spans`` with every span longer than ``limit`` split into pieces of at most
    ``limit`` characters: after the last clause mark in the second half of the
    window, else at the last whitespace, else exactly at the limit."""
    if all(b - a <= limit for a, b in spans):
        return spans
    out: list[tuple[int, int]] = []
    for a, b in spans:
        while b - a > limit:
            lo, hi = a + limit // 2, a + limit
            cut = max(raw.rfind(m, lo, hi) for m in _CLAUSE_MARKS) + 1
            if cut <= lo:
                cut = max(raw.rfind(" ", lo, hi), raw.rfind("\n", lo, hi), raw.rfind("\t", lo, hi))
            if cut <= lo:
                cut = hi
            out.append((a, cut))
            a = cut
        out.append((a, b))
    return out


def _should_split(kind: str, flags: int, words: int) -> bool:
    """Prose kinds are split into sentences; short or tabular social, caption and
    front-matter lines ("Abd. Sayed", a table-of-contents line) stay whole."""
    if kind in ("body", "list_item", "block_quote"):
        return True
    if kind in SPLIT_KINDS:
        return not flags & HAS_TAB and words >= 12
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
    paras: _Paras,
    i: int,
    raw: str,
    spans: list[tuple[int, int]],
    queued_set: frozenset[str],
    ranges: list[tuple[int, int]],
) -> Iterator[_Row]:
    p_kind = paras.kind[i]
    p_start = paras.start[i]
    p_parts = paras.parts.get(i) if paras.parts else None
    p_excluded = paras.excluded[i] if paras.excluded is not None else ""
    dup = paras.dup_of[i] if paras.dup_of is not None else -1
    for a, b in spans:
        seg = raw[a:b]
        lead = len(seg) - len(seg.lstrip())
        seg = seg.strip()
        if not seg:
            continue
        display = clean_text(seg)
        if not display:
            continue
        kind = p_kind
        if not any(c.isalnum() for c in display):
            kind = "other"
        elif kind in ("body", "list_item", "block_quote") and is_lone_citation(display):
            kind = "reference"
        a2 = a + lead
        b2 = a2 + len(seg)
        segments: list[list[int]] = []
        if p_parts:
            start, end, segments = _locate(p_parts, a2, b2)
        else:
            start, end = p_start + a2, p_start + b2
        excluded = p_excluded or next(
            (f"range:{ra}-{rb}" for ra, rb in ranges if start < rb and ra < end), ""
        )
        hints: dict[str, Any] = {}
        if excluded:
            hints["excluded"] = excluded
        if segments:
            hints["segments"] = segments
        if dup >= 0:
            hints["duplicate_of"] = [paras.start[dup], paras.end[dup]]
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
    paras: _Paras,
    window: _StrWindow | _LineWindow,
    total: int,
    queued_set: frozenset[str],
    ranges: list[tuple[int, int]],
    on_progress: Callable[[int, int], None] | None,
    batch_size: int,
    hinter: Callable[[str, float], dict[str, Any]] | None = None,
) -> Iterator[UnitDraft]:
    """The second pass: paragraphs in batches, split into sentences, units out."""
    n = len(paras)
    starts = paras.start
    ends = paras.end
    parts = paras.parts
    position = 0
    done = 0
    i = 0
    if on_progress is not None:
        on_progress(0, total)
    while i < n:
        batch: list[tuple[int, str, bool]] = []
        n_split = chars = 0
        hold = -1  # a joined paragraph's end: its inserts go into the same batch
        while i < n and ((n_split < batch_size and chars < BATCH_CHARS) or starts[i] < hold):
            p_parts = parts.get(i) if parts else None
            if p_parts:
                raw = JOIN_SEPARATOR.join(window.slice(a, b) for a, b in p_parts)
                hold = max(hold, ends[i])
            else:
                raw = window.slice(starts[i], ends[i])
            split = _should_split(paras.kind[i], paras.flags[i], paras.words[i])
            batch.append((i, raw, split))
            i += 1
            window.release(starts[i] if i < n else ends[i - 1])
            chars += len(raw)
            n_split += split
        rows: list[_Row] = []
        for k, raw, split in batch:
            spans = sentence_spans(raw) if split else [(0, len(raw))]
            spans = _cap_spans(raw, spans)
            rows.extend(_paragraph_units(paras, k, raw, spans, queued_set, ranges))
            done = max(done, ends[k])
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
