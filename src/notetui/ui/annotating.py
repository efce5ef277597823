"""What the reader shows of the user's own annotations and tags, built from the core."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from rich.style import Style
from rich.text import Text

from notetui.core.models import Event, Library, Source, Talk
from notetui.core.text import sanitize_line
from notetui.ui.palette import palette
from notetui.ui.rows import Row

if TYPE_CHECKING:  # the store and its matching load after the first paint
    from notetui.core.annotations.anchoring import Attachments, Placement
    from notetui.core.annotations.store import Anchor

SortKey = Literal["date", "talk", "tag"]
ActionKind = Literal["open", "attach", "delete", "edit", "undo"]


@dataclass(frozen=True, slots=True)
class AnnotationRow:
    """One annotation as the table shows it (built by the reader from `Attachments`)."""

    uid: str
    created: str  # ISO 8601
    updated: str  # ISO 8601
    target_title: str  # the talk or event title (for orphans: the one remembered)
    event_title: str
    target_id: str | None  # None for an orphan
    tags: tuple[str, ...]  # the target's tags
    text: str  # the annotation, Markdown
    orphan: bool
    note: str | None = None  # passages: the note and line the quote is at now
    line: int | None = None


@dataclass(frozen=True, slots=True)
class ListState:
    """How the list looked: to open it again as it was after an edit or a delete."""

    sort: SortKey = "date"
    reverse: bool = True
    query: str = ""
    uid: str | None = None  # the row under the cursor…
    row: int = 0  # …or, when that one is gone, its position


@dataclass(frozen=True, slots=True)
class AnnotationAction:
    """What the user chose: open the target, attach, delete or edit the annotation,
    or undo the last delete; `state` is how the list looked."""

    kind: ActionKind
    uid: str
    target_id: str | None = None
    state: ListState = field(default=ListState(), compare=False)  # context, not the choice


def passage_rows(
    rows: Sequence[Row], placements: Sequence[Placement], source: Source
) -> dict[int, list[Placement]]:
    """Which rows showing `source` carry which passage annotations: each on the row
    whose point starts nearest above its line (rows of other notes aside, for the
    merged list, which mixes notes in outline order)."""
    section = source.section
    found: dict[int, list[Placement]] = {}
    lines = [
        (r.line, i)
        for i, r in enumerate(rows)
        if r.line is not None
        and (r.note is None or r.note == source.note)
        and section.line <= r.line <= section.end_line
    ]
    for placement in placements:
        if placement.note != source.note or placement.line is None:
            continue
        if not section.line <= placement.line <= section.end_line:
            continue
        above = [(line, -i) for line, i in lines if line <= placement.line]
        if above:
            row = -max(above)[1]
            found.setdefault(row, []).append(placement)
    return found


def personal_text(placements: Sequence[Placement], tags: Sequence[str], *, limit: int = 3) -> Text:
    """Under the header: the tags, then the talk's own annotations, newest first."""
    text = Text()
    if tags:
        text.append("tags ", Style(dim=True))
        text.append(" ".join(f"#{sanitize_line(t)}" for t in tags), palette().style("tag"))
    own = sorted(
        (p for p in placements if p.annotation.anchor is None),
        key=lambda p: p.annotation.updated,
        reverse=True,
    )
    passages = sum(1 for p in placements if p.annotation.anchor is not None)
    for placement in own[:limit]:
        if text:
            text.append("\n")
        annotation = placement.annotation
        text.append("✎ ", palette().style("note"))
        text.append(annotation.updated[:10] + " ", Style(dim=True))
        first = sanitize_line(annotation.text.strip().split("\n", 1)[0])
        text.append(first[:160])
    extra = len(own) - limit
    if extra > 0 or passages:
        if text:
            text.append("\n")
        parts = []
        if extra > 0:
            parts.append(f"{extra} more")
        if passages:
            parts.append(f"{passages} on passages (✎, under their points)")
        text.append(" · ".join(parts), Style(dim=True))
    return text


def passage_anchor(source: Source, row: Row) -> Anchor | None:
    """An anchor for a point: its first line as the quote, found from its line on, with
    context from the note (the annotation service's, as the CLI's `--quote` uses)."""
    from notetui.core.annotations.service import AnnotationService

    if row.line is None or not row.text.strip():
        return None
    return AnnotationService.point_anchor(source, row.text, row.line)


def target_titles(library: Library, target_id: str) -> tuple[str, tuple[str, ...], str, str | None]:
    """(title, other titles, event title, event date) remembered with an annotation."""
    talk = library.talk(target_id)
    if talk is not None:
        event = library.event_of(talk)
        return talk.title, talk.aliases, event.title, event.date
    event_or_none = library.event(target_id)
    if event_or_none is None:
        return "", (), "", None
    return event_or_none.title, event_or_none.aliases, event_or_none.title, event_or_none.date


def visible_ids(library: Library, attachments: Attachments, wanted: Sequence[str]) -> set[str]:
    """Talks and events carrying every one of the wanted tags (an event's tags cover its talks)."""
    wanted_set = set(wanted)
    visible: set[str] = set()
    for event in library.events:
        event_tags = set(attachments.tags.get(event.id, ()))
        if wanted_set <= event_tags:
            visible.add(event.id)
            visible.update(t.id for t in event.talks)
            continue
        for talk in event.talks:
            if wanted_set <= event_tags | set(attachments.tags.get(talk.id, ())):
                visible.add(talk.id)
    return visible


def talk_markdown(talk: Talk, event: Event) -> str:
    """A talk as Markdown for the clipboard: header and every source's notes."""
    lines = [f"# {talk.title}", ""]
    if talk.speakers:
        names = ", ".join(
            s.name + (f" (@{s.handle})" if s.handle and s.handle != s.name else "")
            for s in talk.speakers
        )
        lines += [f"Speakers: {names}", ""]
    lines += [f"Event: {event.title}" + (f" ({event.date})" if event.date else ""), ""]
    for url in talk.slides:
        lines.append(f"Slides: <{url}>")
    for source in talk.sources:
        lines += ["", f"## {source.label}", "", source.section.body]
    return "\n".join(lines).rstrip() + "\n"


def annotation_rows(library: Library, attachments: Attachments) -> list[AnnotationRow]:
    """Every annotation, orphans included, as the "All annotations" screen lists them."""
    rows = []
    for placement in attachments.placements:
        annotation = placement.annotation
        target = placement.target_id
        title, event_title = annotation.title, annotation.event_title
        if target is not None:
            title, _, event_title, _ = target_titles(library, target)
        rows.append(
            AnnotationRow(
                uid=annotation.uid,
                created=annotation.created,
                updated=annotation.updated,
                target_title=title,
                event_title=event_title,
                target_id=target,
                tags=attachments.tags.get(target, ()) if target else (),
                text=annotation.text,
                orphan=placement.orphan,
                note=placement.note,
                line=placement.line,
            )
        )
    return rows
