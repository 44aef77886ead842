"""Shared fixtures: an ingested copy of the seeds, built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from framing.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeded_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("seeded") / "seeds.db"
    result = CliRunner().invoke(main, ["ingest", str(SEEDS), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def seeded_db(seeded_db_template: Path, tmp_path: Path) -> Path:
    """A private copy of the ingested seeds database."""
    db = tmp_path / "framing.db"
    for suffix in ("", "-wal", "-shm"):  # WAL mode: the log holds recent commits
        src = Path(f"{seeded_db_template}{suffix}")
        if src.exists():
            shutil.copy(src, f"{db}{suffix}")
    return db
