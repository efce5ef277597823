"""An event's name: cleaned from a post title, and compared with another note's.

A post title wraps the event's name in words about the post: "【参加レポート】",
"に参加してきました", "Highlights from", "Day 2", a trailing "#hashtag", the day
it was written. Those words come from vocabulary files; what is left is the name,
numbers kept ("Nagoya TypeScript Meetup #9" keeps its "#9").

Two names are compared as words and numbers, not as strings: "SREcon Europe 2017"
and "SRECon17 Europe" are the same words and the same year; "golang.tokyo #11" and
"golang.tokyo #26" are the same words and different episodes, so different events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from notetui.core.parse import vocabulary
from notetui.core.text import fold

_SEPARATORS = r"[\s\-:：–—|｜/／@＠、,，。.!！?？~〜・]*"
_PARTICLE = r"(?:に|へ|の|を|で|と)?"
_ASIDE = re.compile(r"\s*[(（\[［【][^()（）\[\]［］【】]{1,24}[)）\]］】]\s*$")
_SUFFIX_REACH = 48  # the longest report words with their particle and separators
_TAG_PREFIX = re.compile(r"^\s*(?:\[[^\]]{1,20}\]|【[^】]{1,20}】|〔[^〕]{1,20}〕)\s*")
# A trailing hashtag ("#golangtokyo"); a number tag ("#9") is an episode and stays.
_TRAILING_HASHTAG = re.compile(r"\s+[#＃][^\s#＃\d][^\s#＃]*\s*$")
_INNER_HASHTAG = re.compile(r"(?:(?<=\s)|^)[#＃](?=[^\s\d#＃])")
_QUOTED = re.compile(r"^[「『“\"](?P<inner>[^」』”\"]+)[」』”\"]$")
_DATE_TAIL = re.compile(
    r"[\s\-:：–—|｜/@＠(（]*(?:(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:\s*[(（][^)）]{1,6}[)）])?)[)）]?\s*$"
)


@cache
def _suffix() -> re.Pattern[str]:
    """Report words, attendance modes and day markers at the end of a title."""
    entries = {*vocabulary.words("event_report_words"), *vocabulary.words("event_attend_modes")}
    words = "|".join(_whole(w) for w in sorted(entries, key=len, reverse=True))
    return re.compile(rf"{_SEPARATORS}{_PARTICLE}(?:{words}|{_day_marker()})\s*$", re.IGNORECASE)


def _whole(entry: str) -> str:
    """An entry that starts with a Latin letter must not end another word ("memo" in
    "Gizmo" is not "memo"); a Japanese one may follow anything ("2018参加メモ")."""
    head = r"(?<![0-9a-z])" if re.match(r"[0-9a-z]", entry) else ""
    return head + re.escape(entry)


@cache
def _day_marker() -> str:
    """ "Day 2" (a Latin word before its number), "2日目" (a Japanese one after it)."""
    entries = vocabulary.words("event_day_words")
    latin = "|".join(re.escape(w) for w in entries if w.isascii())
    cjk = "|".join(re.escape(w) for w in entries if not w.isascii())
    return (
        rf"(?:(?<![a-z0-9])(?:{latin})\s*\d{{1,2}}(?![0-9])|(?<![0-9])\d{{1,2}}\s*(?:{cjk})"
        r"|初日|最終日)"
    )


@cache
def day_pattern() -> re.Pattern[str]:
    """ "Day 2", "2日目", "DAY1": which day of an event a title or line is about."""
    return re.compile(_day_marker(), re.IGNORECASE)


@cache
def _prefix() -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in vocabulary.words("event_report_prefixes"))
    return re.compile(rf"^\s*(?:{words})(?![a-z0-9])[\s:：\-–—]*", re.IGNORECASE)


def clean_event_title(raw: str) -> str:
    """The event's name in a post title, without the words about the post."""
    original = " ".join(raw.split())
    title = original
    for _ in range(6):
        before = title
        title = _TAG_PREFIX.sub("", title).rstrip(" !！?？。♪☆★")
        title = _TRAILING_HASHTAG.sub("", title)
        title = _drop_aside_after_report(title)
        title = _strip_suffix(title)
        title = _DATE_TAIL.sub("", title).strip() or title
        prefix = _prefix().match(fold(title))
        if prefix and prefix.end() < len(title):
            title = title[prefix.end() :]
        quoted = _QUOTED.match(title)
        if quoted:
            title = quoted.group("inner")
        title = title.strip(" \t-:：–—|｜")
        if title == before:
            break
    title = _INNER_HASHTAG.sub("", title).strip()
    return title or original


