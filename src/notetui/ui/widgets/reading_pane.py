"""The right of the reader: the loading pane, a talk, an event or the problems, one at
a time, and what is under the cursor in it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import ContentSwitcher, OptionList
from textual.worker import get_current_worker

from notetui.core.models import Event, Library, Problem, Source, Talk
from notetui.ui.annotating import passage_rows, personal_text, talk_markdown
from notetui.ui.rows import Row, RowsCache, event_rows
from notetui.ui.widgets.columns import SourcesPane
from notetui.ui.widgets.event_view import EventView
from notetui.ui.widgets.loader import LibraryLoader
from notetui.ui.widgets.point_view import PointView
from notetui.ui.widgets.problems_view import ProblemsView
from notetui.ui.widgets.talk_view import TalkView

if TYPE_CHECKING:
    from notetui.core.annotations.anchoring import Attachments, Placement
    from notetui.core.merge.merging import MergeSettings

_PREFETCH = 2  # talks on either side whose rows are computed ahead


def remarks(placements: list[Placement]) -> tuple[str, ...]:
    """The annotations' texts, newest first, as a point shows them."""
    newest = sorted(placements, key=lambda p: p.annotation.updated, reverse=True)
    return tuple(p.annotation.text for p in newest)


@dataclass(frozen=True)
class Place:
    """Where the reader was in a talk: to come back to it after a reload."""

    cursors: tuple[int, ...]
    active: int
    merged: bool


