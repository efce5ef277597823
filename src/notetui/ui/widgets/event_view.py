"""The reading pane for an event: its own notes (schedule, impressions, links)
side by side, and its talks below."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from notetui.core.models import Event
from notetui.core.text import sanitize_line
from notetui.ui.rows import SourceRows
from notetui.ui.widgets.columns import SourcesPane
from notetui.ui.widgets.library_tree import talk_label
from notetui.ui.widgets.talk_header import TalkHeader


class EventView(Vertical):
    DEFAULT_CSS = """
    EventView { height: 1fr; }
    EventView > SourcesPane { height: 1fr; }
    EventView > SourcesPane.-empty { display: none; }
    EventView > #event-talks-title { height: 1; padding: 0 1; background: $panel;
                                     text-style: bold; }
    EventView > #event-talks {
        height: auto; max-height: 40%; border: none; text-wrap: nowrap; text-overflow: ellipsis;
    }
    EventView > SourcesPane.-narrow > #point-info { display: none; }
    EventView.-no-sections > #event-talks { max-height: 100%; height: 1fr; }
    """

    class TalkChosen(Message):
        def __init__(self, talk_id: str) -> None:
            super().__init__()
            self.talk_id = talk_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.event: Event | None = None

    def compose(self) -> ComposeResult:
        yield TalkHeader()
        yield SourcesPane()
        yield Static(id="event-talks-title", markup=False)
        yield OptionList(id="event-talks")

    @property
    def header(self) -> TalkHeader:
        return self.query_one(TalkHeader)

    @property
    def sources(self) -> SourcesPane:
        return self.query_one(SourcesPane)

    def show_event(self, event: Event, columns: list[SourceRows]) -> None:
        """Show `event`, in one step (nothing here waits)."""
        self.event = event
        self.header.show_event(event)
        self.sources.show(columns, None, [])
        self.sources.set_class(not columns, "-empty")
        self.set_class(not columns, "-no-sections")
        title = Text(f"Talks ({len(event.talks)})")
        if not columns:
            title.append(
                "   this event's notes have no schedule, impressions or links",
                Style(dim=True, bold=False),
            )
        self.query_one("#event-talks-title", Static).update(title)
        talks = self.query_one("#event-talks", OptionList)
        options = [Option(talk_label(t), id=t.id) for t in event.talks]
        if not event.talks:
            options.append(Option(Text(sanitize_line("no talks found"), "dim"), disabled=True))
        talks.set_options(options)

    @on(OptionList.OptionSelected, "#event-talks")
    def _talk_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.TalkChosen(event.option.id))
