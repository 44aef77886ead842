"""Tests for framing.codebook: the default codebook, JSON/text output, validation."""

from __future__ import annotations

import itertools
import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.codebook import (
    DEFAULT_CODEBOOK_SOURCE,
    RESERVED_KEYS,
    codebook_to_json,
    default_codebook_text,
    load_codebook,
    parse_codebook,
    render_codebook,
)
from framing.models import (
    DEFAULT_QUEUED_KINDS,
    UNIT_KINDS,
    Codebook,
    Dimension,
    FramingError,
    Label,
)
from framing.wrap import BLOCK, LinearWrapper

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

FRAME_IDS = [
    "Economic",
    "Capacity_and_resources",
    "Morality",
    "Fairness_and_equality",
    "Legality_Constitutionality_and_jurisprudence",
    "Policy_prescription_and_evaluation",
    "Crime_and_punishment",
    "Security_and_defense",
    "Health_and_safety",
    "Quality_of_life",
    "Cultural_identity",
    "Public_opinion",
    "Political",
    "External_regulation_and_reputation",
    "Other",
]
FRAME_KEYS = list("1234567890abpde")  # Political is p: c widens the context

# A minimal valid codebook; tests below break it in one place at a time.
GOOD = """\
name = "tiny"
version = 1

[[dimensions]]
id = "tone"
question = "What is the tone?"
kind = "single"

[[dimensions.labels]]
id = "pos"
name = "Positive"
key = "1"
definition = "Favourable."

[[dimensions.labels]]
id = "neg"
name = "Negative"
key = "2"
definition = "Unfavourable."

[[dimensions]]
id = "sure"
question = "How sure?"
kind = "ordinal"

[[dimensions.labels]]
id = "high"
name = "High"
key = "1"
definition = "Very."

[[dimensions.labels]]
id = "low"
name = "Low"
key = "2"
definition = "Hardly."
"""


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def seed_text() -> str:
    files = sorted(SEEDS.glob("*.txt"))
    assert len(files) == 5
    return "\n".join(_norm(f.read_text("utf-8")) for f in files)


@pytest.fixture(scope="module")
def default() -> Codebook:
    return load_codebook()


