"""What the store keeps, as values: annotations, their anchors and tag sets.

Two directions, both strict: what callers pass in is checked before any file work
(TypeError / ValueError), and what is read from the file is checked record by
record (ValueError naming the problem, which the store turns into one line).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "ANNOTATION_TARGETS",
    "TAG_TARGETS",
    "Anchor",
    "Annotation",
    "TagSet",
    "annotation_from",
    "folder_key",
    "normalize_tag",
    "tagset_from",
]

ANNOTATION_TARGETS = ("talk", "event", "passage")
TAG_TARGETS = ("talk", "event")

_MISSING: Any = object()


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a passage annotation hangs, Hypothesis-style: enough to re-find it after edits."""

    note: str  # note path relative to the library root, POSIX (surrogateescape'd if not UTF-8)
    line: int  # 1-based line in that file when it was made
    quote: str  # the exact quoted text
    prefix: str = ""  # up to ~64 chars of text before the quote
    suffix: str = ""  # up to ~64 chars after


@dataclass(frozen=True, slots=True)
class Annotation:
    uid: str
    target: str  # "talk" | "event" | "passage"
    target_id: str  # id of the talk or event (a passage's talk or event)
    text: str  # free Markdown, multi-line
    created: str  # ISO 8601 UTC, e.g. "2026-11-23T09:12:09Z"
    updated: str
    title: str = ""  # the talk's/event's title when written (for re-attachment)
    titles: tuple[str, ...] = ()  # other titles it was known by
    event_title: str = ""
    event_date: str | None = None
    anchor: Anchor | None = None  # only for target == "passage"
    rev: int = 0  # bumped on every change of `text`: what an edit started from
    root: str | None = None  # the notes folder it was made in (`folder_key`); None: any


@dataclass(frozen=True, slots=True)
class TagSet:
    target: str  # "talk" | "event"
    target_id: str
    tags: tuple[str, ...]  # normalised, sorted, unique
    title: str = ""
    event_title: str = ""
    root: str | None = None  # as Annotation.root


_WHITESPACE = re.compile(r"\s+")


def normalize_tag(raw: str) -> str:
    """NFKC (so full-width = half-width), casefold, strip, leading '#' removed, runs of
    whitespace -> '-'. '' if nothing left."""
    # NFKC again after casefold: casefolding can produce non-NFKC sequences.
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", raw).casefold())
    text = text.strip().lstrip("#").strip()
    return _WHITESPACE.sub("-", text)


def folder_key(root: Path | str) -> str:
    """How a notes folder is recorded: absolute, symlinks resolved, normalised; a file
    name that is not UTF-8 stays in its surrogateescape form."""
    path = Path(root).expanduser()
    try:
        path = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: the plain absolute path will do
        path = path.absolute()
    return os.path.normpath(os.fspath(path))


# -- checking what callers pass in (TypeError / ValueError before any file work) ---------


