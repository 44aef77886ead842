"""Find, read and describe documents, then segment them into unit drafts.

The main entry point is :func:`prepare_documents`; it does no SQL: it yields
``(Document, Iterator[UnitDraft])`` pairs for the caller (the store) to write. A
document's units are produced lazily, batch by batch, while the caller consumes them;
a plain file is read in chunks (never whole), so a very large file is ingested in
bounded memory (one small record per paragraph, plus the batch at hand).

Inputs
    * a folder: every ``.txt``, ``.md``, ``.markdown`` and ``.jsonl`` file below it,
      recursively, in sorted order of relative path (names starting with "." are
      skipped); a ``manifest.toml`` in the folder describes its files;
    * a single file: read as text, except ``.jsonl``; a ``manifest.toml`` next to it
      is used if it has an entry for the file;
    * a ``.jsonl`` file: one document per non-blank line, each a JSON object with a
      ``text`` field and optional ``id``/``doc_id``, ``title``, ``author``,
      ``publisher``, ``date``, ``source``, ``perspective``. Unit offsets are then
      relative to that line's ``text``; the document's ``file`` is
      ``"<path>#L<line number>"`` and its default ``doc_id`` is ``"<stem>-L<n>"``;
      its ``sha256`` is that of the UTF-8 encoded ``text``.

For a plain file, ``doc_id`` is the file stem unless the manifest says otherwise,
``file`` is the path as discovered (so ``document_text`` can re-read it),
``sha256`` is the SHA-256 of the file's bytes and ``n_chars`` the length of the
decoded text. Offsets of units index that decoded text (newlines are not
translated).

Errors are :class:`~framing.models.FramingError` with a one-line message naming the
file. :func:`prepare_documents` checks everything it can *before* it returns the
iterator: paths exist, manifests parse and name existing files, every file decodes,
every ``.jsonl`` line parses, doc ids are unique. Empty files and binary files (NUL
bytes) are skipped; each skip is reported through the ``warn`` callback (one line per
file; without a callback, through the ``framing.ingest`` logger).

Manifest (``manifest.toml``)::

    [[documents]]
    doc_id = "000_561392b7cfa50f7a"       # or id = ...; default: the file stem
    file = "000_561392b7cfa50f7a.txt"     # relative to the manifest's folder
    title = "..."                         # also tells segmentation which line is the title
    author = ""
    publisher = "..."
    date = "2024-04"                      # as precise as the text gives it
    source = "FNF paper"                  # the source perspective, as a label name
    perspective = "fnf_paper"             # the codebook label id of that perspective
    notes = "..."                         # free text, ignored
    queued_kinds = ["title", "body"]      # optional: overrides the default queued kinds
    exclude_sections = ["Bibliography"]   # optional: headings whose sections are not queued
    exclude_ranges = [[0, 120]]           # optional: character ranges that are not queued
"""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
import json
import logging
import os
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from framing.ingest_pool import Documents, SegmentPool, pool_for, pooled
from framing.models import DEFAULT_QUEUED_KINDS, Document, FramingError, UnitDraft
from framing.segment import SEGMENTER_VERSION, UNIT_KINDS, LineSource, iter_segments

__all__ = [
    "MANIFEST_NAME",
    "Documents",
    "TEXT_SUFFIXES",
    "ManifestEntry",
    "discover",
    "document_text",
    "load_manifest",
    "prepare_documents",
]

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.toml"
#: File suffixes picked up when a folder is given.
TEXT_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".markdown", ".jsonl")

_STR_FIELDS = ("title", "author", "publisher", "date", "source", "perspective", "notes")
_META_FIELDS = ("title", "author", "publisher", "date", "source", "perspective")


@dataclass(frozen=True)
class ManifestEntry:
    """What a manifest says about one file."""

    doc_id: str
    file: str
    title: str = ""
    author: str = ""
    publisher: str = ""
    date: str = ""
    source: str = ""
    perspective: str = ""
    notes: str = ""
    queued_kinds: tuple[str, ...] | None = None
    exclude_sections: tuple[str, ...] = ()
    exclude_ranges: tuple[tuple[int, int], ...] = ()


# --------------------------------------------------------------------------------------
# Discovery and manifests
# --------------------------------------------------------------------------------------


