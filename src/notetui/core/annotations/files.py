"""The store's files on disk, kept in step with one in-memory copy of its tables.

Two files beside each other: the main file (TinyDB's JSON, `storage.py`) and the
journal of recent changes (`journal.py`). Reading is lock-free: a stat of each says
whether anything changed, and if only the journal grew, only its new lines are read.
Writing takes a cross-process file lock, catches up with the files, applies the
change and makes it durable in one of two ways:

- a store smaller than REWRITE_BELOW is rewritten whole, atomically, as before the
  journal existed (the file a user reads or diffs is always current);
- a bigger one gets one journal line (append + fsync), and the main file is
  rewritten with the journal folded in ("compacted") once the journal reaches a
  quarter of the main file's size, within COMPACT_BYTES.

A compaction writes the new main file first and removes the journal after; the
journal's lines are states, so a crash in between only replays what is already in.

A process that only adds (`notetui annotate`) need not read the main file at all:
`append_new` appends to a journal whose header names the main file as it is now.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from notetui.core.annotations.errors import (
    BadStore,
    SaveFailed,
    StoreError,
    StoreLocked,
    StoreUnreadable,
)
from notetui.core.annotations.journal import (
    Change,
    Entry,
    Journal,
    JournalStat,
    encode_entry,
    journal_path,
)
from notetui.core.annotations.schema import SCHEMA_VERSION, migrate, schema_of, set_schema
from notetui.core.annotations.storage import describe, encode_tables, parse_store, paused_gc
from notetui.core.annotations.tables import StoreData
from notetui.core.atomic import NotDurable, atomic_write, stale_temp_files

__all__ = ["COMPACT_BYTES", "LOCK_TIMEOUT", "REWRITE_BELOW", "StoreFiles", "StoreSignature"]

log = logging.getLogger(__name__)

# Long enough for any save by another process; short enough that a hung one shows.
LOCK_TIMEOUT = 10.0
# Below this (main file + journal), a save rewrites the main file: ~500 annotations.
REWRITE_BELOW = 256 * 1024
# A journal is compacted at a quarter of the main file's size, within these bounds:
# often enough that replaying it on open stays cheap, rarely enough to cost nothing.
COMPACT_BYTES = (1 << 20, 4 << 20)
_LOAD_ATTEMPTS = 20

_POSIX = os.name == "posix"
_O_BINARY: int = getattr(os, "O_BINARY", 0)
_READ_CHUNK = 1 << 20

# (mtime_ns, size, inode, device) of the main file, None if there is none.
BaseStat = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class StoreSignature:
    """What the store's files look like now: equal signatures, same content."""

    base: BaseStat | None
    journal: JournalStat | None


def _base_stat(st: os.stat_result) -> BaseStat:
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_dev)


def _mode_of(file: Path) -> int | None:
    try:
        return stat.S_IMODE(file.stat().st_mode)
    except OSError:
        return None


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _target_of(path: Path) -> Path:
    """Through a symlink (a store kept in a dotfiles repo), the file it points at:
    renaming over the link itself would quietly split the data in two."""
    try:
        return path.resolve() if path.is_symlink() else path
    except RuntimeError:  # Python < 3.13 reports a symlink loop this way
        raise StoreUnreadable(f"{describe(path)} is a symlink loop") from None
    except OSError as error:
        raise StoreUnreadable(f"{describe(path)} cannot be opened ({_reason(error)})") from None


def _read_main(path: Path, file: Path) -> tuple[int | None, os.stat_result | None, bytearray]:
    """The main file's bytes, its stat and its open fd (None, None, empty if none)."""
    try:
        fd = os.open(file, os.O_RDONLY | _O_BINARY)
    except FileNotFoundError:
        return None, None, bytearray()
    except OSError as error:
        raise StoreUnreadable(
            f"{describe(path)} cannot be read ({_reason(error)}); it was left untouched"
        ) from None
    try:
        found = os.fstat(fd)
        if stat.S_ISDIR(found.st_mode):
            raise StoreUnreadable(
                f"{describe(path)} is a folder, not a file; it was left untouched"
            )
        raw = bytearray()
        while chunk := os.read(fd, _READ_CHUNK):
            raw += chunk
    except OSError as error:
        os.close(fd)
        raise StoreUnreadable(
            f"{describe(path)} cannot be read ({_reason(error)}); it was left untouched"
        ) from None
    except BaseException:
        os.close(fd)
        raise
    return fd, found, raw  # parse_store empties it once decoded


