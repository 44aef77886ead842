"""``framing card``: the dataset card, written from the data."""

from __future__ import annotations

from pathlib import Path

import click

from framing.cli.common import _codebook, _store, codebook_option, db_option
from framing.cli.group import main


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    default=None,
    help="Write to FILE (atomically), e.g. README.md; default stdout.",
)
@click.option("--title", default="framing annotations", show_default=True, help="Dataset title.")
@click.option(
    "--author",
    "authors",
    multiple=True,
    help="An author for the citation block (repeat for several, in order); without one "
    "the card says that no author was given.",
)
@click.option("--license", "license_id", default="other", show_default=True, help="Hub license id.")
@click.option("--language", default="en", show_default=True, help="Language code of the texts.")
@click.option(
    "--n-boot",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Bootstrap resamples for the agreement intervals.",
)
@db_option
@codebook_option
def card(
    output: Path | None,
    title: str,
    authors: tuple[str, ...],
    license_id: str,
    language: str,
    n_boot: int,
    db_path: str,
    codebook_path: str | None,
) -> None:
    """Write the dataset card (Markdown with the Hub's YAML header) from the data.

    \b
    Sections: the codebook with every definition; the annotation process
    (annotators, overlap, blind or open, hint conditions, dates); agreement per
    dimension with bootstrap CIs; label distributions by source; known
    limitations (e.g. one or two documents per source); provenance (framing
    version, codebook hash, ingest fingerprints, schema version); a citation
    with the --author names (the card says so when none is given).
    `framing export --format hf` writes the same card into its folder, with the
    features and splits.
    """
    from framing.atomic import write_atomic
    from framing.dataset.card import dataset_card
    from framing.dataset.formats import label_source

    cb = _codebook(codebook_path)
    store = _store(db_path, readonly=True)
    text = dataset_card(
        store,
        cb,
        label_from=label_source(store, "all"),
        license_id=license_id,
        language=language,
        n_boot=n_boot,
        title=title,
        authors=list(authors),
    )
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    write_atomic(output, text, protect=(db_path,))
    click.echo(f"Wrote dataset card to {output}", err=True)