def _write(tmp_path: Path, text: str, name: str = "my.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str) -> str:
    path = _write(tmp_path, text)
    with pytest.raises(FramingError) as info:
        load_codebook(path)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message, message
    assert message.startswith(str(path) + ": "), message
    return message


# --------------------------------------------------------------------------
# The default codebook
# --------------------------------------------------------------------------


def test_default_dimensions(default: Codebook) -> None:
    assert default.dimension_ids == ("perspective", "frame", "certainty")
    assert [len(d.labels) for d in default.dimensions] == [6, 15, 4]
    assert [d.kind for d in default.dimensions] == ["single", "single", "ordinal"]
    assert default.path == DEFAULT_CODEBOOK_SOURCE == "<default>"
    assert default.name == "framing-default"
    assert default.queued_kinds == DEFAULT_QUEUED_KINDS


def test_default_perspective(default: Codebook) -> None:
    dim = default.dimension("perspective")
    assert dim is not None
    assert dim.label_ids == (
        "pakistani_institute",
        "russian_hse_expert",
        "fnf_paper",
        "rawa_foreign_policy",
        "other_voice",
        "unclear",
    )
    assert [lab.key for lab in dim.labels] == list("123456")
    fnf = dim.label("fnf_paper")
    assert fnf is not None and fnf.name == "FNF paper"
    by_key = dim.by_key("4")
    assert by_key is not None and by_key.id == "rawa_foreign_policy"


def test_default_frames_ids_keys_and_order(default: Codebook) -> None:
    dim = default.dimension("frame")
    assert dim is not None
    assert list(dim.label_ids) == FRAME_IDS
    assert [lab.key for lab in dim.labels] == FRAME_KEYS


def test_default_certainty_scale_order(default: Codebook) -> None:
    dim = default.dimension("certainty")
    assert dim is not None and dim.kind == "ordinal"
    assert dim.label_ids == ("certain", "probable", "possible", "uncommitted")
    assert [lab.key for lab in dim.labels] == list("1234")
    # Definitions name cue words: boosters, hedges, attribution.
    text = {lab.id: lab.definition.lower() for lab in dim.labels}
    assert "clearly" in text["certain"]
    assert "likely" in text["probable"]
    assert "may" in text["possible"]
    assert "said" in text["uncommitted"] and "according to" in text["uncommitted"]


def test_default_labels_complete(default: Codebook) -> None:
    for dim in default.dimensions:
        assert dim.question.strip()
        for lab in dim.labels:
            assert lab.name and lab.definition and lab.example, (dim.id, lab.id)
            assert lab.key not in RESERVED_KEYS
            assert len(lab.key) == 1


def test_default_examples_verbatim_in_seeds(default: Codebook, seed_text: str) -> None:
    missing = [
        (dim.id, lab.id)
        for dim in default.dimensions
        for lab in dim.labels
        if _norm(lab.example) not in seed_text
    ]
    assert missing == []


def test_default_actors(default: Codebook, seed_text: str) -> None:
    actors = {a.id: a for a in default.actors}
    for needed in (
        "taliban",
        "ttp",
        "iskp",
        "tta",
        "al_qaeda",
        "etim",
        "imu",
        "pakistan",
        "afghanistan",
        "china",
        "russia",
        "united_states",
        "united_nations",
        "india",
        "iran",
    ):
        assert needed in actors, needed
    assert "TPP" in actors["ttp"].aliases  # the seeds' misspelling
    assert "Tehrik-i-Taliban Pakistan" in actors["ttp"].aliases
    assert "IG Khorasan" in actors["iskp"].aliases
    assert {"US", "U.S.", "Washington"} <= set(actors["united_states"].aliases)
    # Every actor is mentioned in the seeds, and only a few deliberate extra
    # spellings are absent from them.
    for actor in default.actors:
        assert any(re.search(rf"\b{re.escape(a)}", seed_text) for a in actor.aliases), actor.id
    absent = {
        alias
        for actor in default.actors
        for alias in actor.aliases
        if re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", seed_text) is None
    }
    assert absent == {"IS-K", "AQIS", "Beijing", "UNAMA"}


def test_default_text_is_packaged() -> None:
    text = default_codebook_text()
    assert 'name = "framing-default"' in text
    assert parse_codebook(text, "x.toml").path == "x.toml"


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def test_json_shape_exact(default: Codebook) -> None:
    data = codebook_to_json(default)
    assert list(data) == ["dimensions"]
    assert len(data["dimensions"]) == 3
    for dim_json, dim in zip(data["dimensions"], default.dimensions, strict=True):
        assert set(dim_json) == {"id", "kind", "question", "labels"}
        assert dim_json["id"] == dim.id and dim_json["kind"] == dim.kind
        assert dim_json["question"] == dim.question
        for lab_json in dim_json["labels"]:
            assert set(lab_json) == {"id", "name", "key", "definition"}
            assert all(isinstance(v, str) for v in lab_json.values())
        assert [lab["id"] for lab in dim_json["labels"]] == list(dim.label_ids)
    certainty = data["dimensions"][2]
    assert [lab["id"] for lab in certainty["labels"]] == [
        "certain",
        "probable",
        "possible",
        "uncommitted",
    ]
    # JSON-serialisable and round-trips.
    assert json.loads(json.dumps(data)) == data


def test_render_default(default: Codebook) -> None:
    text = render_codebook(default)
    assert isinstance(text, str)
    for dim in default.dimensions:
        assert dim.id in text
        assert dim.kind in text
        assert _norm(dim.question) in _norm(text)
        for lab in dim.labels:
            assert f"[{lab.key}] {_norm(lab.name)}" in _norm(text)
            assert f"({lab.id})" in text
            assert _norm(lab.definition) in _norm(text)
            assert _norm(lab.example) in _norm(text)
    assert max(len(line) for line in text.splitlines()) <= 78
    assert "\x1b" not in text and "[bold" not in text


def test_render_narrow_width(default: Codebook) -> None:
    text = render_codebook(default, width=50)
    # Only the unbreakable words may overflow.
    for line in text.splitlines():
        assert len(line) <= 50 or " " not in line.strip(), line


def _quiet(word: str, at: int, reach: int) -> bool:
    around = word[max(0, at - reach) : at + reach]
    return "-" not in around or set(around) == {"-"}


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["x" * 40, "y", "-", "--", " ", "ab", "1", "1-", "\n", "é"]), max_size=40
    ),
    st.integers(6, 20),
    st.integers(0, 3),
    st.integers(0, 3),
    st.booleans(),
    st.integers(1, 60),
)
def test_linear_wrap_gives_textwraps_lines(
    parts: list[str], width: int, first: int, rest: int, hyphens: bool, block: int
) -> None:
    """Long words are handed to textwrap in blocks (tiny blocks here, to cut often).
    Where every block boundary is quiet (no hyphen, or only hyphens, within a line's
    width), the lines are textwrap's, hyphens and indents included; elsewhere they
    keep every character, within the width."""
    text = "".join(parts)
    kw: dict[str, Any] = {
        "width": width,
        "initial_indent": " " * first,
        "subsequent_indent": " " * rest,
        "break_on_hyphens": hyphens,
    }
    wrapper = LinearWrapper(**kw)
    wrapper.block = block
    got = wrapper.wrap(text)
    quiet = not hyphens or all(
        _quiet(word, at, width)
        for word in textwrap.TextWrapper(**kw)._split_chunks(text)
        for at in itertools.accumulate(len(piece) for piece in wrapper._split(word)[:-1])
    )
    if quiet:
        assert got == textwrap.wrap(text, **kw)
    else:
        assert max(len(line) for line in got) <= width
        assert "".join(got).replace(" ", "") == "".join(text.split())


