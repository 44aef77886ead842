"""Pre-annotation hints: cues, actors, tone and the certainty suggestion."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from framing.codebook import load_codebook, parse_codebook
from framing.hints import (
    Hinter,
    _builtin_inflections,
    compute_hints,
    format_hints,
    lemma_source,
    lemmatize,
    suggest_certainty,
)
from framing.models import HINT_CUE_TYPES, Actor

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

KAKAR = (
    "Pakistan's interim Prime Minister Anwar-ul-Haq Kakar accused the Taliban of "
    "harboring militants and facilitating the TTP."
)
TTP_FULL = (
    "This decision was made after the Taliban refused to eliminate the shelters of the "
    "terrorist group Tehreek-e-Taliban Pakistan (TTP, banned in the Russian Federation) "
    "in Afghanistan."
)
IN_FACT = (
    "In fact, even those who have documents allowing them to stay in the country are deported."
)

SMALL_GAZETTEER = (
    Actor("taliban", "Taliban", ("Taliban", "Afghan Taliban", "IEA")),
    Actor("ttp", "TTP", ("TTP", "Tehreek-e-Taliban Pakistan", "Pakistani Taliban")),
    Actor("iskp", "ISKP", ("ISKP", "IS-K", "IS-Khorasan", "Islamic State")),
    Actor("pakistan", "Pakistan", ("Pakistan", "Islamabad")),
    Actor("us", "United States", ("United States", "US", "U.S.")),
    Actor("un", "United Nations", ("United Nations", "UN")),
)


@pytest.fixture(scope="module")
def hinter() -> Hinter:
    return Hinter.from_codebook(load_codebook())


@pytest.fixture(scope="module")
def small() -> Hinter:
    return Hinter(SMALL_GAZETTEER)


def cues_of(hints: dict[str, Any], typ: str) -> list[str]:
    return [c["text"] for c in hints["cues"] if c["type"] == typ]


def actor_ids(hints: dict[str, Any]) -> list[str]:
    return [a["id"] for a in hints["actors"]]


def label(hints: dict[str, Any]) -> str:
    suggestion = hints["suggested_certainty"]
    assert suggestion is not None
    return str(suggestion["label"])


def seed_sentences() -> list[str]:
    out: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text("utf-8").replace("\n", " ")
        out.extend(s.strip() for s in text.split(". ") if s.strip())
    return out


# ------------------------------------------------------------------ attribution


def test_kakar_accused_is_attribution_with_three_actors(hinter: Hinter) -> None:
    h = hinter.hints(KAKAR, 0.0)
    assert cues_of(h, "attribution") == ["accused"]
    assert set(actor_ids(h)) == {"pakistan", "taliban", "ttp"}
    assert label(h) == "uncommitted"
    assert any("accused" in r for r in h["suggested_certainty"]["reasons"])


def test_full_ttp_name_is_one_ttp_mention(hinter: Hinter) -> None:
    h = hinter.hints(TTP_FULL, 0.0)
    full = [a for a in h["actors"] if a["text"] == "Tehreek-e-Taliban Pakistan"]
    assert len(full) == 1 and full[0]["id"] == "ttp"
    # Nothing else is found inside the TTP's full name.
    inside = [
        a
        for a in h["actors"]
        if a is not full[0] and full[0]["start"] <= a["start"] < full[0]["end"]
    ]
    assert inside == []
    assert actor_ids(h) == ["taliban", "ttp", "ttp", "russia", "afghanistan"]


def test_claimed_responsibility_is_an_event_not_attribution(hinter: Hinter) -> None:
    h = hinter.hints("ISKP claimed responsibility for the attack.", 0.0)
    assert cues_of(h, "attribution") == []
    assert actor_ids(h) == ["iskp"]
    assert label(h) == "certain"
    # ...whereas a claim about something is an attribution.
    h2 = hinter.hints("The Taliban claimed that ISKP had been defeated.", 0.0)
    assert cues_of(h2, "attribution") == ["claimed"]
    assert label(h2) == "uncommitted"


def test_officials_said_is_anonymous_attribution(hinter: Hinter) -> None:
    h = hinter.hints("Officials said the border crossing at Torkham was closed.", 0.0)
    assert cues_of(h, "anonymous_source") == ["Officials"]
    assert cues_of(h, "attribution") == ["said"]
    assert label(h) == "uncommitted"


def test_sources_said_is_evidential(small: Hinter) -> None:
    h = small.hints("The talks failed, security sources said.", 0.0)
    assert cues_of(h, "evidential") == ["sources said"]
    assert cues_of(h, "anonymous_source") == ["sources"]
    assert label(h) == "uncommitted"


@pytest.mark.parametrize(
    ("sentence", "verb"),
    [
        ("Islamabad warns that the refugees will be deported.", "warns"),
        ("The spokesman insisted that Kabul is not responsible.", "insisted"),
        ("As Pakistani experts point out, ISKP poses a threat.", "point out"),
        ("He told reporters that the talks had failed.", "told"),
        ("According to the ministry, 375 thousand Afghans have left.", "According to"),
        ("The minister stressed the need for dialogue.", "stressed"),
    ],
)
def test_reporting_verbs_via_lemmas(small: Hinter, sentence: str, verb: str) -> None:
    h = small.hints(sentence, 0.0)
    assert verb in cues_of(h, "attribution")
    assert label(h) == "uncommitted"


def test_noun_forms_are_not_attributions(small: Hinter) -> None:
    h = small.hints("The Central Asian states read the reports and notes.", 0.0)
    assert cues_of(h, "attribution") == []


def test_builtin_fallback_inflections() -> None:
    table = _builtin_inflections()
    assert table["said"] == "say"
    assert table["warned"] == "warn"
    assert table["emphasizes"] == "emphasize"
    assert table["denied"] == "deny"
    assert table["insisting"] == "insist"


def test_lookup_lemmatizer() -> None:
    assert lemmatize("said") == "say"
    assert lemmatize("Accused") == "accuse"
    assert lemmatize("told") == "tell"
    assert lemma_source() in ("spacy-lookups-data", "built-in")


# ------------------------------------------------------------------ certainty cues


def test_not_clear_is_negated_booster(small: Hinter) -> None:
    h = small.hints("It is not clear whether the TTP will accept the offer.", 0.0)
    assert cues_of(h, "negated_booster") == ["not clear"]
    assert cues_of(h, "booster") == []
    assert label(h) == "probable"
    h2 = small.hints("It is clear that the TTP will reject the offer.", 0.0)
    assert cues_of(h2, "booster") == ["It is clear"]
    assert label(h2) == "certain"


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("The deal was never confirmed by Islamabad.", "never confirmed"),
        ("There is no evidence that the IEA supports the TTP.", "no evidence"),
        ("Analysts are not certain of the numbers.", "not certain"),
        ("The figure has not been independently confirmed.", "not been independently confirmed"),
    ],
)
def test_negated_boosters(small: Hinter, sentence: str, cue: str) -> None:
    h = small.hints(sentence, 0.0)
    assert cue in cues_of(h, "negated_booster")
    assert cues_of(h, "booster") == []


def test_clear_and_certain_as_adjectives_are_not_cues(small: Hinter) -> None:
    h = small.hints("In certain areas there is a clear policy.", 0.0)
    assert h["cues"] == []
    assert label(h) == "certain"


def test_may_is_a_possible_hedge_but_not_the_month(small: Hinter) -> None:
    h = small.hints("The group may expand its operations.", 0.0)
    assert cues_of(h, "hedge") == ["may"]
    assert label(h) == "possible"
    assert any("'may'" in r for r in h["suggested_certainty"]["reasons"])
    h2 = small.hints("The talks resumed in May 2023.", 0.0)
    assert h2["cues"] == []
    assert label(h2) == "certain"


def test_probable_hedges(small: Hinter) -> None:
    for sentence in (
        "The TTP is likely to expand.",
        "The group appears to have regrouped.",
        "This suggests that the IEA is divided.",
        "He is believed to be in Kunar.",
    ):
        assert label(small.hints(sentence, 0.0)) == "probable", sentence


def test_possible_hedge_beats_booster_and_probable(small: Hinter) -> None:
    h = small.hints("Clearly, the TTP is likely to grow and may even split.", 0.0)
    assert cues_of(h, "booster") == ["Clearly"]
    assert label(h) == "possible"


def test_could_not_is_not_a_hedge(small: Hinter) -> None:
    h = small.hints("Pakistan could not stop the attacks.", 0.0)
    assert cues_of(h, "hedge") == []
    h2 = small.hints("The report could not be independently verified.", 0.0)
    assert cues_of(h2, "evidential") == ["could not be independently verified"]
    assert cues_of(h2, "hedge") == []
    assert label(h2) == "uncommitted"


def test_in_fact_is_booster_certain(hinter: Hinter) -> None:
    h = hinter.hints(IN_FACT, -0.3)
    assert cues_of(h, "booster") == ["In fact"]
    assert label(h) == "certain"
    assert h["suggested_certainty"]["reasons"][0] == "booster 'In fact'"


def test_plain_assertion_is_certain(small: Hinter) -> None:
    h = small.hints("The TTP attacked a checkpoint in Bannu.", 0.0)
    assert h["cues"] == []
    assert h["suggested_certainty"] == {
        "label": "certain",
        "reasons": ["plain assertion: no hedge, booster or attribution"],
    }


def test_anonymous_source_alone_is_no_attribution_and_the_reasons_agree(small: Hinter) -> None:
    text = "Experts gathered in Kabul on Monday."
    h = small.hints(text, 0.0)
    assert cues_of(h, "anonymous_source") == ["Experts"] and len(h["cues"]) == 1
    assert h["suggested_certainty"] == {
        "label": "certain",
        "reasons": [
            "plain assertion: no hedge, booster or attribution",
            "mentions an anonymous source 'Experts', but no reporting verb attributes "
            "the claim to it",
        ],
    }
    assert not any(r.startswith("also:") for r in h["suggested_certainty"]["reasons"])
    assert suggest_certainty(h, text) == h["suggested_certainty"]
    # With a reporting verb the source is an attribution and decides.
    said = small.hints("Experts said the TTP regrouped.", 0.0)
    assert label(said) == "uncommitted"
    assert said["suggested_certainty"]["reasons"] == [
        "attributed to a source: 'said'",
        "also: anonymous source 'Experts'",
    ]


CUSTOM_CERTAINTY = """\
[[dimensions]]
id = "certainty"
question = "How sure?"
kind = "ordinal"
labels = [
  {{ id = "{first}", name = "Sure", key = "1", definition = "sure" }},
  {{ id = "probable", name = "Probable", key = "2", definition = "probable" }},
  {{ id = "possible", name = "Possible", key = "3", definition = "possible" }},
  {{ id = "uncommitted", name = "Not theirs", key = "4", definition = "reported" }},
]
"""


def test_suggestion_only_with_the_codebook_certainty_labels() -> None:
    text = "Experts said the TTP regrouped."
    default = Hinter.from_codebook(load_codebook())
    assert default.suggest and label(default.hints(text)) == "uncommitted"
    # the certainty dimension lacks "certain": no suggestion at all
    renamed = parse_codebook(CUSTOM_CERTAINTY.format(first="high"), "<custom>")
    hinter = Hinter.from_codebook(renamed)
    assert not hinter.suggest
    h = hinter.hints(text)
    assert h["suggested_certainty"] is None
    assert cues_of(h, "attribution") == ["said"]  # the cues are still there
    assert "suggested certainty: none" in format_hints(h, text)
    # every id present (the names may differ): suggestions as usual
    same_ids = parse_codebook(CUSTOM_CERTAINTY.format(first="certain"), "<custom>")
    assert label(Hinter.from_codebook(same_ids).hints(text)) == "uncommitted"
    # no certainty dimension at all
    other = parse_codebook(
        CUSTOM_CERTAINTY.format(first="certain").replace('id = "certainty"', 'id = "sure"'),
        "<custom>",
    )
    assert Hinter.from_codebook(other).hints(text)["suggested_certainty"] is None


def test_booster_beats_attribution(small: Hinter) -> None:
    h = small.hints("Indeed, officials said the TTP regrouped.", 0.0)
    assert label(h) == "certain"


def test_reportedly_is_evidential(small: Hinter) -> None:
    h = small.hints("The TTP leader was reportedly killed in Kunar.", 0.0)
    assert cues_of(h, "evidential") == ["reportedly"]
    assert label(h) == "uncommitted"


def test_no_letters_no_suggestion(small: Hinter) -> None:
    h = small.hints("Q 169 170 ♥ 315", 0.0)
    assert h["suggested_certainty"] is None


# ------------------------------------------------------------------ quotes


def test_straight_quote(small: Hinter) -> None:
    text = 'Kakar stated that "the level of terrorism has increased by 60%."'
    h = small.hints(text, 0.0)
    assert cues_of(h, "quote") == ["the level of terrorism has increased by 60%."]


def test_curly_quote_and_unpaired_marks(small: Hinter) -> None:
    text = "“Afghanistan is al Qaeda and al Qaeda is Afghanistan,” said Ali."
    h = small.hints(text, 0.0)
    assert cues_of(h, "quote") == ["Afghanistan is al Qaeda and al Qaeda is Afghanistan,"]
    assert cues_of(h, "attribution") == ["said"]
    # A quotation running on into the next sentence, and its end in that sentence.
    assert cues_of(small.hints("He said: “The TTP will win.", 0.0), "quote") == [
        "The TTP will win."
    ]
    assert cues_of(small.hints("Nobody can stop us.” The TTP cheered.", 0.0), "quote") == [
        "Nobody can stop us."
    ]
    assert cues_of(small.hints("No quotation here.", 0.0), "quote") == []
    assert cues_of(small.hints('An empty "" pair and " " a blank one.', 0.0), "quote") == []


# ------------------------------------------------------------------ actors


def test_us_is_matched_but_not_us(small: Hinter) -> None:
    h = small.hints("Let us see what the US and the U.S. Congress will do about us.", 0.0)
    assert [a["text"] for a in h["actors"]] == ["US", "U.S."]
    assert actor_ids(h) == ["us", "us"]


def test_un_case_sensitive_and_multiword_case_insensitive(small: Hinter) -> None:
    h = small.hints("The UN and the united nations are un-likely to act.", 0.0)
    assert [a["text"] for a in h["actors"]] == ["UN", "united nations"]


def test_longest_match_first(small: Hinter) -> None:
    h = small.hints(
        "The Afghan Taliban fought IS-Khorasan, also called IS-K, and the Pakistani Taliban.",
        0.0,
    )
    assert [(a["id"], a["text"]) for a in h["actors"]] == [
        ("taliban", "Afghan Taliban"),
        ("iskp", "IS-Khorasan"),
        ("iskp", "IS-K"),
        ("ttp", "Pakistani Taliban"),
    ]


def test_word_boundaries(small: Hinter) -> None:
    h = small.hints("Pakistani experts discussed ISKPX and TTPs.", 0.0)
    assert h["actors"] == []


# ------------------------------------------------------------------ shape


def test_tone_thresholds(small: Hinter) -> None:
    assert small.hints("x", 0.05)["tone"] == {"compound": 0.05, "label": "positive"}
    assert small.hints("x", -0.05)["tone"]["label"] == "negative"
    assert small.hints("x", 0.0499)["tone"]["label"] == "neutral"
    assert small.hints("x", -0.0499)["tone"]["label"] == "neutral"


def test_shape_offsets_and_json_on_all_seed_sentences(hinter: Hinter) -> None:
    sentences = seed_sentences()
    assert len(sentences) > 100
    n_cues = n_actors = 0
    for text in sentences:
        h = hinter.hints(text, 0.1)
        assert set(h) == {"cues", "actors", "tone", "suggested_certainty"}
        assert json.loads(json.dumps(h)) == h
        for cue in h["cues"]:
            assert set(cue) == {"type", "text", "start", "end"}
            assert cue["type"] in HINT_CUE_TYPES
            assert text[cue["start"] : cue["end"]] == cue["text"]
        for actor in h["actors"]:
            assert set(actor) == {"id", "name", "text", "start", "end"}
            assert text[actor["start"] : actor["end"]] == actor["text"]
        for spans in (h["cues"], h["actors"]):
            starts = [s["start"] for s in spans]
            assert starts == sorted(starts)
        for typ in HINT_CUE_TYPES:
            same = [c for c in h["cues"] if c["type"] == typ]
            for a, b in zip(same, same[1:], strict=False):
                assert a["end"] <= b["start"], (text, a, b)
        for a, b in zip(h["actors"], h["actors"][1:], strict=False):
            assert a["end"] <= b["start"]
        suggestion = h["suggested_certainty"]
        if suggestion is not None:
            assert suggestion["label"] in ("certain", "probable", "possible", "uncommitted")
            assert suggestion["reasons"] and all(isinstance(r, str) for r in suggestion["reasons"])
        assert suggest_certainty(h, text) == suggestion
        n_cues += len(h["cues"])
        n_actors += len(h["actors"])
    assert n_cues > 100 and n_actors > 500


def test_compute_hints_matches_hinter(hinter: Hinter) -> None:
    actors = load_codebook().actors
    assert compute_hints(KAKAR, 0.2, actors) == hinter.hints(KAKAR, 0.2)
    assert compute_hints("The group may grow.", 0.0)["actors"] == []


def test_format_hints(hinter: Hinter) -> None:
    h = hinter.hints(KAKAR, -0.4)
    out = format_hints(h, KAKAR)
    lines = out.splitlines()
    assert lines[0] == KAKAR
    assert any("attribution" in line and "'accused'" in line for line in lines)
    assert any("(ttp)" in line and "'TTP'" in line for line in lines)
    assert any(line.startswith("tone: negative") for line in lines)
    assert "suggested certainty: uncommitted" in out
    assert "  - attributed to a source: 'accused'" in lines
    assert "no hints" in format_hints(None, "x")


def test_speed_smoke(hinter: Hinter) -> None:
    """A loose bound (the real target is about 20 µs per sentence)."""
    sentences = seed_sentences() * 5
    start = time.perf_counter()
    for text in sentences:
        hinter.hints(text, 0.0)
    per_sentence = (time.perf_counter() - start) / len(sentences)
    assert per_sentence < 200e-6
