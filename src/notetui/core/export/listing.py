"""The library as plain data: the shape `notetui list --json` prints."""

from __future__ import annotations

from typing import Any

from notetui.core.models import Event, Library, Source, Talk


def library_json(library: Library) -> dict[str, Any]:
    return {
        "root": str(library.root),
        "events": [_event(event) for event in library.events],
        "problems": [{"note": p.note, "message": p.message} for p in library.problems],
    }


def _event(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "title": event.title,
        "aliases": list(event.aliases),
        "date": event.date,
        "venue": event.venue,
        "url": event.url,
        "tags": list(event.tags),
        "notes": list(event.notes),
        "talks": [_talk(talk) for talk in event.talks],
        "sections": [_section(source) for source in event.sections],
    }


def _talk(talk: Talk) -> dict[str, Any]:
    return {
        "id": talk.id,
        "title": talk.title,
        "time": talk.time,
        "speakers": [
            {"name": s.name, "handle": s.handle, "affiliation": s.affiliation}
            for s in talk.speakers
        ],
        "slides": list(talk.slides),
        "sources": [
            {"note": s.note, "title": s.title, "line": s.section.line} for s in talk.sources
        ],
    }


def _section(source: Source) -> dict[str, Any]:
    return {
        "note": source.note,
        "title": source.title,
        "kind": source.section.kind.value,
        "line": source.section.line,
    }
