"""The one place the parser calls title cleaning, speaker and slide recognition.

Those are stages of their own (titles.py, speakers.py, slides.py); everything the
pipeline needs from them goes through these few functions, so switching to another
title cleaner or speaker finder is a change here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from notetui.core.load.budget import poll
from notetui.core.models import Speaker
from notetui.core.parse import sections, slides, speakers, titles
from notetui.core.parse.speakers import handle_only, is_slide_line, parse_speaker_line

_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(\s*<?([^)\s>]*)>?[^)]*\)")
_INLINE_MARKS = re.compile(r"(?<!\w)(\*\*|__|\*|_|~~)(?=\S)(.+?)(?<=\S)\1(?!\w)|`([^`]+)`")
# Only the inline tags people put in headings: "<UserCard data={…} />" in a title is text.
_HTML_TAG = re.compile(
    r"</?(?:u|b|i|em|strong|span|br|a|small|mark|sup|sub|code|s|del|ins|font|big|kbd)"
    r"(?:\s[^<>]{0,200})?/?>",
    re.IGNORECASE,
)
# Liquid/Hexo tags that stand for a link: {% elink Title https://… %}
_LIQUID_LINK = re.compile(r"\{%\s*(?:elink|link)\s+(.+?)\s+(https?://\S+)\s*%\}")


@lru_cache(maxsize=4096)
def inline_text(raw: str) -> str:
    """A line without Markdown inline syntax or HTML tags: links become their text."""
    text = _LIQUID_LINK.sub(lambda m: m.group(1), raw)
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    if "<" in text:
        text = _HTML_TAG.sub("", text)
    for _ in range(2):
        text = _INLINE_MARKS.sub(lambda m: m.group(2) or m.group(3) or "", text)
    return " ".join(text.split())


def link_targets(raw: str) -> tuple[str, ...]:
    found = [m.group(2) for m in _MD_LINK.finditer(raw) if m.group(2)]
    found += [m.group(2) for m in _LIQUID_LINK.finditer(raw)]
    return tuple(found)


@dataclass(frozen=True)
class Cleaned:
    title: str
    time: str | None
    speakers: tuple[Speaker, ...]
    links: tuple[str, ...]  # link targets written in the title line
    labels: tuple[str, ...] = ()  # what the cleaner took off: "LT", "基調講演", "H1 (S)"


def clean(raw: str) -> Cleaned:
    """A title line's clean title, its time slot, labels and any speaker written into it."""
    cleaned = titles.clean_title(raw)
    title, people = cleaned.title, _people(cleaned.speakers)
    if people:
        # "Title by Jane Doe (@jdoe)": the handle came off first; the name is still there.
        again = titles.clean_title(title)
        named = _people(again.speakers)
        if named and again.title and again.title != title:
            title, people = again.title, _joined(named, people)
    return Cleaned(title, cleaned.time, people, link_targets(raw), cleaned.labels)


_NOT_PEOPLE = ("not_people", "event_attend_modes")


def _people(found: tuple[Speaker, ...]) -> tuple[Speaker, ...]:
    """The speakers that are people: not "(中継開催)" or "(仮)" read as a name."""
    return tuple(
        s for s in found if s.handle or s.affiliation or not sections.only_any(_NOT_PEOPLE, s.name)
    )


def _joined(named: tuple[Speaker, ...], handles: tuple[Speaker, ...]) -> tuple[Speaker, ...]:
    if len(named) == 1 and len(handles) == 1 and named[0].handle is None:
        return (Speaker(named[0].name, handles[0].handle, named[0].affiliation),)
    return named


@dataclass(frozen=True)
class TalkParts:
    title: str
    time: str | None
    speakers: tuple[Speaker, ...]
    slides: tuple[str, ...]


def talk_parts(raw_title: str, body: Sequence[str]) -> TalkParts:
    """A talk's fields from its title line and the lines of its body."""
    fields = titles.talk_fields(raw_title, body)
    title, people = fields.title, _people(fields.speakers)
    cleaned = clean(raw_title)
    if cleaned.title != fields.title and cleaned.speakers:
        title = cleaned.title  # the second look above took a name off the title
        people = _joined(cleaned.speakers, people) if people else cleaned.speakers
    return TalkParts(title, fields.time, people, fields.slides)


@dataclass(frozen=True)
class Below:
    """What sits right under a title line: its speakers and slides, and which lines
    said so (those are not points of the talk)."""

    speakers: tuple[Speaker, ...] = ()
    slides: tuple[str, ...] = ()
    lines: frozenset[int] = frozenset()  # indexes of the speaker and slide lines
    end: int = 0  # first index after them

    @property
    def evidence(self) -> bool:
        return bool(self.speakers or self.slides)


def below(
    raw: Sequence[str],
    start: int,
    stop: int,
    *,
    strong: bool = False,
    headings: frozenset[int] = frozenset(),
) -> Below:
    """Speaker lines, handle lines and slide links right under a title line.

    `raw` are the note's lines as written. A heading right under the title may be its
    speaker line (`### Name ◆ Company`); any later heading ends what belongs to it.
    `strong`: the title is clearly one (a heading, quoted, timed, labelled), so a bare
    name right under it is a speaker line."""
    window: list[str] = []
    for index in range(start, stop):
        if not index & 15:
            poll()
        if index in headings and any(line.strip() for line in window):
            break
        window.append(raw[index])
        if index in headings:
            break
    if not any(line.strip() for line in window):
        return Below(end=start)
    found = speakers.speakers_in(window, strong=strong)
    # Only the lines at the top count: a slide link further down is the talk's, but
    # says nothing about the title line; speakers named only in prose neither.
    top = sorted(i for i in found.line_indexes if i < found.end)
    # A heading below is a speaker line of this title or a section of its own, never
    # its slide line: "## [Next talk](deck-url)" is the next talk.
    top = [i for i in top if start + i not in headings or not is_slide_line(window[i])]
    decks = slides.slide_links("\n".join(window[i] for i in top)) if top else ()
    people = found.speakers if any(not is_slide_line(window[i]) for i in top) else ()
    return Below(people, decks, frozenset(start + i for i in top), start + found.end)


def is_speaker_line(text: str) -> bool:
    """A line that names speakers on its own evidence (a handle, an affiliation)."""
    return bool(parse_speaker_line(text)) or handle_only(text) is not None


def is_slides(text: str) -> bool:
    return is_slide_line(text)


def slides_in(lines: Sequence[str]) -> tuple[str, ...]:
    return slides.slide_links("\n".join(lines))
