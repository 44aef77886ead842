"""Published values of Gwet's irrCAC examples (Handbook of Inter-Rater Reliability, 4th ed.).

The data sets are those shipped with irrCAC (R and its Python port); the values
are irrCAC's own test expectations, rounded to 3 decimals there:
``(pa, pe, value, se, ci_low, ci_high, p)``, with ``None`` where a value was
not published.  irrCAC's Python port reports one-sided p-values for
Brennan–Prediger only (a slip: R's ``bp.coeff.raw`` is two-sided); they are
stored as published and the tests halve our two-sided p to compare.
"""

from __future__ import annotations

N = None

#: Gwet (2014), p. 120: 4 raters × 12 subjects, categories 1–5 (irrCAC's Python
#: port; its unit 12 has rater 3's rating 3).  Rows are raters.
RAW_4RATERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, N],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
#: 5 observers × 15 units on 0–3 (Gwet 2014, after p. 125).
RAW_5OBSERVERS = [
    [1, 1, 2, N, 0, 0, 1, 1, 2, 2, N, 0, 1, 3, 1],
    [1, 1, 3, 0, 0, 0, 0, N, 2, 1, 1, 0, 2, 3, 1],
    [2, 0, 3, 0, 0, 0, 2, 2, 2, 1, 0, 0, 2, 2, 1],
    [N, 1, 3, N, N, N, N, 0, N, 1, 0, 0, 2, 2, N],
    [2, N, N, 0, 0, 0, 1, N, 2, N, N, N, N, 3, 1],
]
RAW_G1G2 = [
    ["a", "b", "c", "c", "b", "a", "d", "a", "b", N, N, N, "b", "b"],
    ["a", "b", "c", "c", "b", "b", "d", "a", "b", "e", N, N, "b", "a"],
    [N, "c", "c", "c", "b", "c", "d", "b", "b", "e", "a", "c", "c", "c"],
    ["a", "b", "c", "c", "b", "d", "d", "a", "b", "e", "a", N, "b", "b"],
]
RAW_GENDER = [
    ["a", "a", "a", "a", "a", "b", "b", "b", "c", "a", "a", "a", "a", "a", "b"],
    ["a", "a", "a", "a", "b", "a", "b", "c", "c", "a", "a", "a", "a", "b", "a"],
    ["a", "b", "b", "c", "a", "a", "b", "b", "c", "a", "b", "b", "c", "a", "a"],
    ["c", "c", "c", "c", "a", "a", "b", "b", "c", "c", "c", "c", "c", "a", "a"],
]
RAW_BEN_GERRY = [
    list("aabbdcccedda"),
    ["b", "a", "b", "b", "b", "c", "c", "c", "e", N, "d", "d"],
]

RAW_DATA = {
    "4raters": RAW_4RATERS,
    "5observers": RAW_5OBSERVERS,
    "g1g2": RAW_G1G2,
    "gender": RAW_GENDER,
    "ben_gerry": RAW_BEN_GERRY,
}

