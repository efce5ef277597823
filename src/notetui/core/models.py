"""The core's vocabulary: what a folder of notes becomes.

Everything here is a frozen dataclass holding plain values (str, int, tuples), so a
library can be cached, compared and handed to another thread without copying.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TypeVar


class SectionKind(StrEnum):
    """What one section of a note is about."""

    TALK = "talk"
    SCHEDULE = "schedule"  # doors open, break, party: on the timetable, not a talk
    IMPRESSIONS = "impressions"  # the author's own thoughts about the whole event
    LINKS = "links"  # related links, references
    OTHER = "other"  # intro text, overview, anything else that is not a talk


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    handle: str | None = None  # without the leading "@"
    affiliation: str | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """One part of one note: a talk as that note tells it, or a non-talk section."""

    title: str  # as written, without time slot, quotes or decoration
    kind: SectionKind
    line: int  # 1-based line of the section's first line in the file
    end_line: int  # 1-based, inclusive
    body: str  # Markdown text of the section, heading excluded
    body_line: int  # 1-based file line on which `body` starts
    time: str | None = None  # "HH:MM"
    speakers: tuple[Speaker, ...] = ()
    slides: tuple[str, ...] = ()
    # Labels the title was written with and lost ("基調講演", "LT", "rubykaigiA"):
    # a talk's role, which merging weighs when titles say little.
    labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventInfo:
    """What one note says about the event it describes."""

    title: str | None = None  # cleaned: no "参加メモ", no hashtags
    raw_title: str | None = None  # as the note writes it
    date: str | None = None  # ISO "YYYY-MM-DD"
    date_is_explicit: bool = False  # an event date, not just the post's date
    venue: str | None = None
    url: str | None = None
    tags: tuple[str, ...] = ()
    author: str | None = None  # the note's author or blog


@dataclass(frozen=True, slots=True)
class Note:
    """One file, read and split."""

    path: str  # POSIX path relative to the library root
    format: str  # "markdown" or "text"
    encoding: str
    event: EventInfo
    sections: tuple[Section, ...]
    metadata: tuple[tuple[str, str | tuple[str, ...]], ...] = ()

    @property
    def talks(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.kind is SectionKind.TALK)

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class Source:
    """One note's section, as part of a merged talk or event."""

    note: str  # the note's relative path
    author: str | None
    event_title: str | None  # the event's name in that note
    section: Section
    key: str  # stable id of this source: survives renames, see merging.source_key

    @property
    def title(self) -> str:
        return self.section.title

    @property
    def note_name(self) -> str:
        return self.note.rsplit("/", 1)[-1]

    @property
    def label(self) -> str:
        """How a column header names this source."""
        return self.author or self.note_name


@dataclass(frozen=True)
class Talk:
    id: str
    event_id: str
    title: str
    sources: tuple[Source, ...]
    time: str | None = None
    speakers: tuple[Speaker, ...] = ()
    slides: tuple[str, ...] = ()

    @property
    def aliases(self) -> tuple[str, ...]:
        """The other titles this talk is known by, in source order."""
        seen = {self.title}
        out: list[str] = []
        for source in self.sources:
            if source.title not in seen:
                seen.add(source.title)
                out.append(source.title)
        return tuple(out)

    @property
    def keys(self) -> frozenset[str]:
        """Every id this talk answers to: its own and each source's."""
        return frozenset({self.id, *(s.key for s in self.sources)})


@dataclass(frozen=True)
class Event:
    id: str
    title: str
    aliases: tuple[str, ...]
    date: str | None
    venue: str | None
    url: str | None
    tags: tuple[str, ...]
    notes: tuple[str, ...]  # relative paths
    talks: tuple[Talk, ...]
    sections: tuple[Source, ...]  # the non-talk sections of every note
    keys: frozenset[str] = frozenset()  # every id this event answers to


@dataclass(frozen=True, slots=True)
class Problem:
    """A note that could not be read, and why, in one line."""

    note: str
    message: str


_Keyed = TypeVar("_Keyed", Talk, Event)


def _by_key(items: Sequence[_Keyed]) -> dict[str, _Keyed]:
    """Each id an item answers to -> the first item answering to it; an item's own id
    always wins over another's source key."""
    index: dict[str, _Keyed] = {}
    for item in items:
        for key in item.keys:
            index.setdefault(key, item)
    for item in items:
        index[item.id] = item
    return index


@dataclass(frozen=True)
class Library:
    root: Path
    events: tuple[Event, ...]
    problems: tuple[Problem, ...]
    notes: tuple[Note, ...] = field(default=(), repr=False)

    @cached_property
    def talks(self) -> tuple[Talk, ...]:
        """Every talk, in tree order: events newest first, talks in time order."""
        return tuple(talk for event in self.events for talk in event.talks)

    @cached_property
    def _talk_index(self) -> dict[str, Talk]:
        return _by_key(self.talks)

    @cached_property
    def _event_index(self) -> dict[str, Event]:
        return _by_key(self.events)

    def talk(self, talk_id: str) -> Talk | None:
        return self._talk_index.get(talk_id)

    def event(self, event_id: str) -> Event | None:
        return self._event_index.get(event_id)

    def event_of(self, talk: Talk) -> Event:
        event = self._event_index[talk.event_id]
        return event
