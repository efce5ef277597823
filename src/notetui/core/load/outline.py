"""The cache's light part: every event and talk by title, enough to draw the tree.

A warm start at 10,000 notes spends most of a second unpickling the whole merged
library. The tree needs only titles, dates, times and counts, so the cache file
starts with them (`Outline`, a small fraction of the file), and a reader can show
the tree from `read_outline(root)` while the full library loads in a worker.

    outline = read_outline(root)       # None: no cache yet, or an unusable one
    for event in outline.events: ...   # then load_library(root) as usual

The outline is the library as of the last load that wrote the cache: notes may have
changed since, and a newer parser may split them differently. It is a first picture,
never the truth: the full load that follows replaces it. Reading it checks the
file's format and the outline's own checksum, reads only the file's header and the
outline, and imports nothing of the parser.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from notetui.core.models import Event, Problem


@dataclass(frozen=True, slots=True)
class OutlineTalk:
    id: str
    title: str
    time: str | None
    sources: int  # how many notes cover the talk


@dataclass(frozen=True, slots=True)
class OutlineEvent:
    id: str
    title: str
    date: str | None
    aliases: tuple[str, ...]
    notes: int  # how many notes describe the event
    talks: tuple[OutlineTalk, ...]
    sections: int = 0  # its notes' parts that are no talk (the tree's "Event notes")


@dataclass(frozen=True, slots=True)
class Outline:
    events: tuple[OutlineEvent, ...]
    problems: int  # notes that could not be read or split

    @property
    def talks(self) -> int:
        return sum(len(event.talks) for event in self.events)


# As stored: plain tuples of str, int and None, so that loading it calls no class.
TalkRow = tuple[str, str, str | None, int]
EventRow = tuple[str, str, str | None, tuple[str, ...], int, tuple[TalkRow, ...], int]


def outline_rows(
    events: Iterable[Event], problems: Iterable[Problem]
) -> tuple[tuple[EventRow, ...], int]:
    """What the cache stores of a merged library for its outline."""
    rows = tuple(
        (
            event.id,
            event.title,
            event.date,
            event.aliases,
            len(event.notes),
            tuple((talk.id, talk.title, talk.time, len(talk.sources)) for talk in event.talks),
            len(event.sections),
        )
        for event in events
    )
    return rows, sum(1 for _ in problems)


def outline_from_rows(stored: object) -> Outline | None:
    """The outline from what `outline_rows` stored; None if it is not that shape."""
    if not isinstance(stored, tuple) or len(stored) != 2:
        return None
    rows: Any = stored[0]
    problems: object = stored[1]
    try:
        events = tuple(
            OutlineEvent(
                _text(event_id),
                _text(title),
                _maybe_text(date),
                tuple(_text(alias) for alias in aliases),
                _count(notes),
                tuple(
                    OutlineTalk(_text(t_id), _text(t_title), _maybe_text(t_time), _count(count))
                    for t_id, t_title, t_time, count in talks
                ),
                _count(sections),
            )
            for event_id, title, date, aliases, notes, talks, sections in rows
        )
        return Outline(events, _count(problems))
    except (TypeError, ValueError):
        return None


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _maybe_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _count(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError("not a count")
    return value


def read_outline(root: Path, folder: Path | None = None) -> Outline | None:
    """The outline the cache holds for the notes folder `root` (in `folder`, by
    default the cache folder), as of its last load; None without a usable one."""
    from notetui.core.load.cache import NoteCache

    return outline_from_rows(NoteCache(root, folder).outline_rows())