#: (coefficient, data set, weights) → (pa, pe, value, se, ci_low, ci_high, p)
RAW_PUBLISHED: dict[tuple[str, str, str | None], tuple[float | None, ...]] = {
    ("conger_kappa", "4raters", None): (0.818, 0.233, 0.763, N, 0.435, 1, 0.00034),
    ("conger_kappa", "4raters", "bipolar"): (0.968, 0.796, 0.845, 0.142, 0.532, 1, 1e-04),
    ("conger_kappa", "4raters", "circular"): (0.902, 0.499, 0.805, 0.147, 0.481, 1, 0.0002),
    ("conger_kappa", "4raters", "linear"): (0.939, 0.675, 0.814, 0.145, 0.494, 1, 0.00016),
    ("conger_kappa", "4raters", "ordinal"): (0.968, 0.796, 0.844, 0.144, 0.526, 1, 0.00011),
    ("conger_kappa", "4raters", "quadratic"): (0.975, 0.827, 0.858, 0.144, 0.541, 1, 9e-05),
    ("conger_kappa", "4raters", "radical"): (0.897, 0.515, 0.788, 0.146, 0.466, 1, 2.2e-04),
    ("conger_kappa", "4raters", "ratio"): (0.954, 0.756, 0.812, 0.149, 0.485, 1, 2e-04),
    ("conger_kappa", "5observers", None): (0.616, 0.276, 0.469, 0.117, 0.219, 0.719, 0.00126),
    ("conger_kappa", "g1g2", None): (0.744, 0.249, 0.659, 0.146, 0.343, 0.974, 0.00059),
    ("conger_kappa", "gender", None): (0.456, 0.347, 0.166, 0.121, -0.094, 0.426, 0.19309),
    ("conger_kappa", "ben_gerry", None): (0.727, 0.205, 0.657, 0.179, 0.262, 1, 0.00374),
    ("gwet_ac1", "4raters", None): (0.818, 0.190, 0.775, 0.143, 0.461, 1, 0.00021),
    ("gwet_ac2", "4raters", "bipolar"): (0.968, 0.682, 0.900, 0.106, 0.667, 1, 4e-6),
    ("gwet_ac2", "4raters", "circular"): (0.902, 0.426, 0.830, 0.133, 0.538, 1, 6e-5),
    ("gwet_ac2", "4raters", "linear"): (0.939, 0.571, 0.859, 0.117, 0.600, 1, 2e-5),
    ("gwet_ac2", "4raters", "ordinal"): (0.968, 0.685, 0.899, 0.107, 0.664, 1, 4e-6),
    ("gwet_ac2", "4raters", "quadratic"): (0.975, 0.714, 0.914, 0.104, 0.685, 1, 3e-06),
    ("gwet_ac2", "4raters", "radical"): (0.897, 0.430, 0.820, 0.128, 0.537, 1, 5e-05),
    ("gwet_ac2", "4raters", "ratio"): (0.954, 0.678, 0.857, 0.122, 0.589, 1, 2e-05),
    ("gwet_ac1", "5observers", None): (0.616, 0.236, 0.497, 0.122, 0.235, 0.758, 0.00114),
    ("gwet_ac1", "g1g2", None): (0.744, 0.187, 0.685, 0.134, 0.396, 0.973, 0.00019),
    ("gwet_ac1", "gender", None): (0.456, 0.312, 0.208, 0.091, 0.014, 0.403, 0.03776),
    ("gwet_ac1", "ben_gerry", None): (0.727, 0.194, 0.661, 0.184, 0.257, 1, 0.00420),
    ("fleiss_kappa", "4raters", None): (0.818, 0.239, 0.761, N, 0.424, 1, 0.00042),
    ("fleiss_kappa", "4raters", "bipolar"): (0.968, 0.785, 0.853, 0.145, 0.535, 1, 1e-04),
    ("fleiss_kappa", "4raters", "circular"): (0.902, 0.494, 0.807, 0.149, 0.479, 1, 0.00021),
    ("fleiss_kappa", "4raters", "linear"): (0.939, 0.667, 0.818, 0.149, 0.491, 1, 0.00018),
    ("fleiss_kappa", "4raters", "ordinal"): (0.968, 0.788, 0.850, 0.147, 0.527, 1, 0.00012),
    ("fleiss_kappa", "4raters", "quadratic"): (0.975, 0.818, 0.865, 0.146, 0.544, 1, 1e-04),
    ("fleiss_kappa", "4raters", "radical"): (0.897, 0.511, 0.790, 0.150, 0.460, 1, 2.7e-04),
    ("fleiss_kappa", "4raters", "ratio"): (0.954, 0.743, 0.821, 0.152, 0.486, 1, 2.2e-04),
    ("fleiss_kappa", "5observers", None): (0.616, 0.291, 0.458, 0.120, 0.199, 0.716, 0.00195),
    ("fleiss_kappa", "g1g2", None): (0.744, 0.252, 0.657, 0.150, 0.333, 0.981, 0.00074),
    ("fleiss_kappa", "gender", None): (0.456, 0.375, 0.129, 0.141, -0.172, 0.430, 0.37449),
    ("fleiss_kappa", "ben_gerry", None): (0.727, 0.222, 0.649, 0.191, 0.228, 1, 0.00599),
    ("brennan_prediger", "4raters", None): (0.818, 0.200, 0.773, 0.145, 0.454, 1, 0.00012),
    ("brennan_prediger", "4raters", "bipolar"): (0.968, 0.717, 0.888, 0.112, 0.641, 1, 0),
    ("brennan_prediger", "4raters", "circular"): (0.902, 0.447, 0.824, 0.137, 0.522, 1, 4e-05),
    ("brennan_prediger", "4raters", "linear"): (0.939, 0.600, 0.848, 0.123, 0.577, 1, 1e-05),
    ("brennan_prediger", "4raters", "ordinal"): (0.968, 0.720, 0.886, 0.114, 0.636, 1, 0),
    ("brennan_prediger", "4raters", "quadratic"): (0.975, 0.750, 0.902, 0.111, 0.657, 1, 0),
    ("brennan_prediger", "4raters", "radical"): (0.897, 0.452, 0.813, 0.133, 0.520, 1, 4e-05),
    ("brennan_prediger", "4raters", "ratio"): (0.954, 0.713, 0.840, 0.132, 0.549, 1, 3e-05),
    ("brennan_prediger", "5observers", None): (0.616, 0.250, 0.487, 0.121, 0.228, 0.747, 0.00062),
    ("brennan_prediger", "g1g2", None): (0.744, 0.200, 0.679, 0.136, 0.385, 0.974, 0.00012),
    ("brennan_prediger", "gender", None): (0.456, 0.333, 0.183, 0.102, -0.035, 0.402, 0.04688),
    ("brennan_prediger", "ben_gerry", None): (0.727, 0.200, 0.659, 0.185, 0.251, 1, 0.00225),
}

