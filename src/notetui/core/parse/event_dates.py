"""Dates written in a note: every common way, with ranges and year-less days.

"2019/04/26(木)", "2019年5月18日", "2019 年 4 月 18 日（木）〜 4 月 20 日（土）",
"4/18(木) - 4/20(日)", "10/25〜10/26", "5/11(木)～13(土)", "2024/10/26, 27",
"May 18, 2019", "18 May 2019", "August 26th to 28th". A range is kept as its first
and last day; a day written without its year takes the year the caller infers
(the event name's year, or the post's), and is only trusted where its line says
it is a date (a weekday, a range, a label, a day heading): "4/17" alone in prose
is as likely a fraction or a version.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from notetui.core.text import fold

_MONTH_NAMES = (
    "jan(?:uary)?",
    "feb(?:ruary)?",
    "mar(?:ch)?",
    "apr(?:il)?",
    "may",
    "june?",
    "july?",
    "aug(?:ust)?",
    "sep(?:t(?:ember)?)?",
    "oct(?:ober)?",
    "nov(?:ember)?",
    "dec(?:ember)?",
)
_MONTH = "(?:" + "|".join(_MONTH_NAMES) + r")\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_WEEKDAY = (
    r"\s*[(（\[]\s*(?:[月火水木金土日祝](?:\s*[・/、]\s*[月火水木金土日祝])?"
    r"|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?)\s*[)）\]]"
)
_YEAR = r"(?:19|20)\d{2}"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_MON = r"(?:1[0-2]|0?[1-9])"

# The head of a date: where it starts, and its parts.
_YMD = re.compile(
    rf"(?<![\d.])(?P<y>{_YEAR})\s*(?:[-/.]|年)\s*(?P<m>{_MON})\s*(?:[-/.]|月)\s*(?P<d>{_DAY})"
    r"(?![\d])\s*日?"
)
_MD = re.compile(rf"(?<![\d./:])(?P<m>{_MON})\s*(?:/|月)\s*(?P<d>{_DAY})(?![\d/:]|\.\d)\s*日?")
_EN_MD = re.compile(
    rf"(?<![a-z])(?P<mn>{_MONTH})\s+(?P<d>{_DAY}){_ORDINAL}(?![\d:])(?:,?\s+(?P<y>{_YEAR}))?"
)
_EN_DM = re.compile(
    rf"(?<![\d])(?P<d>{_DAY}){_ORDINAL}\s+(?P<mn>{_MONTH})(?![a-z])(?:,?\s+(?P<y>{_YEAR}))?"
)
_RANGE_JOIN = re.compile(r"\s*(?:-|~|〜|–|—|\.{2,3}|…|to|から|through|thru|and|&|,|、)\s*")
# What may follow a range's join: a whole date, a month and day, or a day alone.
_TAIL_YMD = re.compile(
    rf"(?P<y>{_YEAR})\s*(?:[-/.]|年)\s*(?P<m>{_MON})\s*(?:[-/.]|月)\s*(?P<d>{_DAY})(?!\d)"
)
_TAIL_MD = re.compile(rf"(?P<m>{_MON})\s*(?:/|月)\s*(?P<d>{_DAY})(?![\d/:]|\.\d)")
_TAIL_EN = re.compile(rf"(?P<mn>{_MONTH})\s+(?P<d>{_DAY}){_ORDINAL}(?![\d:])")
_TAIL_D = re.compile(rf"(?P<d>{_DAY}){_ORDINAL}(?![\d/.:年月])\s*日?")
_WEEKDAY_AT = re.compile(_WEEKDAY, re.IGNORECASE)
_SPAN_DAYS = 14
_DIGIT = re.compile(r"[0-9０-９]")
# A quick look for anything shaped like a date, before a line is folded and matched:
# "4/18", "4月18日", "2019年", "2019-04-18", or a month's name (capitalised, as dates
# write it) before a number ("May 18", "18 May 2019" by its "May 2019"). Each pattern
# starts with one character class, which Python's re skips to quickly.
_SHAPES = (
    re.compile(
        r"[0-9０-９](?:[ \t]*[/／月年][ \t]*[0-9０-９]"  # 4/18, 4月18日, 2019年
        r"|[0-9０-９]{3}[-.．－][0-9０-９]{1,2}[-.．－][0-9０-９])"  # 2019-04-18, 2019.04.18
    ),
    re.compile(r"[ADFJMNOS][a-zA-Z]{2,8}\.?[ \t]+[0-9０-９]"),  # May 18, August 2025
)
_MONTH_WORD = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    """One date (or range of days) written in a line."""

    first: dt.date
    last: dt.date
    has_year: bool  # written with its year, not inferred
    is_range: bool
    has_weekday: bool
    start: int  # where in the folded line it starts
    end: int
    weekday: int | None = None  # the first day's weekday as written (0 = Monday)


def dates_in(line: str, year: int | None = None) -> list[DateMention]:
    """Every date in `line`, in order; a year-less one only when `year` is given."""
    if not _DIGIT.search(line) or not (_SHAPES[0].search(line) or _MONTH_WORD.search(line)):
        return []  # most lines: nothing to fold or match
    text = fold(line)
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    heads = [(m, True) for pattern in (_YMD, _EN_MD, _EN_DM) for m in pattern.finditer(text)]
    heads += [(m, False) for m in _MD.finditer(text)]
    heads.sort(key=lambda item: (item[0].start(), not item[1]))
    for match, _ in heads:
        if any(match.start() < b and a < match.end() for a, b in taken):
            continue
        mention = _mention(text, match, year)
        if mention is None:
            continue
        taken.append((mention.start, mention.end))
        found.append(mention)
    found.sort(key=lambda m: m.start)
    return found


def _mention(text: str, match: re.Match[str], year: int | None) -> DateMention | None:
    parts = match.groupdict()
    has_year = bool(parts.get("y"))
    the_year = int(parts["y"]) if has_year else year
    month = _month(parts)
    # "November 13-15, 2023": the year comes after the range; read the days first.
    first = _date(the_year or 2000, month, int(parts["d"]))
    if first is None:
        return None
    end = match.end()
    weekday = _WEEKDAY_AT.match(text, end)
    if weekday:
        end = weekday.end()
    last, end, weekday_after = _range_end(text, end, first)
    if not has_year and parts.get("mn") and (after := _YEAR_AFTER.match(text, end)):
        has_year, the_year, end = True, int(after["y"]), after.end()
    if the_year is None:
        return None
    if the_year != first.year:
        moved = _date(the_year, first.month, first.day)
        if moved is None:
            return None
        last = _date(the_year, last.month, last.day) if last else None
        first = moved
    return DateMention(
        first=first,
        last=last or first,
        has_year=has_year,
        is_range=last is not None,
        has_weekday=bool(weekday or weekday_after),
        weekday=_weekday(weekday.group(0)) if weekday else None,
        start=match.start(),
        end=end,
    )


_YEAR_AFTER = re.compile(rf",?\s*(?P<y>{_YEAR})(?!\d)")


def _range_end(text: str, at: int, first: dt.date) -> tuple[dt.date | None, int, bool]:
    """The last day of a range starting at `first`, if one follows at `at`."""
    join = _RANGE_JOIN.match(text, at)
    if not join or join.end() == at:
        return None, at, False
    pos = join.end()
    for pattern in (_TAIL_YMD, _TAIL_MD, _TAIL_EN, _TAIL_D):
        tail = pattern.match(text, pos)
        if not tail:
            continue
        parts = tail.groupdict()
        month = _month(parts) if (parts.get("m") or parts.get("mn")) else first.month
        # "12/30〜1/2": a range into January ends in the next year.
        year = int(parts["y"]) if parts.get("y") else first.year + (month < first.month)
        last = _date(year, month, int(parts["d"]))
        if last is None or not (first < last <= first + dt.timedelta(days=_SPAN_DAYS)):
            return None, at, False
        end = tail.end()
        weekday = _WEEKDAY_AT.match(text, end)
        return last, weekday.end() if weekday else end, bool(weekday)
    return None, at, False


_WEEKDAYS = ("月火水木金土日", ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))


def _weekday(written: str) -> int | None:
    """ "(木)" -> 3, "(Thu)" -> 3; None for "(祝)"."""
    for index, char in enumerate(_WEEKDAYS[0]):
        if char in written:
            return index
    lowered = written.lower()
    return next((i for i, name in enumerate(_WEEKDAYS[1]) if name in lowered), None)


def _month(parts: dict[str, str | None]) -> int:
    if parts.get("m"):
        return int(parts["m"] or 0)
    name = (parts.get("mn") or "")[:3]
    return (
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "oct",
        "nov",
        "dec",
    ).index(name) + 1


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def date_shape_starts(text: str) -> list[int]:
    """Where in `text` something shaped like a date starts (a superset of what
    `dates_in` reads), in two quick regex passes over the whole text."""
    return [m.start() for pattern in _SHAPES for m in pattern.finditer(text)]


def parse_date(text: str) -> str | None:
    """The first calendar date written with its year in `text`, as ISO "YYYY-MM-DD"."""
    for mention in dates_in(text):
        return mention.first.isoformat()
    return None
