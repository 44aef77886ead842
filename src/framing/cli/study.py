"""Study commands: ``assign``, ``status``, ``checks add``, ``identifiability``, ``merge``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from framing.cli.common import _codebook, _store, codebook_option, db_option
from framing.cli.group import main
from framing.models import FramingError


def _names(text: str | None) -> tuple[str, ...]:
    if text is None:
        return ()
    return tuple(n for n in (p for p in text.split(",")) if n != "")


# ----------------------------------------------------------------------- assign
@main.command()
@click.option(
    "--annotators",
    metavar="A,B,C",
    help="Comma-separated annotator names. Again later: new names join the study.",
)
@click.option("--overlap", type=int, default=None, help="Annotators per unit (default 2).")
@click.option(
    "--calibration",
    type=int,
    default=None,
    help="Units every annotator labels (seeded, stratified by source; default 0).",
)
@click.option(
    "--order",
    type=click.Choice(["document", "shuffled"]),
    default=None,
    help="document: reading order; shuffled: a seeded order per annotator across documents.",
)
@click.option("--seed", type=int, default=None, help="Seed of every random choice (default 0).")
@click.option(
    "--blind",
    is_flag=True,
    default=None,
    help="Hide title, document id, file and source; perspective becomes a guess "
    "(implies --order shuffled).",
)
@click.option(
    "--hints",
    type=click.Choice(["on", "off", "split"]),
    default=None,
    help="Hints for everyone, no one, or a seeded half of the annotators (default on).",
)
@click.option(
    "--check-rate",
    type=float,
    default=None,
    help="Share of known-answer units (framing checks add) mixed into each queue.",
)
@click.option("--show", is_flag=True, help="Print the study (settings, loads, coverage).")
@click.option("--json", "as_json", is_flag=True, help="With --show: JSON.")
@db_option
@codebook_option
def assign(
    annotators: str | None,
    overlap: int | None,
    calibration: int | None,
    order: str | None,
    seed: int | None,
    blind: bool | None,
    hints: str | None,
    check_rate: float | None,
    show: bool,
    as_json: bool,
    db_path: str,
    codebook_path: str | None,
) -> None:
    """Set up (or extend) a study: who labels which units, in which order.

    \b
    Each queued unit gets exactly --overlap annotators; --calibration units go to
    everyone; loads differ by at most one unit; every annotator gets units from
    every source. Running it again with new annotators, or after ingesting new
    documents, extends the study without moving any existing assignment.
    Without a study, `framing annotate` stays in open mode (anyone labels anything).

    \b
    Example:
      framing assign --annotators ann1,ann2,ann3 --overlap 2 --calibration 20
      framing assign --show
    """
    from framing.study import StudySettings, codebook_signature, load_settings, plan

    if show:
        store = _store(db_path, create=False, readonly=True)
        try:
            _show(store, as_json)
        finally:
            store.close()
        return
    cb = _codebook(codebook_path)
    store = _store(db_path, create=False)
    try:
        old = load_settings(store)
        names = _names(annotators)
        if old is None and not names:
            raise FramingError("--annotators: name the study's annotators (e.g. ann1,ann2)")
        base = old or StudySettings(annotators=names)
        all_names = tuple(dict.fromkeys([*base.annotators, *names])) if old else names
        want_order = order or ("shuffled" if blind else base.order)
        settings = StudySettings(
            annotators=all_names,
            overlap=base.overlap if overlap is None else overlap,
            calibration=base.calibration if calibration is None else calibration,
            order=want_order,  # type: ignore[arg-type]
            seed=base.seed if seed is None else seed,
            blind=base.blind if blind is None else blind,
            hints=(hints or base.hints),  # type: ignore[arg-type]
            check_rate=base.check_rate if check_rate is None else check_rate,
        )
        if store.count_units(queued_only=True) == 0:
            raise FramingError(f"{db_path}: no queued units; run `framing ingest` first")
        report = plan(store, settings, codebook_signature(cb))
        verb = "Extended" if old else "Created"
        click.echo(
            f"{verb} the study in {db_path}: {len(settings.annotators)} annotators, overlap "
            f"{settings.overlap}, {report['calibration']} calibration units, order "
            f"{settings.order}{', blind' if settings.blind else ''}, hints {settings.hints}."
        )
        new = ", ".join(report["new_annotators"]) or "none"
        click.echo(
            f"Added {report['assignments_added']} assignments ({report['new_units']} new "
            f"units; new annotators: {new}). `framing assign --show` prints the design."
        )
        if settings.blind:
            click.echo(
                f"Blind: {report['revealing_units']} queued units name their document (a "
                "title, id, file, source, publisher or author) and are not assigned."
            )
    finally:
        store.close()


def _show(store: Any, as_json: bool) -> None:
    from framing.study import load_settings

    settings = load_settings(store)
    if settings is None:
        msg = "No study in this database: open mode (anyone labels any queued unit)."
        click.echo(json.dumps({"study": None}) if as_json else msg)
        return
    conditions = store.study_annotators()
    loads = store.annotator_loads()
    sources = store.annotator_sources()
    counts = store.assignment_counts()
    doc = {
        "study": {k: v for k, v in settings.to_json().items() if k != "calibration_units"},
        "mode": settings.mode,
        "annotators": {
            n: {
                "hints": conditions[n],
                "load": sum(loads.get(n, {}).values()),
                "by_role": loads.get(n, {}),
                "sources": sources.get(n, {}),
            }
            for n in conditions
        },
        "units_by_annotator_count": counts,
    }
    if as_json:
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    s = doc["study"]
    click.echo(
        f"Study ({doc['mode']}): overlap {s['overlap']}, calibration {s['calibration']}, "
        f"order {s['order']}, seed {s['seed']}, hints {s['hints']}, check rate "
        f"{s['check_rate']}"
    )
    click.echo("\nannotator        hints  load  calibration  regular  check  sources")
    for name, a in doc["annotators"].items():
        r = a["by_role"]
        click.echo(
            f"{name:<16} {a['hints']:<5} {a['load']:>5}  {r.get('calibration', 0):>11}"
            f"  {r.get('regular', 0):>7}  {r.get('check', 0):>5}  {len(a['sources'])}"
        )
    click.echo("\nunits by number of annotators:")
    for role, by_k in counts.items():
        parts = ", ".join(f"{units} with {k}" for k, units in by_k.items())
        click.echo(f"  {role}: {parts}")


# ----------------------------------------------------------------------- status
@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@codebook_option
def status(as_json: bool, db_path: str, codebook_path: str | None) -> None:
    """Per annotator: assigned, done, skipped, remaining, pace, checks, drift.

    \b
    Median seconds and labels per hour use the active time recorded with each label
    (idle gaps over 60 s not counted); check accuracy compares current labels of
    known-answer units (framing checks add); drift is the share of an annotator's
    independent labels equal to another annotator's, in four windows over time.
    """
    from framing.study_status import study_status

    cb = _codebook(codebook_path)
    store = _store(db_path, create=False, readonly=True)
    try:
        doc = study_status(store, cb)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    st = doc["study"]
    click.echo(f"Study mode: {st['mode']}")
    click.echo(
        "annotator        assigned   done  skipped  remaining  med s  labels/h  checks"
        "  last active          drift (agreement, oldest first)"
    )
    for name, a in doc["annotators"].items():
        med = "-" if a["median_seconds"] is None else f"{a['median_seconds']:.1f}"
        lph = "-" if a["labels_per_hour"] is None else f"{a['labels_per_hour']:.0f}"
        chk = "-" if a["check_accuracy"] is None else f"{a['check_accuracy']:.0%}"
        drift = " ".join(f"{w['agreement']:.2f}" for w in a["drift"]) or "-"
        click.echo(
            f"{name:<16} {a['assigned']:>8} {a['done']:>6} {a['skipped']:>8} "
            f"{a['remaining']:>10} {med:>6} {lph:>9} {chk:>7}  {a['last_active'] or '-':<19}  "
            f"{drift}"
        )


# ----------------------------------------------------------------------- checks
@main.group()
def checks() -> None:
    """Known-answer units mixed into the queues (see --check-rate of framing assign)."""


@checks.command("add")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@codebook_option
def checks_add(file: Path, db_path: str, codebook_path: str | None) -> None:
    """Add known answers from a JSONL FILE of {"unit_id", "dimension", "value"}.

    Run `framing assign` again afterwards to mix them into the queues.
    """
    from framing.study import check_rows

    cb = _codebook(codebook_path)
    records = []
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise FramingError(f"{file}: cannot read ({err})") from err
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as err:
            raise FramingError(f"{file}: line {i}: not JSON ({err.msg})") from err
    store = _store(db_path, create=False)
    try:
        rows = check_rows(store, cb, records, str(file))
        n = store.add_checks(rows)
        units = len({r[0] for r in rows})
        click.echo(f"Added {n} known answers on {units} units from {file}.")
    finally:
        store.close()


# -------------------------------------------------------------- identifiability
@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--dimension", default="perspective", show_default=True, help="The guess.")
@click.option("--n-boot", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@db_option
def identifiability(as_json: bool, dimension: str, n_boot: int, seed: int, db_path: str) -> None:
    """Can a reader tell the source from the sentence alone?

    Compares blind annotators' perspective labels (guesses) with each document's
    perspective in the manifest: per annotator and pooled n, accuracy, Cohen's kappa
    against the truth, the chance baseline (share of the largest source), a bootstrap
    95% CI over units, the confusion matrix and accuracy per frame. Guesses naming no
    source (e.g. other voice, unclear) are counted apart.
    """
    from framing.identifiability import Guess
    from framing.identifiability import identifiability as compute
    from framing.study import load_settings

    store = _store(db_path, create=False, readonly=True)
    try:
        rows, excluded = store.perspective_guesses(dimension)
        sources = store.document_perspectives()
        settings = load_settings(store)
    finally:
        store.close()
    guesses = []
    for unit_id, who, guess, truth, frame in rows:
        frames = tuple(frame) if isinstance(frame, list) else (() if frame is None else (frame,))
        guesses.append(Guess(unit_id, who, str(guess), truth, frames))
    doc = compute(guesses, sources, excluded=excluded, reps=n_boot, seed=seed)
    blind = settings is not None and settings.blind
    doc["blind"] = blind
    if not blind:
        doc["warning"] = (
            "this database holds no blind study: annotators may have seen the source, so "
            "their perspective labels are not guesses"
        )
    if as_json:
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    p = doc["pooled"]
    if not blind:
        click.echo(f"Warning: {doc['warning']}.")
    click.echo(f"Computed on: {doc['computed_on']}; {excluded} guesses excluded.")
    click.echo(f"{'':<16} {'n':>5}  accuracy  kappa   95% CI")

    def line(name: str, s: dict[str, Any]) -> str:
        acc = "-" if s["accuracy"] is None else f"{s['accuracy']:.3f}"
        kap = "-" if s["kappa"] is None else f"{s['kappa']:.3f}"
        ci = "-" if not s["ci"] else f"[{s['ci'][0]:.3f}, {s['ci'][1]:.3f}]"
        return f"{name:<16} {s['n']:>5}  {acc:>8}  {kap:>5}   {ci}"

    click.echo(line("pooled", p))
    for name, s in doc["annotators"].items():
        click.echo(line(name, s))
    chance = "-" if p["chance"] is None else f"{p['chance']:.3f}"
    click.echo(f"chance baseline (largest source): {chance}; counted apart: {p['apart'] or '-'}")
    click.echo("\nconfusion (true source -> guesses):")
    for truth, row in doc["confusion"].items():
        click.echo(f"  {truth}: " + ", ".join(f"{g} {c}" for g, c in row.items()))
    if doc["by_frame"]:
        click.echo("\naccuracy by frame:")
        for frame, s in doc["by_frame"].items():
            click.echo(f"  {frame}: {s['accuracy']:.3f} (n {s['n']})")


# ------------------------------------------------------------------------ merge
@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--into",
    "into",
    required=True,
    type=click.Path(dir_okay=False),
    help="The main database the histories are appended to.",
)
def merge(sources: tuple[str, ...], into: str) -> None:
    """Append the label, skip and timing histories of offline copies to MAIN.

    \b
    Merging the same file twice adds nothing. A copy of another study, made with
    another codebook version, or whose units have other texts is refused with a
    one-line error, and nothing is written.
    Example: framing merge ann1.db ann2.db ann3.db --into annotations/framing.db
    """
    for src in sources:
        if Path(src).resolve() == Path(into).resolve():
            raise FramingError(f"{src}: is the target database itself")
    store = _store(into, create=False)
    try:
        reports = store.merge(sources)
    finally:
        store.close()
    for r in reports:
        who = ", ".join(r["annotators"]) or "nobody"
        click.echo(
            f"{r['source']}: added {r['labels']} labels, {r['skips']} skips, "
            f"{r['exposures']} exposures ({who})"
        )
