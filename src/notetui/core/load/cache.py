"""An on-disk cache of parsed notes, so a library opens without parsing it again.

One file per library folder, in the platformdirs cache folder (`locations.cache_dir()`,
overridable with NOTETUI_CACHE). It holds:

- per note file, keyed by its path relative to the root and its *stamp* (size,
  mtime_ns, ctime_ns, inode): the `Note` the splitter made of it without hints, the
  `Problem`s reading it gave, and its last re-split with other notes' talk titles;
- the merged result (events, problems, notes) for exactly that set of stamps and
  those merge settings, so a library in which nothing changed skips merging too.

Merging is most of a full load (it is global: one new note can regroup events), so
caching only the split notes is not enough for a fast warm start; see
benchmarks/bench.py.

Layout: a magic line, the key line, then the lengths and CRC-32s of three pickles:
the outline (`core.load.outline`: event and talk titles, enough to draw the tree,
read on its own without the rest), the merged library (all a warm start reads),
then the entries, which refer to the merged library's notes and problems by index
and are decoded only after a change.
Model objects are pickled as calls to their class, several times faster to load than
a frozen dataclass's `__setstate__`, and loaded with the garbage collector paused.

The whole file is keyed by `PARSER_VERSION`, the shape of the models, the versions
of the parsing libraries and a digest of the parser's own source files. **Any change
to reading, splitting or merging that changes their output must bump
`PARSER_VERSION`** (the source digest also catches edits in a source checkout, but
an installed copy only has the version to go by).

Correctness rules:

- A note is reused only if its stamp is unchanged. ctime and inode are in the
  stamp as well as size and mtime, so a tool that restores an old mtime
  (`touch -d`, `rsync -t`) after changing the content still invalidates it.
- A note whose mtime or ctime was within `RACY_FINE_NS` (`RACY_NS` on a file system
  with coarse timestamps) of the scan that cached it is not trusted: an edit in the
  same timestamp tick would keep its stamp.
- The file is written with `core.atomic.atomic_write` (a temporary file in the same
  folder, renamed into place) and read with a single `read_bytes`, so two processes
  never see half a cache; the last writer wins and both results are complete.
- Anything unexpected (missing, truncated, garbage, another program's pickle, an
  older format, a class the cache does not know) means "no cache": the library is
  parsed again and the file rewritten. Unpickling only resolves the model classes.
- Entries exist only for the notes of the last load, and at most `MAX_CACHES`
  library folders keep a cache file, so it cannot grow without bound.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import importlib
import io
import logging
import os
import pickle
import struct
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, NamedTuple, TypeGuard

from notetui.core import models
from notetui.core.atomic import atomic_write
from notetui.core.load.outline import outline_rows
from notetui.core.locations import cache_dir
from notetui.core.models import Event, Note, Problem, Speaker

# Bump whenever reading, splitting or merging would give a different result for the
# same file (new fields, new heuristics, changed thresholds).
PARSER_VERSION = 1

FORMAT_VERSION = 3  # the layout of the cache file itself (2: the outline first, 3: its sections)
MAGIC = b"notetui note cache\n"
# Notes changed this close (in ns) to the scan that cached them are read again next
# time: an edit in the same timestamp tick would keep their stamp. File systems that
# keep whole (milli)seconds (FAT, exFAT, HFS+) need a wide margin; those with finer
# timestamps (ext4, XFS, Btrfs, APFS, NTFS) move them at least every clock tick.
RACY_NS = 2_000_000_000
RACY_FINE_NS = 100_000_000
MAX_CACHES = 16  # library folders that keep a cache file
_STALE_TEMP_SECONDS = 3600.0  # a temporary file this old was left by a killed writer
_SUFFIX = ".notecache"

# What decides what a note parses into: every source and vocabulary file of these
# packages of notetui.core, and these modules beside them (found, not listed one by
# one, so a new parser module or word list cannot be missed).
_PARSER_PACKAGES = ("load", "parse", "merge")
_PARSER_MODULES = ("models.py", "text.py", "markdown.py")
_PARSER_SUFFIXES = (".py", ".txt", ".json")  # code, word lists, scorer weights
# Libraries whose behaviour shapes the result (charset-normalizer is only a last resort).
_DEPENDENCIES = ("markdown_it", "frontmatter", "yaml", "rapidfuzz")
# Model classes pickled by their constructor (much faster to load than __setstate__).
_MODELS: tuple[type[Any], ...] = (
    models.Section,
    models.Source,
    models.Speaker,
    models.Note,
    models.EventInfo,
    models.Problem,
    models.Talk,
    models.Event,
)

log = logging.getLogger(__name__)

Stamp = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def stamp_of(info: os.stat_result) -> Stamp:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def pack_stamps(stamps: Sequence[Stamp | None]) -> bytes | None:
    """All stamps as one bytes string (compared in one go); None if a file had none."""
    if any(stamp is None for stamp in stamps):
        return None
    flat = [value for stamp in stamps if stamp is not None for value in stamp]
    try:
        return struct.pack("<" + "QqqQ" * len(stamps), *flat)
    except struct.error:  # a value out of range on an exotic file system
        return None


def is_racy(stamp: Stamp, scanned_ns: int) -> bool:
    """Changed so close to the scan that a later edit could keep the same stamp."""
    coarse = stamp[1] % 1_000_000 == 0  # no sub-millisecond part: a coarse file system
    return max(stamp[1], stamp[2]) >= scanned_ns - (RACY_NS if coarse else RACY_FINE_NS)


class Entry(NamedTuple):
    """One note file as the cache remembers it."""

    stamp: Stamp
    note: Note | None  # split without hints; None when it could not be read or split
    problems: tuple[Problem, ...]  # what loading it reported
    # The titles it was last re-split with, and the result if it found more talks.
    hinted: tuple[tuple[str, ...], Note | None] | None = None


class Merged(NamedTuple):
    """A whole merged library, valid for exactly these files and stamps."""

    settings: str  # repr of the MergeSettings it was merged with
    scanned_ns: int  # wall clock (time.time_ns) before the files were looked at
    paths: tuple[str, ...]  # every note file, in load order
    stamps: bytes | None  # pack_stamps() of their stamps; None: never reuse as a whole
    events: tuple[Event, ...]
    problems: tuple[Problem, ...]
    notes: tuple[Note, ...]


class CacheError(Exception):
    """The cache file is missing, unreadable, corrupt or for another parser."""


class Cached:
    """A cache file read back: the merged library at once, the per-note entries on demand."""

    def __init__(self, merged: Merged, data: bytes, layout: _Layout) -> None:
        self.merged = merged
        self._data = data
        self._layout = layout
        self._entries: dict[str, Entry] | None = None

    def matches(self, settings: str, paths: tuple[str, ...], stamps: bytes | None) -> bool:
        """Whether the merged library is the one these files and settings would give."""
        merged = self.merged
        return (
            stamps is not None
            and merged.stamps == stamps
            and merged.paths == paths
            and merged.settings == settings
        )

    def entries(self) -> dict[str, Entry]:
        """Every note's entry, decoded on first use; none if they are unusable."""
        if self._entries is None:
            data, self._data = self._data, b""
            layout = self._layout
            try:
                _check_crc(data, layout.middle, layout.end, layout.entries_crc)
                entries = _decode(data, layout.middle, lambda f: _EntryUnpickler(f, self.merged))
            except CacheError as error:
                log.info("not using the cached notes: %s", error)
                entries = {}
            if not isinstance(entries, dict) or not all(
                isinstance(rel, str) and _is_entry(entry) for rel, entry in entries.items()
            ):
                log.info("not using the cached notes: unexpected content")
                entries = {}
            self._entries = entries
            # Whoever needs the entries merges again: the old events can go now.
            self.merged = self.merged._replace(events=())
        return self._entries

    def fresh(self, rel: str, stamp: Stamp | None) -> Entry | None:
        """The cached entry for a file, if its stamp is unchanged and not racy."""
        entry = self.entries().get(rel)
        if entry is None or stamp is None or entry.stamp != stamp:
            return None
        return None if is_racy(stamp, self.merged.scanned_ns) else entry