def check_str(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{field} must be a str, not {type(value).__name__}")
    return str.__str__(value)  # a StrEnum member is stored as its plain value


def check_opt_str(value: object, field: str) -> str | None:
    return None if value is None else check_str(value, field)


def check_strs(values: Iterable[object], field: str, *, ordered: bool = True) -> list[str]:
    # A lone str would become a list of its letters; a set would be saved in a random order.
    if isinstance(values, str) or (ordered and not isinstance(values, Sequence)):
        raise TypeError(f"{field} must be a list or tuple of str, not {type(values).__name__}")
    return [check_str(value, f"{field}[{i}]") for i, value in enumerate(values)]


def check_id(value: object, field: str) -> str:
    text = check_str(value, field)
    if not text:
        raise ValueError(f"{field} must not be empty")
    return text


def check_choice(value: object, field: str, allowed: tuple[str, ...]) -> str:
    text = check_str(value, field)
    if text not in allowed:
        raise ValueError(f"{field} must be one of {', '.join(allowed)}, not {text!r}")
    return text


def anchor_record(anchor: object) -> dict[str, Any]:
    if not isinstance(anchor, Anchor):
        raise TypeError(f"anchor must be an Anchor, not {type(anchor).__name__}")
    if isinstance(anchor.line, bool) or not isinstance(anchor.line, int):
        raise TypeError(f"anchor.line must be an int, not {type(anchor.line).__name__}")
    return {
        "note": check_str(anchor.note, "anchor.note"),
        "line": int(anchor.line),
        "quote": check_str(anchor.quote, "anchor.quote"),
        "prefix": check_str(anchor.prefix, "anchor.prefix"),
        "suffix": check_str(anchor.suffix, "anchor.suffix"),
    }


def placement_fields(
    target: object,
    target_id: object,
    title: object,
    titles: Sequence[object],
    event_title: object,
    event_date: object,
    anchor: object,
) -> dict[str, Any]:
    """The record fields saying what an annotation is attached to."""
    target = check_choice(target, "target", ANNOTATION_TARGETS)
    if (target == "passage") != (anchor is not None):
        raise ValueError("a passage annotation needs an anchor; a talk or event one has none")
    return {
        "target": target,
        "target_id": check_id(target_id, "target_id"),
        "title": check_str(title, "title"),
        "titles": check_strs(titles, "titles"),
        "event_title": check_str(event_title, "event_title"),
        "event_date": check_opt_str(event_date, "event_date"),
        "anchor": None if anchor is None else anchor_record(anchor),
    }


def tag_input(tags: Iterable[object]) -> set[str]:
    normalized = {normalize_tag(tag) for tag in check_strs(tags, "tags", ordered=False)}
    normalized.discard("")
    return normalized


# -- reading records from the file (ValueError naming the problem) ------------------------


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


_WANTED = {"str": "text", "str?": "text or null", "int": "a whole number"}


def read_field(doc: Mapping[str, Any], key: str, want: str, default: Any = _MISSING) -> Any:
    """doc[key], checked against `want`: "str", "str?", "int" or "strs"."""
    value = doc.get(key, _MISSING)
    if value is _MISSING:
        if default is _MISSING:
            raise ValueError(f'has no "{key}"')
        return default
    if want == "str":
        ok = isinstance(value, str)
    elif want == "str?":
        ok = value is None or isinstance(value, str)
    elif want == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    if not ok:
        expected = _WANTED.get(want, "a list of text")
        raise ValueError(f'has "{key}" as {_json_type(value)}, not {expected}')
    return value


def _anchor_from(raw: Mapping[str, Any]) -> Anchor:
    get = raw.get
    note, line, quote = get("note"), get("line"), get("quote")
    prefix, suffix = get("prefix", ""), get("suffix", "")
    if (
        type(note) is str
        and type(line) is int
        and type(quote) is str
        and type(prefix) is str
        and type(suffix) is str
    ):
        return Anchor(note, line, quote, prefix, suffix)
    try:
        return Anchor(
            note=read_field(raw, "note", "str"),
            line=read_field(raw, "line", "int"),
            quote=read_field(raw, "quote", "str"),
            prefix=read_field(raw, "prefix", "str", ""),
            suffix=read_field(raw, "suffix", "str", ""),
        )
    except ValueError as error:
        raise ValueError(f"{error} in its anchor") from None


def annotation_from(doc: Mapping[str, Any]) -> Annotation:
    """The annotation a stored record holds; ValueError saying what is wrong with it.

    The first half is the common case, checked with plain type tests (this runs for
    every record on every open: 100,000 of them in a big store); anything unusual
    goes the slow way, which names the problem.
    """
    get = doc.get
    uid, target, target_id = get("uid"), get("target"), get("target_id")
    text, created, updated = get("text"), get("created"), get("updated")
    title, titles = get("title", ""), get("titles", ())
    event_title, event_date = get("event_title", ""), get("event_date")
    raw_anchor, rev, root = get("anchor"), get("rev", 0), get("root")
    if (
        type(uid) is str
        and uid
        and type(target_id) is str
        and type(text) is str
        and type(created) is str
        and type(updated) is str
        and type(title) is str
        and type(event_title) is str
        and (event_date is None or type(event_date) is str)
        and (root is None or type(root) is str)
        and type(rev) is int
        and (type(titles) is list or titles == ())
        and all(type(t) is str for t in titles)
    ):
        if target == "passage" and type(raw_anchor) is dict:
            anchor: Anchor | None = _anchor_from(raw_anchor)
        elif (target == "talk" or target == "event") and raw_anchor is None:
            anchor = None
        else:
            return _checked_annotation(doc)
        return Annotation(
            uid,
            target,
            target_id,
            text,
            created,
            updated,
            title,
            tuple(titles),
            event_title,
            event_date,
            anchor,
            rev,
            root,
        )
    return _checked_annotation(doc)


def _checked_annotation(doc: Mapping[str, Any]) -> Annotation:
    target = read_field(doc, "target", "str")
    if target not in ANNOTATION_TARGETS:
        raise ValueError(f'has "target" {json.dumps(target)}, not talk, event or passage')
    raw_anchor = doc.get("anchor")
    anchor = None
    if raw_anchor is not None:
        if not isinstance(raw_anchor, dict):
            raise ValueError(f'has "anchor" as {_json_type(raw_anchor)}, not an object')
        anchor = _anchor_from(raw_anchor)
    if (target == "passage") != (anchor is not None):
        raise ValueError(
            "is a passage annotation without an anchor"
            if anchor is None
            else f"is a {target} annotation with an anchor (only passages have one)"
        )
    uid = read_field(doc, "uid", "str")
    if not uid:
        raise ValueError('has an empty "uid"')
    return Annotation(
        uid=uid,
        target=target,
        target_id=read_field(doc, "target_id", "str"),
        text=read_field(doc, "text", "str"),
        created=read_field(doc, "created", "str"),
        updated=read_field(doc, "updated", "str"),
        title=read_field(doc, "title", "str", ""),
        titles=tuple(read_field(doc, "titles", "strs", [])),
        event_title=read_field(doc, "event_title", "str", ""),
        event_date=read_field(doc, "event_date", "str?", None),
        anchor=anchor,
        rev=read_field(doc, "rev", "int", 0),
        root=read_field(doc, "root", "str?", None),
    )


def tagset_from(doc: Mapping[str, Any]) -> TagSet:
    target = read_field(doc, "target", "str")
    if target not in TAG_TARGETS:
        raise ValueError(f'has "target" {json.dumps(target)}, not talk or event')
    target_id = read_field(doc, "target_id", "str")
    if not target_id:
        raise ValueError('has an empty "target_id"')
    tags = {normalize_tag(tag) for tag in read_field(doc, "tags", "strs")}  # hand edits, too
    tags.discard("")
    return TagSet(
        target=target,
        target_id=target_id,
        tags=tuple(sorted(tags)),
        title=read_field(doc, "title", "str", ""),
        event_title=read_field(doc, "event_title", "str", ""),
        root=read_field(doc, "root", "str?", None),
    )


def trash_from(doc: Mapping[str, Any]) -> Annotation:
    """A trash record: an annotation plus when it was deleted."""
    annotation = annotation_from(doc)
    read_field(doc, "deleted", "str")
    return annotation
