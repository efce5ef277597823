"""The speakers of a talk, from the lines right under its title.

Speaker lines come in many shapes; these are all real ones:
    高木 克彰(@tkgtransit) ◆ ヤフー株式会社
    鶴田 貴大(サイボウズ株式会社)
    太田 佳敬 @ota42y(Preferred Networks)
    [@deeet](https://twitter.com/deeeet)
    *Jane Doe (@jdoe), Example Inc.*
    登壇者: 山田さん (Example株式会社)

The stage's entry points: `speakers_in(body)` (the speakers at the top of a talk's
body, and which lines are speaker or slide lines, so not points) and
`speaker_of_line(line)` (evidence for a candidate title). One line is read by
speaker_parts.py (`parse_speaker_line`), a sentence by speaker_prose.py; slide links
live in slides.py and merging people in speaker_merge.py. All are re-exported here for
older callers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from notetui.core.models import Speaker
from notetui.core.parse import slides as _slides

# Moved to their own modules; kept importable from here for older callers.
from notetui.core.parse.slides import is_slide_line as is_slide_line
from notetui.core.parse.speaker_merge import merge_speakers as merge_speakers
from notetui.core.parse.speaker_parts import (
    _BULLETS,
    _HANDLE,
    _is_embed_name,
)
from notetui.core.parse.speaker_parts import clean_affiliation as clean_affiliation
from notetui.core.parse.speaker_parts import handle_only as handle_only
from notetui.core.parse.speaker_parts import looks_like_topic as looks_like_topic
from notetui.core.parse.speaker_parts import nfkc_light as nfkc_light
from notetui.core.parse.speaker_parts import parse_speaker_line as parse_speaker_line
from notetui.core.parse.speaker_parts import social_handle as social_handle
from notetui.core.parse.speaker_parts import undecorate as undecorate
from notetui.core.parse.speaker_prose import speakers_in_prose as speakers_in_prose


def slide_links(lines: Iterable[str]) -> list[str]:
    """The decks in a talk's lines: `slides.slide_links` (kept here for old callers)."""
    return list(_slides.slide_links("\n".join(lines)))


# ----------------------------------------------------------------------------------------
# The speakers of a talk, from the first lines of its body
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SpeakerLines:
    """The speakers named at the top of a talk's body, and which of its lines (0-based
    indexes into the lines given) are speaker or slide lines, not points."""

    speakers: tuple[Speaker, ...]
    line_indexes: frozenset[int]
    end: int = 0  # the first index after the speaker, slide and link lines at the top
    # The speakers were named in a sentence of the notes, not on a speaker line: good
    # for the talk's fields, weak as evidence that the title above is a talk.
    from_prose: bool = False


# How far into a body its speaker lines may sit: after the title, a speaker line, a
# handle, a slide link, the talk's page; not after the notes have begun.
_HEAD_LINES = 8
_CONTENT_BEFORE_SPEAKER = 0  # the notes have begun: a later "@x" is talk content


def speakers_in(
    lines: Sequence[str], *, strong: bool = True, title: str | None = None
) -> SpeakerLines:
    """The speakers named in the first lines of a talk's body (the lines right under
    its title), and the indexes of the speaker and slide lines among them.

    Speaker lines: `### Name ◆ Company`, `登壇者: X (@x)`, `@handle さん`, `発表者：…`,
    `Speaker: Name, Org`, `名前 / @handle / 会社`, `By Jane Doe, Example.`; a handle on a
    line of its own goes to the speaker above. When no line is a speaker line, the first
    sentences may still name one: "メルカリの[morikuniさん](https://twitter.com/…)による…",
    "it was given by Bill Kennedy".

    `strong`: the title above is clearly one (a heading, quoted, timed, labelled), so a
    bare name in any script right under it is a speaker line ("Dana Moreau", "北条慎也");
    under a weaker title a bare Latin or run-together name is too often a point.
    `title`: the talk's clean title; a line that repeats it is a link card
    ("Title | Conference 2024"), not a speaker line."""
    found: list[Speaker] = []
    end = 0
    marked: set[int] = set()
    content = 0
    prose: list[str] = []
    seen = 0
    for index, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        seen += 1
        if seen > _HEAD_LINES:
            break
        if title and not content and _is_card(text, title):
            end = index + 1
            continue
        if handle := handle_only(text):
            if found and found[-1].handle is None:
                last = found[-1]
                found[-1] = Speaker(last.name, handle, last.affiliation)
            elif not any(s.handle == handle for s in found):
                found.append(Speaker(handle, handle, None))
            marked.add(index)
            end = index + 1 if not content else end
            continue
        # A bare name right under the title is a speaker line; as a list item it is
        # more often the first point ("- Lint Style"), so a bullet needs evidence.
        bare_ok = seen == 1 and not _LIST_ITEM.match(text)
        # A heading of run-together kanji is a section ("## 障害対応"), not a name.
        loose = strong and not text.startswith("#")
        if content <= _CONTENT_BEFORE_SPEAKER and (
            speakers := parse_speaker_line(
                text,
                under_title=bare_ok,
                latin_ok=strong,
                loose=loose,
                strong_only=bool(_LIST_ITEM.match(text)),
            )
        ):
            if not strong and any(_word_beside_handle(s) for s in speakers):
                content += 1  # "cache @product" under a weak title: code, not a person
                continue
            found.extend(s for s in speakers if s not in found)
            marked.add(index)
            end = index + 1 if not content else end
            continue
        if handles := _handles_after_links(text):  # "https://… %} @alice, @bob"
            found.extend(Speaker(h, h, None) for h in handles if Speaker(h, h, None) not in found)
            marked.add(index)
            end = index + 1 if not content else end
            continue
        if is_slide_line(text) or _is_aside(text):
            if is_slide_line(text):
                marked.add(index)
            end = index + 1 if not content else end
            continue
        content += 1
        if len(prose) < 2:
            prose.append(text)
        if found and content > 0:
            break
        if content > _CONTENT_BEFORE_SPEAKER + 1:
            break
    from_prose = False
    if not found:
        for sentence in prose:
            if named := speakers_in_prose(sentence):
                found.extend(named)
                from_prose = True
                break
    return SpeakerLines(tuple(found), frozenset(marked | _slide_lines(lines)), end, from_prose)


