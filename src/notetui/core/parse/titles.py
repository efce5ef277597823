"""Title cleaning: a talk's title as its note writes it, without what surrounds it.

`clean_title(raw)` takes a raw heading or line and gives the title, its time slot, the
speakers written into it and the labels taken off. It runs a fixed order of small steps:

1. markup off: heading marks, bullets, HTML tags (`<u>`), template tags, Markdown links,
   emphasis;
2. the time slot ("19:00-19:30", "[19:35〜]");
3. decoration, repeated until nothing changes: session codes and rooms ("B2 (S):",
   "rubykaigiA", "Room A"), labels ("LT:", "LT1", "基調講演：", "(Keynote)", "(30min)",
   "(from Go Team)", `vocab/talk_labels.txt`), wrapping quotes 「」『』"";
4. a speaker written into the title, in one of the common shapes (`_SPEAKER_SHAPES`):
   `Name「Title」`, `「Title」Name`, `Title by Name`, `Title(Name)`, `Name: "Title"`,
   `Title / 株式会社X 様`, `Title / 山田 太郎 (Org)`, `Title<TAB>Name / Org`,
   `Title - Speaker Name`, `Title : Speaker` (LT lists), `Title 登壇者：X`,
   `Title @handle`, `Keynote: Name`, `Matz Keynote`.

fields.py's `talk_fields(raw_title, body)` runs this with `speakers.speakers_in` and
`slides.slide_links` and gives a talk's fields in one call.

A shape only takes a speaker when the part it cuts off looks like a person (a handle, an
honorific, a name): titles have " - " subtitles and "(Rails 7.1)" asides too, and
`PyCon US 2025 — my notes` stays whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from notetui.core.models import Speaker
from notetui.core.parse import slides, vocabulary
from notetui.core.parse.speakers import looks_like_topic, parse_speaker_line
from notetui.core.text import fold


@dataclass(frozen=True, slots=True)
class CleanTitle:
    """A talk title and what was taken off it."""

    title: str
    time: str | None = None  # "HH:MM", the slot's start
    speakers: tuple[Speaker, ...] = ()
    labels: tuple[str, ...] = ()  # as written: "LT", "基調講演", "H1 (S)", "rubykaigiA"


@lru_cache(maxsize=8192)  # the pipeline asks about a line more than once
def clean_title(raw: str) -> CleanTitle:
    """The clean title of a raw heading or line, with its time, speakers and labels."""
    if len(raw) > _LONGEST_TITLE:  # a paragraph, or hostile input: no shape applies
        slot, rest = split_time(" ".join(raw.split()))
        return CleanTitle(rest, slot)
    parts = [part for part in (_unmark(p) for p in raw.split("\t")) if part]
    time: str | None = None
    if parts:
        time, first = split_time(parts[0])
        parts[0:1] = [first] if first else []
    named: tuple[Speaker, ...] = ()
    if len(parts) >= 2:  # "Title<TAB>Name / Org"
        found = parse_speaker_line(" ".join(parts[1:]), under_title=True)
        if found:
            named, parts = tuple(found), parts[:1]
    text = " ".join(parts)
    if time is None:
        time, text = split_time(text)
    labels: list[str] = []
    for _ in range(4):
        before = text
        text = _take_decoration(text, labels)
        if not named:
            text, named = _take_speakers(text, labels)
        if time is None:
            time, text = split_time(text)
        if text == before:
            break
    text = _tidy(text)
    if not text and labels:  # "Keynote" alone: the label is the title
        text = labels.pop(0)
    if not text:  # all of it was markup: better the line as written than no title
        text = " ".join(raw.split()).strip("# ")
    return CleanTitle(text, time, named, tuple(labels))


# ----------------------------------------------------------------------------------------
# 1. Markup
# ----------------------------------------------------------------------------------------

_HEADING = re.compile(r"^\s*#{1,6}(?:\s+|$)|\s+#+\s*$")
_BULLET = re.compile(r"^\s*(?:>\s*)*(?:[-*+・•◆■●▶►]|\d{1,2}[.)])\s+")
_SETEXT_OR_RULE = re.compile(r"^[=\-]{3,}$")
# HTML inline tags by name: "<u>", "</strong>", "<br/>"; "<UserCard … />" is not HTML.
_HTML_TAG = re.compile(
    r"</?(?:u|b|i|s|em|strong|span|mark|small|big|sup|sub|font|a|br|del|ins|code|kbd|abbr"
    r"|cite|q|tt|strike|center|div|p|h[1-6])(?:\s[^<>]*)?/?>"
)
_TEMPLATE_LINK = re.compile(r"\{%-?\s*[\w-]+\s+(.*?)\s*-?%\}")
_TEMPLATE_OPEN_START = re.compile(r"^\{%-?\s*[\w-]+\s+(?!.*%\})")
_TEMPLATE_OPEN_END = re.compile(r"\s*\{%(?!.*%\}).*$")
_TEMPLATE_OTHER = re.compile(r"\{\{[<%].*?[>%]\}\}")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_URL = re.compile(r"https?://\S+")
_WRAPPED = re.compile(r"^(\*\*|__|\*|_|~~|`)(.+)\1$")


def _link_text(text: str) -> str:
    """A link's text in a title; "[slides](…)" beside the title is not part of it."""
    return "" if slides.is_slide_label(text) else text


_LONGEST_TITLE = 600


