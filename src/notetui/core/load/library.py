"""Loading a folder of notes into a `Library`: read, split, merge.

This is the one entry point the fronts use. It never raises for a bad note: each
becomes a `Problem` with a one-line reason and the rest of the library still loads.

Parsed notes and the merged library are cached on disk (`core/cache.py`): a
library in which nothing changed is read back from the cache without parsing or
merging; after an edit only the changed notes are read and split again, and the
library is merged again (merging is global: one note can regroup events).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from notetui.core.load.cache import (
    Cached,
    CacheError,
    Entry,
    Merged,
    NoteCache,
    Stamp,
    is_racy,
    pack_stamps,
    stamp_of,
)
from notetui.core.load.files import NoteText, ReadFailure, iter_note_files, read_note
from notetui.core.merge.merging import MergeSettings, NoteDigest, digest, group_events, merge_groups
from notetui.core.models import Library, Note, Problem
from notetui.core.parse.note import split_note

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

log = logging.getLogger(__name__)

# A splitter bug on one odd note must not take the library down with it.
_SPLIT_ERRORS = (RecursionError, MemoryError, ValueError, IndexError, KeyError)


class LibraryError(Exception):
    """The library folder itself is unusable (missing, not a folder)."""


class LoadCancelled(Exception):
    """`load_library` stopped because its `cancelled` callback said so."""


def load_library(
    root: Path,
    *,
    settings: MergeSettings | None = None,
    progress: Progress | None = None,
    cache: bool | Path = True,
    cancelled: Cancelled | None = None,
) -> Library:
    """Read, split and merge every note under `root`.

    `cache`: True uses the cache folder (`locations.cache_dir()`), a Path uses that
    folder instead, False neither reads nor writes a cache. `progress(done, total)`
    is called as notes are read; `cancelled()` is polled between notes and between
    the phases, and when it returns True the load raises `LoadCancelled`.
    """
    root = root.expanduser()
    if not root.exists():
        raise LibraryError(f"{root} does not exist")
    if not root.is_dir():
        raise LibraryError(f"{root} is not a folder")
    settings = settings or MergeSettings()
    settings_key = repr(settings)
    store = None if cache is False else NoteCache(root, None if cache is True else cache)
    scanned_ns = time.time_ns()
    files = list(iter_note_files(root))
    rels = _relative(root, files)
    stamps = [_stamp(path) for path in files]
    packed = pack_stamps(stamps)
    _check(cancelled)
    old = _read_cache(store)
    if old is not None and old.matches(settings_key, rels, packed):
        if progress is not None:
            progress(len(files), len(files))
        merged = old.merged
        return Library(
            root=root, events=merged.events, problems=merged.problems, notes=merged.notes
        )

    entries: dict[str, Entry] = {}
    texts: dict[str, NoteText] = {}  # plain-text notes read in this load, for re-splitting
    notes: list[Note] = []
    problems: list[Problem] = []
    for done, (path, rel, stamp) in enumerate(zip(files, rels, stamps, strict=True), 1):
        _check(cancelled)
        entry = old.fresh(rel, stamp) if old is not None else None
        if entry is None:
            note, text, found = _load_one(path, rel)
            entry = Entry(stamp or _NO_STAMP, note, found)
            if note is not None and text is not None and note.format == "text":
                texts[rel] = text
        entries[rel] = entry
        problems.extend(entry.problems)
        if entry.note is not None:
            notes.append(entry.note)
        if progress is not None:
            progress(done, len(files))
    old = None  # let the cached library go before merging builds a new one
    _check(cancelled)

    def check() -> None:
        _check(cancelled)

    digests = [digest(i, note) for i, note in enumerate(notes)]
    groups = group_events(digests, settings, check)
    groups = _resplit_with_hints(root, groups, texts, entries, cancelled)
    notes = [d.note for d in sorted((d for g in groups for d in g), key=lambda d: d.position)]
    events = tuple(merge_groups(groups, settings, check))
    library = Library(root=root, events=events, problems=tuple(problems), notes=tuple(notes))
    if store is not None:
        _check(cancelled)
        if any(stamp is None or is_racy(stamp, scanned_ns) for stamp in stamps):
            packed = None  # some note may still change under the same stamp
        merged = Merged(
            settings_key, scanned_ns, rels, packed, events, library.problems, library.notes
        )
        _write_cache(store, merged, entries)
    return library


_NO_STAMP: Stamp = (0, -1, -1, 0)  # the file could not be stat-ed: never matches


def _check(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise LoadCancelled


def _relative(root: Path, files: list[Path]) -> tuple[str, ...]:
    """POSIX paths relative to root (string slicing: Path.relative_to is slow at 10,000)."""
    prefix = str(root).rstrip(os.sep) + os.sep
    rels = []
    for path in files:
        text = str(path)
        if text.startswith(prefix):
            rel = text[len(prefix) :]
            rels.append(rel if os.sep == "/" else rel.replace(os.sep, "/"))
        else:
            rels.append(path.relative_to(root).as_posix())
    return tuple(rels)


def _stamp(path: Path) -> Stamp | None:
    try:
        return stamp_of(path.stat())
    except OSError:
        return None  # gone since the walk: read_note reports it


def _read_cache(store: NoteCache | None) -> Cached | None:
    if store is None:
        return None
    try:
        return store.load()
    except CacheError as error:
        log.info("not using the note cache %s: %s", store.path, error)
        return None


def _write_cache(store: NoteCache, merged: Merged, entries: dict[str, Entry]) -> None:
    try:
        store.save(merged, entries)
    except OSError as error:
        # The library loaded fine; only the next start will be slower.
        log.warning("cannot write the note cache %s: %s", store.path, error)


def _load_one(path: Path, rel: str) -> tuple[Note | None, NoteText | None, tuple[Problem, ...]]:
    """One note read and split: (note or None, its text, the problems it gave)."""
    try:
        text = read_note(path)
    except ReadFailure as failure:
        return None, None, (Problem(rel, str(failure)),)
    problems = (Problem(rel, text.warning),) if text.warning else ()
    try:
        return split_note(text, rel), text, problems
    except _SPLIT_ERRORS as error:
        message = f"could not be split into talks ({type(error).__name__})"
        return None, text, (*problems, Problem(rel, message))


def _resplit_with_hints(
    root: Path,
    groups: list[list[NoteDigest]],
    texts: dict[str, NoteText],
    entries: dict[str, Entry],
    cancelled: Cancelled | None = None,
) -> list[list[NoteDigest]]:
    """Plain-text notes get a second look with the talk titles other notes of their
    event give: a bare title line with nothing below it is found that way. The
    groups stay as they are: the titles that guide the re-split came from them."""
    result = []
    for group in groups:
        if len(group) < 2 or all(d.note.format != "text" for d in group):
            result.append(group)
            continue
        _check(cancelled)
        again = []
        for d in group:
            hinted = None
            if d.note.format == "text":
                known = tuple(t.title for o in group if o is not d for t in o.note.talks)
                hinted = _hinted_split(root, d.note, known, texts, entries)
            again.append(d if hinted is None else digest(d.position, hinted))
        result.append(again)
    return result


def _hinted_split(
    root: Path,
    note: Note,
    known: tuple[str, ...],
    texts: dict[str, NoteText],
    entries: dict[str, Entry],
) -> Note | None:
    """The note split again with these titles, if that finds more talks.

    The answer is kept in the note's cache entry with the titles it was given,
    and reused while the note and the titles stay the same."""
    entry = entries.get(note.path)
    if entry is not None and entry.hinted is not None and entry.hinted[0] == known:
        return entry.hinted[1]
    text = texts.get(note.path)
    if text is None:  # split in an earlier load: read it again
        try:
            text = read_note(root / note.path)
        except ReadFailure:
            return None
    try:
        again = split_note(text, note.path, known)
    except _SPLIT_ERRORS:
        return None
    better = again if len(again.talks) > len(note.talks) else None
    if entry is not None:
        entries[note.path] = entry._replace(hinted=(known, better))
    return better
