"""Splitting a note with no heading structure: plain text, often copied off a blog page.

There are no headings to go by, so each line is weighed for being a talk title:
its own shape (「quoted」, a time slot, a 【label】 or ■ mark, a bold line) and what
follows it (a speaker line, a slide link). A shape counts on its own only when the
note uses it consistently; a bare line needs a speaker or slides below it, or must
match a title that another note of the same event gives (`known_titles`).
The blog's chrome (its name and tagline above the post, a category or share
buttons below) is recognised and kept out of the talks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from rapidfuzz import fuzz

from notetui.core.models import Section, SectionKind, Speaker
from notetui.core.parse.markdown import body_text
from notetui.core.parse.sections import (
    clean_title,
    is_non_talk_word,
    is_schedule_title,
    split_time,
)
from notetui.core.parse.speakers import handle_only, is_slide_line, parse_speaker_line, slide_links
from notetui.core.text import fold, title_key


class Shape(Enum):
    QUOTED = 3
    TIMED = 3
    LABELLED = 2
    BOLD = 2
    BARE = 0


_QUOTED_LINE = re.compile(r"^(?:[\[(（【]?\d{1,2}[:：]\d{2}[^「『“\"]{0,12})?[「『“\"].+[」』”\"]$")
_LABELLED = re.compile(
    r"^(?:【[^】]{1,20}】|(?:LT|ＬＴ|セッション|Session|Talk|発表|講演|Keynote|基調講演|登壇)\s*\d*\s*"
    r"[:：.．|｜]|[■□◆◇●○▼▽▶►★☆])",
    re.IGNORECASE,
)
_BOLD_LINE = re.compile(r"^(\*\*|__).+\1$")
_NOT_TITLE_START = re.compile(
    r"^(?:[-*+・•→⇒>＞※]|\d+[.)]\s|[QqAaＱＡ]\s*[:：.]|Q\d|A\d|https?://|[-=_~]{3,})"
)
_SENTENCE_END = re.compile(r"[。．、,，:：]$")
_CHROME_BOTTOM = re.compile(
    r"^(?:\s*-\s+\S.{0,30}|カテゴリー?\s*[:：]?.*|category\s*[:：].*|categories\s*[:：].*|タグ\s*[:：].*"
    r"|tags?\s*[:：].*|share|シェア.*|tweet|ツイート|はてな.*|pocket|いいね.*|posted .*|投稿日.*"
    r"|powered by .*|copyright.*|©.*|コメント.*|comments?.*|関連記事.*|前の記事.*|次の記事.*"
    r"|« .*|.* »|previous.*|next.*|read more.*|この記事.*|ブログトップ.*|記事一覧.*|読者になる.*"
    r"|プロフィール.*|follow.*|subscribe.*|\d+\s*(?:件|users?|comments?)|\[?[0-9a-f]{2,}\]?)$",
    re.IGNORECASE,
)
_EVENTISH = re.compile(
    r"#\s?\d+|vol\.?\s?\d+|第\s?\d+\s?回|\b(?:19|20)\d{2}\b|meetup|study|勉強会|conference|\bconf\b"
    r"|night|\bday\b|summit|festival|\bfest\b|hackathon|ハッカソン|カンファレンス|セミナー|seminar"
    r"|LT会|もくもく会|ミートアップ|workshop|ワークショップ|\bjp\b|tokyo|osaka|kyoto|fukuoka"
    r"|東京|大阪|京都|福岡|名古屋|札幌|\bkaigi\b|会議|サミット|フェス|ナイト|\bcon\b|\bug\b|ユーザー?会",
    re.IGNORECASE,
)
_REPORTISH = re.compile(
    r"参加(?:メモ|レポ|記|報告)|に参加|行ってきた|参加してきた|notes from|recap"
)
_EPISODE = re.compile(
    r"#\s?\d+|vol\.?\s?\d+|第\s?\d+\s?[回夜部期話弾号]|\b(?:19|20)\d{2}\b|\bpart\s?\d+",
    re.IGNORECASE,
)
_PROSE = re.compile(r"(?:です|ます|でした|ました|だった|ません|でしょう|ください)$|、.*、|[。!！]")
_REPORT_MARKER = re.compile(
    r"^(?:参加(?:メモ|レポート?|記|報告)|メモ|レポート|notes|recap)$", re.IGNORECASE
)
_DATE_ONLY = re.compile(
    r"^[\[(（]?\s*(?:(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+(?:19|20)\d{2}|\d{1,2}\s+[A-Za-z]{3,9}\s+(?:19|20)\d{2})"
    r"\s*(?:[(（][^)）]{1,6}[)）])?\s*(?:\d{1,2}:\d{2})?\s*[\])）]?\s*$"
)
_STRICT_NON_TALK = ("まとめ",)  # too often a talk's own summary in plain text


@dataclass
class TextStructure:
    sections: list[Section]
    title: str | None  # the post's title: the event, as this note names it
    blog: str | None  # the blog's name from the page chrome
    preamble: list[str]
    timetable: list[str] = field(default_factory=list)  # talk titles listed up front


@dataclass
class _Candidate:
    index: int
    shape: Shape
    title: str
    time: str | None
    speakers: list[Speaker]
    slides: list[str]
    consumed: int  # index of the first line after the title's speaker/slide lines
    hinted: bool = False

    @property
    def evidence(self) -> bool:
        return bool(self.speakers or self.slides or self.hinted)


def split_text(body: str, body_line: int, known_titles: Sequence[str] = ()) -> TextStructure:
    lines = body.split("\n")
    end = _content_end(lines)
    hint_keys = [key for key in (title_key(t) for t in known_titles) if len(key) >= 4]
    candidates = [c for i in range(end) if (c := _candidate(lines, i, end, hint_keys)) is not None]
    timetable_rows = _timetable_rows(candidates, lines)
    timetable = [candidates[i].title for i in sorted(timetable_rows)]
    candidates = [c for i, c in enumerate(candidates) if i not in timetable_rows]
    if timetable and len(hint_keys) == 0:
        keys = [title_key(t) for t in timetable if not is_schedule_title(t)]
        for candidate in candidates:
            candidate.hinted = candidate.hinted or _matches_any(title_key(candidate.title), keys)
    titles = _accept(candidates, lines)
    blog, title, chrome_end = _top_chrome(lines, titles[0].index if titles else end)
    titles = [t for t in titles if t.index >= chrome_end]
    sections = _sections(lines, titles, end, body_line)
    first = titles[0].index if titles else end
    preamble = lines[:first]  # facts such as the date often sit in the chrome by the title
    if titles or any(line.strip() for line in preamble):
        intro, start = body_text(lines, chrome_end, first)
        if intro.strip():
            sections.insert(
                0,
                Section(
                    title="Intro",
                    kind=SectionKind.OTHER,
                    line=body_line + start,
                    end_line=body_line + first - 1,
                    body=intro,
                    body_line=body_line + start,
                ),
            )
    return TextStructure(sections, title, blog, preamble, timetable)


def _content_end(lines: list[str]) -> int:
    """Index after the last line of content: the blog's footer chrome is cut off."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    cut = end
    checked = 0
    index = end
    while index > 0 and checked < 8:
        index -= 1
        line = lines[index].strip()
        if not line:
            continue
        checked += 1
        if len(line) <= 60 and _CHROME_BOTTOM.match(line):
            cut = index
        else:
            break
    return cut


