"""Word wrapping in linear time: :func:`wrap` gives the lines of ``textwrap.wrap``.

``textwrap`` cuts a word longer than a line one line at a time, and at each cut it
copies the rest of the word: quadratic in the word's length (``framing codebook`` took
minutes on a definition of 8 MB without a space). :class:`LinearWrapper` hands such a
word to textwrap in blocks of about :data:`BLOCK` characters, so no copy is longer than
a block. textwrap cuts a block exactly where it would cut the whole word: every block is longer
than a line, so where one block's last piece and the next block meet, textwrap fills
the line from the next block as it would from the whole word; and the one rule
that looks at the text around a cut (break after the last hyphen of the line) sees no
hyphen near a block boundary, which is put where the ``width`` characters on each side
hold none (or, if there is no such place, where the characters around hold only
hyphens; failing both, the lines around that boundary may break at another hyphen
than textwrap's, and stay within ``width``).
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

__all__ = ["BLOCK", "LinearWrapper", "wrap"]

#: Longest piece of a word that textwrap is given at once.
BLOCK = 1 << 15


class LinearWrapper(textwrap.TextWrapper):
    """``textwrap.TextWrapper`` with words longer than :attr:`block` cut into blocks
    first (see the module docstring); same lines, in linear time."""

    block = BLOCK

    def _split(self, text: str) -> list[str]:
        chunks: list[str] = super()._split(text)
        if all(len(c) <= self.block for c in chunks):
            return chunks
        out: list[str] = []
        for c in chunks:
            if len(c) <= self.block or c.isspace():
                out.append(c)
            else:
                out.extend(self._blocks(c))
        return out

    def _blocks(self, word: str) -> list[str]:
        """``word`` in pieces of ``block`` to ``2 * block`` characters (the last one up
        to ``3 * block``), each longer than a line, cut at quiet places."""
        reach = max(self.width, 1)  # no line is wider
        block = max(self.block, 2 * reach)
        out: list[str] = []
        start = 0
        while len(word) - start > 3 * block:
            lo, hi = start + block, start + 2 * block
            cut = _quiet_place(word, lo, hi, reach) if self.break_on_hyphens else lo
            out.append(word[start:cut])
            start = cut
        out.append(word[start:])
        return out


_NOT_HYPHEN = re.compile("[^-]")


def _quiet_place(word: str, lo: int, hi: int, reach: int) -> int:
    """An offset in ``[lo, hi)`` with no hyphen within ``reach`` characters on either
    side, else one with only hyphens there, else ``lo``; linear in ``hi - lo``."""
    i = lo - reach
    while i < hi - reach:
        h = word.find("-", i, i + 2 * reach)
        if h < 0:
            return i + reach
        i = h + 1
    i = lo - reach
    while i < hi - reach:
        m = _NOT_HYPHEN.search(word, i, i + 2 * reach)
        if m is None:
            return i + reach
        i = m.end()
    return lo


def wrap(text: str, width: int = 70, **kwargs: Any) -> list[str]:
    """``textwrap.wrap(text, width, **kwargs)``, in linear time."""
    return LinearWrapper(width=width, **kwargs).wrap(text)
