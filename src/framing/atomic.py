"""Write an ``-o`` destination safely: never destroy what the path points at.

A plain file is written all at once (a temporary file beside it, fsynced, then
renamed over it), so readers see the old file or the whole new one. But a rename
replaces *whatever* is at the path, which is wrong for anything but a regular file:

* ``-`` means standard output;
* a character device (``/dev/null``, ``/dev/full``, a terminal), a FIFO, a socket,
  and any path under ``/dev/`` or ``/proc/`` (``/dev/stdout``, ``/dev/fd/3``) are
  written through, in place, never renamed over (as root, a rename would replace
  the device node with a regular file; a FIFO's reader would get nothing);
* a symlink is followed: its *target* is replaced atomically, the link stays;
* a replaced file keeps its permission bits (a new file gets 0666 less the umask);
* an SQLite database (the one in use, its ``-wal``/``-shm``/``-journal`` files, or
  any file that starts with SQLite's header) is refused: writing a report over the
  database would silently destroy every label.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from framing.models import FramingError

_SQLITE_HEADER = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-shm", "-journal")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_not_database(path: str | Path, protect: Iterable[str | Path] = ()) -> None:
    """Raise :class:`FramingError` if writing to ``path`` would overwrite an SQLite
    database: one of ``protect`` (the database in use) or its side files, or any
    file with SQLite's header, or the side file of one."""
    target = Path(os.path.realpath(path))
    for db in protect:
        if str(db) in ("", ":memory:"):
            continue
        db_real = Path(os.path.realpath(db))
        for cand in (db_real, *(Path(f"{db_real}{s}") for s in _SIDE_FILES)):
            if target == cand or _same(target, cand):
                raise FramingError(
                    f"{path}: refusing to write here: it is the database in use ({db}) "
                    "or one of its files; choose another -o"
                )
    if target.is_file() and _is_sqlite(target):
        raise FramingError(f"{path}: refusing to overwrite an SQLite database; choose another -o")
    for suffix in _SIDE_FILES:
        if target.name.endswith(suffix):
            base = target.with_name(target.name[: -len(suffix)])
            if base.is_file() and _is_sqlite(base):
                raise FramingError(
                    f"{path}: refusing to write here: it is the {suffix[1:]} file of the "
                    f"SQLite database {base}; choose another -o"
                )


def _write_through(path: str | Path) -> bool:
    """True if ``path`` must be written in place rather than replaced by a rename."""
    try:
        mode = os.stat(path).st_mode  # follows symlinks
    except OSError:
        return False
    if str(path).startswith(("/dev/", "/proc/")):
        return True
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


@contextlib.contextmanager
def atomic_writer(path: str | Path, *, protect: Iterable[str | Path] = ()) -> Iterator[IO[str]]:
    """Yield a text handle for the ``-o`` destination ``path`` (see the module doc).

    For a regular (or new) file: a temporary file beside the symlink-resolved
    target; on success it is fsynced, given the replaced file's mode (or 0666 less
    the umask) and renamed over the target. On any error the temporary file is
    removed and the target is untouched. An OS error (no such folder, no permission,
    disk full) becomes a one-line :class:`FramingError`. ``protect`` names the
    database in use, which is refused with its side files.
    """
    if str(path) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    check_not_database(path, protect)
    if _write_through(path):
        try:
            fh = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as err:
            raise FramingError(f"{path}: cannot write ({err.strerror or err})") from err
        try:
            with fh:
                yield fh
        except OSError as err:
            raise FramingError(f"{path}: cannot write ({err.strerror or err})") from err
        return
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise FramingError(f"{path}: is a folder; give a file name")
    try:
        old_mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except OSError:
        old_mode = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as err:
        raise FramingError(f"{path}: cannot write here ({err.strerror or err})") from err
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, old_mode if old_mode is not None else 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise FramingError(f"{path}: cannot write ({err.strerror or err})") from err
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, text: str, *, protect: Iterable[str | Path] = ()) -> None:
    """Write ``text`` (UTF-8) to ``path`` (see :func:`atomic_writer`)."""
    with atomic_writer(path, protect=protect) as fh:
        fh.write(text)


def write_bytes_atomic(
    path: str | Path, data: bytes, *, protect: Iterable[str | Path] = ()
) -> None:
    """Write ``data`` to ``path`` atomically (temporary file beside it, then rename);
    PNG figures and Parquet files go through here."""
    check_not_database(path, protect)
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as err:
        raise FramingError(f"{target}: cannot write here ({err.strerror or err})") from err
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise FramingError(f"{target}: cannot write ({err.strerror or err})") from err
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
