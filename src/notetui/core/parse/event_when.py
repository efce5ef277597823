"""Which of a note's dates is the day its event took place.

A note carries many dates: the day it was posted, the days a talk's library was
released, a photo's timestamp, the event's own days. The evidence is weighed in
tiers, the first that gives a date wins:

1. a date row: `日時: …`, `| 開催日 | … |`, `- Date` with the date under it;
2. a date in the post's title ("… - 2019年5月18日参加レポート");
3. a date in running text that says so: next to a word saying the event took
   place ("開催", "took place"), next to the event's name, written as a range
   of days or with its weekday, or a day heading ("# 10/26");
4. (not explicit) a date a few days before the post's, such as a photo's or a
   tweet's: the author was there then;
5. (not explicit) the post's date: front matter, a dated file name, a date line
   above the post;
6. (not explicit) with no post date, the first date the note writes in the year
   its name (or the years it mentions) gives.

A date that a word marks as something else's ("released", "公開", "次回") never
counts unless a row labels it, nor does one in another year than the event
name's ("RubyKaigi 2019" is not dated 2018). A note on day N of an event dated by
that day alone is dated by its first day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from notetui.core.parse import vocabulary
from notetui.core.parse.event_dates import DateMention, date_shape_starts, dates_in
from notetui.core.parse.event_names import day_pattern, event_name
from notetui.core.text import fold

# How far into a note its event's date is looked for (its opening is where it is told).
SCAN_LINES = 150
_LONG_LINE = 400
# A photo or a tweet this many days before the post is taken as the day of the event.
_BEFORE_POST_DAYS = 14
# A post is written after its event; an "event" date this long after the post is a
# date of something to come.
_AFTER_POST_DAYS = 2
# The note's first lines: a whole date in one of its sentences is the event's.
_OPENING_LINES = 8
_URL = re.compile(r"(?:https?://|www\.)[^\s)\]>]+")
_FILE_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})[-_/.]?(?P<m>0[1-9]|1[0-2])[-_/.]?(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
)


@dataclass(frozen=True)
class EventDay:
    date: dt.date
    explicit: bool  # the note says this is the event's day
    how: str  # which evidence gave it, for `explain` and the tests


def choose_event_day(
    *,
    lines: Sequence[str],
    title: str | None,
    rows: Sequence[tuple[str, str]] = (),
    post_date: dt.date | None = None,
    name: str | None = None,
) -> EventDay | None:
    """The event's first day from what the note writes, or None when it gives no date.
    `title` is the post's title as written, `name` the event's name cleaned from it."""
    name_of = event_name(name or title or "")
    mentioned = _years_in(lines[:SCAN_LINES])
    year = _year_hint(name_of.years, post_date, mentioned)
    rolled = year is not None and not name_of.years and post_date is not None

    def read(text: str) -> list[DateMention]:
        """Dates in `text`. A day written without its year takes the hint's year; if
        the weekday written beside it says another year the note mentions ("5/11(木)"
        in a note that names 2023 and 1993), that one; and a December day in a
        January post is the year before's."""
        found = dates_in(text, year)
        if year is None or all(m.has_year for m in found):
            return found
        fixed = []
        for mention in found:
            if not mention.has_year:
                mention = _year_fixed(text, mention, year, mentioned, post_date, rolled)
            fixed.append(mention)
        return fixed

    opening = [line for line in lines[: SCAN_LINES * 4] if len(line) <= _LONG_LINE]
    dated = _dated_lines(opening)

    def fits(mention: DateMention) -> bool:
        if name_of.years and mention.first.year not in name_of.years:
            return False
        return post_date is None or mention.first <= post_date + dt.timedelta(_AFTER_POST_DAYS)

    labelled = _labelled_values(opening, [i for i in dated if i < SCAN_LINES])
    for value in [*(v for label, v in rows if is_date_label(label)), *labelled]:
        mentions = [m for m in read(value) if fits(m)]
        if mentions:
            return EventDay(mentions[0].first, True, "a date row")
    if title:
        mentions = [m for m in read(title) if fits(m)]
        if mentions:
            return EventDay(_first_day(mentions[0], title), True, "the title")
    first_lines = set([i for i, line in enumerate(opening) if line.strip()][:_OPENING_LINES])
    for index in dated:
        if index >= SCAN_LINES:
            break
        line = opening[index]
        for mention in read(line):
            if fits(mention) and _says_event_day(
                line, mention, name_of.words, opening=index in first_lines
            ):
                return EventDay(_first_day(mention, line), True, "the text")
    if post_date is not None:
        earliest = post_date - dt.timedelta(_BEFORE_POST_DAYS)
        before = [
            m.first
            for index in dated
            for m in dates_in(opening[index])
            if earliest <= m.first < post_date and fits(m) and not _unrelated(opening[index])
        ]
        if before:
            return EventDay(min(before), False, "a date just before the post's")
        return EventDay(post_date, False, "the post's date")
    # No post date either: the first date written with its year, in the year the name
    # or the note gives, is the likeliest guess (a photo's, a tweet's).
    for index in dated:
        line = opening[index]
        for mention in dates_in(line):
            if mention.first.year == year and fits(mention) and not _unrelated(line):
                return EventDay(mention.first, False, "a date in the note")
    return None


