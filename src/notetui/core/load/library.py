"""Loading a folder of notes into a `Library`: read, split, merge.

This is the one entry point the fronts use. It never raises for a bad note: each
becomes a `Problem` with a one-line reason and the rest of the library still loads.
Every note is read, split and its fields extracted inside one guard (`_load_one`)
and under a time and memory budget (`budget.py`): whatever goes wrong in one note,
an exception or a note too big to finish in time, is that note's problem only.

Parsed notes and the merged library are cached on disk (`core/cache.py`): a
library in which nothing changed is read back from the cache without parsing or
merging; after an edit only the changed notes are read and split again, and the
library is merged again (merging is global: one note can regroup events).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from notetui.core.load.budget import (
    NOTE_SECONDS,
    BudgetExceeded,
    Cancelled,
    LoadCancelled,
    check_cancelled,
    note_budget,
)
from notetui.core.load.cache import (
    Cached,
    CacheError,
    Entry,
    Merged,
    NoteCache,
    Stamp,
    dump_models,
    is_racy,
    pack_stamps,
    stamp_of,
)
from notetui.core.load.files import NoteText, ReadFailure, read_note, scan_notes
from notetui.core.load.pool import Job, Work, run_here, run_in_pool, workers_for
from notetui.core.merge.merging import MergeSettings, NoteDigest, digest, group_events, merge_groups
from notetui.core.models import Library, Note, Problem
from notetui.core.parse.event_evidence import not_event_notes
from notetui.core.parse.note import split_note

Progress = Callable[[int, int], None]

__all__ = ["LibraryError", "LoadCancelled", "load_library"]

log = logging.getLogger(__name__)

# When a note runs out of budget before the splitter hands back what it found, its
# first part is split again for its talks: the first 1/16th, then the first 1/256th,
# each under a quarter of a second.
_PREFIX_SHARES = (16, 256)
_PREFIX_SECONDS = NOTE_SECONDS / 8
# A note's merge digest (its titles' keys, numbers, trigrams) takes microseconds.
_DIGEST_SECONDS = NOTE_SECONDS / 2


class LibraryError(Exception):
    """The library folder itself is unusable (missing, not a folder)."""


def load_library(
    root: Path,
    *,
    settings: MergeSettings | None = None,
    progress: Progress | None = None,
    cache: bool | Path = True,
    cancelled: Cancelled | None = None,
    timings: dict[str, float] | None = None,
) -> Library:
    """Read, split and merge every note under `root`.

    `cache`: True uses the cache folder (`locations.cache_dir()`), a Path uses that
    folder instead, False neither reads nor writes a cache. `progress(done, total)`
    is called as notes are read; `cancelled()` is polled between notes and between
    the phases, and when it returns True the load raises `LoadCancelled`. `timings`,
    if given, gets the seconds each stage took (benchmarks/bench.py prints them).

    Many cache misses are read and split in worker processes (`core.load.pool`).
    """
    clock = _Stopwatch(timings)
    root = root.expanduser()
    try:
        exists, is_dir = root.exists(), root.is_dir()
    except OSError as error:  # a name too long, a symlink loop as the root
        raise LibraryError(f"{root} cannot be read ({error.strerror or error})") from None
    if not exists:
        raise LibraryError(f"{root} does not exist")
    if not is_dir:
        raise LibraryError(f"{root} is not a folder")
    settings = settings or MergeSettings()
    settings_key = repr(settings)
    store = None if cache is False else NoteCache(root, None if cache is True else cache)
    scanned_ns = time.time_ns()
    scan = scan_notes(root)
    for skipped in scan.skipped:
        if skipped.path == root:
            raise LibraryError(f"{root} {skipped.reason}")
    # Reported afresh on every load: they are not notes, so the cache knows nothing of them.
    walk_problems = tuple(
        Problem(rel, skipped.reason)
        for rel, skipped in zip(
            _relative(root, [s.path for s in scan.skipped]), scan.skipped, strict=True
        )
    )
    files = list(scan.files)
    rels = _relative(root, files)
    stamps = [_stamp(path) for path in files]
    packed = pack_stamps(stamps)
    check_cancelled(cancelled)
    old = _read_cache(store)
    if old is not None and old.matches(settings_key, rels, packed):
        if progress is not None:
            progress(len(files), len(files))
        merged = old.merged
        return Library(
            root=root,
            events=merged.events,
            problems=_sorted((*walk_problems, *merged.problems)),
            notes=merged.notes,
        )

    clock.lap("scan and cache read")
    entries: dict[str, Entry] = {}
    texts: dict[str, NoteText] = {}  # plain-text notes read in this load, for re-splitting
    slots: list[Entry | None] = [None] * len(files)
    misses: list[Job] = []
    for index, (path, rel, stamp) in enumerate(zip(files, rels, stamps, strict=True)):
        entry = old.fresh(rel, stamp) if old is not None else None
        if entry is None:
            misses.append(Job(index, rel, (str(path), rel)))
        slots[index] = entry
    done = len(files) - len(misses)
    cut_off = False  # a note was cut by its budget: this load is not the file's final word

    def loaded(job: Job, result: Loaded) -> None:
        nonlocal done, cut_off
        note, found, cut = result
        # A note cut off by its budget is read again next time (the machine may
        # just have been busy), so it is cached with a stamp that never matches.
        slots[job.index] = Entry(_NO_STAMP if cut else stamps[job.index] or _NO_STAMP, note, found)
        cut_off = cut_off or cut
        done += 1
        if progress is not None:
            progress(done, len(files))

    def here(job: Job) -> Loaded:
        note, text, found, cut = _load_one(files[job.index], job.rel, root, cancelled)
        if note is not None and text is not None and note.format == "text":
            texts[job.rel] = text  # kept for a re-split with hints, not read again
        return note, found, cut

    work = Work(_load_chunk, here, _worker_died, loaded)
    if (workers := workers_for(len(misses))) > 0:
        # Their texts stay in the workers: a re-split with hints reads a note again.
        run_in_pool(root, misses, workers, work, cancelled)
    else:
        run_here(misses, work, cancelled)
    if progress is not None and not misses:
        progress(len(files), len(files))
    notes: list[Note] = []
    problems: list[Problem] = []
    for rel, slot in zip(rels, slots, strict=True):
        assert slot is not None  # every miss was loaded above
        entries[rel] = slot
        problems.extend(slot.problems)
        if slot.note is not None:
            notes.append(slot.note)
    clock.lap("read and split")
    old = None  # let the cached library go before merging builds a new one
    check_cancelled(cancelled)

    def check() -> None:
        check_cancelled(cancelled)

    digests = _digests(notes, problems, cancelled)
    clock.lap("merge digests")
    groups = group_events(digests, settings, check)
    clock.lap("grouping events")
    groups = _resplit_with_hints(root, groups, texts, entries, cancelled)
    clock.lap("re-split with hints")
    notes = [d.note for d in sorted((d for g in groups for d in g), key=lambda d: d.position)]
    events = tuple(merge_groups(groups, settings, check))
    clock.lap("merging events")
    note_problems = tuple(problems)
    library = Library(
        root=root,
        events=events,
        problems=_sorted((*walk_problems, *note_problems)),
        notes=tuple(notes),
    )
    if store is not None:
        check_cancelled(cancelled)
        if cut_off or any(stamp is None or is_racy(stamp, scanned_ns) for stamp in stamps):
            packed = None  # some note may still change under the same stamp, or was cut
        merged = Merged(
            settings_key, scanned_ns, rels, packed, events, note_problems, library.notes
        )
        _write_cache(store, merged, entries)
        clock.lap("cache write")
    return library


_NO_STAMP: Stamp = (0, -1, -1, 0)  # the file could not be stat-ed: never matches


class _Stopwatch:
    """Seconds per stage of a load, into `timings` (if there is one)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        if self.timings is not None:
            now = time.perf_counter()
            self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
            self.last = now


