"""One note's text -> a `Note`: its event facts and its sections in order.

The format is detected from the content, not the file name: every corpus note
ends in `.txt` whatever it holds. A note with heading structure is split by its
headings; anything else goes to the plain-text splitter.
"""

from __future__ import annotations

from collections.abc import Sequence

from notetui.core.load.files import NoteText
from notetui.core.load.front_matter import Metadata
from notetui.core.models import Note
from notetui.core.parse.events import (
    EventFields,
    build_event_info,
    event_url_in,
    fields_from_rows,
    key_value_rows,
    parse_date,
)
from notetui.core.parse.markdown import split_markdown
from notetui.core.parse.plain import split_text

# How far into a note's opening lines event facts ("日時: …") are looked for.
_PREAMBLE_LINES = 40


def split_note(note: NoteText, rel_path: str, known_titles: Sequence[str] = ()) -> Note:
    structure = split_markdown(note.body, note.body_line)
    if structure is not None:
        preamble = structure.preamble[:_PREAMBLE_LINES]
        fields = _body_fields(preamble, structure.table_rows)
        heading_title, blog, sections, fmt = structure.title, None, structure.sections, "markdown"
    else:
        text = split_text(note.body, note.body_line, known_titles)
        preamble = text.preamble[:_PREAMBLE_LINES]
        fields = _body_fields(preamble, [])
        heading_title, blog, sections, fmt = text.title, text.blog, text.sections, "text"
    event = build_event_info(
        note.metadata,
        fields,
        heading_title=heading_title,
        author_hint=blog,
        lines=note.body.splitlines(),
        path=rel_path,
    )
    return Note(
        path=rel_path,
        format=fmt,
        encoding=note.encoding,
        event=event,
        sections=tuple(sections),
        metadata=_frozen(note.metadata),
    )


def _body_fields(preamble: list[str], table_rows: list[tuple[str, str]]) -> EventFields:
    fields = fields_from_rows([*table_rows, *key_value_rows(preamble)])
    fields.url = fields.url or event_url_in(preamble)
    fields.loose_dates = [d for line in preamble if len(line) < 200 and (d := parse_date(line))]
    return fields


def _frozen(metadata: Metadata) -> tuple[tuple[str, str | tuple[str, ...]], ...]:
    return tuple(
        (key, tuple(value) if isinstance(value, list) else value)
        for key, value in sorted(metadata.items())
    )
