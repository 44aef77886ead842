"""Import sqlite-utils without pandas (imported first thing by :mod:`framing.store`).

sqlite-utils imports pandas whenever it is installed, only to map pandas' ``Timestamp``
to a column type when ``Table.insert`` is given pandas values. framing never gives it
any: sqlite-utils runs the schema migrations, with Python types, and every other query
goes through ``sqlite3``. Importing pandas (and, through it, pyarrow) takes about half
a second, as long as the rest of ``framing ingest seeds`` start-up together, on every
command that opens a database. So, unless pandas is loaded already (then it is
simply used), sqlite-utils is imported with pandas hidden, and pandas stays importable
for everything else afterwards.
"""

from __future__ import annotations

import sys


def import_sqlite_utils() -> None:
    """Import ``sqlite_utils`` (once), hiding pandas if it is not loaded yet."""
    if "sqlite_utils" in sys.modules or "pandas" in sys.modules:
        return
    sys.modules["pandas"] = None  # type: ignore[assignment]  # "not installed", for now
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["pandas"]


import_sqlite_utils()
