"""Ingest: discovery, manifests, decoding, jsonl, warnings, determinism."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from framing.ingest import (
    ManifestEntry,
    discover,
    document_text,
    load_manifest,
    prepare_documents,
)
from framing.models import Document, FramingError, UnitDraft, make_unit_id
from framing.segment import segment_text

from .unit_checks import check_units

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

PERSPECTIVES = {
    "000_561392b7cfa50f7a": ("Pakistani institute", "pakistani_institute"),
    "001_b0884a845dacfe76": ("Pakistani institute", "pakistani_institute"),
    "002_8fef15eff2e07bf0": ("Russian HSE expert", "russian_hse_expert"),
    "003_1cc79c1e65cf21c6": ("FNF paper", "fnf_paper"),
    "004_33c3872484650952": ("RAWA / Foreign Policy", "rawa_foreign_policy"),
}


def run(paths: list[str | Path], **kw: object) -> list[tuple[Document, list[UnitDraft]]]:
    return [(d, list(us)) for d, us in prepare_documents(paths, **kw)]  # type: ignore[arg-type]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------
# Seeds and manifests
# --------------------------------------------------------------------------------------


def test_seed_manifest() -> None:
    entries = load_manifest(SEEDS)
    assert len(entries) == 5
    assert all(isinstance(e, ManifestEntry) for e in entries.values())
    for e in entries.values():
        assert e.doc_id == Path(e.file).stem
        assert (e.source, e.perspective) == PERSPECTIVES[e.doc_id]
        assert e.title
    assert entries["003_1cc79c1e65cf21c6.txt"].author == "Imtiaz Gul"
    assert entries["003_1cc79c1e65cf21c6.txt"].date == "2024-04"
    assert entries["004_33c3872484650952.txt"].date == "2022-04-20"
    assert entries["002_8fef15eff2e07bf0.txt"].author == "Larisa Shashok"
    assert "Институт Ближнего Востока" in entries["000_561392b7cfa50f7a.txt"].publisher


def test_seeds_ingest() -> None:
    docs = run([SEEDS])
    assert [d.doc_id for d, _ in docs] == sorted(PERSPECTIVES)
    assert len({d.source for d, _ in docs}) == 4
    for doc, units in docs:
        assert doc.source == PERSPECTIVES[doc.doc_id][0]
        assert doc.file.endswith(doc.doc_id + ".txt")
        raw = (SEEDS / f"{doc.doc_id}.txt").read_text(encoding="utf-8")
        assert doc.n_chars == len(raw)
        assert len(doc.sha256) == 64
        titles = [u for u in units if u.kind == "title"]
        assert len(titles) == 1 and titles[0].text.casefold() == doc.title.casefold()
        check_units(raw, units)  # text == clean_text(raw[start:end]), joined units exempted
    assert sum(len(units) for _, units in docs) >= 600


def test_single_seed_file_uses_the_manifest_next_to_it() -> None:
    ((doc, _),) = run([SEEDS / "003_1cc79c1e65cf21c6.txt"])
    assert doc.source == "FNF paper"
    assert doc.author == "Imtiaz Gul"


def test_determinism_and_stable_ids() -> None:
    a = run([SEEDS])
    b = run([SEEDS])
    assert a == b
    ids_a = [make_unit_id(d.doc_id, u.start, u.end) for d, us in a for u in us]
    ids_b = [make_unit_id(d.doc_id, u.start, u.end) for d, us in b for u in us]
    assert ids_a == ids_b
    assert len(set(ids_a)) == len(ids_a)


def test_progress_reaches_total() -> None:
    calls: list[tuple[int, int]] = []
    docs = run([SEEDS], on_progress=lambda d, t: calls.append((d, t)))
    total = sum(d.n_chars for d, _ in docs)
    assert calls[-1] == (total, total)
    assert all(t == total for _, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_queued_kinds_argument_and_manifest_override(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "A Heading\n\nOne sentence. Two sentences.\n")
    write(tmp_path / "b.txt", "B Heading\n\nThree sentence. Four sentences.\n")
    write(
        tmp_path / "manifest.toml",
        '[[documents]]\nfile = "b.txt"\nqueued_kinds = ["title"]\n',
    )
    docs = dict(run([tmp_path], queued_kinds=["body"]))
    by_id = {d.doc_id: units for d, units in docs.items()}
    assert [u.text for u in by_id["a"] if u.queued] == ["One sentence.", "Two sentences."]
    assert [u.text for u in by_id["b"] if u.queued] == ["B Heading"]


def test_manifest_exclude_sections(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Title Here\n\nIntro sentence.\n\nAnnex\n\nAnnex sentence.\n")
    write(
        tmp_path / "manifest.toml", '[[documents]]\nfile = "a.txt"\nexclude_sections = ["Annex"]\n'
    )
    ((_, units),) = run([tmp_path])
    queued = [u.text for u in units if u.queued]
    assert queued == ["Title Here", "Intro sentence."]


# --------------------------------------------------------------------------------------
# Folders without a manifest, discovery
# --------------------------------------------------------------------------------------


def test_folder_without_manifest(tmp_path: Path) -> None:
    write(tmp_path / "notes.md", "# Notes\n\nThe Taliban said this. **Bold** claim here.\n")
    write(tmp_path / "sub" / "z.txt", "Another text. With sentences.\n")
    write(tmp_path / "sub" / "ignored.csv", "a,b\n")
    write(tmp_path / ".hidden" / "x.txt", "hidden\n")
    docs = run([tmp_path])
    assert [d.doc_id for d, _ in docs] == ["notes", "z"]
    for doc, units in docs:
        assert doc.source == "" and doc.title == "" and doc.author == ""
        assert units
    assert "Bold claim here." in [u.text for u in docs[0][1]]


def test_discover_sorted_and_deduplicated(tmp_path: Path) -> None:
    b = write(tmp_path / "b.txt", "b")
    a = write(tmp_path / "a" / "c.txt", "c")
    write(tmp_path / "a.jsonl", '{"text": "x"}\n')
    found = discover([tmp_path, b])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.jsonl", "a/c.txt", "b.txt"]
    assert a in found


def test_missing_path() -> None:
    with pytest.raises(FramingError, match="no-such-folder"):
        prepare_documents(["no-such-folder"])


# --------------------------------------------------------------------------------------
# Encodings, empty and binary files
# --------------------------------------------------------------------------------------


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"Hello there caf\xe9 is open.")
    with pytest.raises(FramingError) as err:
        prepare_documents([path])
    msg = str(err.value)
    assert msg == (
        f"'{path}' is not UTF-8 (byte 0xe9 at offset 15); "
        "pass --encoding latin-1 if that is its encoding"
    )
    assert "\n" not in msg


def test_encoding_option(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes("Le café est ouvert. Il fait beau.".encode("latin-1"))
    ((doc, units),) = run([path], encoding="latin-1")
    assert [u.text for u in units] == ["Le café est ouvert.", "Il fait beau."]
    assert doc.n_chars == len("Le café est ouvert. Il fait beau.")
    assert document_text(doc.file, encoding="latin-1")[units[0].start : units[0].end] == (
        "Le café est ouvert."
    )
    with pytest.raises(FramingError, match="unknown encoding"):
        prepare_documents([path], encoding="no-such-codec")


def test_validation_happens_before_anything_is_yielded(tmp_path: Path) -> None:
    write(tmp_path / "a_good.txt", "A good file. It is fine.")
    (tmp_path / "b_bad.txt").write_bytes(b"\xff\xfe bad")
    with pytest.raises(FramingError, match="b_bad.txt"):
        prepare_documents([tmp_path])


def test_empty_and_binary_files_are_skipped_with_a_warning(tmp_path: Path) -> None:
    write(tmp_path / "empty.txt", "")
    write(tmp_path / "blank.txt", "\n  \n")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\x00\x00\x01garbage")
    write(tmp_path / "ok.txt", "Some text. More text.")
    warnings: list[str] = []
    docs = run([tmp_path], warn=warnings.append)
    assert [d.doc_id for d, _ in docs] == ["ok"]
    assert len(warnings) == 3
    assert any("empty.txt" in w and "empty" in w for w in warnings)
    assert any("image.txt" in w and "binary" in w for w in warnings)


def test_warnings_go_to_the_log_without_a_callback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(tmp_path / "empty.txt", "")
    assert run([tmp_path]) == []
    assert "empty.txt" in caplog.text


# --------------------------------------------------------------------------------------
# jsonl
# --------------------------------------------------------------------------------------


def test_jsonl_input(tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [
        {"id": "r1", "text": "First record. It has two sentences.", "title": "T1", "source": "X"},
        {"text": "Second record with no id.", "author": "Someone", "date": "2024-01-02"},
        {"doc_id": 7, "text": "   "},
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    path = write(tmp_path / "batch.jsonl", lines[0] + "\n\n" + lines[1] + "\n" + lines[2] + "\n")
    warnings: list[str] = []
    docs = run([path], warn=warnings.append)
    assert [d.doc_id for d, _ in docs] == ["r1", "batch-L3"]
    first, second = docs
    assert first[0].file == f"{path}#L1"
    assert (first[0].title, first[0].source) == ("T1", "X")
    assert (second[0].author, second[0].date, second[0].file) == (
        "Someone",
        "2024-01-02",
        f"{path}#L3",
    )
    assert [u.text for u in first[1]] == ["First record.", "It has two sentences."]
    text = str(rows[0]["text"])
    assert all(text[u.start : u.end] == u.text for u in first[1])
    assert document_text(first[0].file) == text
    assert len(warnings) == 1 and "line 4" in warnings[0]


def test_jsonl_errors(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.jsonl", '{"text": "ok"}\n{not json}\n')
    with pytest.raises(FramingError, match=r"bad.jsonl' line 2: invalid JSON"):
        prepare_documents([bad])
    no_text = write(tmp_path / "nt.jsonl", '{"body": "ok"}\n')
    with pytest.raises(FramingError, match="'text'"):
        prepare_documents([no_text])


# --------------------------------------------------------------------------------------
# Manifest errors
# --------------------------------------------------------------------------------------


def test_malformed_manifest(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Text.")
    write(tmp_path / "manifest.toml", '[[documents]]\nfile = "a.txt"\ntitle = \n')
    with pytest.raises(FramingError) as err:
        prepare_documents([tmp_path])
    msg = str(err.value)
    assert "manifest.toml" in msg and "line 3" in msg and "\n" not in msg


def test_manifest_names_missing_file(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Text.")
    write(tmp_path / "manifest.toml", '[[documents]]\ndoc_id = "gone"\nfile = "gone.txt"\n')
    with pytest.raises(FramingError, match="gone.txt"):
        prepare_documents([tmp_path])


def test_manifest_bad_values(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Text.")
    write(tmp_path / "manifest.toml", '[[documents]]\nfile = "a.txt"\nqueued_kinds = ["bodyy"]\n')
    with pytest.raises(FramingError, match="bodyy"):
        load_manifest(tmp_path)
    write(tmp_path / "manifest.toml", '[[documents]]\nfile = "a.txt"\ntitel = "x"\n')
    with pytest.raises(FramingError, match="titel"):
        load_manifest(tmp_path)


def test_duplicate_doc_ids(tmp_path: Path) -> None:
    write(tmp_path / "one" / "same.txt", "Text one.")
    write(tmp_path / "two" / "same.txt", "Text two.")
    with pytest.raises(FramingError, match="duplicate doc_id 'same'"):
        prepare_documents([tmp_path])


# --------------------------------------------------------------------------------------
# Streaming: bounded memory, lazy units, progress per batch
# --------------------------------------------------------------------------------------


def test_units_are_lazy_iterators(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "One sentence. Two sentences.\n")
    write(tmp_path / "b.txt", "Three sentences. Four.\n")
    items = list(prepare_documents([tmp_path]))
    assert [d.doc_id for d, _ in items] == ["a", "b"]
    # each document's units are produced when iterated, in any order
    assert [u.text for u in items[1][1]] == ["Three sentences.", "Four."]
    assert [u.text for u in items[0][1]] == ["One sentence.", "Two sentences."]


def test_file_read_in_small_chunks_matches_segment_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import framing.ingest as ingest_mod

    text = (
        "Títle Ünïcode 🤣 Line\r\n\r\nFirst sentence here. Second one\r\ncontinues.\r"
        "\nA third\x0cline. The crackdown forced nearly half a million Afghans back\n\n"
        "Pakistan defends it. They say so.\n\nto their country. End.\u2028Last line"
    )
    path = tmp_path / "x.txt"
    path.write_bytes(text.encode("utf-8"))
    expected = segment_text(text)
    for size in (1, 2, 3, 7, 64):
        monkeypatch.setattr(ingest_mod, "READ_CHUNK", size)
        ((doc, units),) = run([path])
        assert doc.n_chars == len(text)
        assert units == expected, size
    check_units(text, expected)
    assert any((u.hints or {}).get("segments") for u in expected)


def test_progress_advances_within_one_big_file(tmp_path: Path) -> None:
    para = "Paragraph {} forced many people back. They said it was needed. Then it ended."
    path = write(tmp_path / "big.txt", "\n\n".join(para.format(i) for i in range(2000)))
    calls: list[tuple[int, int]] = []
    n = 0
    for _, units in prepare_documents([path], on_progress=lambda d, t: calls.append((d, t))):
        for _ in units:
            n += 1
    total = len(path.read_text(encoding="utf-8"))
    assert n == 6000
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert len(calls) >= 2000 // 256 + 1  # one call per batch of paragraphs
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_file_changed_after_validation(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "A first version. It is fine.\n")
    items = prepare_documents([path])
    path.write_text("A second version, longer than the first. It changed.\n", encoding="utf-8")
    ((_, units),) = list(items)
    with pytest.raises(FramingError, match="changed while it was being read"):
        list(units)


def test_many_jsonl_records_are_parsed_once(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": f"n{i}", "text": f"Record {i} says this. It ends."}) for i in range(3000)
    ]
    path = write(tmp_path / "news.jsonl", "\n".join(lines) + "\n")
    docs = run([path])
    assert len(docs) == 3000
    assert [u.text for u in docs[2999][1]] == ["Record 2999 says this.", "It ends."]
    # documents taken out of order still get their own records
    items = list(prepare_documents([path]))
    assert [u.text for u in items[5][1]][0] == "Record 5 says this."
    assert [u.text for u in items[2][1]][0] == "Record 2 says this."
