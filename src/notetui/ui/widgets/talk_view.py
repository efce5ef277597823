"""The reading pane for one talk: its header above every author's notes."""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.containers import Vertical

from notetui.core.models import Event, Talk
from notetui.ui.rows import TalkRows
from notetui.ui.widgets.columns import SourcesPane
from notetui.ui.widgets.find_bar import FindBar
from notetui.ui.widgets.talk_header import TalkHeader


class TalkView(Vertical):
    DEFAULT_CSS = """
    TalkView { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.talk: Talk | None = None
        self._showing = asyncio.Lock()  # one talk at a time: shows remount the columns

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

    async def show_talk(self, talk: Talk, event: Event, rows: TalkRows) -> None:
        """Show `talk`; a second call while one runs waits its turn (the last one wins)."""
        async with self._showing:
            if self.talk is not None and self.talk.id != talk.id:
                self.query_one(FindBar).close()
            self.talk = talk
            await self.header.show_talk(talk, event)
            await self.sources.show(rows.columns, rows.alignment, rows.merged)
