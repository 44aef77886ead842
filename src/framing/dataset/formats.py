"""``framing export``: every format from the same rows, with optional splits.

Files are written through a temporary file (or folder) renamed over the target,
so a failure leaves no partial dataset.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from framing.dataset.rows import Spec, iter_batches, make_spec
from framing.dataset.splits import SplitPlan, parse_split, plan_splits
from framing.models import Codebook, FramingError
from framing.store import Store

FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet", "hf", "spacy")
FOLDER_FORMATS = ("hf", "spacy")


@dataclass
class ExportResult:
    rows: int = 0
    splits: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    label_from: str = ""
    files: list[str] = field(default_factory=list)


def make_plan(
    store: Store,
    split: str | None,
    *,
    by: str = "document",
    stratify: bool = True,
    seed: int = 0,
) -> SplitPlan | None:
    if not split:
        return None
    shares = parse_split(split)
    if by == "document":
        items = [(d.doc_id, d.source) for d in store.documents()]
    else:
        items = [(u, src) for u, _doc, src, _q in store.unit_index()]
    return plan_splits(items, shares, by=by, stratify=stratify, seed=seed)


def label_source(store: Store, labels: str) -> str:
    """Which column the dataset's label comes from: ``gold`` (also under
    ``--labels majority``, where gold is the majority) or ``majority`` when there is
    no gold to use."""
    if labels in ("gold", "majority"):
        return "gold"
    return "gold" if store.current_gold() else "majority"


def export_dataset(
    store: Store,
    codebook: Codebook,
    fmt: str,
    output: Path | None,
    *,
    labels: str = "all",
    plan: SplitPlan | None = None,
    dimension: str | None = None,
    stdout: IO[str] | None = None,
    protect: tuple[str, ...] = (),
    csv_raw: bool = False,
) -> ExportResult:
    """Write the dataset in ``fmt`` to ``output`` (stdout for jsonl/csv when None)."""
    from framing.gcpause import paused_gc

    with paused_gc():
        return _export_dataset(
            store, codebook, fmt, output, labels=labels, plan=plan, dimension=dimension,
            stdout=stdout, protect=protect, csv_raw=csv_raw,
        )  # fmt: skip


def _export_dataset(
    store: Store,
    codebook: Codebook,
    fmt: str,
    output: Path | None,
    *,
    labels: str,
    plan: SplitPlan | None,
    dimension: str | None,
    stdout: IO[str] | None,
    protect: tuple[str, ...],
    csv_raw: bool,
) -> ExportResult:
    from framing.atomic import atomic_writer, write_bytes_atomic

    if fmt not in FORMATS:
        raise FramingError(f"--format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    spec = make_spec(store, codebook, labels)
    if plan is not None:
        spec.splits = list(plan.names)
    result = ExportResult(warnings=list(plan.warnings) if plan else [])
    result.label_from = label_source(store, labels)
    if labels == "gold" and not store.current_gold():
        raise FramingError(
            f"{store.path}: no gold labels in this database; use --labels majority or all"
        )
    split_of = plan.split_of if plan else None
    counts: Counter[str] = Counter()

    if fmt in ("jsonl", "csv"):
        from framing.export import write_csv, write_jsonl

        writer = write_csv if fmt == "csv" else write_jsonl
        kw: dict[str, Any] = {"labels": labels, "split_of": split_of, "splits": spec.splits}
        if fmt == "csv":
            kw["raw"] = csv_raw
        if output is None or str(output) == "-":
            result.rows = writer(store, codebook, stdout or io.StringIO(), **kw)
        else:
            with atomic_writer(output, protect=protect) as fh:
                result.rows = writer(store, codebook, fh, **kw)
        return result
    if output is None or str(output) == "-":
        raise FramingError(f"--format {fmt} needs -o PATH (a file or folder), not stdout")

    if fmt == "parquet":
        from framing.dataset.arrow import Dictionaries, record_batch, write_parquet

        dicts = Dictionaries(spec.dimensions, store.distinct_values())

        def batches() -> Any:
            for b in iter_batches(store, codebook, spec, split_of=split_of):
                counts.update(s for s in b["split"] if s)
                result.rows += len(b["unit_id"])
                yield record_batch(b, spec, dicts)

        buf = io.BytesIO()
        write_parquet(batches(), buf, spec)
        write_bytes_atomic(output, buf.getvalue(), protect=protect)
        result.splits = _in_order(counts, spec)
        result.files = [str(output)]
        return result

    # folder formats
    target = Path(output)
    if target.exists() and not target.is_dir():
        raise FramingError(f"{target}: exists and is not a folder; --format {fmt} writes a folder")
    if target.exists() and any(target.iterdir()) and not _ours(target, fmt):
        raise FramingError(
            f"{target}: folder is not empty and holds no framing {fmt} export; choose another -o"
        )
    tmp = Path(
        tempfile.mkdtemp(
            dir=target.parent if target.parent.exists() else None, prefix=f".{target.name}."
        )
    )
    try:
        if fmt == "hf":
            _write_hf(store, codebook, spec, tmp, split_of, result, counts)
        else:
            _write_spacy(store, codebook, spec, tmp, split_of, result, counts, dimension)
        result.splits = _in_order(counts, spec)
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
        os.chmod(target, 0o777 & ~_umask())
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    result.files = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
    return result


def _in_order(counts: Counter[str], spec: Spec) -> dict[str, int]:
    names = [*spec.splits, *sorted(set(counts) - set(spec.splits))]
    return {n: counts[n] for n in names if counts[n]}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _ours(folder: Path, fmt: str) -> bool:
    """Whether ``folder`` holds nothing but an earlier export of ``fmt`` (so replacing
    it destroys nothing else: a stray file, such as a database, makes it not ours)."""
    if fmt == "hf":
        data = folder / "data"
        return (
            {p.name for p in folder.iterdir()} == {"README.md", "data"}
            and data.is_dir()
            and all(p.is_file() and p.suffix == ".parquet" for p in data.iterdir())
        )
    return all(p.is_file() and p.suffix == ".spacy" for p in folder.iterdir())


def _write_hf(
    store: Store,
    codebook: Codebook,
    spec: Spec,
    folder: Path,
    split_of: Any,
    result: ExportResult,
    counts: Counter[str],
) -> None:
    import pyarrow.parquet as pq

    from framing.dataset.arrow import Dictionaries, hf_schema, hf_table, record_batch
    from framing.dataset.card import dataset_card

    dicts = Dictionaries(spec.dimensions, store.distinct_values())
    (folder / "data").mkdir()
    writers: dict[str, pq.ParquetWriter] = {}
    out_schema = hf_schema(spec)
    try:
        for b in iter_batches(store, codebook, spec, split_of=split_of):
            rb = record_batch(b, spec, dicts)
            table = hf_table(rb, spec, result.label_from)
            splits = [s or "train" for s in b["split"]]
            for name in dict.fromkeys(splits):
                import pyarrow as pa

                mask = pa.array([s == name for s in splits])
                part = table.filter(mask)
                if name not in writers:
                    path = folder / "data" / f"{name}-00000-of-00001.parquet"
                    writers[name] = pq.ParquetWriter(path, out_schema, compression="zstd")
                writers[name].write_table(part)
                counts[name] += part.num_rows
            result.rows += len(b["unit_id"])
    finally:
        for w in writers.values():
            w.close()
    if not writers:
        raise FramingError(f"{store.path}: nothing to export (no unit with the chosen labels)")
    real_gold = result.label_from == "gold" and spec.labels != "majority"
    card = dataset_card(
        store,
        codebook,
        spec=spec,
        splits=dict(counts),
        label_from="gold" if real_gold else "majority",
    )
    (folder / "README.md").write_text(card, encoding="utf-8")


def _write_spacy(
    store: Store,
    codebook: Codebook,
    spec: Spec,
    folder: Path,
    split_of: Any,
    result: ExportResult,
    counts: Counter[str],
    dimension: str | None,
) -> None:
    from framing.dataset.docbin import DocBinWriter

    dim_id = dimension or next((d.id for d in codebook.dimensions if d.kind != "multi"), None)
    dim = codebook.dimension(dim_id) if dim_id else None
    if dim is None:
        raise FramingError(
            f"--dimension {dim_id!r}: not in the codebook ({', '.join(codebook.dimension_ids)})"
        )
    w = DocBinWriter(dim, result.label_from)
    for b in iter_batches(store, codebook, spec, split_of=split_of):
        w.add(b, "all" if not spec.splits else "train")
        counts.update(s or "all" for s in b["split"])
        result.rows += len(b["unit_id"])
    for name, data in w.to_bytes().items():
        (folder / f"{name}.spacy").write_bytes(data)
