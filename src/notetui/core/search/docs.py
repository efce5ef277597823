"""The library as search documents: what `/` searches, and where a hit jumps to."""

from __future__ import annotations

from collections.abc import Iterator

from notetui.core.annotations.anchoring import Attachments
from notetui.core.models import Library
from notetui.core.search.index import SearchDoc, SearchIndex


def library_docs(library: Library, attachments: Attachments) -> Iterator[SearchDoc]:
    """Every title a talk is written under, its speakers, events and their names,
    tags, annotation text and the notes' own text."""
    for event in library.events:
        for name in (event.title, *event.aliases):
            yield SearchDoc("event", event.id, "event", name)
        for talk in event.talks:
            yield SearchDoc("talk", talk.id, "title", talk.title)
            for alias in talk.aliases:
                yield SearchDoc("talk", talk.id, "alias", alias)
            for speaker in talk.speakers:
                yield SearchDoc("talk", talk.id, "speaker", speaker.name)
                if speaker.handle:
                    yield SearchDoc("talk", talk.id, "handle", "@" + speaker.handle)
                if speaker.affiliation:
                    yield SearchDoc("talk", talk.id, "affiliation", speaker.affiliation)
            for source in talk.sources:
                section = source.section
                if section.body.strip():
                    yield SearchDoc(
                        "body", talk.id, "body", section.body, source.note, section.body_line
                    )
        for source in event.sections:
            section = source.section
            if section.body.strip():
                yield SearchDoc(
                    "body", event.id, "body", section.body, source.note, section.body_line
                )
    for target, tags in attachments.tags.items():
        for tag in tags:
            yield SearchDoc("tag", target, "tag", "#" + tag)
    for placement in attachments.placements:
        if placement.target_id:
            yield SearchDoc(
                "annotation",
                placement.target_id,
                "annotation",
                placement.annotation.text,
                placement.note,
                placement.line,
            )


def build_index(library: Library, attachments: Attachments) -> SearchIndex:
    return SearchIndex(library_docs(library, attachments))