def _candidate(lines: list[str], index: int, end: int, hint_keys: list[str]) -> _Candidate | None:
    raw = lines[index].strip()
    if not raw or len(raw) > 140 or raw.startswith(("#", "|")):
        return None
    if _NOT_TITLE_START.match(raw) and not _QUOTED_LINE.match(raw):
        return None
    if _QUOTED_LINE.match(raw):
        shape = Shape.QUOTED
    elif _LABELLED.match(raw):
        shape = Shape.LABELLED
    elif _BOLD_LINE.match(raw):
        shape = Shape.BOLD
    elif split_time(raw)[0] is not None and split_time(raw)[1]:
        shape = Shape.TIMED
    else:
        shape = Shape.BARE
    time, title = clean_title(raw)
    if not title or len(title) < 2 or "http" in title:
        return None
    if shape is Shape.BARE and (_SENTENCE_END.search(title) or len(title) < 4):
        return None
    if parse_speaker_line(raw) or handle_only(raw) or is_slide_line(raw):
        return None
    speakers, slides, consumed = _below(lines, index + 1, end, strong=shape is not Shape.BARE)
    hinted = bool(hint_keys) and _matches_any(title_key(title), hint_keys)
    if shape is Shape.BARE and not (speakers or slides or hinted):
        return None
    return _Candidate(index, shape, title, time, speakers, slides, consumed, hinted)


