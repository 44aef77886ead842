"""``framing ingest`` on any text collection, and who decides what is queued.

Everything goes through click's CliRunner and is read back with ``framing export``.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from framing.cli import main

TINY_CODEBOOK = """
name = "tiny"
version = 1
queued_kinds = {kinds}

[[dimensions]]
id = "tone"
question = "What tone does the sentence have?"
kind = "single"

[[dimensions.labels]]
id = "calm"
name = "Calm"
key = "1"
definition = "A calm sentence."

[[dimensions.labels]]
id = "angry"
name = "Angry"
key = "2"
definition = "An angry sentence."
"""

TEXT = """A Report On Things

The first section opens here. It has two sentences.

Annex

The annex says something. It is not for annotation.

- a list item that matters
"""


def invoke(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def ingest(*args: str) -> tuple[int, str, str]:
    return invoke("ingest", *args)


def export(db: Path, *args: str) -> list[dict]:
    code, out, err = invoke("export", "--db", str(db), *args)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def queued(rows: list[dict], doc_id: str | None = None) -> list[str]:
    return [r["text"] for r in rows if r["queued"] and doc_id in (None, r["doc_id"])]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def count_documents(db: Path) -> int:
    if not db.exists():
        return 0
    con = sqlite3.connect(db)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "documents" not in tables:
            return 0
        return int(con.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    finally:
        con.close()


# --------------------------------------------------------------------------------------
# Who decides what is queued: defaults, manifest, codebook
# --------------------------------------------------------------------------------------


def test_default_queue(tmp_path: Path) -> None:
    write(tmp_path / "t" / "a.txt", TEXT)
    db = tmp_path / "d.db"
    code, out, err = ingest(str(tmp_path / "t"), "--db", str(db))
    assert code == 0, err
    assert "1 documents added" in out
    assert queued(export(db)) == [
        "A Report On Things",
        "The first section opens here.",
        "It has two sentences.",
        "The annex says something.",
        "It is not for annotation.",
        "- a list item that matters",
    ]


def test_manifest_queued_kinds_override(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    write(folder / "a.txt", TEXT)
    write(folder / "b.txt", TEXT.replace("Report", "Paper"))
    write(folder / "manifest.toml", '[[documents]]\nfile = "a.txt"\nqueued_kinds = ["list_item"]\n')
    db = tmp_path / "d.db"
    code, _, err = ingest(str(folder), "--db", str(db))
    assert code == 0, err
    rows = export(db)
    assert queued(rows, "a") == ["- a list item that matters"]
    assert len(queued(rows, "b")) == 6  # no manifest entry: the default kinds


def test_manifest_exclude_sections(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    write(folder / "a.txt", TEXT)
    write(folder / "manifest.toml", '[[documents]]\nfile = "a.txt"\nexclude_sections = ["Annex"]\n')
    db = tmp_path / "d.db"
    code, _, err = ingest(str(folder), "--db", str(db))
    assert code == 0, err
    rows = export(db)
    assert queued(rows) == [
        "A Report On Things",
        "The first section opens here.",
        "It has two sentences.",
    ]
    annex = [r for r in rows if r["text"].startswith(("The annex", "It is not", "- a list"))]
    assert len(annex) == 3
    assert all(r["hints"]["excluded"] == "section:annex" for r in annex)


def test_codebook_queued_kinds(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    write(folder / "a.txt", TEXT)
    codebook = write(tmp_path / "cb.toml", TINY_CODEBOOK.format(kinds='["heading"]'))
    db = tmp_path / "d.db"
    code, _, err = ingest(str(folder), "--db", str(db), "--codebook", str(codebook))
    assert code == 0, err
    assert queued(export(db, "--codebook", str(codebook))) == ["Annex"]
    # a manifest entry still wins over the codebook
    write(folder / "manifest.toml", '[[documents]]\nfile = "a.txt"\nqueued_kinds = ["title"]\n')
    db2 = tmp_path / "d2.db"
    code, _, err = ingest(str(folder), "--db", str(db2), "--codebook", str(codebook))
    assert code == 0, err
    assert queued(export(db2, "--codebook", str(codebook))) == ["A Report On Things"]


def test_codebook_with_unknown_kind_is_a_one_line_error(tmp_path: Path) -> None:
    write(tmp_path / "t" / "a.txt", TEXT)
    codebook = write(tmp_path / "cb.toml", TINY_CODEBOOK.format(kinds='["sentences"]'))
    db = tmp_path / "d.db"
    code, _, err = ingest(str(tmp_path / "t"), "--db", str(db), "--codebook", str(codebook))
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and "sentences" in err
    assert count_documents(db) == 0


# --------------------------------------------------------------------------------------
# Any text collection
# --------------------------------------------------------------------------------------


def test_markdown_comes_out_clean(tmp_path: Path) -> None:
    md = (
        "# The **Title** Here\n\n"
        "## A Section\n\n"
        "This is **bold** and *italic* and <u>underlined</u> text. It has a second "
        "sentence with a footnote star*.\n\n"
        "> A quoted line that is long enough to be a sentence.\n\n"
        "- a list item with **emphasis**\n"
        "- another list item\n"
    )
    write(tmp_path / "t" / "notes.md", md)
    db = tmp_path / "d.db"
    code, _, err = ingest(str(tmp_path / "t"), "--db", str(db))
    assert code == 0, err
    rows = export(db)
    texts = [r["text"] for r in rows]
    assert texts == [
        "The Title Here",
        "A Section",
        "This is bold and italic and underlined text.",
        "It has a second sentence with a footnote star.",
        "A quoted line that is long enough to be a sentence.",
        "- a list item with emphasis",
        "- another list item",
    ]
    for t in texts:
        assert "*" not in t and "<" not in t and not t.startswith(("#", ">")), t
    kinds = {r["text"]: r["kind"] for r in rows}
    assert kinds["The Title Here"] == "title"
    assert kinds["A quoted line that is long enough to be a sentence."] == "block_quote"
    assert kinds["- another list item"] == "list_item"


def test_jsonl_with_text_and_metadata(tmp_path: Path) -> None:
    records = [
        {
            "id": "r1",
            "text": "Kabul said this. Islamabad denied it.",
            "title": "A Record",
            "source": "Wire",
            "author": "A. Writer",
            "date": "2024-05-01",
        },
        {"text": "A record without an id or metadata."},
    ]
    path = write(tmp_path / "t" / "batch.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
    db = tmp_path / "d.db"
    code, out, err = ingest(str(path), "--db", str(db))
    assert code == 0, err
    assert "2 documents added" in out
    rows = export(db)
    assert [(r["doc_id"], r["text"]) for r in rows] == [
        ("batch-L2", "A record without an id or metadata."),
        ("r1", "Kabul said this."),
        ("r1", "Islamabad denied it."),
    ]
    r1 = [r for r in rows if r["doc_id"] == "r1"]
    assert {r["source"] for r in r1} == {"Wire"}
    # export carries the file relative to the ingest root, never the absolute path
    assert {r["file"] for r in r1} == {"batch.jsonl#L1"}
    assert all(records[0]["text"][r["start"] : r["end"]] == r["text"] for r in r1)
    con = sqlite3.connect(db)
    meta = con.execute("SELECT title, author, date FROM documents WHERE doc_id = 'r1'").fetchone()
    con.close()
    assert meta == ("A Record", "A. Writer", "2024-05-01")


def test_non_utf8_file_is_a_one_line_error_and_nothing_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    write(folder / "a_good.txt", "A good file. It is fine.\n")
    (folder / "b_bad.txt").write_bytes("Le café est ouvert.".encode("latin-1"))
    db = tmp_path / "d.db"
    code, out, err = ingest(str(folder), "--db", str(db))
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: ") and "b_bad.txt" in lines[0] and "UTF-8" in lines[0]
    assert "--encoding" in lines[0]
    assert "documents added" not in out
    assert count_documents(db) == 0


def test_encoding_option(tmp_path: Path) -> None:
    path = tmp_path / "t" / "fr.txt"
    path.parent.mkdir()
    text = "Le café est ouvert. Il fait très beau à Genève."
    path.write_bytes(text.encode("latin-1"))
    db = tmp_path / "d.db"
    code, _, err = ingest(str(path), "--db", str(db), "--encoding", "latin-1")
    assert code == 0, err
    rows = export(db)
    assert [r["text"] for r in rows] == ["Le café est ouvert.", "Il fait très beau à Genève."]
    assert all(text[r["start"] : r["end"]] == r["text"] for r in rows)


def test_empty_and_binary_files_are_skipped_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    write(folder / "empty.txt", "")
    write(folder / "blank.md", "\n   \n\t\n")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(folder / "ok.txt", "Some text here. More text there.\n")
    db = tmp_path / "d.db"
    code, out, err = ingest(str(folder), "--db", str(db))
    assert code == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 3, err
    assert any("empty.txt" in w and "empty" in w for w in warnings)
    assert any("blank.md" in w and "empty" in w for w in warnings)
    assert any("image.txt" in w and "binary" in w for w in warnings)
    assert "1 documents added" in out
    assert {r["doc_id"] for r in export(db)} == {"ok"}


def test_ingest_loads_no_heavy_library_it_does_not_use(tmp_path: Path) -> None:
    """Start-up is part of what a user waits for: ``framing ingest`` of ordinary text
    loads neither pandas/pyarrow (sqlite-utils would import pandas) nor spaCy (needed
    only for a glued sentence start, see ``segment.nlp.sentence_spans``), Textual,
    SciPy or matplotlib; and the store still works once pandas is loaded."""
    import subprocess
    import sys

    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    heavy = ("pandas", "pyarrow", "spacy", "textual", "scipy", "matplotlib")
    code = (
        "import sys, atexit\n"
        f"atexit.register(lambda: print([m for m in {heavy!r} if m in sys.modules]))\n"
        "from framing.cli import main\n"
        f"main(['ingest', {str(tmp_path / 'a.txt')!r}, '--db', {str(tmp_path / 'a.db')!r}])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
    code = (
        "import pandas\nfrom framing.store import Store\n"
        f"s = Store.open({str(tmp_path / 'a.db')!r}, readonly=True)\n"
        "print(s.count_units())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) > 0
