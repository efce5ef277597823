"""The reader: the library tree on the left, the selected talk or event on the right.

The library loads in a thread worker, so the first paint never waits for the disk.
Widgets below report what the user did with messages; this screen decides what to
show and hands it down.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Footer, ProgressBar, Static
from textual.worker import get_current_worker

from notetui.core.library import LibraryError, load_library
from notetui.core.models import Event, Library, Talk
from notetui.core.text import sanitize_line
from notetui.viewmodel import TalkRows, event_rows, talk_rows
from notetui.widgets.columns import SourcesPane
from notetui.widgets.event_view import EventView
from notetui.widgets.library_tree import LibraryTree, NodeRef
from notetui.widgets.problems_view import ProblemsView
from notetui.widgets.talk_view import TalkView

_PREVIEW_DELAY = 0.08  # seconds the tree cursor rests before the pane follows it


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("n", "next_talk", "Next talk", id="talk.next"),
        Binding("p", "previous_talk", "Prev talk", id="talk.previous"),
        Binding("m", "toggle_merged", "Merged", id="view.merged"),
        Binding("s", "toggle_sync", "Sync", id="view.sync"),
        Binding("o", "open_slides", "Slides", id="talk.slides"),
        Binding("left_square_bracket", "previous_column", "Prev column", key_display="[",
                id="column.previous"),
        Binding("right_square_bracket", "next_column", "Next column", key_display="]",
                id="column.next"),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="focus.next"),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False,
                id="focus.previous"),
    ]

    class LibraryLoaded(Message):
        def __init__(self, library: Library) -> None:
            super().__init__()
            self.library = library

    class LoadFailed(Message):
        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    class LoadProgress(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        self.library: Library | None = None
        self.shown: NodeRef | None = None
        self._rows: dict[str, TalkRows] = {}
        self._preview: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield LibraryTree(id="tree")
            with ContentSwitcher(id="pane", initial="loading"):
                with Vertical(id="loading"):
                    yield Static(Text(f"Reading notes in {sanitize_line(str(self.root))} …"),
                                 id="loading-text", markup=False)
                    yield ProgressBar(id="loading-bar", show_eta=False)
                yield TalkView(id="talk")
                yield EventView(id="event")
                yield ProblemsView(id="problems")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(LibraryTree).focus()
        self.load()

    # ----------------------------------------------------------------- loading

    @work(thread=True, exclusive=True, group="load")
    def load(self) -> None:
        worker = get_current_worker()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] > 0.1 or done == total:
                last[0] = now
                self.post_message(self.LoadProgress(done, total))

        try:
            library = load_library(self.root, progress=progress)
        except LibraryError as error:
            self.post_message(self.LoadFailed(str(error)))
            return
        if not worker.is_cancelled:
            self.post_message(self.LibraryLoaded(library))

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
        library = message.library
        self.library = library
        self._rows.clear()
        tree = self.query_one(LibraryTree)
        tree.show_library(library)
        if library.talks:
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

    async def open_talk(self, talk_id: str, *, focus: bool = True) -> None:
        ref = NodeRef("talk", talk_id)
        self.query_one(LibraryTree).move_to(ref)
        await self.show(ref)
        if focus:
            self._active_sources().focus_column(0)

    async def open_event(self, event_id: str) -> None:
        ref = NodeRef("event", event_id)
        self.query_one(LibraryTree).move_to(ref)
        await self.show(ref)

    async def show(self, ref: NodeRef) -> None:
        library = self.library
        if library is None or ref == self.shown:
            return
        switcher = self.query_one("#pane", ContentSwitcher)
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

    def rows_for(self, talk: Talk) -> TalkRows:
        rows = self._rows.get(talk.id)
        if rows is None:
            rows = self._rows[talk.id] = talk_rows(talk)
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

    def _active_sources(self) -> SourcesPane:
        pane = self.query_one("#pane", ContentSwitcher).current
        view = self.query_one(EventView) if pane == "event" else self.query_one(TalkView)
        return view.sources

    # ----------------------------------------------------------------- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next_talk", "previous_talk"):
            return bool(self.library and self.library.talks)
        if action == "open_slides":
            talk = self.current_talk()
            return bool(talk and talk.slides) or bool(
                self.shown and self.shown.kind == "event" and (e := self.current_event()) and e.url
            )
        if action in ("toggle_merged",):
            return self.current_talk() is not None
        return True

    async def action_next_talk(self) -> None:
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
