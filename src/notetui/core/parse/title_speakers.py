"""Title cleaning, step 4: a speaker written into the title.

`take_speakers(text, labels)` tries the common shapes (`_SPEAKER_SHAPES`) in order:
`Name「Title」`, `「Title」Name`, `Title by Name`, `Title(Name)`, `Name: "Title"`,
`Title / 株式会社X 様`, `Title / 山田 太郎 (Org)`, `Title - Speaker Name`,
`Title : Speaker` (LT lists), `Title 登壇者：X`, `Title @handle`, `Keynote: Name`,
`Matz Keynote`. A shape only takes a speaker when the part it cuts off looks like a
person (a handle, an honorific, a name): titles have " - " subtitles and "(Rails 7.1)"
asides too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from notetui.core.models import Speaker
from notetui.core.parse import vocabulary
from notetui.core.parse.speakers import looks_like_topic, parse_speaker_line
from notetui.core.parse.title_decoration import DURATION, is_label_word
from notetui.core.text import fold

Shape = Callable[[str], "tuple[str, tuple[Speaker, ...]] | None"]


def take_speakers(text: str, labels: list[str]) -> tuple[str, tuple[Speaker, ...]]:
    for shape, marks in _SPEAKER_SHAPES:
        if marks is not None and not marks.search(text):
            continue  # the shape's mark is not in the title: skip its regex
        taken = shape(text)
        if taken is not None and taken[0].strip():
            return taken[0].strip(), taken[1]
    taken = _label_then_name(text, labels)
    return taken if taken is not None else (text, ())


_HANDLE = r"[@＠][A-Za-z0-9_][A-Za-z0-9_\-]{0,38}"
_TRAILING_HANDLES = re.compile(
    rf"^(?P<title>.+?)\s+(?P<handles>{_HANDLE}(?:\s*[,、&]?\s*{_HANDLE})*)$"
)
_HANDLE_ONLY = re.compile(r"[@＠]?(?P<h>[A-Za-z0-9_][A-Za-z0-9_\-]{1,38})")
_NICK = re.compile(r"^[a-z0-9_][A-Za-z0-9_\-]{1,30}$|^[A-Z][a-z0-9_\-]*[0-9_][A-Za-z0-9_\-]*$")
_CAPITALISED = re.compile(r"^[A-Z][a-z0-9_]{2,}$")  # "Songmu", known by that name alone
_KANJI_NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff々]{2,4}$")
_LATIN_PERSON = re.compile(
    r"^[A-Z][a-z\u00df-\u024f'’]+(?:-[A-Z][a-z\u00df-\u024f'’]+)?"
    r"(?:\s+(?:[A-Z]\.\s+)?[A-Z][a-zA-Z\u00df-\u024f'’]+(?:-[A-Z][a-z\u00df-\u024f'’]+)?){1,2}$"
)
_UPPER_FAMILY = re.compile(
    r"^[A-Z]{2,}\s+[A-Z][a-z]+$|^[A-Z][a-z]+\s+[A-Z]{2,}$"
)  # SHIBATA Hiroshi


def _trailing_handles(text: str) -> tuple[str, tuple[Speaker, ...]] | None:
    """ "Title @handle", "Title @a, @b"."""
    match = _TRAILING_HANDLES.match(text)
    if not match:
        return None
    handles = re.findall(r"[@＠]([A-Za-z0-9_][A-Za-z0-9_\-]*)", match.group("handles"))
    return match.group("title"), tuple(Speaker(h, h, None) for h in handles)


def _trailing_paren(text: str) -> tuple[str, tuple[Speaker, ...]] | None:
    """ "Title(nashiox)", "Title（星一）", "Title (Jane Doe, Example Inc.)"."""
    match = re.match(r"^(?P<title>.+?[^\s(（])\s*[(（](?P<who>[^()（）]{1,60})[)）]$", text)
    if not match:
        return None
    if _expands(match.group("title"), match.group("who")):
        return None  # "ICO (Initial Coin Offering)": an acronym spelled out
    speaker = _person(match.group("who"), strict=False)
    if speaker is None:
        return None
    title = match.group("title")
    # "Title / 山田 (@yamada)": the handle belongs to the name before it.
    named = _NAME_BEFORE_HANDLE.match(title)
    if named and speaker[0].name == speaker[0].handle:
        person = _person(named.group("who"), strict=False)
        if person is not None and len(person) == 1 and person[0].handle is None:
            return named.group("title"), (Speaker(person[0].name, speaker[0].handle, None),)
    return title, speaker


def _expands(title: str, inner: str) -> bool:
    words = re.findall(r"[A-Za-z]+", inner)
    last = re.findall(r"[A-Za-z]+", title)
    return (
        len(words) >= 2 and bool(last) and "".join(w[0] for w in words).lower() == last[-1].lower()
    )


_NAME_BEFORE_HANDLE = re.compile(r"^(?P<title>.+?)\s+[/／\-–—|｜]\s+(?P<who>[^/／\-–—|｜]{1,30})$")


def _name_quoted(text: str) -> tuple[str, tuple[Speaker, ...]] | None:
    """ "Name「Title」", "Nameさん『Title』", "Name: "Title"", "Name – “Title”"."""
    match = re.match(
        r"^(?P<who>[^「『“\"]{1,50}?)\s*(?:[:：\-–—]\s*)?"
        r"(?P<open>[「『“\"])(?P<title>.+)(?P<close>[」』”\"])$",
        text,
    )
    if not match or _QUOTE_PAIRS.get(match.group("open")) != match.group("close"):
        return None
    who = match.group("who").strip(" :：-–—")
    if _KEY.match(who):  # `title: "…"`: a front matter key, not a person
        return None
    speaker = _person(who, strict=False)
    return None if speaker is None else (match.group("title"), speaker)


_KEY = re.compile(r"^[a-z][a-z_]*$")
_QUOTE_PAIRS = {"「": "」", "『": "』", "“": "”", '"': '"'}


def _quoted_then_name(text: str) -> tuple[str, tuple[Speaker, ...]] | None:
    """ "「Title」山田 太郎さん", "『Title』 Jane Doe": the name after the quoted title."""
    match = re.match(
        r"^(?P<open>[「『“\"])(?P<title>[^「『“\"」』”]+)(?P<close>[」』”\"])\s*(?:[-–—/／:：]\s*)?"
        r"(?P<who>[^「『“\"」』”]{1,50})$",
        text,
    )
    if not match or _QUOTE_PAIRS.get(match.group("open")) != match.group("close"):
        return None
    speaker = _person(match.group("who"), strict=False)
    return None if speaker is None else (match.group("title"), speaker)


def _by_name(text: str) -> tuple[str, tuple[Speaker, ...]] | None:
    """ "Title by Name", "Title presented by Jane Doe", "Title by songmu]"."""
    match = re.match(
        r"^(?P<title>.+?)\s+(?:presented\s+by|by)\s+(?P<who>[^\s].{0,60})$", text, re.I
    )
    if not match:
        return None
    who = match.group("who").strip()
    if who.count("]") > who.count("["):  # a stray bracket left by the note
        who = who.rstrip("]").strip()
    speaker = _person(who, strict=True)
    return None if speaker is None else (match.group("title"), speaker)


_SLASHES = re.compile(r"[/／|｜]")


@cache
def _slash_honorific_pattern() -> re.Pattern[str]:
    honorifics = vocabulary.pattern("honorifics").pattern
    return re.compile(
        rf"^(?P<title>.+?)\s*[/／|｜]\s*(?P<who>[^/／|｜]{{1,40}}?)\s*(?:{honorifics})$"
    )


def _slash_honorific(text: str) -> tuple[str, tuple[Speaker, ...]] | None:
    """ "Title / 株式会社X 様", "Title ／ 山田さん"."""
    if not _SLASHES.search(text):
        return None
    match = _slash_honorific_pattern().match(text)
    if match:
        return match.group("title"), (Speaker(match.group("who").strip(), None, None),)
    # "Title / 山田 太郎（株式会社X）": without an honorific, only a speaker line with
    # evidence (a company, a handle): "入門 / Intro to Types" is a bilingual title.
    match = re.match(r"^(?P<title>.+?)\s+[/／]\s+(?P<who>[^/／]{1,60})$", text)
    if not match:
        return None
    # A spaced Japanese name ("山田 太郎") is enough; a Latin one is not ("Intro Guide").
    found = parse_speaker_line(match.group("who"), under_title=True, latin_ok=False)
    if not found or any(_has_common_word(s.name) for s in found):
        return None
    return match.group("title"), tuple(found)


def _labelled_tail(text: str) -> tuple[str, tuple[Speaker, ...]] | None:
    """ "Title 登壇者：山田 太郎", "Title Speaker: Jane Doe": a labelled speaker after it."""
    match = _labelled_tail_pattern().match(text)
    if not match:
        return None
    found = parse_speaker_line(match.group("who"), under_title=True)
    return None if not found else (match.group("title"), tuple(found))


@cache
def _labelled_tail_pattern() -> re.Pattern[str]:
    labels = "|".join(re.escape(w) for w in vocabulary.words("speaker_labels") if len(w) > 2)
    return re.compile(rf"^(?P<title>.+?)[\s/／|｜]+(?P<who>(?i:{labels})\s*[:：].{{1,60}})$")


def _person_after(pattern: re.Pattern[str], text: str) -> tuple[str, tuple[Speaker, ...]] | None:
    """The title and speaker where `pattern` cuts the text in two and its `who` is a person."""
    match = pattern.match(text)
    if not match:
        return None
    speaker = _person(match.group("who"), strict=True)
    return None if speaker is None else (match.group("title"), speaker)


_COLON_PERSON = re.compile(r"^(?P<title>.+?)\s+[:：]\s+(?P<who>[^:：]{1,60})$")
_DASH_PERSON = re.compile(r"^(?P<title>.+?)\s+[-–—―]+\s+(?P<who>[^-–—―]{1,60})$")


def _colon_person(text: str) -> tuple[str, tuple[Speaker, ...]] | None:
    """ "Title : Speaker", an LT list's shape: a colon with space around it, a person after."""
    return _person_after(_COLON_PERSON, text)