def _unmark(raw: str) -> str:
    text = _HEADING.sub("", " ".join(raw.split())).strip()
    text = _BULLET.sub("", text)
    if _SETEXT_OR_RULE.match(text):
        return ""
    # Each kind of markup only when its opening character is there: most lines have none.
    if "<" in text:
        text = _HTML_TAG.sub("", text)
    if "{" in text:
        text = _TEMPLATE_LINK.sub(lambda m: _link_text(_URL.sub(" ", m.group(1))), text)
        text = _TEMPLATE_OTHER.sub(" ", text)
        # A tag cut by a line wrap: an opener at the start leaves its text; one at the
        # end holds what continues on the next line, not the title.
        text = _TEMPLATE_OPEN_END.sub("", _TEMPLATE_OPEN_START.sub("", text))
    if "[" in text:
        text = _IMAGE.sub(" ", text)
        text = _MD_LINK.sub(lambda m: _link_text(m.group(1)), text)
    if "*" in text or "_" in text or "~" in text or "`" in text:
        text = " ".join(text.replace("**", "").replace("__", "").split())
        for _ in range(2):
            if match := _WRAPPED.match(text):
                text = match.group(2).strip()
    return " ".join(text.split())


# ----------------------------------------------------------------------------------------
# 2. Time slot
# ----------------------------------------------------------------------------------------

# At the start of a title: "19:35", "19:35-20:00", "19:30 ~ 20:00", "[19:35〜]", "19時35分".
_TIME = re.compile(
    r"^\s*[\[(（【]?\s*(?P<h>[0-2]?\d)\s*(?:[:：]|時)\s*(?P<m>[0-5]\d)分?"
    r"(?:\s*[-–—~〜～]\s*(?:[0-2]?\d\s*(?:[:：]|時)\s*[0-5]\d分?)?)?\s*[\])）】]?"
    r"(?:\s*[-–—|｜:：]\s*|\s+|(?=[^\d])|$)"
)


def split_time(title: str) -> tuple[str | None, str]:
    """("HH:MM" or None, the title without its time slot)."""
    match = _TIME.match(title)
    if not match or int(match.group("h")) > 23:
        return None, title
    return f"{int(match.group('h')):02d}:{match.group('m')}", title[match.end() :].strip()


# ----------------------------------------------------------------------------------------
# 3. Decoration
# ----------------------------------------------------------------------------------------

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
_DURATION = re.compile(r"^\d{1,3}\s*(?:分|min|mins|minutes?|m)$", re.IGNORECASE)
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


def _take_decoration(text: str, labels: list[str]) -> str:
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
    if not match or _is_label_word(match.group("label")):
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
    if not (_is_label_word(inner) or _SESSION_CODE.match(inner + ":")):
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
    if (tail := _DASH_TAIL.search(text)) and tail.start() > 0 and _is_label_word(tail.group(1)):
        labels.append(tail.group(1).strip())
        return text[: tail.start()]
    match = _TRAILING.search(text)
    if not match or match.start() == 0:
        return None
    inner = (match.group("a") or match.group("b") or "").strip()
    if not (_is_label_word(inner) or _DURATION.match(inner) or _FROM.match(inner)):
        return None
    labels.append(inner)
    return text[: match.start()]


_FROM = re.compile(r"^from\s+\S.{0,30}$", re.IGNORECASE)
_HASHTAG = re.compile(r"\s+[#＃](?P<tag>[A-Za-z][\w\-]*)$")
_DASH_TAIL = re.compile(r"\s+[-–—|｜/]\s*([^-–—|｜/]{1,30})$")


def _is_label_word(text: str) -> bool:
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


def _tidy(text: str) -> str:
    text = " ".join(text.split()).strip(" :：|｜").lstrip("-–— ")
    # "Go's Next Frontier." loses its full stop; "Measure...?" and "Inc." keep theirs.
    if text.endswith(".") and not text.endswith("..") and not _ABBREVIATION.search(text):
        text = text[:-1].rstrip()
    return text


# ----------------------------------------------------------------------------------------
# 4. Speakers written into the title
# ----------------------------------------------------------------------------------------

Shape = Callable[[str], "tuple[str, tuple[Speaker, ...]] | None"]


def _take_speakers(text: str, labels: list[str]) -> tuple[str, tuple[Speaker, ...]]:
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


def _colon_person(text: str) -> tuple[str, tuple[Speaker, ...]] | None:
    """ "Title : Speaker", an LT list's shape: a colon with space around it, a person after."""
    match = re.match(r"^(?P<title>.+?)\s+[:：]\s+(?P<who>[^:：]{1,60})$", text)
    if not match:
        return None
    speaker = _person(match.group("who"), strict=True)
    return None if speaker is None else (match.group("title"), speaker)


def _dash_person(text: str) -> tuple[str, tuple[Speaker, ...]] | None:
    """ "Title - Jane Doe", "Title — 山田 太郎さん": only a tail that is a person."""
    match = re.match(r"^(?P<title>.+?)\s+[-–—―]+\s+(?P<who>[^-–—―]{1,60})$", text)
    if not match:
        return None
    speaker = _person(match.group("who"), strict=True)
    return None if speaker is None else (match.group("title"), speaker)


def _name_keynote(text: str) -> tuple[str, tuple[Speaker, ...]] | None:
    """ "Matz Keynote": the title stays, the name before "Keynote" is the speaker."""
    match = re.match(
        r"^(?P<who>[A-Z][a-z]{2,}|[^\s]{2,8})\s+(?:keynote|キーノート|基調講演)$", text, re.I
    )
    if not match or _is_common_word(match.group("who")) or _is_label_word(match.group("who")):
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
    if folded in vocabulary.words("title_parens") or _is_label_word(text) or _DURATION.match(text):
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
