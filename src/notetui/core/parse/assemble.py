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
from notetui.core.parse.speaker_merge import merge_speakers
from notetui.core.parse.speakers import handle_only, is_slide_line, parse_speaker_line

# What a title cleaner can take off a line: marks, brackets, separators, a time or a
# code (digits), a label, a speaker ("by", "@", "さん"). A line with none is its own title.
_DECORATED = re.compile(
    r"[\x00-\x1f@＠()（）「」『』\"“”':：/／|｜\-–—~〜\[\]【】<>{}*_`#\d!?？！,，、.。]"
    r"|\b(?:by|LT|keynote|session|talk|room|day)\b|さん|氏|様|講演|登壇|発表|基調|キーノート"
    r"|\s[A-Z]|(?-i:[a-z][A-Z])\s",  # the last: a room run into an event name, "rubykaigiA"
    re.IGNORECASE,
)
_HEADING_MARK = re.compile(r"^#{1,6}\s*")
_EMBED_ID = re.compile(r"^@\[[A-Za-z]+\]\([^)\s]*\)\s*$|^\{%\s*\w+\s+\S+\s*%\}$")
# What a speaker or slide line that is not a bare name carries somewhere.
_BELOW_HINT = re.compile(
    r"[@＠(（◆◇|｜/／:：,，]|http|さん|氏|様|先生|株式会社|登壇|発表|講師|資料|スライド"
    r"|speaker|presenter|slides?|deck|\bby\b",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-*+•・]|\d{1,3}[.)])\s")
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


@lru_cache(maxsize=4096)
def clean(raw: str) -> Cleaned:
    """A title line's clean title, its time slot, labels and any speaker written into it."""
    if not _DECORATED.search(raw):
        # Nothing to take off ("## 良い名前を選ぶ"): the title cleaner would give it back.
        return Cleaned(" ".join(raw.lstrip("#").split()), None, (), ())
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
    labels: tuple[str, ...] = ()  # what came off the title: "LT", "基調講演", "(Keynote)"


def talk_parts(raw_title: str, body: Sequence[str]) -> TalkParts:
    """A talk's fields from its title line and the lines of its body: what
    `titles.talk_fields` gives, with the title cleaned once (cached) and only the
    lines that can hold a deck handed to the slide finder (a long paragraph without a
    URL cannot), so that a long talk costs what its links cost."""
    cleaned = clean(raw_title)
    top = speakers.speakers_in(body[:_SPEAKER_WINDOW], title=cleaned.title)
    people = _people(cleaned.speakers)
    if not people:
        people = _people(top.speakers)
    elif top.speakers:
        people = tuple(_filled_in(person, top.speakers) for person in people)
    lines = [raw_title, *_deck_lines(body)]
    decks = slides.slide_links("\n".join(lines))
    return TalkParts(cleaned.title, cleaned.time, people, decks, cleaned.labels)


# speakers_in looks at a body's first lines only: its head, not its notes.
_SPEAKER_WINDOW = 12
_DECK_HINT = re.compile(r"https?://|@\[|\{%|^\s*#")


def _deck_lines(body: Sequence[str]) -> list[str]:
    """The lines the slide finder needs: links, embeds, headings, and a short line
    right above a link, which may label it ("資料", "前回")."""
    kept: list[str] = []
    pending: str | None = None  # a short line, kept if a link follows it
    for line in body:
        if _DECK_HINT.search(line):
            if pending is not None:
                kept.append(pending)
            kept.append(line)
            pending = None
        elif line.strip():
            pending = line if len(line) <= _LABEL_CHARS else None
    return kept


_LABEL_CHARS = 40


def _filled_in(person: Speaker, others: Sequence[Speaker]) -> Speaker:
    """A speaker from the title, completed by the speaker lines under it."""
    if person.name == person.handle and len(others) == 1 and others[0].handle is None:
        return Speaker(others[0].name, person.handle, others[0].affiliation)
    for other in others:
        merged = merge_speakers([[person], [other]])
        if len(merged) == 1:
            return merged[0]
    return person


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
    limit: int = 4,
    headings: frozenset[int] = frozenset(),
) -> Below:
    """Speaker lines, handle lines and slide links right under a title line.

    A cheap first look, for every candidate (the talk's own fields come from
    `talk_parts`). `raw` are the note's lines as written. Under a title that is clearly
    one (`strong`: a heading, quoted, timed, labelled), the line right below may be a
    bare name in any script ("Dana Moreau", "北条慎也"). A heading right below may be
    the speaker line (`### Name ◆ Company`); otherwise a heading ends the look."""
    people: list[Speaker] = []
    decks: list[str] = []
    found: set[int] = set()
    index, seen, gap = start, 0, False
    while index < stop and seen < limit:
        if not index & 15:
            poll()
        line = raw[index].strip()
        if not line:
            if seen:
                break
            gap = True
            index += 1
            continue
        if index in headings:
            line = _HEADING_MARK.sub("", line)
        if _EMBED_ID.match(line):  # "@[speakerdeck](f5b1…)": a deck given by its id
            found.add(index)
            seen += 1
            index += 1
            continue
        # A bare name is enough right under the title, but not as a list item: a
        # bullet under a title is a point ("- Lint Style") unless it says more.
        bare_ok = seen == 0 and not gap and not _BULLET.match(line)
        if not bare_ok and not _BELOW_HINT.search(line):
            break  # no handle, label, affiliation or link: a point, not a speaker line
        handle = handle_only(line)
        named = (
            None
            if handle
            else parse_speaker_line(line, under_title=bare_ok, latin_ok=strong, loose=strong)
        )
        if named:
            people.extend(named)
        elif handle and people and people[-1].handle is None:
            last = people[-1]
            people[-1] = Speaker(last.name, handle, last.affiliation)
        elif handle:
            people.append(Speaker(handle, handle, None))
        elif index in headings:
            break  # not a speaker line: a section of its own
        elif is_slide_line(line):
            decks.extend(slides.slide_links(line))
        else:
            break
        found.add(index)
        seen += 1
        index += 1
    return Below(tuple(people), tuple(dict.fromkeys(decks)), frozenset(found), index)


def is_speaker_line(text: str) -> bool:
    """A line that names speakers on its own evidence (a handle, an affiliation)."""
    return bool(parse_speaker_line(text)) or handle_only(text) is not None


def is_slides(text: str) -> bool:
    return is_slide_line(text)


def slides_in(lines: Sequence[str]) -> tuple[str, ...]:
    return slides.slide_links("\n".join(lines))
