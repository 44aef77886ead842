"""The dataset card (``README.md``), written from the data and never by hand.

Sections: the codebook with every definition; the annotation process (annotators,
overlap, blind or open, hint conditions, dates); agreement per dimension with its
bootstrap CI; label distributions by source; known limitations; provenance
(framing version, codebook hash, ingest fingerprints, schema version); a citation
block.  The YAML header follows the Hugging Face Hub's dataset card metadata.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import numpy as np

from framing import __version__
from framing.codebook import codebook_to_json
from framing.dataset.rows import Spec, make_spec
from framing.models import Codebook
from framing.report.render import Table, md_table, md_text
from framing.store import Store


def codebook_hash(cb: Codebook) -> str:
    """SHA-256 of the codebook's canonical JSON (ids, kinds, questions, definitions)."""
    text = json.dumps(codebook_to_json(cb), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def size_category(n: int) -> str:
    for limit, name in (
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
        (10_000_000, "1M<n<10M"),
    ):
        if n < limit:
            return name
    return "10M<n<100M"


def card_header(
    spec: Spec, splits: dict[str, int], n_rows: int, *, license_id: str, language: str
) -> str:
    from framing.dataset.arrow import hf_features_yaml, to_yaml

    meta: dict[str, Any] = {
        "license": license_id,
        "language": [language],
        "task_categories": ["text-classification"],
        "task_ids": ["multi-class-classification"],
        "size_categories": [size_category(n_rows)],
        "pretty_name": "framing annotations",
        "tags": ["framing", "source-bias", "annotation", "inter-annotator-agreement"],
    }
    if splits:
        meta["configs"] = [
            {
                "config_name": "default",
                "data_files": [
                    {"split": s, "path": f"data/{s}-*.parquet"} for s in _ordered(splits)
                ],
            }
        ]
        meta["dataset_info"] = {
            "features": hf_features_yaml(spec),
            "splits": [{"name": s, "num_examples": splits[s]} for s in _ordered(splits)],
        }
    return "---\n" + "\n".join(to_yaml(meta)) + "\n---\n"


def _ordered(splits: dict[str, int]) -> list[str]:
    order = {"train": 0, "validation": 1, "test": 2}
    return sorted(splits, key=lambda s: (order.get(s, 9), s))


def _codebook_section(cb: Codebook) -> list[str]:
    out = ["## Codebook", "", f"Codebook `{md_text(cb.name)}`, SHA-256 `{codebook_hash(cb)}`.", ""]
    for d in cb.dimensions:
        out += [f"### {md_text(d.id)} ({d.kind})", "", md_text(d.question), ""]
        for lab in d.labels:
            line = f"- **{md_text(lab.id)}** ({md_text(lab.name)}): {md_text(lab.definition)}"
            if lab.example:
                line += f" *Example:* {md_text(lab.example)}"
            out.append(line)
        out.append("")
    return out


def _process_section(store: Store) -> tuple[list[str], dict[str, Any]]:
    cols = store.current_label_columns()
    facts: dict[str, Any] = {"annotators": list(cols.annotators)}
    lines = ["## Annotation process", ""]
    if not len(cols):
        return lines + ["No labels yet.", ""], facts
    per_unit = np.bincount(
        np.unique(cols.unit * len(cols.annotators) + cols.annotator) // len(cols.annotators),
        minlength=len(cols.unit_ids),
    )
    labelled = int((per_unit > 0).sum())
    overlap = int((per_unit >= 2).sum())
    facts.update(labelled=labelled, overlap=overlap)
    per_ann = np.bincount(cols.annotator, minlength=len(cols.annotators))
    units_ann = [
        len(np.unique(cols.unit[cols.annotator == i])) for i in range(len(cols.annotators))
    ]
    first, last = store.label_time_range()
    review = store.review_summary()
    hints = store.hint_conditions()
    lines.append(
        f"- Annotators: {len(cols.annotators)} ("
        + ", ".join(
            f"{md_text(a)}: {units_ann[i]} units, {int(per_ann[i])} labels"
            for i, a in enumerate(cols.annotators)
        )
        + ")."
    )
    lines.append(
        f"- Overlap: {overlap} of {labelled} labelled units "
        f"({100 * overlap / labelled:.1f}%) have labels from two or more annotators; "
        f"on average {per_unit[per_unit > 0].mean():.2f} annotators per labelled unit."
    )
    if review["review_labels"] is None:
        lines.append(
            "- Blind or open: not recorded (the database predates study records); "
            "treat labels as possibly open."
        )
    else:
        lines.append(
            f"- Blind or open: {review['review_labels']} labels were made after their author "
            f"saw another annotator's labels ({review['exposures'] or 0} exposures recorded); "
            "those are review labels and are not in the annotators' independent labels."
        )
    if hints:
        lines.append(
            "- Hint conditions: "
            + ", ".join(f"{md_text(a)} {c}" for a, c in sorted(hints.items()))
            + "."
        )
    else:
        lines.append("- Hint conditions: not recorded (no study); hints were available to all.")
    lines.append(f"- Dates: first label {first or '–'}, last label {last or '–'} (UTC).")
    lines.append("")
    return lines, facts


def _agreement_section(store: Store, cb: Codebook, n_boot: int, seed: int) -> list[str]:
    from framing.agreement_report import agreement_report
    from framing.report.render import fmt, fmt_ci

    rep = agreement_report(store, cb, n_boot=n_boot, seed=seed)
    t = Table(
        ["dimension", "units (≥ 2 ratings)", "annotators", "% agree", "alpha", "alpha 95% CI"],
        [
            [
                dim,
                fmt(d["units"]),
                fmt(d["annotators"]),
                fmt(d["percent_agreement"]),
                fmt(d["krippendorff_alpha"]),
                fmt_ci(d.get("alpha_ci")),
            ]
            for dim, d in rep["dimensions"].items()
        ],
    )
    return [
        "## Agreement",
        "",
        "Krippendorff's α (nominal; ordinal for an ordinal dimension; MASI for multi) on the "
        f"units with two or more ratings; 95% CI: bootstrap over units, {n_boot} resamples, "
        f"seed {seed}. Units with one rating and labels off the codebook are excluded.",
        "",
        *md_table(t),
        "",
    ]


def _distribution_section(
    store: Store, cb: Codebook, label_from: str
) -> tuple[list[str], dict[str, Any]]:
    from framing.analysis.bias import analyze

    rep = analyze(
        store,
        cb,
        labels="gold" if label_from == "gold" else "majority",
        n_boot=0,
        n_perm=0,
        sensitivity=False,
        features=False,
    )
    lines = [
        "## Label distributions by source",
        "",
        f"One label per unit ({'gold' if label_from == 'gold' else 'majority of the annotators'}"
        "); counts, with the share of the source in brackets. "
        "`framing analyze` tests the differences.",
        "",
    ]
    for dim_id, d in rep["dimensions"].items():
        labels = [lab for lab in d["labels"] if any(d["table"][s][lab] for s in d["sources"])]
        rows = [
            [s, *[f"{d['table'][s][lab]} ({100 * d['shares'][s][lab]:.0f}%)" for lab in labels]]
            for s in d["sources"]
        ]
        lines += [f"### {md_text(dim_id)}", "", *md_table(Table(["source", *labels], rows)), ""]
    return lines, {"warnings": rep["warnings"], "dimensions": rep["dimensions"]}


def dataset_card(
    store: Store,
    codebook: Codebook,
    *,
    spec: Spec | None = None,
    splits: dict[str, int] | None = None,
    label_from: str = "majority",
    license_id: str = "other",
    language: str = "en",
    n_boot: int = 1000,
    seed: int = 0,
    title: str = "framing annotations",
    authors: list[str] | None = None,
) -> str:
    """The card as Markdown with a Hub YAML header (``authors``: for the citation)."""
    spec = spec or make_spec(store, codebook)
    docs = store.documents()
    n_units = store.count_units()
    sources = sorted({d.source for d in docs})
    head = card_header(
        spec,
        splits or {},
        sum((splits or {}).values()) or n_units,
        license_id=license_id,
        language=language,
    )
    process, facts = _process_section(store)
    dist, dist_facts = _distribution_section(store, codebook, label_from)
    lines = [
        f"# {md_text(title)}",
        "",
        f"Sentences from {len(docs)} documents of {len(sources)} sources "
        f"({', '.join(md_text(s or '(no source)') for s in sources)}), annotated with framing "
        f"{__version__} for source perspective, frame and certainty. {n_units} units in all; "
        f"{facts.get('labelled', 0)} labelled.",
        "",
    ]
    if splits:
        lines += [
            "Splits: "
            + ", ".join(f"{s} {splits[s]}" for s in _ordered(splits))
            + ". The class columns (one per dimension) hold the "
            + ("gold label" if label_from == "gold" else "majority label")
            + "; `labels` holds each annotator's independent labels.",
            "",
        ]
    lines += _codebook_section(codebook)
    lines += process
    lines += _agreement_section(store, codebook, n_boot, seed)
    lines += dist
    lines += _limitations(docs, dist_facts, facts)
    lines += _provenance(store, codebook)
    lines += _citation(title, authors or [])
    return head + "\n" + "\n".join(lines).rstrip("\n") + "\n"


def _limitations(docs: list[Any], dist: dict[str, Any], facts: dict[str, Any]) -> list[str]:
    per_source: dict[str, int] = {}
    for d in docs:
        per_source[d.source or "(no source)"] = per_source.get(d.source or "(no source)", 0) + 1
    lines = ["## Known limitations", ""]
    few = {s: n for s, n in per_source.items() if n < 3}
    if few:
        lines.append(
            "- Few documents per source: "
            + ", ".join(f"{md_text(s)} {n}" for s, n in sorted(few.items()))
            + ". Differences between sources may be differences between these documents "
            "(one author, one occasion); they do not describe the sources in general."
        )
    for dim_id, d in dist.get("dimensions", {}).items():
        ex = d.get("excluded", {})
        if ex.get("no_majority"):
            lines.append(
                f"- {md_text(dim_id)}: {ex['no_majority']} labelled units have no majority label "
                "and no class label."
            )
    if facts.get("labelled") and facts.get("overlap", 0) < facts["labelled"]:
        lines.append(
            f"- {facts['labelled'] - facts['overlap']} labelled units have one annotator only: "
            "their labels are unchecked."
        )
    lines += [
        "- Hints (cues, actors, tone) are heuristics computed at ingest; VADER tone is a "
        "lexicon score for English, not a stance.",
        "- Units are sentences from an automatic segmentation; a few may be fragments.",
        "",
    ]
    return lines


def _provenance(store: Store, cb: Codebook) -> list[str]:
    from framing.dataset.rows import relative_files

    docs = store.documents()
    files = relative_files(docs)
    t = Table(
        ["doc_id", "file", "sha256", "fingerprint", "ingested_at"],
        [
            [
                p["doc_id"],
                files.get(p["doc_id"], ""),
                (p["sha256"] or "")[:16],
                (p["fingerprint"] or "")[:16],
                p["ingested_at"] or "",
            ]
            for p in store.document_provenance()
        ],
    )
    return [
        "## Provenance",
        "",
        f"- framing {__version__}; schema version {store.schema_version}.",
        f"- Codebook SHA-256: `{codebook_hash(cb)}`.",
        f"- Card written {datetime.now(UTC).isoformat(timespec='seconds')}.",
        "",
        *md_table(t),
        "",
    ]


def _citation(title: str, authors: list[str]) -> list[str]:
    """A BibTeX entry; the authors come from ``--author`` (the data does not know who
    made the dataset), and without them the card says so instead of inventing any."""
    year = datetime.now(UTC).year
    # BibTeX groups with braces: a stray one in a name would break the entry
    who = [" ".join(a.replace("{", "").replace("}", "").split()) for a in authors]
    who = [a for a in who if a]
    lines = ["## Citation", ""]
    if not who:
        lines += [
            "No author was given when this card was written (`framing card --author NAME`,"
            " once per author); add the authors before publishing or citing the dataset.",
            "",
        ]
    lines += ["```bibtex", "@misc{framing_dataset_" + str(year) + ",", f"  title  = {{{title}}},"]
    if who:
        lines.append(f"  author = {{{' and '.join(who)}}},")
    lines += [
        f"  year   = {{{year}}},",
        f"  note   = {{Annotated with framing {__version__}}}",
        "}",
        "```",
        "",
    ]
    return lines
