"""Annotations as JSON, the way `annotations --json` and `annotate --json` print them.

JSON output keeps every character, escaping those a terminal would act on (C1
controls, bidi overrides, line separators), and writes note names that are not UTF-8
as `\\udcXX` escapes, which read back as the same surrogateescape'd name: faithful,
valid UTF-8, and safe to print.

A row is written by hand from a fixed template, each string escaped by the json
module's own C escaper: at 100,000 annotations, building a dict per row and walking
it with the generic encoder took most of the command's time. `row` (json.loads of
the same text) is what the other commands use, so there is one definition of a row.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from json.encoder import encode_basestring  # the C escaper, as json.dumps uses it
from typing import Any, BinaryIO

from notetui.core.annotations.anchoring import Placement
from notetui.core.annotations.records import Annotation
from notetui.core.models import Library

__all__ = ["AnnotationRows", "echo_json", "echo_json_lines"]

# Characters JSON may carry raw that a terminal acts on: C1 controls, DEL, bidi
# overrides and isolates, line and paragraph separators.
_TERMINAL_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CHUNK = 500  # rows escaped and encoded at once


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _json_bytes(text: str, *, escaped: bool = False) -> bytes:
    # Unsafe characters only ever appear inside JSON strings, where \uXXXX means them;
    # lone surrogates (names that are not UTF-8) become \udcXX the same way.
    if not escaped:
        text = _TERMINAL_UNSAFE.sub(_escape, text)
    return text.encode("utf-8", "backslashreplace")


def _stdout() -> BinaryIO:
    sys.stdout.flush()  # what click.echo wrote first stays first
    return sys.stdout.buffer


def echo_json(data: object) -> None:
    out = _stdout()
    out.write(_json_bytes(json.dumps(data, ensure_ascii=False, indent=2)) + b"\n")
    out.flush()


def echo_json_lines(lines: Iterable[str]) -> None:
    """A JSON list of items already encoded by `AnnotationRows.line` (terminal-safe),
    one per line, written as they come."""
    out = _stdout()
    chunk: list[str] = []
    first = True
    out.write(b"[")
    for line in lines:
        chunk.append(line)
        if len(chunk) == _CHUNK:
            text = ",\n  ".join(chunk)
            out.write((b"\n  " if first else b",\n  ") + _json_bytes(text, escaped=True))
            chunk, first = [], False
    if chunk:
        text = ",\n  ".join(chunk)
        out.write((b"\n  " if first else b",\n  ") + _json_bytes(text, escaped=True))
        first = False
    out.write(b"]\n" if first else b"\n]\n")
    out.flush()


def _safe(json_text: str) -> str:
    """JSON text with the characters a terminal acts on escaped. They are all
    unprintable, and `isprintable` says most text has none faster than the search."""
    if json_text.isprintable() or not _TERMINAL_UNSAFE.search(json_text):
        return json_text
    return _TERMINAL_UNSAFE.sub(_escape, json_text)


def _s(value: str | None) -> str:
    """A JSON string, terminal-safe."""
    return "null" if value is None else _safe(encode_basestring(value))


def _i(value: int | None) -> str:
    return "null" if value is None else str(int(value))


def _list(values: Sequence[str]) -> str:
    return "[" + ", ".join(map(_s, values)) + "]"


class AnnotationRows:
    """Rows of `annotations --json` for one library; what annotations on the same
    talk share is worked out once."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._targets: dict[tuple[object, ...], str] = {}
        self._stored_parts: dict[tuple[object, ...], str] = {}

    def row(self, annotation: Annotation, placement: Placement | None) -> dict[str, Any]:
        """One row as a dict; `placement` None for another folder's annotation."""
        data: dict[str, Any] = json.loads(self.line(annotation, placement))
        return data

    def _target(self, annotation: Annotation, placement: Placement | None) -> str:
        talk_id = placement.talk_id if placement is not None else None
        event_id = placement.event_id if placement is not None else None
        key = (talk_id, event_id, annotation.title, annotation.event_title, annotation.event_date)
        known = self._targets.get(key)
        if known is not None:
            return known
        talk = self.library.talk(talk_id) if talk_id else None
        event = (
            self.library.event_of(talk)
            if talk is not None
            else self.library.event(event_id)
            if event_id
            else None
        )
        if talk is not None:
            title = talk.title
        elif event is not None:
            title = event.title
        else:
            title = annotation.title
        known = self._targets[key] = (
            f'"talk_id": {_s(talk_id)}, '
            f'"event_id": {_s(event.id if event is not None else None)}, '
            f'"title": {_s(title)}, '
            f'"event": {_s(event.title if event is not None else annotation.event_title)}, '
            f'"date": {_s(event.date if event is not None else annotation.event_date)}'
        )
        return known

    def line(self, annotation: Annotation, placement: Placement | None) -> str:
        """One row as compact JSON text, terminal-safe (see the module docstring)."""
        e = encode_basestring  # each string escaped in C; None is the only other value
        anchor = annotation.anchor
        orphan = placement is not None and placement.orphan
        how = None if placement is None or orphan else placement.how
        # What is this row's own is made safe here; what rows share went through `_s`,
        # once (checking the whole row cost more than building it).
        own = _safe(
            f'{{"uid": {e(annotation.uid)}, "target": {e(annotation.target)}, '
            f'"text": {e(annotation.text)}, "created": {e(annotation.created)}, '
            f'"updated": {e(annotation.updated)}, "rev": {int(annotation.rev)}, '
        )
        if anchor is None:
            quote = "null"
            stored_anchor = '"note": null, "line": null, "prefix": null, "suffix": null'
        else:
            quote = _safe(e(anchor.quote))
            stored_anchor = _safe(
                f'"note": {e(anchor.note)}, "line": {int(anchor.line)}, '
                f'"prefix": {e(anchor.prefix)}, "suffix": {e(anchor.suffix)}'
            )
        if placement is None:
            here = '"here": false, "orphan": false, "attached_by": null'
            found = '"note": null, "line": null'
        else:
            here = (
                f'"here": true, "orphan": {"true" if orphan else "false"}, '
                f'"attached_by": {"null" if how is None else _s(how)}'
            )
            found = f'"note": {_s(placement.note)}, "line": {_i(placement.line)}'
        return (
            f'{own}"folder": {_s(annotation.root)}, {here}, '
            f"{self._target(annotation, placement)}, "
            f'"quote": {quote}, {found}, '
            f'"stored": {self._stored(annotation)}, {stored_anchor}}}}}'
        )

    def _stored(self, annotation: Annotation) -> str:
        """The start of the `stored` object: what annotations on one talk share."""
        key = (
            annotation.target_id,
            annotation.title,
            annotation.titles,
            annotation.event_title,
            annotation.event_date,
        )
        known = self._stored_parts.get(key)
        if known is None:
            known = self._stored_parts[key] = (
                f'{{"target_id": {_s(annotation.target_id)}, '
                f'"title": {_s(annotation.title)}, "titles": {_list(annotation.titles)}, '
                f'"event_title": {_s(annotation.event_title)}, '
                f'"event_date": {_s(annotation.event_date)}'
            )
        return known
