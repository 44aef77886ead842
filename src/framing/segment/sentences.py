"""Sentence boundaries, at the character level, in pure Python (no spaCy).

:func:`sentence_starts` holds the rules (terminators, ellipses, abbreviations,
citations, attributions after a quote, inline enumerations); :func:`split_sentences` is
the span-returning convenience. :mod:`framing.segment.nlp` wraps the rules as the spaCy
component ``framing_sentences``. Citations are recognised here too
(:func:`is_lone_citation`), as a citation in brackets after a full stop stays with its
sentence.
"""

from __future__ import annotations

import re

# A terminator cluster and the closing quotes/brackets/markdown stars glued to it.
_TERM_RE = re.compile(
    r"""
    (?P<term>
        \.(?:[ ]\.){2,}        # spaced ellipsis ". . ." (or ". . . .")
      | \.{2,} | …+            # ellipsis
      | [.!?]+                 # terminators, also "!!", "?!"
    )
    (?P<close>(?:\*|["'”’»)\]])*)
    """,
    re.X,
)
_PREV_WORD_RE = re.compile(r"\S{0,80}$")
_NEXT_WORD_RE = re.compile(r"\S+")
_OPENERS = "\"'“‘«([{*¿¡"
_QUOTES = "\"'”’»"


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


#: Titles before a name: never end a sentence.
PREFIX_ABBREVIATIONS = _words(
    """mr mrs ms mx dr prof st mt ft gen sen rep gov lt col sgt capt cmdr adm rev hon pres
    messrs supt insp det cpl pvt maj brig mssrs mme mlle"""
)
#: Abbreviations that precede a number ("p. 55", "No. 10", "Sept. 11").
NUMERIC_ABBREVIATIONS = _words(
    """p pp no nos nr n° vol vols fig figs art arts sec secs ch chap para paras op ed eds
    jan feb mar apr jun jul aug sep sept oct nov dec"""
)
#: Abbreviations that may end a sentence: a break only before a typical sentence starter.
AMBIGUOUS_ABBREVIATIONS = _words(
    """co corp inc ltd llc plc bros jr sr vs v al dept govt est approx assn intl univ
    ave blvd rd apt ibid"""
)
#: Abbreviations that never end a sentence.
NEVER_FINAL = frozenset({"e.g", "i.e", "viz", "cf", "a.k.a"})
#: Words that typically open a sentence (after "U.S." or "Co." they mark a break).
SENTENCE_STARTERS = _words(
    """A An And As At But Did Do Does During For From He Her His How However I If In It
    Its Many Meanwhile Millions More Moreover Most My Nevertheless No Now On One Our She
    Since So Some Such That The Their Then There These They This Those Thus To We What
    When Where Which While Who Why Yet You"""
)
_ACRONYM_RE = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_SPEECH_VERBS = (
    "said|says|say|told|tells|added|adds|asked|asks|wrote|writes|noted|notes|explained|"
    "argued|argues|stated|states|warned|warns|claimed|claims|replied|insisted|continued|"
    "recalled|tweeted|concluded|observed|declared|announced|commented|remarked|"
    "acknowledged|admitted|suggested|insists|according"
)
# "... too?” Pantucci said." / "... great.' she said" / "... ,” said Ali."
_ATTRIBUTION_RE = re.compile(
    rf"(?:(?:[A-Z][\w'’.\-]*|the|a|an|of|and|de|van|von|al)\s+){{0,5}}(?:{_SPEECH_VERBS})\b"
    r"(?=\s*(?:[.,;:!?]|$)|\s+[A-Z])"
)
_YEAR_RE = re.compile(r"\b(?:1[5-9]|20)\d\d[a-z]?\b|\bn\.d\.")
_DIGIT_RE = re.compile(r"\d")

# Inline enumerations: "1.) a 2.) b", "a. x b. y", "• 9. x • 10. y".
_ENUM_START_RE = re.compile(
    r"\s*(?P<bullet>[•⁃▪◦‣∙])?\s*(?P<label>\d{1,3}|[a-z])(?P<delim>\.\)|\)|\.)(?=\s)"
)
_BULLET_START_RE = re.compile(r"\s*(?P<bullet>[•⁃▪◦‣∙])\s")


