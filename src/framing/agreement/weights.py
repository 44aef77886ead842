"""Agreement weights: Gwet's eight schemes and custom matrices.

A weight ``w_kl`` in [0, 1] says how much a rating ``k`` against a rating
``l`` counts as agreement (1 on the diagonal for every named scheme).  The
schemes follow Gwet (2014), *Handbook of Inter-Rater Reliability*, 4th ed.,
ch. 3, as irrCAC implements them; ``x_k`` is the category's value for
numeric categories and its position ``1 … q`` (in ``values=``/``labels=``
order) for labels:

``identity``   ``1`` if ``k = l`` else ``0`` (unweighted)
``linear``     ``1 − |x_k − x_l| / (x_max − x_min)``
``quadratic``  ``1 − (x_k − x_l)² / (x_max − x_min)²``
``ordinal``    ``1 − C(M_kl, 2) / max``, ``M_kl = |k − l| + 1`` on positions
``radical``    ``1 − √|x_k − x_l| / √(x_max − x_min)``
``ratio``      ``1 − ((x_k − x_l)/(x_k + x_l))² / ((x_max − x_min)/(x_max + x_min))²``
``circular``   ``1 − sin²(π (x_k − x_l) / U) / max``, ``U = x_max − x_min + 1``
``bipolar``    ``1 − (x_k − x_l)² / ((x_k + x_l − 2 x_min)(2 x_max − x_k − x_l)) / max``

A custom matrix must be ``q × q`` in category order, finite and symmetric:
an asymmetric matrix is refused rather than silently symmetrised (every
coefficient here treats a rater pair without order).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

#: The named weight schemes.
SCHEMES: tuple[str, ...] = (
    "identity",
    "linear",
    "quadratic",
    "ordinal",
    "radical",
    "ratio",
    "circular",
    "bipolar",
)

#: Names that mean "no weights".
UNWEIGHTED = (None, "identity", "unweighted")


def _normalised_distance(d: np.ndarray) -> np.ndarray:
    top = float(d.max()) if d.size else 0.0
    return 1.0 - d / top if top > 0 else np.ones_like(d)


def scheme_matrix(name: str, x: np.ndarray) -> np.ndarray:
    """The ``q × q`` agreement weights of scheme ``name`` for category values ``x``."""
    x = np.asarray(x, dtype=np.float64)
    q = len(x)
    if name in ("identity", "unweighted"):
        return np.eye(q)
    if name not in SCHEMES:
        raise ValueError(f"unknown weights {name!r}; use one of {', '.join(SCHEMES)} or a matrix")
    if q == 0:
        return np.zeros((0, 0))
    if name == "ordinal":
        pos = np.arange(q, dtype=np.float64)
        m = np.abs(pos[:, None] - pos[None, :]) + 1.0
        return _normalised_distance(m * (m - 1.0) / 2.0)
    lo, hi = float(x.min()), float(x.max())
    span = hi - lo
    diff = x[:, None] - x[None, :]
    if span == 0:
        return np.ones((q, q))
    if name == "linear":
        return 1.0 - np.abs(diff) / span
    if name == "quadratic":
        return 1.0 - (diff / span) ** 2
    if name == "radical":
        return 1.0 - np.sqrt(np.abs(diff)) / np.sqrt(span)
    if name == "ratio":
        if lo < 0:
            raise ValueError("ratio weights need non-negative category values")
        s = x[:, None] + x[None, :]
        rel = np.divide(diff, s, out=np.zeros_like(diff), where=s != 0) ** 2
        return 1.0 - rel / ((span / (hi + lo)) ** 2)
    if name == "circular":
        return _normalised_distance(np.sin(np.pi * diff / (span + 1.0)) ** 2)
    # bipolar
    den = (x[:, None] + x[None, :] - 2.0 * lo) * (2.0 * hi - x[:, None] - x[None, :])
    d = np.divide(diff**2, den, out=np.zeros_like(diff), where=den != 0)
    np.fill_diagonal(d, 0.0)
    return _normalised_distance(d)


def check_matrix(w: Any, q: int, what: str = "weights") -> np.ndarray:
    """A custom ``q × q`` matrix as float64, refused unless finite and symmetric."""
    m = np.asarray(w, dtype=np.float64)
    if m.shape != (q, q):
        raise ValueError(f"{what} must be {q} × {q} (one row per category), got {m.shape}")
    if not np.isfinite(m).all():
        raise ValueError(f"{what} must be finite")
    if not np.allclose(m, m.T, rtol=0, atol=1e-12):
        i, j = np.argwhere(~np.isclose(m, m.T, rtol=0, atol=1e-12))[0]
        raise ValueError(
            f"{what} must be symmetric: [{i}, {j}] = {m[i, j]:g} but [{j}, {i}] = {m[j, i]:g}"
        )
    return m


def is_unweighted(weights: Any) -> bool:
    return weights is None or (isinstance(weights, str) and weights in UNWEIGHTED)


def resolve(weights: Any, x: np.ndarray | None, q: int, *, ordered: bool) -> np.ndarray:
    """Weights (a scheme name, ``None`` or a matrix) as a ``q × q`` agreement matrix.

    ``x`` holds the numeric category values, or ``None`` for labels (then
    positions ``1 … q`` are used, which needs ``ordered``: a category order
    given through ``values=``/``labels=``).
    """
    if is_unweighted(weights):
        return np.eye(q)
    if isinstance(weights, str):
        if weights not in SCHEMES:
            raise ValueError(
                f"unknown weights {weights!r}; use one of {', '.join(SCHEMES)} or a matrix"
            )
        if x is None:
            if not ordered:
                raise ValueError(
                    f"{weights} weights on labels need values= (or labels=) giving their order"
                )
            x = np.arange(1, q + 1, dtype=np.float64)
        return scheme_matrix(weights, x)
    return check_matrix(weights, q)


def custom_distance(distance: Any, domain: Sequence[Any]) -> np.ndarray:
    """A custom α distance (``δ²``) as a V × V matrix over ``domain``.

    ``distance`` is a callable ``(a, b) -> δ²`` or a matrix in domain order;
    it must be symmetric, non-negative and 0 on the diagonal.
    """
    v = len(domain)
    if callable(distance):
        d = np.array([[float(distance(a, b)) for b in domain] for a in domain]).reshape(v, v)
    else:
        d = np.asarray(distance, dtype=np.float64)
    d = check_matrix(d, v, "distance")
    if (d < 0).any() or np.any(np.diag(d) != 0):
        raise ValueError("distance must be non-negative with zeros on the diagonal")
    return d
