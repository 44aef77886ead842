"""The core stays free of Textual, and the CLI stays light at start-up."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "framing.models",
    "framing.store",
    "framing.codebook",
    "framing.segment",
    "framing.ingest",
    "framing.agreement",
    "framing.export",
    "framing.imports",
    "framing.analysis",
]


def _modules_after_import(*names: str) -> set[str]:
    code = "import sys\n" + "".join(f"import {n}\n" for n in names)
    code += "print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_core_does_not_import_textual() -> None:
    mods = _modules_after_import(*CORE)
    assert "framing.store" in mods  # the probe really imported the core
    assert not any(m == "textual" or m.startswith("textual.") for m in mods)


def test_cli_import_is_light() -> None:
    mods = _modules_after_import("framing.cli")
    assert "click" in mods
    for heavy in ("textual", "spacy", "numpy"):
        assert heavy not in mods, f"framing.cli imports {heavy} at start-up"
