"""Telling talks from everything else, and cleaning titles, whatever the note's format.

The vocabularies are deliberately about *whole* titles: "休憩" is a break, but
"休憩時間を活かすSRE" is a talk. A title is a schedule item only when nothing but
schedule words is left of it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from notetui.core.models import SectionKind
from notetui.core.parse import vocabulary
from notetui.core.text import fold

# What may be left of a title besides vocabulary entries for it to still be "only"
# them: spaces, punctuation, digits, durations and the particles that glue Japanese
# headings together ("会場内の様子", "感想とか", "懇親会など").
_FILLER = (
    r"(?:[\s\W_\d]|の|とか|など|について|とは|内|編|的な|and|the|&|まで"
    r"|\d+(?:分|時間|秒|min|mins|minutes?|h|hours?|sec))*"
)
_HEAD = re.compile(r"[:：\-–—(（]")
# A short title ending in a break or a party ("ブースぶらぶら休憩") is a schedule item.
_TAIL_MAX = 15


_FILLER_RE = re.compile(_FILLER)
_MAX_VOCAB_TITLE = 80  # a longer title is never only vocabulary words


@lru_cache(maxsize=8192)
def _fold(title: str) -> str:
    return fold(title)


@lru_cache(maxsize=16384)
def only(name: str, title: str) -> bool:
    """The title is made of entries of vocabulary NAME and filler, nothing else."""
    return only_any((name,), title)


@lru_cache(maxsize=64)
def _ends(names: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """The first and the last characters of the entries of these vocabularies."""
    entries = [entry for name in names for entry in vocabulary.words(name)]
    return frozenset(e[0] for e in entries), frozenset(e[-1] for e in entries)


_FIRST_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=8192)
def only_any(names: tuple[str, ...], title: str) -> bool:
    """The title is made of entries of these vocabularies together ("お昼の様子")."""
    if len(title) > _MAX_VOCAB_TITLE:
        return False
    folded = _fold(title)
    # Cheap way out first: such a title's first letter (after any digits, a time or
    # a number) is the first letter of an entry.
    first = _FIRST_LETTER.search(folded)
    if first is None or first.group() not in _ends(names)[0]:
        return False
    # And an entry starts right there (an anchored match fails fast).
    at = first.start()
    if not any(vocabulary.pattern(name).match(folded, at) for name in names):
        return False
    rest = folded
    for name in names:
        pattern = vocabulary.pattern(name)
        if pattern.search(rest) is not None:
            rest = pattern.sub(" ", rest)
    return rest != folded and _FILLER_RE.fullmatch(rest) is not None


def classify(title: str, *, has_speakers: bool = False, body_lines: int = 0) -> SectionKind:
    """The kind of a section from its cleaned title and a little about its content."""
    if is_impressions_title(title):
        return SectionKind.IMPRESSIONS
    if only("links", title):
        return SectionKind.LINKS
    if only("other", title):
        return SectionKind.OTHER
    if not has_speakers and is_schedule_title(title):
        return SectionKind.SCHEDULE
    return SectionKind.TALK


@lru_cache(maxsize=8192)
def is_impressions_title(title: str) -> bool:
    if only("impressions", title):
        return True
    # "感想：とても良かった" is still the impressions section.
    head = _HEAD.split(title, maxsplit=1)[0].strip()
    return head != title.strip() and bool(head) and only("impressions", head)


@lru_cache(maxsize=8192)
def is_schedule_title(title: str) -> bool:
    if only("schedule", title):
        return True
    folded = fold(title).strip()
    if not folded or len(folded) > _TAIL_MAX:
        return False
    match = vocabulary.pattern("schedule_tail").search(folded)
    return match is not None and match.end() == len(folded.rstrip(" !！。.")) and match.start() > 0


def is_qa_title(title: str) -> bool:
    return only("qa", title)


@lru_cache(maxsize=8192)
def is_container_title(title: str) -> bool:
    """A heading that names a group of talks: "セッション", "Talks", "為になったセッション"."""
    if only("containers", title):
        return True
    folded = fold(title).strip()
    if len(folded) > 20:
        return False
    ends = [m.end() for m in vocabulary.pattern("containers").finditer(folded)]
    if not ends:
        return False
    rest = folded[ends[-1] :]
    return re.fullmatch(_FILLER, rest) is not None


def is_non_talk_word(title: str) -> bool:
    """A title that names an impressions or links section outright (for plain text)."""
    return is_impressions_title(title) or only("links", title)


@lru_cache(maxsize=8192)
def is_other_title(title: str) -> bool:
    """The venue, the food, the intro: alone or mixed with schedule words ("お昼の様子")."""
    return only("other", title) or (
        only_any(("other", "schedule"), title) and not only("schedule", title)
    )


# A time slot at the start of a title: "19:35", "19:35-20:00", "[19:35〜]", "19時35分".
_TIME = re.compile(
    r"^\s*[\[(（【]?\s*(?P<h>[0-2]?\d)\s*(?:[:：]|時)\s*(?P<m>[0-5]\d)分?"
    r"(?:\s*[-–—~〜～]\s*(?:[0-2]?\d\s*(?:[:：]|時)\s*[0-5]\d分?)?)?\s*[\])）】]?"
    r"(?:\s*[-–—|｜:：]\s*|\s+|(?=[^\d]))"
)
_QUOTED = re.compile(r"^[「『“\"](?P<inner>.+)[」』”\"]$")
_LABEL_PREFIX = re.compile(
    r"^(?:【[^】]{1,20}】\s*"
    r"|(?:LT|ＬＴ|Lightning Talk|セッション|Session|Talk|発表|講演|Keynote|基調講演|キーノート"
    r"|登壇|トーク)\s*\d*\s*[:：.．|｜)\]】-]\s*"
    r"|(?:第\s*\d+\s*部|Part\s*\d+)\s*[:：.．]?\s*"
    r"|\d{1,2}\s*[.．)）]\s+"
    r"|[■□◆◇●○▼▽▶►★☆]\s*)",
    re.IGNORECASE,
)


def split_time(title: str) -> tuple[str | None, str]:
    """("HH:MM" or None, the title without its time slot)."""
    match = _TIME.match(title)
    if not match:
        return None, title
    rest = title[match.end() :].strip()
    if not rest:
        return f"{int(match.group('h')):02d}:{match.group('m')}", ""
    hour = int(match.group("h"))
    if hour > 23:
        return None, title
    return f"{hour:02d}:{match.group('m')}", rest


def clean_title(raw: str) -> tuple[str | None, str]:
    """(time slot, title as written) with time slot, quotes and decoration removed."""
    title = " ".join(raw.replace("\t", " ").split())
    title = re.sub(r"^(?:\*\*|__)(.+)(?:\*\*|__)$", r"\1", title)
    time, title = split_time(title)
    for _ in range(2):  # "【LT】「title」" peels both
        title = _LABEL_PREFIX.sub("", title, count=1).strip() or title
        quoted = _QUOTED.match(title)
        if quoted:
            title = quoted.group("inner").strip()
    if time is None:
        time, title = split_time(title)
    return time, title


_REPORT_WORDS = re.compile(
    r"(?:に|へ|の)?(?:参加(?:して(?:き|来)?(?:まし)?た|しました|しています|してきた)?"
    r"(?:メモ|レポート?|レポ|記|報告|ログ|日記|録)?|行って(?:き|来)(?:まし)?た|聴講メモ|聴講記|"
    r"まとめ|メモ|レポート|レポ|ログ)$"
)
_ENGLISH_REPORT = re.compile(
    r"^(?:notes? (?:from|on)|my notes (?:from|on)|recap(?: of)?:?|report(?: from)?:?)\s+"
    r"|\s*(?:[-:–—]\s*)?(?:notes|recap|report|writeup|write-up|trip report)$",
    re.IGNORECASE,
)
_HASHTAG = re.compile(r"\s*[#＃][^\s#＃\d][^\s#＃]*\s*$")
_TAG_PREFIX = re.compile(r"^\s*(?:\[[^\]]{1,20}\]|【[^】]{1,20}】)\s*")


def clean_event_title(raw: str) -> str:
    """An event's name from a post title: no "参加メモ", no hashtags, no "[tag]" prefix."""
    title = " ".join(raw.split())
    for _ in range(4):
        before = title
        title = _HASHTAG.sub("", title)
        title = _TAG_PREFIX.sub("", title)
        title = _REPORT_WORDS.sub("", title).rstrip(" -:：–—|｜")
        title = _ENGLISH_REPORT.sub("", title).strip()
        quoted = _QUOTED.match(title) or re.match(r"^[「『](?P<inner>[^」』]+)[」』]", title)
        if quoted:
            title = quoted.group("inner").strip()
        if title == before:
            break
    return title.strip() or " ".join(raw.split())
