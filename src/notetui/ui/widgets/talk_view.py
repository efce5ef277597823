"""The reading pane for one talk: its header above every author's notes, and the
find bar (ctrl+f) that highlights points in every column and moves through them.

The header is filled at once, in the same frame as the key that asked for the talk,
and so are the columns when the talk's rows were computed ahead. Otherwise they
follow after the next refresh, with whatever talk is wanted by then: a burst of `n`
draws the headers it passes but aligns and fills the columns once, for the last.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message

from notetui.core.models import Event, Talk
from notetui.ui.rows import TalkRows
from notetui.ui.widgets.columns import SourcesPane
from notetui.ui.widgets.find_bar import FindBar, find_rows
from notetui.ui.widgets.talk_header import TalkHeader


class TalkView(Vertical):
    DEFAULT_CSS = """
    TalkView { height: 1fr; }
    """

    class Filled(Message):
        """The columns now show the talk in the header."""

        def __init__(self, view: TalkView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.talk: Talk | None = None
        self.rows: TalkRows | None = None  # what the columns show now
        self._wanted: tuple[str, Callable[[], TalkRows]] | None = None  # what they show next
        self._filling = False
        self._matches: list[tuple[int, int]] = []  # (column, row) found, in reading order

    def compose(self) -> ComposeResult:
        yield TalkHeader()
        yield SourcesPane()
        yield FindBar()

    @property
    def header(self) -> TalkHeader:
        return self.query_one(TalkHeader)

    @property
    def sources(self) -> SourcesPane:
        return self.query_one(SourcesPane)

    @property
    def pending(self) -> bool:
        """True while the columns still show another talk than the header."""
        return self._wanted is not None

    def show_talk(
        self, talk: Talk, event: Event, rows: Callable[[], TalkRows], *, ready: bool
    ) -> None:
        """Show `talk`: its header now; its columns now too when its rows are `ready`
        (computed ahead), else after the next refresh. `rows` is called then, so a
        talk passed over in a burst of keys is never aligned."""
        if self.talk is not None and self.talk.id != talk.id:
            self.query_one(FindBar).close()
        self.talk = talk
        self.header.show_talk(talk, event)
        self._wanted = (talk.id, rows)
        if ready:
            self._fill()
        elif not self._filling:
            self._filling = True
            self.call_after_refresh(self._fill)

    def fill_now(self) -> None:
        """Fill the columns at once (before reading them, e.g. to move to a line)."""
        self._fill()

    def _fill(self) -> None:
        self._filling = False
        wanted, self._wanted = self._wanted, None
        if wanted is None or self.talk is None or wanted[0] != self.talk.id:
            return
        rows = wanted[1]()
        if rows is self.rows:
            return  # the same talk again: the columns show it already
        self.rows = rows
        self._matches = []
        self.sources.show(rows.columns, rows.alignment, rows.merged)
        self.post_message(self.Filled(self))

    # ------------------------------------------------------------- find in talk

    @property
    def find_bar(self) -> FindBar:
        return self.query_one(FindBar)

    @property
    def finding(self) -> bool:
        """True while there are matches to move through (n and N go to them)."""
        return bool(self._matches)

    @on(FindBar.Changed)
    def _find_changed(self, message: FindBar.Changed) -> None:
        message.stop()
        self._find(message.query)
        self._go_to_match(0)

    @on(FindBar.Submitted)
    def _find_submitted(self, message: FindBar.Submitted) -> None:
        message.stop()
        self._find(message.query)
        self._go_to_match(0)
        self.sources.focus_column(self.sources.active)

    @on(FindBar.Closed)
    def _find_closed(self, message: FindBar.Closed) -> None:
        message.stop()
        self._find("")
        self.sources.focus_column(self.sources.active)

    def _find(self, query: str) -> None:
        """Highlight the points matching `query` in every column of the talk."""
        self.fill_now()
        matches: list[tuple[int, int]] = []
        for column, view in enumerate(self.sources.point_views()):
            rows = find_rows([row.text for row in view.rows], query) if query.strip() else []
            view.matches = set(rows)
            view.refresh()
            matches.extend((column, row) for row in rows)
        self._matches = sorted(matches)
        self.find_bar.show_count(len(matches) if query.strip() else None)  # nothing asked
        self.screen.refresh_bindings()

    def _go_to_match(self, position: int) -> None:
        if not self._matches:
            return
        position %= len(self._matches)
        column, row = self._matches[position]
        view = self.sources.column(column)
        if view is not None:
            self.sources.active = column
            view.points.move_to(row)
            view.points.cursor = row
        self.find_bar.show_count(len(self._matches), position)

    def _current_match(self) -> int:
        sources = self.sources
        column = sources.column(sources.active)
        if column is None:
            return -1
        here = (sources.active, column.points.cursor)
        return next((i for i, match in enumerate(self._matches) if match == here), -1)

    def next_match(self) -> None:
        self._go_to_match(self._current_match() + 1)

    def previous_match(self) -> None:
        self._go_to_match(self._current_match() - 1)
