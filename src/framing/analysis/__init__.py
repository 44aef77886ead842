"""Analysis of coded labels.

:mod:`framing.analysis.data` turns the store's label columns into coded
matrices (shared by agreement and the source-bias analysis).
"""

from __future__ import annotations

from framing.analysis.data import CodedMatrix, coded_matrices, object_lookup

__all__ = ["CodedMatrix", "coded_matrices", "object_lookup"]