def _word_beside_handle(speaker: Speaker) -> bool:
    """A lowercase word with an unrelated handle ("cache @product"): a person's name
    beside their handle is capitalised, not Latin, or like it ("uhyo @uhyo_")."""
    name, handle = speaker.name, speaker.handle
    if not handle or not re.fullmatch(r"[a-z]+", name):
        return False
    return name not in handle.casefold() and handle.casefold() not in name


def _is_card(text: str, title: str) -> bool:
    """ "Title | Kaigi on Rails 2024": a link card repeating the title, not a sentence
    that starts with it ("基調講演はmatz…")."""
    if len(title) < 2 or not text.startswith(title):
        return False
    rest = text[len(title) :].strip()
    return not rest or rest[0] in "|｜-–—:：/／"


def _slide_lines(lines: Sequence[str]) -> set[int]:
    """Slide lines anywhere in the body, with a "資料" line that heads them."""
    marked = {i for i, line in enumerate(lines) if "http" in line or "@" in line}
    marked = {i for i in marked if is_slide_line(lines[i])}
    if marked:  # only the talk's own decks: not a deck under "### 参考" or "前回"
        decks = set(_slides.slide_links("\n".join(["", *lines])))
        marked = {
            i
            for i in marked
            if _slides.is_slide_embed(lines[i]) or decks.intersection(_slides.urls_in(lines[i]))
        }
    for index in sorted(marked):
        before = index - 1
        while before >= 0 and (not lines[before].strip() or _slides.is_slide_label(lines[before])):
            if lines[before].strip():
                marked.add(before)
            before -= 1
    return marked


_CONTINUES = re.compile(r"^(?:[-*+•]\s+)?(?:https?://|%\}|[^\s{]*\s*%\})")
_WHOLE_TAG = re.compile(r"\{%.*?%\}|\{\{[<%].*?[>%]\}\}")
_LINKISH = re.compile(
    r"!?\[[^\]]*\]\([^)]*\)|https?://\S+|\{%-?\s*[\w-]+|%\}|\{\{[<%][^}]*[>%]\}\}"
)


def _handles_after_links(text: str) -> list[str]:
    """The handles a line gives after its links: a title's tag wrapped onto this line
    ("…/edit %} @alice, @bob"), or "https://speakerdeck.com/… @alice"."""
    # Only a line that goes on from a link or tag begun above ("…/edit %} @a"), or
    # that starts with a URL: a line with its own "{% elink Title … %} @a" is a title.
    if not _CONTINUES.match(text):
        return []
    rest = _LINKISH.sub(" ", _WHOLE_TAG.sub(" ", text))
    rest = _BULLETS.sub("", rest.strip())
    if not re.fullmatch(r"(?:[@＠][A-Za-z0-9_][A-Za-z0-9_\-]*[\s,、&]*)+", rest.strip()):
        return []
    handles = [h for h in _HANDLE.findall(rest) if not _is_embed_name(h)]
    return handles


def speaker_of_line(line: str, *, strong: bool = True) -> Speaker | None:
    """The speaker a line right under a candidate title names, if it is a speaker line
    (evidence that the candidate is a talk). `strong` as in `speakers_in`; a list item
    needs evidence beyond a bare name ("- Lint Style" is a point)."""
    text = line.strip()
    if not text:
        return None
    if handle := handle_only(text):
        return Speaker(handle, handle, None)
    bare_ok = not _LIST_ITEM.match(text)
    loose = strong and not text.startswith("#")
    found = parse_speaker_line(
        text, under_title=bare_ok, latin_ok=strong, loose=loose, strong_only=not bare_ok
    )
    return found[0] if found else None


_LIST_ITEM = re.compile(r"^(?:[-*+・•]|\d{1,2}[.)])\s")
# A line that sits among speaker lines without being a point: a bare URL (the talk's
# page), an embed, an image, a template tag.
_ASIDE = re.compile(
    r"^(?:[-*+]\s+)?(?:https?://\S+|@\[\w+\]\([^)]*\)|!\[[^\]]*\]\([^)]*\)|\{[%{].*[%}]\}"
    r"|<(?:iframe|img|figure|script|blockquote|div|p)\b.*|:::.*)$",
    re.IGNORECASE,
)


def _is_aside(text: str) -> bool:
    return bool(_ASIDE.match(text))
