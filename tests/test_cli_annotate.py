"""``framing annotate`` before the UI starts: names, resume help, theme and key file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from framing.cli import main
from framing.store import Store


def _with_annotators(db: Path, *names: str) -> None:
    store = Store.open(db)
    unit = store.next_unit(None)
    assert unit is not None
    for name in names:
        store.add_label(unit.unit_id, name, "frame", "Other")
    store.close()


def test_unknown_name_asks_with_the_known_names(seeded_db: Path) -> None:
    _with_annotators(seeded_db, "ann1", "ann2")
    r = CliRunner().invoke(
        main, ["annotate", "--annotator", "Ann1 ", "--db", str(seeded_db)], input="n\n"
    )
    assert r.exit_code == 1
    assert "new annotator 'Ann1 '? known: ann1, ann2" in r.stdout
    assert "not started" in r.stderr
    assert Store.open(seeded_db).annotators() == ["ann1", "ann2"]  # nothing was created


def test_help_describes_resume_exactly() -> None:
    r = CliRunner().invoke(main, ["annotate", "--help"])
    assert r.exit_code == 0
    flat = " ".join(r.stdout.split())
    assert "first queued unit, in document and sentence order" in flat
    assert "neither labelled in every dimension nor skipped" in flat
    assert "not always where you stopped" in flat
    assert "where you stopped" not in flat.replace("not always where you stopped", "")
    assert "keys.toml" in flat


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[keys]\nnope = "x"\n', "unknown binding id 'nope'"),
        ('[keys]\ncontext = "1"\n', "label key"),
    ],
)
def test_bad_key_file_is_one_line_error(
    seeded_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    keys = tmp_path / "keys.toml"
    keys.write_text(text, encoding="utf-8")
    monkeypatch.setenv("FRAMING_KEYS", str(keys))
    r = CliRunner().invoke(main, ["annotate", "-a", "x", "--new-annotator", "--db", str(seeded_db)])
    assert r.exit_code == 1 and message in r.stderr and str(keys) in r.stderr


def test_unknown_theme(seeded_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMING_KEYS", "/nonexistent/keys.toml")
    r = CliRunner().invoke(main, ["annotate", "-a", "x", "--theme", "nope", "--db", str(seeded_db)])
    assert r.exit_code == 1 and "unknown theme" in r.stderr and "framing-high-contrast" in r.stderr
