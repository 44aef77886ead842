"""Study design: who labels which units, in which order, under which hint condition.

A *study* turns open annotation (anyone labels anything) into a recorded design that a
methodologist can report:

* every queued unit gets exactly ``overlap`` annotators;
* ``calibration`` units, a seeded sample stratified by source (proportional, at least
  one per source when there are enough), go to every annotator, first in their queue;
* loads are balanced to within one unit: each unit goes to the annotators with the
  fewest units so far (ties broken by a seeded shuffle), walking the units source by
  source, so every annotator also gets units from every source;
* ``order`` ``document`` keeps reading order, ``shuffled`` gives each annotator a
  seeded order across documents (``blind`` implies ``shuffled``);
* ``hints`` ``split`` puts a seeded half of the annotators (rounded down) in the
  no-hints condition; each label records its condition;
* ``check_rate`` mixes known-answer units (``framing checks add``) into each new
  stretch of a queue, evenly spaced, so they look like any other unit.

Running it again with new annotators or after new documents were ingested *extends*
the study: existing assignments (and labels) are never moved. New annotators get the
calibration units and then, being the least loaded, the new units first; a new
annotator joining when no new units come in stays below the others (``assign --show``
reports the loads, so this is visible, not silent).

No SQL here (the store's ``study`` mixin reads and writes) and no Textual.
"""

from __future__ import annotations

import dataclasses
import random
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

from framing.models import Codebook, Document, FramingError, Unit
from framing.store import Store

Order = Literal["document", "shuffled"]
HintsMode = Literal["on", "off", "split"]
ORDERS: tuple[str, ...] = ("document", "shuffled")
HINTS_MODES: tuple[str, ...] = ("on", "off", "split")
#: The study's mode as the annotation screen sees it.
Mode = Literal["open", "study", "blind"]


