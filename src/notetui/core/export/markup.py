"""The small pieces of Markdown the export writes around the notes' own text: one-line
values, escaped inline text, links, speaker lines, authors' labels and callouts."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import ParamSpec

from notetui.core.annotations.anchoring import Placement
from notetui.core.annotations.store import normalize_tag
from notetui.core.models import Source, Speaker
from notetui.core.text import fold, strip_unsafe

P = ParamSpec("P")

_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


# Characters `clean` removed from the document being written: see `counting_removals`.
_REMOVED: ContextVar[list[int] | None] = ContextVar("notetui_export_removed", default=None)


@contextmanager
def counting_removals() -> Iterator[None]:
    """Count what `clean` removes while one document is written."""
    token = _REMOVED.set([0])
    try:
        yield
    finally:
        _REMOVED.reset(token)


def counted(render: Callable[P, str]) -> Callable[P, str]:
    """`render` writes one document: count what `clean` removes from it."""

    @functools.wraps(render)
    def counting(*args: P.args, **kwargs: P.kwargs) -> str:
        with counting_removals():
            return render(*args, **kwargs)

    return counting


def removed_so_far() -> int:
    tally = _REMOVED.get()
    return tally[0] if tally is not None else 0


def clean(text: str) -> str:
    """`strip_unsafe`, counted for the document being written: note text is untrusted,
    and an export is opened in terminals and viewers that no note may drive."""
    cleaned, removed = strip_unsafe(text)
    tally = _REMOVED.get()
    if tally is not None:
        tally[0] += removed
    return cleaned


def one_line(text: str) -> str:
    """Note text made safe for one line: no control characters, no line breaks."""
    return _LINE_BREAKS.sub(" ", clean(text)).strip()


def opt_line(text: str | None) -> str | None:
    return one_line(text) if text else None


def heading_text(text: str) -> str:
    return " ".join(one_line(text).split()) or "Untitled"


_INLINE_SPECIAL = frozenset("\\`*[]<>|~")
_TAG_AFTER_HASH = re.compile(r"[\w/\-]*")


def inline(text: str) -> str:
    """Note text inside a line the export writes: what could make a link, emphasis,
    code, HTML or an Obsidian tag of it is escaped; `_` only where it could start or
    end emphasis (`tsubame_k` stays as it is), `#` only before a would-be tag (`#3`
    stays, `#shibuyago` does not)."""
    text = " ".join(one_line(text).split())
    out: list[str] = []
    for index, char in enumerate(text):
        if char in _INLINE_SPECIAL:
            out.append("\\" + char)
        elif char == "#":
            run = _TAG_AFTER_HASH.match(text, index + 1)
            tag = run.group(0) if run else ""
            out.append("\\#" if tag.strip("0123456789") else "#")
        elif char == "_":
            before = text[index - 1] if index else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            out.append("_" if before.isalnum() and after.isalnum() else "\\_")
        else:
            out.append(char)
    return "".join(out)


def link(text: str, file_name: str) -> str:
    return f"[{inline(text)}](<{file_name}>)"


def autolink(url: str) -> str:
    url = one_line(url)
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*", url):
        return f"<{url}>"
    return inline(url)


def speaker_line(speaker: Speaker) -> str:
    """`Name (@handle) ◆ Affiliation`: the shape notetui reads back as a speaker."""
    name = one_line(speaker.name)
    handle = one_line(speaker.handle) if speaker.handle else None
    text = f"@{handle}" if handle and handle == name else name
    if handle and handle != name:
        text += f" (@{handle})"
    if speaker.affiliation:
        text += f" ◆ {one_line(speaker.affiliation)}"
    return text


def speaker_data(speaker: Speaker) -> dict[str, str]:
    data = {"name": one_line(speaker.name)}
    if speaker.handle:
        data["handle"] = one_line(speaker.handle)
    if speaker.affiliation:
        data["affiliation"] = one_line(speaker.affiliation)
    return data


def unique_speakers(speakers: Iterable[Speaker]) -> list[dict[str, str]]:
    seen: set[str] = set()
    out: list[dict[str, str]] = []
    for speaker in speakers:
        key = fold(speaker.handle or speaker.name)
        if key not in seen:
            seen.add(key)
            out.append(speaker_data(speaker))
    return out


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


_TAG_JUNK = re.compile(r"[^\w/\-]+")


def obsidian_tag(raw: str) -> str:
    """A tag as Obsidian takes it: no `#`, no spaces, letters, digits, `_`, `-`, `/`."""
    tag = _TAG_JUNK.sub("-", normalize_tag(one_line(raw)))
    return re.sub(r"-{2,}", "-", tag).strip("-/")


def label_of(source: Source) -> str:
    return one_line(source.label) or source.note_name


def labels_of(sources: Sequence[Source]) -> list[str]:
    """Each source's author, told apart by its note when one author wrote two notes."""
    labels = [label_of(s) for s in sources]
    notes_of: dict[str, set[str]] = {}
    for label, source in zip(labels, sources, strict=True):
        notes_of.setdefault(label, set()).add(source.note)
    return [
        f"{label} ({one_line(source.note)})" if len(notes_of[label]) > 1 else label
        for label, source in zip(labels, sources, strict=True)
    ]


def _quote_lines(text: str, prefix: str = "> ") -> list[str]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    return [prefix + line if line.strip() else prefix.rstrip() for line in lines]


def callout(placement: Placement, *, quote: bool = False) -> str:
    annotation = placement.annotation
    title = annotation.created[:10]
    if annotation.updated[:10] != title:
        title += f" (edited {annotation.updated[:10]})"
    lines = [f"> [!note] {one_line(title)}"]
    if quote and annotation.anchor is not None and annotation.anchor.quote.strip():
        lines += _quote_lines(clean(annotation.anchor.quote), "> > ")
        lines.append(">")
    lines += _quote_lines(clean(annotation.text) or " ")
    return "\n".join(lines)


def orphan_callout(placement: Placement) -> str:
    annotation = placement.annotation
    where = annotation.title or annotation.target_id
    title = f"{annotation.created[:10]} · was on “{one_line(where)}”"
    if annotation.event_title and annotation.event_title != annotation.title:
        title += f" ({one_line(annotation.event_title)})"
    lines = [f"> [!warning] {title}"]
    if annotation.anchor is not None and annotation.anchor.quote.strip():
        lines += _quote_lines(clean(annotation.anchor.quote), "> > ")
        lines.append(">")
    lines += _quote_lines(clean(annotation.text) or " ")
    return "\n".join(lines)


def by_created(placement: Placement) -> tuple[str, str]:
    return placement.annotation.created, placement.annotation.uid


@dataclass
class Spots:
    """Callouts waiting for their place in one source's text."""

    before: list[str] = field(default_factory=list)  # above its first line
    after_line: dict[int, list[str]] = field(default_factory=dict)  # file line -> callouts
