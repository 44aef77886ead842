"""spaCy ``DocBin`` files: one ``Doc`` per unit.

``doc.cats`` holds the chosen ``--dimension``'s label as a one-hot over the
codebook's labels (gold, or the majority with ``--labels majority``; empty when
the unit has none; a multi dimension sets every label of the set to 1), the hint
cues are the span group ``hints`` (label = cue type; character offsets into the
unit's text, widened to token boundaries), and ``doc.user_data`` carries the
unit's ids and metadata.  Text is tokenized by ``spacy.blank("en")`` (no model).
"""

from __future__ import annotations

import json
from typing import Any

from framing.dataset.rows import Batch
from framing.models import Dimension


class DocBinWriter:
    def __init__(self, dim: Dimension, label_from: str) -> None:
        import spacy
        from spacy.tokens import DocBin

        self.nlp = spacy.blank("en")
        self.dim = dim
        self.label_from = label_from
        self.bins: dict[str, Any] = {}
        self._DocBin = DocBin

    def add(self, batch: Batch, split_default: str) -> None:
        dim = self.dim
        key = f"gold.{dim.id}.value" if self.label_from == "gold" else f"majority.{dim.id}"
        for i, text in enumerate(batch["text"]):
            split = batch["split"][i] or split_default
            bin_ = self.bins.setdefault(split, self._DocBin(store_user_data=True))
            doc = self.nlp.make_doc(text)
            value = batch[key][i]
            if value is not None:
                chosen = set(value) if isinstance(value, list) else {value}
                doc.cats = {lab: float(lab in chosen) for lab in dim.label_ids}
            spans = []
            hints = json.loads(batch["hints"][i]) if batch["hints"][i] else {}
            for c in hints.get("cues") or ():
                span = doc.char_span(c["start"], c["end"], label=c["type"], alignment_mode="expand")
                if span is not None:
                    spans.append(span)
            doc.spans["hints"] = spans
            doc.user_data.update(
                {
                    "unit_id": batch["unit_id"][i],
                    "doc_id": batch["doc_id"][i],
                    "file": batch["file"][i],
                    "source": batch["source"][i],
                    "kind": batch["kind"][i],
                    "start": batch["start"][i],
                    "end": batch["end"][i],
                }
            )
            bin_.add(doc)

    def to_bytes(self) -> dict[str, bytes]:
        return {split: b.to_bytes() for split, b in self.bins.items()}
