"""What the reader shows when a library arrives.

Three cases: the first load (its first talk), a reload (the same talk again, columns
where they were), and the full library behind a tree drawn from the cache's outline
(what the cursor is on, or what enter chose on the outline before the library was in).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from notetui.ui.widgets.footer import KeyFooter
from notetui.ui.widgets.library_tree import LibraryTree, NodeRef, ref_exists

if TYPE_CHECKING:
    from textual.css.query import QueryType

    from notetui.core.annotations.anchoring import Attachments
    from notetui.core.models import Library
    from notetui.ui.widgets.reading_pane import ReadingPane

# Nodes whose enter moves focus into the reading pane's first column.
OPENED_INTO_COLUMNS = ("talk", "event", "event-notes")


class Reader(Protocol):
    """What the arrival needs of the reader screen."""

    library: Library | None
    attachments: Attachments | None
    tag_filter: tuple[str, ...]
    shown: NodeRef | None

    @property
    def pane(self) -> ReadingPane: ...

    def query_one(self, selector: type[QueryType]) -> QueryType: ...
    def show(self, ref: NodeRef) -> None: ...
    def open_talk(self, talk_id: str, *, focus: bool = True) -> None: ...
    def open_event(self, event_id: str) -> None: ...


class Arrival:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self._chosen_early: NodeRef | None = None  # enter on the outline, before the library
        self._focus_when_filled = False  # into the talk's columns once they are filled

    def choose_early(self, ref: NodeRef) -> None:
        """Enter on the outline's tree: opened once the library is in."""
        self._chosen_early = ref

    def take_focus_when_filled(self) -> bool:
        """Whether the talk's columns, now filled, should take focus (once)."""
        wanted, self._focus_when_filled = self._focus_when_filled, False
        return wanted

    def show(self, library: Library) -> None:
        """Show `library`, just loaded or reloaded, in place of what was shown."""
        reader = self.reader
        tree = reader.query_one(LibraryTree)
        if tree.outline is not None:  # the first picture: swapped for the library
            self._replace_outline(tree, library)
            return
        keep, reader.shown = reader.shown, None
        self.fill_tree(keep)
        if keep is not None and ref_exists(library, keep):
            self._restore(keep)
        else:
            self._open_first(library)

    def fill_tree(self, keep: NodeRef | None) -> None:
        reader = self.reader
        if reader.library is not None:
            tree = reader.query_one(LibraryTree)
            tree.show_filtered(reader.library, reader.attachments, reader.tag_filter, keep=keep)
            reader.query_one(KeyFooter).show_filter(tree.filter_summary)

    def _replace_outline(self, tree: LibraryTree, library: Library) -> None:
        """The full library behind the tree the outline drew: the cursor, the open
        events and the scroll stay."""
        reader = self.reader
        cursor = tree.cursor_node.data if tree.cursor_node is not None else None
        chosen, self._chosen_early = self._chosen_early, None
        tree.take_library(library, reader.attachments, reader.tag_filter)
        reader.query_one(KeyFooter).show_filter(tree.filter_summary)
        wanted = chosen or cursor
        if wanted is None or not ref_exists(library, wanted):
            self._open_first(library)
            return
        reader.show(wanted)
        if chosen is not None and chosen.kind in OPENED_INTO_COLUMNS:
            reader.pane.sources.focus_column(0)
            self._focus_when_filled = True  # a talk's columns may come a moment later

    def _restore(self, ref: NodeRef) -> None:
        """Show the same talk again after a reload, columns where they were."""
        reader = self.reader
        place = reader.pane.place()
        reader.query_one(LibraryTree).move_to(ref)
        reader.show(ref)
        reader.pane.go_back_to(place)

    def _open_first(self, library: Library) -> None:
        if library.talks:
            self.reader.open_talk(library.talks[0].id, focus=False)
        elif library.events:
            self.reader.open_event(library.events[0].id)
        else:
            self.reader.pane.loader.show_empty()
