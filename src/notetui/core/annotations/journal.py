"""The store's journal: recent changes, one JSON line each, beside the main file.

Rewriting a 47 MB file to save one annotation is what made saves slow at scale. So a
change is appended to `<store>.journal` (one line, fsynced) and the main file is
rewritten ("compacted") only now and then, under the lock and atomically.

    {"base": [<mtime_ns>, <size>, <inode>, <device>], "notetui": "annotations journal",
     "version": 1}
    {"at": "2026-11-23T09:12:09Z", "changes": [{"key": "<uid>", "record": {...},
     "table": "annotations"}]}          (one line in the file)

A line is one store operation, all or nothing. Each change says what one record is
now (`record`), or that it is gone (`null`), keyed by the annotation's uid or the tag
set's target id. Changes are states, not deltas, so replaying a line twice gives the
same store: a compaction that crashed after writing the main file but before removing
the journal loses nothing and duplicates nothing.

A last line without its newline is a write that was cut off (a kill, a power cut):
it was never reported as saved, readers ignore it and the next writer cuts it off.
Any other line that cannot be read makes the store refuse to open, like a bad main
file: nothing is ever dropped silently.

The header's `base` is the main file the journal was started on, as stat saw it: a
file that a notetui had read whole and accepted. While the main file still matches
it, nothing changed it since, and a new record can be appended without reading it
(`StoreFiles.append_new`). Older journals have no `base`; readers ignore it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from notetui.core.annotations.errors import BadStore
from notetui.core.annotations.storage import encode_record, loads_strict
from notetui.core.atomic import atomic_write, sync_folder

__all__ = ["JOURNAL_VERSION", "TABLES", "Change", "Entry", "Journal", "journal_path"]

JOURNAL_VERSION = 1
TABLES = ("annotations", "trash", "tags")
_HEADER = {"notetui": "annotations journal", "version": JOURNAL_VERSION}
_POSIX = os.name == "posix"
_O_BINARY: int = getattr(os, "O_BINARY", 0)
_READ_CHUNK = 1 << 20

# (device, inode, size, mtime_ns) of the journal file, None if there is none.
JournalStat = tuple[int, int, int, int]
# (mtime_ns, size, inode, device) of the main file, as `files.BaseStat`.
BaseStat = tuple[int, int, int, int]


def journal_path(store: Path) -> Path:
    return store.with_name(store.name + ".journal")


@dataclass(frozen=True, slots=True)
class Change:
    """What one record is after a change: `record`, or gone if None."""

    table: str  # "annotations" | "trash" | "tags"
    key: str  # the annotation's uid, or the tag set's target id
    record: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the journal: the changes of one store operation."""

    line: int  # 1-based line number in the journal file
    changes: tuple[Change, ...]


def encode_entry(changes: Sequence[Change], at: str) -> bytes:
    body = {
        "at": at,
        "changes": [{"key": c.key, "record": c.record, "table": c.table} for c in changes],
    }
    return encode_record(body) + b"\n"