def _below(
    lines: list[str], start: int, end: int, *, strong: bool = False
) -> tuple[list[Speaker], list[str], int]:
    """Speaker lines, handle lines and slide links right under a title line.

    Under a title that is clearly one (`strong`: quoted, timed, labelled), the line
    right below may be a bare name in any script ("Dana Moreau", "北条慎也").
    """
    speakers: list[Speaker] = []
    slides: list[str] = []
    index, seen, gap = start, 0, False
    while index < end and seen < 4:
        line = lines[index].strip()
        if not line:
            if seen:  # a blank line ends the block under the title
                break
            gap = True
            index += 1
            continue
        handle = handle_only(line)
        found = (
            None
            if handle
            else parse_speaker_line(
                line, under_title=seen == 0 and not gap, latin_ok=strong, loose=strong
            )
        )
        if found:
            speakers.extend(found)
        elif handle and speakers and speakers[-1].handle is None:
            last = speakers[-1]
            speakers[-1] = Speaker(last.name, handle, last.affiliation)
        elif handle:
            speakers.append(Speaker(handle, handle, None))
        elif is_slide_line(line):
            slides.extend(slide_links([line]))
        else:
            break
        seen += 1
        index += 1
    return speakers, slides, index


def _timetable_rows(candidates: list[_Candidate], lines: list[str]) -> set[int]:
    """Runs of three or more timed lines with nothing between them: a timetable, not talks."""
    rows: set[int] = set()
    run: list[int] = []

    def flush() -> None:
        if len(run) >= 3:
            rows.update(run)
        run.clear()

    for position, candidate in enumerate(candidates):
        if candidate.shape is not Shape.TIMED:
            flush()
            continue
        if run:
            previous = candidates[run[-1]]
            between = [line for line in lines[previous.consumed : candidate.index] if line.strip()]
            if between:
                flush()
        run.append(position)
    flush()
    return rows


def _accept(candidates: list[_Candidate], lines: list[str]) -> list[_Candidate]:
    """The candidates that are talk titles (see the module docstring).

    A title shape (「quoted」, timed, labelled) that at least one title with a speaker
    or slides uses counts on its own elsewhere in the note, for a line that stands
    apart like a title (a blank line above it). With no such title at all, a shape
    used at least twice counts.
    """
    backed = {c.shape for c in candidates if c.evidence and c.shape.value > 0}
    if not any(c.evidence for c in candidates):
        counts: dict[Shape, int] = {}
        for candidate in candidates:
            if candidate.shape.value > 0:
                counts[candidate.shape] = counts.get(candidate.shape, 0) + 1
        backed = {shape for shape, count in counts.items() if count >= 2}
    chosen = [
        c for c in candidates if c.evidence or (c.shape in backed and _stands_apart(lines, c.index))
    ]
    # Two titles in a row with nothing between are a list of titles, not two talks.
    listed = [
        c
        for i, c in enumerate(chosen)
        if not (i + 1 < len(chosen) and chosen[i + 1].index == c.consumed and not c.evidence)
    ]
    # A line that a title above already took as its speaker or slides is not a title.
    kept: list[_Candidate] = []
    for candidate in listed:
        if kept and candidate.index < kept[-1].consumed:
            continue
        kept.append(candidate)
    return kept


def _stands_apart(lines: list[str], index: int) -> bool:
    return index == 0 or not lines[index - 1].strip()


