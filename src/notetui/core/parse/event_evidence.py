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
from notetui.core.parse.event_when import has_date_row
from notetui.core.text import fold

_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")


def not_event_notes(note: Note) -> str | None:
    """A one-line reason when `note` is not notes on an event, else None.

    A project file by its name (README, CHANGELOG) needs event evidence to stay: its
    headings ("Install", "[1.2.0] - 2024-01-05") may pass for talks. Any other file
    needs talks or event evidence."""
    stem = fold(_EXTENSION.sub("", note.name))
    if stem in vocabulary.words("not_note_names"):
        # Its headings may pass for talks and its dates for an event's ("## [1.2.0] -
        # 2024-01-05"): only an event named in it keeps it.
        if _names_an_event(note):
            return None
        return f"not notes on an event: {note.name} is a project file (no event named in it)"
    if note.talks or _has_event_evidence(note) or _opening_tells_of_an_event(note):
        return None
    return "not notes on an event: no talks, and no event date, page, venue or name in it"


_OPENING_LINES = 6
# A post's title or a blog's tagline is a short line; reading only the head of each
# keeps a one-line note of megabytes linear (a word list's regex tried at every
# position of a 3 MB line took seconds).
_OPENING_LINE_CHARS = 300


def _opening_tells_of_an_event(note: Note) -> bool:
    """A plain-text copy may bury the post's title under the blog's name: its first
    lines saying "参加レポート" or "meetup" are evidence enough for a note to stay."""
    if not note.sections:
        return False
    lines = [
        line[:_OPENING_LINE_CHARS] for line in note.sections[0].body.splitlines() if line.strip()
    ]
    return any(
        vocabulary.mentions("event_kind_words", line) or _reports(line)
        for line in lines[:_OPENING_LINES]
    )


def _reports(title: str) -> bool:
    return clean_event_title(title) != " ".join(title.split())


def _has_event_evidence(note: Note) -> bool:
    event = note.event
    return event.date_is_explicit or bool(event.url or event.venue) or _names_an_event(note)


def _names_an_event(note: Note) -> bool:
    """An event page, a row giving its day, report words or event words in the
    title, a series' episode, a day heading."""
    event = note.event
    if event.url:
        return True
    if event.title and event_name(event.title).episodes:
        return True  # "#3", "vol.4", "第5回": an episode of a series
    opening = [line for s in note.sections[:3] for line in s.body.splitlines()[:40]]
    if has_date_row(opening):
        return True  # "日時: 2024/05/10(金)": a row giving an event's day
    titles = [t for t in (event.raw_title, *(s.title for s in note.sections)) if t]
    for title in titles:
        if vocabulary.mentions("event_kind_words", title) or day_pattern().search(fold(title)):
            return True
    # Report words cut from the title ("… 参加メモ") say it is a report of something.
    return bool(event.raw_title and _reports(event.raw_title))