class NoteCache:
    """The cache file of one library folder."""

    def __init__(self, root: Path, folder: Path | None = None) -> None:
        self.root = root
        self.folder = folder if folder is not None else cache_dir()
        try:
            resolved = str(root.resolve())
        except (OSError, RuntimeError):
            resolved = str(root.absolute())
        name = hashlib.sha1(resolved.encode("utf-8", "surrogatepass"), usedforsecurity=False)
        self.path = self.folder / (name.hexdigest()[:24] + _SUFFIX)
        self._resolved = resolved

    @functools.cached_property
    def key(self) -> str:
        """What the cached results depend on (computed only when needed: reading the
        outline does without it)."""
        return _fingerprint(self._resolved)

    def load(self) -> Cached:
        """The cache file's content. Raises CacheError (with the reason) if it is unusable."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            raise CacheError("no cache file yet") from None
        except OSError as error:
            raise CacheError(f"cannot read {self.path}: {error}") from None
        layout = _check_header(data, self.key)
        _check_crc(data, layout.start, layout.middle, layout.merged_crc)
        merged = _decode(data, layout.start, _Unpickler)
        if not _is_merged(merged):
            raise CacheError("unexpected content")
        return Cached(merged, data, layout)

    def save(self, merged: Merged, entries: dict[str, Entry]) -> None:
        """Write the cache atomically. Raises OSError if the cache folder is unusable."""
        outline = pickle.dumps(outline_rows(merged.events, merged.problems), _PROTOCOL)
        first = io.BytesIO()
        _Pickler(first).dump(merged)
        second = io.BytesIO()
        _EntryPickler(second, merged).dump(entries)
        sizes = _SIZES % (
            len(outline),
            zlib.crc32(outline),
            first.tell(),
            zlib.crc32(first.getbuffer()),
            second.tell(),
            zlib.crc32(second.getbuffer()),
        )
        header = MAGIC + self.key.encode("ascii") + b"\n" + sizes
        self.folder.mkdir(parents=True, exist_ok=True)
        # Not durable (no fsync): a cache lost to a power cut is rebuilt, and the CRCs
        # catch a torn one. Private (0o600): it holds the text of the user's notes.
        atomic_write(
            self.path,
            (header, outline, first.getvalue(), second.getvalue()),  # getvalue() shares
            mode=0o600,
            durable=False,
        )
        self._prune()

    def outline_rows(self) -> object | None:
        """The stored outline, as plain tuples (`core.load.outline` reads them), from
        the header and the outline alone; None if the file has no usable one. The
        key is not checked: the outline is a first picture, which the full load
        replaces (see `core.load.outline`)."""
        try:
            with self.path.open("rb") as file:
                head = file.read(len(MAGIC) + _MAX_KEY + _SIZES_LENGTH)
                layout = _check_header(head, None, size=os.fstat(file.fileno()).st_size)
                file.seek(layout.outline)
                data = file.read(layout.start - layout.outline)
        except FileNotFoundError:
            return None
        except (OSError, CacheError) as error:
            log.info("no outline in %s: %s", self.path, error)
            return None
        try:
            _check_crc(data, 0, len(data), layout.outline_crc)
            return _decode(data, 0, _NoGlobalsUnpickler)
        except CacheError as error:
            log.info("no outline in %s: %s", self.path, error)
            return None

    def _prune(self) -> None:
        """Drop temporary files of killed writers and the least recently saved caches."""
        now = time.time()
        caches: list[tuple[float, Path]] = []
        try:
            with os.scandir(self.folder) as entries:
                for entry in entries:
                    try:
                        modified = entry.stat().st_mtime
                    except OSError:
                        continue
                    if entry.name.endswith(".tmp") and _SUFFIX in entry.name:
                        if now - modified > _STALE_TEMP_SECONDS:
                            Path(entry.path).unlink(missing_ok=True)
                    elif entry.name.endswith(_SUFFIX):
                        caches.append((modified, Path(entry.path)))
            caches.sort(reverse=True)
            for _, old in caches[MAX_CACHES:]:
                if old != self.path:
                    old.unlink(missing_ok=True)
        except OSError as error:
            log.info("could not prune the cache folder %s: %s", self.folder, error)


# The lengths and CRC-32s of the three pickles, after the magic and the key line.
_SIZES = b"%016x %08x %016x %08x %016x %08x\n"
_SIZES_LENGTH = len(_SIZES % (0, 0, 0, 0, 0, 0))
_MAX_KEY = 100  # the key line is a hex digest and its newline
_PROTOCOL = pickle.HIGHEST_PROTOCOL


class _Layout(NamedTuple):
    outline: int  # where the outline's pickle starts
    start: int  # of the merged library's pickle
    middle: int  # where the entries' pickle starts
    end: int
    outline_crc: int
    merged_crc: int
    entries_crc: int


def _check_header(data: bytes, key: str | None, *, size: int | None = None) -> _Layout:
    """Where the three pickles are, after checking the magic, the key (unless None)
    and the lengths against the file's size (by default `len(data)`)."""
    if not data.startswith(MAGIC):
        raise CacheError("not a notetui cache file")
    start = len(MAGIC)
    line_end = data.find(b"\n", start, start + _MAX_KEY)
    if line_end < 0 or (key is not None and data[start:line_end] != key.encode("ascii")):
        raise CacheError("written by another version of the parser")
    header_end = line_end + 1 + _SIZES_LENGTH
    sizes = data[line_end + 1 : header_end]
    if len(sizes) != _SIZES_LENGTH or not sizes.endswith(b"\n"):
        raise CacheError("truncated header, or an older format")
    try:
        parts = [int(part, 16) for part in sizes.split()]
    except ValueError:
        raise CacheError("corrupt header") from None
    if len(parts) != 6:
        raise CacheError("corrupt header")
    outline, outline_crc, first, first_crc, second, second_crc = parts
    start = header_end + outline
    end = start + first + second
    actual = len(data) if size is None else size
    if actual != end:
        raise CacheError(f"truncated ({actual} bytes, not {end})")
    return _Layout(header_end, start, start + first, end, outline_crc, first_crc, second_crc)


