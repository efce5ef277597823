"""One atomic file write for the whole core.

A write goes to a temp file beside the target, is fsynced, then renamed over the
target, and the folder is fsynced so the rename itself survives a power cut. At any
instant the target holds either the old content or the new, whole.

    atomic_write(path, b"...")                  # replace, keeping the file's mode
    atomic_write(path, pieces, overwrite=False)  # FileExistsError if it exists

Errors are OSError, raised before the target changed (the temp file is removed),
except `NotDurable`: the new content is in place, but the folder could not be
synced, so a power cut might still bring back the old file.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

__all__ = ["NotDurable", "atomic_write", "stale_temp_files", "sync_folder", "temp_name_pattern"]

_POSIX = os.name == "posix"
_O_BINARY: int = getattr(os, "O_BINARY", 0)


class NotDurable(OSError):
    """The file was replaced, but its folder could not be fsynced."""


def temp_name_pattern(path: Path) -> re.Pattern[str]:
    """Names of the temp files `atomic_write` makes for `path`, and nothing else."""
    return re.compile(re.escape(f".{path.name}.") + r"[0-9a-f]{8}\.tmp")


def stale_temp_files(path: Path) -> list[Path]:
    """Temp files a killed write left beside `path` (remove them only under a lock
    that every writer of `path` holds)."""
    pattern = temp_name_pattern(path)
    try:
        return sorted(p for p in path.parent.iterdir() if pattern.fullmatch(p.name))
    except OSError:  # no folder yet, or unreadable: nothing of ours can be there
        return []


def _write_all(fd: int, data: bytes | Iterable[bytes]) -> None:
    for piece in (data,) if isinstance(data, bytes | bytearray | memoryview) else data:
        view = memoryview(piece)
        while view:
            view = view[os.write(fd, view) :]


def _existing_mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None


def atomic_write(
    path: Path,
    data: bytes | Iterable[bytes],
    *,
    overwrite: bool = True,
    mode: int | None = None,
    durable: bool = True,
) -> None:
    """Write `data` (bytes, or pieces of it) to `path` atomically.

    `mode`: the permission bits of the new file; by default those of the file being
    replaced (a user's chmod 600 survives), else 0o666 less the umask. With
    `overwrite=False` an existing file is never replaced (FileExistsError). With
    `durable=False` nothing is fsynced (for caches that can be rebuilt).
    """
    path = Path(path)
    if mode is None:
        mode = _existing_mode(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o666)
        try:
            if _POSIX and mode is not None:
                os.fchmod(fd, mode)
            _write_all(fd, data)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        if overwrite:
            tmp.replace(path)
        else:
            # link() refuses an existing name, atomically: no check-then-rename race.
            os.link(tmp, path)
            tmp.unlink()
    except BaseException:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    if durable:
        try:
            sync_folder(path.parent)
        except OSError as error:
            raise NotDurable(error.errno, error.strerror or str(error)) from error


def sync_folder(folder: Path) -> None:
    """fsync a folder, making renames, creations and deletions in it durable. Does
    nothing on Windows (no folder fds) or on filesystems that cannot sync folders."""
    if not _POSIX:
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as error:
        if error.errno == errno.EINVAL:
            return
        raise