def _entry(raw: bytes, number: int, path: Path) -> Entry:
    where = f"journal {path}: line {number}"
    try:
        data = loads_strict(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise BadStore(f"{where} is not UTF-8 text (offset {error.start})") from None
    except (ValueError, RecursionError) as error:
        raise BadStore(f"{where} is not valid JSON ({error})") from None
    changes = data.get("changes") if isinstance(data, dict) else None
    if not isinstance(changes, list) or not changes:
        raise BadStore(f"{where} is not a journal entry (no list of changes)")
    parsed = []
    for change in changes:
        table = change.get("table") if isinstance(change, dict) else None
        key = change.get("key") if isinstance(change, dict) else None
        record = change.get("record") if isinstance(change, dict) else None
        if table not in TABLES or not isinstance(key, str) or not key:
            raise BadStore(f"{where} has a change that names no table and key")
        if record is not None and not isinstance(record, dict):
            raise BadStore(f"{where} has a change whose record is not an object")
        parsed.append(Change(table, key, record))
    return Entry(number, tuple(parsed))


def _check_header(raw: bytes, path: Path) -> BaseStat | None:
    """Refuse what is not a journal this notetui reads; the main file it was started on."""
    try:
        header = loads_strict(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        header = None
    if not isinstance(header, dict) or header.get("notetui") != _HEADER["notetui"]:
        raise BadStore(f"journal {path} is not a notetui journal (line 1)")
    version = header.get("version")
    if version != JOURNAL_VERSION:
        raise BadStore(
            f"journal {path} has version {version!r}; this notetui understands "
            f"{JOURNAL_VERSION}: upgrade notetui to use it"
        )
    base = header.get("base")
    if (
        isinstance(base, list)
        and len(base) == 4
        and all(type(value) is int and value >= 0 for value in base)
    ):
        return (base[0], base[1], base[2], base[3])
    return None  # an older journal: its main file is not known


def _pread(fd: int, size: int, offset: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    os.lseek(fd, offset, os.SEEK_SET)  # Windows has no pread; nothing shares this fd
    return os.read(fd, size)


def _stat_of(st: os.stat_result) -> JournalStat:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class Journal:
    """The journal file as this process has read it: which file (its identity), and
    how far (`offset`, always at the end of a whole line).

    On POSIX the file read last stays open, so its inode number cannot be reused by a
    new journal and fool the identity check.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.identity: tuple[int, int] | None = None  # (device, inode) of the file read
        self.offset = 0  # bytes of whole lines read so far
        self.lines = 0  # lines read so far, header included
        self._seen: tuple[int, int] | None = None  # (size, mtime_ns) when last read
        self._fd: int | None = None
        self.base: BaseStat | None = None  # the main file it was started on (header)

    def stat(self) -> JournalStat | None:
        """The file's stat, None if there is none. OSError if it cannot be stat-ed."""
        try:
            return _stat_of(self.path.stat())
        except FileNotFoundError:
            return None

    def is_current(self, found: JournalStat | None) -> bool:
        """Whether `found` (from `stat`) is the file read so far, or one that only grew
        since; False for another file, or one rewritten in place (by hand)."""
        if found is None:
            return self.identity is None
        if self.identity is None:
            return self.offset == 0  # a journal appeared: read it from the start
        if self.identity != found[:2] or found[2] < self.offset:
            return False
        return found[2] > self.offset or self._seen in (None, (found[2], found[3]))

    def forget(self) -> None:
        self.identity = None
        self.offset = self.lines = 0
        self._seen = None
        self.base = None
        self._unpin()

    def close(self) -> None:
        self._unpin()

    def _unpin(self) -> None:
        if self._fd is not None:
            with suppress(OSError):
                os.close(self._fd)
            self._fd = None

    # -- reading -----------------------------------------------------------------------

    def read_all(self) -> list[Entry]:
        """Every entry, from the start of the file now at the path."""
        self.forget()
        try:
            fd = os.open(self.path, os.O_RDONLY | _O_BINARY)
        except FileNotFoundError:
            return []
        try:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                raise BadStore(f"journal {self.path} is a folder, not a file")
        except BaseException:
            os.close(fd)
            raise
        self.identity = (st.st_dev, st.st_ino)
        if _POSIX:
            self._fd = fd
        try:
            return self._read_from(fd)
        finally:
            if not _POSIX:
                os.close(fd)

    def read_new(self) -> list[Entry]:
        """The entries added since the last read, from the same file (or all of them,
        from a journal that appeared since)."""
        if self.identity is None:
            return self.read_all()
        if self._fd is not None:
            return self._read_from(self._fd)
        fd = os.open(self.path, os.O_RDONLY | _O_BINARY)  # Windows: nothing pinned
        try:
            return self._read_from(fd)
        finally:
            os.close(fd)

    def _read_from(self, fd: int) -> list[Entry]:
        chunks = []
        position = self.offset
        while chunk := _pread(fd, _READ_CHUNK, position):
            chunks.append(chunk)
            position += len(chunk)
        data = b"".join(chunks)
        end = data.rfind(b"\n") + 1  # what follows the last newline is cut off or in progress
        entries = []
        number = self.lines
        start = 0
        while start < end:
            stop = data.index(b"\n", start)
            raw = data[start:stop]
            number += 1
            if number == 1:
                self.base = _check_header(raw, self.path)
            elif raw.strip():
                entries.append(_entry(raw, number, self.path))
            start = stop + 1
        self.offset += end
        self.lines = number
        st = os.fstat(fd)
        self._seen = (st.st_size, st.st_mtime_ns) if st.st_size == self.offset else None
        return entries

    # -- writing (under the store's lock, after a read that reached the end) ----------

    def append(
        self, lines: Iterable[bytes], mode: int | None, base: BaseStat | None = None
    ) -> None:
        """Append whole lines and fsync them; OSError leaves the journal as it was.

        A cut-off line left by a killed writer (bytes past `offset`) is cut off first.
        A new journal's header records `base`, the main file it starts on.
        """
        created = not self.path.exists()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND | _O_BINARY, 0o666)
        try:
            st = os.fstat(fd)
            if (
                not created
                and self.identity is not None
                and self.identity
                != (
                    st.st_dev,
                    st.st_ino,
                )
            ):
                raise OSError(f"journal {self.path} was replaced during a save")
            if _POSIX and mode is not None and stat.S_IMODE(st.st_mode) != mode:
                os.fchmod(fd, mode)  # as private as the main file, if chmod-ed since
            if st.st_size > self.offset:
                os.ftruncate(fd, self.offset)
            payload = b"".join(lines)
            if self.offset == 0:
                header = _HEADER if base is None else {**_HEADER, "base": list(base)}
                payload = encode_record(header) + b"\n" + payload
            try:
                view = memoryview(payload)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            except OSError:
                with suppress(OSError):
                    os.ftruncate(fd, self.offset)
                raise
            if created:
                sync_folder(self.path.parent)
        except BaseException:
            os.close(fd)
            if created:
                with suppress(OSError):
                    self.path.unlink()
            raise
        if self.identity is None:
            self.identity = (st.st_dev, st.st_ino)
        if self.offset == 0:
            self.base = base
        self.offset += len(payload)
        self.lines += payload.count(b"\n")
        after = os.fstat(fd)
        self._seen = (after.st_size, after.st_mtime_ns)
        if _POSIX and self._fd is None:
            self._fd = fd
        else:
            os.close(fd)

    def remove(self) -> None:
        """Delete the journal (after its entries went into the main file)."""
        self.forget()
        with suppress(FileNotFoundError):
            self.path.unlink()

    def restart(self, base: BaseStat, mode: int | None) -> None:
        """Replace the journal, atomically, with one that holds no change yet and
        names `base`, the main file its entries just went into: the next add by a
        process that has not read the main file can then append at once. Until the
        rename the old journal stays, and its lines (states) replay harmlessly on the
        new main file. OSError if it could not be replaced."""
        self.forget()
        header = encode_record({**_HEADER, "base": list(base)}) + b"\n"
        atomic_write(self.path, [header], mode=mode)
        self.read_all()

    @property
    def has_changes(self) -> bool:
        """Whether lines past the header were read: changes the main file may lack."""
        return self.lines > 1
