"""The reader: the library tree on the left, the selected talk or event on the right.

The library (and the annotation store) load in a thread worker, so the first paint
never waits for the disk; store writes run in workers too. Widgets below report what
the user did with messages; this screen decides what to show and hands it down.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Footer, OptionList, ProgressBar, Static
from textual.worker import get_current_worker

from notetui.core.annotations.anchoring import Attachments, attach
from notetui.core.annotations.store import Anchor, Store, StoreError
from notetui.core.export.markdown import ExportRequest, Selection, Split
from notetui.core.load.files import is_note_name
from notetui.core.load.library import LibraryError, LoadCancelled, load_library
from notetui.core.locations import database_path
from notetui.core.merge.merging import MergeSettings
from notetui.core.models import Event, Library, Source, Talk
from notetui.core.points.points import DEFAULT_POINT_THRESHOLD
from notetui.core.search.docs import build_index
from notetui.core.search.index import SearchHit, SearchIndex
from notetui.core.text import sanitize_line
from notetui.ui.annotating import (
    annotation_rows,
    passage_anchor,
    passage_rows,
    personal_text,
    talk_markdown,
    target_titles,
    visible_ids,
)
from notetui.ui.rows import Row, TalkRows, event_rows, talk_rows
from notetui.ui.screens.annotations import AnnotationAction, ListState
from notetui.ui.widgets.columns import SourcesPane
from notetui.ui.widgets.event_view import EventView
from notetui.ui.widgets.find_bar import FindBar, find_rows
from notetui.ui.widgets.library_tree import LibraryTree, NodeRef
from notetui.ui.widgets.point_view import PointView
from notetui.ui.widgets.problems_view import ProblemsView
from notetui.ui.widgets.talk_view import TalkView

_PREVIEW_DELAY = 0.08  # seconds the tree cursor rests before the pane follows it
_WATCH_DEBOUNCE_MS = 300  # live reload: a changed note shows within a second


def editor_command(editor: str, path: Path, line: int) -> list[str]:
    """`$EDITOR +LINE PATH` as an argument list (vi, nano, emacs, micro, code -g all
    take `+LINE`). ValueError if `editor` is not valid shell words."""
    words = shlex.split(editor)
    if not words:
        raise ValueError("it is empty")
    return [*words, f"+{max(1, line)}", str(path)]


def run_editor(command: list[str]) -> str | None:
    """Run the editor in the terminal and wait; a one-line reason if it could not start."""
    try:
        subprocess.run(command, check=False)
    except OSError as error:
        return f"Cannot run the editor {command[0]!r}: {error.strerror or error}"
    return None


@dataclass
class Loaded:
    """What a load produced: the library and, if it opened, the store."""

    library: Library
    store: Store | None
    store_error: str | None
    attachments: Attachments = field(default_factory=Attachments)


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

    class LibraryLoaded(Message):
        def __init__(self, loaded: Loaded, *, reload: bool = False) -> None:
            super().__init__()
            self.loaded = loaded
            self.reload = reload

    class LoadFailed(Message):
        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    class LoadProgress(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

    class StoreChanged(Message):
        """A store write finished; `error` is a one-line reason when it failed."""

        def __init__(
            self, error: str | None = None, done: str | None = None, uid: str | None = None
        ) -> None:
            super().__init__()
            self.error = error
            self.done = done
            self.uid = uid  # the annotation written, when there is one

    class NotesChanged(Message):
        """The notes folder changed on disk."""

    class IndexBuilt(Message):
        def __init__(self, index: SearchIndex) -> None:
            super().__init__()
            self.index = index

    @dataclass(frozen=True)
    class ExportJob:
        """What to export, where and how: enough to run it again with force."""

        selection: Selection
        out: Path
        split: Split | None
        merged: bool

    class Exported(Message):
        """An export finished, or wrote nothing because files exist (`existing`):
        `job` runs it again with force once the user says yes."""

        def __init__(
            self,
            summary: str,
            job: MainScreen.ExportJob,
            *,
            existing: tuple[Path, ...] = (),
            error: bool = False,
        ) -> None:
            super().__init__()
            self.summary = summary
            self.job = job
            self.existing = existing
            self.error = error

    def __init__(
        self,
        root: Path,
        *,
        db_path: Path | None = None,
        watch: bool = True,
        settings: MergeSettings | None = None,
        point_threshold: float = DEFAULT_POINT_THRESHOLD,
    ) -> None:
        super().__init__()
        self.root = root
        self.settings = settings or MergeSettings()
        self.point_threshold = point_threshold
        self.search_index: SearchIndex | None = None
        self._find_matches: list[int] = []  # column * 1_000_000 + row, in reading order
        self.db_path = database_path(db_path)
        self.watch_notes = watch
        self.library: Library | None = None
        self.store: Store | None = None
        self.attachments = Attachments()
        self.tag_filter: tuple[str, ...] = ()
        self.shown: NodeRef | None = None
        self._rows: dict[str, TalkRows] = {}
        self._preview: Timer | None = None
        self._stop_watching = threading.Event()
        self._reopen: ListState | None = None  # the list to show again after a write

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield LibraryTree(id="tree")
            with ContentSwitcher(id="pane", initial="loading"):
                with Vertical(id="loading"):
                    yield Static(
                        Text(f"Reading notes in {sanitize_line(str(self.root))} …"),
                        id="loading-text",
                        markup=False,
                    )
                    yield ProgressBar(id="loading-bar", show_eta=False)
                yield TalkView(id="talk")
                yield EventView(id="event")
                yield ProblemsView(id="problems")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(LibraryTree).focus()
        self.load()
        if self.watch_notes:
            self.watch_folder()

    def on_unmount(self) -> None:
        self._stop_watching.set()

    # ----------------------------------------------------------------- loading

    @work(thread=True, exclusive=True, group="load")
    def load(self, *, reload: bool = False) -> None:
        worker = get_current_worker()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] > 0.1 or done == total:
                last[0] = now
                self.post_message(self.LoadProgress(done, total))

        try:
            library = load_library(
                self.root,
                settings=self.settings,
                progress=progress,
                cancelled=lambda: worker.is_cancelled,
            )
        except LibraryError as error:
            self.post_message(self.LoadFailed(str(error)))
            return
        except LoadCancelled:
            return
        store, store_error = self.store, None
        if store is None:
            try:
                store = Store(self.db_path)
            except StoreError as error:
                store_error = str(error)
        loaded = Loaded(library, store, store_error)
        if store is not None:
            loaded.attachments = attach(library, store.annotations(), store.tag_sets())
        if not worker.is_cancelled:
            self.post_message(self.LibraryLoaded(loaded, reload=reload))

    @on(LoadProgress)
    def _progress(self, message: LoadProgress) -> None:
        self.query_one("#loading-bar", ProgressBar).update(
            total=message.total, progress=message.done
        )

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self.query_one("#loading-text", Static).update(
            Text(f"Cannot read the library: {sanitize_line(message.message)}", "bold red")
        )
        self.query_one("#loading-bar", ProgressBar).display = False

    @on(LibraryLoaded)
    async def _loaded(self, message: LibraryLoaded) -> None:
        loaded = message.loaded
        library = loaded.library
        self.library = library
        self.store = loaded.store
        self.attachments = loaded.attachments
        if loaded.store_error:
            self.notify(
                loaded.store_error + " Annotations are read-only until it is fixed.",
                severity="error",
                timeout=12,
                markup=False,
            )
        self._rows.clear()
        tree = self.query_one(LibraryTree)
        keep = self.shown
        self.shown = None
        tree.set_annotation_counts(self.attachments.counts())
        self._fill_tree(keep)
        if keep is not None and self._resolves(keep):
            await self._restore(keep)
        elif library.talks:
            first = library.talks[0]
            tree.move_to(NodeRef("talk", first.id))
            await self.show(NodeRef("talk", first.id))
        elif library.events:
            await self.show(NodeRef("event", library.events[0].id))
        else:
            self.query_one("#loading-text", Static).update(
                Text(f"No notes found in {sanitize_line(str(self.root))}", "bold")
            )
            self.query_one("#loading-bar", ProgressBar).display = False
        self.index_library()
        if message.reload:
            self.notify("Notes reloaded", timeout=2)

    def _fill_tree(self, keep: NodeRef | None) -> None:
        library = self.library
        if library is None:
            return
        visible = (
            visible_ids(library, self.attachments, self.tag_filter) if self.tag_filter else None
        )
        tree = self.query_one(LibraryTree)
        tree.show_library(library, keep=keep, visible=visible)
        tree.border_title = (
            "filter: " + " ".join(f"#{sanitize_line(t)}" for t in self.tag_filter)
            if self.tag_filter
            else None
        )

    def _resolves(self, ref: NodeRef) -> bool:
        library = self.library
        if library is None:
            return False
        if ref.kind == "talk":
            return library.talk(ref.id) is not None
        if ref.kind in ("event", "event-notes"):
            return library.event(ref.id) is not None
        return ref.kind in ("problems", "problem") and bool(library.problems)

    async def _restore(self, ref: NodeRef) -> None:
        """Show the same talk again after a reload, columns where they were."""
        sources = self._active_sources()
        cursors = [v.cursor for v in sources.point_views()]
        active, merged = sources.active, sources.merged
        library = self.library
        if ref.kind == "talk" and library is not None and (talk := library.talk(ref.id)):
            ref = NodeRef("talk", talk.id)
        self.query_one(LibraryTree).move_to(ref)
        await self.show(ref)
        sources = self._active_sources()
        for view, cursor in zip(sources.point_views(), cursors, strict=False):
            view.move_to(cursor)
        sources.active = min(active, max(0, len(sources.specs) - 1))
        sources.merged = merged

    # ------------------------------------------------------------ live reload

    @work(thread=True, exclusive=True, group="watch")
    def watch_folder(self) -> None:
        from watchfiles import watch

        def is_note(change: object, path: str) -> bool:
            parts = (
                Path(path).relative_to(self.root).parts
                if path.startswith(str(self.root))
                else Path(path).parts
            )
            return not any(p.startswith(".") for p in parts) and is_note_name(Path(path).name)

        try:
            for _changes in watch(
                self.root,
                watch_filter=is_note,
                debounce=_WATCH_DEBOUNCE_MS,
                step=50,
                stop_event=self._stop_watching,
                raise_interrupt=False,
            ):
                self.post_message(self.NotesChanged())
        except (OSError, RuntimeError) as error:
            self.post_message(self.StoreChanged(f"Live reload stopped: {error}"))

    @on(NotesChanged)
    def _notes_changed(self) -> None:
        self.load(reload=True)

    def action_reload(self) -> None:
        self.load(reload=True)

    # ----------------------------------------------------------------- showing

    @on(LibraryTree.Moved)
    def _tree_moved(self, message: LibraryTree.Moved) -> None:
        if self._preview is not None:
            self._preview.stop()
        ref = message.ref
        self._preview = self.set_timer(_PREVIEW_DELAY, lambda: self.run_worker(self.show(ref)))

    @on(LibraryTree.Chosen)
    async def _tree_chosen(self, message: LibraryTree.Chosen) -> None:
        if message.ref != self.shown:
            await self.show(message.ref)
        if message.ref.kind in ("talk", "event", "event-notes"):
            self._active_sources().focus_column(0)

    @on(EventView.TalkChosen)
    async def _event_talk_chosen(self, message: EventView.TalkChosen) -> None:
        await self.open_talk(message.talk_id)

    async def open_talk(
        self, talk_id: str, *, focus: bool = True, line: int | None = None, note: str | None = None
    ) -> None:
        ref = NodeRef("talk", talk_id)
        library = self.library
        if library is not None and (talk := library.talk(talk_id)) is not None:
            ref = NodeRef("talk", talk.id)
        self.query_one(LibraryTree).move_to(ref)
        await self.show(ref)
        if focus:
            self._active_sources().focus_column(0)
        if line is not None:
            self._go_to_line(note, line)

    async def open_event(self, event_id: str) -> None:
        ref = NodeRef("event", event_id)
        self.query_one(LibraryTree).move_to(ref)
        await self.show(ref)

    def _go_to_line(self, note: str | None, line: int) -> None:
        """Scroll the column showing `note` to the point on `line`."""
        sources = self._active_sources()
        for index, spec in enumerate(sources.specs):
            if note is not None and spec.note != note:
                continue
            rows = [
                i for i, row in enumerate(spec.rows) if row.line is not None and row.line <= line
            ]
            if rows or spec.rows:  # above the first point: a speaker or slide line, the header's
                sources.focus_column(index)
                column = sources.column(index)
                if column is not None:
                    column.points.move_to(rows[-1] if rows else 0, top=True)
                    column.points.cursor = rows[-1] if rows else 0
                return

    async def show(self, ref: NodeRef) -> None:
        library = self.library
        if library is None or ref == self.shown:
            return
        switcher = self.query_one("#pane", ContentSwitcher)
        # The columns are about to be replaced. Focus inside them would fall onto
        # whatever Textual picks next (a scroll container, mid-rebuild), so it waits
        # on the tree and comes back to the same column afterwards.
        column = self._park_focus()
        try:
            await self._show(ref, library, switcher)
        finally:
            if column is not None:
                self._active_sources().focus_column(column)

    def _park_focus(self) -> int | None:
        """Move focus out of the reading pane; the column it was in (None: not there)."""
        focused = self.focused
        pane = self.query_one("#pane", ContentSwitcher)
        if focused is None or pane not in focused.ancestors:
            return None
        column = self._active_sources().active
        self.set_focus(self.query_one(LibraryTree), scroll_visible=False)
        return column

    async def _show(self, ref: NodeRef, library: Library, switcher: ContentSwitcher) -> None:
        if ref.kind == "talk" and (talk := library.talk(ref.id)) is not None:
            self.shown = ref
            switcher.current = "talk"
            await self.query_one(TalkView).show_talk(
                talk, library.event_of(talk), self.rows_for(talk)
            )
        elif ref.kind in ("event", "event-notes") and (event := library.event(ref.id)):
            self.shown = ref
            switcher.current = "event"
            await self.query_one(EventView).show_event(event, event_rows(event))
        elif ref.kind in ("problems", "problem"):
            self.shown = ref
            switcher.current = "problems"
            self.query_one(ProblemsView).show_problems(library.problems)
        else:
            return
        self._show_personal()
        self.refresh_bindings()

    def rows_for(self, talk: Talk) -> TalkRows:
        rows = self._rows.get(talk.id)
        if rows is None:
            rows = self._rows[talk.id] = talk_rows(talk, self.point_threshold)
        return rows

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

    def _current_target(self) -> str | None:
        talk = self.current_talk()
        if talk is not None:
            return talk.id
        event = self.current_event()
        return event.id if event is not None else None

    def _active_sources(self) -> SourcesPane:
        pane = self.query_one("#pane", ContentSwitcher).current
        view = self.query_one(EventView) if pane == "event" else self.query_one(TalkView)
        return view.sources

    def _current_point(self) -> tuple[Source, Row] | None:
        """The focused column's source and the point under its cursor."""
        sources = self._active_sources()
        column, row = sources.current_row()
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

    # ------------------------------------------------------------ annotations

    def _show_personal(self) -> None:
        """Tags, annotations and gutter marks for what is shown, from `attachments`."""
        target = self._current_target()
        if target is None:
            return
        placements = self.attachments.for_target(target)
        tags = self.attachments.tags.get(target, ())
        view = self.query_one(TalkView) if self.current_talk() else self.query_one(EventView)
        view.header.show_personal(personal_text(placements, tags))
        talk = self.current_talk()
        if talk is not None:
            for index, column_view in enumerate(view.sources.point_views()):
                if index < len(talk.sources):
                    marks = passage_rows(column_view.rows, placements, talk.sources[index])
                    column_view.set_annotations({row: len(p) for row, p in marks.items()})

    def _after_store_change(self) -> None:
        if self.library is None or self.store is None:
            return
        self.attachments = attach(self.library, self.store.annotations(), self.store.tag_sets())
        self.index_library()
        self.query_one(LibraryTree).set_annotation_counts(self.attachments.counts())
        if self.tag_filter:
            self._fill_tree(self.shown)
        self._show_personal()

    @on(StoreChanged)
    def _store_changed(self, message: StoreChanged) -> None:
        if message.error:
            self.notify(message.error, severity="error", timeout=8, markup=False)
        elif message.done:
            self.notify(message.done, timeout=2, markup=False)
        self._after_store_change()
        reopen, self._reopen = self._reopen, None
        if reopen is not None:
            if message.uid is not None and not message.error:
                reopen = replace(reopen, uid=message.uid)
            self.action_all_annotations(reopen)

    def _writable(self) -> Store | None:
        if self.store is None:
            self.notify(
                "The annotation store could not be opened; run `notetui db check`.",
                severity="error",
                markup=False,
            )
        return self.store

    @work(thread=True, group="store")
    def _write(self, change: str, **kwargs: object) -> None:
        """Run one store change off the UI thread; report how it went."""
        store = self.store
        if store is None:
            return
        try:
            done, uid = getattr(self, f"_store_{change}")(store, **kwargs)
        except StoreError as error:
            self.post_message(self.StoreChanged(error=str(error)))
            return
        except KeyError:  # deleted meanwhile, by the CLI or another notetui
            self.post_message(self.StoreChanged(error="That annotation no longer exists."))
            return
        self.post_message(self.StoreChanged(done=done, uid=uid))

    # Each returns (what to say, the uid of the annotation written or None).

    def _store_add(self, store: Store, **kwargs: object) -> tuple[str, str | None]:
        added = store.add_annotation(**kwargs)  # type: ignore[arg-type]
        return "Annotation saved", added.uid

    def _store_update(self, store: Store, uid: str, text: str) -> tuple[str, str | None]:
        store.update_annotation(uid, text)
        return "Annotation updated", uid

    def _store_delete(self, store: Store, uid: str) -> tuple[str, str | None]:
        store.delete_annotation(uid)
        return "Annotation deleted (ctrl+z to undo)", None

    def _store_undo(self, store: Store) -> tuple[str, str | None]:
        restored = store.undo_delete()
        if restored is None:
            return "Nothing to undo", None
        return "Annotation restored", restored.uid

    def _store_tags(self, store: Store, **kwargs: object) -> tuple[str, str | None]:
        store.set_tags(**kwargs)  # type: ignore[arg-type]
        return "Tags saved", None

    def _store_attach(self, store: Store, uid: str, target_id: str) -> tuple[str, str | None]:
        library = self.library
        assert library is not None
        title, titles, event_title, event_date = target_titles(library, target_id)
        target = "talk" if library.talk(target_id) else "event"
        store.retarget_annotation(
            uid,
            target=target,
            target_id=target_id,
            title=title,
            titles=titles,
            event_title=event_title,
            event_date=event_date,
        )
        return "Annotation attached", uid

    def action_annotate(self) -> None:
        target = self._current_target()
        if target is None or self._writable() is None or self.library is None:
            return
        from notetui.ui.dialogs.annotate import AnnotateDialog

        kind = "talk" if self.library.talk(target) else "event"
        title = target_titles(self.library, target)[0]
        self.app.push_screen(
            AnnotateDialog(sanitize_line(title)), self._saver(kind, target, anchor=None)
        )

    def _saver(self, kind: str, target: str, anchor: Anchor | None) -> Callable[[str | None], None]:
        """What saves the text an AnnotateDialog returns as a new annotation on `target`."""

        def saved(text: str | None) -> None:
            if not text or self.library is None:
                return
            title, titles, event_title, event_date = target_titles(self.library, target)
            self._write(
                "add",
                target=kind,
                target_id=target,
                text=text,
                title=title,
                titles=list(titles),
                event_title=event_title,
                event_date=event_date,
                anchor=anchor,
            )

        return saved

    def action_annotate_passage(self) -> None:
        point = self._current_point()
        target = self._current_target()
        if point is None or target is None or self.library is None:
            self.notify("Move to a point in a column first (tab, then j/k)", timeout=3)
            return
        if self._writable() is None:
            return
        source, row = point
        anchor = passage_anchor(source, row)
        if anchor is None:
            self.notify("This point cannot be annotated", severity="warning", timeout=3)
            return
        from notetui.ui.dialogs.annotate import AnnotateDialog

        existing = [
            p
            for p in self.attachments.for_target(target)
            if p.note == source.note
            and p.annotation.anchor is not None
            and p.line is not None
            and row.line is not None
            and p.line == row.line
        ]
        heading = f"Passage in {sanitize_line(source.note)}, line {row.line}"
        if existing:
            current = existing[0].annotation

            def edited(text: str | None) -> None:
                if text is None:
                    return
                if text.strip():
                    self._write("update", uid=current.uid, text=text)
                else:
                    self._write("delete", uid=current.uid)

            self.app.push_screen(
                AnnotateDialog(heading, context=anchor.quote, initial=current.text), edited
            )
            return
        self.app.push_screen(
            AnnotateDialog(heading, context=anchor.quote),
            self._saver("passage", target, anchor=anchor),
        )

    def action_edit_tags(self) -> None:
        target = self._current_target()
        if target is None or self._writable() is None or self.library is None:
            return
        from notetui.ui.dialogs.tags import TagsDialog

        title, _, event_title, _ = target_titles(self.library, target)
        kind = "talk" if self.library.talk(target) else "event"
        known = sorted(self._tag_counts())

        def saved(tags: tuple[str, ...] | None) -> None:
            if tags is not None:
                self._write(
                    "tags",
                    target=kind,
                    target_id=target,
                    tags=list(tags),
                    title=title,
                    event_title=event_title,
                )

        self.app.push_screen(
            TagsDialog(sanitize_line(title), self.attachments.tags.get(target, ()), known), saved
        )

    def _tag_counts(self) -> dict[str, int]:
        """Tag -> talks and events carrying it, from what was loaded: no disk on the UI
        thread (the store re-reads its file here after another process wrote it)."""
        counts: Counter[str] = Counter()
        for tags in self.attachments.tags.values():
            counts.update(tags)
        for tag_set in self.attachments.orphan_tags:
            counts.update(tag_set.tags)
        return dict(counts)

    def action_filter_tags(self) -> None:
        if self.library is None:
            return
        from notetui.ui.dialogs.pick import TagFilterDialog

        counts = sorted(self._tag_counts().items())

        def chosen(tags: tuple[str, ...] | None) -> None:
            if tags is None:
                return
            self.tag_filter = tags
            self._fill_tree(self.shown)

        self.app.push_screen(TagFilterDialog(counts, self.tag_filter), chosen)

    def action_all_annotations(self, state: ListState | None = None) -> None:
        if self.store is None or self.library is None:
            return
        from notetui.ui.screens.annotations import AnnotationsScreen

        rows = annotation_rows(self.library, self.attachments)
        self.app.push_screen(AnnotationsScreen(rows, state), self._annotation_chosen)

    async def _annotation_chosen(self, action: AnnotationAction | None) -> None:
        """What the user chose in the list. Edits, deletes and attaching come back to
        the list as it was, once written; opening goes to the annotation."""
        if action is None:
            return
        if action.kind == "open" and action.target_id:
            placement = next(
                (p for p in self.attachments.placements if p.annotation.uid == action.uid),
                None,
            )
            line = placement.line if placement else None
            note = placement.note if placement else None
            if self.library and self.library.talk(action.target_id):
                await self.open_talk(action.target_id, line=line, note=note)
            else:
                await self.open_event(action.target_id)
        elif action.kind == "delete":
            self._write_then_list("delete", action.state, uid=action.uid)
        elif action.kind == "undo":
            self._write_then_list("undo", action.state)
        elif action.kind == "edit":
            self._edit_annotation(action.uid, action.state)
        elif action.kind == "attach":
            self._attach_annotation(action.uid, action.state)

    def _write_then_list(self, change: str, state: ListState, **kwargs: object) -> None:
        """Write, then show the list again (when the write has landed)."""
        if self._writable() is None:
            self.action_all_annotations(state)
            return
        self._reopen = state
        self._write(change, **kwargs)

    def _edit_annotation(self, uid: str, state: ListState) -> None:
        annotation = next(
            (p.annotation for p in self.attachments.placements if p.annotation.uid == uid), None
        )
        if annotation is None:
            return
        from notetui.ui.dialogs.annotate import AnnotateDialog

        def edited(text: str | None) -> None:
            if text is None:
                self.action_all_annotations(state)
            else:
                self._write_then_list("update", state, uid=uid, text=text)

        quote = annotation.anchor.quote if annotation.anchor else ""
        self.app.push_screen(
            AnnotateDialog(
                sanitize_line(annotation.title or "Annotation"),
                context=quote,
                initial=annotation.text,
            ),
            edited,
        )

    def _attach_annotation(self, uid: str, state: ListState) -> None:
        library = self.library
        if library is None:
            return
        from notetui.ui.dialogs.pick import TalkPicker

        choices = [
            (talk.id, f"{library.event_of(talk).date or '—'}  {sanitize_line(talk.title)}")
            for talk in library.talks
        ]

        def picked(talk_id: str | None) -> None:
            if talk_id:
                self._write_then_list("attach", state, uid=uid, target_id=talk_id)
            else:
                self.action_all_annotations(state)

        self.app.push_screen(TalkPicker(choices, "Attach the annotation to which talk?"), picked)

    def action_undo_delete(self) -> None:
        if self._writable() is not None:
            self._write("undo")

    # ----------------------------------------------------------------- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        loaded = self.library is not None
        if action in ("next_talk", "previous_talk"):
            return bool(self.library and self.library.talks)
        if action == "open_slides":
            talk = self.current_talk()
            event = self.current_event()
            return bool(talk and talk.slides) or bool(
                self.shown and self.shown.kind == "event" and event and event.url
            )
        if action == "previous_match":
            return bool(self._find_matches)
        if action == "close_find":
            return self.query_one(TalkView).query_one(FindBar).is_open
        if action in ("toggle_merged", "find"):
            return self.current_talk() is not None
        if action in ("annotate", "edit_tags", "export", "copy"):
            return loaded and self._current_target() is not None
        if action in ("annotate_passage", "edit_note"):
            return loaded and self.shown is not None and self.shown.kind != "problems"
        if action in ("all_annotations", "filter_tags", "undo_delete", "search", "reload"):
            return loaded
        return True

    async def action_next_talk(self) -> None:
        if self._find_matches:  # while finding in a talk, n goes to the next match
            self.action_next_match()
            return
        await self._step_talk(+1)

    async def action_previous_talk(self) -> None:
        await self._step_talk(-1)

    async def _step_talk(self, step: int) -> None:
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
        focused_columns = self.focused is not None and not isinstance(self.focused, LibraryTree)
        await self.open_talk(target.id, focus=focused_columns)

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
        tree = self.query_one(LibraryTree)
        stops: list[Widget] = [tree]
        sources: SourcesPane | None = None
        pane = self.query_one("#pane", ContentSwitcher).current
        if pane in ("talk", "event"):
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
        point = self._current_point()
        talk = self.current_talk()
        focused_tree = isinstance(self.focused, LibraryTree)
        if point is not None and not focused_tree:
            text = point[1].text
            what = "point"
        elif talk is not None and self.library is not None:
            text = talk_markdown(talk, self.library.event_of(talk))
            what = "talk"
        else:
            return
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied the {what} as Markdown", timeout=2)

    def action_edit_note(self) -> None:
        """Open the focused column's note in $VISUAL/$EDITOR at the point's line."""
        point = self._current_point()
        talk = self.current_talk()
        if point is not None:
            source, row = point
            note, line = source.note, row.line or source.section.line
        elif talk is not None and talk.sources:
            note, line = talk.sources[0].note, talk.sources[0].section.line
        else:
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not editor:
            self.notify("Set $VISUAL or $EDITOR to edit notes", severity="warning", timeout=4)
            return
        try:
            command = editor_command(editor, self.root / note, line)
        except ValueError as error:
            self.notify(f"$EDITOR cannot be parsed: {error}", severity="error", markup=False)
            return
        try:
            with self.app.suspend():
                failed = run_editor(command)
        except SuspendNotSupported:
            self.notify(
                "This terminal cannot hand over to an editor; run: " + shlex.join(command),
                severity="warning",
                timeout=10,
                markup=False,
            )
            return
        if failed:
            self.notify(failed, severity="error", markup=False)
            return
        self.load(reload=True)  # pick up the edit at once, watching or not

    # ------------------------------------------------------------------ search

    @work(thread=True, exclusive=True, group="index")
    def index_library(self) -> None:
        """Build the search index off the UI thread; `/` uses it when it is ready."""
        library = self.library
        if library is None:
            return
        index = build_index(library, self.attachments)
        if not get_current_worker().is_cancelled:
            self.post_message(self.IndexBuilt(index))

    @on(IndexBuilt)
    def _index_built(self, message: IndexBuilt) -> None:
        self.search_index = message.index

    def action_search(self) -> None:
        library = self.library
        if library is None:
            return
        index = self.search_index or build_index(library, self.attachments)
        self.search_index = index
        from notetui.ui.screens.search import SearchScreen

        titles = {talk.id: talk.title for talk in library.talks}
        titles.update({event.id: event.title for event in library.events})

        async def chosen(hit: SearchHit | None) -> None:
            if hit is None or self.library is None:
                return
            target = hit.doc.target_id
            talk = self.library.talk(target)
            if talk is not None:
                await self.open_talk(talk.id, line=hit.line, note=hit.doc.note)
            elif self.library.event(target) is not None:
                await self.open_event(target)
                if hit.line is not None:
                    self._go_to_line(hit.doc.note, hit.line)

        self.app.push_screen(SearchScreen(index, titles=titles), chosen)

    # --------------------------------------------------------- find in talk

    def action_find(self) -> None:
        self.query_one(TalkView).query_one(FindBar).open()

    @on(FindBar.Changed)
    def _find_changed(self, message: FindBar.Changed) -> None:
        self._find(message.query)
        if self._find_matches:
            self._go_to_match(0)

    @on(FindBar.Submitted)
    def _find_submitted(self, message: FindBar.Submitted) -> None:
        self._find(message.query)
        if self._find_matches:
            self._go_to_match(0)
        self._active_sources().focus_column(self._active_sources().active)

    @on(FindBar.Closed)
    def _find_closed(self) -> None:
        self._find("")
        sources = self._active_sources()
        sources.focus_column(sources.active)

    def action_close_find(self) -> None:
        """escape while reading the matches: the same as escape in the bar."""
        self.query_one(TalkView).query_one(FindBar).close()

    def _find(self, query: str) -> None:
        """Highlight the points matching `query` in every column of the talk."""
        sources = self.query_one(TalkView).sources
        matches: list[int] = []
        for index, view in enumerate(sources.point_views()):
            rows = find_rows([row.text for row in view.rows], query) if query.strip() else []
            view.matches = set(rows)
            view.refresh()
            matches.extend(index * 1_000_000 + row for row in rows)
        self._find_matches = sorted(matches)
        bar = self.query_one(TalkView).query_one(FindBar)
        bar.show_count(len(matches) if query.strip() else None)  # nothing asked: say nothing
        self.refresh_bindings()

    def _go_to_match(self, position: int) -> None:
        if not self._find_matches:
            return
        position %= len(self._find_matches)
        match = self._find_matches[position]
        column, row = divmod(match, 1_000_000)
        sources = self.query_one(TalkView).sources
        view = sources.column(column)
        if view is not None:
            sources.active = column
            view.points.move_to(row)
            view.points.cursor = row
        self.query_one(TalkView).query_one(FindBar).show_count(len(self._find_matches), position)

    def _current_match(self) -> int:
        sources = self.query_one(TalkView).sources
        column = sources.column(sources.active)
        if column is None:
            return -1
        here = sources.active * 1_000_000 + column.points.cursor
        return next((i for i, m in enumerate(self._find_matches) if m == here), -1)

    def action_next_match(self) -> None:
        self._go_to_match(self._current_match() + 1)

    def action_previous_match(self) -> None:
        self._go_to_match(self._current_match() - 1)

    # ----------------------------------------------------------------- export

    def action_export(self) -> None:
        library = self.library
        if library is None:
            return
        from notetui.core.export.markdown import Selection, describe, select
        from notetui.core.locations import export_dir
        from notetui.ui.dialogs.export import ExportDialog

        if isinstance(self.focused, LibraryTree) and self.tag_filter:
            selection = Selection(tags=self.tag_filter)
        elif (talk := self.current_talk()) is not None:
            selection = Selection(talks=(talk.id,))
        elif (event := self.current_event()) is not None:
            selection = Selection(events=(event.id,))
        else:
            return
        chosen = select(library, self.attachments, selection)
        if not chosen:
            self.notify("Nothing to export", severity="warning", timeout=3)
            return
        talks = sum(len(c.talks) for c in chosen)

        def go(request: ExportRequest | None) -> None:
            if request is not None:
                job = self.ExportJob(selection, request.out, request.split, request.merged)
                self._export(job, force=False)

        self.app.push_screen(ExportDialog(describe(chosen), export_dir(), talks), go)

    @work(thread=True, group="export")
    def _export(self, job: ExportJob, *, force: bool) -> None:
        from notetui.core.export.markdown import ExportError, export_library

        library = self.library
        if library is None:
            return
        try:
            result = export_library(
                library,
                self.attachments,
                job.selection,
                job.out,
                split=job.split,
                merged=job.merged,
                force=force,
            )
        except ExportError as error:
            self.post_message(self.Exported(str(error), job, error=True))
            return
        except OSError as error:  # a folder that cannot be made, a full disk
            reason = error.strerror or str(error)
            self.post_message(
                self.Exported(f"Cannot export to {job.out}: {reason}", job, error=True)
            )
            return
        self.post_message(self.Exported(result.summary(), job, existing=tuple(result.existing)))

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        if message.error:
            self.notify(message.summary, severity="error", timeout=8, markup=False)
            return
        if not message.existing:
            self.notify(message.summary, title="Exported", timeout=8, markup=False)
            return
        from notetui.ui.dialogs.confirm import ConfirmDialog

        job = message.job
        count = len(message.existing)

        def answer(overwrite: bool | None) -> None:
            if overwrite:
                self._export(job, force=True)
            else:
                self.notify("Nothing was exported", timeout=3)

        first = sanitize_line(str(message.existing[0]))
        files = "A file exists" if count == 1 else f"{count} files exist"
        question = f"{files} with other content, e.g. {first}. Overwrite?"
        self.app.push_screen(ConfirmDialog(question), answer)
