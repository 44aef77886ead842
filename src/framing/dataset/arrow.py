"""Parquet with typed columns (pyarrow) and a Hugging Face dataset folder.

Parquet columns: ids and document metadata as dictionary-encoded strings,
offsets as integers, ``queued`` as bool, ``sentiment`` as float64, ``hints`` as
JSON text, and the labels as nested structs of dictionary columns whose
dictionary is the codebook's label ids (in codebook order, then any id that is
no longer in the codebook):

    gold      struct<DIM: struct<value, method, confidence: float64>>
    labels    struct<ANNOTATOR: struct<DIM: dictionary<int8, string>>>
    majority  struct<DIM: dictionary<int8, string>>
    flags     list<struct<annotator, reason: string>>
    notes     list<struct<annotator, text: string>>
    timing    struct<ANNOTATOR: struct<labelled_at, shown_at: string, active_ms: int64,
              hints_condition, phase: string>>
    assigned  list<string> (the study's annotators of the unit; empty without a study)
    split     dictionary<int8, string>        (with --split)

A multi dimension's value is ``list<dictionary<int8, string>>``.

The Hugging Face folder holds ``data/SPLIT-00000-of-00001.parquet`` per split and a
``README.md`` card whose YAML header declares the configs, the features (one
``ClassLabel`` column per single/ordinal dimension, ``<dimension>_label``, with the
codebook's label ids as names) and the splits, so ``datasets.load_dataset(PATH)``
loads it offline.  Dictionary columns are plain strings there (``datasets`` has
no dictionary feature).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framing.dataset.rows import DOC_FIELDS, Batch, Spec
from framing.models import Dimension

if TYPE_CHECKING:
    import pyarrow as pa

DICT_BASE: tuple[str, ...] = ("doc_id", "file", "source", *DOC_FIELDS, "kind")


def _dict_type() -> pa.DataType:
    import pyarrow as pa

    return pa.dictionary(pa.int16(), pa.string())


class Dictionaries:
    """The fixed dictionary of each dimension: codebook label ids, then stray ids."""

    def __init__(self, dims: list[Dimension], extra: dict[str, set[str]]) -> None:
        self.values: dict[str, list[str]] = {}
        self.index: dict[str, dict[str, int]] = {}
        for d in dims:
            ids = list(d.label_ids)
            ids += sorted(extra.get(d.id, set()) - set(ids))
            self.values[d.id] = ids
            self.index[d.id] = {v: i for i, v in enumerate(ids)}


def FLAGS_TYPE() -> pa.DataType:  # noqa: N802  (a type constant, built lazily)
    import pyarrow as pa

    return pa.list_(pa.struct([("annotator", pa.string()), ("reason", pa.string())]))


def NOTES_TYPE() -> pa.DataType:  # noqa: N802
    import pyarrow as pa

    return pa.list_(pa.struct([("annotator", pa.string()), ("text", pa.string())]))


def label_type(dim: Dimension) -> pa.DataType:
    import pyarrow as pa

    return pa.list_(_dict_type()) if dim.kind == "multi" else _dict_type()


def schema(spec: Spec) -> pa.Schema:
    import pyarrow as pa

    fields = [
        pa.field("unit_id", pa.string(), nullable=False),
        *[pa.field(c, _dict_type()) for c in ("doc_id", "file", "source", *DOC_FIELDS)],
        pa.field("position", pa.int32()),
        pa.field("kind", _dict_type()),
        pa.field("queued", pa.bool_()),
        pa.field("text", pa.string()),
        pa.field("start", pa.int64()),
        pa.field("end", pa.int64()),
        pa.field("sentiment", pa.float64()),
        pa.field("hints", pa.string()),
        pa.field(
            "gold",
            pa.struct(
                [
                    pa.field(
                        d.id,
                        pa.struct(
                            [
                                pa.field("value", label_type(d)),
                                pa.field("method", _dict_type()),
                                pa.field("confidence", pa.float64()),
                            ]
                        ),
                    )
                    for d in spec.dimensions
                ]
            ),
        ),
    ]
    if spec.annotators:
        fields.append(
            pa.field(
                "labels",
                pa.struct(
                    [
                        pa.field(
                            a, pa.struct([pa.field(d.id, label_type(d)) for d in spec.dimensions])
                        )
                        for a in spec.annotators
                    ]
                ),
            )
        )
    fields.append(
        pa.field("majority", pa.struct([pa.field(d.id, label_type(d)) for d in spec.dimensions]))
    )
    fields.append(pa.field("flags", FLAGS_TYPE()))
    fields.append(pa.field("notes", NOTES_TYPE()))
    if spec.annotators:
        timing = pa.struct(
            [
                pa.field("labelled_at", pa.string()),
                pa.field("shown_at", pa.string()),
                pa.field("active_ms", pa.int64()),
                pa.field("hints_condition", pa.string()),
                pa.field("phase", pa.string()),
            ]
        )
        fields.append(pa.field("timing", pa.struct([pa.field(a, timing) for a in spec.annotators])))
    fields.append(pa.field("assigned", pa.list_(pa.string())))
    if spec.splits:
        fields.append(pa.field("split", _dict_type()))
    return pa.schema(fields)


def _labels_array(values: list[Any], dim: Dimension, dicts: Dictionaries) -> pa.Array:
    import pyarrow as pa

    index = dicts.index[dim.id]
    dictionary = pa.array(dicts.values[dim.id], pa.string())
    if dim.kind == "multi":
        flat: list[int] = []
        offsets = [0]
        valid: list[bool] = []
        for v in values:
            if v is not None:
                flat.extend(index[x] for x in v)
            offsets.append(len(flat))
            valid.append(v is not None)
        inner = pa.DictionaryArray.from_arrays(pa.array(flat, pa.int16()), dictionary)
        mask = pa.array([not x for x in valid])
        return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), inner, mask=mask)
    idx = pa.array([None if v is None else index[v] for v in values], pa.int16())
    return pa.DictionaryArray.from_arrays(idx, dictionary)


def _dict(values: list[Any]) -> pa.Array:
    import pyarrow as pa

    return pa.array(values, pa.string()).dictionary_encode().cast(_dict_type())


def _struct(names: list[str], arrays: list[pa.Array]) -> pa.Array:
    import pyarrow as pa

    return pa.StructArray.from_arrays(arrays, names=names)


def record_batch(batch: Batch, spec: Spec, dicts: Dictionaries) -> pa.RecordBatch:
    """One batch of flat columns as a typed Arrow record batch (see :func:`schema`)."""
    import pyarrow as pa

    dims = spec.dimensions
    cols: list[pa.Array] = [
        pa.array(batch["unit_id"], pa.string()),
        *[_dict(batch[c]) for c in ("doc_id", "file", "source", *DOC_FIELDS)],
        pa.array(batch["position"], pa.int32()),
        _dict(batch["kind"]),
        pa.array(batch["queued"], pa.bool_()),
        pa.array(batch["text"], pa.string()),
        pa.array(batch["start"], pa.int64()),
        pa.array(batch["end"], pa.int64()),
        pa.array(batch["sentiment"], pa.float64()),
        pa.array(batch["hints"], pa.string()),
        _struct(
            [d.id for d in dims],
            [
                _struct(
                    ["value", "method", "confidence"],
                    [
                        _labels_array(batch[f"gold.{d.id}.value"], d, dicts),
                        _dict(batch[f"gold.{d.id}.method"]),
                        pa.array(batch[f"gold.{d.id}.confidence"], pa.float64()),
                    ],
                )
                for d in dims
            ],
        ),
    ]
    if spec.annotators:
        cols.append(
            _struct(
                spec.annotators,
                [
                    _struct(
                        [d.id for d in dims],
                        [_labels_array(batch[f"labels.{a}.{d.id}"], d, dicts) for d in dims],
                    )
                    for a in spec.annotators
                ],
            )
        )
    cols.append(
        _struct(
            [d.id for d in dims], [_labels_array(batch[f"majority.{d.id}"], d, dicts) for d in dims]
        )
    )
    cols.append(pa.array(batch["flags"], FLAGS_TYPE()))
    cols.append(pa.array(batch["notes"], NOTES_TYPE()))
    if spec.annotators:
        cols.append(
            _struct(
                spec.annotators,
                [
                    _struct(
                        ["labelled_at", "shown_at", "active_ms", "hints_condition", "phase"],
                        [
                            pa.array(batch[f"timing.{a}.labelled_at"], pa.string()),
                            pa.array(batch[f"timing.{a}.shown_at"], pa.string()),
                            pa.array(batch[f"timing.{a}.active_ms"], pa.int64()),
                            pa.array(batch[f"timing.{a}.hints_condition"], pa.string()),
                            pa.array(batch[f"timing.{a}.phase"], pa.string()),
                        ],
                    )
                    for a in spec.annotators
                ],
            )
        )
    cols.append(pa.array(batch["assigned"], pa.list_(pa.string())))
    if spec.splits:
        cols.append(_dict(batch["split"]))
    return pa.RecordBatch.from_arrays(cols, schema=schema(spec))


def write_parquet(
    batches: Iterable[pa.RecordBatch], target: io.BufferedIOBase | Path, spec: Spec
) -> int:
    """Write record batches to one Parquet file (zstd); returns the number of rows."""
    import pyarrow.parquet as pq

    n = 0
    with pq.ParquetWriter(target, schema(spec), compression="zstd") as w:
        for rb in batches:
            w.write_batch(rb)
            n += rb.num_rows
    return n


# ----------------------------------------------------------------- Hugging Face


def plain_type(t: pa.DataType) -> pa.DataType:
    """``t`` with dictionary types replaced by their value type (for ``datasets``)."""
    import pyarrow as pa

    if pa.types.is_dictionary(t):
        return t.value_type
    if pa.types.is_list(t):
        return pa.list_(plain_type(t.value_type))
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, plain_type(f.type)) for f in t])
    return t


def class_column(dim: Dimension) -> str:
    """The Hugging Face column holding a dimension's class index: ``<dim>_label``."""
    return f"{dim.id}_label"


