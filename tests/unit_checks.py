"""The offset contract of units, shared by the segmentation, ingest and CLI tests.

For every unit ``u`` of a document whose text is ``text``:

* ``text[u.start:u.end]`` is non-empty and has no surrounding whitespace, and
  ``u.text == clean_text(text[u.start:u.end])``;
* units come in document order and do not overlap.

The one exemption is a *joined* unit: a sentence that a PDF extraction interrupted with
a sidebar, pull quote or caption. Its hints carry ``"segments": [[s1, e1], [s2, e2],
...]``, the raw spans of its parts; its span runs from ``s1`` (== ``u.start``) to the
last ``e`` (== ``u.end``), and ``u.text == clean_text(JOIN_SEPARATOR.join(text[s:e]
for s, e in segments))``: the interposed lines are not in its text. Units of the
interposed lines come right after it and lie inside the gaps between its segments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from framing.segment import JOIN_SEPARATOR, clean_text


def _get(u: Any, name: str) -> Any:
    return u[name] if isinstance(u, Mapping) else getattr(u, name)


def check_units(text: str, units: Iterable[Any]) -> int:
    """Assert the offset contract for ``units`` (UnitDrafts or export rows) of ``text``.

    Returns the number of joined units seen.
    """
    outer_end = 0
    gaps: list[tuple[int, int]] = []
    inner_end = 0
    joined = 0
    for u in units:
        start, end, shown = _get(u, "start"), _get(u, "end"), _get(u, "text")
        hints = _get(u, "hints") or {}
        span = text[start:end]
        assert span and span == span.strip(), u
        assert shown, u
        segments = hints.get("segments") or []
        if segments:
            joined += 1
            assert segments[0][0] == start and segments[-1][1] == end, u
            for (s1, e1), (s2, e2) in zip(segments, segments[1:], strict=False):
                assert s1 < e1 < s2 < e2, u
            parts = [text[s:e] for s, e in segments]
            assert all(p and p == p.strip() for p in parts), u
            assert shown == clean_text(JOIN_SEPARATOR.join(parts)), u
        else:
            assert shown == clean_text(span), u
        if start >= outer_end:  # the next unit in document order
            outer_end = end
            gaps = [(e1, s2) for (_, e1), (s2, _) in zip(segments, segments[1:], strict=False)]
            inner_end = 0
        else:  # nested: an interposed line of the last joined unit
            assert not segments, u
            assert any(g0 <= start and end <= g1 for g0, g1 in gaps), u
            assert start >= inner_end, u
            inner_end = end
    return joined
