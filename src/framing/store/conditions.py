"""Reads for the hint-condition breakdown: which condition each counted label was made in.

Issue 8 records ``labels.hints_condition`` (``on`` / ``off``; NULL for labels from
before schema m002 or from an import). Agreement per condition and the anchoring
figure need, for every label agreement counts, that condition, and for certainty
also the suggestion the hints made for the unit (whether or not it was shown).
"""

from __future__ import annotations

from collections.abc import Iterator

from framing.store.documents import DocumentsMixin

#: The labels agreement counts: the latest per (unit, annotator, dimension), among the
#: independent ones (``independent``) or all of them (``final``); retractions drop out.
_COUNTED = {
    "independent": (
        "SELECT MAX(id) FROM labels WHERE COALESCE(phase, 'independent') = 'independent'"
        " GROUP BY unit_id, annotator, dimension"
    ),
    "final": "SELECT MAX(id) FROM labels GROUP BY unit_id, annotator, dimension",
}


class ConditionsMixin(DocumentsMixin):
    def label_conditions(self, labels: str = "independent") -> Iterator[tuple[str, str, str, str]]:
        """``(dimension, unit_id, annotator, condition)`` of every counted label;
        ``condition`` is ``''`` where none was recorded."""
        cur = self.db.execute(
            "SELECT dimension, unit_id, annotator, COALESCE(hints_condition, '') FROM labels"
            f" WHERE id IN ({_COUNTED[labels]}) AND value IS NOT NULL"
        )
        yield from cur

    def suggestion_records(
        self, dimension: str, labels: str = "independent"
    ) -> Iterator[tuple[str, str, str, str, str | None]]:
        """``(unit_id, annotator, value, condition, suggested)`` for every counted label
        of ``dimension``; ``suggested`` is the label id the unit's hints suggest
        (``None`` where they suggest nothing), ``condition`` ``''`` if not recorded."""
        cur = self.db.execute(
            "SELECT l.unit_id, l.annotator, l.value, COALESCE(l.hints_condition, ''),"
            " CASE WHEN json_valid(u.hints)"
            "  THEN json_extract(u.hints, '$.suggested_certainty.label') END"
            " FROM labels l JOIN units u ON u.unit_id = l.unit_id"
            f" WHERE l.id IN ({_COUNTED[labels]}) AND l.value IS NOT NULL AND l.dimension = ?",
            [dimension],
        )
        yield from cur