def _check_crc(data: bytes, start: int, end: int, expected: int) -> None:
    with memoryview(data) as view, view[start:end] as part:
        if zlib.crc32(part) != expected:
            raise CacheError("corrupt content (CRC mismatch)")


def _decode(data: bytes, start: int, unpickler: Callable[[IO[bytes]], pickle.Unpickler]) -> object:
    """Unpickle what starts at `start` (a BytesIO over bytes shares them: no copy).

    Hundreds of thousands of new objects, none of them in a cycle: the cyclic garbage
    collector is paused while they are made, and they go straight to its oldest
    generation (freeze + unfreeze) instead of being traversed by the young ones,
    which would cost about as much again as loading them, on the next allocations.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        with io.BytesIO(data) as file:
            file.seek(start)
            return unpickler(file).load()
    except Exception as error:  # noqa: BLE001 - whatever a bad file raises, it means "no cache"
        raise CacheError(f"corrupt cache ({type(error).__name__}: {error})") from None
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _is_merged(merged: object) -> TypeGuard[Merged]:
    """A shallow check of the loaded object's shape (the classes are already limited)."""
    return (
        isinstance(merged, Merged)
        and isinstance(merged.settings, str)
        and isinstance(merged.scanned_ns, int)
        and isinstance(merged.paths, tuple)
        and (merged.stamps is None or isinstance(merged.stamps, bytes))
        and all(isinstance(e, Event) for e in merged.events)
        and all(isinstance(p, Problem) for p in merged.problems)
        and all(isinstance(n, Note) for n in merged.notes)
    )


