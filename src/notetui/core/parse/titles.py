"""Title cleaning: a talk's title as its note writes it, without what surrounds it.

`clean_title(raw)` takes a raw heading or line and gives the title, its time slot, the
speakers written into it and the labels taken off. It runs a fixed order of small steps:

1. markup off (here): heading marks, bullets, HTML tags (`<u>`), template tags,
   Markdown links, emphasis;
2. the time slot (here): "19:00-19:30", "[19:35〜]";
3. decoration (title_decoration.py), repeated until nothing changes: session codes and
   rooms ("B2 (S):", "rubykaigiA", "Room A"), labels ("LT:", "LT1", "基調講演：",
   "(Keynote)", "(30min)", "(from Go Team)", `vocab/talk_labels.txt`), wrapping quotes
   「」『』"";
4. a speaker written into the title (title_speakers.py), in one of the common shapes:
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
from dataclasses import dataclass
from functools import lru_cache

from notetui.core.models import Speaker
from notetui.core.parse import slides
from notetui.core.parse.speakers import parse_speaker_line
from notetui.core.parse.title_decoration import take_decoration, tidy
from notetui.core.parse.title_speakers import take_speakers


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
        text = take_decoration(text, labels)
        if not named:
            text, named = take_speakers(text, labels)
        if time is None:
            time, text = split_time(text)
        if text == before:
            break
    text = tidy(text)
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