def _dash_person(text: str) -> tuple[str, tuple[Speaker, ...]] | None:
    """ "Title - Jane Doe", "Title — 山田 太郎さん": only a tail that is a person."""
    return _person_after(_DASH_PERSON, text)


def _name_keynote(text: str) -> tuple[str, tuple[Speaker, ...]] | None:
    """ "Matz Keynote": the title stays, the name before "Keynote" is the speaker."""
    match = re.match(
        r"^(?P<who>[A-Z][a-z]{2,}|[^\s]{2,8})\s+(?:keynote|キーノート|基調講演)$", text, re.I
    )
    if not match or _is_common_word(match.group("who")) or is_label_word(match.group("who")):
        return None
    return text, (Speaker(match.group("who"), None, None),)


def _label_then_name(text: str, labels: list[str]) -> tuple[str, tuple[Speaker, ...]] | None:
    """ "Keynote: Jane Doe" (the label already off): a person alone is no title."""
    if not labels:
        return None
    speaker = _person(text, strict=True)
    if speaker is None:
        return None
    return labels[-1], speaker


# Each shape with the mark it needs in the title (None: always tried): most titles
# carry none of them, and a search for a character is cheaper than the shape's regex.
_SPEAKER_SHAPES: tuple[tuple[Shape, re.Pattern[str] | None], ...] = (
    (_trailing_handles, re.compile(r"[@＠]")),
    (_name_quoted, re.compile(r"[「『“\"]")),
    (_quoted_then_name, re.compile(r"^[「『“\"]")),
    (_trailing_paren, re.compile(r"[)）]$")),
    (_slash_honorific, re.compile(r"[/／|｜]")),
    (_labelled_tail, re.compile(r"[:：]")),
    (_by_name, re.compile(r"\sby\s", re.IGNORECASE)),
    (_colon_person, re.compile(r"\s[:：]\s")),
    (_dash_person, re.compile(r"\s[-–—―]+\s")),
    (_name_keynote, re.compile(r"keynote|キーノート|基調講演", re.IGNORECASE)),
)


