"""The reader: the library tree on the left, the selected talk or event on the right.

The library loads in the loading pane's worker (`LibraryLoader`), store writes run in
a worker of their own, and the annotation dialogs are driven by `Annotator`. Widgets
below report what the user did with messages; this screen decides what to show and
hands it down.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import ContentSwitcher, OptionList

from notetui.core.locations import database_path
from notetui.core.models import Event, Library, Source, Talk
from notetui.core.text import sanitize_line
from notetui.ui.annotating import passage_rows, personal_text, talk_markdown, visible_ids
from notetui.ui.messages import (
    Exported,
    IndexBuilt,
    LibraryLoaded,
    LoadFailed,
    NotesChanged,
    StoreOpened,
    StoreWritten,
)
from notetui.ui.rows import Row, RowsCache, event_rows
from notetui.ui.screens.annotator import Annotator
from notetui.ui.store_calls import StoreCall
from notetui.ui.widgets.columns import SourcesPane
from notetui.ui.widgets.event_view import EventView
from notetui.ui.widgets.footer import KeyFooter
from notetui.ui.widgets.library_tree import LibraryTree, NodeRef
from notetui.ui.widgets.loader import LibraryLoader
from notetui.ui.widgets.point_view import PointView
from notetui.ui.widgets.problems_view import ProblemsView
from notetui.ui.widgets.talk_view import TalkView

if TYPE_CHECKING:
    from notetui.core.annotations.anchoring import Attachments
    from notetui.core.annotations.store import Store
    from notetui.core.export.markdown import ExportRequest
    from notetui.core.merge.merging import MergeSettings
    from notetui.core.search.index import SearchHit, SearchIndex
    from notetui.ui.exporting import ExportJob

_PREVIEW_DELAY = 0.08  # seconds the tree cursor rests before the pane follows it
_PREFETCH = 2  # talks on either side whose rows are computed ahead


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("n", "next_talk", "Next talk", id="talk.next"),
        Binding("p", "previous_talk", "Prev talk", id="talk.previous"),
        Binding("m", "toggle_merged", "Merged", id="view.merged"),
        Binding("s", "toggle_sync", "Sync", id="view.sync"),
        Binding("o", "open_slides", "Slides", id="talk.slides"),
        Binding(
            "left_square_bracket",
            "previous_column",
            "Prev column",
            key_display="[",
            id="column.previous",
        ),
        Binding(
            "right_square_bracket", "next_column", "Next column", key_display="]", id="column.next"
        ),
        Binding("a", "annotate", "Annotate", id="annotate.target"),
        Binding("A", "annotate_passage", "Annotate point", id="annotate.passage"),
        Binding("t", "edit_tags", "Tags", id="tags.edit"),
        Binding("f", "filter_tags", "Filter by tag", show=False, id="tags.filter"),
        Binding("v", "all_annotations", "All annotations", show=False, id="annotations.all"),
        Binding("ctrl+z", "undo_delete", "Undo delete", show=False, id="annotations.undo"),
        Binding("slash", "search", "Search", key_display="/", id="search.library"),
        Binding("ctrl+f", "find", "Find in talk", show=False, id="search.talk"),
        Binding("N", "previous_match", "Previous match", show=False, id="search.previous"),
        Binding("escape", "close_find", "Close find", show=False, id="find.close"),
        Binding("x", "export", "Export", show=False, id="export"),
        Binding("e", "edit_note", "Edit note", show=False, id="note.edit"),
        Binding("y", "copy", "Copy", show=False, id="note.copy"),
        Binding("r", "reload", "Reload", show=False, id="library.reload"),
        # Between the tree and the columns only: not the slide links, not containers.
        Binding("tab", "focus_pane(1)", "Next pane", show=False, id="focus.next"),
        Binding("shift+tab", "focus_pane(-1)", "Previous pane", show=False, id="focus.previous"),
    ]

    # Focus restyles the widget it leaves and the one it enters, which repaint
    # themselves; Textual's default would also repaint the whole screen on every
    # move between columns.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(
        self,
        root: Path,
        *,
        db_path: Path | None = None,
        watch: bool = True,
        settings: MergeSettings | None = None,
        point_threshold: float | None = None,
    ) -> None:
        super().__init__()
        self.root = root
        self.settings = settings
        self.db_path = database_path(db_path)
        self.watch_notes = watch
        self.library: Library | None = None
        self.store: Store | None = None
        self.attachments: Attachments | None = None  # None until the store has opened
        self.search_index: SearchIndex | None = None
        self.tag_filter: tuple[str, ...] = ()
        self.shown: NodeRef | None = None
        self.rows = RowsCache() if point_threshold is None else RowsCache(point_threshold)
        self.annotator = Annotator(self)
        self._preview: Timer | None = None
        self._footer_bindings = [b for b in self.BINDINGS if isinstance(b, Binding)]
        self._enabled: tuple[bool | None, ...] = ()

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield LibraryTree(id="tree")
            with ContentSwitcher(id="pane", initial="loading"):
                yield LibraryLoader(self.root, self.db_path, self.settings, id="loading")
                yield TalkView(id="talk")
                yield EventView(id="event")
                yield ProblemsView(id="problems")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(LibraryTree).focus()
        loader = self.query_one(LibraryLoader)
        loader.load()
        if self.watch_notes:
            loader.watch_folder()

    # ----------------------------------------------------------------- loading

    @on(LoadFailed)
    def _show_load_failure(self, message: LoadFailed) -> None:
        self.query_one(LibraryLoader).show_failure(message.reason)

    @on(LibraryLoaded)
    def _show_library(self, message: LibraryLoaded) -> None:
        library = message.library
        self.library = library
        self.rows.clear()
        self.search_index = None
        keep, self.shown = self.shown, None
        self._fill_tree(keep)
        if keep is not None and self._resolves(keep):
            self._restore(keep)
        elif library.talks:
            self.open_talk(library.talks[0].id, focus=False)
        elif library.events:
            self.open_event(library.events[0].id)
        else:
            self.query_one(LibraryLoader).show_empty()
        if message.reload:
            self.notify("Notes reloaded", timeout=2)

    @on(StoreOpened)
    def _attach_store(self, message: StoreOpened) -> None:
        if message.library is not self.library:
            return  # a newer load is on its way
        if message.error:
            self.notify(
                message.error + " Annotations are read-only until it is fixed.",
                severity="error",
                timeout=12,
                markup=False,
            )
        self.store = message.store or self.store
        self._attached(message.attachments)

    def _attached(self, attachments: Attachments) -> None:
        """Show what the store holds for the library: marks, tags, the filter."""
        self.attachments = attachments
        self.query_one(LibraryTree).set_annotation_counts(attachments.counts())
        if self.tag_filter:
            self._fill_tree(self.shown)
        self._show_personal()
        self.index_library()

    def _fill_tree(self, keep: NodeRef | None) -> None:
        library = self.library
        if library is None:
            return
        visible = None
        if self.tag_filter and self.attachments is not None:
            visible = visible_ids(library, self.attachments, self.tag_filter)
        tree = self.query_one(LibraryTree)
        tree.show_library(library, keep=keep, visible=visible)
        tags = " ".join(f"#{sanitize_line(t)}" for t in self.tag_filter)
        tree.border_title = f"filter: {tags}" if self.tag_filter else None

    def _resolves(self, ref: NodeRef) -> bool:
        library = self.library
        if library is None:
            return False
        if ref.kind == "talk":
            return library.talk(ref.id) is not None
        if ref.kind in ("event", "event-notes"):
            return library.event(ref.id) is not None
        return ref.kind in ("problems", "problem") and bool(library.problems)

    def _restore(self, ref: NodeRef) -> None:
        """Show the same talk again after a reload, columns where they were."""
        sources = self._active_sources()
        cursors = [view.cursor for view in sources.point_views()]
        active, merged = sources.active, sources.merged
        self.query_one(LibraryTree).move_to(ref)
        self.show(ref)
        self.query_one(TalkView).fill_now()
        sources = self._active_sources()
        for view, cursor in zip(sources.point_views(), cursors, strict=False):
            view.move_to(cursor)
        sources.active = min(active, max(0, len(sources.specs) - 1))
        sources.merged = merged

    @on(NotesChanged)
    def _reload_changed_notes(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.query_one(LibraryLoader).load(reload=True, store=self.store)

    # ----------------------------------------------------------------- showing

    @on(LibraryTree.Moved)
    def _preview_node(self, message: LibraryTree.Moved) -> None:
        if self._preview is not None:
            self._preview.stop()
        ref = message.ref
        self._preview = self.set_timer(_PREVIEW_DELAY, lambda: self.show(ref))

    @on(LibraryTree.Chosen)
    def _open_node(self, message: LibraryTree.Chosen) -> None:
        self.show(message.ref)
        if message.ref.kind in ("talk", "event", "event-notes"):
            self._active_sources().focus_column(0)

    @on(EventView.TalkChosen)
    def _open_event_talk(self, message: EventView.TalkChosen) -> None:
        self.open_talk(message.talk_id)

    def open_talk(
        self, talk_id: str, *, focus: bool = True, line: int | None = None, note: str | None = None
    ) -> None:
        """Show a talk (by any id it was known by), the tree cursor on it."""
        talk = self.library.talk(talk_id) if self.library is not None else None
        ref = NodeRef("talk", talk.id if talk is not None else talk_id)
        self.query_one(LibraryTree).move_to(ref)
        self.show(ref)
        if focus:
            self._active_sources().focus_column(0)
        if line is not None:
            self.go_to_line(note, line)

    def open_event(self, event_id: str) -> None:
        ref = NodeRef("event", event_id)
        self.query_one(LibraryTree).move_to(ref)
        self.show(ref)

    def go_to_line(self, note: str | None, line: int) -> None:
        """Scroll the column showing `note` to the point on `line`."""
        self.query_one(TalkView).fill_now()
        sources = self._active_sources()
        for index, spec in enumerate(sources.specs):
            if note is not None and spec.note != note:
                continue
            rows = [
                i for i, row in enumerate(spec.rows) if row.line is not None and row.line <= line
            ]
            column = sources.column(index)
            if rows and column is not None:
                sources.focus_column(index)
                column.points.move_to(rows[-1], top=True)
                column.points.cursor = rows[-1]
                return

    def show(self, ref: NodeRef) -> None:
        """Show a talk, an event or the problems, in one step: nothing here waits."""
        library = self.library
        if library is None or ref == self.shown:
            return
        switcher = self.query_one("#pane", ContentSwitcher)
        if ref.kind == "talk" and (talk := library.talk(ref.id)) is not None:
            self.shown = ref
            switcher.current = "talk"
            ready = self.rows.cached(talk.id) is not None
            self.query_one(TalkView).show_talk(
                talk, library.event_of(talk), lambda: self.rows.get(talk), ready=ready
            )
            self._prefetch_rows(talk)
        elif ref.kind in ("event", "event-notes") and (event := library.event(ref.id)):
            self.shown = ref
            switcher.current = "event"
            self.query_one(EventView).show_event(event, event_rows(event))
        elif ref.kind in ("problems", "problem"):
            self.shown = ref
            switcher.current = "problems"
            self.query_one(ProblemsView).show_problems(library.problems)
        else:
            return
        self._show_personal()
        self._refresh_footer()

    def _refresh_footer(self) -> None:
        """Redraw the footer only when a key came or went: it is rebuilt every time."""
        enabled = tuple(self.check_action(binding.action, ()) for binding in self._footer_bindings)
        if enabled != self._enabled:
            self._enabled = enabled
            self.refresh_bindings()

    @work(thread=True, exclusive=True, group="rows")
    def _prefetch_rows(self, talk: Talk) -> None:
        """Align the talks next to this one ahead, so n and p find them ready."""
        from textual.worker import get_current_worker

        library = self.library
        if library is None:
            return
        worker = get_current_worker()
        talks = library.talks
        here = next((i for i, t in enumerate(talks) if t.id == talk.id), 0)
        near = [talks[(here + step) % len(talks)] for step in range(1, _PREFETCH + 1)]
        near += [talks[(here - step) % len(talks)] for step in range(1, _PREFETCH + 1)]
        self.rows.prefetch(near, lambda: worker.is_cancelled)

    @on(TalkView.Filled)
    def _mark_filled_columns(self) -> None:
        self._show_passage_marks()
        if isinstance(self.focused, PointView) and not self.focused.display:
            self._active_sources().focus_column(0)  # its column is no longer used

    def current_talk(self) -> Talk | None:
        if self.library is None or self.shown is None or self.shown.kind != "talk":
            return None
        return self.library.talk(self.shown.id)

    def current_event(self) -> Event | None:
        if self.library is None or self.shown is None:
            return None
        if self.shown.kind == "talk" and (talk := self.current_talk()) is not None:
            return self.library.event_of(talk)
        return self.library.event(self.shown.id)

    def current_target(self) -> str | None:
        """The talk or event shown, by id."""
        talk = self.current_talk()
        if talk is not None:
            return talk.id
        event = self.current_event()
        return event.id if event is not None else None

    def _active_sources(self) -> SourcesPane:
        pane = self.query_one("#pane", ContentSwitcher).current
        view = self.query_one(EventView) if pane == "event" else self.query_one(TalkView)
        return view.sources

    def current_point(self) -> tuple[Source, Row] | None:
        """The focused column's source and the point under its cursor."""
        column, row = self._active_sources().current_row()
        if row is None:
            return None
        talk = self.current_talk()
        if talk is not None and column is not None and column < len(talk.sources):
            return talk.sources[column], row
        # The merged list (no column) mixes notes: each point says which one it is from.
        event = self.current_event()
        candidates = talk.sources if talk is not None else event.sections if event else ()
        for source in candidates:
            section = source.section
            if (
                source.note == row.note
                and row.line is not None
                and (section.line <= row.line <= section.end_line)
            ):
                return source, row
        return None

    # --------------------------------------------------- the user's own marks

    def _show_personal(self) -> None:
        """Tags and annotations for what is shown, under its header and in the gutter."""
        target = self.current_target()
        if target is None or self.attachments is None:
            return
        placements = self.attachments.for_target(target)
        tags = self.attachments.tags.get(target, ())
        view = self.query_one(TalkView) if self.current_talk() else self.query_one(EventView)
        view.header.show_personal(personal_text(placements, tags))
        self._show_passage_marks()

    def _show_passage_marks(self) -> None:
        talk = self.current_talk()
        view = self.query_one(TalkView)
        if talk is None or self.attachments is None or view.pending:
            return
        placements = self.attachments.for_target(talk.id)
        for index, column_view in enumerate(view.sources.point_views()):
            if index < len(talk.sources):
                marks = passage_rows(column_view.rows, placements, talk.sources[index])
                column_view.set_annotations({row: len(found) for row, found in marks.items()})

    @work(thread=True, group="store")
    def write(self, call: StoreCall) -> None:
        """Run one store change off the UI thread, read the store again, and report."""
        from notetui.core.annotations.anchoring import attach
        from notetui.core.annotations.store import StoreError

        library, store = self.library, self.store
        if library is None or store is None:
            return
        done = error = uid = None
        try:
            written = call.run(store)
            done, uid = written.done, written.uid
        except StoreError as failure:
            error = str(failure)
        except KeyError:  # deleted meanwhile, by the CLI or another notetui
            error = "That annotation no longer exists."
        try:
            attachments = attach(library, store.annotations(), store.tag_sets())
        except StoreError as failure:
            attachments, error = None, error or str(failure)
        self.post_message(StoreWritten(done, error, uid, attachments))

    @on(StoreWritten)
    def _show_store_change(self, message: StoreWritten) -> None:
        if message.error:
            self.notify(message.error, severity="error", timeout=8, markup=False)
        elif message.done:
            self.notify(message.done, timeout=2, markup=False)
        if message.attachments is not None:
            self._attached(message.attachments)
        self.annotator.written(message)

    def attachments_now(self) -> Attachments:
        """What the store holds for the library, as last read (empty before it opened)."""
        if self.attachments is None:
            from notetui.core.annotations.anchoring import Attachments

            return Attachments()
        return self.attachments

    # ----------------------------------------------------------------- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        loaded = self.library is not None
        talk_view = self.query_one(TalkView)
        if action in ("next_talk", "previous_talk"):
            return bool(self.library and self.library.talks)
        if action == "open_slides":
            # Shown for every talk and event (it says when there are no slides): the
            # footer is rebuilt whenever a key comes or goes, which costs a frame.
            return self.shown is not None and self.shown.kind != "problems"
        if action == "previous_match":
            return talk_view.finding
        if action == "close_find":
            return talk_view.find_bar.is_open
        if action in ("toggle_merged", "find"):
            return self.current_talk() is not None
        if action in ("annotate", "edit_tags", "export", "copy"):
            return loaded and self.current_target() is not None
        if action in ("annotate_passage", "edit_note"):
            return loaded and self.shown is not None and self.shown.kind != "problems"
        if action in ("all_annotations", "filter_tags", "undo_delete", "search", "reload"):
            return loaded
        return True

    def action_next_talk(self) -> None:
        talk_view = self.query_one(TalkView)
        if talk_view.finding:  # while finding in a talk, n goes to the next match
            talk_view.next_match()
            return
        self._step_talk(+1)

    def action_previous_talk(self) -> None:
        self._step_talk(-1)

    def _step_talk(self, step: int) -> None:
        library = self.library
        if library is None or not library.talks:
            return
        talks = library.talks
        current = self.current_talk()
        if current is None:
            event = self.current_event()
            index = next((i for i, t in enumerate(talks) if event and t.event_id == event.id), -1)
            target = talks[index if index >= 0 and step > 0 else 0]
        else:
            position = next(i for i, t in enumerate(talks) if t.id == current.id)
            target = talks[(position + step) % len(talks)]
        in_columns = self.focused is not None and not isinstance(self.focused, LibraryTree)
        self.open_talk(target.id, focus=in_columns)

    def action_toggle_merged(self) -> None:
        sources = self.query_one(TalkView).sources
        sources.merged = not sources.merged
        sources.focus_column(sources.active)
        self.refresh_bindings()

    def action_toggle_sync(self) -> None:
        for pane in self.query(SourcesPane):
            pane.synced = not pane.synced
        state = "on" if self.query_one(TalkView).sources.synced else "off"
        self.notify(f"Synced scrolling {state}", timeout=2)

    def action_open_slides(self) -> None:
        talk = self.current_talk()
        urls = talk.slides if talk else ()
        if not urls and (event := self.current_event()) and event.url:
            urls = (event.url,)
        if not urls:
            self.notify("No slides for this talk", severity="warning", timeout=2)
            return
        self.app.open_url(sanitize_line(urls[0]))
        self.notify(f"Opening {sanitize_line(urls[0])}", timeout=3, markup=False)

    def action_next_column(self) -> None:
        sources = self._active_sources()
        sources.focus_column(sources.active + 1)

    def action_previous_column(self) -> None:
        sources = self._active_sources()
        sources.focus_column(sources.active - 1)

    def action_focus_pane(self, step: int) -> None:
        """tab / shift+tab: the tree, then each column (or the merged list), then the
        event's talk list, round again."""
        stops: list[Widget] = [self.query_one(LibraryTree)]
        sources: SourcesPane | None = None
        pane = self.query_one("#pane", ContentSwitcher).current
        if pane in ("talk", "event"):
            self.query_one(TalkView).fill_now()
            sources = self._active_sources()
            if sources.specs:
                merged = sources.query_one("#merged-points", PointView)
                stops.extend([merged] if sources.merged else sources.point_views())
        if pane == "event":
            talks = self.query_one(EventView).query_one("#event-talks", OptionList)
            if talks.option_count:
                stops.append(talks)
        here = 0
        focused = self.focused
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

    def action_copy(self) -> None:
        """The focused point, or (from the tree) the whole talk, as Markdown."""
        point = self.current_point()
        talk = self.current_talk()
        if point is not None and not isinstance(self.focused, LibraryTree):
            text, what = point[1].text, "point"
        elif talk is not None and self.library is not None:
            text, what = talk_markdown(talk, self.library.event_of(talk)), "talk"
        else:
            return
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied the {what} as Markdown", timeout=2)

    def action_edit_note(self) -> None:
        """Open the focused column's note in $VISUAL/$EDITOR at the point's line."""
        from notetui.ui.editor import edit_note

        point = self.current_point()
        talk = self.current_talk()
        if point is not None:
            source, row = point
            note, line = source.note, row.line or source.section.line
        elif talk is not None and talk.sources:
            note, line = talk.sources[0].note, talk.sources[0].section.line
        else:
            return
        if edit_note(self.app, self.root / note, line):
            self.action_reload()  # pick up the edit at once, watching or not

    # The user's own annotations and tags: the Annotator drives the dialogs.

    def action_annotate(self) -> None:
        self.annotator.annotate_target()

    def action_annotate_passage(self) -> None:
        self.annotator.annotate_passage()

    def action_edit_tags(self) -> None:
        self.annotator.edit_tags()

    def action_filter_tags(self) -> None:
        self.annotator.filter_tags()

    def action_all_annotations(self) -> None:
        self.annotator.list_annotations()

    def action_undo_delete(self) -> None:
        self.annotator.undo_delete()

    def filter_tree(self, tags: tuple[str, ...]) -> None:
        """Show only the talks and events carrying every one of `tags` (none: all)."""
        self.tag_filter = tags
        self._fill_tree(self.shown)

    # ------------------------------------------------------------------ search

    @work(thread=True, exclusive=True, group="index")
    def index_library(self) -> None:
        """Build the search index off the UI thread; `/` uses it when it is ready."""
        from textual.worker import get_current_worker

        from notetui.core.search.docs import build_index

        library = self.library
        if library is None:
            return
        index = build_index(library, self.attachments_now())
        if not get_current_worker().is_cancelled:
            self.post_message(IndexBuilt(index))

    @on(IndexBuilt)
    def _keep_index(self, message: IndexBuilt) -> None:
        self.search_index = message.index

    def action_search(self) -> None:
        from notetui.core.search.docs import build_index
        from notetui.ui.screens.search import SearchScreen

        library = self.library
        if library is None:
            return
        index = self.search_index or build_index(library, self.attachments_now())
        self.search_index = index
        titles = {talk.id: talk.title for talk in library.talks}
        titles.update({event.id: event.title for event in library.events})

        def chosen(hit: SearchHit | None) -> None:
            if hit is None or self.library is None:
                return
            target = hit.doc.target_id
            if (talk := self.library.talk(target)) is not None:
                self.open_talk(talk.id, line=hit.line, note=hit.doc.note)
            elif self.library.event(target) is not None:
                self.open_event(target)
                if hit.line is not None:
                    self.go_to_line(hit.doc.note, hit.line)

        self.app.push_screen(SearchScreen(index, titles=titles), chosen)

    # ------------------------------------------------------------ find in talk

    def action_find(self) -> None:
        self.query_one(TalkView).find_bar.open()

    def action_close_find(self) -> None:
        """escape while reading the matches: the same as escape in the bar."""
        self.query_one(TalkView).find_bar.close()

    def action_previous_match(self) -> None:
        self.query_one(TalkView).previous_match()

    # ----------------------------------------------------------------- export

    def action_export(self) -> None:
        from notetui.core.export.markdown import Selection, describe, select
        from notetui.core.locations import export_dir
        from notetui.ui.dialogs.export import ExportDialog
        from notetui.ui.exporting import ExportJob

        library = self.library
        if library is None:
            return
        if isinstance(self.focused, LibraryTree) and self.tag_filter:
            selection = Selection(tags=self.tag_filter)
        elif (talk := self.current_talk()) is not None:
            selection = Selection(talks=(talk.id,))
        elif (event := self.current_event()) is not None:
            selection = Selection(events=(event.id,))
        else:
            return
        chosen = select(library, self.attachments_now(), selection)
        if not chosen:
            self.notify("Nothing to export", severity="warning", timeout=3)
            return

        def go(request: ExportRequest | None) -> None:
            if request is not None:
                job = ExportJob(selection, request.out, request.split, request.merged)
                self._export(job, force=False)

        talks = sum(len(c.talks) for c in chosen)
        self.app.push_screen(ExportDialog(describe(chosen), export_dir(), talks), go)

    @work(thread=True, group="export")
    def _export(self, job: ExportJob, *, force: bool) -> None:
        from notetui.ui.exporting import run_export

        if self.library is not None:
            outcome = run_export(self.library, self.attachments_now(), job, force=force)
            self.post_message(Exported(outcome.summary, job, outcome.existing, outcome.error))

    @on(Exported)
    def _report_export(self, message: Exported) -> None:
        from notetui.ui.dialogs.confirm import ConfirmDialog
        from notetui.ui.exporting import overwrite_question

        if message.error:
            self.notify(message.summary, severity="error", timeout=8, markup=False)
            return
        if not message.existing:
            self.notify(message.summary, title="Exported", timeout=8, markup=False)
            return
        job = message.job

        def answer(overwrite: bool | None) -> None:
            if overwrite:
                self._export(job, force=True)
            else:
                self.notify("Nothing was exported", timeout=3)

        self.app.push_screen(ConfirmDialog(overwrite_question(message.existing)), answer)
