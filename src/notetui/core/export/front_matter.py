"""The YAML front matter of each exported document, and the document around it.

Written by `yaml.safe_dump`, so no note text can end it or change its type (`no`,
`12:30` and `---` stay strings).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import yaml

from notetui import __version__
from notetui.core.annotations.anchoring import Attachments
from notetui.core.export.markup import (
    clean,
    obsidian_tag,
    one_line,
    opt_line,
    removed_so_far,
    speaker_data,
    unique,
    unique_speakers,
)
from notetui.core.export.selection import ORPHANS_TITLE, Chosen, ExportError, describe, plural
from notetui.core.models import Event, Library, Talk


class FrontMatter:
    """The front matter of talks, events, single-file exports and orphans."""

    def __init__(self, library: Library, attachments: Attachments) -> None:
        self.attachments = attachments
        self.note_authors = {note.path: note.event.author for note in library.notes}

    def talk(self, event: Event, talk: Talk) -> dict[str, Any]:
        return {
            "title": one_line(talk.title),
            "event": one_line(event.title),
            "aliases": [one_line(a) for a in talk.aliases],
            "date": event.date,
            "time": talk.time,
            "speakers": [speaker_data(s) for s in talk.speakers],
            "tags": self.tags(event, [talk], notes=False),
            "slides": [one_line(url) for url in talk.slides],
            "venue": opt_line(event.venue),
            "event_url": opt_line(event.url),
            "sources": [
                {
                    "note": one_line(s.note),
                    "author": opt_line(s.author),
                    "title": one_line(s.title),
                    "line": s.section.line,
                }
                for s in talk.sources
            ],
            "notetui_version": __version__,
            "notetui_id": talk.id,
            "notetui_event_id": event.id,
        }

    def event(self, item: Chosen, *, with_talks: bool) -> dict[str, Any]:
        event = item.event
        talks = item.talks
        return {
            "title": one_line(event.title),
            "event": one_line(event.title),
            "aliases": [one_line(a) for a in event.aliases],
            "date": event.date,
            "speakers": unique_speakers(s for t in talks for s in t.speakers),
            "tags": self.tags(event, talks if with_talks else ()),
            "slides": unique(one_line(url) for t in talks for url in t.slides),
            "venue": opt_line(event.venue),
            "url": opt_line(event.url),
            "sources": self.note_sources([item]),
            "notetui_version": __version__,
            "notetui_id": event.id,
        }

    def single(self, chosen: Sequence[Chosen]) -> dict[str, Any]:
        talks = [t for c in chosen for t in c.talks]
        return {
            "title": f"notetui export: {describe(chosen)}",
            "events": [one_line(c.event.title) for c in chosen],
            "tags": unique(tag for c in chosen for tag in self.tags(c.event, c.talks)),
            "speakers": unique_speakers(s for t in talks for s in t.speakers),
            "slides": unique(one_line(url) for t in talks for url in t.slides),
            "sources": self.note_sources(chosen),
            "notetui_version": __version__,
        }

    @staticmethod
    def orphans() -> dict[str, Any]:
        return {"title": ORPHANS_TITLE, "tags": [], "notetui_version": __version__}

    def tags(self, event: Event, talks: Iterable[Talk], *, notes: bool = True) -> list[str]:
        """The user's tags on the talks and the event, then (`notes`) the tags the
        event's notes give, which describe the whole event rather than one talk."""
        mine = [tag for talk in talks for tag in self.attachments.tags.get(talk.id, ())]
        mine += self.attachments.tags.get(event.id, ())
        given = event.tags if notes else ()
        return unique(t for t in map(obsidian_tag, [*sorted(set(mine)), *given]) if t)

    def note_sources(self, chosen: Sequence[Chosen]) -> list[dict[str, Any]]:
        """Each note of the events, with its author as the reader shows it."""
        sources: list[dict[str, Any]] = []
        seen: set[str] = set()
        for item in chosen:
            event = item.event
            authors: dict[str, str] = {}
            for source in (*event.sections, *(s for t in event.talks for s in t.sources)):
                if source.author:
                    authors.setdefault(source.note, source.author)
            for note in event.notes:
                if note in seen:
                    continue
                seen.add(note)
                author = authors.get(note) or self.note_authors.get(note)
                sources.append({"note": one_line(note), "author": opt_line(author)})
        return sources


def document(meta: dict[str, Any], blocks: Sequence[str]) -> str:
    """Front matter and blocks as one document, without a control character, and with
    a comment saying how many characters were removed when any were."""
    front = yaml.safe_dump(
        meta, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1_000_000
    )
    # Every value is one line (see one_line), so no line of it can be a bare "---".
    if any(line.strip() in ("---", "...") for line in front.split("\n")):
        raise ExportError("internal error: front matter would not survive")  # pragma: no cover
    body = clean("\n\n".join(block.strip("\n") for block in blocks if block.strip()))
    return f"---\n{front}---\n\n{removal_note(removed_so_far())}{body}\n"


def removal_note(removed: int) -> str:
    """The comment that says the notes' text lost characters, or nothing."""
    if not removed:
        return ""
    what = f"{plural(removed, 'character')} of escape sequences, control and bidi characters"
    return f"<!-- notetui: removed {what} -->\n\n"
