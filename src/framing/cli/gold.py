"""``framing gold``, ``framing flags`` and ``framing adjudicate``: from labels to gold.

numpy and Textual are imported inside the commands, so ``framing --help`` stays fast.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from framing.cli.common import _codebook, _store, codebook_option, db_option
from framing.cli.group import main
from framing.models import FramingError

if TYPE_CHECKING:
    from framing.gold import Competence
    from framing.goldset import GoldReport, Method

METHODS: dict[str, Method] = {"majority": "majority", "dawid-skene": "dawid_skene"}


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def competence_lines(rows: list[Competence], *, estimated: bool) -> list[str]:
    """The competence table as aligned text lines."""
    w = max([len(r.annotator) for r in rows] + [9])
    head = f"  {'annotator'.ljust(w)}  {'labels':>6}"
    if estimated:
        head += f"  {'est.acc':>7}"
    head += f"  {'vs gold':>7}  {'accuracy':>8}  {'kappa':>6}"
    head += f"  {'vs others':>9}  {'accuracy':>8}  {'kappa':>6}"
    lines = [head]
    for r in rows:
        line = f"  {r.annotator.ljust(w)}  {r.n:>6}"
        if estimated:
            line += f"  {_pct(r.estimated_accuracy):>7}"
        line += f"  {r.n_vs_gold:>7}  {_pct(r.accuracy_vs_gold):>8}  {_pct(r.kappa_vs_gold):>6}"
        line += (
            f"  {r.n_vs_others:>9}  {_pct(r.accuracy_vs_others):>8}  {_pct(r.kappa_vs_others):>6}"
        )
        lines.append(line)
    return lines


def _report_lines(rep: GoldReport) -> list[str]:
    policy = {
        "majority": "plurality vote; ties stay open and are listed for adjudication",
        "dawid_skene": "Dawid–Skene EM, initialised from vote shares; value = most probable class",
    }[rep.method]
    lines = [
        f"{rep.dimension}: {rep.method} ({policy})",
        f"  computed on {rep.labels} current independent labels of {rep.units} units; "
        f"excluded: {rep.off_scale_labels} off-scale labels, {rep.superseded_labels} labels "
        f"of superseded units; {rep.too_few} units with fewer than 2 annotators get no gold",
        f"  unanimous {rep.unanimous} · {rep.method} {rep.decided} · ties open {len(rep.ties)}"
        f" · adjudicated (kept) {rep.kept_adjudicated} · gold rows written {rep.written}",
    ]
    if rep.model:
        m = rep.model
        state = "converged" if m["converged"] else "NOT converged (raise --max-iter)"
        priors = ", ".join(f"{k}={v:.3f}" for k, v in m["priors"].items() if v >= 0.0005)
        lines.append(
            f"  model: {m['iterations']} iterations, {state} (tol {m['tol']:g}), "
            f"log-likelihood {m['log_likelihood']:.3f}"
        )
        lines.append(f"  class priors (those ≥ 0.001): {priors}")
    if rep.ties:
        shown = ", ".join(rep.ties[:10]) + (" …" if len(rep.ties) > 10 else "")
        lines.append(f"  ties (open, for `framing adjudicate`): {shown}")
    lines += competence_lines(rep.competence, estimated=rep.method == "dawid_skene")
    return lines


@main.command()
@click.option(
    "--method",
    type=click.Choice(sorted(METHODS)),
    default="majority",
    show_default=True,
    help="How to decide units no person decided.",
)
@click.option(
    "--dimension", "-d", "dimensions", multiple=True, metavar="DIM", help="Only this dimension."
)
@click.option("--max-iter", type=click.IntRange(min=1), default=100, show_default=True,
              help="Dawid–Skene: at most this many EM iterations.")  # fmt: skip
@click.option("--tol", type=click.FloatRange(min=0), default=1e-6, show_default=True,
              help="Dawid–Skene: stop when the log-likelihood changes by less.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@db_option
@codebook_option
def gold(
    method: str,
    dimensions: tuple[str, ...],
    max_iter: int,
    tol: float,
    as_json: bool,
    db_path: str,
    codebook_path: str | None,
) -> None:
    """Fill the gold labels that no person decided, and rate the annotators.

    \b
    unanimous    every annotator agrees (2 or more): value, confidence 1
    majority     the most given value; confidence = its share of the labels;
                 a tie for the top stays OPEN and is listed for adjudication
    dawid-skene  Dawid & Skene (1979): a confusion matrix per annotator and
                 class priors by EM from the vote shares; confidence = posterior

    A value decided with `framing adjudicate` is never replaced. Every row keeps
    its provenance (method, decided_by, time, label ids, confidence); running
    again appends only what changed. Only independent labels count; units need
    labels from 2 annotators. The competence table gives per annotator the
    labels, the model's estimated accuracy (Σ prior × confusion diagonal,
    dawid-skene only), accuracy and Cohen's κ against the gold now stored
    (which includes the annotator's own vote, so it flatters), and the same
    against the majority of the OTHER annotators ("vs others": leave-one-out,
    so one's own vote never helps; ties and units with fewer than 2 other
    annotators are left out).

    \b
    Examples:
      framing gold
      framing gold --method dawid-skene -d frame --json
    """
    from framing.goldset import fill_gold, load_all_votes

    cb = _codebook(codebook_path)
    for d in dimensions:
        if cb.dimension(d) is None:
            raise FramingError(f"unknown dimension {d!r}; the codebook has "
                               f"{', '.join(cb.dimension_ids)}")  # fmt: skip
    store = _store(db_path, create=False)
    dims = list(dimensions) or list(cb.dimension_ids)
    all_votes = load_all_votes(store, cb, dims)  # one pass over the labels
    reports = [
        fill_gold(
            store,
            cb,
            d,
            METHODS[method],
            max_iter=max_iter,
            tol=tol,
            votes=all_votes[d],
        )
        for d in dims
    ]
    if as_json:
        payload = {"method": METHODS[method], "dimensions": {r.dimension: r.to_json()
                                                              for r in reports}}  # fmt: skip
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    for i, rep in enumerate(reports):
        if i:
            click.echo("")
        click.echo("\n".join(_report_lines(rep)))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@db_option
def flags(as_json: bool, db_path: str) -> None:
    """Units flagged by annotators, with the reasons and their notes.

    Flags (f in `framing annotate`): segmentation, guideline_gap, off_topic,
    other. Notes (n) are one line per annotator and unit. Both are append-only;
    undone flags and removed notes are not listed.
    """
    store = _store(db_path, readonly=True)
    units = store.flagged_units()
    if as_json:
        click.echo(json.dumps({"units": [u.to_json() for u in units]}, indent=2,
                              ensure_ascii=False))  # fmt: skip
        return
    if not units:
        click.echo("No flagged units.")
        return
    texts = store.units_by_id(u.unit_id for u in units)
    for u in units:
        unit = texts.get(u.unit_id)
        reasons = ", ".join(f"{f.reason} ({f.annotator})" for f in u.flags)
        click.echo(f"{u.unit_id}  {reasons}")
        if unit is not None:
            click.echo(f"    {' '.join(unit.text.split())[:100]}")
        for n in u.notes:
            click.echo(f"    note {n.annotator}: {n.text}")


@main.command()
@click.option("--annotator", "-a", required=True, help="Your name (recorded as decided_by).")
@click.option("--dimension", "-d", default=None, metavar="DIM", help="Decide this dimension only.")
@click.option("--flagged", is_flag=True, help="Only flagged units.")
@click.option(
    "--min-disagreement",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Skip units whose disagreement score is below X.",
)
@db_option
@codebook_option
def adjudicate(
    annotator: str,
    dimension: str | None,
    flagged: bool,
    min_disagreement: float,
    db_path: str,
    codebook_path: str | None,
) -> None:
    """Decide the final labels: walk disagreements (ranked as in `framing
    disagreements`) and flagged units.

    \b
    Shown per unit: its context, every annotator's independent labels (h hides
    the names), their notes and flags, and the hints. Keys: a label key sets the
    final label of the focused dimension (same keys as annotate); up/down change
    dimension; r adds a reason; backspace undoes; left/right move; m merges the
    unit with the next one, S splits it at a character offset; q quits.
    Unanimous units (2+ annotators agreeing) become gold on start. Each decision
    is saved at the key press; your decision never counts as an annotator label.
    """
    if not annotator.strip():
        raise FramingError("--annotator must not be empty")
    cb = _codebook(codebook_path)
    if dimension is not None and cb.dimension(dimension) is None:
        raise FramingError(
            f"unknown dimension {dimension!r}; the codebook has {', '.join(cb.dimension_ids)}"
        )
    store = _store(db_path, create=False, interactive=True)
    from framing.tui.adjudicate_app import AdjudicateApp

    app: Any = AdjudicateApp(
        store,
        cb,
        annotator.strip(),
        dimension=dimension,
        flagged_only=flagged,
        min_disagreement=min_disagreement,
    )
    app.run()


def agreement_vs_gold(
    dimensions: tuple[str, ...], as_json: bool, db_path: str, codebook_path: str | None
) -> None:
    """``framing agreement --vs gold``: accuracy and Cohen's κ of each annotator
    against the current gold values (their independent labels only)."""
    from framing.goldset import vs_gold

    cb = _codebook(codebook_path)
    store = _store(db_path, readonly=True)
    table = vs_gold(store, cb, dimensions or None)
    if as_json:
        payload = {d: [c.to_json() for c in rows] for d, rows in table.items()}
        click.echo(json.dumps({"vs": "gold", "dimensions": payload}, indent=2))
        return
    click.echo(
        "Each annotator's current independent labels against the gold label of the same\n"
        "unit (any method; run `framing gold` or `framing adjudicate` first). Units without\n"
        "gold are excluded. Gold that came from votes includes the annotator's own vote;\n"
        "'vs others' compares with the majority of the other annotators instead (leave-one-\n"
        "out: ties and units with fewer than 2 other annotators are left out)."
    )
    for d, rows in table.items():
        click.echo(f"\n{d}")
        click.echo("\n".join(competence_lines(rows, estimated=False)))
