"""Title cleaning, step 3: the decoration around a talk's title.

`take_decoration(text, labels)` takes one layer off: a session code or room ("B2 (S):",
"rubykaigiA", "Room A"), a label ("LT:", "LT1", "基調講演：", "(Keynote)", "(30min)",
"(from Go Team)", `vocab/talk_labels.txt`) or wrapping quotes 「」『』""; titles.py
repeats it until nothing changes. The labels taken off go into `labels`, as written.
"""

from __future__ import annotations

import re
from functools import cache

from notetui.core.parse import vocabulary
from notetui.core.text import fold

_SEP = r"\s*[:：|｜.．\-–—)）\]】]\s*"
# Session codes: "H1 (S):", "B8 (L):", "A-3:", "S2:"; a letter-and-number code followed
# by a separator (a bare "B2" could start a title such as "B2B SaaS").
_SESSION_CODE = re.compile(
    r"^(?P<label>[A-Z]{1,2}-?\d{1,2}(?:\s*[(（][A-Z]{1,3}[)）])?)\s*[:：|｜]\s*(?=\S)"
)
# A room written as an event name run into a letter: "rubykaigiA", "RubykaigiC".
_CAMEL_ROOM = re.compile(r"^(?P<label>[A-Za-z][a-z]{3,}[A-Z])\s+(?=\S)")
# "第1部: …", "Part 2 - …", "第3セッション …": which part of the event.
_ORDINAL = re.compile(
    r"^(?P<label>第\s*\d{1,2}\s*(?:部|セッション|講演|発表|枠)|(?i:part)\s*\d{1,2})"
    r"(?:\s*[:：|｜\-–—.．]\s*|\s+)(?=\S)"
)
# A mark or an emoji before the title: "■ Title", "🎤 Title".
_MARK = re.compile(r"^(?:[■□◆◇●○▼▽▶►★☆◎※]|[\U0001F300-\U0001FAFF\u2600-\u27BF]\ufe0f?)+\s*(?=\S)")
_BRACKETED = re.compile(r"^(?:【(?P<a>[^】]{1,20})】|\[(?P<b>[^\]]{1,20})\])\s*(?=\S)")
DURATION = re.compile(r"^\d{1,3}\s*(?:分|min|mins|minutes?|m)$", re.IGNORECASE)
_TRAILING = re.compile(r"\s*(?:[(（](?P<a>[^()（）]{1,40})[)）]|【(?P<b>[^】]{1,20})】)$")
_QUOTES = (
    ("「", "」"),
    ("『", "』"),
    ("“", "”"),
    ('"', '"'),
    ("”", "”"),
    ("‘", "’"),
    ("【", "】"),
)


def take_decoration(text: str, labels: list[str]) -> str:
    text = text.strip()
    for take in (_take_code, _take_room, _take_label_prefix, _take_bracketed, _take_trailing):
        rest = take(text, labels)
        if rest is not None and rest != text:
            return rest.strip()
    return _unquote(text)


def _take_code(text: str, labels: list[str]) -> str | None:
    if mark := _MARK.match(text):  # "■ Title", "★Title": a mark, not a label
        return text[mark.end() :]
    match = _SESSION_CODE.match(text) or _CAMEL_ROOM.match(text) or _ORDINAL.match(text)
    if not match or is_label_word(match.group("label")):
        return None
    labels.append(match.group("label"))
    return text[match.end() :]


def _take_room(text: str, labels: list[str]) -> str | None:
    """ "Room A: …", "Hall B …", "Track 2 - …", "会場A …": a room word and a short code."""
    match = _room_pattern().match(text)
    if not match:
        return None
    labels.append(match.group("label"))
    return text[match.end() :]


@cache
def _room_pattern() -> re.Pattern[str]:
    rooms = vocabulary.pattern("talk_rooms").pattern
    return re.compile(
        rf"^(?P<label>(?i:{rooms})\s*[A-Z0-9]{{1,2}})(?:\s*[:：|｜\-–—)]\s*|\s+)(?=\S)"
    )


@cache
def _label_prefix_pattern() -> re.Pattern[str]:
    return re.compile(
        rf"^(?P<label>{_label_alternation()})"
        rf"(?P<number>\s*#?\d{{1,2}})?(?P<sep>{_SEP}|\s+(?=\S)|(?=[「『“\"]))"
    )


