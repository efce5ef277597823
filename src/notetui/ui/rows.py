"""What the reader shows, computed from the core: rows of points with their marks.

No Textual here, so it is cheap to test and to compute in a worker.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from notetui.core.models import Event, Source, Talk
from notetui.core.points.points import (
    DEFAULT_POINT_THRESHOLD,
    Alignment,
    Point,
    PointKind,
    PointRef,
    align_points,
    merged_outline,
    parse_points,
)


@dataclass(frozen=True, slots=True)
class Row:
    """One point as a view shows it."""

    kind: PointKind
    text: str
    depth: int = 0
    marks: tuple[int, ...] = ()  # the sources that noted it; () when not compared
    line: int | None = None  # its line in the note file
    ordered: str | None = None
    level: int = 0  # heading level
    annotations: int = 0
    note: str | None = None  # the note it comes from (the merged view mixes notes)
    # The merged view: how deep in the merged outline (each point under a parent of
    # its own author), drawn as indentation; `depth` is then the list nesting alone.
    outline: int = 0
    remarks: tuple[str, ...] = ()  # the text of passage annotations on it, newest first


@dataclass(frozen=True)
class SourceRows:
    label: str
    detail: str
    note: str
    rows: list[Row]


@dataclass(frozen=True)
class TalkRows:
    columns: list[SourceRows]
    merged: list[Row]
    alignment: Alignment


def source_label(source: Source) -> str:
    return source.author or source.note_name


def source_detail(source: Source) -> str:
    event = source.event_title or "event not named"
    return event if source.author is None else f"{event} · {source.note_name}"


def talk_rows(talk: Talk, threshold: float = DEFAULT_POINT_THRESHOLD) -> TalkRows:
    points = [parse_points(source.section) for source in talk.sources]
    alignment = align_points(points, threshold)
    columns = []
    for index, source in enumerate(talk.sources):
        rows = []
        for point in points[index]:
            ref = PointRef(index, point.index)
            marks = tuple(alignment.sources_of(ref)) if point.matchable else ()
            rows.append(
                Row(
                    point.kind,
                    point.text,
                    point.depth,
                    marks,
                    point.line,
                    point.ordered,
                    point.level,
                    note=source.note,
                )
            )
        columns.append(SourceRows(source_label(source), source_detail(source), source.note, rows))
    merged = merged_rows(alignment, talk, points)
    return TalkRows(columns, merged, alignment)


def merged_rows(alignment: Alignment, talk: Talk, points: Sequence[Sequence[Point]]) -> list[Row]:
    """The merged outline as rows: every point once, marked with every author who
    made it (one letter for a point only one author made), nested as the outline
    nests it, so a point stays under a parent from its own author."""
    outline = merged_outline(alignment)
    nesting: list[int] = []  # per outline point: list items above it below a heading
    rows = []
    for item in outline:
        parent = outline[item.parent] if item.parent is not None else None
        above = nesting[item.parent] if item.parent is not None else -1
        depth = above + 1 if parent is not None and parent.kind is PointKind.BULLET else 0
        nesting.append(depth)
        point = points[item.lead.source][item.lead.point]
        rows.append(
            Row(
                item.kind,
                item.text,
                depth,
                item.sources,
                point.line,
                item.ordered,
                item.level,
                note=talk.sources[item.lead.source].note,
                outline=item.depth,
            )
        )
    return rows


def event_rows(event: Event) -> list[SourceRows]:
    """One column per note: that note's non-talk sections, each under its title."""
    by_note: dict[str, list[Source]] = {}
    for source in event.sections:
        by_note.setdefault(source.note, []).append(source)
    columns = []
    for note, sources in by_note.items():
        rows: list[Row] = []
        for source in sources:
            section = source.section
            title = f"{section.title}  ({section.kind.value})"
            rows.append(Row(PointKind.HEADING, title, line=section.line, level=2, note=note))
            for point in parse_points(section):
                rows.append(
                    Row(
                        point.kind,
                        point.text,
                        point.depth,
                        (),
                        point.line,
                        point.ordered,
                        point.level + 1 if point.level else 0,
                        note=note,
                    )
                )
        first = sources[0]
        columns.append(SourceRows(source_label(first), source_detail(first), note, rows))
    return columns


class RowsCache:
    """Each talk's rows, computed once per library (points parsed and aligned).

    `get` computes on the UI thread when it must; `prefetch` runs in a worker thread
    ahead of the reader (the talks next to the one shown). Both may compute the same
    talk at once; the results are equal, and the first stored stays.
    """

    def __init__(self, threshold: float = DEFAULT_POINT_THRESHOLD) -> None:
        self.threshold = threshold
        self._rows: dict[str, TalkRows] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()

    def cached(self, talk_id: str) -> TalkRows | None:
        return self._rows.get(talk_id)

    def get(self, talk: Talk) -> TalkRows:
        rows = self._rows.get(talk.id)
        if rows is None:
            rows = self._store(talk.id, talk_rows(talk, self.threshold))
        return rows

    def prefetch(self, talks: Sequence[Talk], cancelled: Callable[[], bool]) -> None:
        for talk in talks:
            if cancelled():
                return
            if talk.id not in self._rows:
                self._store(talk.id, talk_rows(talk, self.threshold))

    def _store(self, talk_id: str, rows: TalkRows) -> TalkRows:
        with self._lock:
            return self._rows.setdefault(talk_id, rows)
