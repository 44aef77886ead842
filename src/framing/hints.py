"""Pre-annotation hints: certainty cues, attribution, actors, tone, and a suggestion.

Hints are computed once at ingest for every unit's clean text and stored as JSON
(shape documented at the bottom of :mod:`framing.models`). They are *suggestions*
shown to the annotator; they are never preselected as labels.

API
---
* :class:`Hinter` — built once from the actor gazetteer (``Hinter(actors)`` or
  ``Hinter.from_codebook(codebook)``); ``hinter.hints(text, sentiment)`` returns the
  hints dict.
* :func:`compute_hints` — module-level convenience, ``compute_hints(text, sentiment,
  actors)``; it caches one :class:`Hinter` per gazetteer.
* :func:`format_hints` — plain-text rendering for ``framing hints UNIT_ID``.
* :func:`lemmatize`, :func:`lemma_source` — the lookup lemmatizer used for reporting
  verbs, and where its table came from.

Cue types (``HINT_CUE_TYPES``)
------------------------------
``hedge``
    may, might, could, possibly, perhaps, maybe, potentially, "cannot be ruled out"
    (strength *possible*); probably, likely, unlikely, appears/seems to, apparently,
    suggests, indicates, believed to, estimated, expected to, unclear, "according to
    various estimates" (strength *probable*). "could not" alone is not a hedge (it
    usually reports inability), and "May" written with a capital inside a sentence
    (or before a number) is the month.
``booster``
    clearly, certainly, undoubtedly, definitely, obviously, indeed, in fact, must,
    confirmed, of course, no doubt, evidence shows, "it is clear", "it is important to
    note", "it should be noted", ...
``negated_booster``
    a booster preceded (within two words) by not / never / n't / hardly / cannot
    ("not clearly", "never confirmed", "has not been confirmed"); the adjectives clear,
    certain, sure, evident, known, proven, verified only count when so negated
    ("not clear", "not entirely certain"), the nouns evidence, proof, confirmation only
    after no / without / little / lack of ("no evidence"); plus "unconfirmed".
    The span starts at the negator.
``evidential``
    reportedly, allegedly, purportedly, supposedly, ostensibly, rumo(u)red, alleged
    (mostly "the alleged support"), unverified, "is said to", "it is claimed",
    "sources said" (which also yields an ``anonymous_source`` on "sources"), "could
    not be independently verified", ...
``attribution``
    reporting verbs, "according to", "point(s/ed) out", "made it clear". Reporting
    verbs are found with a *lookup lemmatizer*: the English ``lemma_lookup`` table of
    ``spacy-lookups-data`` (read once, lazily, straight from the package's JSON) maps
    word forms to lemmas; every form whose lemma is in :data:`REPORTING_LEMMAS` is
    compiled into the matcher, so the per-sentence cost is one regex scan rather than
    one table lookup per token (same result, faster). Forms that are mostly nouns
    ("states", "reports", "notes", "claims", "remarks") and the base forms "state",
    "report", "note", "claim", "stress", "remark" are left out; "claim(ed)
    responsibility/credit", "claimed the attack", "claimed the lives" are events, not
    attributions, and yield nothing; so do "denied access/entry".
    If ``spacy-lookups-data`` cannot be loaded, a small built-in inflection table
    (regular -s/-ed/-ing rules plus said/told/wrote) is used instead;
    :func:`lemma_source` then returns ``"built-in"``.
``anonymous_source``
    officials, sources, experts, analysts, diplomats, observers, insiders, critics,
    "a senior official", "one official", "people familiar with", ...
``quote``
    the text between a pair of quotation marks ("..." or “...”), marks excluded. An
    unpaired opening mark (a quotation continued in the next sentence) covers the rest
    of the sentence; an unpaired closing mark covers the text before it.

Actors
------
Every alias of every gazetteer actor, matched with word boundaries, longest match
first ("Tehreek-e-Taliban Pakistan" is the TTP, not Taliban + Pakistan; "Afghan
Taliban" is the Taliban; "IS-Khorasan" is ISKP). Aliases without spaces and with at
least two capitals (US, UN, TTP, IEA, IS-K, U.S., JuA) are case-sensitive, so "us"
is not the US; all other aliases are case-insensitive. Every mention is a span.

Tone
----
``{"compound": sentiment, "label": tone_label(sentiment)}`` from the VADER compound
computed by ingest: a weak tone hint, never a stance.

Suggested certainty (first rule that applies)
---------------------------------------------
1. an ``attribution``, ``evidential`` or ``quote`` cue and no (un-negated) author
   ``booster`` → **uncommitted** (the claim is someone else's);
2. a *possible*-strength hedge → **possible**;
3. a *probable*-strength hedge or a ``negated_booster`` → **probable**;
4. a ``booster`` → **certain**;
5. none of these → **certain** ("plain assertion: no hedge, booster or attribution").
   An ``anonymous_source`` alone ("Experts gathered in Kabul") is no such cue: without
   a reporting verb nothing attributes the claim to the source, and the reasons say
   exactly that.

Hedges beat boosters (the weakest commitment wins); a booster beats attribution.
The reasons name the deciding cues first, then other cues that were present. A text
without a word of two letters or more (page furniture such as "Q 169 ♥ 315") gets
``None``. It is only a suggestion, never a label.

The suggestion is a label id of the default codebook's ``certainty`` dimension
(:data:`SUGGESTED_CERTAINTY_LABELS`). A :class:`Hinter` built with
:meth:`Hinter.from_codebook` for a codebook without a ``certainty`` dimension holding
all four ids suggests nothing (``None``).

Performance: one scan of the lower-cased text with a single trie-shaped regex (cues,
reporting-verb forms and actor aliases together), a quotation-mark scan only when the
text contains a quotation mark, and a little Python per match.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from framing.models import Actor, Codebook, tone_label

__all__ = [
    "CERTAINTY_DIMENSION",
    "REPORTING_LEMMAS",
    "SUGGESTED_CERTAINTY_LABELS",
    "Hinter",
    "compute_hints",
    "format_hints",
    "lemma_source",
    "lemmatize",
    "suggest_certainty",
]

# --------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------


def _words(block: str) -> list[str]:
    return block.split()


#: Lemmas of reporting verbs that mark attribution.
REPORTING_LEMMAS: frozenset[str] = frozenset(
    _words("""
    say claim accuse warn note state stress argue deny insist add tell report believe
    allege emphasize emphasise assert contend acknowledge admit explain declare announce
    reiterate write observe remark predict condemn criticize criticise complain concede
    underline underscore affirm
    """)
)

# Forms of reporting lemmas that are mostly nouns (or adjectives) in news text.
_AMBIGUOUS_FORMS = frozenset(
    _words("""
    state states report reports note notes claim claims stress remark remarks
    telling write writing written
    """)
)

_IRREGULAR: dict[str, tuple[str, ...]] = {
    "say": ("said", "says", "saying"),
    "tell": ("told", "tells", "telling"),
    "write": ("wrote", "written", "writes", "writing"),
    "admit": ("admits", "admitted", "admitting"),
}

_HEDGE_POSSIBLE = """
may | might | could | possibly | perhaps | maybe | potentially | conceivably
could be | could well | may well | might well | it is possible | it's possible
it is possible that | possible that | cannot be ruled out | could not be ruled out
can not be ruled out | can't be ruled out | cannot be excluded
"""

_HEDGE_PROBABLE = """
probably | likely | most likely | more likely | very likely | unlikely | presumably
appears to | appear to | appeared to | appears that | it appears | it would appear
seems to | seem to | seemed to | seems that | it seems | it would seem | seemingly
apparently | suggests | suggest that | suggested that | suggesting that | indicates
indicate that | indicated that | indicating | indicating that | believed to
is believed | are believed | was believed | were believed | widely believed
it is believed | thought to | is thought | are thought | estimated | an estimated
estimates | expected to | is expected | are expected | unclear | remains unclear
according to various estimates | according to some estimates | according to estimates
by some estimates | by various estimates | arguably
"""

_BOOSTERS = """
clearly | certainly | undoubtedly | definitely | obviously | indeed | in fact | must
confirmed | undeniably | unquestionably | surely | evidently | of course | no doubt
without doubt | without a doubt | there is no doubt | beyond doubt | doubtless
evidence shows | evidence show | the evidence shows | it is clear | it was clear
it's clear | it is evident | it is obvious | it is certain | it is important to note
it is important to note that | it should be noted | it must be noted
it is worth noting | it is worth noting that | it is worth mentioning
in reality | as a matter of fact
"""

# Only counted when negated: adjectives (after not/never/n't) and nouns (after no...).
_NEG_ONLY_ADJ = "clear | certain | sure | evident | known | proven | verified | obvious"
_NEG_ONLY_NOUN = "evidence | proof | confirmation"
_NEGATED_BOOSTERS = "unconfirmed | unproven | no clear evidence | no firm evidence"

_EVIDENTIAL = """
reportedly | allegedly | purportedly | supposedly | ostensibly | rumoured | rumored
alleged | unverified | is said to | are said to | was said to | were said to | is reported to
are reported to | was reported to | were reported to | is alleged to | are alleged to
it is claimed | it is alleged | it is reported | it is said | it was reported
it was claimed | it was alleged
could not be independently verified | cannot be independently verified
can not be independently verified | could not be verified | cannot be verified
could not independently verify | not independently verified | not been independently verified
"""

_ATTRIBUTION_PHRASES = """
according to | made it clear | make it clear | makes it clear
point out | points out | pointed out | pointing out | quoted as saying
"""

# Anonymous sources; "X said" phrases give an evidential span plus the source noun.
_ANONYMOUS = """
officials | sources | experts | analysts | diplomats | observers | insiders | critics
a senior official | one official | a government official | a security official
a senior diplomat | a diplomat | a security source | an intelligence source
people familiar with | a person familiar with | senior officials
"""
_SOURCES_SAID = ("sources", ("said", "say", "says", "told", "added", "claimed", "claim"))

# Matched, then dropped: events that look like attributions, and non-hedges.
_SUPPRESS = """
could not | couldn't | could n't | denied access | denied entry | denied visas
"""
_CLAIM_EVENTS = (
    "responsibility",
    "full responsibility",
    "credit",
    "the attack",
    "the attacks",
    "the bombing",
    "the lives",
    "lives",
)

_POSSIBLE = "possible"
_PROBABLE = "probable"


def _phrases(block: str) -> list[str]:
    out = []
    for line in block.strip().splitlines():
        for item in line.split("|"):
            item = " ".join(item.split()).lower()
            if item:
                out.append(item)
    return out


# --------------------------------------------------------------------------
# Lookup lemmatizer
# --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _lemma_table() -> tuple[dict[str, str], str]:
    """The English lemma lookup table (form → lemma) and where it came from."""
    try:
        import spacy_lookups_data

        path = Path(str(spacy_lookups_data.en["lemma_lookup"]))
        if path.exists():
            data = json.loads(path.read_text("utf-8"))
        else:
            with gzip.open(path.with_name(path.name + ".gz"), "rt", encoding="utf-8") as fh:
                data = json.load(fh)
        if isinstance(data, dict) and data:
            return {str(k): str(v) for k, v in data.items()}, "spacy-lookups-data"
    except Exception:  # noqa: BLE001 - any failure: fall back to the built-in table
        pass
    return _builtin_inflections(), "built-in"


def _builtin_inflections() -> dict[str, str]:
    """A small inflection table for the reporting lemmas (fallback lemmatizer)."""
    table: dict[str, str] = {}
    for lemma in REPORTING_LEMMAS:
        forms: tuple[str, ...]
        if lemma in _IRREGULAR:
            forms = _IRREGULAR[lemma]
        else:
            if lemma.endswith(("s", "sh", "ch", "x", "z")):
                third = lemma + "es"
            elif lemma.endswith("y") and lemma[-2] not in "aeiou":
                third = lemma[:-1] + "ies"
            else:
                third = lemma + "s"
            if lemma.endswith("e"):
                past, ing = lemma + "d", lemma[:-1] + "ing"
            elif lemma.endswith("y") and lemma[-2] not in "aeiou":
                past, ing = lemma[:-1] + "ied", lemma + "ing"
            else:
                past, ing = lemma + "ed", lemma + "ing"
            forms = (third, past, ing)
        for form in forms:
            table[form] = lemma
    return table


def lemmatize(word: str) -> str:
    """The lemma of ``word`` from the lookup table (lower-cased; itself if unknown)."""
    low = word.lower()
    return _lemma_table()[0].get(low, low)


def lemma_source() -> str:
    """``"spacy-lookups-data"`` or ``"built-in"`` (the fallback inflection table)."""
    return _lemma_table()[1]


def _reporting_forms() -> dict[str, str]:
    """Every word form whose lemma is a reporting lemma (minus noun-like forms)."""
    table = _lemma_table()[0]
    forms = {lemma: lemma for lemma in REPORTING_LEMMAS}
    for form, lemma in table.items():
        if lemma in REPORTING_LEMMAS and form.isalpha():
            forms[form.lower()] = lemma
    for form in _AMBIGUOUS_FORMS:
        forms.pop(form, None)
    return forms


# --------------------------------------------------------------------------
# The matcher
# --------------------------------------------------------------------------

# Entry kinds in the phrase table.
_CUE = 0  # (kind, cue type, hedge strength or "")
_NEG_ADJ = 1  # counted only after not/never/n't
_NEG_NOUN = 2  # counted only after no/without/little
_SUPPRESSED = 3
_SOURCES = 4  # "sources said": evidential + anonymous_source on the first word
_ACTOR = 5


class _Entry(NamedTuple):
    kind: int
    type: str = ""
    strength: str = ""
    actor: Actor | None = None
    alias: str = ""
    case_sensitive: bool = False


def _trie_regex(keys: Iterable[str]) -> str:
    """A regex matching any key, longest first, as a character trie (fast in ``re``)."""
    root: dict[str, Any] = {}
    for key in keys:
        node = root
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        end = "" in node
        alts = []
        for ch in sorted(k for k in node if k):
            piece = r"\s+" if ch == " " else re.escape(ch)
            alts.append(piece + build(node[ch]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end else body

    return build(root)


@lru_cache(maxsize=1)
def _cue_entries() -> dict[str, _Entry]:
    entries: dict[str, _Entry] = {}
    for form in _reporting_forms():
        entries[form] = _Entry(_CUE, "attribution")
    for phrase in _phrases(_ATTRIBUTION_PHRASES):
        entries[phrase] = _Entry(_CUE, "attribution")
    for phrase in _phrases(_ANONYMOUS):
        entries[phrase] = _Entry(_CUE, "anonymous_source")
    noun, verbs = _SOURCES_SAID
    for verb in verbs:
        entries[f"{noun} {verb}"] = _Entry(_SOURCES, "evidential")
    for phrase in _phrases(_EVIDENTIAL):
        entries[phrase] = _Entry(_CUE, "evidential")
    for phrase in _phrases(_HEDGE_POSSIBLE):
        entries[phrase] = _Entry(_CUE, "hedge", _POSSIBLE)
    for phrase in _phrases(_HEDGE_PROBABLE):
        entries[phrase] = _Entry(_CUE, "hedge", _PROBABLE)
    for phrase in _phrases(_BOOSTERS):
        entries[phrase] = _Entry(_CUE, "booster")
    for phrase in _phrases(_NEG_ONLY_ADJ):
        entries[phrase] = _Entry(_NEG_ADJ, "negated_booster")
    for phrase in _phrases(_NEG_ONLY_NOUN):
        entries[phrase] = _Entry(_NEG_NOUN, "negated_booster")
    for phrase in _phrases(_NEGATED_BOOSTERS):
        entries[phrase] = _Entry(_CUE, "negated_booster")
    for phrase in _phrases(_SUPPRESS):
        entries[phrase] = _Entry(_SUPPRESSED)
    for form, lemma in _reporting_forms().items():
        if lemma == "claim":
            for event in _CLAIM_EVENTS:
                entries[f"{form} {event}"] = _Entry(_SUPPRESSED)
    # Apostrophe variants (it's / it’s, can't / can’t).
    for key in [k for k in entries if "'" in k]:
        entries.setdefault(key.replace("'", "\u2019"), entries[key])
    return entries


def _is_case_sensitive(alias: str) -> bool:
    """Acronym-like aliases (no space, two or more capitals) match case-sensitively."""
    return " " not in alias and sum(ch.isupper() for ch in alias) >= 2


_WS = re.compile(r"\s+")
# A negator within two words before a booster: not / never / n't / hardly / cannot.
_NEG_ADJ_BEFORE = re.compile(
    r"(?:\b(?:not|never|hardly|cannot|nor)|n['\u2019]t)(?:\s+[\w\u2019'-]+){0,2}?\s+$"
)
_NEG_NOUN_BEFORE = re.compile(
    r"\b(?:no|without|little|lack\s+of|not\s+any|not\s+enough)(?:\s+[\w-]+)?\s+$"
)
_HAS_WORD = re.compile(r"[^\W\d_]{2,}")
_QUOTE_MARK = re.compile('["\u201c\u201d]')


class Hinter:
    """Computes hints for many texts; build once (per gazetteer), call :meth:`hints`.

    ``suggest=False`` leaves out the certainty suggestion (``None``);
    :meth:`from_codebook` sets it from the codebook's ``certainty`` dimension.
    """

    def __init__(self, actors: Sequence[Actor] = (), *, suggest: bool = True) -> None:
        self.actors: tuple[Actor, ...] = tuple(actors)
        self.suggest = suggest
        table: dict[str, list[_Entry]] = {k: [v] for k, v in _cue_entries().items()}
        for actor in self.actors:
            for alias in actor.aliases:
                alias = " ".join(alias.split())
                if not alias:
                    continue
                entry = _Entry(_ACTOR, actor=actor, alias=alias)
                entry = entry._replace(case_sensitive=_is_case_sensitive(alias))
                bucket = table.setdefault(alias.lower(), [])
                # Actor entries go first; a cue entry with the same key stays as well.
                bucket.insert(sum(1 for e in bucket if e.kind == _ACTOR), entry)
        self._table = table
        self._regex = re.compile(r"(?<!\w)" + _trie_regex(table) + r"(?!\w)")

    @classmethod
    def from_codebook(cls, codebook: Codebook) -> Hinter:
        """A hinter with the codebook's actors; it suggests a certainty only when the
        codebook's :data:`CERTAINTY_DIMENSION` has every label the suggestion can name."""
        dim = codebook.dimension(CERTAINTY_DIMENSION)
        suggest = dim is not None and set(SUGGESTED_CERTAINTY_LABELS) <= set(dim.label_ids)
        return cls(codebook.actors, suggest=suggest)

    # ------------------------------------------------------------------ main

    def hints(self, text: str, sentiment: float = 0.0) -> dict[str, Any]:
        """The hints dict for ``text`` (see :mod:`framing.models` for the shape)."""
        low = text.lower()
        if len(low) != len(text):  # rare: a character whose lower case is longer
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        cues: list[tuple[int, int, str, str]] = []  # (start, end, type, strength)
        actors: list[dict[str, Any]] = []
        table = self._table
        for match in self._regex.finditer(low):
            key = match.group()
            bucket = table.get(key)
            if bucket is None:
                bucket = table.get(_WS.sub(" ", key))
                if bucket is None:
                    continue
            start, end = match.span()
            for entry in bucket:
                kind = entry.kind
                if kind == _ACTOR:
                    actor = entry.actor
                    assert actor is not None
                    if entry.case_sensitive and text[start:end] != entry.alias:
                        continue
                    actors.append(
                        {
                            "id": actor.id,
                            "name": actor.name,
                            "text": text[start:end],
                            "start": start,
                            "end": end,
                        }
                    )
                    break
                if kind == _CUE:
                    if entry.type == "booster":
                        neg = _NEG_ADJ_BEFORE.search(low, max(0, start - 40), start)
                        if neg is not None:
                            cues.append((neg.start(), end, "negated_booster", ""))
                            break
                    elif key == "may" and text[start:end] == "May":
                        following = text[end : end + 3].lstrip()
                        if start > 0 or following[:1].isdigit():
                            break  # the month
                    cues.append((start, end, entry.type, entry.strength))
                elif kind == _NEG_ADJ:
                    neg = _NEG_ADJ_BEFORE.search(low, max(0, start - 40), start)
                    if neg is not None:
                        cues.append((neg.start(), end, "negated_booster", ""))
                elif kind == _NEG_NOUN:
                    neg = _NEG_NOUN_BEFORE.search(low, max(0, start - 30), start)
                    if neg is not None:
                        cues.append((neg.start(), end, "negated_booster", ""))
                elif kind == _SOURCES:
                    cues.append((start, end, "evidential", ""))
                    cues.append((start, start + len("sources"), "anonymous_source", ""))
                break
        if '"' in text or "\u201c" in text or "\u201d" in text:
            for qstart, qend in _quote_spans(text):
                cues.append((qstart, qend, "quote", ""))
        cues = _dedupe(cues)
        return {
            "cues": [
                {"type": typ, "text": text[s:e], "start": s, "end": e} for s, e, typ, _ in cues
            ],
            "actors": actors,
            "tone": {"compound": float(sentiment), "label": tone_label(sentiment)},
            "suggested_certainty": _suggest(text, cues) if self.suggest else None,
        }


