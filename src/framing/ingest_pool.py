"""Segment documents in worker processes, so an ingest uses every CPU core.

Why: segmentation (layout, kinds, sentences, display text, VADER, hints) is pure
Python and CPU-bound, and documents are independent of each other, so on a machine
with N cores N documents can be segmented at once. The process that runs the ingest
keeps everything else: it checks the inputs first, and it writes to SQLite, in
document order, in the same short transactions as without workers. So the
database ends up the same (``tests/test_ingest_pool.py`` compares it), and the write
lock is never held while a document is segmented.

How: ``workers`` processes are forked (they inherit the loaded code, the codebook's
hints, so nothing is pickled but a small task per document and the
document's units coming back). A task names a document (its file and what the
checks recorded); the worker reads the file itself (a ``.jsonl`` file with one
cursor per worker: it gets that file's documents in line order), segments it whole
and sends back its list of units, or the error, which the ingest raises when it
reaches that document: the same one-line error as without workers, at the same
point, so earlier documents are written and that one is not. A worker holds up to
two documents, so it goes on to the next while the ingest is busy writing (see
``SegmentPool._feed`` for why neither side can block the other on a full pipe).

Bounds: a document longer than :data:`MAX_DOC_CHARS` is segmented in the ingest's
own process, streamed batch by batch as before (its units are never all in memory),
and at most :data:`AHEAD` documents per worker, and :data:`AHEAD_CHARS` characters,
are segmented ahead of the one being written.
Workers are started only when the first document's units are asked for (so
re-ingesting unchanged files starts none), ignore Ctrl-C (the ingest itself stops,
then stops them: :meth:`SegmentPool.close`), exit when the ingest's process goes
away (their pipe closes), and are terminated at exit if nobody closed the pool.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import pickle
import re
import signal
import traceback
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from framing.models import Document, FramingError, UnitDraft

if TYPE_CHECKING:
    from framing.ingest import _JsonlCursor, _Plan

__all__ = [
    "AHEAD",
    "MAX_AUTO_WORKERS",
    "MAX_DOC_CHARS",
    "MIN_TOTAL_CHARS",
    "Documents",
    "SegmentPool",
    "cpu_count",
    "pool_for",
    "pool_size",
    "pooled",
]

#: With the automatic worker count, workers are used only for more text than this in
#: several documents: below it, starting them costs more than they save.
MIN_TOTAL_CHARS = 256 * 1024

#: The most workers the automatic count starts.
MAX_AUTO_WORKERS = 8

#: A longer document is segmented in the ingest's own process, streamed, so that its
#: units are never held whole (a worker returns a document's units in one piece).
MAX_DOC_CHARS = 2_000_000

#: Documents segmented ahead of the one being written (per worker), at most.
AHEAD = 4

#: Characters of text segmented ahead of the one being written, at most (units take
#: about 14 bytes per character of text): unless nothing is ahead at all.
AHEAD_CHARS = 4_000_000

#: A task (a pickled document plan) this small may wait in a busy worker's pipe.
SMALL_TASK = 16 * 1024

_Task = Callable[[Any, dict[Path, Any]], list[UnitDraft]]


def cpu_count() -> int:
    """The CPU cores this process may run on (its affinity, where the OS tells)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def pool_size(workers: int | None, sizes: list[int]) -> int:
    """How many worker processes to use for documents of ``sizes`` characters: 0
    means segment in this process. ``workers=None`` is automatic: one per core, if
    there are several cores, several documents a worker may take, and more than
    :data:`MIN_TOTAL_CHARS` of their text; at most one per ``MIN_TOTAL_CHARS / 2``
    of text and :data:`MAX_AUTO_WORKERS` (each worker loads its own spaCy when a
    text needs the tokenizer: about 0.8 s and 60 MB). An explicit ``workers`` > 1 is
    used whenever two documents or more may go to workers."""
    eligible = [n for n in sizes if n <= MAX_DOC_CHARS]
    if len(eligible) < 2 or not hasattr(os, "fork"):
        return 0
    if workers is None:
        total = sum(eligible)
        if total <= MIN_TOTAL_CHARS:
            return 0
        workers = min(cpu_count(), MAX_AUTO_WORKERS, total // (MIN_TOTAL_CHARS // 2))
    n = min(workers, len(eligible))
    return n if n > 1 else 0


class Documents(Iterator[tuple[Document, Iterator[UnitDraft]]]):
    """What :func:`framing.ingest.prepare_documents` returns: ``(Document, units)``
    pairs in order; :meth:`close` (or leaving a ``with`` block) stops the workers."""

    def __init__(
        self, pairs: Iterator[tuple[Document, Iterator[UnitDraft]]], pool: SegmentPool | None
    ) -> None:
        self._pairs = pairs
        self.pool = pool

    def __next__(self) -> tuple[Document, Iterator[UnitDraft]]:
        return next(self._pairs)

    def close(self) -> None:
        """Stop the worker processes, if any (work not yet written is dropped)."""
        if self.pool is not None:
            self.pool.close()

    def __enter__(self) -> Documents:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def pool_for(
    plans: list[_Plan],
    workers: int | None,
    encoding: str | None,
    default_kinds: tuple[str, ...],
    hinter: Callable[[str, float], dict[str, Any]] | None,
) -> SegmentPool | None:
    """The pool for these documents (see :func:`pool_size`), not started yet; None
    for segmenting them all in this process."""
    if workers == 1:
        return None
    size = pool_size(workers, [p.n_chars for p in plans])
    if not size:
        return None
    jobs: list[Any] = [
        (p, p.queued_kinds if p.queued_kinds is not None else default_kinds)
        if p.n_chars <= MAX_DOC_CHARS
        else None
        for p in plans
    ]
    names = [f"{p.name}#L{p.line}" if p.line else p.name for p in plans]
    task = functools.partial(_pool_task, encoding=encoding, hinter=hinter)
    pool = SegmentPool(size, task, jobs, names, [p.n_chars for p in plans])
    files = sorted({p.path for p, job in zip(plans, jobs, strict=True) if job is not None})
    pool.before_fork = functools.partial(_share_tokenizer, files)
    return pool


#: A sentence start glued to the word before it ("stable.But", see
#: ``sentence_starts``), the one case that needs spaCy's tokenizer; in UTF-8 bytes,
#: any non-ASCII byte may be a letter, so this finds more than it needs (never fewer,
#: except in a .jsonl file's \u escapes).
_GLUED_START = re.compile(rb"[a-z\x80-\xff]{2}\.[A-Z\x80-\xff][a-z\x80-\xff]")


def _share_tokenizer(files: list[Path]) -> None:
    """Before the fork: load spaCy here, once, if some text likely needs its tokenizer,
    so the workers share it instead of each loading it (about 0.8 s of CPU and 60 MB
    each). Only time depends on this guess: a worker loads spaCy itself if needed."""
    from framing.segment.nlp import get_nlp

    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue  # the worker reports it
        if _GLUED_START.search(data):
            get_nlp()
            return


def _pool_task(
    job: tuple[_Plan, tuple[str, ...]],
    cursors: dict[Path, _JsonlCursor],
    *,
    encoding: str | None,
    hinter: Callable[[str, float], dict[str, Any]] | None,
) -> list[UnitDraft]:
    """In a worker: one document's units, exactly as the ingest's own process gives
    them (the same function, without progress reports)."""
    from framing.ingest import _cursor_for, _units  # loaded already: forked

    plan, kinds = job
    cursor = _cursor_for(plan, cursors, encoding)
    return list(_units(plan, cursor, encoding, kinds, None, hinter, 0, 0))


def pooled(
    pool: SegmentPool,
    index: int,
    n_chars: int,
    local: Iterator[UnitDraft],
    on_progress: Callable[[int, int], None] | None,
    base: int,
    total: int,
) -> Iterator[UnitDraft]:
    """Document ``index``'s units from the workers, or from ``local`` (segmented in
    this process) when the pool does not take it. With workers, progress is
    reported before and after the document."""
    if pool.takes(index) and on_progress is not None:
        on_progress(base, total)
    units = pool.units(index)
    if units is None:
        yield from local
        return
    yield from units
    if on_progress is not None:
        on_progress(base + n_chars, total)


@dataclass
class _Worker:
    proc: BaseProcess
    conn: Connection
    tasks: list[int] = field(default_factory=list)  # documents given, in order


@dataclass
class _State:
    """What the pool knows about the documents (indexes into the ingest's list)."""

    jobs: list[Any]  # per document: its task argument, or None for "not for workers"
    names: list[str]
    sizes: list[int]  # characters
    next_submit: int = 0
    wanted: int = 0  # the document being written: results before it are not needed
    done: dict[int, tuple[bool, Any]] = field(default_factory=dict)


class SegmentPool:
    """Worker processes that segment documents ahead of the ingest (see the module
    docstring). ``jobs[i]`` is the argument ``task(job, cursors)`` gets for document
    ``i`` (``None``: the ingest segments that one itself); ``task`` runs in a
    worker and returns the document's units."""

    def __init__(
        self, size: int, task: _Task, jobs: list[Any], names: list[str], sizes: list[int]
    ) -> None:
        self.size = size
        self._task = task
        self._state = _State(jobs=jobs, names=names, sizes=sizes)
        self._workers: list[_Worker] = []
        self._closed = False  # stopped by the ingest: nothing more is served
        self._retired = False  # the workers are gone (done, or stopped)
        self._finalizer: weakref.finalize[Any, Any] | None = None
        #: called in this process just before the workers are forked
        self.before_fork: Callable[[], None] | None = None

    # ---------------------------------------------------------------- the ingest side
    @property
    def started(self) -> bool:
        """Whether worker processes were started (they are, at the first document
        whose units are asked for)."""
        return bool(self._workers)

    def takes(self, index: int) -> bool:
        """Whether document ``index``'s units come from a worker."""
        if self._closed or self._state.jobs[index] is None:
            return False
        return not self._retired or index in self._state.done

    def units(self, index: int) -> list[UnitDraft] | None:
        """Document ``index``'s units (waits for its worker); raises its error.

        ``None`` when the pool does not give them (not a worker's document, the pool
        was closed, or it was asked again for a document it gave already); the
        caller then segments it itself."""
        st = self._state
        if not self.takes(index):
            return None
        for i in [i for i in st.done if i < index]:
            del st.done[i]  # passed over by the ingest (an unchanged document)
        if index not in st.done:
            if not self._workers and not self._start(index):
                return None
            st.wanted = max(st.wanted, index)
            self._feed(block=False)
            while index not in st.done:
                if not self._given(index):  # asked out of order: not given out yet
                    idle = next((w for w in self._workers if not w.tasks), None)
                    if idle is not None:
                        self._submit(idle, index, self._payload(index))
                self._feed(block=True)
        ok, value = st.done.pop(index)
        if self._next_job(len(st.jobs)) is None and not any(w.tasks for w in self._workers):
            self._retire()  # nothing left for the workers
        if not ok:
            raise value
        units: list[UnitDraft] = value
        return units

    def close(self) -> None:
        """Stop the workers now (what they were doing is dropped). Idempotent."""
        self._closed = True
        self._state.done.clear()
        self._retire()

    def _retire(self) -> None:
        """Stop the workers; what they gave is still served."""
        self._retired = True
        if self._finalizer is not None:
            self._finalizer()

    # ---------------------------------------------------------------- internals
    def _start(self, first: int) -> bool:
        """Fork the workers; False (and none) if the system refuses a process."""
        ctx = multiprocessing.get_context("fork")
        self._state.next_submit = first
        if self.before_fork is not None:
            self.before_fork()
        parent_ends: list[Connection] = []
        # Ctrl-C between a fork and the worker's SIG_IGN would kill it with a
        # traceback: hold SIGINT back until the worker has set it aside.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            for _ in range(self.size):
                mine, theirs = ctx.Pipe()
                parent_ends.append(mine)
                proc = ctx.Process(
                    target=_worker_main,
                    args=(theirs, list(parent_ends), self._task, mask),
                    daemon=True,  # terminated at exit if the pool was never closed
                    name="framing-segment",
                )
                self._workers.append(_Worker(proc, mine))
                proc.start()
                theirs.close()
        except OSError:  # e.g. EAGAIN: too many processes; segment here instead
            _stop(self._workers)
            self._workers.clear()
            self._retired = True
            return False
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        self._finalizer = weakref.finalize(self, _stop, list(self._workers))
        return True

    def _given(self, index: int) -> bool:
        return any(index in w.tasks for w in self._workers)

    def _next_job(self, limit: int) -> int | None:
        """The next document for a worker, up to index ``limit``: not yet given out,
        not one the ingest segments itself."""
        st = self._state
        while st.next_submit < len(st.jobs) and st.next_submit <= limit:
            i = st.next_submit
            if st.jobs[i] is not None and i not in st.done and not self._given(i):
                return i
            st.next_submit += 1
        return None

    def _payload(self, index: int) -> bytes:
        return pickle.dumps((index, self._state.jobs[index]), pickle.HIGHEST_PROTOCOL)

    def _submit(self, worker: _Worker, index: int, payload: bytes) -> None:
        worker.tasks.append(index)
        if index == self._state.next_submit:
            self._state.next_submit += 1
        try:
            worker.conn.send_bytes(payload)
        except OSError:  # it died while idle
            self._died(worker)

    def _feed(self, *, block: bool) -> None:
        """Give workers the next documents, then collect what has arrived (waiting
        for something when ``block``).

        A worker holds up to two documents, so it starts the next one as soon as it
        has sent one back, even while this process is busy writing. That is safe
        from deadlock (both sides blocked writing to a full pipe) because the
        second document is given only if its task is small (it fits in the pipe
        beside the first); a big task (long metadata) waits until its worker is
        idle, i.e. reading. At most ``AHEAD`` documents per worker are given past
        the one being written."""
        st = self._state
        limit = st.wanted + AHEAD * self.size
        ahead = sum(st.sizes[i] for i in st.done)
        ahead += sum(st.sizes[i] for w in self._workers for i in w.tasks)
        for depth in (1, 2):  # first the idle workers, then a second document each
            for worker in self._workers:
                if len(worker.tasks) >= depth:
                    continue
                index = self._next_job(limit)
                if index is None or (ahead and ahead + st.sizes[index] > AHEAD_CHARS):
                    break
                payload = self._payload(index)
                if worker.tasks and len(payload) > SMALL_TASK:
                    break  # for an idle worker, next time
                self._submit(worker, index, payload)
                ahead += st.sizes[index]
        busy = [w for w in self._workers if w.tasks]
        if not busy:
            return
        handles: list[Any] = [w.conn for w in busy] + [w.proc.sentinel for w in busy]
        for ready in wait(handles, timeout=None if block else 0):
            worker = next(w for w in busy if ready in (w.conn, w.proc.sentinel))
            while worker.tasks and worker.conn.poll():
                try:
                    index, result = pickle.loads(worker.conn.recv_bytes())
                except (EOFError, OSError):
                    self._died(worker)
                worker.tasks.remove(index)
                st.done[index] = result
            if worker.tasks and ready is worker.proc.sentinel:
                self._died(worker)

    def _died(self, worker: _Worker) -> NoReturn:
        index = worker.tasks[0]
        worker.proc.join(1)
        code = worker.proc.exitcode
        self.close()
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit {code}"
        raise FramingError(
            f"{self._state.names[index]}: the worker process segmenting it stopped ({how}); "
            "run the ingest again (--jobs 1 segments in one process)"
        )


def _stop(workers: list[_Worker]) -> None:
    started = [w for w in workers if w.proc.pid is not None]
    for w in workers:
        w.conn.close()
    for w in started:
        if w.proc.is_alive():
            w.proc.terminate()
    for w in started:
        w.proc.join(5)
        if w.proc.is_alive():  # pragma: no cover - terminate is not ignored
            w.proc.kill()
            w.proc.join()


def _worker_main(
    conn: Connection, others: list[Connection], task: _Task, mask: set[signal.Signals]
) -> None:
    """A worker: documents in, units (or the error) out, until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the ingest's to handle
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    for other in others:
        other.close()  # parent ends: only the ingest's process may hold them
    cursors: dict[Path, Any] = {}
    while True:
        try:
            index, job = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        result: tuple[bool, Any]
        try:
            result = (True, task(job, cursors))
        except Exception as err:  # noqa: BLE001 - every error goes back to the ingest
            result = (False, _portable(err))
        try:
            data = pickle.dumps((index, result), pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as err:
            data = pickle.dumps((index, (False, _portable(err))), pickle.HIGHEST_PROTOCOL)
        try:
            conn.send_bytes(data)
        except OSError:  # the ingest is gone
            return


def _portable(err: Exception) -> Exception:
    """``err`` if it survives pickling, else a RuntimeError with its text; anything
    but a FramingError carries the worker's traceback as a note."""
    if not isinstance(err, FramingError):
        err.add_note("".join(traceback.format_exception(err)).rstrip())
    try:
        pickle.loads(pickle.dumps(err))
    except Exception:  # noqa: BLE001 - e.g. an exception class with a custom __init__
        return RuntimeError(f"{type(err).__name__}: {err}")
    return err
