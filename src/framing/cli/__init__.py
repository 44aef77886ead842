"""The ``framing`` command line: a thin layer over the core modules.

One module per group of commands; each registers itself on :data:`main` when
imported here. Heavy imports (spaCy, Textual, numpy) happen inside the commands
that need them, so ``framing --help`` stays fast.
"""

from __future__ import annotations

from framing.cli import (  # noqa: F401  (registers commands)
    agreement,
    analyze,
    annotate,
    card,
    export,
    gold,
    ingest,
    maint,
    serve,
    study,
)
from framing.cli.group import FramingGroup, main

__all__ = ["FramingGroup", "main"]

if __name__ == "__main__":  # pragma: no cover
    main()
