"""``sqlite_utils.Database``, loaded without pandas.

sqlite_utils imports pandas whenever it is installed, only to map ``pd.Timestamp``
values to a TEXT column when it creates a table from Python values; framing never
stores one.  That import costs 0.5-0.9 s on every command (``framing gold`` on 1M
labels has a 10 s budget).  pandas is hidden while sqlite_utils loads; an
``import pandas`` later (analysis, statsmodels) works as usual.
"""

from __future__ import annotations

import sys

_hide = "pandas" not in sys.modules
if _hide:
    sys.modules["pandas"] = None  # type: ignore[assignment]  # makes `import pandas` fail
try:
    from sqlite_utils import Database
finally:
    if _hide:
        del sys.modules["pandas"]

__all__ = ["Database"]
