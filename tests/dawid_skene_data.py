"""Dawid & Skene (1979), Table 1: 45 patients rated by 5 anaesthetists on a 4-point
scale; anaesthetist 1 rated every patient three times (weeks apart).

Row ``i`` is patient ``i + 1``: anaesthetist 1's three ratings, then anaesthetists 2-5.
"""

ANAESTHETIST_RATINGS: tuple[tuple[int, ...], ...] = (
    (1, 1, 1, 1, 1, 1, 1),
    (3, 3, 3, 4, 3, 3, 4),
    (1, 1, 2, 2, 1, 2, 2),
    (2, 2, 2, 3, 1, 2, 1),
    (2, 2, 2, 3, 2, 2, 2),
    (2, 2, 2, 3, 3, 2, 2),
    (1, 2, 2, 2, 1, 1, 1),
    (3, 3, 3, 3, 4, 3, 3),
    (2, 2, 2, 2, 2, 2, 3),
    (2, 3, 2, 2, 2, 2, 3),
    (4, 4, 4, 4, 4, 4, 4),
    (2, 2, 2, 3, 3, 4, 3),
    (1, 1, 1, 1, 1, 1, 1),
    (2, 2, 2, 3, 2, 1, 2),
    (1, 2, 1, 1, 1, 1, 1),
    (1, 1, 1, 2, 1, 1, 1),
    (1, 1, 1, 1, 1, 1, 1),
    (1, 1, 1, 1, 1, 1, 1),
    (2, 2, 2, 2, 2, 2, 1),
    (2, 2, 2, 1, 3, 2, 2),
    (2, 2, 2, 2, 2, 2, 2),
    (2, 2, 2, 2, 2, 2, 1),
    (2, 2, 2, 3, 2, 2, 2),
    (2, 2, 1, 2, 2, 2, 2),
    (1, 1, 1, 1, 1, 1, 1),
    (1, 1, 1, 1, 1, 1, 1),
    (2, 3, 2, 2, 2, 2, 2),
    (1, 1, 1, 1, 1, 1, 1),
    (1, 1, 1, 1, 1, 1, 1),
    (1, 1, 2, 1, 1, 2, 1),
    (1, 1, 1, 1, 1, 1, 1),
    (3, 3, 3, 3, 2, 3, 3),
    (1, 1, 1, 1, 1, 1, 1),
    (2, 2, 2, 2, 2, 2, 2),
    (2, 2, 2, 3, 2, 3, 2),
    (4, 3, 3, 4, 3, 4, 3),
    (2, 2, 1, 2, 2, 3, 2),
    (2, 3, 2, 3, 2, 3, 3),
    (3, 3, 3, 3, 4, 3, 2),
    (1, 1, 1, 1, 1, 1, 1),
    (1, 1, 1, 1, 1, 1, 1),
    (1, 2, 1, 2, 1, 1, 1),
    (2, 3, 2, 2, 2, 2, 2),
    (1, 2, 1, 1, 1, 1, 1),
    (2, 2, 2, 2, 2, 2, 2),
)


def anaesthetist_triples() -> list[tuple[str, str, str]]:
    """``(patient, anaesthetist, rating)`` triples, rater 1 three times."""
    out = []
    for i, row in enumerate(ANAESTHETIST_RATINGS, start=1):
        raters = ("1", "1", "1", "2", "3", "4", "5")
        out += [(f"p{i:02d}", r, str(v)) for r, v in zip(raters, row, strict=True)]
    return out
