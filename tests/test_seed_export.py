"""The seeds as an annotator meets them: ingested by the CLI, read back from the export.

What is queued must be a sentence an annotator would accept: no URL lines, engagement
counters, captions, table-of-contents or imprint lines, bibliography entries, lone
citations, stray brackets, and no fragments of sentences.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from framing.cli import main
from framing.segment import is_lone_citation

from .conftest import SEEDS
from .unit_checks import check_units

URL_RE = re.compile(r"^(Source:\s*)?\S*(https?://|www\.)\S*( \d+)?$")
COUNTER_RE = re.compile(r"^(Q \d|[♥♡]|\S{1,2} \d+$)")
CAPTION_RE = re.compile(r"^(Figure|Fig\.|Table|Chart|Map|Photo|Image)\s*\d+|^(Source|Category)\s*:")
TOC_RE = re.compile(r"\.{4,}\s*\d{1,4}$|\t\d{1,4}\s*$|^\d+(\.\d+)*\t")
REFERENCE_RE = re.compile(
    r"^[A-Z][\w'&.\- ]{1,60},( [A-Z]\.)*( &.*)?,? (19|20)\d\d[a-z]?\.|Available at:"
)
# Final punctuation, optionally followed by closing quotes/brackets/stars; or a
# sentence that ends with its bracketed citation: "... the US. (Suleymanov, 2023)".
TERMINAL_RE = re.compile(r"[.!?…:;][\"'”’»)\]*]*$")
CITATION_END_RE = re.compile(r"\(([^()]{1,100})\)$")

#: Queued units that end without final punctuation because the SOURCE has none. They
#: are whole sentences, not fragments (checked: the next paragraph starts a new
#: sentence with a capital letter, or a list).
SOURCE_WITHOUT_FINAL_PUNCTUATION = {
    # a list lead-in without a colon; the list items follow
    "Broadly, key strategic priorities for Islamabad include",
    # the paragraph ends with a comma; "However, the ground realities ..." follows
    "The long-term implications of such a relationship with Afghanistan will be tiring for "
    'Pakistan, which wants to move away from the branding of a "state in war" to a country '
    "that offers opportunities for investment as it finds itself in a deplorable economic "
    "situation, says Iftikhar Firdous of the Khorasan Diary,",
    # the period is missing; "Today, the withdrawal of direct aid ..." follows
    "As Pakistan remains entangled in its own security challenges claimed to be stemming "
    "from Afghanistan, the war-stricken country is itself facing a multitude of "
    "sociopolitical and economic challenges",
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    db = tmp_path_factory.mktemp("seed_export") / "seeds.db"
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(SEEDS), "--db", str(db)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["export", "--db", str(db)])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def _raw(doc_id: str) -> str:
    return (SEEDS / f"{doc_id}.txt").read_text(encoding="utf-8")


def _terminated(text: str) -> bool:
    if TERMINAL_RE.search(text):
        return True
    m = CITATION_END_RE.search(text)
    return bool(m and is_lone_citation(m.group(0)))


def test_totals(exported: list[dict]) -> None:
    assert len(exported) >= 600
    queued_003 = [r for r in exported if r["doc_id"].startswith("003") and r["queued"]]
    assert len(queued_003) >= 200
    assert len({r["doc_id"] for r in exported}) == 5


def test_offsets_through_the_export(exported: list[dict]) -> None:
    for doc_id in sorted({r["doc_id"] for r in exported}):
        rows = sorted((r for r in exported if r["doc_id"] == doc_id), key=lambda r: r["position"])
        assert [r["position"] for r in rows] == list(range(len(rows)))
        check_units(_raw(doc_id), rows)


def test_the_junk_patterns_find_junk(exported: list[dict]) -> None:
    """The patterns below do find such lines in the seeds (none of them queued)."""
    found = {"url": 0, "counter": 0, "caption": 0, "toc": 0, "reference": 0}
    for r in exported:
        t = r["text"]
        raw = _raw(r["doc_id"])[r["start"] : r["end"]]
        found["url"] += bool(URL_RE.match(t))
        found["counter"] += bool(COUNTER_RE.match(t))
        found["caption"] += bool(CAPTION_RE.match(t))
        found["toc"] += bool(TOC_RE.search(raw))
        found["reference"] += bool(REFERENCE_RE.search(t))
    assert found["url"] >= 2 and found["counter"] >= 5, found
    assert found["caption"] >= 10 and found["toc"] >= 10 and found["reference"] >= 20, found


def test_no_junk_is_queued(exported: list[dict]) -> None:
    for r in exported:
        if not r["queued"]:
            continue
        t = r["text"]
        raw = _raw(r["doc_id"])[r["start"] : r["end"]]
        assert r["kind"] in ("title", "body", "list_item", "block_quote"), r
        assert not URL_RE.match(t), t  # a URL line
        assert not COUNTER_RE.match(t), t  # an engagement counter
        assert not re.search(r"\d{1,2}:\d\d (AM|PM)", t), t  # a tweet's time stamp
        assert not CAPTION_RE.match(t), t  # a caption or source line
        assert not TOC_RE.search(raw), t  # a table-of-contents line
        assert not REFERENCE_RE.search(t), t  # a bibliography entry
        assert not t.startswith(")") and not t.endswith("("), t
        assert not is_lone_citation(t), t
        assert sum(c.isalpha() for c in t) >= 2, t


def test_front_matter_and_bibliography_of_003_are_not_queued(exported: list[dict]) -> None:
    raw = _raw("003_1cc79c1e65cf21c6")
    abstract = raw.index("\n1 Abstract\n")
    bibliography = raw.index("\n8 Bibliography\n")
    rows = [r for r in exported if r["doc_id"] == "003_1cc79c1e65cf21c6"]
    imprint = [r for r in rows if r["start"] < abstract and r["kind"] != "title"]
    assert len(imprint) > 60  # imprint, table of contents, abbreviations
    assert not any(r["queued"] for r in imprint)
    back = [r for r in rows if r["start"] > bibliography]
    assert len(back) > 25
    assert not any(r["queued"] for r in back)
    for line in ("Imprint", "Table of contents", "List of Abbreviations", "8 Bibliography"):
        assert not any(r["queued"] and r["text"] == line for r in rows), line


def test_no_fragments_are_queued(exported: list[dict]) -> None:
    """No queued unit ends without final punctuation unless it is a title, a heading or
    a list item, and none starts in lowercase as the rest of a broken sentence."""
    unterminated = []
    for r in exported:
        if not r["queued"] or r["kind"] in ("title", "heading", "list_item"):
            continue
        t = r["text"]
        if not _terminated(t):
            unterminated.append(t)
        assert not t[:1].islower(), t  # the continuation of a broken sentence
    assert sorted(set(unterminated) - SOURCE_WITHOUT_FINAL_PUNCTUATION) == []
    assert len(unterminated) <= len(SOURCE_WITHOUT_FINAL_PUNCTUATION)


def test_sentences_broken_by_sidebars_in_003_are_one_unit(exported: list[dict]) -> None:
    rows = [r for r in exported if r["doc_id"] == "003_1cc79c1e65cf21c6"]
    texts = {r["text"]: r for r in rows}
    joined = texts["The crackdown forced nearly half a million Afghans back to their country."]
    assert joined["queued"] and joined["kind"] == "body"
    assert len(joined["hints"]["segments"]) == 2
    for fragment in (
        "The crackdown forced nearly half a million Afghans back",
        "to their country.",
        "This strategy includes airstrikes, direct diplomatic accusations against Taliban",
        "elements supporting TTP, and a planned repatriation of Afghan refugees.",
    ):
        assert fragment not in texts, fragment
    assert any(
        t.endswith(
            "against Taliban elements supporting TTP, and a planned repatriation of Afghan "
            "refugees."
        )
        for t in texts
    )
    assert any(
        t.endswith(
            "within Afghan territory and the alleged patronage they receive from elements "
            'within the Afghan government".'
        )
        for t in texts
    )
    # the interposed pull quote and its attribution stay, not queued
    pull = [r for r in rows if r["text"].startswith('"Afghanistan wants to move away')]
    assert len(pull) == 1 and not pull[0]["queued"]


def test_pull_quote_repeating_body_text_is_queued_once(exported: list[dict]) -> None:
    rows = [r for r in exported if r["doc_id"] == "003_1cc79c1e65cf21c6"]
    today = [r for r in rows if r["text"].startswith("Today, the withdrawal of direct aid")]
    assert len(today) == 2
    box, body = sorted(today, key=lambda r: r["start"])
    assert not box["queued"] and box["kind"] == "other"
    assert body["queued"] and body["kind"] == "body"
    assert box["hints"]["duplicate_of"] == [body["start"], body["end"]]