@dataclass(frozen=True)
class StudySettings:
    """A study's design, stored as JSON in the database (``study.settings``)."""

    annotators: tuple[str, ...]
    overlap: int = 2
    calibration: int = 0
    order: Order = "document"
    seed: int = 0
    blind: bool = False
    hints: HintsMode = "on"
    check_rate: float = 0.0
    #: ``{"calibration": [unit ids]}`` is recorded, so extension reuses the sample.
    calibration_units: tuple[str, ...] = field(default=())

    def validate(self) -> None:
        names = self.annotators
        if not names:
            raise FramingError("--annotators: give at least one annotator name")
        for name in names:
            if not name or name != name.strip() or "," in name:
                raise FramingError(
                    f"--annotators: {name!r} is not a valid name (no spaces around it, no comma)"
                )
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            raise FramingError(f"--annotators: {dup!r} is listed twice")
        if not 1 <= self.overlap <= len(names):
            raise FramingError(
                f"--overlap {self.overlap}: must be between 1 and the number of "
                f"annotators ({len(names)})"
            )
        if self.calibration < 0:
            raise FramingError(f"--calibration {self.calibration}: must be 0 or more")
        if self.order not in ORDERS:
            raise FramingError(f"--order {self.order!r}: use one of {', '.join(ORDERS)}")
        if self.hints not in HINTS_MODES:
            raise FramingError(f"--hints {self.hints!r}: use one of {', '.join(HINTS_MODES)}")
        if self.blind and self.order != "shuffled":
            raise FramingError("--blind needs --order shuffled (document order reveals the text)")
        if not 0.0 <= self.check_rate < 1.0:
            raise FramingError(f"--check-rate {self.check_rate}: must be in [0, 1)")

    def to_json(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["annotators"] = list(self.annotators)
        out["calibration_units"] = list(self.calibration_units)
        return out

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> StudySettings:
        known = {f.name for f in dataclasses.fields(cls)}
        kw = {k: v for k, v in raw.items() if k in known}
        kw["annotators"] = tuple(kw.get("annotators", ()))
        kw["calibration_units"] = tuple(kw.get("calibration_units", ()))
        return cls(**kw)

    @property
    def mode(self) -> Mode:
        return "blind" if self.blind else "study"


class AssignReport(TypedDict):
    new_annotators: list[str]
    new_units: int
    calibration: int
    assignments_added: int
    #: Blind studies: queued units left out because they name their document.
    revealing_units: int


def codebook_signature(codebook: Codebook) -> str:
    """What a study pins of its codebook: name, then dimension and label ids."""
    dims = ";".join(f"{d.id}:{','.join(d.label_ids)}" for d in codebook.dimensions)
    return f"{codebook.name}|{dims}"


def reveals_source(unit: Unit, doc: Document) -> bool:
    """Whether showing ``unit`` would tell a blind annotator its document: a title
    unit, or a text containing the document's title, id, file name, source,
    publisher or author (case-insensitive; strings under 4 characters ignored)."""
    if unit.kind == "title":
        return True
    text = unit.text.casefold()
    stem = doc.file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    needles = (doc.title, doc.doc_id, doc.file, stem, doc.source, doc.publisher, doc.author)
    return any(len(n) >= 4 and n.casefold() in text for n in needles if n)


def load_settings(store: Store) -> StudySettings | None:
    rec = store.study_record()
    return None if rec is None else StudySettings.from_json(rec["settings"])


def study_mode(store: Store) -> Mode:
    settings = load_settings(store)
    return "open" if settings is None else settings.mode


def hints_condition(store: Store, annotator: str) -> str:
    """``on`` or ``off`` for this annotator (``on`` in open mode)."""
    return store.study_annotators().get(annotator, "on")


# ------------------------------------------------------------------ planning
def calibration_sample(strata: Sequence[tuple[str, str]], n: int, rng: random.Random) -> list[str]:
    """``n`` unit ids sampled per source in proportion to its size (largest
    remainders), at least one per source while ``n`` allows."""
    by_source: dict[str, list[str]] = defaultdict(list)
    for unit_id, source in strata:
        by_source[source].append(unit_id)
    n = min(n, len(strata))
    if n <= 0:
        return []
    sources = sorted(by_source)
    total = len(strata)
    quota = {s: n * len(by_source[s]) / total for s in sources}
    take = {s: int(quota[s]) for s in sources}
    if n >= len(sources):
        for s in sources:
            take[s] = max(take[s], 1)
    left = n - sum(take.values())
    order = sorted(sources, key=lambda s: (-(quota[s] - int(quota[s])), s))
    i = 0
    while left > 0:
        s = order[i % len(order)]
        if take[s] < len(by_source[s]):
            take[s] += 1
            left -= 1
        i += 1
    while left < 0:  # the at-least-one rule overshot: trim the largest strata
        s = max(sources, key=lambda s: (take[s], s))
        take[s] -= 1
        left += 1
    out: list[str] = []
    for s in sources:
        out += rng.sample(by_source[s], min(take[s], len(by_source[s])))
    return out


def spread(
    units: Sequence[str],
    names: Sequence[str],
    k: int,
    loads: dict[str, int],
    rng: random.Random,
) -> dict[str, list[str]]:
    """Give each unit ``k`` distinct annotators, always among the least loaded.

    ``loads`` (updated in place) start as the annotators' current regular loads.
    When they differ by at most one (a new study, or a balanced one), the annotators
    form a stream of seeded rounds: first those at the lowest load, then everybody,
    each round shuffled; unit ``i`` takes stream slots ``i*k .. i*k+k-1``. Each
    complete round raises every load by one, so loads never differ by more than one,
    and the shuffles vary the pairs. A window across a round boundary that would
    repeat an annotator swaps the repeat with a later member of the same round
    (loads per round unchanged). Otherwise (a new annotator joining a running study)
    a greedy pass gives each unit to the ``k`` least loaded annotators.
    """
    out: dict[str, list[str]] = {n: [] for n in names}
    if not units:
        return out
    lo, hi = min(loads[n] for n in names), max(loads[n] for n in names)
    if hi - lo > 1:
        return _spread_greedy(units, names, k, loads, rng, out)
    import numpy as np

    n, total = len(names), len(units) * k
    gen = np.random.default_rng(rng.getrandbits(64))
    first = [i for i, name in enumerate(names) if loads[name] == lo]
    head = np.array(first, dtype=np.int64)[gen.permutation(len(first))]
    rounds = max(0, -(-(total - len(head)) // n))
    body = np.argsort(gen.random((rounds, n)), axis=1).ravel() if rounds else head[:0]
    stream = np.concatenate([head, body])
    if k > 1 and k < n:
        bounds = [len(head) + r * n for r in range(rounds)]
        s = stream  # fixed in place, boundary by boundary (Python loop over rounds only)
        for b in bounds:
            w0 = (b // k) * k
            if w0 == b or b >= total:
                continue
            end_round = min(len(s), b + n)
            tail = set(s[w0:b].tolist())
            for p in range(b, w0 + k):
                if int(s[p]) in tail:
                    window = set(s[w0 : w0 + k].tolist())
                    q = next(q for q in range(w0 + k, end_round) if int(s[q]) not in window)
                    s[p], s[q] = s[q], s[p]
    elif k == n:
        stream = np.tile(np.arange(n, dtype=np.int64), len(units))
    slots = stream[:total]
    order = np.argsort(slots, kind="stable")
    counts = np.bincount(slots, minlength=n)
    unit_index = order // k
    start = 0
    for i, name in enumerate(names):
        idx = unit_index[start : start + counts[i]].tolist()
        out[name] = [units[j] for j in idx]
        loads[name] += int(counts[i])
        start += int(counts[i])
    return out


def _spread_greedy(
    units: Sequence[str],
    names: Sequence[str],
    k: int,
    loads: dict[str, int],
    rng: random.Random,
    out: dict[str, list[str]],
) -> dict[str, list[str]]:
    """Each unit to the ``k`` least loaded annotators (seeded ties)."""
    line: list[str] = []
    for unit_id in units:
        chosen: list[str] = []
        while len(chosen) < k:
            if not line:
                low = min(loads[n] for n in names if n not in chosen)
                line = [n for n in names if loads[n] == low and n not in chosen]
                rng.shuffle(line)
            name = line.pop()
            chosen.append(name)
        for name in chosen:
            loads[name] += 1
            out[name].append(unit_id)
    return out


def _shuffled(items: list[str], key: str) -> list[str]:
    """``items`` in a seeded order that depends on ``key`` only (numpy: 1M in ~0.1 s)."""
    import hashlib

    import numpy as np

    seed = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    perm = np.random.default_rng(seed).permutation(len(items))
    return [items[i] for i in perm.tolist()]


def _with_checks(units: list[str], checks: list[str]) -> list[tuple[str, str]]:
    """``units`` (role regular/calibration decided by the caller) with ``checks``
    spread evenly among them."""
    out: list[tuple[str, str]] = [(u, "") for u in units]
    if not checks:
        return out
    step = (len(out) + len(checks)) / len(checks)
    for i, c in enumerate(checks):
        out.insert(min(len(out), int(step * i + step / 2)), (c, "check"))
    return out


def plan(store: Store, settings: StudySettings, codebook: str) -> AssignReport:
    """Create or extend the study in ``store`` and write the new assignments."""
    settings.validate()
    rec = store.study_record()
    old = None if rec is None else StudySettings.from_json(rec["settings"])
    if old is not None:
        for name in ("overlap", "calibration", "order", "seed", "blind", "hints", "check_rate"):
            if getattr(old, name) != getattr(settings, name):
                raise FramingError(
                    f"{store.path}: the study was set up with --{name.replace('_', '-')} "
                    f"{getattr(old, name)!r}; a study is extended, never redesigned "
                    f"(got {getattr(settings, name)!r})"
                )
        if rec is not None and rec["codebook"] and rec["codebook"] != codebook:
            raise FramingError(
                f"{store.path}: the study uses another codebook ({rec['codebook'].split('|')[0]})"
            )
    rng = random.Random(settings.seed)
    conditions = store.study_annotators()
    names = list(conditions) + [n for n in settings.annotators if n not in conditions]
    new_names = [n for n in names if n not in conditions]
    # hint conditions: a seeded, balanced half without hints; newcomers join the smaller side
    new_conditions: list[tuple[str, str]] = []
    if settings.hints != "split":
        new_conditions = [(n, settings.hints) for n in new_names]
    elif old is None:
        shuffled = list(new_names)
        rng.shuffle(shuffled)
        off = set(shuffled[: len(shuffled) // 2])
        new_conditions = [(n, "off" if n in off else "on") for n in new_names]
    else:
        count = {"on": 0, "off": 0}
        for c in conditions.values():
            count[c] = count.get(c, 0) + 1
        for n in new_names:
            side = "off" if count["off"] < count["on"] else "on"
            count[side] += 1
            new_conditions.append((n, side))

    loads, top, assigned = store.assignment_state()
    check_ids = set(store.checks())
    strata = [(u, s) for u, s in store.queued_unit_strata() if u not in check_ids]
    hidden = 0
    if settings.blind:  # units that name their document would give the answer away
        docs = {d.doc_id: d for d in store.documents()}
        drop = {
            u.unit_id
            for u in store.iter_units(queued_only=True)
            if u.doc_id in docs and reveals_source(u, docs[u.doc_id])
        }
        hidden = len(drop)
        strata = [(u, s) for u, s in strata if u not in drop]
    fresh = [(u, s) for u, s in strata if u not in assigned]
    calib = list(old.calibration_units) if old is not None else []
    if old is None and settings.calibration:
        calib = calibration_sample(fresh, settings.calibration, rng)
    calib_set = set(calib)
    regular = [u for u, _ in sorted(fresh, key=lambda us: us[1]) if u not in calib_set]
    rank: dict[str, int] = (
        {u: i for i, (u, _) in enumerate(strata)} if settings.order == "document" else {}
    )
    regular_loads = {n: loads.get(n, 0) for n in names}
    if old is not None:  # loads count regular units only (calibration and checks are equal)
        for name, by_role in store.annotator_loads().items():
            if name in regular_loads:
                regular_loads[name] = by_role.get("regular", 0)
    given = spread(regular, names, settings.overlap, regular_loads, rng)

    rows: list[tuple[str, str, int, str]] = []
    checks_pool = sorted(check_ids)
    for name in names:
        joins = old is None or name in new_names
        mine = store.assigned_to(name) if not joins and checks_pool else set()
        first = list(calib) if joins else []
        units = given[name]
        if settings.order == "shuffled":
            first = _shuffled(first, f"{settings.seed}:calibration:{name}")
            units = _shuffled(units, f"{settings.seed}:{name}:{top.get(name, -1)}")
        else:
            first.sort(key=rank.__getitem__)
            units.sort(key=rank.__getitem__)
        stretch = first + units
        n_checks = round(settings.check_rate * len(stretch))
        pool = [c for c in checks_pool if c not in mine]
        picker = random.Random(f"{settings.seed}:checks:{name}:{top.get(name, -1)}")
        checks = picker.sample(pool, min(n_checks, len(pool)))
        seq = top.get(name, -1) + 1
        for unit_id, role in _with_checks(stretch, checks):
            kind = role or ("calibration" if unit_id in calib_set else "regular")
            rows.append((name, unit_id, seq, kind))
            seq += 1
    stored = dataclasses.replace(settings, annotators=tuple(names), calibration_units=tuple(calib))
    uid = rec["study_uid"] if rec is not None else uuid.uuid4().hex
    added = store.save_study(stored.to_json(), codebook, uid, new_conditions, rows)
    return AssignReport(
        new_annotators=new_names,
        new_units=len(fresh),
        calibration=len(calib),
        assignments_added=added,
        revealing_units=hidden,
    )


def check_rows(
    store: Store, codebook: Codebook, records: Iterable[dict[str, Any]], source: str
) -> list[tuple[str, str, Any]]:
    """Validate ``{"unit_id", "dimension", "value"}`` records against the store and the
    codebook; the first problem is a one-line error naming ``source`` and the line."""
    out: list[tuple[str, str, Any]] = []
    recs = list(records)
    known = store.existing_unit_ids(str(r.get("unit_id", "")) for r in recs)
    for line, r in enumerate(recs, 1):
        where = f"{source}: line {line}"
        if not isinstance(r, dict) or not {"unit_id", "dimension", "value"} <= set(r):
            raise FramingError(f'{where}: expected {{"unit_id", "dimension", "value"}}')
        unit_id, dim_id, value = str(r["unit_id"]), str(r["dimension"]), r["value"]
        if unit_id not in known:
            raise FramingError(f"{where}: no unit {unit_id!r} in the database")
        dim = codebook.dimension(dim_id)
        if dim is None:
            raise FramingError(f"{where}: no dimension {dim_id!r} in the codebook")
        values = value if isinstance(value, list) else [value]
        for v in values:
            if not isinstance(v, str) or dim.label(v) is None:
                raise FramingError(f"{where}: {v!r} is not a label of {dim_id!r}")
        out.append((unit_id, dim_id, sorted(value) if isinstance(value, list) else value))
    return out
