"""Atomic, durable output files: nothing is ever half-written.

Output goes to a temporary file in the target folder; on success it is flushed, fsynced and
renamed over the target (atomic on POSIX and Windows); on any error the temporary file is
removed and a previous file at the target is left intact.

On POSIX the temporary file has no name while it is being written (``O_TMPFILE``, or a file
unlinked as soon as it is created), so that a process killed mid-write (``SIGKILL``, the OOM
killer) leaves no partial file behind: the kernel frees it. Complete, it is given a name
beside the target — linked into the folder (Linux, ``O_TMPFILE``) or else copied into a named
temporary file — and that name is renamed over the target.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_output"]

_CHUNK = 1 << 20


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[BinaryIO]:
    """Open a binary stream whose content replaces ``path`` only if the block succeeds.

    Examples:
        >>> import tempfile, pathlib
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
        >>> with atomic_output(target) as out:
        ...     _ = out.write(b"done")
        >>> target.read_bytes()
        b'done'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if os.name != "posix":  # an open file cannot be unlinked: write a named temporary file
        with _named(target) as handle:
            yield handle
        return
    with os.fdopen(_anonymous(target.parent), "w+b") as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())
        _publish(handle, target)
    _sync_folder(target.parent)


def _anonymous(folder: Path) -> int:
    """A new, empty, writable file in ``folder`` that has no name (freed when closed)."""
    if hasattr(os, "O_TMPFILE"):
        with contextlib.suppress(OSError):  # a kernel or file system without it
            return os.open(folder, os.O_TMPFILE | os.O_RDWR, 0o666)  # the umask applies
    fd, name = tempfile.mkstemp(prefix=".", suffix=".part", dir=folder)
    os.unlink(name)
    return fd


def _publish(handle: BinaryIO, target: Path) -> None:
    """Give the complete nameless file ``handle`` the name ``target``, atomically."""
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
    try:  # an O_TMPFILE file can be linked into the folder through /proc (Linux)
        _link_proc_fd(handle.fileno(), tmp)
    except OSError:  # no O_TMPFILE, no /proc, or refused: copy it into a named file
        handle.seek(0)
        with _named(target) as copy:
            shutil.copyfileobj(handle, copy, _CHUNK)
        return
    try:
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _link_proc_fd(fd: int, name: Path) -> None:
    """``linkat(/proc/self/fd/FD, name, AT_SYMLINK_FOLLOW)``: a name for an open file.

    Passing ``dst_dir_fd`` makes CPython call ``linkat`` with ``AT_SYMLINK_FOLLOW``; a plain
    ``os.link`` calls ``link()``, which does not follow the ``/proc`` link (``EXDEV``).
    """
    folder = os.open(name.parent, os.O_RDONLY)
    try:
        os.link(f"/proc/self/fd/{fd}", name.name, dst_dir_fd=folder, follow_symlinks=True)
    finally:
        os.close(folder)


@contextlib.contextmanager
def _named(target: Path) -> Iterator[BinaryIO]:
    """A named temporary file beside ``target``, renamed over it if the block succeeds."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; outputs follow the umask
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort: not every system can)."""
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _umask() -> int:
    """The process's umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
