"""The reader: the library tree on the left, the selected talk or event on the right.

The library loads in the loading pane's worker (`LibraryLoader`), store writes run in
a worker of their own, and the annotation dialogs are driven by `Annotator`. Widgets
below report what the user did with messages; this screen decides what to show and
hands it down.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget

from notetui.core.locations import database_path
from notetui.core.models import Event, Library, Source, Talk
from notetui.ui import messages
from notetui.ui.browser import LinkOpener
from notetui.ui.keys import READER_BINDINGS
from notetui.ui.rows import Row
from notetui.ui.screens.annotator import Annotator
from notetui.ui.screens.arrival import OPENED_INTO_COLUMNS, Arrival
from notetui.ui.screens.exporter import Exporter
from notetui.ui.screens.searcher import Searcher
from notetui.ui.store_calls import StoreCall, perform
from notetui.ui.widgets.columns import SourcesPane
from notetui.ui.widgets.event_view import EventView
from notetui.ui.widgets.footer import KeyFooter
from notetui.ui.widgets.library_tree import LibraryTree, NodeRef, talk_after
from notetui.ui.widgets.point_view import PointView
from notetui.ui.widgets.reading_pane import ReadingPane
from notetui.ui.widgets.talk_header import SlideLink
from notetui.ui.widgets.talk_view import TalkView

if TYPE_CHECKING:
    from notetui.core.annotations.anchoring import Attachments
    from notetui.core.annotations.files import StoreSignature
    from notetui.core.annotations.service import AnnotationService
    from notetui.core.merge.merging import MergeSettings
    from notetui.core.search.index import SearchIndex

_PREVIEW_DELAY = 0.08  # seconds the tree cursor rests before the pane follows it
# A library this small is indexed for search as soon as it loads; a bigger one on its
# first search, so the reader is not slowed down for it before (10,000 notes take
# most of a minute of a core to index).
_EAGER_INDEX_NOTES = 2_000


def no_attachments() -> Attachments:
    from notetui.core.annotations.anchoring import Attachments

    return Attachments()


def _settle_in(_library: Library) -> None:
    """A big library is millions of objects that live as long as it is shown: out of
    the garbage collector's sight, drawing a frame no longer pays for a full pass over
    them (at 10,000 notes, half of each key's time)."""
    gc.freeze()


class MainScreen(Screen[None]):
    BINDINGS = READER_BINDINGS

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
        self.service: AnnotationService | None = None  # the store, for this library's folder
        self._seen: StoreSignature | None = None  # the store's files as last read
        self.attachments: Attachments | None = None  # None until the store has opened
        self.search_index: SearchIndex | None = None
        self.tag_filter: tuple[str, ...] = ()
        self.shown: NodeRef | None = None
        self.point_threshold = point_threshold
        self.arrival = Arrival(self)
        self.annotator = Annotator(self)
        self.exporter = Exporter(self)
        self.searcher = Searcher(self)
        self._preview: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield LibraryTree(id="tree")
            yield ReadingPane(
                self.root, self.db_path, self.settings, self.point_threshold, id="pane"
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.links = LinkOpener(self.app)
        tree = self.query_one(LibraryTree)
        tree.focus()
        state = getattr(self.app, "state_path", None)
        tree.remember_width_in(state if isinstance(state, Path) else None)
        self.pane.loader.load()
        if self.watch_notes:
            self.pane.loader.watch_folder()

    # ------------------------------------------------------------ the tree's width

    def action_tree_width(self, step: int) -> None:
        """`<` and `>`: the tree narrower or wider, remembered for the next run."""
        self.query_one(LibraryTree).widen(step, self.size.width)

    # ----------------------------------------------------------------- loading

    @on(messages.LoadFailed)
    def _show_load_failure(self, message: messages.LoadFailed) -> None:
        tree = self.query_one(LibraryTree)
        if tree.outline is not None:  # the outline drew notes that cannot be read now
            tree.show_library(Library(root=self.root, events=(), problems=(), notes=()))
        self.pane.loader.show_failure(message.reason)

    @on(messages.LibraryOutlined)
    def _show_outline(self, message: messages.LibraryOutlined) -> None:
        """The tree from the cache's outline, until the full library replaces it."""
        if self.library is None:
            self.query_one(LibraryTree).show_outline(message.outline)
        # Drawn on the next refresh; then the worker may go on with the full load.
        self.call_after_refresh(message.drawn.set)

    @on(messages.LibraryLoaded)
    def _show_library(self, message: messages.LibraryLoaded) -> None:
        library = message.library
        self.library = library
        _settle_in(library)
        self.pane.forget_rows()
        self.search_index = None
        self.arrival.show(library)
        if message.reload:
            self.notify("Notes reloaded", timeout=2)

    @on(messages.StoreOpened)
    def _attach_store(self, message: messages.StoreOpened) -> None:
        if message.library is not self.library:
            return  # a newer load is on its way
        if message.error:
            self.notify(
                message.error + " Annotations are read-only until it is fixed.",
                severity="error",
                timeout=12,
                markup=False,
            )
        if message.service is not None:
            self.service = message.service
            self._seen = message.signature
            self.pane.loader.watch_store(message.service, lambda: self._seen)
        self._attached(message.attachments)

    @on(messages.StoreChanged)
    def _show_changes_made_elsewhere(self, message: messages.StoreChanged) -> None:
        """The CLI or another window wrote to the store: show what it holds now."""
        if message.service is not self.service:
            return  # read for a library no longer shown
        self._seen = message.signature
        self._attached(message.attachments)

    def _attached(self, attachments: Attachments) -> None:
        """Show what the store holds for the library: marks, tags, the filter."""
        self.attachments = attachments
        self.query_one(LibraryTree).set_annotation_counts(attachments.counts())
        if self.tag_filter:
            self.arrival.fill_tree(self.shown)
        self._show_personal()
        self.search_index = None  # built again: now, or on the first `/` of a big library
        if self.library is not None and len(self.library.notes) <= _EAGER_INDEX_NOTES:
            self.searcher.index()

    @on(messages.NotesChanged)
    def _reload_changed_notes(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        store = self.service.store if self.service is not None else None
        self.pane.loader.load(reload=True, store=store)

    # ----------------------------------------------------------------- showing

    @on(LibraryTree.Moved)
    def _preview_node(self, message: LibraryTree.Moved) -> None:
        if self._preview is not None:
            self._preview.stop()
        ref = message.ref
        self._preview = self.set_timer(_PREVIEW_DELAY, lambda: self.show(ref))

    @on(LibraryTree.Chosen)
    def _open_node(self, message: LibraryTree.Chosen) -> None:
        if self.library is None:  # chosen on the outline: opened once the library is in
            self.arrival.choose_early(message.ref)
            return
        self.show(message.ref)
        if message.ref.kind in OPENED_INTO_COLUMNS:
            self.pane.sources.focus_column(0)

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
            self.pane.sources.focus_column(0)
        if line is not None:
            self.pane.go_to_line(note, line)

    def open_event(self, event_id: str) -> None:
        ref = NodeRef("event", event_id)
        self.query_one(LibraryTree).move_to(ref)
        self.show(ref)

    def show(self, ref: NodeRef) -> None:
        """Show a talk, an event or the problems, in one step: nothing here waits."""
        library = self.library
        if library is None or ref == self.shown:
            return
        if ref.kind == "talk" and (talk := library.talk(ref.id)) is not None:
            self.shown = ref
            self.pane.show_talk(library, talk)
        elif ref.kind in ("event", "event-notes") and (event := library.event(ref.id)):
            self.shown = ref
            self.pane.show_event(event)
        elif ref.kind in ("problems", "problem"):
            self.shown = ref
            self.pane.show_problems(library.problems)
        else:
            return
        self._show_personal()
        self.refresh_bindings()  # the footer is rebuilt only if its keys changed

    @on(TalkView.Filled)
    def _mark_filled_columns(self) -> None:
        if self.arrival.take_focus_when_filled():
            self.pane.sources.focus_column(0)
        talk = self.current_talk()
        if talk is not None and self.attachments is not None:
            self.pane.show_passage_marks(talk, self.attachments)
        if isinstance(self.focused, PointView) and not self.focused.display:
            self.pane.sources.focus_column(0)  # its column is no longer used

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
        shown = self.current_talk() or self.current_event()
        return shown.id if shown is not None else None

    @property
    def pane(self) -> ReadingPane:
        return self.query_one(ReadingPane)

    def tree_focused(self) -> bool:
        return isinstance(self.focused, LibraryTree)

    def current_point(self) -> tuple[Source, Row] | None:
        """The focused column's source and the point under its cursor."""
        return self.pane.current_point(self.current_talk(), self.current_event())

    # --------------------------------------------------- the user's own marks

    def _show_personal(self) -> None:
        """Tags and annotations for what is shown, under its header and in the gutter."""
        target = self.current_target()
        if target is not None and self.attachments is not None:
            talk, event = self.current_talk(), self.current_event()
            self.pane.show_personal(talk, target, self.attachments, event)

    @work(thread=True, group="store", description="a store write")
    def write(self, call: StoreCall) -> None:
        """Run one store change off the UI thread; `StoreWritten` says how it went."""
        if self.service is not None:
            self.post_message(perform(call, self.service))

    @on(messages.StoreWritten)
    def _show_store_change(self, message: messages.StoreWritten) -> None:
        if message.signature is not None:
            self._seen = message.signature
        self.annotator.landed(message)  # the dialog waiting for it, or a toast, says so
        if message.attachments is not None:
            self._attached(message.attachments)
        self.annotator.reopen_list(message)

    def attachments_now(self) -> Attachments:
        """What the store holds for the library, as last read (empty before it opened)."""
        return self.attachments if self.attachments is not None else no_attachments()

    # ----------------------------------------------------------------- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        loaded = self.library is not None
        talk_view = self.pane.talk_view
        if action in ("next_talk", "previous_talk"):
            return bool(self.library and self.library.talks)
        if action in ("open_slides", "annotate_passage", "edit_note"):
            # o is there for every talk and event, and says when there are no slides:
            # a key that comes and goes between talks rebuilds the footer each time.
            return loaded and self.shown is not None and self.shown.kind != "problems"
        if action == "previous_match":
            return talk_view.finding
        if action == "close_find":
            return talk_view.find_bar.is_open
        if action in ("toggle_merged", "find"):
            return self.current_talk() is not None
        if action in ("annotate", "edit_tags", "export", "copy"):
            return loaded and self.current_target() is not None
        if action in ("all_annotations", "filter_tags", "undo_delete", "search", "reload"):
            return loaded
        return True

    def action_next_talk(self) -> None:
        talk_view = self.pane.talk_view
        if talk_view.finding:  # while finding in a talk, n goes to the next match
            talk_view.next_match()
            return
        self._step_talk(+1)

    def action_previous_talk(self) -> None:
        self._step_talk(-1)

    def _step_talk(self, step: int) -> None:
        if self.library is not None and self.library.talks:
            talk = talk_after(self.library, self.current_talk(), self.current_event(), step)
            in_columns = self.focused is not None and not isinstance(self.focused, LibraryTree)
            self.open_talk(talk.id, focus=in_columns)

    def action_toggle_merged(self) -> None:
        sources = self.pane.talk_view.sources
        sources.merged = not sources.merged
        sources.focus_column(sources.active)
        self.refresh_bindings()

    def action_toggle_sync(self) -> None:
        synced = not self.pane.talk_view.sources.synced
        for pane in self.query(SourcesPane):  # the talk's and the event's alike
            pane.synced = synced
        self.notify(f"Synced scrolling {'on' if synced else 'off'}", timeout=2)

    def action_open_slides(self) -> None:
        link = self.pane.slides_link(self.current_talk(), self.current_event())
        if link is not None:
            self.links.open(*link)

    @on(SlideLink.Open)
    def _open_clicked_link(self, message: SlideLink.Open) -> None:
        self.links.open(message.url)

    def action_next_column(self) -> None:
        sources = self.pane.sources
        sources.focus_column(sources.active + 1)

    def action_previous_column(self) -> None:
        sources = self.pane.sources
        sources.focus_column(sources.active - 1)

    def action_focus_pane(self, step: int) -> None:
        self.pane.focus_step(self.query_one(LibraryTree), self.focused, step)

    def action_copy(self) -> None:
        """The focused point, or (from the tree) the whole talk, as Markdown."""
        talk = self.current_talk()
        if self.library is not None:
            event = self.library.event_of(talk) if talk is not None else None
            self.pane.copy(None if self.tree_focused() else self.current_point(), talk, event)

    def action_edit_note(self) -> None:
        """Open the focused column's note in $VISUAL/$EDITOR at the point's line."""
        from notetui.ui.editor import edit_note, where_to_edit

        place = where_to_edit(self.current_point(), self.current_talk())
        if place is not None and edit_note(self.app, self.root / place[0], place[1]):
            self.action_reload()  # pick up the edit at once, watching or not

    def action_annotate(self) -> None:  # the Annotator drives the annotation dialogs
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
        self.arrival.fill_tree(self.shown)

    # ------------------------------------------------------------------ search

    @on(messages.IndexBuilt)
    def _keep_index(self, message: messages.IndexBuilt) -> None:
        self.searcher.keep(message.index)

    def action_search(self) -> None:
        self.searcher.search()

    # ------------------------------------------------------------ find in talk

    def action_find(self) -> None:
        self.pane.talk_view.find_bar.open()

    def action_close_find(self) -> None:
        """escape while reading the matches: the same as escape in the bar."""
        self.pane.talk_view.find_bar.close()

    def action_previous_match(self) -> None:
        self.pane.talk_view.previous_match()

    # ----------------------------------------------------------------- export

    def action_export(self) -> None:
        self.exporter.start()

    @on(messages.Exported)
    def _report_export(self, message: messages.Exported) -> None:
        self.exporter.exported(message)
