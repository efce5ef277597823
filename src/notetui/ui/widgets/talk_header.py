"""The top of the reading pane: what the talk is, who gave it, where its slides are."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Link, Static

from notetui.core.models import Event, Speaker, Talk
from notetui.core.text import sanitize_line
from notetui.ui.palette import palette


def speaker_text(speakers: tuple[Speaker, ...]) -> Text:
    text = Text()
    for number, speaker in enumerate(speakers):
        if number:
            text.append(" · ", Style(dim=True))
        text.append(sanitize_line(speaker.name), Style(bold=True))
        if speaker.handle and speaker.handle.casefold() != speaker.name.casefold():
            text.append(f" @{sanitize_line(speaker.handle)}", palette().style("link"))
        if speaker.affiliation:
            text.append(f" ({sanitize_line(speaker.affiliation)})", Style(dim=True))
    return text


class SlideLink(Link):
    """A slide link that asks the reader to open it (a graphical browser, or a copy):
    Textual's own would let `webbrowser` run w3m inside the reader's terminal."""

    class Open(Message):
        def __init__(self, url: str) -> None:
            super().__init__()
            self.url = url

    def action_open_link(self) -> None:
        if self.url:
            self.post_message(self.Open(self.url))


_WRAPPING = ("#title", "#personal")  # the lines that may take more than one row


class TalkHeader(Vertical):
    """Title, other titles, speakers, slot, event, slides, and the user's own marks."""

    DEFAULT_CSS = """
    TalkHeader { height: auto; padding: 0 1; border-bottom: solid $primary 40%; }
    TalkHeader #title { text-style: bold; color: $text; max-height: 2; }
    TalkHeader #aliases { color: $text-muted; text-style: italic; }
    TalkHeader #aliases, TalkHeader #speakers, TalkHeader #when, TalkHeader #personal {
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    TalkHeader #slides { height: auto; }
    TalkHeader #slides > * { width: auto; }
    TalkHeader #slides Link { margin-right: 2; }
    TalkHeader .empty { display: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._links_label = Static(markup=False)
        self._links: list[SlideLink] = []

    def compose(self) -> ComposeResult:
        yield Static(id="title", markup=False)
        yield Static(id="aliases", markup=False)
        yield Static(id="speakers", markup=False)
        yield Static(id="when", markup=False)
        with Horizontal(id="slides", classes="empty"):
            yield self._links_label
        yield Static(id="personal", markup=False, classes="empty")

    def show_talk(self, talk: Talk, event: Event) -> None:
        self._set("#title", Text(sanitize_line(talk.title)))
        aliases = Text()
        if talk.aliases:
            aliases.append("also: ", Style(dim=True))
            aliases.append(" · ".join(sanitize_line(a) for a in talk.aliases))
        self._set("#aliases", aliases)
        speakers = speaker_text(talk.speakers)
        self._set("#speakers", speakers if talk.speakers else Text("speaker not named", "dim"))
        when = Text()
        if talk.time:
            when.append(f"{talk.time}  ", Style(bold=True))
        when.append(sanitize_line(event.title))
        if event.date:
            when.append(f"  {event.date}", Style(dim=True))
        self._set("#when", when)
        self._show_links(talk.slides, "slides")

    def show_event(self, event: Event) -> None:
        self._set("#title", Text(sanitize_line(event.title)))
        aliases = Text()
        if event.aliases:
            aliases.append("also: ", Style(dim=True))
            aliases.append(" · ".join(sanitize_line(a) for a in event.aliases))
        self._set("#aliases", aliases)
        facts = Text()
        facts.append(event.date or "date unknown", Style(bold=True))
        if event.venue:
            facts.append(f"  {sanitize_line(event.venue)}")
        talks = len(event.talks)
        facts.append(
            f"  {talks} talk{'s' if talks != 1 else ''}, {len(event.notes)} notes", Style(dim=True)
        )
        self._set("#speakers", facts)
        tags = Text(" ".join(f"#{sanitize_line(t)}" for t in event.tags), Style(dim=True))
        self._set("#when", tags)
        self._show_links((event.url,) if event.url else (), "event page")

    def show_personal(self, text: Text) -> None:
        """The user's tags and annotations for what is shown (filled by the screen)."""
        self._set("#personal", text)

    def _set(self, selector: str, text: Text) -> None:
        widget = self.query_one(selector, Static)
        # Every line but the title is one line high (nowrap): new text there moves
        # nothing unless the line appears or goes, which its class change lays out.
        widget.update(text, layout=selector in _WRAPPING)
        widget.set_class(not text.plain, "empty")

    def _show_links(self, urls: tuple[str, ...], label: str) -> None:
        """The links, in place: the label and Link widgets are kept and refilled (a
        new one is mounted only for a talk with more slides than any before)."""
        box = self.query_one("#slides", Horizontal)
        self._links_label.update(Text(f"{label} ", Style(dim=True)), layout=False)
        while len(self._links) < len(urls):
            link = SlideLink("", tooltip="Open with o")
            self._links.append(link)
            box.mount(link)
        for index, link in enumerate(self._links):
            if index < len(urls):
                link.text = short_url(urls[index])
                link.url = sanitize_line(urls[index])
            link.display = index < len(urls)
        box.set_class(not urls, "empty")


def short_url(url: str, limit: int = 48) -> str:
    text = sanitize_line(url).split("://", 1)[-1]
    return text if len(text) <= limit else text[: limit - 1] + "…"