def discover(paths: Sequence[str | Path], warn: Callable[[str], None] | None = None) -> list[Path]:
    """The files to ingest: folders expanded recursively (sorted), files as given.

    Raises FramingError for a path that does not exist. Inside a folder, a subfolder
    that cannot be read, and a symlink that leads outside the folder (e.g. to
    ``/etc/hostname``), are skipped with a warning naming them; symlinked folders
    are not followed.
    """
    say = warn or _log_warning
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = list(_walk(path, say))
            found.sort(key=lambda f: f.relative_to(path).as_posix())
        elif path.is_file():
            found = [path]
        else:
            raise FramingError(f"{str(path)!r}: no such file or folder")
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def _walk(root: Path, warn: Callable[[str], None]) -> Iterator[Path]:
    real_root = root.resolve()

    def unreadable(err: OSError) -> None:
        warn(f"{err.filename!r}: cannot read this folder ({err.strerror}); skipped")

    for folder, dirs, files in os.walk(root, onerror=unreadable, followlinks=False):
        base = Path(folder)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        if any(part.startswith(".") for part in base.relative_to(root).parts):
            continue
        for name in files:
            f = base / name
            if name.startswith(".") or f.suffix.lower() not in TEXT_SUFFIXES:
                continue
            if f.is_symlink():
                target = f.resolve()
                if not target.is_relative_to(real_root):
                    warn(f"{str(f)!r} is a symlink to {str(target)!r}, outside the folder; skipped")
                    continue
            if f.is_file():
                yield f


def _strings(value: Any, what: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FramingError(f"{where}: {what} must be a list of strings")
    return tuple(value)


def _entry(raw: Any, index: int, manifest: Path) -> ManifestEntry:
    where = f"{manifest}: document {index + 1}"
    if not isinstance(raw, dict):
        raise FramingError(f"{where} is not a table")
    known = {"id", "doc_id", "file", "queued_kinds", "exclude_sections", "exclude_ranges"}
    unknown = sorted(set(raw) - known - set(_STR_FIELDS))
    if unknown:
        raise FramingError(f"{where}: unknown key(s) {', '.join(unknown)}")
    file = raw.get("file")
    if not isinstance(file, str) or not file:
        raise FramingError(f"{where}: 'file' is missing")
    where = f"{manifest}: entry for {file!r}"
    fields: dict[str, Any] = {}
    for name in _STR_FIELDS:
        value = raw.get(name, "")
        if not isinstance(value, str):
            raise FramingError(f"{where}: {name} must be a string")
        fields[name] = value
    doc_id = raw.get("doc_id", raw.get("id", Path(file).stem))
    if not isinstance(doc_id, str) or not doc_id:
        raise FramingError(f"{where}: doc_id must be a non-empty string")
    queued: tuple[str, ...] | None = None
    if "queued_kinds" in raw:
        queued = _strings(raw["queued_kinds"], "queued_kinds", where)
        bad = [k for k in queued if k not in UNIT_KINDS]
        if bad:
            raise FramingError(
                f"{where}: unknown kind(s) {', '.join(bad)} (kinds: {', '.join(UNIT_KINDS)})"
            )
    sections = _strings(raw.get("exclude_sections", []), "exclude_sections", where)
    ranges_raw = raw.get("exclude_ranges", [])
    ranges: list[tuple[int, int]] = []
    if not isinstance(ranges_raw, list):
        raise FramingError(f"{where}: exclude_ranges must be a list of [start, end] pairs")
    for r in ranges_raw:
        if (
            not isinstance(r, list)
            or len(r) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in r)
            or not 0 <= r[0] <= r[1]
        ):
            raise FramingError(f"{where}: exclude_ranges must be a list of [start, end] pairs")
        ranges.append((r[0], r[1]))
    return ManifestEntry(
        doc_id=doc_id,
        file=file,
        queued_kinds=queued,
        exclude_sections=sections,
        exclude_ranges=tuple(ranges),
        **fields,
    )


