"""`/`: search the library, and go to the hit chosen.

The index is built in the loading pane's worker: when the library loads if it is
small, else on the first search (the search screen searches once it comes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from textual.app import App

from notetui.core.models import Library

if TYPE_CHECKING:
    from notetui.core.annotations.anchoring import Attachments
    from notetui.core.search.index import SearchHit, SearchIndex
    from notetui.ui.widgets.reading_pane import ReadingPane


class Reader(Protocol):
    """What the searcher needs of the reader screen."""

    library: Library | None
    search_index: SearchIndex | None

    @property
    def app(self) -> App[object]: ...
    @property
    def pane(self) -> ReadingPane: ...

    def attachments_now(self) -> Attachments: ...
    def open_talk(self, talk_id: str, *, line: int | None, note: str | None) -> None: ...
    def open_event(self, event_id: str) -> None: ...


class Searcher:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    def index(self) -> None:
        self.reader.pane.loader.index(self.reader.library, self.reader.attachments_now())

    def keep(self, index: SearchIndex) -> None:
        """The index came: kept, and handed to the search screen if it is open."""
        from notetui.ui.screens.search import SearchScreen

        self.reader.search_index = index
        if isinstance(self.reader.app.screen, SearchScreen):
            self.reader.app.screen.use_index(index)

    def search(self) -> None:
        """`/`: search the library; a big one is indexed now, on its first search."""
        from notetui.ui.screens.search import SearchScreen, target_titles

        library = self.reader.library
        if library is None:
            return
        if self.reader.search_index is None:
            self.index()  # the screen searches once the index comes
        screen = SearchScreen(self.reader.search_index, titles=target_titles(library))
        self.reader.app.push_screen(screen, self._open_hit)

    def _open_hit(self, hit: SearchHit | None) -> None:
        library = self.reader.library
        if hit is None or library is None:
            return
        target = hit.doc.target_id
        if (talk := library.talk(target)) is not None:
            self.reader.open_talk(talk.id, line=hit.line, note=hit.doc.note)
        elif library.event(target) is not None:
            self.reader.open_event(target)
            if hit.line is not None:
                self.reader.pane.go_to_line(hit.doc.note, hit.line)
