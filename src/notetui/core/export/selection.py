"""What an export is asked for: the request, the selection of talks and events it
resolves to, and what came of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from notetui.core.annotations.anchoring import Attachments
from notetui.core.annotations.store import normalize_tag
from notetui.core.export.markup import one_line
from notetui.core.models import Event, Library, Talk

Split = Literal["talk", "event", "single"]
SPLITS: tuple[Split, ...] = ("talk", "event", "single")
ORPHANS_TITLE = "Orphaned annotations"
_Found = TypeVar("_Found", Talk, Event)


class ExportError(Exception):
    """The export cannot be done as asked; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class Selection:
    """Which talks to export. Empty talks and events: the whole library.

    `tags` keeps talks that carry every one of them (an event's tags cover its talks,
    as in the tree filter); `annotated_only` keeps talks with at least one annotation.
    """

    talks: tuple[str, ...] = ()  # talk ids (a talk's own id or any of its source keys)
    events: tuple[str, ...] = ()  # event ids
    tags: tuple[str, ...] = ()
    annotated_only: bool = False

    @property
    def everything(self) -> bool:
        """The whole library is asked for, so orphaned annotations belong in it too."""
        return not (self.talks or self.events or self.tags)


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What the export dialog returns: where to write and how."""

    out: Path
    split: Split = "event"
    merged: bool = False


@dataclass(frozen=True)
class Chosen:
    """One event in an export, with the talks of it that go."""

    event: Event
    talks: tuple[Talk, ...]
    whole: bool  # the event itself was chosen: its sections and annotations go too


@dataclass(frozen=True, slots=True)
class ExportFile:
    name: str  # file name inside the output folder (no separators)
    text: str
    kind: Literal["talk", "event", "export", "orphans"]


@dataclass(frozen=True)
class ExportResult:
    """What `export_library` did. Nothing is written when `existing` is not empty."""

    out: Path  # the folder written to (the file's folder for a single file)
    written: tuple[Path, ...] = ()
    unchanged: tuple[Path, ...] = ()  # already there with exactly this content
    existing: tuple[Path, ...] = ()  # there with other content, and force was not set
    events: int = 0
    talks: int = 0
    orphans_exported: int = 0
    orphans_left_out: int = 0

    @property
    def ok(self) -> bool:
        return not self.existing

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file the export consists of, written now or already up to date."""
        return tuple(sorted((*self.written, *self.unchanged)))

    def summary(self) -> str:
        """One line for the user: what was written, and where."""
        if self.existing:
            first = self.existing[0]
            more = f" (and {len(self.existing) - 1} more)" if len(self.existing) > 1 else ""
            return f"{first} already exists{more}; nothing was written"
        what = plural(self.talks, "talk") + " from " + plural(self.events, "event")
        files = plural(len(self.written), "file") + " written"
        if self.unchanged:
            files += f", {len(self.unchanged)} unchanged"
        text = f"exported {what} to {self.out}: {files}"
        if self.orphans_exported:
            text += f"; {plural(self.orphans_exported, 'orphaned annotation')} included"
        if self.orphans_left_out:
            text += (
                f"; {plural(self.orphans_left_out, 'orphaned annotation')} left out "
                "(see `notetui annotations --orphans`)"
            )
        return text


def plural(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _found(found: _Found | None, kind: str, key: str) -> _Found:
    if found is None:
        raise ExportError(f"no {kind} has the id {key!r}")
    return found


def select(library: Library, attachments: Attachments, selection: Selection) -> list[Chosen]:
    """The events and talks `selection` asks for, in library order."""
    wanted_talks = {_found(library.talk(key), "talk", key).id for key in selection.talks}
    wanted_events = {_found(library.event(key), "event", key).id for key in selection.events}
    tags = {t for t in (normalize_tag(tag) for tag in selection.tags) if t}
    annotated = {p.target_id for p in attachments.placements if p.target_id}
    narrowed = bool(wanted_talks or wanted_events)
    chosen: list[Chosen] = []
    for event in library.events:
        whole = event.id in wanted_events or not narrowed
        talks = [t for t in event.talks if whole or t.id in wanted_talks]
        if tags:
            event_tags = set(attachments.tags.get(event.id, ()))
            if not tags <= event_tags:
                whole = False
                talks = [
                    t for t in talks if tags <= event_tags | set(attachments.tags.get(t.id, ()))
                ]
        if selection.annotated_only:
            talks = [t for t in talks if t.id in annotated]
            whole = whole and event.id in annotated
        if talks or whole:
            chosen.append(Chosen(event, tuple(talks), whole))
    return chosen


def describe(chosen: Sequence[Chosen]) -> str:
    """One line saying what an export holds, for the dialog and messages."""
    talks = sum(len(c.talks) for c in chosen)
    if not chosen:
        return "nothing"
    if len(chosen) == 1:
        only = chosen[0]
        if talks == 1 and not only.whole:
            return f"the talk “{one_line(only.talks[0].title)}”"
        what = "the event" if only.whole else plural(talks, "talk") + " of"
        tail = f" ({plural(talks, 'talk')})" if only.whole else ""
        return f"{what} “{one_line(only.event.title)}”{tail}"
    return f"{plural(talks, 'talk')} from {plural(len(chosen), 'event')}"