def test_long_words_are_cut_at_quiet_places() -> None:
    """A word cut into blocks at quiet places gives textwrap's lines; cut blindly
    every ``block`` characters, the same word does not (a line breaks at another
    hyphen)."""
    word = "111" + "x" * 20 + "111" + "x" * 20 + "-1111-111" + "x" * 21 + "1-1-"
    wrapper = LinearWrapper(width=6)
    wrapper.block = 12
    pieces = wrapper._split(word)
    cuts = list(itertools.accumulate(len(p) for p in pieces[:-1]))
    assert len(pieces) > 2 and all(_quiet(word, at, 6) for at in cuts)
    assert wrapper.wrap(word) == textwrap.wrap(word, width=6)

    class Blind(LinearWrapper):
        def _blocks(self, word: str) -> list[str]:
            out, start = [], 0
            while len(word) - start > 3 * 12:
                out.append(word[start : start + 12])
                start += 12
            return [*out, word[start:]]

    blind = Blind(width=6)
    blind.block = 12
    assert blind.wrap(word) != textwrap.wrap(word, width=6)


def test_a_huge_word_reaches_textwrap_in_bounded_pieces() -> None:
    """What made ``framing codebook`` quadratic: textwrap copies the rest of a word
    at every line it cuts from it. Here it never gets more than three blocks at once
    (so its work per character is bounded), and the rendering keeps every character
    of an 8 MB definition without a space, in lines of at most 78 characters."""
    word = "x" * 2_000_000 + "-" * 300_000 + "y-z" * 100_000
    pieces = LinearWrapper(width=78)._split(word)
    assert "".join(pieces) == word
    assert max(len(p) for p in pieces) <= 3 * BLOCK
    cb = Codebook(
        name="huge",
        dimensions=(
            Dimension(
                id="d",
                question="?",
                kind="single",
                labels=(Label(id="a", name="A", key="1", definition="w" * 8_000_000),),
            ),
        ),
    )
    lines = render_codebook(cb).splitlines()
    assert max(len(line) for line in lines) <= 78
    assert "".join(line.strip() for line in lines).count("w") == 8_000_000


