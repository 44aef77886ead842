"""One dictionary of agreement figures per dimension, for the CLI and exports."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from framing.agreement._data import Coded, encode, unit_counts
from framing.agreement.alpha import krippendorff_alpha
from framing.agreement.kappa import fleiss_kappa, mean_pairwise_cohen_kappa, percent_agreement
from framing.models import FramingError

#: The Krippendorff α level used for each codebook dimension kind.
LEVEL_FOR_KIND: dict[str, str] = {"single": "nominal", "ordinal": "ordinal", "multi": "masi"}
KINDS: tuple[str, ...] = ("single", "multi", "ordinal")


def _clean(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def label_cell(kind: str, value: Any) -> Any:
    """A label value as a reliability-data cell for a dimension of ``kind``: for
    ``multi`` a frozenset of label ids (a lone id becomes a one-id set); otherwise
    the value unchanged.  ``None`` (missing) stays ``None``."""
    if value is None or kind != "multi":
        return value
    if isinstance(value, str):
        return frozenset([value])
    return frozenset(value)


def _rows(data: Any, kind: str) -> list[list[Any]]:
    if isinstance(data, np.ndarray):
        rows = [list(r) for r in data.tolist()]
    else:
        rows = [list(r) for r in data]
    if kind == "multi":
        rows = [[label_cell(kind, v) for v in r] for r in rows]
    return rows


def summarize(data: Any, kind: str, labels: Sequence[str]) -> dict[str, Any]:
    """Agreement summary of one dimension: coders × units labels, ``None`` = unlabelled.

    Returns ``units`` (units with ≥ 2 ratings), ``annotators`` (coders with
    ≥ 1 rating), ``percent_agreement``, ``krippendorff_alpha`` (nominal for
    ``single``; ordinal over the ``labels`` scale order for ``ordinal``;
    MASI for ``multi``), ``fleiss_kappa`` and ``cohen_kappa`` (mean pairwise
    unweighted kappa with ``labels=labels``).  For ``multi`` dimensions the
    values are lists/sets of label ids; the kappas and percent agreement
    treat each distinct set as one category (exact-set agreement), while
    alpha gives partial credit through MASI (Passonneau 2006).  A figure is
    ``None`` when it is undefined (no unit with two ratings, no variation).
    A label outside ``labels`` is kept as an extra category for ``single``
    and is an error for ``ordinal`` (it has no place on the scale).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    if isinstance(data, Coded):  # already encoded over the scale (the CLI's fast path)
        if kind == "multi" or list(data.domain) != list(labels):
            raise ValueError("a Coded summary needs a single/ordinal kind and domain == labels")
        return _summarize_coded(data, kind, list(labels))
    rows = _rows(data, kind)
    empty: dict[str, Any] = {
        "units": 0,
        "annotators": 0,
        "percent_agreement": None,
        "krippendorff_alpha": None,
        "fleiss_kappa": None,
        "cohen_kappa": None,
    }
    if not rows or not rows[0]:
        return empty
    scale = list(labels)
    if kind == "multi":
        coded: Coded = encode(rows)
    else:
        seen = {v for r in rows for v in r if v is not None}
        extra = sorted(seen - set(scale), key=str)
        if extra and kind == "ordinal":
            raise FramingError(
                f"labels outside the ordinal scale {scale}: {', '.join(map(str, extra))}"
            )
        scale += extra
        coded = encode(rows, scale)
    return _summarize_coded(coded, kind, scale, empty)