def _person(text: str, *, strict: bool) -> tuple[Speaker, ...] | None:
    """The speakers `text` names, or None when it is not just a person (or people).

    `strict`: the text follows "by" or a dash, where titles go on too ("by Example",
    "- New Features"): a single capitalised word is not enough there."""
    text = text.strip(" 　")
    if not text or len(text) > 60:
        return None
    folded = fold(text)
    if folded in vocabulary.words("title_parens") or is_label_word(text) or DURATION.match(text):
        return None
    plain = _honorific_end().sub("", text)
    honoured = plain != text
    if (nick := _HANDLE_ONLY.fullmatch(plain)) and (plain[0] in "@＠" or _NICK.match(plain)):
        handle = nick.group("h")
        return (Speaker(handle, handle, None),)
    if honoured and plain and len(plain) <= 20 and not re.search(r"[。、!?！？]", plain):
        return (Speaker(plain, None, None),)
    alone = _KANJI_NAME.match(plain) or _CAPITALISED.match(plain)
    if not strict and alone and not _is_common_word(plain) and not looks_like_topic(plain):
        handle = None if _KANJI_NAME.match(plain) else plain
        return (Speaker(plain, handle, None),)
    if (_LATIN_PERSON.match(plain) or _UPPER_FAMILY.match(plain)) and not _has_common_word(plain):
        return (Speaker(plain, None, None),)
    found = parse_speaker_line(plain, under_title=True, latin_ok=False)
    if found and not any(_has_common_word(s.name) for s in found):
        return tuple(found)
    return None


@cache
def _honorific_end() -> re.Pattern[str]:
    return re.compile(rf"\s*(?:{vocabulary.pattern('honorifics').pattern})$")


def _is_common_word(word: str) -> bool:
    folded = fold(word)
    return folded in vocabulary.words("title_words") or folded in vocabulary.words("title_parens")


def _has_common_word(name: str) -> bool:
    return any(_is_common_word(word) for word in re.split(r"[\s\-]+", name))