def hf_schema(spec: Spec) -> pa.Schema:
    """The Hugging Face table: one class-index column per single/ordinal dimension
    (the dataset's label: gold, or majority), then the Parquet columns as plain types."""
    import pyarrow as pa

    base = schema(spec)
    class_cols = [
        pa.field(class_column(d), pa.int64()) for d in spec.dimensions if d.kind != "multi"
    ]
    rest = [pa.field(f.name, plain_type(f.type)) for f in base if f.name != "split"]
    return pa.schema([rest[0], *class_cols, *rest[1:]])


def hf_table(rb: pa.RecordBatch, spec: Spec, label_column: str) -> pa.Table:
    """A record batch as the Hugging Face table; class columns from ``label_column``
    (``gold`` or ``majority``): the label's index in the codebook, null when off it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = pa.Table.from_batches([rb])
    out = hf_schema(spec)
    cols: list[pa.Array | pa.ChunkedArray] = []
    for f in out:
        if f.name in t.column_names:
            cols.append(t.column(f.name).cast(f.type))
            continue
        dim = next(d for d in spec.dimensions if class_column(d) == f.name)
        src = t.column(label_column)
        value = pc.struct_field(src, [dim.id, "value"] if label_column == "gold" else [dim.id])
        ids = value.cast(pa.string())
        cols.append(pc.index_in(ids, value_set=pa.array(dim.label_ids)).cast(pa.int64()))
    return pa.Table.from_arrays(cols, schema=out)


def _yaml_feature(f: pa.Field, dims: dict[str, Dimension], top: bool) -> dict[str, Any]:
    import pyarrow as pa

    t = f.type
    if top and f.name in dims and pa.types.is_int64(t):
        names = {str(i): lab for i, lab in enumerate(dims[f.name].label_ids)}
        return {"name": f.name, "dtype": {"class_label": {"names": names}}}
    return {"name": f.name, **_yaml_type(t)}


def _yaml_type(t: pa.DataType) -> dict[str, Any]:
    import pyarrow as pa

    if pa.types.is_struct(t):
        return {"struct": [{"name": c.name, **_yaml_type(c.type)} for c in t]}
    if pa.types.is_list(t):
        inner = _yaml_type(t.value_type)
        return {"sequence": inner.get("dtype", inner)}
    names = {pa.string(): "string", pa.int64(): "int64", pa.int32(): "int32"}
    names.update({pa.float64(): "float64", pa.bool_(): "bool"})
    return {"dtype": names[t]}


def hf_features_yaml(spec: Spec) -> list[dict[str, Any]]:
    dims = {class_column(d): d for d in spec.dimensions if d.kind != "multi"}
    return [_yaml_feature(f, dims, True) for f in hf_schema(spec)]


def to_yaml(value: Any, indent: int = 0) -> Iterator[str]:
    """A small block-YAML writer for the card header (scalars as JSON strings)."""
    import json

    pad = " " * indent
    if isinstance(value, dict):
        for k, v in value.items():
            plain = str(k).replace("_", "").isalnum() and not str(k)[0].isdigit()
            key = str(k) if plain else json.dumps(str(k))
            if isinstance(v, dict | list) and v:
                yield f"{pad}{key}:"
                yield from to_yaml(v, indent + 2)
            else:
                yield f"{pad}{key}: {_scalar(v)}"
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict | list) and item:
                lines = list(to_yaml(item, indent + 2))
                yield f"{pad}- {lines[0].lstrip()}"
                yield from lines[1:]
            else:
                yield f"{pad}- {_scalar(item)}"
    else:
        yield f"{pad}{_scalar(value)}"


def _scalar(v: Any) -> str:
    import json

    if isinstance(v, dict):
        return "{}"
    if isinstance(v, list):
        return "[]"
    if isinstance(v, bool) or v is None:
        return json.dumps(v)
    if isinstance(v, int | float):
        return str(v)
    return json.dumps(str(v), ensure_ascii=False)