def _dated_lines(lines: Sequence[str]) -> list[int]:
    """Indexes of the lines that hold something shaped like a date: one regex pass
    over the text, so that the many lines without a date cost nothing."""
    text = "\n".join(lines)
    return sorted({text.count("\n", 0, at) for at in date_shape_starts(text)})


def date_in_path(path: str) -> dt.date | None:
    """The date a file's name or folders give ("2025-06-14-go-18.md", "2019/04/23/x.md")."""
    for match in _FILE_DATE.finditer(path):
        try:
            return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            continue
    return None


_HEADER_LINES = 8


def header_date(lines: Sequence[str]) -> dt.date | None:
    """A post's date as a blog page shows it above the post: a line that is only a
    date, with its year, among the page's first lines."""
    for line in [x for x in lines[: _HEADER_LINES * 3] if x.strip()][:_HEADER_LINES]:
        for mention in dates_in(line):
            rest = fold(line)[: mention.start] + fold(line)[mention.end :]
            if mention.has_year and not rest.strip(" *_#:：-•|/()（）"):
                return mention.first
    return None


@lru_cache(maxsize=4096)
def is_date_label(label: str) -> bool:
    return vocabulary.is_only("date_labels", label.strip(" *_`#"))


def _labelled_values(lines: Sequence[str], dated: Sequence[int]) -> list[str]:
    """Values of date rows: "日時: …", "| 日時 | … |", or a "- 日時" item with the date
    in the next lines (a nested list, or a table dumped as text). Only the lines with
    a date, and the two above each, can be one."""
    values: list[str] = []
    row = _date_row()
    for index in sorted({i - back for i in dated for back in (0, 1, 2) if i - back >= 0}):
        match = row.match(lines[index])
        if match is None:
            continue
        if match["sep"]:
            values.append(match["value"])
        else:  # the label alone: its value is under it
            values.extend([x for x in lines[index + 1 : index + 5] if x.strip()][:2])
    return values


def has_date_row(lines: Sequence[str]) -> bool:
    """Whether a row labels a date as the event's ("日時: …"), among these lines."""
    row = _date_row()
    return any(
        (match := row.match(line)) and dates_in(match["value"] or "", 2000) for line in lines
    )