def _close(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


def _stale_temps(file: Path, journal: Path) -> list[Path]:
    """Temp files of rewrites of the main file or the journal that were killed."""
    return [*stale_temp_files(file), *stale_temp_files(journal)]


def _check_records(
    entries: Sequence[Entry], changes: Sequence[Change], file: Path, journal: Path
) -> None:
    """Check the journal's records as a full read would (BadStore naming the line),
    so that a store that would refuse to open never takes a line unread."""
    check = StoreData.build({}, file)
    with paused_gc():
        for entry in entries:
            check.replay(entry, journal)
        for change in changes:
            check.apply(change)


class StoreFiles:
    """The main file and the journal at `path`, and the tables they hold (`data`).

    Safe to share between threads: every method takes `mutex` (re-entrant).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.file = _target_of(self.path)
        self.journal = Journal(journal_path(self.file))
        self.mutex = threading.RLock()
        self._lock = FileLock(
            self.file.with_name(self.file.name + ".lock"),
            timeout=LOCK_TIMEOUT,
            thread_local=False,  # self.mutex already serialises this object's threads
            poll_interval=0.002,
        )
        self._data: StoreData | None = None
        self._base: BaseStat | None = None
        self._base_schema: int | None = None  # of the main file as it is on disk
        self._verified: BaseStat | None = None  # the main file a strict parse accepted
        self._mode: int | None = None  # its permission bits, kept by every rewrite
        self._pin: int | None = None  # POSIX: keeps its inode from being reused
        self._pending: list[Change] | None = None  # inside a transaction

    # -- reading ----------------------------------------------------------------------

    @property
    def data(self) -> StoreData:
        """The tables as of the last sync (call `sync` first)."""
        if self._data is None:
            self.sync()
        assert self._data is not None
        return self._data

    def signature(self) -> StoreSignature:
        """Two stats, no read: compare with an earlier one to see if anything changed."""
        try:
            return StoreSignature(self._stat_base(), self.journal.stat())
        except OSError as error:
            raise StoreUnreadable(
                f"{describe(self.path)} cannot be read ({_reason(error)})"
            ) from None

    def sync(self) -> bool:
        """Catch up with the files; True if anything changed. StoreError if they are
        unreadable or bad (then nothing stays in memory, and every call says so)."""
        with self.mutex:
            if self._pending is not None:  # our own transaction: nobody else can write
                return False
            found = self.signature()
            if (
                self._data is None
                or found.base != self._base
                or not self.journal.is_current(found.journal)
            ):
                self._load()
                return True
            if found.journal is None or found.journal[2] <= self.journal.offset:
                return False
            try:
                entries = self.journal.read_new()
                if self._stat_base() != self._base:  # compacted meanwhile: read it all
                    self._load()
                    return True
                for entry in entries:
                    self._data.replay(entry, self.journal.path)
            except BadStore as error:
                self._forget()
                raise StoreUnreadable(f"{error}; it was left untouched") from None
            except OSError as error:
                self._forget()
                raise StoreUnreadable(
                    f"journal {self.journal.path} cannot be read ({_reason(error)})"
                ) from None
            return bool(entries)

    def _stat_base(self) -> BaseStat | None:
        try:
            return _base_stat(self.file.stat())
        except FileNotFoundError:
            return None

    def _load(self) -> None:
        """Read both files whole. Lock-free, so it retries until the main file is the
        same after the journal was read as before: a compaction in between replaces
        the main file first, so a journal newer than the main file read is noticed."""
        self._forget()
        for _ in range(_LOAD_ATTEMPTS):
            fd, found, raw = _read_main(self.path, self.file)
            try:
                entries = self.journal.read_all()
                same = self._stat_base() == (None if found is None else _base_stat(found))
            except BadStore as error:
                _close(fd)
                raise StoreUnreadable(f"{error}; it was left untouched") from None
            except OSError as error:
                _close(fd)
                raise StoreUnreadable(
                    f"journal {self.journal.path} cannot be read ({_reason(error)})"
                ) from None
            if same:
                break
            _close(fd)
        else:
            raise StoreUnreadable(f"{describe(self.path)} kept changing while read; try again")
        try:
            # A main file the journal names was read whole and accepted already.
            accepted = found is not None and self.journal.base == _base_stat(found)
            with paused_gc():
                data, schema = self._parse(raw if found is not None else None, entries, accepted)
        except BaseException:
            _close(fd)
            self.journal.forget()
            raise
        self._data, self._base_schema = data, schema
        self._base = None if found is None else _base_stat(found)
        self._mode = None if found is None else stat.S_IMODE(found.st_mode)
        self._repin(fd)

    def _parse(
        self, raw: bytearray | None, entries: Sequence[Entry], accepted: bool
    ) -> tuple[StoreData, int | None]:
        name = describe(self.path)
        try:
            tables = (
                {} if raw is None else parse_store(raw, self.file, strict=False, accepted=accepted)
            )
            schema = schema_of(tables, self.file)
            data = StoreData.build(migrate(tables, self.file), self.file)
            if data.problems:
                more = len(data.problems) - 1
                hint = f" (and {more} more; run `notetui db check`)" if more else ""
                raise BadStore(data.problems[0] + hint)
            for entry in entries:
                data.replay(entry, self.journal.path)
        except BadStore as error:
            raise StoreUnreadable(f"{error}; it was left untouched") from None
        except RecursionError:
            raise StoreUnreadable(f"{name} is nested too deeply; it was left untouched") from None
        return data, schema

    def _forget(self) -> None:
        """Drop what is in memory: the next call reads the files again."""
        self._data = None
        self._base = None
        self.journal.forget()
        self._unpin()

    def _repin(self, fd: int | None) -> None:
        self._unpin()
        if fd is not None and _POSIX:
            self._pin = fd
        else:  # Windows cannot rename over an open file: no pin, the signature must do
            _close(fd)

    def _unpin(self) -> None:
        if self._pin is not None:
            os.close(self._pin)
            self._pin = None

    def close(self) -> None:
        with self.mutex:
            self._unpin()
            self.journal.close()

    def remove_stale_temps(self) -> None:
        """Temp files of rewrites that were killed; removed only while no save runs."""
        if not _stale_temps(self.file, self.journal.path):
            return
        try:
            self._lock.acquire(timeout=0)
        except (Timeout, OSError):
            return  # a save in progress owns its temp file; a later open cleans up
        try:
            for tmp in _stale_temps(
                self.file, self.journal.path
            ):  # listed again: no save can run now
                with contextlib.suppress(OSError):
                    tmp.unlink(missing_ok=True)
        finally:
            self._lock.release()

    # -- writing ----------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[StoreData]:
        """Lock, catch up, collect the changes `stage`d inside, save them as one."""
        with self.mutex:
            if self._pending is not None:  # nested: part of the outer one
                yield self.data
                return
            if self._data is None:
                self.sync()  # a store that cannot be read says so before it is locked
            self._acquire()
            try:
                self.sync()
                self._pending = []
                try:
                    yield self.data
                except BaseException:
                    if self._pending:
                        self._forget()  # what was applied in memory was never saved
                    raise
                finally:
                    pending, self._pending = self._pending, None
                if pending:
                    self._commit(pending)
            finally:
                self._lock.release()

    def stage(self, *changes: Change) -> None:
        """Apply changes in memory, to be saved when the transaction ends."""
        assert self._pending is not None, "stage() outside a transaction"
        for change in changes:
            self.data.apply(change)
            self._pending.append(change)

    def _acquire(self) -> None:
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise SaveFailed(
                f"cannot create the folder for {describe(self.path)} ({_reason(error)})"
            ) from None
        try:
            self._lock.acquire()
        except Timeout:
            raise StoreLocked(
                f"{describe(self.path)} is locked by another notetui "
                f"(waited {LOCK_TIMEOUT:g} s for {self._lock.lock_file}); try again"
            ) from None
        except OSError as error:
            raise SaveFailed(f"cannot lock {describe(self.path)} ({_reason(error)})") from None

    def _commit(self, changes: list[Change]) -> None:
        # Not store.now_iso: tests set that clock, and this stamp is only for people.
        line = encode_entry(changes, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        base_size = 0 if self._base is None else self._base[1]
        if (
            self._base is None
            or self._base_schema != SCHEMA_VERSION  # older versions must refuse a journal
            or base_size + self.journal.offset + len(line) <= REWRITE_BELOW
        ):
            try:
                self._rewrite()
            except SaveFailed:
                self._forget()
                raise
            return
        try:
            self.journal.append([line], self._mode, base=self._base)
        except OSError as error:
            self._forget()
            raise SaveFailed(
                f"could not save {describe(self.path)} ({_reason(error)}); nothing was changed"
            ) from None
        self._compact_if_due(base_size)

    def _compact_if_due(self, base_size: int) -> None:
        low, high = COMPACT_BYTES
        if self.journal.offset >= min(max(low, base_size // 4), high):
            try:
                if self._data is None:
                    self._load()
                self._rewrite()
            except StoreError as error:  # the change itself is safe in the journal
                log.warning("not compacted yet: %s", error)

    def append_new(self, changes: Sequence[Change]) -> bool:
        """Save changes that add new records without reading the main file, when it is
        still the file the journal was started on (the journal's header says which):
        one that a notetui read whole and accepted, unchanged since. An add to a big
        store then costs a read of the journal, not of 50 MB.

        False, with nothing written, when that is not known (no journal yet, one
        started on another main file, a small store) or the tables are in memory
        anyway: then save the usual way, with `transaction`.
        """
        with self.mutex:
            if self._data is not None or self._pending is not None:
                return False
            if self.signature().journal is None:  # no lock taken for nothing
                return False
            self._acquire()
            try:
                return self._append_unread(changes)
            finally:
                self._lock.release()

    def _append_unread(self, changes: Sequence[Change]) -> bool:
        try:
            base = self._stat_base()
            entries = self.journal.read_all()
        except BadStore as error:
            self.journal.forget()
            raise StoreUnreadable(f"{error}; it was left untouched") from None
        except OSError as error:
            self.journal.forget()
            raise StoreUnreadable(
                f"{describe(self.path)} cannot be read ({_reason(error)})"
            ) from None
        line = encode_entry(changes, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        if (
            base is None
            or self.journal.identity is None
            or self.journal.base != base
            or base[1] + self.journal.offset + len(line) <= REWRITE_BELOW
        ):
            self.journal.forget()
            return False
        try:
            _check_records(entries, changes, self.file, self.journal.path)
        except BadStore as error:
            self.journal.forget()
            raise StoreUnreadable(f"{error}; it was left untouched") from None
        try:
            self.journal.append([line], _mode_of(self.file))
        except OSError as error:
            self.journal.forget()
            raise SaveFailed(
                f"could not save {describe(self.path)} ({_reason(error)}); nothing was changed"
            ) from None
        self._compact_if_due(base[1])
        if self._data is None:
            self.journal.forget()  # the next read reads both files
        return True

    def compact(self) -> None:
        """Fold the journal into the main file now."""
        with self.mutex:
            self._acquire()
            try:
                self.sync()
                if self.journal.has_changes or self._base_schema != SCHEMA_VERSION:
                    self._rewrite()
            finally:
                self._lock.release()

    def _verify_base(self) -> None:
        """Before the main file is replaced: read strictly, so that nothing in it that
        the quick parse let through (a key twice in one record) is dropped unseen."""
        if self._base is None or self._verified == self._base:
            return
        try:
            raw = self.file.read_bytes()
            parse_store(raw, self.file, strict=True)
        except BadStore as error:
            raise StoreUnreadable(f"{error}; it was left untouched") from None
        except OSError as error:
            raise StoreUnreadable(
                f"{describe(self.path)} cannot be read ({_reason(error)})"
            ) from None
        self._verified = self._base

    def _rewrite(self) -> None:
        """Write every table to the main file, atomically; then drop the journal."""
        self._verify_base()
        data = self.data
        set_schema(data.tables, SCHEMA_VERSION)
        try:
            atomic_write(self.file, encode_tables(data.tables), mode=self._mode)
        except NotDurable as error:
            self._after_rewrite(drop_journal=False)  # it may not survive: keep the journal
            raise StoreError(
                f"{describe(self.path)} was saved, but its folder could not be synced "
                f"({_reason(error)}); the change may not survive a power cut"
            ) from None
        except OSError as error:
            raise SaveFailed(
                f"could not save {describe(self.path)} ({_reason(error)}); "
                "the previous version was kept"
            ) from None
        self._after_rewrite(drop_journal=True)

    def _after_rewrite(self, *, drop_journal: bool) -> None:
        # Under the lock nobody else can replace the file before we pin it.
        self._base_schema = SCHEMA_VERSION
        try:
            fd = os.open(self.file, os.O_RDONLY | _O_BINARY)
        except OSError:
            self._forget()  # re-read next time: safe, just slower
            return
        found = os.fstat(fd)  # cannot fail on an fd we just opened
        self._base = self._verified = _base_stat(found)
        self._mode = stat.S_IMODE(found.st_mode)
        self._repin(fd)
        if not drop_journal:
            return
        try:
            if found.st_size >= REWRITE_BELOW:
                # A big store keeps an empty journal naming this file, so the next add
                # by a process that reads nothing (`notetui annotate`) stays cheap.
                self.journal.restart(_base_stat(found), self._mode)
            elif self.journal.identity is not None:
                self.journal.remove()
        except OSError as error:  # replayed harmlessly on top: its lines are states
            log.warning("could not replace %s: %s", self.journal.path, error)
            self._forget()
