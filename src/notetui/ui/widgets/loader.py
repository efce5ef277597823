"""Reading the library: the loading pane, its worker, and watching the folder.

The library, then the annotation store, load in a thread worker, so the first paint
never waits for the disk; the results are posted up as `LibraryLoaded` and then
`StoreOpened`. Everything heavy (the parser, merging, the store) is imported in the
worker, after the first paint.

A start draws the tree from the cache's light part first: the worker reads the
outline (event and talk titles, tens of milliseconds at 10,000 notes) and posts it as
`LibraryOutlined`, waits until the screen has drawn it, then loads the full library,
which the screen swaps in behind the same tree.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import ProgressBar, Static
from textual.worker import get_current_worker

from notetui.core.text import sanitize_line
from notetui.ui.messages import (
    IndexBuilt,
    LibraryLoaded,
    LibraryOutlined,
    LoadFailed,
    NotesChanged,
    StoreChanged,
    StoreOpened,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from notetui.core.annotations.anchoring import Attachments
    from notetui.core.annotations.files import StoreSignature
    from notetui.core.annotations.service import AnnotationService
    from notetui.core.annotations.store import Store
    from notetui.core.merge.merging import MergeSettings
    from notetui.core.models import Library

_PROGRESS_EVERY = 0.1  # seconds between progress updates
_WATCH_DEBOUNCE_MS = 300  # live reload: a changed note shows within a second
_STORE_POLL = 0.25  # seconds between two looks at the store's files (two stats)
# The longest the worker waits for the outline to be drawn before loading on: the
# full load holds the interpreter (unpickling), so it goes after the first paint.
_OUTLINE_DRAWN_WAIT = 1.0


@dataclass
class _Progress(Message):
    done: int
    total: int


class LibraryLoader(Vertical):
    """ "Reading notes in …" and a progress bar, while the worker reads them."""

    def __init__(
        self,
        root: Path,
        db_path: Path,
        settings: MergeSettings | None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.root = root
        self.db_path = db_path
        self.settings = settings
        self._stop_watching = threading.Event()
        self._store_timer: Timer | None = None
        self._store_reading: object = None  # the store signature being read now

    def compose(self) -> ComposeResult:
        yield Static(
            Text(f"Reading notes in {sanitize_line(str(self.root))} …"),
            id="loading-text",
            markup=False,
        )
        yield ProgressBar(id="loading-bar", show_eta=False)

    def on_unmount(self) -> None:
        self._stop_watching.set()

    @work(thread=True, exclusive=True, group="load", description="loading the library")
    def load(self, *, reload: bool = False, store: Store | None = None) -> None:
        """Read the library, then open the store (unless `store` is already open)."""
        if not reload:
            self._post_outline()  # first: importing the parser and the store takes a while
        from notetui.core.annotations.anchoring import Attachments
        from notetui.core.annotations.service import AnnotationService
        from notetui.core.annotations.store import Store, StoreError
        from notetui.core.load.library import LibraryError, LoadCancelled, load_library

        worker = get_current_worker()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] > _PROGRESS_EVERY or done == total:
                last[0] = now
                self.post_message(_Progress(done, total))

        try:
            library = load_library(
                self.root,
                settings=self.settings,
                progress=progress,
                cancelled=lambda: worker.is_cancelled,
            )
        except LibraryError as error:
            self.post_message(LoadFailed(str(error)))
            return
        except LoadCancelled:
            return
        if worker.is_cancelled:
            return
        self.post_message(LibraryLoaded(library, reload=reload))
        problem: str | None = None
        if store is None:
            try:
                store = Store(self.db_path)
            except StoreError as error:
                problem = str(error)
        attachments = Attachments()
        service = None if store is None else AnnotationService(store, library)
        signature = None
        if service is not None:
            try:
                signature = service.signature()  # first: a change after it is seen
                attachments = service.attachments()
            except StoreError as error:
                problem = str(error)
        if not worker.is_cancelled:
            self.post_message(StoreOpened(library, service, attachments, problem, signature))

    def _post_outline(self) -> None:
        """The tree's first picture from the cache, drawn before the full load starts."""
        from notetui.core.load.outline import read_outline

        outline = read_outline(self.root)
        if outline is None or not outline.events:
            return
        drawn = threading.Event()
        self.post_message(LibraryOutlined(outline, drawn))
        drawn.wait(_OUTLINE_DRAWN_WAIT)

    @work(thread=True, exclusive=True, group="index", description="indexing for search")
    def index(self, library: Library | None, attachments: Attachments) -> None:
        """Build the search index for `library`; `IndexBuilt` brings it."""
        from notetui.core.search.docs import build_index

        if library is not None:
            index = build_index(library, attachments)
            if not get_current_worker().is_cancelled:
                self.post_message(IndexBuilt(index))

    @on(_Progress)
    def _show_progress(self, message: _Progress) -> None:
        message.stop()
        self.query_one("#loading-bar", ProgressBar).update(
            total=message.total, progress=message.done
        )

    def show_failure(self, reason: str) -> None:
        self.query_one("#loading-text", Static).update(
            Text(f"Cannot read the library: {sanitize_line(reason)}", "bold red")
        )
        self.query_one("#loading-bar", ProgressBar).display = False

    def show_empty(self) -> None:
        self.query_one("#loading-text", Static).update(
            Text(f"No notes found in {sanitize_line(str(self.root))}", "bold")
        )
        self.query_one("#loading-bar", ProgressBar).display = False

    def watch_store(self, service: AnnotationService, seen: Callable[[], object]) -> None:
        """Post `StoreChanged` when the store's files change: the CLI or a second
        window wrote to it. Each look is two stats, on a timer (a worker that never
        ended would keep "every worker done" from ever being true); the store is read
        again in a worker only when they changed. `seen()` is the signature the reader
        last read: its own writes read the store again already."""
        from notetui.core.annotations.errors import StoreError

        if self._store_timer is not None:
            self._store_timer.stop()
        failing = [False]

        def look() -> None:
            try:
                now = service.signature()
            except StoreError as error:
                if not failing[0]:  # said once, until the store can be read again
                    failing[0] = True
                    self.notify(str(error), severity="error", timeout=8, markup=False)
                return
            failing[0] = False
            if now != seen() and now != self._store_reading:
                self._store_reading = now
                self._read_store(service, now)

        self._store_timer = self.set_interval(_STORE_POLL, look, name="store watch")

    @work(thread=True, exclusive=True, group="store-read", description="reading the store")
    def _read_store(self, service: AnnotationService, signature: StoreSignature) -> None:
        from notetui.core.annotations.errors import StoreError

        try:
            attachments = service.attachments()
        except StoreError as error:
            self.app.call_from_thread(
                self.notify, str(error), severity="error", timeout=8, markup=False
            )
            return
        if not get_current_worker().is_cancelled:
            self.post_message(StoreChanged(service, attachments, signature))

    @work(thread=True, exclusive=True, group="watch", description="watching the notes")
    def watch_folder(self) -> None:
        """Post `NotesChanged` when a note in the folder changes (hidden files aside)."""
        from watchfiles import watch

        from notetui.core.load.files import is_note_name

        root = str(self.root)

        def is_note(_change: object, path: str) -> bool:
            where = Path(path)
            parts = where.relative_to(self.root).parts if path.startswith(root) else where.parts
            return not any(p.startswith(".") for p in parts) and is_note_name(where.name)

        try:
            for _changes in watch(
                self.root,
                watch_filter=is_note,
                debounce=_WATCH_DEBOUNCE_MS,
                step=50,
                stop_event=self._stop_watching,
                raise_interrupt=False,
            ):
                self.post_message(NotesChanged())
        except (OSError, RuntimeError) as error:
            self.app.call_from_thread(
                self.notify, f"Live reload stopped: {error}", severity="error", markup=False
            )