class ReadingPane(ContentSwitcher):
    def __init__(
        self,
        root: Path,
        db_path: Path,
        settings: MergeSettings | None,
        point_threshold: float | None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, initial="loading")
        self._loader = LibraryLoader(root, db_path, settings, id="loading")
        self.rows = RowsCache() if point_threshold is None else RowsCache(point_threshold)

    def compose(self) -> ComposeResult:
        yield self._loader
        yield TalkView(id="talk")
        yield EventView(id="event")
        yield ProblemsView(id="problems")

    @property
    def loader(self) -> LibraryLoader:
        return self._loader

    @property
    def talk_view(self) -> TalkView:
        return self.query_one(TalkView)

    @property
    def event_view(self) -> EventView:
        return self.query_one(EventView)

    @property
    def sources(self) -> SourcesPane:
        """The columns shown: the event's, or else the talk's."""
        view = self.event_view if self.current == "event" else self.talk_view
        return view.sources

    # --------------------------------------------------------------- showing

    def show_talk(self, library: Library, talk: Talk) -> None:
        """Show `talk`; its columns at once if its rows were computed ahead."""
        self.current = "talk"
        ready = self.rows.cached(talk.id) is not None
        rows = partial(self.rows.get, talk)
        self.talk_view.show_talk(talk, library.event_of(talk), rows, ready=ready)
        self._prefetch_rows(library, talk)

    def forget_rows(self) -> None:
        """A new library: every talk's rows are computed again."""
        self.rows.clear()

    # A description of its own: by default Textual writes one from repr(arguments),
    # and the repr of a library of 10,000 notes takes most of a minute.
    @work(thread=True, exclusive=True, group="rows", description="aligning the next talks")
    def _prefetch_rows(self, library: Library, talk: Talk) -> None:
        """Align the talks next to `talk` ahead, so n and p find them ready."""
        worker = get_current_worker()
        talks = library.talks
        here = next((i for i, t in enumerate(talks) if t.id == talk.id), 0)
        near = [talks[(here + step) % len(talks)] for step in range(1, _PREFETCH + 1)]
        near += [talks[(here - step) % len(talks)] for step in range(1, _PREFETCH + 1)]
        self.rows.prefetch(near, lambda: worker.is_cancelled)

    def show_event(self, event: Event) -> None:
        self.current = "event"
        self.event_view.show_event(event, event_rows(event))

    def show_problems(self, problems: tuple[Problem, ...]) -> None:
        self.current = "problems"
        self.query_one(ProblemsView).show_problems(problems)

    def show_personal(
        self,
        talk: Talk | None,
        target: str,
        attachments: Attachments,
        event: Event | None = None,
    ) -> None:
        """The user's tags and annotations on `target` (the talk, or else `event`)."""
        placements = attachments.for_target(target)
        tags = attachments.tags.get(target, ())
        view = self.talk_view if talk is not None else self.event_view
        view.header.show_personal(personal_text(placements, tags))
        if talk is not None:
            self.show_passage_marks(talk, attachments)
        elif event is not None and event.id == target:
            self._show_event_marks(event, placements)

    def _show_event_marks(self, event: Event, placements: list[Placement]) -> None:
        """An event's passage annotations under their points, in its notes' columns."""
        sources = self.event_view.sources
        for column, spec in zip(sources.point_views(), sources.specs, strict=False):
            found: dict[int, list[Placement]] = {}
            for source in event.sections:
                if source.note == spec.note:
                    for row, here in passage_rows(column.rows, placements, source).items():
                        found.setdefault(row, []).extend(here)
            column.set_annotations({row: remarks(here) for row, here in found.items()})
        sources.describe_current()

    def show_passage_marks(self, talk: Talk, attachments: Attachments) -> None:
        """Each passage annotation under its point (✎ in the gutter, its text below),
        in the columns and in the merged list."""
        view = self.talk_view
        if view.pending:
            return  # the columns still show the talk before: marked once filled
        placements = attachments.for_target(talk.id)
        for index, column in enumerate(view.sources.point_views()):
            if index < len(talk.sources):
                marks = passage_rows(column.rows, placements, talk.sources[index])
                column.set_annotations({row: remarks(found) for row, found in marks.items()})
        merged = view.sources.merged_view
        found_in_merged: dict[int, list[Placement]] = {}
        for source in talk.sources:
            for row, found in passage_rows(merged.rows, placements, source).items():
                found_in_merged.setdefault(row, []).extend(found)
        merged.set_annotations({row: remarks(found) for row, found in found_in_merged.items()})
        view.sources.describe_current()  # the status line shows the annotation too

    def copy(
        self, point: tuple[Source, Row] | None, talk: Talk | None, event: Event | None
    ) -> None:
        """Copy `point` as Markdown, or else the whole `talk` (of `event`)."""
        if point is not None:
            text, what = point[1].text, "point"
        elif talk is not None and event is not None:
            text, what = talk_markdown(talk, event), "talk"
        else:
            return
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied the {what} as Markdown", timeout=2)

    def slides_link(self, talk: Talk | None, event: Event | None) -> tuple[str, str] | None:
        """`o`: the talk's first slides link, or else the event's page, and what it is;
        None (having said so) when there is neither."""
        if talk is not None and talk.slides:
            return talk.slides[0], "slides"
        if event is not None and event.url:
            if talk is not None:
                return event.url, "event page (this talk has no slides link)"
            return event.url, "event page"
        what = "this talk" if talk is not None else "this event"
        self.notify(f"No slides or event page for {what}", severity="warning", timeout=3)
        return None

    def place(self) -> Place:
        sources = self.sources
        cursors = tuple(view.cursor for view in sources.point_views())
        return Place(cursors, sources.active, sources.merged)

    def go_back_to(self, place: Place) -> None:
        """Put the columns' cursors back where `place` says (after a reload)."""
        self.talk_view.fill_now()
        sources = self.sources
        for view, cursor in zip(sources.point_views(), place.cursors, strict=False):
            view.move_to(cursor)
        sources.active = min(place.active, max(0, len(sources.specs) - 1))
        sources.merged = place.merged

    def go_to_line(self, note: str | None, line: int) -> None:
        """Focus the column showing `note` on the point at `line`."""
        self.talk_view.fill_now()
        sources = self.sources
        for index, spec in enumerate(sources.specs):
            if note is not None and spec.note != note:
                continue
            rows = [i for i, r in enumerate(spec.rows) if r.line is not None and r.line <= line]
            column = sources.column(index)
            # A line above the first point is a speaker or slide line: the header's.
            if (rows or spec.rows) and column is not None:
                target = rows[-1] if rows else 0
                sources.focus_column(index)
                column.points.move_to(target, top=True)
                column.points.cursor = target
                return

    # ------------------------------------------------------- under the cursor

    def current_point(self, talk: Talk | None, event: Event | None) -> tuple[Source, Row] | None:
        """The focused column's source (of `talk`, or of `event`'s notes) and the point
        under its cursor."""
        column, row = self.sources.current_row()
        if row is None:
            return None
        if talk is not None and column is not None and column < len(talk.sources):
            return talk.sources[column], row
        # The merged list (no column) mixes notes: each point says which one it is from.
        candidates = talk.sources if talk is not None else event.sections if event else ()
        for source in candidates:
            section = source.section
            if (
                source.note == row.note
                and row.line is not None
                and section.line <= row.line <= section.end_line
            ):
                return source, row
        return None

    def focus_step(self, first: Widget, focused: Widget | None, step: int) -> None:
        """tab / shift+tab: `first` (the tree), then each column (or the merged list),
        then an event's talk list, round again."""
        stops: list[Widget] = [first]
        sources: SourcesPane | None = None
        if self.current in ("talk", "event"):
            self.talk_view.fill_now()
            sources = self.sources
            if sources.specs:
                merged = sources.query_one("#merged-points", PointView)
                stops.extend([merged] if sources.merged else sources.point_views())
        if self.current == "event":
            talks = self.event_view.query_one("#event-talks", OptionList)
            if talks.option_count:
                stops.append(talks)
        here = 0
        if focused is not None:
            chain = [focused, *focused.ancestors]
            found = [i for i, stop in enumerate(stops) if stop in chain]
            if found:
                here = found[0]
            elif sources is not None and sources in chain and not sources.merged:
                here = 1 + sources.active  # in the find bar: count from the column read
        target = stops[(here + step) % len(stops)]
        views = sources.point_views() if sources is not None else []
        if sources is not None and target in views:
            sources.focus_column(views.index(target))  # shows it on a narrow screen
        else:
            target.focus()
