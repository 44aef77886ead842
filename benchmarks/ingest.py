"""Time ``framing`` ingest against a bare spaCy + VADER baseline.

Builds a corpus of about 4 MB by repeating the seed texts in a temporary folder, then,
in one process:

* **framing**: ``framing.ingest.prepare_documents`` over the folder (layout, kinds,
  ``framing_sentences``, clean text, one VADER call per unit, and the pre-annotation
  hints of the bundled codebook, as ``framing ingest`` computes them) streamed into a
  temporary SQLite store by :func:`write_store`;
* **baseline**: ``spacy.blank("en")`` + the built-in ``sentencizer`` over the same
  paragraphs (blank-line separated) through ``nlp.pipe``, plus VADER
  ``polarity_scores`` on each resulting sentence.

Pipelines and the VADER analyzer are built before the clocks start. Each side runs
``--repeat`` times and the fastest run counts. Prints one line::

    sentences_per_second=... framing_seconds=... baseline_seconds=... ratio=...

Usage: ``python benchmarks/ingest.py [--mb 4] [--repeat 2]``. Target: ratio <= 2.0.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def build_corpus(folder: Path, target_bytes: int) -> list[Path]:
    """Copy the seed texts into ``folder`` until it holds ``target_bytes``."""
    seeds = sorted(SEEDS.glob("*.txt"))
    written = 0
    copy = 0
    files: list[Path] = []
    while written < target_bytes:
        for seed in seeds:
            data = seed.read_bytes()
            path = folder / f"{copy:04d}_{seed.name}"
            path.write_bytes(data)
            files.append(path)
            written += len(data)
        copy += 1
    return files


def paragraphs(files: Sequence[Path]) -> list[str]:
    out: list[str] = []
    for f in files:
        out.extend(p for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip())
    return out


# ---------------------------------------------------------------------------------------
# STORE WRITE: the only place that touches the store.
# ---------------------------------------------------------------------------------------
def write_store(items: Iterable[tuple[object, Iterable[object]]], db_path: Path) -> tuple[int, str]:
    """Write ``items`` (from prepare_documents) into a store; return (units, what ran)."""
    try:
        from framing.store import Store
    except ImportError:
        n = sum(1 for _, units in items for _ in units)
        return n, "prepare_documents only (framing.store is not available)"
    store = Store.open(db_path)
    try:
        store.ingest(items)  # type: ignore[arg-type]
        return store.count_units(), "prepare_documents + Store.ingest"
    finally:
        store.close()


def time_framing(folder: Path, db_path: Path, hinter: object) -> tuple[float, int, str]:
    from framing.ingest import prepare_documents

    start = time.perf_counter()
    n, what = write_store(prepare_documents([folder], hinter=hinter), db_path)  # type: ignore[arg-type]
    return time.perf_counter() - start, n, what + (" + hints" if hinter else "")


def time_baseline(paras: Sequence[str], nlp: object, analyzer: object) -> tuple[float, int]:
    start = time.perf_counter()
    n = 0
    for doc in nlp.pipe(paras, batch_size=256):  # type: ignore[attr-defined]
        for sent in doc.sents:
            analyzer.polarity_scores(sent.text)  # type: ignore[attr-defined]
            n += 1
    return time.perf_counter() - start, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=4.0, help="corpus size in MB (default 4)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per side (default 2)")
    args = parser.parse_args()

    import spacy
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from framing.codebook import load_codebook
    from framing.hints import Hinter
    from framing.segment import get_nlp, sentiment

    get_nlp()
    sentiment("warm up")  # builds the cached VADER analyzer
    hinter = Hinter.from_codebook(load_codebook(None)).hints
    hinter("warm up", 0.0)  # builds the cue tables
    base_nlp = spacy.blank("en")
    base_nlp.add_pipe("sentencizer")
    analyzer = SentimentIntensityAnalyzer()

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        files = build_corpus(corpus, int(args.mb * 1_000_000))
        size = sum(f.stat().st_size for f in files)
        paras = paragraphs(files)
        framing_runs: list[float] = []
        baseline_runs: list[float] = []
        units = sents = 0
        what = ""
        for i in range(args.repeat):
            secs, sents = time_baseline(paras, base_nlp, analyzer)
            baseline_runs.append(secs)
            secs, units, what = time_framing(corpus, Path(tmp) / f"bench{i}.db", hinter)
            framing_runs.append(secs)
        framing_s, baseline_s = min(framing_runs), min(baseline_runs)
        print(
            f"corpus: {len(files)} files, {size / 1e6:.2f} MB; framing: {what}, {units} units; "
            f"baseline: {sents} sentences"
        )
        print(
            f"sentences_per_second={units / framing_s:.0f} framing_seconds={framing_s:.2f} "
            f"baseline_seconds={baseline_s:.2f} ratio={framing_s / baseline_s:.2f}"
        )


if __name__ == "__main__":
    main()
