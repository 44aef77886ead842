"""CSV cells that a spreadsheet will not run as formulas.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
taken as a formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)``,
``=cmd|' /C calc'!A0``), and ingested text or an annotator name can start with one.
Following OWASP's advice ("CSV Injection"), such a text cell gets a leading ``'``,
which spreadsheets show as text and do not display. Numbers (positions, offsets,
VADER scores such as ``-0.4``) are written as numbers, untouched.

``framing export --format csv --csv-raw`` turns this off for pipelines that read the
CSV with a CSV parser and want the text byte-exact.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

__all__ = ["FORMULA_STARTS", "SafeCsvWriter", "safe_cell"]

#: First characters that make a spreadsheet evaluate a cell (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` if it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCsvWriter:
    """``csv.writer`` whose rows are neutralised by :func:`safe_cell` (unless ``raw``)."""

    def __init__(self, out: IO[str], *, raw: bool = False, **kwargs: Any) -> None:
        self._writer = csv.writer(out, **kwargs)
        self.raw = raw

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(row if self.raw else [safe_cell(v) for v in row])
