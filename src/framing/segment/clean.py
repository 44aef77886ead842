"""Display text: :func:`clean_text`, a pure function of a unit's raw span.

A unit's ``text`` is ``clean_text(text[start:end])`` (see :mod:`framing.segment`), so
the annotator reads "security" where a PDF extraction wrote "secu-\nrity", and no
markdown stars or inline HTML tags.
"""

from __future__ import annotations

import re

_TAG_RE = re.compile(r"</?(?:u|b|i|em|strong|sup|sub|span|br)\b[^<>]{0,40}>", re.I)
# "secu-\nrity": a lowercase word broken at a line end and continued in lowercase.
_SOFT_BREAK_RE = re.compile(r"\b([a-z]+)-[ \t]*(?:\r\n|\r|\n)\s*(?=[a-z])")
# Any other "word-\nword" line break keeps its hyphen: "anti-\nWestern".
_HARD_BREAK_RE = re.compile(r"(?<=\w)-[ \t]*(?:\r\n|\r|\n)\s*(?=\w)")
_MD_PREFIX_RE = re.compile(r"(?:#{1,6}|>)[ \t]+")
_INVISIBLE_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
#: Above this length whitespace runs are replaced in place: ``s.split()`` would build
#: a string per word (a 20 MB unpunctuated line: millions). ``\s`` matches exactly the
#: characters ``str.split()`` breaks at (checked for every code point in the tests).
_LONG = 1 << 16
_SPACES_RE = re.compile(r"\s+")


def clean_text(raw: str) -> str:
    """The display text of a raw span.

    * markdown residue goes: every ``*`` (bold ``**``, italics, footnote stars) and
      inline HTML tags such as ``<u>``;
    * a word broken at a line end is joined: ``secu-\\nrity`` -> ``security`` when both
      halves are lowercase, otherwise the hyphen stays (``anti-\\nWestern`` ->
      ``anti-Western``);
    * a markdown heading or quote marker ("## ", "> ") opening the span goes;
    * soft hyphens and zero-width characters go, and every whitespace run
      (newlines, tabs, no-break spaces) becomes one space; the result is stripped.

    It is a pure function of the raw span, so ``unit.text == clean_text(raw[start:end])``.
    """
    s = raw
    if "*" in s:
        s = s.replace("*", "")
    if "<" in s:
        s = _TAG_RE.sub("", s)
    if "-" in s and ("\n" in s or "\r" in s):
        s = _SOFT_BREAK_RE.sub(r"\1", s)
        s = _HARD_BREAK_RE.sub("-", s)
    if not s.isascii():
        s = _INVISIBLE_RE.sub("", s)
    if s[:1] in "#>":
        s = _MD_PREFIX_RE.sub("", s, count=1)
    if len(s) > _LONG:  # one string, not a list of every word (a huge paragraph)
        return _SPACES_RE.sub(" ", s).strip(" ")
    return " ".join(s.split())  # split() breaks at what \s matches, and strips
