"""Writing an export's files: all of them or none when one would be overwritten,
each one with the core's one atomic write (`core.atomic`)."""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from pathlib import Path

from notetui.core.atomic import NotDurable, atomic_write
from notetui.core.export.selection import ExportError, ExportFile

FILE_SUFFIXES = (".md", ".markdown")


def output_is_file(out: Path) -> bool:
    """`out` names one Markdown file (an existing file, or a new name ending in .md)
    rather than a folder."""
    if out.is_dir():
        return False
    return out.is_file() or out.suffix.lower() in FILE_SUFFIXES


def write_all(
    folder: Path, files: Sequence[ExportFile], force: bool
) -> tuple[tuple[Path, ...], tuple[Path, ...], tuple[Path, ...]]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"cannot create {folder} ({error.strerror or error})") from None
    if not folder.is_dir():
        raise ExportError(f"{folder} is not a folder")
    resolved = folder.resolve()
    planned: list[tuple[Path, bytes]] = []
    unchanged: list[Path] = []
    existing: list[Path] = []
    for export in files:
        target = folder / export.name
        if target.resolve().parent != resolved or export.name != Path(export.name).name:
            raise ExportError(f"refusing to write {export.name!r} outside {folder}")
        data = export.text.encode("utf-8")
        if os.path.lexists(target):
            if target.is_file() and _same_content(target, data):
                unchanged.append(target)
                continue
            if not force:
                existing.append(target)
                continue
        planned.append((target, data))
    if existing:
        return (), tuple(unchanged), tuple(existing)
    written: list[Path] = []
    for target, data in planned:
        try:
            created = _write_atomic(target, data, overwrite=force)
        except OSError as error:
            done = f" ({len(written)} written before it)" if written else ""
            raise ExportError(f"cannot write {target} ({error.strerror or error}){done}") from None
        if created:
            written.append(target)
        else:  # appeared since we looked, and we may not overwrite it
            existing.append(target)
    return tuple(written), tuple(unchanged), tuple(existing)


def _same_content(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


# What link() says on a filesystem without hard links (FAT, some network shares).
_NO_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS})


def _write_atomic(target: Path, data: bytes, *, overwrite: bool) -> bool:
    """Write one file with the core's atomic write. Without `overwrite`, a file that
    appeared meanwhile is kept (returns False)."""
    try:
        atomic_write(target, data, overwrite=overwrite)
    except FileExistsError:
        return False
    except NotDurable:
        return True  # in place; only the folder's fsync failed, as exports always allowed
    except OSError as error:
        if overwrite or error.errno not in _NO_LINKS:
            raise
        # No hard links, so no refusal of an existing name: check, then replace.
        if os.path.lexists(target):
            return False
        try:
            atomic_write(target, data)
        except NotDurable:
            return True
    return True