# What `load_library` keeps of a note loaded: the note (None if it gave none), the
# problems it gave, and whether its budget cut it off.
Loaded = tuple[Note | None, tuple[Problem, ...], bool]


def _load_chunk(root: str, tasks: list[tuple[str, str]]) -> bytes:
    """In a worker process (`core.load.pool`): these notes (path, path relative to
    the root) loaded as `_load_one` loads them, each as a `Loaded`."""
    base = Path(root)
    results: list[Loaded] = []
    for path, rel in tasks:
        note, _text, found, cut = _load_one(Path(path), rel, base)
        results.append((note, found, cut))
    return dump_models(results)


def _worker_died(job: Job) -> Loaded:
    return None, (Problem(job.rel, "could not be read: the process reading it stopped"),), False


def _resplit_chunk(root: str, tasks: list[tuple[str, tuple[str, ...], int]]) -> bytes:
    """In a worker process: these notes (path relative to the root, the titles to
    split them with, their talks so far) split again, as `_split_again` does."""
    base = Path(root)
    return dump_models([_split_again(base, rel, None, known, talks) for rel, known, talks in tasks])


def _sorted(problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
    """Problems in the order of their notes' paths, as the walk found them."""
    return tuple(sorted(problems, key=lambda p: p.note))


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


def _load_one(
    path: Path, rel: str, root: Path, cancelled: Cancelled | None = None
) -> tuple[Note | None, NoteText | None, tuple[Problem, ...], bool]:
    """One note read and split, inside the per-note guard and budget:
    (note or None, its text, the problems it gave, whether its budget cut it off).

    Reading, decoding, front matter, splitting and field extraction all run here,
    so an exception anywhere in them is this note's problem line, never the library's.
    """
    text: NoteText | None = None
    problems: tuple[Problem, ...] = ()
    try:
        with note_budget(cancelled=cancelled):
            text = read_note(path, root)
            problems = (Problem(rel, text.warning),) if text.warning else ()
            split = split_note(text, rel)
            if (why := not_event_notes(split)) is not None:
                # A README or a todo list beside the notes: reported, not an event.
                return None, text, (*problems, Problem(rel, why)), False
            return split, text, problems, False
    except ReadFailure as failure:
        return None, None, (Problem(rel, str(failure)),), False
    except LoadCancelled:
        raise
    except BudgetExceeded as over:
        note, kept = _cut_off(text, rel, over, cancelled)
        return note, text, (*problems, Problem(rel, kept)), True
    except Exception as error:  # the per-note firewall; the cause is reported
        log.debug("note %s could not be loaded", rel, exc_info=True)
        stage = "read" if text is None else "split into talks"
        failed = Problem(rel, f"could not be {stage}: {_cause(error)}")
        return None, text, (*problems, failed), False


def _cause(error: BaseException) -> str:
    """An exception as the end of a one-line problem: its type and first words."""
    message = " ".join(str(error).split())
    if len(message) > 120:
        message = message[:119] + "…"
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def _cut_off(
    text: NoteText | None, rel: str, over: BudgetExceeded, cancelled: Cancelled | None
) -> tuple[Note | None, str]:
    """The talks a note over its budget still gives, and the problem line saying so.

    The splitter may hand back what it found (`over.partial`); otherwise the note's
    first part is split again under a smaller budget, so its first talks are kept."""
    why = f"cut off: it {over.reason} (the limit for one note)"
    if isinstance(over.partial, Note):
        return over.partial, f"{why}; kept {_talks(over.partial)} found before"
    if text is None:
        return None, f"{why} while being read"
    for share in _PREFIX_SHARES:
        body = text.body[: len(text.body) // share]
        body = body[: body.rfind("\n") + 1] or body
        try:
            with note_budget(seconds=_PREFIX_SECONDS, cancelled=cancelled):
                note = split_note(dataclasses.replace(text, body=body), rel)
        except LoadCancelled:
            raise
        except (Exception, BudgetExceeded):  # too slow or failing too: a smaller part
            log.debug("the first 1/%d of %s could not be split", share, rel, exc_info=True)
            continue
        return note, f"{why}; kept {_talks(note)} in its first {100 / share:.2g}%"
    return None, f"{why}; no talks kept"


def _talks(note: Note) -> str:
    return "1 talk" if len(note.talks) == 1 else f"{len(note.talks)} talks"


def _digests(
    notes: list[Note], problems: list[Problem], cancelled: Cancelled | None = None
) -> list[NoteDigest]:
    """Each note's merge digest, under a budget of its own: a note whose digest
    fails or overruns (its titles are what merging reads) is left out and reported."""
    digests: list[NoteDigest] = []
    for note in notes:
        try:
            with note_budget(seconds=_DIGEST_SECONDS, cancelled=cancelled):
                digests.append(digest(len(digests), note))
        except LoadCancelled:
            raise
        except BudgetExceeded as over:
            problems.append(Problem(note.path, f"could not be merged: it {over.reason}"))
        except Exception as error:  # one note's odd fields, reported
            log.debug("note %s could not be merged", note.path, exc_info=True)
            problems.append(Problem(note.path, f"could not be merged: {_cause(error)}"))
    return digests


def _resplit_with_hints(
    root: Path,
    groups: list[list[NoteDigest]],
    texts: dict[str, NoteText],
    entries: dict[str, Entry],
    cancelled: Cancelled | None = None,
) -> list[list[NoteDigest]]:
    """Plain-text notes get a second look with the talk titles other notes of their
    event give: a bare title line with nothing below it is found that way. The
    groups stay as they are: the titles that guide the re-split came from them.

    The answer is kept in the note's cache entry with the titles it was given, and
    reused while the note and the titles stay the same. Many second looks run in
    worker processes, as the first ones do."""
    wanted: list[tuple[int, int, tuple[str, ...]]] = []  # group, member, titles
    for g, group in enumerate(groups):
        if len(group) < 2 or all(d.note.format != "text" for d in group):
            continue
        for m, d in enumerate(group):
            if d.note.format == "text":
                known = tuple(t.title for o in group if o is not d for t in o.note.talks)
                wanted.append((g, m, known))
    result = [list(group) for group in groups]
    Again = tuple[bool, Note | None]

    def done(job: Job, again: Again) -> None:
        g, m, known = wanted[job.index]
        d = result[g][m]
        ok, better = again
        if ok and (entry := entries.get(d.note.path)) is not None:
            entries[d.note.path] = entry._replace(hinted=(known, better))
        if better is not None:
            result[g][m] = digest(d.position, better)

    def here(job: Job) -> Again:
        rel, known, talks = job.task
        assert isinstance(rel, str) and isinstance(known, tuple) and isinstance(talks, int)
        return _split_again(root, rel, texts.get(rel), known, talks)

    jobs = []
    for at, (g, m, known) in enumerate(wanted):
        note = groups[g][m].note
        entry = entries.get(note.path)
        if entry is not None and entry.hinted is not None and entry.hinted[0] == known:
            if entry.hinted[1] is not None:
                result[g][m] = digest(groups[g][m].position, entry.hinted[1])
        else:
            jobs.append(Job(at, note.path, (note.path, known, len(note.talks))))
    work: Work[Again] = Work(_resplit_chunk, here, lambda _job: (False, None), done)
    if (workers := workers_for(len(jobs))) > 0:
        run_in_pool(root, jobs, workers, work, cancelled)
    else:
        run_here(jobs, work, cancelled)
    return result


def _split_again(
    root: Path, rel: str, text: NoteText | None, known: tuple[str, ...], talks: int
) -> tuple[bool, Note | None]:
    """The note split again with these titles: (whether that worked, the note if it
    found more than its `talks`). Read again if `text` is None."""
    try:
        with note_budget():
            if text is None:  # split in an earlier load or another process: read it again
                text = read_note(root / rel, root)
            again = split_note(text, rel, known)
    except LoadCancelled:
        raise
    except (Exception, BudgetExceeded):  # a failed second look keeps the first one
        log.debug("note %s could not be split again", rel, exc_info=True)
        return False, None
    return True, (again if len(again.talks) > talks else None)