@cache
def _date_row() -> re.Pattern[str]:
    """A line that starts with a date label: "日時: …", "| 日時 | … |", "- **Date**"."""
    labels = "|".join(
        re.escape(w).replace(r"\ ", r"[ \t]+") for w in vocabulary.words("date_labels")
    )
    return re.compile(
        rf"^[ \t]*\|?[ \t]*(?:[-*+・•□■◆▪●][ \t]*)?(?:\*\*|__)?[ \t]*(?:{labels})[ \t]*"
        r"(?:\*\*|__)?[ \t]*"
        # "日時: …", "| 日時 | … |", or "日時    …" as a table dumped as text gives it.
        r"(?:(?P<sep>[:：|]|[ \t](?=[ \t]*[0-9０-９A-Za-z]))"
        r"[ \t]*(?P<value>[^\n]+?)[ \t]*\|?[ \t]*$|$)",
        re.IGNORECASE,
    )


def _says_event_day(
    line: str, mention: DateMention, name_words: frozenset[str], *, opening: bool = False
) -> bool:
    if _unrelated(line):
        return False
    folded = fold(line)
    if any(u.start() <= mention.start < u.end() for u in _URL.finditer(folded)):
        return False  # a page's or a photo's date, not what the text says
    if _held(line) or mention.is_range or mention.has_weekday:
        return True
    if name_words and all(word in folded for word in name_words):
        return True
    # A line that is nothing but a day without its year: a day heading ("# 10/26").
    # With its year it is more often a blog's post date, above the post.
    rest = (folded[: mention.start] + folded[mention.end :]).strip(" *_#:：-•□|()（）")
    if not rest:
        return not mention.has_year
    if opening and mention.has_year:
        return True  # a whole date in the note's first sentences: "2019年4月18日、福岡で…"
    # A day's heading: "## 2019/04/18 Day1", "Day 2 (4/19)".
    return not day_pattern().sub("", rest).strip(" *_#:：-•□|()（）")


def _first_day(mention: DateMention, line: str) -> dt.date:
    """A single day next to "Day 2" is the second day: the event began a day earlier."""
    if mention.is_range:
        return mention.first
    match = day_pattern().search(fold(line))
    if not match:
        return mention.first
    digits = re.search(r"\d+", match.group(0))
    number = int(digits.group(0)) if digits else 1
    return mention.first - dt.timedelta(days=max(0, min(number, 7) - 1))


def _year_hint(
    name_years: frozenset[int], post_date: dt.date | None, mentioned: Counter[int]
) -> int | None:
    """The year of a day written without one: the event name's, the post's, else the
    year the note's opening mentions most (the latest of equals)."""
    if len(name_years) == 1:
        return next(iter(name_years))
    if post_date is not None:
        return post_date.year
    if mentioned:
        return max(mentioned, key=lambda y: (mentioned[y], y))
    return None


_YEAR_WORD = re.compile(r"(?<![0-9])(?:19[7-9][0-9]|20[0-9]{2})(?![0-9])")


def _years_in(lines: Sequence[str]) -> Counter[int]:
    return Counter(int(y) for line in lines for y in _YEAR_WORD.findall(line))


def _year_fixed(
    text: str,
    mention: DateMention,
    year: int,
    mentioned: Counter[int],
    post_date: dt.date | None,
    rolled: bool,
) -> DateMention:
    def again(other: int) -> DateMention | None:
        return next((m for m in dates_in(text, other) if m.start == mention.start), None)

    if mention.weekday is not None and mention.first.weekday() != mention.weekday:
        for other in sorted(mentioned, key=lambda y: (-mentioned[y], -y)):
            candidate = again(other) if other != year else None
            if candidate is not None and candidate.first.weekday() == mention.weekday:
                return candidate
    if rolled and post_date and mention.first > post_date + dt.timedelta(_AFTER_POST_DAYS):
        return again(year - 1) or mention
    return mention


@cache
def _held_pattern() -> re.Pattern[str]:
    return vocabulary.pattern("date_held_words")


def _held(line: str) -> bool:
    return _held_pattern().search(fold(line)) is not None


def _unrelated(line: str) -> bool:
    return vocabulary.mentions("date_unrelated_words", line)