def _dedupe(cues: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Sort by start; drop a cue overlapping an earlier kept cue of the same type."""
    if len(cues) < 2:
        return cues
    cues.sort(key=lambda c: (c[0], -c[1], c[2]))
    kept: list[tuple[int, int, str, str]] = []
    last_end: dict[str, int] = {}
    for cue in cues:
        if cue[0] < last_end.get(cue[2], -1):
            continue
        kept.append(cue)
        last_end[cue[2]] = cue[1]
    return kept


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text (marks excluded), including unpaired opening/closing marks."""
    spans: list[tuple[int, int]] = []
    n = len(text)
    curly_open: int | None = None
    curly_seen = False
    straight: list[int] = []
    for mark in _QUOTE_MARK.finditer(text):
        i = mark.start()
        ch = text[i]
        if ch == '"':
            straight.append(i)
        elif ch == "\u201c":
            if curly_open is None:
                curly_open = i
            curly_seen = True
        elif curly_open is not None:
            spans.append((curly_open + 1, i))
            curly_open = None
        elif not curly_seen:  # closes a quotation begun in an earlier sentence
            spans.append((0, i))
            curly_seen = True
    if curly_open is not None:  # continues into the next sentence
        spans.append((curly_open + 1, n))
    # Straight quotes: pair them left to right; a leftover one opens or closes.
    for a, b in zip(straight[::2], straight[1::2], strict=False):
        spans.append((a + 1, b))
    if len(straight) % 2:
        last = straight[-1]
        if len(straight) == 1 and not text[last + 1 : last + 2].isalnum():
            spans.append((0, last))
        else:
            spans.append((last + 1, n))
    out = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end))
    return out