def _is_entry(entry: object) -> bool:
    return (
        isinstance(entry, Entry)
        and isinstance(entry.stamp, tuple)
        and len(entry.stamp) == 4
        and (entry.note is None or isinstance(entry.note, Note))
        and isinstance(entry.problems, tuple)
    )


_FIELDS: dict[type[Any], tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _MODELS
}
_KNOWN: tuple[type[Any], ...] = (*_MODELS, models.SectionKind, Entry, Merged)
# The only globals a cache file may name: unpickling cannot call anything else.
_ALLOWED: dict[tuple[str, str], Any] = {(cls.__module__, cls.__qualname__): cls for cls in _KNOWN}


_SPEAKERS_AT = {
    cls: names.index("speakers") for cls, names in _FIELDS.items() if "speakers" in names
}


class _Pickler(pickle.Pickler):
    """Model objects are rebuilt by calling their class, far cheaper than a frozen
    dataclass's __setstate__; equal speakers are stored once (they are values)."""

    def __init__(self, file: IO[bytes], protocol: int = pickle.HIGHEST_PROTOCOL) -> None:
        super().__init__(file, protocol=protocol)
        self._speakers: dict[Speaker, Speaker] = {}

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        names = _FIELDS.get(cls)
        if names is None:
            return NotImplemented
        args = [getattr(obj, name) for name in names]
        at = _SPEAKERS_AT.get(cls)
        if at is not None and args[at]:
            args[at] = tuple(self._speakers.setdefault(s, s) for s in args[at])
        return cls, tuple(args)


