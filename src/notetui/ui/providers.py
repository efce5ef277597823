"""Command palette providers: jump to any talk or event by a fuzzy title.

Note titles are untrusted, so hits are built as `Content` from plain text; the
matcher's own `highlight` would parse its argument as markup.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.style import Style

from notetui.core.models import Library
from notetui.core.text import sanitize_line


@runtime_checkable
class LibraryHost(Protocol):
    """The reader screen, as the palette sees it (this module imports no screen)."""

    library: Library | None

    def open_talk(self, talk_id: str) -> None: ...
    def open_event(self, event_id: str) -> None: ...


_DISCOVER = 30


class LibraryProvider(Provider):
    """Talks (by every title they are known by) and events (by every name)."""

    def _entries(self) -> Iterator[tuple[str, str, str, str]]:
        """(text to match, kind, id, label) for every talk and event."""
        screen = self._main_screen()
        library = screen.library if screen is not None else None
        if library is None:
            return
        for event in library.events:
            for name in (event.title, *event.aliases):
                yield sanitize_line(name), "event", event.id, "Event"
            for talk in event.talks:
                for title in (talk.title, *talk.aliases):
                    yield sanitize_line(title), "talk", talk.id, "Talk"

    def _main_screen(self) -> LibraryHost | None:
        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, LibraryHost):
                return screen
        return None

    async def discover(self) -> Hits:
        for count, (text, kind, ident, label) in enumerate(self._entries()):
            if count >= _DISCOVER:
                break
            yield DiscoveryHit(
                Content(f"{label}: ").append(Content(text)),
                partial(self._jump, kind, ident),
                text=text,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        seen: set[tuple[str, str]] = set()
        for text, kind, ident, label in self._entries():
            score = matcher.match(text)
            if score <= 0 or (kind, ident) in seen:
                continue
            seen.add((kind, ident))
            yield Hit(
                score,
                Content(f"{label}: ").append(_highlight(matcher, text)),
                partial(self._jump, kind, ident),
                text=text,
            )

    async def _jump(self, kind: str, ident: str) -> None:
        screen = self._main_screen()
        if screen is None:
            return
        if kind == "talk":
            screen.open_talk(ident)
        else:
            screen.open_event(ident)


def _highlight(matcher: object, text: str) -> Content:
    content = Content(text)
    fuzzy = getattr(matcher, "fuzzy_search", None)
    query = getattr(matcher, "query", "")
    if fuzzy is None:
        return content
    score, offsets = fuzzy.match(query, text)
    if not score:
        return content
    style = Style(bold=True, underline=True)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(style, offset, offset + 1)
    return content