# --------------------------------------------------------------------------
# Suggestion
# --------------------------------------------------------------------------

_ATTRIBUTIVE = ("attribution", "evidential", "quote")
#: The dimension whose label ids the suggestion names.
CERTAINTY_DIMENSION = "certainty"
#: Every label id a suggestion can name (strongest commitment first).
SUGGESTED_CERTAINTY_LABELS: tuple[str, ...] = ("certain", "probable", "possible", "uncommitted")
_PLAIN = "plain assertion: no hedge, booster or attribution"


def _reason(text: str, cue: tuple[int, int, str, str]) -> str:
    start, end, typ, strength = cue
    span = " ".join(text[start:end].split())
    if typ == "quote":
        shown = span if len(span) <= 40 else span[:37] + "..."
        return f"quotation: \u201c{shown}\u201d"
    if typ == "attribution":
        return f"attributed to a source: '{span}'"
    if typ == "evidential":
        return f"evidential/hearsay marker '{span}'"
    if typ == "anonymous_source":
        return f"anonymous source '{span}'"
    if typ == "hedge":
        return f"hedge '{span}' ({strength})"
    if typ == "negated_booster":
        return f"negated booster '{span}' (counts as a hedge)"
    return f"booster '{span}'"


def _suggest(text: str, cues: list[tuple[int, int, str, str]]) -> dict[str, Any] | None:
    if not _HAS_WORD.search(text):
        return None
    if not cues:
        return {"label": "certain", "reasons": [_PLAIN]}
    attributive = [c for c in cues if c[2] in _ATTRIBUTIVE]
    boosters = [c for c in cues if c[2] == "booster"]
    possible = [c for c in cues if c[2] == "hedge" and c[3] == _POSSIBLE]
    probable = [
        c for c in cues if c[2] == "negated_booster" or (c[2] == "hedge" and c[3] != _POSSIBLE)
    ]
    if attributive and not boosters:
        label, deciding = "uncommitted", attributive
    elif possible:
        label, deciding = "possible", possible
    elif probable:
        label, deciding = "probable", probable
    elif boosters:
        label, deciding = "certain", boosters
    else:  # only anonymous sources, which nothing attributes the claim to
        return {
            "label": "certain",
            "reasons": [_PLAIN]
            + [
                f"mentions an anonymous source '{' '.join(text[s:e].split())}', "
                "but no reporting verb attributes the claim to it"
                for s, e, _, _ in cues
            ],
        }
    reasons = [_reason(text, c) for c in deciding]
    others = [c for c in cues if c not in deciding]
    reasons.extend("also: " + _reason(text, c) for c in others)
    return {"label": label, "reasons": reasons}