# --------------------------------------------------------------------------
# Loading valid files
# --------------------------------------------------------------------------


def test_load_valid_file(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    cb = load_codebook(path)
    assert cb.path == str(path)
    assert cb.name == "tiny"
    assert cb.dimension_ids == ("tone", "sure")
    sure = cb.dimension("sure")
    assert sure is not None and sure.label_ids == ("high", "low")
    assert cb.actors == ()
    assert cb.queued_kinds == DEFAULT_QUEUED_KINDS
    # str paths work too; keys may repeat across dimensions.
    assert load_codebook(str(path)).dimension_ids == ("tone", "sure")


def test_inline_tables_and_free_queued_kinds(tmp_path: Path) -> None:
    text = """\
queued_kinds = ["body", "caption", "body"]
dimensions = [
  {id = "m", question = "Which?", kind = "multi", labels = [
     {id = "a", name = "A", key = "a", definition = "first", example = "x"},
  ]},
]
actors = [{id = "x", name = "X", aliases = ["Ex"]}]
"""
    cb = load_codebook(_write(tmp_path, text))
    assert cb.queued_kinds == ("body", "caption")
    assert cb.dimensions[0].kind == "multi"
    assert cb.dimensions[0].labels[0].example == "x"
    assert cb.actors[0].aliases == ("Ex",)


def test_utf8_bom_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_codebook(path).name == "tiny"


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


def test_error_bad_toml_has_line_and_column(tmp_path: Path) -> None:
    text = GOOD.replace('question = "How sure?"', "question How sure")
    message = _error(tmp_path, text)
    line = text.splitlines().index("question How sure") + 1
    assert f"line {line}, column" in message
    assert "invalid TOML" in message
    assert "my.toml" in message


def test_error_bad_toml_duplicate_table_key(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace("version = 1", "version = 1\nversion = 2"))
    assert "line 3" in message and "invalid TOML" in message


def test_error_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(FramingError) as info:
        load_codebook(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "no such file" in message
    assert "\n" not in message


def test_error_directory(tmp_path: Path) -> None:
    with pytest.raises(FramingError) as info:
        load_codebook(tmp_path)
    assert "cannot read" in str(info.value)


def test_error_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(GOOD.replace("Very.", "Tr\xe8s.").encode("latin-1"))
    with pytest.raises(FramingError) as info:
        load_codebook(path)
    message = str(info.value)
    assert "latin.toml" in message and "not valid UTF-8" in message
    line = GOOD.splitlines().index('definition = "Very."') + 1
    assert f"line {line}, column 17" in message
    assert "\n" not in message


def test_error_no_dimensions(tmp_path: Path) -> None:
    message = _error(tmp_path, 'name = "empty"\n')
    assert "no dimensions" in message
    message = _error(tmp_path, "dimensions = []\n")
    assert "no dimensions" in message


def test_error_duplicate_dimension_id(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('id = "sure"', 'id = "tone"'))
    assert 'dimensions[1] "tone"' in message
    assert 'duplicate dimension id "tone"' in message
    assert "dimensions[0]" in message
    line = GOOD.splitlines().index('id = "sure"') + 1
    assert f"line {line}:" in message


def test_error_duplicate_label_id(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('id = "neg"', 'id = "pos"'))
    assert 'dimensions[0] "tone", labels[1] "pos"' in message
    assert 'duplicate label id "pos"' in message


def test_error_duplicate_key(tmp_path: Path) -> None:
    text = GOOD.replace('key = "2"\ndefinition = "Unfavourable."', 'key = "1"\ndefinition = "U."')
    message = _error(tmp_path, text)
    assert 'dimensions[0] "tone", labels[1] "neg"' in message
    assert 'duplicate key "1" (already used by labels[0] "pos")' in message
    # The line of the offending key.
    lines = text.splitlines()
    neg = lines.index('id = "neg"')
    key_line = lines.index('key = "1"', neg) + 1
    assert message.startswith(f"{tmp_path / 'my.toml'}: line {key_line}: ")


@pytest.mark.parametrize("key", ["s", "q", "?", " ", "D"])
def test_error_reserved_key(tmp_path: Path, key: str) -> None:
    message = _error(tmp_path, GOOD.replace('key = "2"', f'key = "{key}"', 1))
    assert "labels[1]" in message
    assert f'key "{key}" is reserved' in message


def test_error_reserved_named_key(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('key = "2"', 'key = "enter"', 1))
    assert 'key "enter" is reserved' in message


def test_reserved_keys_contents() -> None:
    assert {"s", "q", "?", " ", "D", "enter", "backspace"} <= RESERVED_KEYS
    assert {"c", "g", "u", "r", "h", "/"} <= RESERVED_KEYS  # context, docs, unfinished, ...
    assert not (set("1234567890abdep") & RESERVED_KEYS)
    assert "d" not in RESERVED_KEYS  # shift+d opens the disagreements list; d is free


def test_error_multi_character_key(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('key = "2"', 'key = "12"', 1))
    assert 'key "12" must be exactly one character' in message
    assert 'labels[1] "neg"' in message


def test_error_empty_and_control_key(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('key = "2"', 'key = ""', 1))
    assert "exactly one character" in message
    message = _error(tmp_path, GOOD.replace('key = "2"', 'key = "\\t"', 1))
    assert "printable" in message


def test_error_key_not_string(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('key = "2"', "key = 2", 1))
    assert '"key" must be a string, not an integer' in message
    assert 'key = "2"' in message


def test_error_unknown_kind(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('kind = "ordinal"', 'kind = "scale"'))
    assert 'dimensions[1] "sure": unknown kind "scale" (expected single, multi or ordinal)' in (
        message
    )
    line = GOOD.splitlines().index('kind = "ordinal"') + 1
    assert f"line {line}:" in message


def test_error_empty_dimension(tmp_path: Path) -> None:
    text = GOOD.split("[[dimensions.labels]]")[0]
    message = _error(tmp_path, text)
    assert 'dimensions[0] "tone": no labels (a dimension needs at least one)' in message
    message = _error(tmp_path, text + "labels = []\n")
    assert "no labels" in message


def test_error_ordinal_needs_two_labels(tmp_path: Path) -> None:
    text = GOOD.rsplit("[[dimensions.labels]]", 1)[0]
    message = _error(tmp_path, text)
    assert 'dimensions[1] "sure"' in message and "at least 2 labels" in message


@pytest.mark.parametrize(
    ("old", "new", "place", "field"),
    [
        ('id = "tone"\n', "", "dimensions[0]:", "id"),
        ('question = "What is the tone?"\n', "", 'dimensions[0] "tone"', "question"),
        ('kind = "single"\n', "", 'dimensions[0] "tone"', "kind"),
        ('id = "pos"\n', "", 'dimensions[0] "tone", labels[0]:', "id"),
        ('name = "Positive"\n', "", 'labels[0] "pos"', "name"),
        ('key = "1"\n', "", 'labels[0] "pos"', "key"),
        ('definition = "Favourable."\n', "", 'labels[0] "pos"', "definition"),
    ],
)
def test_error_missing_required_field(
    tmp_path: Path, old: str, new: str, place: str, field: str
) -> None:
    message = _error(tmp_path, GOOD.replace(old, new, 1))
    assert place in message
    assert f'missing required field "{field}"' in message


def test_error_empty_required_text(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('definition = "Favourable."', 'definition = "  "'))
    assert '"definition" is empty' in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'dimensions = [{id = "d", question = "Q?", kind = "single", labels = "pos"}]\n',
            '"labels" must be a list of tables ([[dimensions.labels]]), not a string',
        ),
        (
            'dimensions = [{id = "d", question = "Q?", kind = "single", labels = ["a", "b"]}]\n',
            '"labels" must be a list of tables ([[dimensions.labels]]), not an array',
        ),
        ('dimensions = "tone"\n', '"dimensions" must be a list of tables'),
        ("[dimensions]\nid = 'x'\n", '"dimensions" must be a list of tables'),
        (
            'dimensions = [{id = "d", question = 3, kind = "single", labels = []}]\n',
            '"question" must be a string, not an integer',
        ),
        (
            'dimensions = [{id = "d", question = "Q", kind = 1, labels = []}]\n',
            '"kind" must be a string, not an integer',
        ),
        ("dimensions = [{id = 7}]\n", '"id" must be a string, not an integer'),
        ('queued_kinds = "body"\n' + GOOD.split("\n", 1)[1], '"queued_kinds" must be a list'),
        ("queued_kinds = [1, 2]\n" + GOOD.split("\n", 1)[1], '"queued_kinds" must be a list'),
        ('version = "one"\n' + GOOD.split("\n", 2)[2], '"version" must be a positive integer'),
        ('actors = "Taliban"\n' + GOOD, '"actors" must be a list of tables'),
        (
            GOOD + '[[actors]]\nid = "t"\nname = "T"\naliases = "Taliban"\n',
            '"aliases" must be a list of strings, not a string',
        ),
    ],
)
def test_error_wrong_types(tmp_path: Path, text: str, expected: str) -> None:
    message = _error(tmp_path, text)
    assert expected in message