def _is_citation(inner: str) -> bool:
    """True for the inside of a bibliographic parenthesis: "Suleymanov, 2023", "p. 4"."""
    if len(inner) > 100 or "(" in inner:
        return False
    if _YEAR_RE.search(inner):
        return True
    words = inner.split()
    return 0 < len(words) <= 6 and bool(_DIGIT_RE.search(inner)) and inner[:1].isupper()


def is_lone_citation(text: str) -> bool:
    """True when ``text`` is nothing but a citation: "(Suleymanov, 2023)." or "Gul, 2023"."""
    t = text.strip().rstrip(".,;")
    if t.startswith("(") and t.endswith(")"):
        return _is_citation(t[1:-1])
    if t.startswith("(") or t.endswith(")"):
        return _is_citation(t.strip("()"))
    return len(t) <= 40 and bool(re.fullmatch(r"[^\W\d][\w&.,' -]*,? (?:1[5-9]|20)\d\d[a-z]?", t))


def _prev_word(s: str, end: int) -> str:
    """The run of non-space characters (at most 80) that ends at ``end``."""
    m = _PREV_WORD_RE.search(s, max(0, end - 80), end)
    return m.group() if m else ""


def _letters(s: str, at_least: int = 2) -> bool:
    n = 0
    for ch in s:
        if ch.isalpha():
            n += 1
            if n >= at_least:
                return True
    return False


def _first_char(word: str) -> str:
    w = word.lstrip(_OPENERS)
    return w[:1]


def _enumeration_starts(s: str) -> list[int]:
    """Offsets of the 2nd, 3rd, ... items of an inline enumeration that opens ``s``."""
    out: list[int] = []
    m = _ENUM_START_RE.match(s)
    if m:
        bullet, label, delim = m.group("bullet") or "", m.group("label"), m.group("delim")
        pos = m.end()
        while True:
            nxt = str(int(label) + 1) if label.isdigit() else chr(ord(label) + 1)
            pattern = (
                r"(?<=\s)"
                + (re.escape(bullet) + r"\s*" if bullet else "")
                + re.escape(nxt)
                + re.escape(delim)
                + r"(?=\s)"
            )
            mm = re.compile(pattern).search(s, pos)
            if mm is None:
                break
            out.append(mm.start())
            pos, label = mm.end(), nxt
        return out
    b = _BULLET_START_RE.match(s)
    if b:
        bullet = b.group("bullet")
        later = re.compile(r"(?<=\s)" + re.escape(bullet))  # (re.finditer's 3rd is flags)
        out = [mm.start() for mm in later.finditer(s, b.end())]
    return out


def _paren_depth(s: str) -> int:
    if "(" not in s and "[" not in s:
        return 0
    return s.count("(") - s.count(")") + s.count("[") - s.count("]")