def _take_label_prefix(text: str, labels: list[str]) -> str | None:
    """ "LT: …", "LT1 …", "基調講演：…", "Keynote - …", "LT「…」"; never the whole title."""
    folded = fold(text)
    match = _label_prefix_pattern().match(folded)
    if not match:
        return None
    sep = match.group("sep")
    # "Session Types in Rust": a label word followed by a space alone starts a title,
    # unless a number goes with it ("LT1 …") or it is Japanese ("基調講演 …").
    quoted_next = folded[match.end() : match.end() + 1] in '「『“"'
    latin = _LATIN_END.search(match.group("label"))
    if not sep.strip() and not match.group("number") and latin and not quoted_next:
        return None
    rest = text[match.end() :].strip()
    if not rest:
        return None
    labels.append(text[: match.end("label")].strip() + (match.group("number") or "").strip())
    return rest


_LATIN_END = re.compile(r"[a-z0-9]$")


@cache
def _label_alternation() -> str:
    """The talk labels as one group; unlike `vocabulary.pattern`, a number may follow
    a Latin label directly ("LT1")."""
    parts = []
    for word in vocabulary.words("talk_labels"):
        head = r"(?<![0-9a-z])" if re.match(r"[0-9a-z]", word) else ""
        tail = r"(?![a-z])" if re.search(r"[a-z]$", word) else ""
        parts.append(head + re.escape(word) + tail)
    return "(?:" + "|".join(parts) + ")"


def _take_bracketed(text: str, labels: list[str]) -> str | None:
    match = _BRACKETED.match(text)
    if not match:
        return None
    inner = (match.group("a") or match.group("b") or "").strip()
    if not (is_label_word(inner) or _SESSION_CODE.match(inner + ":")):
        return None
    labels.append(inner)
    return text[match.end() :]


def _take_trailing(text: str, labels: list[str]) -> str | None:
    """ "(Keynote)", "(30min)", "(from Go Team)", "【LT】", " - LT", " #rubykaigiB" at
    the end of a title."""
    # A hashtag after the title is the note's, not the talk's.
    if (tag := _HASHTAG.search(text)) and tag.start() > 0:
        labels.append(tag.group("tag"))
        return text[: tag.start()]
    if (tail := _DASH_TAIL.search(text)) and tail.start() > 0 and is_label_word(tail.group(1)):
        labels.append(tail.group(1).strip())
        return text[: tail.start()]
    match = _TRAILING.search(text)
    if not match or match.start() == 0:
        return None
    inner = (match.group("a") or match.group("b") or "").strip()
    if not (is_label_word(inner) or DURATION.match(inner) or _FROM.match(inner)):
        return None
    labels.append(inner)
    return text[: match.start()]


_FROM = re.compile(r"^from\s+\S.{0,30}$", re.IGNORECASE)
_HASHTAG = re.compile(r"\s+[#＃](?P<tag>[A-Za-z][\w\-]*)$")
_DASH_TAIL = re.compile(r"\s+[-–—|｜/]\s*([^-–—|｜/]{1,30})$")


def is_label_word(text: str) -> bool:
    return vocabulary.is_only("talk_labels", text, _LABEL_FILLER)


# What may sit beside a label word: its number, a duration ("LT 5分", "Talk 30min").
_LABEL_FILLER = r"(?:[\s\d#:：.\-]|分|mins?|minutes)*"


_OPENING_QUOTES = frozenset(opening for opening, _ in _QUOTES)


def _unquote(text: str) -> str:
    if len(text) < 3 or text[0] not in _OPENING_QUOTES:
        return text
    for opening, closing in _QUOTES:
        if len(text) > 2 and text.startswith(opening) and text.endswith(closing):
            inner = text[len(opening) : -len(closing)]
            if opening not in inner[1:] or closing not in inner:  # not 「a」と「b」
                return inner.strip()
    return text


# "Ruby 2.7.", "Example Inc.", "Jr.": the full stop belongs to the last word.
_ABBREVIATION = re.compile(r"(?:\d|(?<![A-Za-z])[A-Z][A-Za-z]{0,3})\.$")


def tidy(text: str) -> str:
    text = " ".join(text.split()).strip(" :：|｜").lstrip("-–— ")
    # "Go's Next Frontier." loses its full stop; "Measure...?" and "Inc." keep theirs.
    if text.endswith(".") and not text.endswith("..") and not _ABBREVIATION.search(text):
        text = text[:-1].rstrip()
    return text