def suggest_certainty(hints: dict[str, Any], text: str) -> dict[str, Any] | None:
    """Recompute the suggestion from stored ``hints`` cues (e.g. after editing them)."""
    cues = []
    for cue in hints.get("cues", []):
        strength = ""
        if cue["type"] == "hedge":
            entry = _cue_entries().get(_WS.sub(" ", cue["text"].lower()))
            strength = entry.strength if entry and entry.strength else _PROBABLE
        cues.append((cue["start"], cue["end"], cue["type"], strength))
    return _suggest(text, cues)


# --------------------------------------------------------------------------
# Module-level convenience
# --------------------------------------------------------------------------

_HINTERS: dict[tuple[Actor, ...], Hinter] = {}


def compute_hints(
    text: str, sentiment: float = 0.0, actors: Sequence[Actor] = ()
) -> dict[str, Any]:
    """Hints for one text; the :class:`Hinter` for ``actors`` is built once and cached."""
    key = tuple(actors)
    hinter = _HINTERS.get(key)
    if hinter is None:
        if len(_HINTERS) >= 8:
            _HINTERS.clear()
        hinter = _HINTERS[key] = Hinter(key)
    return hinter.hints(text, sentiment)


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------


def format_hints(hints: dict[str, Any] | None, text: str) -> str:
    """Plain-text rendering: the sentence, then cues, actors, tone and the suggestion."""
    lines = [text, ""]
    if not hints:
        lines.append("(no hints stored for this unit)")
        return "\n".join(lines)
    cues = hints.get("cues") or []
    lines.append("cues:" if cues else "cues: none")
    width = max((len(c["type"]) for c in cues), default=0)
    for cue in cues:
        shown = " ".join(str(cue["text"]).split())
        lines.append(f"  {cue['type']:<{width}}  [{cue['start']}:{cue['end']}]  {shown!r}")
    actors = hints.get("actors") or []
    lines.append("actors:" if actors else "actors: none")
    for actor in actors:
        lines.append(
            f"  {actor['name']} ({actor['id']})  [{actor['start']}:{actor['end']}]"
            f"  {str(actor['text'])!r}"
        )
    tone = hints.get("tone")
    if tone:
        lines.append(
            f"tone: {tone['label']} (VADER compound {float(tone['compound']):+.3f};"
            " a weak hint, not a stance)"
        )
    suggestion = hints.get("suggested_certainty")
    if suggestion:
        lines.append(f"suggested certainty: {suggestion['label']} (a suggestion, not a label)")
        for reason in suggestion.get("reasons", []):
            lines.append(f"  - {reason}")
    else:
        lines.append("suggested certainty: none")
    return "\n".join(lines)