def sentence_starts(s: str) -> list[int]:
    """Character offsets (> 0) at which a new sentence starts in ``s``.

    The rules, in the order they are tried at each terminator cluster
    (``.``, ``!``, ``?``, ellipses, with any closing quotes/brackets glued to it):

    * a terminator glued to the next character is no break, except a missing space
      between two words ("stable.But"; not in e-mail addresses or URLs);
    * ``[...]`` is an omission, not a terminator;
    * no break while the sentence so far has fewer than two letters (list markers
      "1.)", "a.", "• 9." stay with their item) or inside open brackets;
    * a citation in brackets after the full stop stays with its sentence
      ("... US. (Suleymanov, 2023)");
    * ellipses: ". . ." inside a sentence is no break; "word. . . . Next" breaks after
      the first full stop; "...." and ". . . ." break before a capital; "..." breaks
      before a capital other than "I";
    * no break before a lowercase word;
    * abbreviations: titles ("Mr.", "Mt.") never break; "p.", "No.", "Sept." never
      break before a number; initials ("E.") never break ("I." after a lowercase word
      does); "e.g." never breaks; "U.S.", "co.", "Inc." break only before a typical
      sentence starter ("How", "They"); "P.M." breaks before any capital;
    * an attribution after a closing quote stays with the quote ("...too?” Pantucci
      said.");
    * otherwise a terminator followed by whitespace breaks.

    Inline enumerations that open ``s`` ("1.) a 2.) b", "a. x b. y", "• x • y") also
    break before each following item.
    """
    n = len(s)
    forced = _enumeration_starts(s) if s[:4].lstrip()[:1] in "0123456789abcdefghij•⁃▪◦‣∙" else []
    starts: set[int] = set(forced)
    fi = 0
    sent_start = 0
    for m in _TERM_RE.finditer(s):
        ts, p = m.start(), m.end()
        while fi < len(forced) and forced[fi] <= ts:
            sent_start = max(sent_start, forced[fi])
            fi += 1
        if p >= n:
            break
        term, close = m.group("term"), m.group("close")
        if not s[p].isspace():
            # Glued: only "stable.But" (a missing space between two words) breaks.
            if (
                term == "."
                and not close
                and ts >= 2
                and s[ts - 1].islower()
                and s[ts - 2].islower()
                and p + 1 < n
                and s[p].isupper()
                and s[p + 1].islower()
            ):
                chunk_start = ts - len(_prev_word(s, ts))
                nxt = _NEXT_WORD_RE.match(s, p)
                chunk = s[chunk_start:ts] + (nxt.group() if nxt else "")
                if "@" not in chunk and "/" not in chunk and "www" not in chunk:
                    starts.add(p)
                    sent_start = p
            continue
        if term.startswith(".") and ts > 0 and s[ts - 1] == "[" and s[p - 1 : p] == "]":
            continue  # "[...]"
        q = p
        while q < n and s[q].isspace():
            q += 1
        if q >= n:
            break
        # (bounded, so a huge paragraph without breaks stays linear)
        so_far = s[max(sent_start, p - 2000) : p]
        if not _letters(so_far) or _paren_depth(so_far) > 0:
            continue
        nxt_m = _NEXT_WORD_RE.match(s, q)
        next_word = nxt_m.group() if nxt_m else ""
        first = _first_char(next_word)
        # A citation in brackets right after the terminator stays with this sentence.
        if s[q] == "(":
            close_at = s.find(")", q + 1, q + 102)
            if close_at > 0 and _is_citation(s[q + 1 : close_at]):
                r = close_at + 1
                if r < n and s[r] in ".;,":
                    continue  # the terminator after the citation decides
                r2 = r
                while r2 < n and s[r2].isspace():
                    r2 += 1
                if r2 < n and r2 > r:
                    after = _NEXT_WORD_RE.match(s, r2)
                    c = _first_char(after.group()) if after else ""
                    if c and not c.islower() and _letters(s[max(sent_start, r - 2000) : r]):
                        starts.add(r2)
                        sent_start = r2
                continue
        dots = term.count(".")
        if dots >= 2 or "…" in term:
            spaced = " " in term
            capital_next = bool(first) and (first.isupper() or first.isdigit())
            if spaced:
                if dots >= 4 and capital_next:
                    if ts > 0 and not s[ts - 1].isspace():
                        starts.add(ts + 2)  # "compounds. . . . The" -> ". . . The"
                        sent_start = ts + 2
                    else:
                        starts.add(q)
                        sent_start = q
                continue
            if capital_next and (dots >= 4 or next_word.rstrip(",;:") not in ("I", "I'm", "I’m")):
                starts.add(q)
                sent_start = q
            continue
        if not first or first.islower():
            continue
        if term == ".":
            word = _prev_word(s, ts).lstrip(_OPENERS)
            low = word.lower()
            bare = next_word.strip(_OPENERS + ".,;:!?\"'”’")
            if low in PREFIX_ABBREVIATIONS:
                continue
            if low in NUMERIC_ABBREVIATIONS and first.isdigit():
                continue
            if len(word) == 1 and word.isupper():
                before = s[max(sent_start, ts - 100) : ts - len(word)].rstrip()
                prev_w = before.rsplit(None, 1)[-1] if before else ""
                if not (word == "I" and prev_w[:1].islower()):
                    continue
            elif _ACRONYM_RE.fullmatch(word):
                if low in NEVER_FINAL:
                    continue
                if word not in ("A.M", "P.M") and bare not in SENTENCE_STARTERS:
                    continue
            elif low in NEVER_FINAL or (
                low in AMBIGUOUS_ABBREVIATIONS and bare not in SENTENCE_STARTERS
            ):
                continue
        if close and any(c in _QUOTES for c in close) and _ATTRIBUTION_RE.match(s, q):
            continue
        starts.add(q)
        sent_start = q
    return sorted(x for x in starts if 0 < x < n)


def split_sentences(s: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of the sentences of ``s`` (pure Python, no spaCy)."""
    bounds = [0, *sentence_starts(s), len(s)]
    out: list[tuple[int, int]] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        seg = s[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg.rstrip())
        if trail > lead:
            out.append((a + lead, a + trail))
    return out
