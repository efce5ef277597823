"""Loading a folder of notes into a `Library`: read, split, merge.

This is the one entry point the fronts use. It never raises for a bad note: each
becomes a `Problem` with a one-line reason and the rest of the library still loads.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from notetui.core.merging import MergeSettings, build_events, digest, group_events
from notetui.core.models import Library, Note, Problem
from notetui.core.reading import NoteText, ReadFailure, iter_note_files, read_note
from notetui.core.splitting import split_note

Progress = Callable[[int, int], None]


class LibraryError(Exception):
    """The library folder itself is unusable (missing, not a folder)."""


def load_library(
    root: Path,
    *,
    settings: MergeSettings | None = None,
    progress: Progress | None = None,
) -> Library:
    root = root.expanduser()
    if not root.exists():
        raise LibraryError(f"{root} does not exist")
    if not root.is_dir():
        raise LibraryError(f"{root} is not a folder")
    settings = settings or MergeSettings()
    files = list(iter_note_files(root))
    notes: list[Note] = []
    texts: dict[str, NoteText] = {}
    problems: list[Problem] = []
    for done, path in enumerate(files, 1):
        rel = path.relative_to(root).as_posix()
        note = _load_one(path, rel, problems)
        if note is not None:
            notes.append(note[0])
            texts[rel] = note[1]
        if progress is not None:
            progress(done, len(files))
    notes = _resplit_with_hints(notes, texts, settings)
    return Library(
        root=root,
        events=tuple(build_events(notes, settings)),
        problems=tuple(problems),
        notes=tuple(notes),
    )


def _load_one(path: Path, rel: str, problems: list[Problem]) -> tuple[Note, NoteText] | None:
    try:
        text = read_note(path)
    except ReadFailure as failure:
        problems.append(Problem(rel, str(failure)))
        return None
    if text.warning:
        problems.append(Problem(rel, text.warning))
    try:
        return split_note(text, rel), text
    except (RecursionError, MemoryError, ValueError, IndexError, KeyError) as error:
        # A splitter bug on one odd note must not take the library down with it.
        problems.append(Problem(rel, f"could not be split into talks ({type(error).__name__})"))
        return None


def _resplit_with_hints(
    notes: list[Note], texts: dict[str, NoteText], settings: MergeSettings
) -> list[Note]:
    """Plain-text notes get a second look with the talk titles other notes of their
    event give: a bare title line with nothing below it is found that way."""
    if not any(note.format == "text" for note in notes):
        return notes
    digests = [digest(i, note) for i, note in enumerate(notes)]
    replaced = {}
    for group in group_events(digests, settings):
        if len(group) < 2:
            continue
        for d in group:
            if d.note.format != "text":
                continue
            known = [t.title for other in group if other is not d for t in other.note.talks]
            again = split_note(texts[d.note.path], d.note.path, known)
            if len(again.talks) > len(d.note.talks):
                replaced[d.position] = again
    return [replaced.get(i, note) for i, note in enumerate(notes)]
