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
5. (not explicit) the post's date: front matter, a dated file name.

A date that a word marks as something else's ("released", "公開", "更新") never
counts unless a row labels it, nor does one in another year than the event
name's ("RubyKaigi 2019" is not dated 2018). A note on day N of an event dated by
that day alone is dated by its first day.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate

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
_YEAR_DIGITS = re.compile(r"(?:19|20|１９|２０)[0-9０-９]{2}")
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
    year = _year_hint(name_of.years, post_date, lines)
    rolled = year is not None and not name_of.years and post_date is not None

    def read(text: str) -> list[DateMention]:
        """Dates in `text`; a day without its year, taken from a January post, that
        would fall after the post is December's of the year before."""
        found = dates_in(text, year)
        if rolled and post_date is not None and year is not None:
            late = post_date + dt.timedelta(_AFTER_POST_DAYS)
            if any(not m.has_year and m.first > late for m in found):
                earlier = dates_in(text, year - 1)
                found = [m if m.has_year else e for m, e in zip(found, earlier, strict=False)]
        return found

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
    for index in dated:
        if index >= SCAN_LINES:
            break
        line = opening[index]
        for mention in read(line):
            if fits(mention) and _says_event_day(line, mention, name_of.words):
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
    return None


def _dated_lines(lines: Sequence[str]) -> list[int]:
    """Indexes of the lines that hold something shaped like a date: one regex pass
    over the text, so that the many lines without a date cost nothing."""
    text = "\n".join(lines)
    starts = list(accumulate((len(line) + 1 for line in lines), initial=0))
    found = {bisect_right(starts, at) - 1 for at in date_shape_starts(text)}
    return sorted(found)


def date_in_path(path: str) -> dt.date | None:
    """The date a file's name or folders give ("2025-06-14-go-18.md", "2019/04/23/x.md")."""
    for match in _FILE_DATE.finditer(path):
        try:
            return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            continue
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


def _says_event_day(line: str, mention: DateMention, name_words: frozenset[str]) -> bool:
    if _unrelated(line):
        return False
    if _held(line) or mention.is_range or mention.has_weekday:
        return True
    folded = fold(line)
    if name_words and all(word in folded for word in name_words):
        return True
    # A line that is nothing but a day without its year: a day heading ("# 10/26").
    # With its year it is more often a blog's post date, above the post.
    rest = folded[: mention.start] + folded[mention.end :]
    return not mention.has_year and not rest.strip(" *_#:：-•□|")


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
    name_years: frozenset[int], post_date: dt.date | None, lines: Sequence[str]
) -> int | None:
    if len(name_years) == 1:
        return next(iter(name_years))
    if post_date is not None:
        return post_date.year
    for line in lines[:SCAN_LINES]:
        for mention in dates_in(line):
            return mention.first.year
    return None


@cache
def _held_pattern() -> re.Pattern[str]:
    return vocabulary.pattern("date_held_words")


def _held(line: str) -> bool:
    return _held_pattern().search(fold(line)) is not None


def _unrelated(line: str) -> bool:
    return vocabulary.mentions("date_unrelated_words", line)