def _top_chrome(lines: list[str], first_title: int) -> tuple[str | None, str | None, int]:
    """(blog name, post title, index where the content starts) from the lines above the talks."""
    top = [(i, lines[i].strip()) for i in range(min(first_title, 40)) if lines[i].strip()]
    if not top:
        return None, None, 0
    best: tuple[int, int] | None = None
    for position, (_index, line) in enumerate(top[:15]):
        if len(line) > 100 or "http" in line or line.endswith(("。", ".")):
            continue
        if _DATE_ONLY.match(line) or _REPORT_MARKER.match(line):
            continue  # the post's date, or the "参加メモ" line under its title
        score = 0
        if _EPISODE.search(line):
            score += 4
        elif _EVENTISH.search(line):
            score += 2
        if _REPORTISH.search(line):
            score += 2
        if len(line) > 60:
            score -= 2
        if _PROSE.search(line):
            score -= 3  # a tagline or a sentence of the post, not its title
        if position == 0 and len(top) > 1 and len(top[1][1]) > 30:
            score -= 3  # a blog name with its tagline below
        following = top[position + 1][1] if position + 1 < len(top) else ""
        if _REPORT_MARKER.match(following):
            score += 1  # the post title sits right above "参加メモ"
        if best is None or score > best[0]:
            best = (score, position)
    if best is None or best[0] < 2:
        first_index, first_line = top[0]
        if len(first_line) <= 60 and not _SENTENCE_END.search(first_line):
            return None, clean_title(first_line)[1], first_index + 1
        return None, None, 0
    position = best[1]
    index, title = top[position]
    blog = None
    if position > 0:
        name = top[0][1]
        if len(name) <= 40 and not _EVENTISH.search(name):
            blog = name
    return blog, title, index + 1


def _sections(
    lines: list[str], titles: list[_Candidate], end: int, body_line: int
) -> list[Section]:
    sections: list[Section] = []
    for position, title in enumerate(titles):
        stop = titles[position + 1].index if position + 1 < len(titles) else end
        trailing = None
        if position + 1 == len(titles):
            trailing = _trailing_non_talk(lines, title.consumed, stop)
        talk_end = trailing if trailing is not None else stop
        body, first = body_text(lines, title.index + 1, talk_end)
        kind = (
            SectionKind.SCHEDULE
            if (not title.speakers and is_schedule_title(title.title))
            else SectionKind.TALK
        )
        sections.append(
            Section(
                title=title.title,
                kind=kind,
                line=body_line + title.index,
                end_line=body_line + talk_end - 1,
                body=body,
                body_line=body_line + first,
                time=title.time,
                speakers=tuple(title.speakers) if kind is SectionKind.TALK else (),
                slides=tuple(
                    dict.fromkeys(title.slides + slide_links(lines[title.consumed : talk_end]))
                )
                if kind is SectionKind.TALK
                else (),
            )
        )
        if trailing is not None:
            sections.extend(_non_talk_tail(lines, trailing, stop, body_line))
    return sections


def _trailing_non_talk(lines: list[str], start: int, stop: int) -> int | None:
    """Where the author's own closing section (感想, 関連リンク) starts after the last talk."""
    for index in range(start, stop):
        line = lines[index].strip()
        if not line or index == 0 or lines[index - 1].strip():
            continue
        title = clean_title(line)[1].rstrip(":：")
        if is_non_talk_word(title) and fold(title) not in _STRICT_NON_TALK:
            return index
    return None


def _non_talk_tail(lines: list[str], start: int, stop: int, body_line: int) -> list[Section]:
    from notetui.core.parse.sections import classify

    sections = []
    boundaries = [
        i
        for i in range(start, stop)
        if lines[i].strip()
        and (i == start or not lines[i - 1].strip())
        and is_non_talk_word(clean_title(lines[i].strip())[1].rstrip(":："))
    ]
    for position, index in enumerate(boundaries):
        stop_at = boundaries[position + 1] if position + 1 < len(boundaries) else stop
        title = clean_title(lines[index].strip())[1].rstrip(":：")
        body, first = body_text(lines, index + 1, stop_at)
        sections.append(
            Section(
                title=title,
                kind=classify(title),
                line=body_line + index,
                end_line=body_line + stop_at - 1,
                body=body,
                body_line=body_line + first,
            )
        )
    return sections


def _matches_any(key: str, keys: Sequence[str]) -> bool:
    if len(key) < 4:
        return False
    return any(
        fuzz.ratio(key, other) >= 85
        or (
            min(len(key), len(other)) >= 8
            and fuzz.partial_ratio(key, other) >= 92
            and 0.6 <= len(key) / len(other) <= 1.6
        )
        for other in keys
    )