def _strip_suffix(title: str) -> str:
    # Matched on the folded title, cut on the original: fold keeps a string's length
    # for everything a title holds but a few ligatures, so the check below guards it.
    folded = fold(title)
    # Only the end can hold report words: the search starts near it, not at every character.
    match = _suffix().search(folded, max(0, len(folded) - _SUFFIX_REACH))
    if not match or match.start() == 0 or len(folded) != len(title):
        return title
    return title[: match.start()].rstrip()


def _drop_aside_after_report(title: str) -> str:
    """A bracketed aside after report words goes with them: "X 参加レポート（速報）"."""
    aside = _ASIDE.search(title)
    if not aside or aside.start() == 0:
        return title
    head = title[: aside.start()]
    return head if _strip_suffix(head) != head else title


# ------------------------------------------------------------------------- comparing

_TOKEN = re.compile(r"[a-z]+\d+[a-z]+|[a-z]+|\d+|[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaffー々]+")
_EPISODE = re.compile(
    r"(?:#|＃|vol\.?|no\.?|episode|ep\.?|part|第)\s*(\d{1,4})(?!\d)|(?<!\d)(\d{1,4})\s*(?:回|th|st|nd|rd)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)|(?<=[a-z])(\d{2})(?![\d])")


@dataclass(frozen=True)
class EventName:
    """What tells one event's name from another's."""

    words: frozenset[str]
    episodes: frozenset[int]
    years: frozenset[int]

    @property
    def empty(self) -> bool:
        return not self.words


def event_name(title: str) -> EventName:
    folded = fold(title)
    episodes = {int(a or b) for a, b in _EPISODE.findall(folded)}
    years = set()
    for four, two in _YEAR.findall(folded):
        if four:
            years.add(int(four))
        elif int(two) not in episodes:
            years.add(2000 + int(two))  # "SRECon17": a two-digit year glued to a name
    noise = set(vocabulary.words("event_name_noise"))
    words = frozenset(
        t for t in _TOKEN.findall(folded) if not t.isdigit() and t not in noise and len(t) > 1
    )
    return EventName(words, frozenset(episodes), frozenset(years))


# How two names relate: the same event for sure, the same series and perhaps the same
# event (when the dates agree), or nothing said.
SAME = 2
LIKELY = 1
UNKNOWN = 0
DIFFERENT = -1


def compare_names(a: EventName, b: EventName) -> int:
    """How two names relate, when they share half the shorter one's words, a
    distinctive one among them (else UNKNOWN): DIFFERENT when an episode or a year
    differs ("golang.tokyo #11", "#26"); SAME when one name's words hold the other's;
    LIKELY when they give the same year or episode ("RubyKaigi 2019 in 福岡",
    "YouGoto RubyKaigi 2019"); UNKNOWN else."""
    shared = a.words & b.words
    smaller = min(len(a.words), len(b.words))
    if not any(_distinctive(w) for w in shared) or 2 * len(shared) < smaller:
        return UNKNOWN  # a word in common is not a series in common
    if a.episodes and b.episodes and a.episodes.isdisjoint(b.episodes):
        return DIFFERENT
    if a.years and b.years and a.years.isdisjoint(b.years):
        return DIFFERENT
    if len(shared) == smaller and (bool(a.episodes) == bool(b.episodes) or len(shared) >= 2):
        return SAME
    same_number = bool(a.years & b.years or a.episodes & b.episodes)
    return LIKELY if same_number else UNKNOWN


def _distinctive(word: str) -> bool:
    if word in vocabulary.words("event_generic_words"):
        return False
    return len(word) >= 3 or not word.isascii()