def load_manifest(folder: Path) -> dict[str, ManifestEntry]:
    """Entries of ``folder/manifest.toml`` keyed by file path relative to ``folder``.

    No manifest: an empty dict. Malformed TOML, bad values, duplicate files or doc ids
    and entries naming missing files raise FramingError.
    """
    manifest = Path(folder) / MANIFEST_NAME
    if not manifest.is_file():
        return {}
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise FramingError(f"{manifest}: invalid TOML: {err}") from None
    except RecursionError:
        raise FramingError(f"{manifest}: TOML nested too deeply") from None
    except UnicodeDecodeError as err:
        raise FramingError(f"{manifest}: not UTF-8 (byte offset {err.start})") from None
    unknown = sorted(set(data) - {"documents", "document"})
    if unknown:
        raise FramingError(f"{manifest}: unknown top-level key(s) {', '.join(unknown)}")
    rows = data.get("documents", data.get("document", []))
    if not isinstance(rows, list):
        raise FramingError(f"{manifest}: 'documents' must be an array of tables")
    entries: dict[str, ManifestEntry] = {}
    ids: dict[str, str] = {}
    for i, row in enumerate(rows):
        entry = _entry(row, i, manifest)
        key = Path(entry.file).as_posix()
        if key in entries:
            raise FramingError(f"{manifest}: {entry.file!r} is listed twice")
        if entry.doc_id in ids:
            raise FramingError(
                f"{manifest}: doc_id {entry.doc_id!r} is used for {ids[entry.doc_id]!r} "
                f"and {entry.file!r}"
            )
        if not (manifest.parent / entry.file).is_file():
            raise FramingError(
                f"{manifest}: entry {entry.doc_id!r} names {entry.file!r}, which does not exist"
            )
        entries[key] = entry
        ids[entry.doc_id] = entry.file
    return entries


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def _decode(data: bytes, name: str, encoding: str | None) -> str:
    try:
        return data.decode(encoding or "utf-8")
    except UnicodeDecodeError as err:
        byte = data[err.start]
        if encoding is None or encoding.lower().replace("-", "").replace("_", "") == "utf8":
            raise FramingError(
                f"{name!r} is not UTF-8 (byte 0x{byte:02x} at offset {err.start}); "
                "pass --encoding latin-1 if that is its encoding"
            ) from None
        raise FramingError(
            f"{name!r} is not {encoding} (byte 0x{byte:02x} at offset {err.start})"
        ) from None
    except LookupError:
        raise FramingError(f"unknown encoding {encoding!r}") from None


def _nul_is_binary(encoding: str | None) -> bool:
    return encoding is None or not encoding.lower().replace("-", "").startswith("utf16")


#: Bytes read at a time: a file is never held in memory whole (except a .jsonl file).
READ_CHUNK = 1 << 20
_BREAK_CHARS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits on


def _decoder(encoding: str | None) -> codecs.IncrementalDecoder:
    try:
        return codecs.getincrementaldecoder(encoding or "utf-8")()
    except LookupError:
        raise FramingError(f"unknown encoding {encoding!r}") from None


def _scan(path: Path, name: str, encoding: str | None) -> tuple[str, str, int]:
    """Read a plain file in chunks: ``(status, sha256, n_chars)``, where status is
    "ok", "empty" (only whitespace) or "binary" (NUL bytes). A file that does not
    decode raises FramingError (the message of :func:`_decode`)."""
    digest = hashlib.sha256()
    decoder = _decoder(encoding)
    n_chars = 0
    blank = True
    nul = False
    bad = False
    with path.open("rb") as fh:
        while chunk := fh.read(READ_CHUNK):
            digest.update(chunk)
            blank = blank and not chunk.strip()
            nul = nul or b"\x00" in chunk
            if not bad:
                try:
                    n_chars += len(decoder.decode(chunk))
                except UnicodeDecodeError:
                    bad = True
    if blank:
        return "empty", "", 0
    if nul and _nul_is_binary(encoding):
        return "binary", "", 0
    if not bad:
        try:
            n_chars += len(decoder.decode(b"", final=True))
        except UnicodeDecodeError:
            bad = True
    if bad:  # the error path: read it whole for the exact message
        _decode(path.read_bytes(), name, encoding)
        raise FramingError(f"{name!r} changed while it was being read")
    return "ok", digest.hexdigest(), n_chars


def _file_lines(path: Path, name: str, encoding: str | None, sha256: str) -> LineSource:
    """The lines of a plain file, decoded chunk by chunk (``str.splitlines`` semantics,
    line breaks kept). Reading to the end checks the file's SHA-256 against the one
    recorded by the validation pass."""

    def lines() -> Iterator[str]:
        digest = hashlib.sha256()
        decoder = _decoder(encoding)
        rest: list[str] = []  # an unfinished line (it may end with "\r" of a "\r\n")
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(READ_CHUNK):
                    digest.update(chunk)
                    s = decoder.decode(chunk)
                    if not s:
                        continue
                    if rest:
                        rest.append(s)
                        if not any(c in s for c in _BREAK_CHARS):
                            continue
                        s = "".join(rest)
                        rest = []
                    got = s.splitlines(keepends=True)
                    rest = [got.pop()]
                    yield from got
                tail = "".join(rest) + decoder.decode(b"", final=True)
        except (UnicodeDecodeError, OSError):
            raise FramingError(f"{name!r} changed while it was being read") from None
        yield from tail.splitlines(keepends=True)
        if digest.hexdigest() != sha256:
            raise FramingError(f"{name!r} changed while it was being read")

    return lines