#: Gwet (2014): 100 pregnant women by two abstractors (rows: abstractor 1).
CONT3X3_ABSTRACTORS = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
#: 223 psychiatric patients by clinical (columns) and research (rows) diagnosis.
CONT4X4_DIAGNOSIS = [[40, 4, 4, 17], [6, 25, 2, 13], [4, 1, 21, 12], [15, 5, 9, 45]]

#: (coefficient, table, weights) → (value, se, ci_low, ci_high); irrCAC's
#: table functions use Student's t with n − 1 df.
TABLE_PUBLISHED: dict[tuple[str, str, str | None], tuple[float | None, ...]] = {
    ("cohen_kappa", "3x3", None): (0.796, N, 0.68, 0.913),
    ("cohen_kappa", "3x3", "bipolar"): (0.872, N, 0.791, 0.953),
    ("cohen_kappa", "3x3", "circular"): (0.796, N, 0.68, 0.913),
    ("cohen_kappa", "3x3", "linear"): (0.843, N, 0.748, 0.938),
    ("cohen_kappa", "3x3", "ordinal"): (0.872, N, 0.791, 0.953),
    ("cohen_kappa", "3x3", "quadratic"): (0.892, N, 0.822, 0.962),
    ("cohen_kappa", "3x3", "radical"): (0.819, N, 0.712, 0.925),
    ("cohen_kappa", "3x3", "ratio"): (0.927, N, 0.876, 0.977),
    ("cohen_kappa", "4x4", None): (0.432, 0.046, 0.341, 0.522),
    ("cohen_kappa", "4x4", "bipolar"): (0.387, 0.061, 0.267, 0.507),
    ("cohen_kappa", "4x4", "circular"): (0.446, 0.049, 0.350, 0.542),
    ("cohen_kappa", "4x4", "linear"): (0.407, 0.053, 0.302, 0.512),
    ("cohen_kappa", "4x4", "ordinal"): (0.390, 0.062, 0.269, 0.512),
    ("cohen_kappa", "4x4", "quadratic"): (0.383, 0.066, 0.254, 0.513),
    ("cohen_kappa", "4x4", "radical"): (0.419, 0.048, 0.324, 0.515),
    ("cohen_kappa", "4x4", "ratio"): (0.413, 0.063, 0.288, 0.538),
    ("scott_pi", "3x3", None): (0.796, 0.059, 0.679, 0.913),
    ("scott_pi", "3x3", "bipolar"): (0.872, 0.041, 0.791, 0.953),
    ("scott_pi", "3x3", "circular"): (0.796, 0.059, 0.679, 0.913),
    ("scott_pi", "3x3", "linear"): (0.843, 0.048, 0.748, 0.938),
    ("scott_pi", "3x3", "ordinal"): (0.872, 0.041, 0.791, 0.953),
    ("scott_pi", "3x3", "quadratic"): (0.892, 0.035, 0.822, 0.962),
    ("scott_pi", "3x3", "radical"): (0.819, 0.054, 0.712, 0.925),
    ("scott_pi", "3x3", "ratio"): (0.927, 0.025, 0.876, 0.977),
    ("scott_pi", "4x4", None): (0.430, 0.046, 0.339, 0.521),
    ("scott_pi", "4x4", "bipolar"): (0.386, 0.061, 0.265, 0.506),
    ("scott_pi", "4x4", "circular"): (0.444, 0.049, 0.347, 0.541),
    ("scott_pi", "4x4", "linear"): (0.406, 0.054, 0.300, 0.511),
    ("scott_pi", "4x4", "ordinal"): (0.389, 0.062, 0.267, 0.511),
    ("scott_pi", "4x4", "quadratic"): (0.382, 0.066, 0.252, 0.512),
    ("scott_pi", "4x4", "radical"): (0.418, 0.049, 0.322, 0.514),
    ("scott_pi", "4x4", "ratio"): (0.412, 0.063, 0.287, 0.538),
}

#: irrCAC's pa2.table values (value, se) for the weighted percent agreement.
PA_TABLE_PUBLISHED: dict[tuple[str, str | None], tuple[float, float | None]] = {
    ("3x3", None): (0.890, 0.031),
    ("3x3", "bipolar"): (0.963, 0.010),
    ("3x3", "circular"): (0.890, 0.031),
    ("3x3", "quadratic"): (0.972, 0.008),
    ("3x3", "linear"): (0.945, N),
    ("3x3", "ordinal"): (0.963, 0.010),
    ("3x3", "radical"): (0.922, 0.022),
    ("3x3", "ratio"): (0.982, 0.005),
    ("4x4", None): (0.587, 0.033),
    ("4x4", "bipolar"): (0.769, 0.024),
    ("4x4", "circular"): (0.735, 0.023),
    ("4x4", "linear"): (0.728, 0.025),
    ("4x4", "ordinal"): (0.773, 0.024),
    ("4x4", "quadratic"): (0.788, 0.024),
    ("4x4", "radical"): (0.673, 0.027),
    ("4x4", "ratio"): (0.786, 0.024),
}
