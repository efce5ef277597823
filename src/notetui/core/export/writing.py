"""Writing an export's files: all of them or none when one would be overwritten,
each one atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

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


def _write_atomic(target: Path, data: bytes, *, overwrite: bool) -> bool:
    """Write `data` to a temp file beside `target`, then move it into place in one
    step. Without `overwrite`, a file that appeared meanwhile is kept (returns False)."""
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        mode = 0o644
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".notetui-export-", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(mode)
        if overwrite:
            tmp.replace(target)
        else:
            try:
                os.link(tmp, target)  # fails if the name exists: no overwrite, ever
            except FileExistsError:
                return False
            except OSError:  # a filesystem without hard links
                if os.path.lexists(target):
                    return False
                tmp.replace(target)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    _fsync_folder(target.parent)
    return True


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
