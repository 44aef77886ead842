"""``sqlite_utils.Database``, loaded without pandas; every framing module gets it here.

sqlite-utils imports pandas whenever it is installed, only to map pandas' ``Timestamp``
to a column type when ``Table.insert`` is given pandas values. framing never gives it
any: sqlite-utils runs the schema migrations, with Python types, and every other query
goes through ``sqlite3``. Importing pandas (and, through it, pyarrow) costs 0.5-0.9 s
on every command that opens a database (``framing gold`` on 1M labels has a 10 s
budget). So, unless pandas is loaded already (then it is simply used), sqlite-utils is
imported with pandas hidden from *this thread only* (a finder on ``sys.meta_path`` that
answers "not installed" to the importing thread alone, so another thread importing
pandas at that moment gets it), and pandas stays importable afterwards.
"""

from __future__ import annotations

import importlib.abc
import sys
import threading
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType


class _HidePandas(importlib.abc.MetaPathFinder):
    """Answers "no such module" for pandas, to one thread."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if fullname == "pandas" and threading.get_ident() == self.thread:
            raise ModuleNotFoundError("pandas is hidden from sqlite_utils", name=fullname)
        return None


def import_sqlite_utils() -> None:
    """Import ``sqlite_utils`` (once), hiding pandas if it is not loaded yet."""
    if "sqlite_utils" in sys.modules or "pandas" in sys.modules:
        return
    finder = _HidePandas()
    sys.meta_path.insert(0, finder)
    try:
        import sqlite_utils  # noqa: F401
    finally:
        sys.meta_path.remove(finder)


import_sqlite_utils()
from sqlite_utils import Database  # noqa: E402

__all__ = ["Database", "import_sqlite_utils"]
