"""Datasets researchers can publish: one row builder (:mod:`framing.dataset.rows`),
document- or unit-grouped splits (:mod:`framing.dataset.splits`), Parquet and a
Hugging Face folder (:mod:`framing.dataset.arrow`), spaCy DocBins
(:mod:`framing.dataset.docbin`) and the dataset card (:mod:`framing.dataset.card`).
JSONL and CSV stay in :mod:`framing.export`, built on the same rows.
"""