def test_error_unknown_queued_kind(tmp_path: Path) -> None:
    # A typo would otherwise load fine and only fail later, at ingest, without a line.
    text = 'name = "tiny"\nqueued_kinds = ["bodyy", "title"]\n' + GOOD.split("\n", 1)[1]
    message = _error(tmp_path, text)
    assert ': line 2: top level: "queued_kinds" has unknown kind(s) "bodyy"' in message
    assert "(kinds: title, heading, body," in message and 'title"' not in message
    # Every kind a unit can have is accepted.
    ok = _write(tmp_path, f"queued_kinds = {list(UNIT_KINDS)!r}\n" + GOOD, "ok.toml")
    assert load_codebook(ok).queued_kinds == UNIT_KINDS


def test_error_top_level_table_after_labels(tmp_path: Path) -> None:
    # A top-level key written after [[dimensions.labels]] belongs to that label.
    message = _error(tmp_path, GOOD + 'actors = "Taliban"\n')
    assert 'dimensions[1] "sure", labels[1] "low": unknown field "actors"' in message


def test_error_unknown_field(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('definition = "Favourable."', 'defintion = "F."'))
    # The missing field is reported first or the typo is: either names it.
    assert "defintion" in message or 'missing required field "definition"' in message
    message = _error(tmp_path, GOOD.replace('key = "1"', 'key = "1"\nexmaple = "x"', 1))
    assert 'unknown field "exmaple"' in message and 'labels[0] "pos"' in message
    message = _error(tmp_path, "dimension = []\n" + GOOD)
    assert 'unknown field "dimension"' in message


def test_error_invalid_id(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('id = "pos"', 'id = "very pos"'))
    assert 'invalid id "very pos"' in message


def test_error_actors(tmp_path: Path) -> None:
    actors = '[[actors]]\nid = "a"\nname = "A"\naliases = ["X"]\n'
    message = _error(tmp_path, GOOD + actors + actors)
    assert 'actors[1] "a": duplicate actor id "a"' in message
    other = '[[actors]]\nid = "b"\nname = "B"\naliases = ["X"]\n'
    message = _error(tmp_path, GOOD + actors + other)
    assert 'actors[1] "b"' in message and 'alias "X" is already an alias of "a"' in message
    message = _error(tmp_path, GOOD + '[[actors]]\nid = "c"\naliases = []\n')
    assert 'missing required field "name"' in message


def test_error_message_is_one_line_with_newline_in_value(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('kind = "single"', 'kind = """sin\ngle"""'))
    assert 'unknown kind "sin\\ngle"' in message


def test_parse_codebook_uses_source_name() -> None:
    with pytest.raises(FramingError) as info:
        parse_codebook("dimensions = [", "inline.toml")
    message = str(info.value)
    assert message.startswith("inline.toml: ")
    assert "invalid TOML" in message and "\n" not in message
