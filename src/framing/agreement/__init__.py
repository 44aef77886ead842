"""Inter-annotator reliability: Krippendorff's alpha, kappas, AC1/AC2, bootstraps.

Plain numpy, callable from a notebook.  Reliability data are coders × units:
a numpy array with ``NaN`` for missing values, or nested lists with ``None``
for missing values; values may be numbers, string labels, or (for MASI and
Jaccard) sets.

Reproduces the published worked examples: Krippendorff (2011) nominal
0.743 (= 113/152), ordinal 0.8154, interval 0.8491, ratio 0.7974; Fleiss'
kappa on Wikipedia's table 0.2099; Cohen's kappa of [[20, 5], [10, 15]] 0.4;
and Gwet's irrCAC examples (AC1 0.77544, Brennan–Prediger 0.77273, …),
including their standard errors and intervals.

:func:`estimate` returns any chance-corrected coefficient with its analytic
standard error, confidence interval, z and p (:class:`Estimate`); every
coefficient that can be weighted takes ``weights=``, one of :data:`SCHEMES`
or a symmetric matrix (:mod:`framing.agreement.weights`).

:func:`encode` turns such data into the integer form every coefficient works
on (:class:`Coded`, :data:`MISSING` for a missing value, categories in
:func:`sorted_domain` order); the coefficients also accept a :class:`Coded`.
:data:`LEVEL_FOR_KIND` and :func:`label_cell` map a codebook dimension's kind
to its α level and a stored label to a cell.
"""

from framing.agreement._data import MISSING, Coded, encode, sorted_domain
from framing.agreement.alpha import (
    LEVELS,
    coincidence_matrix,
    jaccard_distance,
    krippendorff_alpha,
    masi_distance,
)
from framing.agreement.bootstrap import BootstrapResult, bootstrap_alpha
from framing.agreement.estimate import COEFFICIENTS, Estimate, estimate
from framing.agreement.kappa import (
    brennan_prediger,
    cohen_kappa,
    cohen_kappa_from_table,
    conger_kappa,
    fleiss_kappa,
    fleiss_kappa_from_counts,
    gwet_ac1,
    gwet_ac2,
    mean_pairwise_cohen_kappa,
    percent_agreement,
    scott_pi,
)
from framing.agreement.summary import LEVEL_FOR_KIND, label_cell, summarize
from framing.agreement.weights import SCHEMES

__all__ = [
    "COEFFICIENTS",
    "LEVELS",
    "SCHEMES",
    "Estimate",
    "conger_kappa",
    "estimate",
    "LEVEL_FOR_KIND",
    "MISSING",
    "BootstrapResult",
    "Coded",
    "bootstrap_alpha",
    "brennan_prediger",
    "cohen_kappa",
    "cohen_kappa_from_table",
    "coincidence_matrix",
    "encode",
    "fleiss_kappa",
    "fleiss_kappa_from_counts",
    "gwet_ac1",
    "gwet_ac2",
    "jaccard_distance",
    "krippendorff_alpha",
    "label_cell",
    "masi_distance",
    "mean_pairwise_cohen_kappa",
    "percent_agreement",
    "scott_pi",
    "sorted_domain",
    "summarize",
]
