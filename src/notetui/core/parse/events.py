"""What a note says about its event: from front matter, a metadata table or
`key: value` lines near the top, and the note's title."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from notetui.core.load.front_matter import Metadata, first_text, text_list
from notetui.core.models import EventInfo
from notetui.core.parse.event_dates import parse_date
from notetui.core.parse.event_names import clean_event_title
from notetui.core.parse.event_when import choose_event_day, date_in_path, header_date
from notetui.core.text import fold

__all__ = [
    "EventFields",
    "build_event_info",
    "event_url_in",
    "fields_from_rows",
    "key_value_rows",
    "parse_date",
]

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
_POST_DATE_KEYS = (
    "date",
    "published_at",
    "published",
    "pubdate",
    "pub_date",
    "posted",
    "created",
    "created_at",
)
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


@dataclass
class EventFields:
    """Event facts found in a note's body, before they are weighed against the metadata."""

    title: str | None = None
    date: str | None = None
    venue: str | None = None
    url: str | None = None
    loose_dates: list[str] = field(default_factory=list)
    date_rows: list[str] = field(default_factory=list)  # values of rows labelled as dates


def fields_from_rows(rows: Sequence[tuple[str, str]]) -> EventFields:
    """Facts from labelled rows: a Markdown table's cells or "key: value" lines."""
    found = EventFields()
    for label, value in rows:
        kind = _ROW_FIELDS.get(fold(label).strip(" *_:："))
        value = value.strip()
        if not kind or not value:
            continue
        if kind == "date":
            found.date_rows.append(value)
            found.date = found.date or parse_date(value)
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
    lines: Sequence[str] = (),
    path: str = "",
    front_lines: Sequence[str] = (),
) -> EventInfo:
    """Weigh front matter against what the body says.

    An explicit event date (an `event_date` key, a `日時` row, a date the text gives
    for the event) beats the front matter's `date`, which is the day the post was
    written; see `event_when` for the order. `lines` is the note's body (the more of
    it, the better the date), `path` its path (a dated file name is a post date),
    `front_lines` its front matter as written (see `_episode_kept`).
    """
    raw_title = (
        first_text(metadata, *_TITLE_KEYS)
        or first_text(metadata, *_POST_TITLE_KEYS)
        or body_fields.title
        or heading_title
    )
    raw_title = _episode_kept(raw_title, front_lines)
    title = clean_event_title(raw_title) if raw_title else None
    explicit = first_text(metadata, *_EVENT_DATE_KEYS)
    date = parse_date(explicit) if explicit else None
    date_is_explicit = date is not None
    if date is None:
        post = first_text(metadata, *_POST_DATE_KEYS)
        post_date = parse_date(post) if post else None
        post_date = post_date or _iso(date_in_path(path) or header_date(lines or ()))
        description = first_text(metadata, "description", "summary", "excerpt")
        day = choose_event_day(
            lines=[*([description] if description else []), *(lines or ())],
            title=raw_title,
            rows=[("date", value) for value in body_fields.date_rows],
            post_date=dt.date.fromisoformat(post_date) if post_date else None,
            name=title,
        )
        if day is not None:
            date, date_is_explicit = day.date.isoformat(), day.explicit
        elif body_fields.date:
            date, date_is_explicit = body_fields.date, True
        elif body_fields.loose_dates:  # the last resort: a date near the top
            date = body_fields.loose_dates[0]
    tags = text_list(metadata, *_TAG_KEYS) or text_list(metadata, "categories", "category")
    return EventInfo(
        title=title,
        raw_title=" ".join(raw_title.split()) if raw_title else None,
        date=date,
        date_is_explicit=date_is_explicit,
        venue=first_text(metadata, *_VENUE_KEYS) or body_fields.venue,
        url=_event_url(metadata) or body_fields.url,
        tags=tuple(dict.fromkeys(t.lstrip("#＃") for t in tags if t.lstrip("#＃"))),
        author=first_text(metadata, *_AUTHOR_KEYS) or author_hint,
    )


# YAML reads `title: Nagoya TypeScript Meetup #9` as the title and a comment "9";
# a comment that is a bare number is the title's episode, as its writer meant.
_EPISODE_COMMENT = re.compile(r"^(?P<kept>\s+#\s?\d{1,4})(?:\s|$)")


def _episode_kept(title: str | None, front_lines: Sequence[str]) -> str | None:
    if not title:
        return title
    for line in front_lines:
        key, _, value = line.partition(":")
        if key.strip() not in (*_TITLE_KEYS, *_POST_TITLE_KEYS) or not value:
            continue
        value = value.strip()
        if value.startswith(title):
            comment = _EPISODE_COMMENT.match(value[len(title) :])
            if comment:
                return title + comment["kept"]
    return title


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _event_url(metadata: Metadata) -> str | None:
    url = first_text(metadata, *_URL_KEYS)
    return url if url and url.startswith(("http://", "https://")) else None


def _strip_markdown(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    return re.sub(r"[*_`]", "", text).strip()
