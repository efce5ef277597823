"""The one place the parser calls title cleaning, speaker and slide recognition.

Those are stages of their own (core/parse/sections.py's `clean_title` today, and
speakers.py); everything the pipeline needs from them goes through these few
functions, so switching to a new title cleaner or speaker finder is a change here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from notetui.core.load.budget import poll
from notetui.core.models import Speaker
from notetui.core.parse.sections import clean_title as _clean_title
from notetui.core.parse.speakers import (
    handle_only,
    is_slide_line,
    parse_speaker_line,
    slide_links,
    social_handle,
)

_EMBED_ID = re.compile(r"^@\[[A-Za-z]+\]\([^)\s]*\)\s*$|^\{%\s*\w+\s+\S+\s*%\}$")
_LABEL_AND_NAME = re.compile(
    r"^(?:\d{1,2}[:：]\d{2}\S*\s+)?"
    r"(?P<label>Keynote|Opening Keynote|Closing Keynote|基調講演|キーノート|招待講演|特別講演)"
    r"\s*[:：]\s*(?P<name>[^:：]{2,40})$",
    re.IGNORECASE,
)
_NICKNAME = re.compile(r"@?[A-Za-z0-9_][A-Za-z0-9_.\-]{1,30}")
# What a speaker or slide line that is not a bare name carries somewhere.
_BELOW_HINT = re.compile(
    r"[@＠(（◆◇|｜/／:：]|http|さん|氏|様|先生|株式会社|登壇|発表|講師|資料|スライド"
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
_TITLE_SPEAKER = re.compile(
    r"^(?P<title>.+?)\s*(?:[(（](?P<paren>[^()（）]*@[^()（）]+)[)）]"
    r"|\s(?:by|presented by)\s+(?P<by>[^/]+)|\s+[/／]\s+(?P<slash>[^/／]+)"
    r"|\s+[:：]\s+(?P<colon>[^:：]{1,40})"
    r"|\s+(?P<handles>(?:[@＠][A-Za-z0-9_][A-Za-z0-9_\-]{0,38}\s*)+))$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Cleaned:
    title: str
    time: str | None
    speakers: tuple[Speaker, ...]
    links: tuple[str, ...]  # link targets written in the title line


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


def clean(raw: str) -> Cleaned:
    """A title line's clean title, its time slot and any speaker written into it."""
    shown = inline_text(raw)
    time, title = _clean_title(shown)
    labelled = _LABEL_AND_NAME.match(shown)
    # Not when the rest is a linked title ("基調講演：[Title](url)") or a phrase.
    if labelled and "](" not in raw and not re.search(r"[,，、]", labelled.group("name")):
        # "Keynote: Jane Doe": the label is the title, the name its speaker.
        people = parse_speaker_line(labelled.group("name"), under_title=True)
        if people:
            return Cleaned(labelled.group("label"), time, tuple(people), link_targets(raw))
    speakers: tuple[Speaker, ...] = ()
    split = _speakers_in_title(title)
    if split is not None:
        title, speakers = split
    return Cleaned(title, time, speakers, link_targets(raw))


def _speakers_in_title(title: str) -> tuple[str, tuple[Speaker, ...]] | None:
    """'Title (Jane Doe @jdoe)', 'Title by Jane Doe', 'Title @jdoe': split the speaker off."""
    if len(title) > 300:
        return None
    match = _TITLE_SPEAKER.match(title)
    if not match:
        return None
    if match.group("handles"):
        handles = re.findall(r"[@＠]([A-Za-z0-9_][A-Za-z0-9_\-]*)", match.group("handles"))
        return match.group("title").strip(), tuple(Speaker(h, h, None) for h in handles)
    part = (
        match.group("paren")
        or match.group("by")
        or match.group("slash")
        or match.group("colon")
        or ""
    )
    part = part.strip()
    for opening, closing in (("[", "]"), ("(", ")"), ("（", "）")):
        if part.endswith(closing) and part.count(opening) < part.count(closing):
            part = part[:-1].rstrip()  # "by songmu]": a typo'd bracket
    speakers = parse_speaker_line(part, under_title=bool(match.group("by") or match.group("colon")))
    if not speakers and match.group("by") and _NICKNAME.fullmatch(part):
        speakers = [Speaker(part, part, None)]  # "Title by songmu": a nickname
    if not speakers:
        return None
    return match.group("title").strip(), tuple(speakers)


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
    texts: Sequence[str],
    start: int,
    stop: int,
    *,
    strong: bool = False,
    limit: int = 4,
    headings: frozenset[int] = frozenset(),
) -> Below:
    """Speaker lines, handle lines and slide links right under a title line.

    `texts` are the lines without their Markdown block marks (a `#` or a bullet).
    Under a title that is clearly one (`strong`: a heading, quoted, timed, labelled),
    the line right below may be a bare name in any script ("Dana Moreau", "北条慎也").
    A blank line ends the block once a speaker line was seen.
    """
    speakers: list[Speaker] = []
    slides: list[str] = []
    found: set[int] = set()
    index, seen, gap = start, 0, False
    while index < stop and seen < limit:
        poll()
        line = texts[index]
        if not line:
            if seen:
                break
            gap = True
            index += 1
            continue
        text = inline_text(line) if ("[" in line or "<" in line or "*" in line) else line
        if _EMBED_ID.match(line):
            found.add(index)
            seen += 1
            index += 1
            continue
        handle = handle_only(line)
        # A bare name is enough right under the title, but not as a list item: a
        # bullet under a title is a point ("- Lint Style") unless it says more.
        bare_ok = seen == 0 and not gap and not _BULLET.match(line)
        if not bare_ok and not _BELOW_HINT.search(line):
            break  # no handle, label, affiliation or link: a point, not a speaker line
        people = (
            None
            if handle
            else parse_speaker_line(line, under_title=bare_ok, latin_ok=strong, loose=strong)
        )
        if people:
            speakers.extend(people)
        elif handle and speakers and speakers[-1].handle is None:
            last = speakers[-1]
            speakers[-1] = Speaker(last.name, handle, last.affiliation)
        elif handle:
            speakers.append(Speaker(handle, handle, None))
        elif index in headings:
            break  # a heading under a title is its speaker line or a section of its own
        elif is_slide_line(line):
            slides.extend(slide_links([line]))
        elif _EMBED_ID.match(line) or social_handle(text) is not None:
            pass  # an embed that carries only an id ("@[speakerdeck](f5b1…)"): no URL
        else:
            break
        found.add(index)
        seen += 1
        index += 1
    return Below(tuple(speakers), tuple(dict.fromkeys(slides)), frozenset(found), index)


def is_speaker_line(text: str) -> bool:
    """A line that names speakers on its own evidence (a handle, an affiliation)."""
    return bool(parse_speaker_line(text)) or handle_only(text) is not None


def is_slides(text: str) -> bool:
    return is_slide_line(text)


def slides_in(lines: Sequence[str]) -> tuple[str, ...]:
    return tuple(slide_links(lines))