class _EntryPickler(_Pickler):
    """Entries refer to the notes and problems of the merged library by their index."""

    def __init__(self, file: IO[bytes], merged: Merged) -> None:
        super().__init__(file)
        self._refs = {id(note): i for i, note in enumerate(merged.notes)}
        self._refs.update({id(problem): ~i for i, problem in enumerate(merged.problems)})

    def persistent_id(self, obj: Any) -> int | None:
        return self._refs.get(id(obj))


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        try:
            return _ALLOWED[module, name]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache") from None


def dump_models(value: object) -> bytes:
    """`value` pickled as the cache pickles models: how a worker process hands back
    the notes it split (`core.load.pool`), several times faster to load."""
    with io.BytesIO() as file:
        _Pickler(file).dump(value)
        return file.getvalue()


def load_models(data: bytes) -> object:
    """What `dump_models` made, naming no class but the models. Raises CacheError."""
    return _decode(data, 0, _Unpickler)


class _NoGlobalsUnpickler(pickle.Unpickler):
    """For the outline: plain tuples, text and numbers, and nothing that names a global."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in an outline")


class _EntryUnpickler(_Unpickler):
    def __init__(self, file: IO[bytes], merged: Merged) -> None:
        super().__init__(file)
        self._merged = merged

    def persistent_load(self, pid: Any) -> Any:
        if not isinstance(pid, int):
            raise pickle.UnpicklingError("bad reference")
        try:
            return self._merged.notes[pid] if pid >= 0 else self._merged.problems[~pid]
        except IndexError:
            raise pickle.UnpicklingError("reference out of range") from None


def _fingerprint(root: str) -> str:
    """Everything the cached results depend on, hashed: a mismatch means a rebuild."""
    parts: list[str] = [
        f"format {FORMAT_VERSION}",
        f"parser {PARSER_VERSION}",
        f"python {sys.version_info[0]}.{sys.version_info[1]}",
        f"root {root}",
    ]
    for cls, names in _FIELDS.items():
        parts.append(f"{cls.__qualname__}({','.join(names)})")
    for name in _DEPENDENCIES:
        try:
            version = str(getattr(importlib.import_module(name), "__version__", "?"))
        except ImportError:
            version = "-"
        parts.append(f"{name} {version}")
    parts.append(f"source {_source_digest()}")
    return hashlib.sha1("\n".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()


_source_digest_memo: list[str] = []


def parser_sources(core: Path) -> list[Path]:
    """The files under `core` (notetui/core) whose content decides a parse result."""
    found = [core / name for name in _PARSER_MODULES]
    for package in _PARSER_PACKAGES:
        found.extend(
            path
            for path in (core / package).rglob("*")
            if path.suffix in _PARSER_SUFFIXES and "__pycache__" not in path.parts
        )
    return sorted(path for path in found if path.is_file())


def source_digest(core: Path) -> str:
    """A digest of the parser's source and word lists, and of where each one is."""
    digest = hashlib.sha1(usedforsecurity=False)
    for path in parser_sources(core):
        digest.update(path.relative_to(core).as_posix().encode("utf-8") + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"unreadable")
        digest.update(b"\0")
    return digest.hexdigest()


def _source_digest() -> str:
    """`source_digest` of this installed notetui, once per process: editing the
    parser or its vocabulary invalidates every cache."""
    if not _source_digest_memo:
        _source_digest_memo.append(source_digest(Path(__file__).resolve().parents[1]))
    return _source_digest_memo[0]
