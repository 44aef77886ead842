"""The first pass's packed rows hold exactly what one object per paragraph held.

``framing.segment.records._Paras`` packs the first pass's per-paragraph records into
arrays so that a big file's memory does not grow by ~490 bytes per paragraph. Here
every row is compared, field by field, with the former representation
(``tests/segment_reference.py``: the former compaction, whole-document rules and
duplicates on ``list[_Para]``), on the golden rules, the seeds (with and without
their manifest's title, with excluded sections), a document made to fire every
whole-document rule, and random documents assembled from such parts.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.segment import context as context_mod
from framing.segment import segment_text
from framing.segment.kinds import (
    _FRONT_HEADINGS_RE,
    _MAIN_HEADINGS_RE,
    _REF_HEADINGS_RE,
    _SECTION_NUM_RE,
    _TOC_HEADINGS_RE,
)
from framing.segment.prepass import _classify
from framing.segment.records import (
    CLEAN,
    FIGURE,
    FRONT,
    FRONT_SHORT,
    HAS_TAB,
    HEAD_ROWS,
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

sys.path.insert(0, str(Path(__file__).parent))
import segment_reference as ref  # noqa: E402
from golden_rules import GOLDEN_EN_RULES  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

#: Parts of documents that fire the whole-document rules (title and bylines, front
#: matter, contents, references, tweets, figures and their chunks, inserts, stars,
#: duplicates, markdown headings, long paragraphs).
PARTS = [
    "Imprint\n\nPublisher: Somebody Foundation\nBerlin 2024",
    "Table of contents\n\n1. Introduction\t3\n2. Background\t5\n3 Methods ........ 7",
    "Contents\n\nIntroduction 1\nThe war 4",
    "1. Introduction",
    "Abstract",
    "Executive summary",
    "2.3 Numbered section heading",
    "References\n\nGul, I. (2023) The Taliban. London: Press.\n"
    "Smith, J. (2020). War. Available at:\nhttps://example.com/x",
    "Bibliography",
    "About the author\n\nJane Doe is a researcher.",
    "\n\nTweet by Someone\nAbd. Sayed @abdsayed · Mar 19\nThe Taliban are here now.\n"
    "4:47 PM · Mar 19, 2024\nQ 169 170 ♥ 315 33\n"
    "Figure 3: A tweet about the Taliban. Source: twitter.com/x\n\n\n",
    "\n\nKabul 2021\nPopulation 40m\nFigure 2: Map of Afghanistan\nSource: UN OCHA\n\n\n",
    "Figure 1 Views of the border\nA line after the caption in its block",
    "Name Surname 🤣\nwhat a day it was for everyone here",
    "# A markdown title\n\n## Background",
    "* a star item\n* another star item",
    "* a footnote star note",
    "> quoted text here that is long enough to be a quote.",
    '"A whole paragraph in quotes that is one quotation."',
    "Foreign Policy, April 20, 2022",
    "Follow RAWA on Twitter",
    "ТАЛИБАН В АФГАНИСТАНЕ",
    "- bullet one\n- bullet two",
    "Pakistani experts on the situation in Afghanistan",
    "By Jane Doe",
    "The attack on the fort was planned for weeks by the group in the Tank",
    "district of Khyber, where the army had withdrawn its troops in 2021.",
    "PULL QUOTE HERE",
    "The talks between the two sides have stalled again, officials said on Monday.",
    "The talks between the two sides have stalled again, officials said on Monday!",
    "Analysts expect the economy to shrink further as aid is cut and banks stay closed. " * 5,
    "Line one of a wrapped block that goes on for a while without end\n"
    "continues here in lowercase and then ends with a stop.",
    "About the series " + "x" * 63,  # 80 characters: still a short front-matter heading
    "Acknowledgements " + "y" * 64,  # 81 characters: not short
    "Someone @someone\n" + "\n".join(f"Reply number {k} here" for k in range(10)),
    "- The talks between the two sides have stalled again, officials said.",
]

SECTIONS = ["References", "Bibliography", "1. Introduction", "Abstract", "...", "Background"]


def _fields(paras: _Paras, i: int) -> dict[str, Any]:
    f = paras.flags[i]
    j = paras.dup_of[i] if paras.dup_of is not None else -1
    return {
        "start": paras.start[i],
        "end": paras.end[i],
        "gap": paras.gap[i],
        "chunk": paras.chunk[i],
        "block": paras.block[i],
        "n_lines": paras.n_lines[i],
        "kind": paras.kind[i],
        "excluded": paras.excluded[i] if paras.excluded is not None else "",
        "insert": bool(f & INSERT),
        "parts": paras.parts.get(i, ()),
        "words": paras.words[i],
        "prose": bool(f & PROSE),
        "has_tab": bool(f & HAS_TAB),
        "social_header": bool(f & SOCIAL_HEADER),
        "figure": bool(f & FIGURE),
        "tweety": bool(f & TWEETY),
        "source_line": bool(f & SOURCE_LINE),
        "md_level": paras.md_level[i],
        "dup_key": paras.dup_key[i],
        "dup_of": (paras.start[j], paras.end[j]) if j >= 0 else None,
    }


def _old_fields(p: ref._Rec) -> dict[str, Any]:
    return {
        "start": p.start,
        "end": p.end,
        "gap": p.gap,
        "chunk": p.chunk,
        "block": p.block,
        "n_lines": p.n_lines,
        "kind": p.kind,
        "excluded": p.excluded,
        "insert": p.insert,
        "parts": p.parts,
        "words": p.words,
        "prose": p.prose,
        "has_tab": p.has_tab,
        "social_header": p.social_header,
        "figure": p.figure,
        "tweety": p.tweety,
        "source_line": p.source_line,
        "md_level": p.md_level,
        "dup_key": p.dup_key,
        "dup_of": p.dup_of,
    }


def _text_flags(ct: str, n_lines: int) -> int:
    """The flags the rules read, from the compacted display text as the former rules
    read it (``ct`` is "" for a paragraph longer than KEEP_CLEAN)."""
    short = n_lines == 1 and len(ct) <= 80
    checks = {
        CLEAN: bool(ct),
        FRONT: bool(_FRONT_HEADINGS_RE.fullmatch(ct)),
        FRONT_SHORT: bool(short and _FRONT_HEADINGS_RE.fullmatch(ct.strip("\t "))),
        TOC: bool(_TOC_HEADINGS_RE.fullmatch(ct)),
        REF_SHORT: bool(short and _REF_HEADINGS_RE.fullmatch(ct)),
        SECTION_NUM: bool(_SECTION_NUM_RE.match(ct)),
        MAIN: bool(_SECTION_NUM_RE.match(ct) or _MAIN_HEADINGS_RE.fullmatch(ct)),
        SHORT79: bool(ct) and n_lines == 1 and len(ct) < 80,
    }
    return sum(bit for bit, on in checks.items() if on)


#: Flags computed for every row with a display text.
_ALWAYS = CLEAN | FRONT_SHORT | REF_SHORT | SHORT79


def _check_flags(got: int, p: ref._Rec) -> None:
    """Flags the rules read only of some rows (a heading's, a Contents heading's) are
    set only on those rows, and then as the text says; the others, always."""
    want = _text_flags(p.clean, p.n_lines)
    assert got & _ALWAYS == want & _ALWAYS
    assert (
        got
        & ~want
        & 0xFFFF
        & ~(INSERT | PROSE | HAS_TAB | SOCIAL_HEADER)
        & ~(FIGURE | TWEETY | SOURCE_LINE)
        == 0
    )  # never set against the text
    if want & FRONT_SHORT:
        assert got & TOC == want & TOC
    if p.kind == "heading":  # the final kind: a heading (or a References heading)
        assert got & (FRONT | SECTION_NUM) == want & (FRONT | SECTION_NUM)
        if not want & REF_SHORT:
            assert got & MAIN == want & MAIN


def assert_same_rows(text: str, title: str | None = None, sections: tuple[str, ...] = ()) -> int:
    lines = text.splitlines(keepends=True)
    new = _classify(lines, text[:20000], title, sections)
    old = ref._classify(lines, text[:20000], title, sections)
    assert len(new) == len(old)
    for i, p in enumerate(old):
        assert _fields(new, i) == _old_fields(p), (i, p)
        _check_flags(new.flags[i], p)
        if i < HEAD_ROWS:
            assert new.head_clean[i] == p.clean
        if new.heading_name is not None:
            name = ref._norm_heading(p.clean) if p.clean else None
            wanted = {ref._norm_heading(s) for s in sections}
            assert new.heading_name[i] == (name if name in wanted else None)
    chunks = sorted(set(new.chunk))
    for c in chunks:  # the bisect over sorted chunks equals a scan
        assert list(new.chunk_rows(c)) == [i for i, ci in enumerate(new.chunk) if ci == c]
        assert list(new.chunk_rows(c - 1)) == [i for i, ci in enumerate(new.chunk) if ci == c - 1]
    return len(new)


@pytest.mark.parametrize(("text", "_expected"), GOLDEN_EN_RULES)
def test_golden_rule_rows(text: str, _expected: list[str]) -> None:
    assert assert_same_rows(text) >= 1


def test_golden_rules_as_one_document() -> None:
    text = "\n\n".join(t for t, _ in GOLDEN_EN_RULES)
    assert assert_same_rows(text) == len(GOLDEN_EN_RULES)
    assert_same_rows(text, title="Hello World. My name is Jonas.", sections=("Hello World",))


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_seed_rows(seed: Path) -> None:
    from framing.ingest import load_manifest

    text = seed.read_text(encoding="utf-8")
    entry = load_manifest(SEEDS)[seed.name]
    assert assert_same_rows(text) > 10
    assert_same_rows(text, title=entry.title, sections=tuple(SECTIONS))


def _rule_document() -> str:
    front = [0, 1, 4]  # Imprint, Table of contents, then "Abstract" ends the front matter
    tail = [8, 7, 9]  # Bibliography, References, About the author
    middle = [k for k in range(len(PARTS)) if k not in front + tail]
    body = [
        "Pakistani experts on the situation in Afghanistan",
        "By Jane Doe",
        *(PARTS[k] for k in front),
        "The talks between the two sides have stalled again, officials said on Monday.",
        *(PARTS[k] for k in middle),
        PARTS[25],  # a sentence broken by a page break, a pull quote dropped into it
        PARTS[27],
        PARTS[26],
        "x " * 60_000,  # a paragraph cut into pieces before spaCy sees it
        "\n\n\nA chunk\nof two lines\n\n\n\nFigure 7: after a chunk",
        *(PARTS[k] for k in tail),
    ]
    return "\n\n".join(body)


def test_rule_document_fires_every_rule() -> None:
    text = _rule_document()
    n = assert_same_rows(text)
    assert_same_rows(text, title="Pakistani experts on the situation in Afghanistan")
    assert_same_rows(text, sections=tuple(SECTIONS))
    new = _classify(text.splitlines(keepends=True), text[:20000], None, tuple(SECTIONS))
    kinds = set(new.kind)
    assert {"title", "front_matter", "reference", "caption", "social", "other"} <= kinds
    assert new.dup_of is not None and max(new.dup_of) >= 0  # a duplicate was found
    assert new.excluded is not None and any(new.excluded)  # a section was excluded
    assert new.parts  # a sentence joined across an insert
    assert any(new.flags[i] & INSERT for i in range(n))
    assert any(not c for c in new.head_clean)  # a long paragraph's text is not kept


def test_edge_cases_of_the_rules() -> None:
    # an excluded section before the title ends at the title
    assert_same_rows(
        "Abstract\n\nSome words here.\n\nThe Title\n\nBody text here.",
        title="The Title",
        sections=("Abstract",),
    )
    # a list item repeated as an insert: the insert is never the kept copy
    item = PARTS[-1]
    text = "\n\n".join(
        [
            item,
            "The attack on the fort was planned for weeks by the group in the",
            item,
            "district of Khyber, where the army had withdrawn.",
        ]
    )
    assert assert_same_rows(text) == 3
    rows = _classify(text.splitlines(keepends=True), text, None, ())
    assert rows.parts and rows.flags[2] & INSERT and rows.kind[2] == "list_item"
    # a tweet header opens a run of at most 8 social paragraphs
    rows = _classify(PARTS[-2].splitlines(keepends=True), PARTS[-2], None, ())
    assert rows.kind.count("social") == 9
    assert_same_rows(PARTS[-2])
    # a numbered References heading (a list item by its own rules) ends a tweet
    text = "Someone @someone\n1. References\nGul, I. (2023) The Taliban."
    rows = _classify(text.splitlines(keepends=True), text, None, ())
    assert rows.kind[:2] == ["social", "heading"] and rows.flags[1] & SECTION_NUM
    assert_same_rows(text)
    # 80 and 81 characters
    assert_same_rows(PARTS[-4] + "\n\nBody.\n\n" + PARTS[-3] + "\n\nMore body.")


@settings(max_examples=150, deadline=None)
@given(
    picks=st.lists(st.integers(0, len(PARTS) - 1), min_size=1, max_size=25),
    seps=st.lists(st.sampled_from(["\n", "\n\n", "\n\n\n\n", "\n \n\t\n"]), min_size=25),
    title_at=st.integers(-1, 30),
    sections=st.lists(st.sampled_from(SECTIONS), max_size=3),
)
def test_random_documents(
    picks: list[int], seps: list[str], title_at: int, sections: list[str]
) -> None:
    text = "".join(PARTS[k] + seps[i] for i, k in enumerate(picks))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    title = lines[title_at % len(lines)] if title_at >= 0 and lines else None
    assert_same_rows(text, title=title, sections=tuple(sections))


def test_units_of_the_seeds_are_read_from_the_rows() -> None:
    """The second pass reads a duplicate's kept copy and an excluded section from the
    rows: the units carry them (seed 003 repeats a paragraph in a box)."""
    text = (SEEDS / "003_1cc79c1e65cf21c6.txt").read_text(encoding="utf-8")
    units = segment_text(text, exclude_sections=["Regional Stakeholders"])
    dups = [u for u in units if u.hints and "duplicate_of" in u.hints]
    assert dups
    for u in dups:
        s, e = u.hints["duplicate_of"]  # type: ignore[index]
        assert u.kind == "other" and s > u.start
        kept = [v for v in units if s <= v.start and v.end <= e]
        assert kept[0].start == s and kept[-1].end == e
        assert all(v.kind == "body" for v in kept)
    assert any(
        u.hints and u.hints.get("excluded") == "section:regional stakeholders" for u in units
    )
    assert context_mod._DUPLICATE_KINDS == ref._DUPLICATE_KINDS


def test_duplicates_through_sorted_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long document finds its repeated keys by sorting first (numpy); the rows are
    the same as through the dict alone."""
    monkeypatch.setattr(context_mod, "SORT_KEYS_ROWS", 0)
    assert_same_rows(_rule_document())
    item = PARTS[-1]
    text = "\n\n".join(
        [item, "The attack on the fort was planned for weeks by the group in the", item]
        + ["district of Khyber, where the army had withdrawn.", item, "A unique one here."]
    )
    assert_same_rows(text)
    for seed in sorted(SEEDS.glob("*.txt")):
        assert_same_rows(seed.read_text(encoding="utf-8"))
    assert context_mod._repeated_keys(context_mod.array("Q", [5, 0, 7, 5, 0, 9, 7, 7])) == {5, 7}
