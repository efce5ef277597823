"""Whether a file in the folder is notes on an event at all.

A notes folder also holds a project's own files: a README, a CHANGELOG, a LICENSE,
a todo list. Such a file has no talks and says nothing about an event: no event
date, page or venue, no report words or event words in its title, no day headings.
It is reported as a problem with a one-line reason instead of becoming an event.
A note with any of that evidence stays a note, however little the parser found.
"""

from __future__ import annotations

import re

from notetui.core.models import Note
from notetui.core.parse import vocabulary
from notetui.core.parse.event_names import clean_event_title, day_pattern, event_name
from notetui.core.text import fold

_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")


def not_event_notes(note: Note) -> str | None:
    """A one-line reason when `note` is not notes on an event, else None.

    A project file by its name (README, CHANGELOG) needs event evidence to stay: its
    headings ("Install", "[1.2.0] - 2024-01-05") may pass for talks. Any other file
    needs talks or event evidence."""
    if _has_event_evidence(note):
        return None
    stem = fold(_EXTENSION.sub("", note.name))
    if stem in vocabulary.words("not_note_names"):
        return f"not notes on an event: {note.name} is a project file (no event named in it)"
    if note.talks:
        return None
    return "not notes on an event: no talks, and no event date, page, venue or name in it"


def _has_event_evidence(note: Note) -> bool:
    event = note.event
    if event.date_is_explicit or event.url or event.venue:
        return True
    if event.title and event_name(event.title).episodes:
        return True  # "#3", "vol.4", "第5回": an episode of a series
    titles = [t for t in (event.raw_title, *(s.title for s in note.sections)) if t]
    for title in titles:
        if vocabulary.mentions("event_kind_words", title) or day_pattern().search(fold(title)):
            return True
    # Report words cut from the title ("… 参加メモ") say it is a report of something.
    return bool(event.raw_title and clean_event_title(event.raw_title) != event.raw_title)
