"""What a note says about its event: from front matter, a metadata table or
`key: value` lines near the top, and the note's title."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from notetui.core.load.front_matter import Metadata, first_text, text_list
from notetui.core.models import EventInfo
from notetui.core.parse.sections import clean_event_title
from notetui.core.text import fold

_TITLE_KEYS = (
    "event",
    "event_title",
    "event_name",
    "meetup",
    "conference",
    "event.title",
    "event.name",
)
_POST_TITLE_KEYS = ("title", "name", "subject")
_EVENT_DATE_KEYS = (
    "event_date",
    "held_on",
    "held_at",
    "開催日",
    "開催日時",
    "日時",
    "event.date",
    "event.start",
    "start_date",
)
_POST_DATE_KEYS = ("date", "published", "pubdate", "created", "created_at")
_VENUE_KEYS = (
    "venue",
    "place",
    "location",
    "会場",
    "場所",
    "where",
    "event.venue",
    "event.place",
    "event.location",
)
_URL_KEYS = (
    "event_url",
    "url",
    "link",
    "connpass",
    "doorkeeper",
    "event.url",
    "event_page",
    "website",
)
_AUTHOR_KEYS = ("author", "authors", "by", "writer", "著者", "筆者", "blog", "site", "site_name")
_TAG_KEYS = ("tags", "keywords", "topics", "tag")

# Labels of rows in an event table or of "key: value" lines, folded.
_ROW_FIELDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "日時",
            "日程",
            "開催日",
            "開催日時",
            "日付",
            "date",
            "when",
            "開催",
            "日にち",
            "time",
            "datetime",
        ),
        "date",
    ),
    **dict.fromkeys(("会場", "場所", "venue", "place", "location", "where", "開催場所"), "venue"),
    **dict.fromkeys(
        (
            "url",
            "イベントページ",
            "イベント",
            "event",
            "event page",
            "connpass",
            "link",
            "リンク",
            "募集ページ",
            "イベントurl",
            "ページ",
        ),
        "url",
    ),
    **dict.fromkeys(("イベント名", "event name", "名前", "タイトル", "title"), "title"),
}
_EVENT_HOSTS = re.compile(
    r"https?://(?:[\w-]+\.)*(?:connpass\.com|doorkeeper\.jp|meetup\.com|peatix\.com|techplay\.jp"
    r"|eventbrite\.[a-z.]+|lu\.ma|atnd\.org|zusaar\.com|compass\.\w+|eventregist\.com)/\S*",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s<>\"'|)\]（）]+")
_MD_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]+)>?[^)]*\)")

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_DATE_PATTERNS = (
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})"),
    re.compile(
        r"(?P<mn>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<d>\d{1,2})"
        r"(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mn>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
        r"[a-z]*\.?,?\s+(?P<y>(?:19|20)\d{2})",
        re.IGNORECASE,
    ),
)


def parse_date(text: str) -> str | None:
    """The first calendar date in `text` as ISO "YYYY-MM-DD", or None."""
    folded = fold(text)
    for pattern in _DATE_PATTERNS:
        match = pattern.search(folded)
        if not match:
            continue
        groups = match.groupdict()
        month = int(groups["m"]) if groups.get("m") else _MONTHS[groups["mn"][:3].lower()]
        try:
            return dt.date(int(groups["y"]), month, int(groups["d"])).isoformat()
        except ValueError:
            continue
    return None


@dataclass
class EventFields:
    """Event facts found in a note's body, before they are weighed against the metadata."""

    title: str | None = None
    date: str | None = None
    venue: str | None = None
    url: str | None = None
    loose_dates: list[str] = field(default_factory=list)


def fields_from_rows(rows: Sequence[tuple[str, str]]) -> EventFields:
    """Facts from labelled rows: a Markdown table's cells or "key: value" lines."""
    found = EventFields()
    for label, value in rows:
        kind = _ROW_FIELDS.get(fold(label).strip(" *_:："))
        value = value.strip()
        if not kind or not value:
            continue
        if kind == "date" and found.date is None:
            found.date = parse_date(value)
        elif kind == "venue" and found.venue is None:
            found.venue = _strip_markdown(value)[:120]
        elif kind == "url" and found.url is None:
            link = _MD_LINK.search(value)
            url = link.group(2) if link else (m.group(0) if (m := _URL.search(value)) else None)
            found.url = url
        elif kind == "title" and found.title is None:
            found.title = _strip_markdown(value)
    return found


_KEY_VALUE = re.compile(r"^\s*(?:[-*・]\s*)?(?:\*\*)?([^:：|]{1,20}?)(?:\*\*)?\s*[:：]\s*(.+)$")


def key_value_rows(lines: Sequence[str]) -> list[tuple[str, str]]:
    rows = []
    for line in lines:
        if len(line) > 300:
            continue
        match = _KEY_VALUE.match(line)
        if match and not match.group(1).strip().lower().startswith("http"):
            rows.append((match.group(1), match.group(2)))
    return rows


def event_url_in(lines: Sequence[str]) -> str | None:
    for line in lines:
        if len(line) < 500 and (match := _EVENT_HOSTS.search(line)):
            return match.group(0).rstrip(".,)）]>")
    return None


def build_event_info(
    metadata: Metadata,
    body_fields: EventFields,
    *,
    heading_title: str | None,
    author_hint: str | None = None,
) -> EventInfo:
    """Weigh front matter against what the body says.

    An explicit event date (a `日時` row, an `event_date` key) beats the front
    matter's `date`, which is often the day the post was written.
    """
    raw_title = (
        first_text(metadata, *_TITLE_KEYS)
        or first_text(metadata, *_POST_TITLE_KEYS)
        or body_fields.title
        or heading_title
    )
    explicit = first_text(metadata, *_EVENT_DATE_KEYS)
    date = parse_date(explicit) if explicit else None
    date = date or body_fields.date
    date_is_explicit = date is not None
    if date is None:
        post_date = first_text(metadata, *_POST_DATE_KEYS)
        date = parse_date(post_date) if post_date else None
    if date is None and body_fields.loose_dates:
        date = body_fields.loose_dates[0]
    if date is None and raw_title:
        date = parse_date(raw_title)
    tags = text_list(metadata, *_TAG_KEYS) or text_list(metadata, "categories", "category")
    return EventInfo(
        title=clean_event_title(raw_title) if raw_title else None,
        raw_title=" ".join(raw_title.split()) if raw_title else None,
        date=date,
        date_is_explicit=date_is_explicit,
        venue=first_text(metadata, *_VENUE_KEYS) or body_fields.venue,
        url=_event_url(metadata) or body_fields.url,
        tags=tuple(dict.fromkeys(t.lstrip("#＃") for t in tags if t.lstrip("#＃"))),
        author=first_text(metadata, *_AUTHOR_KEYS) or author_hint,
    )


def _event_url(metadata: Metadata) -> str | None:
    url = first_text(metadata, *_URL_KEYS)
    return url if url and url.startswith(("http://", "https://")) else None


def _strip_markdown(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    return re.sub(r"[*_`]", "", text).strip()