@dataclass
class _Plan:
    """One document to produce, as checked by the validation pass."""

    path: Path
    name: str  # the path as shown in messages and in Document.file (without #L)
    doc_id: str
    line: int = 0  # 1-based line of a .jsonl record, 0 for a plain file
    sha256: str = ""
    n_chars: int = 0
    meta: dict[str, str] = dataclasses.field(default_factory=dict)
    queued_kinds: tuple[str, ...] | None = None
    exclude_sections: tuple[str, ...] = ()
    exclude_ranges: tuple[tuple[int, int], ...] = ()


def _jsonl_records(text: str, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise FramingError(f"{name!r} line {n}: invalid JSON: {err.msg}") from None
        except RecursionError:
            raise FramingError(f"{name!r} line {n}: JSON nested too deeply") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise FramingError(f"{name!r} line {n}: expected an object with a 'text' string")
        for key, value in record.items():
            if isinstance(value, str) and any(0xD800 <= ord(c) < 0xE000 for c in value):
                raise FramingError(
                    f"{name!r} line {n}: {key} contains a lone surrogate (invalid Unicode)"
                )
        yield n, record


def _record_meta(record: dict[str, Any], name: str, n: int) -> dict[str, str]:
    meta: dict[str, str] = {}
    for key in _META_FIELDS:
        value = record.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise FramingError(f"{name!r} line {n}: {key} must be a string")
        meta[key] = str(value)
    return meta


def _record_id(record: dict[str, Any], stem: str, n: int, name: str) -> str:
    value = record.get("doc_id", record.get("id"))
    if value is None or value == "":
        return f"{stem}-L{n}"
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FramingError(f"{name!r} line {n}: id must be a string or an integer")
    return str(value)


def _manifests_for(
    paths: Sequence[str | Path], files: list[Path]
) -> dict[Path, tuple[ManifestEntry, Path]]:
    """Map each file (resolved) to its manifest entry and the manifest's folder."""
    folders: list[Path] = []
    for raw in paths:
        p = Path(raw)
        folders.append(p if p.is_dir() else p.parent)
    out: dict[Path, tuple[ManifestEntry, Path]] = {}
    done: set[Path] = set()
    for folder in folders:
        key = folder.resolve()
        if key in done:
            continue
        done.add(key)
        for rel, entry in load_manifest(folder).items():
            out.setdefault((folder / rel).resolve(), (entry, folder))
    wanted = {f.resolve() for f in files}
    return {k: v for k, v in out.items() if k in wanted}


def _plan(
    paths: Sequence[str | Path], encoding: str | None, warn: Callable[[str], None]
) -> list[_Plan]:
    files = discover(paths, warn)
    manifests = _manifests_for(paths, files)
    plans: list[_Plan] = []
    for path in files:
        name = str(path)
        if path.suffix.lower() != ".jsonl":
            status, sha256, n_chars = _scan(path, name, encoding)
            if status == "empty":
                warn(f"{name!r} is empty; skipped")
                continue
            if status == "binary":
                warn(f"{name!r} looks binary (it contains NUL bytes); skipped")
                continue
            entry = manifests.get(path.resolve())
            plan = _Plan(path=path, name=name, doc_id=path.stem, sha256=sha256, n_chars=n_chars)
            if entry is not None:
                e = entry[0]
                plan.doc_id = e.doc_id
                plan.meta = {k: getattr(e, k) for k in _META_FIELDS}
                plan.queued_kinds = e.queued_kinds
                plan.exclude_sections = e.exclude_sections
                plan.exclude_ranges = e.exclude_ranges
            plans.append(plan)
            continue
        data = path.read_bytes()
        if not data.strip():
            warn(f"{name!r} is empty; skipped")
            continue
        if b"\x00" in data and _nul_is_binary(encoding):
            warn(f"{name!r} looks binary (it contains NUL bytes); skipped")
            continue
        text = _decode(data, name, encoding)
        for n, record in _jsonl_records(text, name):
            body = record["text"]
            if not body.strip():
                warn(f"{name!r} line {n} has no text; skipped")
                continue
            plans.append(
                _Plan(
                    path=path,
                    name=name,
                    doc_id=_record_id(record, path.stem, n, name),
                    line=n,
                    sha256=hashlib.sha256(body.encode("utf-8")).hexdigest(),
                    n_chars=len(body),
                    meta=_record_meta(record, name, n),
                )
            )
    seen: dict[str, str] = {}
    for p in plans:
        where = f"{p.name}#L{p.line}" if p.line else p.name
        if p.doc_id in seen:
            raise FramingError(f"duplicate doc_id {p.doc_id!r}: {seen[p.doc_id]!r} and {where!r}")
        seen[p.doc_id] = where
    return plans


def _document(plan: _Plan) -> Document:
    return Document(
        doc_id=plan.doc_id,
        file=f"{plan.name}#L{plan.line}" if plan.line else plan.name,
        sha256=plan.sha256,
        n_chars=plan.n_chars,
        **plan.meta,
    )


class _JsonlCursor:
    """Records of one .jsonl file, parsed once for all of its documents (they are
    read in line order; going back re-reads the file)."""

    def __init__(self, path: Path, name: str, encoding: str | None) -> None:
        self.path, self.name, self.encoding = path, name, encoding
        self._records: Iterator[tuple[int, dict[str, Any]]] | None = None
        self._line = 0

    def text(self, plan: _Plan) -> str:
        """The ``text`` of ``plan``'s record, checked against the validation pass."""
        if self._records is None or plan.line <= self._line:
            text = _decode(self.path.read_bytes(), self.name, self.encoding)
            self._records = _jsonl_records(text, self.name)
            self._line = 0
        for n, record in self._records:
            self._line = n
            if n == plan.line:
                body: str = record["text"]
                if hashlib.sha256(body.encode("utf-8")).hexdigest() == plan.sha256:
                    return body
                break
        self._records = None
        raise FramingError(f"{plan.name!r} changed while it was being read")


def _cursor_for(
    plan: _Plan, cursors: dict[Path, _JsonlCursor], encoding: str | None
) -> _JsonlCursor | None:
    """The cursor of ``plan``'s .jsonl file (None for a plain file), kept in
    ``cursors`` while its documents come in line order (one file at a time)."""
    if not plan.line:
        return None
    cursor = cursors.get(plan.path)
    if cursor is None:
        cursors.clear()
        cursor = cursors[plan.path] = _JsonlCursor(plan.path, plan.name, encoding)
    return cursor


def document_text(file: str, encoding: str | None = None) -> str:
    """The text that a document's unit offsets index, from ``Document.file``.

    ``"path#L<n>"`` reads the ``text`` of line ``n`` of a ``.jsonl`` file.
    """
    name, _, line = file.rpartition("#L") if "#L" in file else (file, "", "")
    path = Path(name)
    if not path.is_file():
        raise FramingError(f"{name!r}: no such file")
    text = _decode(path.read_bytes(), name, encoding)
    if not line:
        return text
    for n, record in _jsonl_records(text, name):
        if str(n) == line:
            return str(record["text"])
    raise FramingError(f"{name!r} has no line {line}")


def _log_warning(message: str) -> None:
    log.warning("%s", message)


def prepare_documents(
    paths: Sequence[str | Path],
    *,
    encoding: str | None = None,
    queued_kinds: Iterable[str] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    warn: Callable[[str], None] | None = None,
    hinter: Callable[[str, float], dict[str, Any]] | None = None,
    settings: str = "",
    workers: int | None = 1,
) -> Documents:
    """Check the inputs, then return an iterator of ``(Document, units)``.

    All checks (see the module docstring) run before this function returns, so a bad
    file raises FramingError before anything is yielded. Segmentation then runs lazily:
    ``units`` is an iterator that segments its document only when it is iterated, batch
    by batch (see :func:`framing.segment.iter_segments`); a plain file is read from disk
    in chunks and never held whole, so memory stays bounded for a very large file.
    Iterate each document's units once; collect them (``list(units)``) to keep them.

    ``encoding`` applies to every file (default UTF-8). ``queued_kinds`` is the default
    set of queued kinds (e.g. the codebook's; an unknown kind is an error); a manifest
    entry's ``queued_kinds`` wins over it. ``on_progress(done, total)`` reports
    characters segmented over all documents, after every batch of paragraphs (so a
    single big file advances a progress bar too). ``warn`` receives one line per
    skipped file or record.
    ``hinter(text, sentiment)``, if given, computes each unit's pre-annotation hints
    (see :mod:`framing.hints`); segmentation's own hints (``excluded``, ``segments``,
    ``duplicate_of``) are kept alongside. ``settings`` names whatever else shapes the
    units (e.g. the codebook's gazetteer); it goes into each document's
    ``fingerprint``, with the segmenter version and the document's own settings, so
    the store can skip re-segmenting an unchanged document.

    ``workers``: how many processes segment (:mod:`framing.ingest_pool`): 1 (the
    default) segments here, lazily as above; ``None``, one per CPU core when there is
    enough text in several documents; ``n`` > 1, ``n`` for several documents. Workers
    segment documents ahead, whole (a long one streams here), and ``on_progress``
    then advances per document; units and errors are the same. ``close()`` the
    result (or use ``with``) to stop the workers when stopping early.
    """
    default_kinds = tuple(queued_kinds) if queued_kinds is not None else DEFAULT_QUEUED_KINDS
    bad = [k for k in default_kinds if k not in UNIT_KINDS]
    if bad:
        raise FramingError(
            f"queued_kinds: unknown kind(s) {', '.join(bad)} (kinds: {', '.join(UNIT_KINDS)})"
        )
    try:
        plans = _plan(paths, encoding, warn or _log_warning)
    except OSError as err:
        raise _unreadable(err) from err
    pool = pool_for(plans, workers, encoding, default_kinds, hinter)
    pairs = _produce(plans, encoding, default_kinds, on_progress, hinter, settings, pool)
    return Documents(pairs, pool)


def _unreadable(err: OSError) -> FramingError:
    return FramingError(f"{err.filename or 'input'}: cannot read ({err.strerror or err})")


def _fingerprint(plan: _Plan, kinds: tuple[str, ...], settings: str) -> str:
    key = [
        SEGMENTER_VERSION,
        list(kinds),
        list(plan.exclude_sections),
        [list(r) for r in plan.exclude_ranges],
        plan.meta.get("title", ""),
        settings,
    ]
    return hashlib.sha256(json.dumps(key, ensure_ascii=False).encode()).hexdigest()[:16]


def _produce(
    plans: list[_Plan],
    encoding: str | None,
    default_kinds: tuple[str, ...],
    on_progress: Callable[[int, int], None] | None,
    hinter: Callable[[str, float], dict[str, Any]] | None = None,
    settings: str = "",
    pool: SegmentPool | None = None,
) -> Iterator[tuple[Document, Iterator[UnitDraft]]]:
    total = sum(p.n_chars for p in plans)
    base = 0
    cursors: dict[Path, _JsonlCursor] = {}
    for index, plan in enumerate(plans):
        cursor = _cursor_for(plan, cursors, encoding)
        kinds = plan.queued_kinds if plan.queued_kinds is not None else default_kinds
        doc = replace(_document(plan), fingerprint=_fingerprint(plan, kinds, settings))
        units = _units(plan, cursor, encoding, kinds, on_progress, hinter, base, total)
        if pool is not None:  # from a worker, unless the pool leaves it to us
            units = pooled(pool, index, plan.n_chars, units, on_progress, base, total)
        yield doc, units
        base += plan.n_chars


def _units(
    plan: _Plan,
    cursor: _JsonlCursor | None,
    encoding: str | None,
    default_kinds: tuple[str, ...],
    on_progress: Callable[[int, int], None] | None,
    hinter: Callable[[str, float], dict[str, Any]] | None,
    base: int,
    total: int,
) -> Iterator[UnitDraft]:
    """One document's units (a generator: nothing is read before it is iterated)."""
    progress: Callable[[int, int], None] | None = None
    if on_progress is not None:
        report = on_progress

        def progress(done: int, _total: int) -> None:
            report(base + min(done, plan.n_chars), total)

    source: str | LineSource
    try:
        if cursor is not None:
            source = cursor.text(plan)
        else:
            source = _file_lines(plan.path, plan.name, encoding, plan.sha256)
        yield from _segments(plan, source, default_kinds, progress, hinter)
    except OSError as err:  # e.g. the file vanished or lost its permissions mid-run
        raise _unreadable(err) from err


def _segments(
    plan: _Plan,
    source: str | LineSource,
    default_kinds: tuple[str, ...],
    progress: Callable[[int, int], None] | None,
    hinter: Callable[[str, float], dict[str, Any]] | None,
) -> Iterator[UnitDraft]:
    yield from iter_segments(
        source,
        queued_kinds=default_kinds,
        title=plan.meta.get("title") or None,
        exclude_sections=plan.exclude_sections,
        exclude_ranges=plan.exclude_ranges,
        on_progress=progress,
        hinter=hinter,
    )