def _summarize_coded(
    coded: Coded, kind: str, scale: list[Any], empty: dict[str, Any] | None = None
) -> dict[str, Any]:
    if empty is None:
        empty = {
            "units": 0,
            "annotators": 0,
            "percent_agreement": None,
            "krippendorff_alpha": None,
            "fleiss_kappa": None,
            "cohen_kappa": None,
        }
    present = coded.codes >= 0
    units = int((present.sum(axis=0) >= 2).sum())
    annotators = int(present.any(axis=1).sum())
    out = dict(empty, units=units, annotators=annotators)
    if units == 0 or unit_counts(coded, 2).n_units == 0:
        return out
    level = LEVEL_FOR_KIND[kind]
    out["percent_agreement"] = _clean(percent_agreement(coded))
    out["krippendorff_alpha"] = _clean(krippendorff_alpha(coded, level, values=scale))
    out["fleiss_kappa"] = _clean(fleiss_kappa(coded))
    out["cohen_kappa"] = _clean(mean_pairwise_cohen_kappa(coded))
    return out


#: The coefficients ``framing agreement --all`` adds, in display order.
REPORT_COEFFICIENTS: tuple[str, ...] = (
    "percent_agreement",
    "cohen_kappa",
    "scott_pi",
    "conger_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "brennan_prediger",
)
TWO_RATER = ("cohen_kappa", "scott_pi")


def coefficient_estimates(
    data: Any,
    kind: str,
    labels: Sequence[str],
    coefficients: Sequence[str] = REPORT_COEFFICIENTS,
    weights: str = "identity",
    confidence: float = 0.95,
) -> list[dict[str, Any]]:
    """Analytic estimates (value, SE, CI, z, p) of ``coefficients`` for one dimension.

    ``data`` is coders × units as for :func:`summarize` (or a
    :class:`~framing.agreement.Coded` over ``labels``).  ``weights`` applies
    to ``ordinal`` dimensions only: nominal and multi dimensions have no
    order, so they are always unweighted (``"identity"``).  ``gwet_ac2`` is
    listed only for a weighted dimension (unweighted it is AC1).  Cohen's κ
    and Scott's π need exactly two annotators with ratings; otherwise their
    row has ``value`` null and a ``reason`` (Conger's and Fleiss' κ are their
    multi-rater generalisations).
    Each row is :meth:`Estimate.to_json` plus ``coefficient`` and ``weights``.
    """
    from framing.agreement.estimate import estimate

    w = weights if kind == "ordinal" else "identity"
    if isinstance(data, Coded):
        coded = data
    else:
        rows = _rows(data, kind)
        if not rows or not rows[0]:
            return []
        coded = encode(rows) if kind == "multi" else encode(rows, list(labels))
    values = None if kind == "multi" else list(labels)
    rated = np.flatnonzero((coded.codes >= 0).any(axis=1))
    out: list[dict[str, Any]] = []
    for name in coefficients:
        if name == "gwet_ac2" and w == "identity":
            continue
        row: dict[str, Any] = {"coefficient": name, "weights": "identity"}
        if name in TWO_RATER:
            if len(rated) != 2:
                row.update(
                    weights=w,
                    value=None,
                    se=None,
                    ci=[None, None],
                    z=None,
                    p=None,
                    pa=None,
                    pe=None,
                    n=None,
                    confidence=confidence,
                    distribution="normal" if name == "cohen_kappa" else None,
                    reason=f"needs 2 annotators, has {len(rated)}",
                )
                out.append(row)
                continue
            pair = Coded(coded.codes[rated], coded.domain, coded.numeric)
            row["weights"] = w
            labels_opt: dict[str, Any] = {} if values is None else {"labels": values}
            est = estimate(
                name,
                [_decode(pair, 0), _decode(pair, 1)],
                weights=None if w == "identity" else w,
                confidence=confidence,
                **labels_opt,
            )
        else:
            row["weights"] = "identity" if name == "gwet_ac1" else w
            opts: dict[str, Any] = {} if values is None else {"values": values}
            est = estimate(
                name,
                coded,
                weights=None if row["weights"] == "identity" else w,
                confidence=confidence,
                **opts,
            )
        row.update(est.to_json())
        out.append(row)
    return out


def _decode(coded: Coded, i: int) -> list[Any]:
    lookup = [*coded.domain, None]
    return [lookup[c] for c in coded.codes[i].tolist()]
