"""`/`: search the whole library as you type, results grouped by kind.

Each keystroke schedules a search at most `_THROTTLE` seconds later, with whatever
the query is by then, so fast typing runs a few searches rather than one per key and
the last keystroke is always searched. The search runs in a thread worker; a newer
search cancels an older one, and late results are never shown over newer ones.

Fragments come from note text: they are drawn as `Text` with the hit spans styled by
position, never parsed as markup.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from notetui.core.models import Library
from notetui.core.search.index import SearchHit, SearchIndex
from notetui.core.text import sanitize_line
from notetui.ui.palette import palette

_THROTTLE = 0.06  # seconds from a keystroke to the search it causes
_LIMIT = 100
# Groups in the order shown, and their headings.
GROUPS: tuple[tuple[str, str], ...] = (
    ("talk", "Talks"),
    ("event", "Events"),
    ("tag", "Tags"),
    ("annotation", "Your annotations"),
    ("body", "In the notes"),
)
_DIM = Style(dim=True)
_FIELDS = {
    "alias": "also titled",
    "speaker": "speaker",
    "handle": "speaker",
    "affiliation": "affiliation",
}


def printable(text: str) -> str:
    """`text` with anything unprintable as a space; same length, so spans stay valid."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else " " for ch in text)


def fragment_text(hit: SearchHit) -> Text:
    """The hit's fragment with its matched spans highlighted."""
    fragment = printable(hit.fragment)
    text = Text(fragment)
    match = Style(bold=True, underline=True, color=palette().new)
    for start, end in hit.spans:
        start, end = max(0, start), min(len(fragment), end)
        if start < end:
            text.stylize(match, start, end)
    return text


_ONCE_PER_TARGET = frozenset({"talk", "event"})  # a talk found by two titles is listed once


def group_hits(hits: Sequence[SearchHit]) -> list[tuple[str, list[tuple[int, SearchHit]]]]:
    """(position in `hits`, hit) by kind in `GROUPS` order, best first within each;
    unknown kinds last. A talk or event appears once, by its best hit."""
    groups: dict[str, list[tuple[int, SearchHit]]] = {}
    seen: set[tuple[str, str]] = set()
    for position, hit in enumerate(hits):
        kind = hit.doc.kind
        if kind in _ONCE_PER_TARGET:
            if (kind, hit.doc.target_id) in seen:
                continue
            seen.add((kind, hit.doc.target_id))
        groups.setdefault(kind, []).append((position, hit))
    order = [kind for kind, _ in GROUPS] + sorted(set(groups) - {k for k, _ in GROUPS})
    return [(kind, groups[kind]) for kind in order if kind in groups]


def target_titles(library: Library) -> dict[str, str]:
    """Talk and event id -> title, for saying where a hit is."""
    titles = {talk.id: talk.title for talk in library.talks}
    titles.update({event.id: event.title for event in library.events})
    return titles


class SearchScreen(ModalScreen[SearchHit | None]):
    """The result is the chosen hit, or None when closed.

    `titles` (target id -> talk or event title) lets a hit on a speaker, a tag, an
    annotation or the notes' text say which talk it is in.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: the Input and the list would each take enter for themselves.
        Binding("enter", "choose", "Open", priority=True, id="search.open"),
        # Priority too: the Input (a scroll view) has up and down of its own.
        Binding("down", "move(1)", "Next", priority=True, key_display="↓", id="search.next"),
        Binding("up", "move(-1)", "Previous", priority=True, key_display="↑", id="search.previous"),
        Binding("j", "move(1)", "Next", show=False, id="search.next_j"),
        Binding("k", "move(-1)", "Previous", show=False, id="search.previous_k"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="search.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="search.page_up"),
        Binding("escape", "close", "Close", key_display="esc", id="search.close"),
    ]

    class Searched(Message):
        """A search finished (posted from the worker thread)."""

        def __init__(self, seq: int, query: str, hits: list[SearchHit], seconds: float) -> None:
            super().__init__()
            self.seq = seq
            self.query = query
            self.hits = hits
            self.seconds = seconds

    def __init__(
        self,
        index: SearchIndex | None,
        *,
        titles: Mapping[str, str] | None = None,
        query: str = "",
        limit: int = _LIMIT,
    ) -> None:
        super().__init__()
        self.index = index
        self.titles = titles or {}
        self.initial_query = query
        self.limit = limit
        self.hits: list[SearchHit] = []
        self.shown_query = ""  # the query `hits` are for
        self._wanted = query  # the query the next search will run
        self._seq = 0  # searches started
        self._shown_seq = 0  # the search whose results are shown
        self._timer: Timer | None = None
        self._seconds: float | None = None
        self._listed = 0  # hits listed (a talk found twice counts once)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(
                self.initial_query,
                placeholder="search titles, speakers, events, tags, annotations and notes",
                id="query",
            )
            yield OptionList(id="results")
            yield Static(id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#query", Input).focus()
        self._show([], "", None)
        if self.initial_query.strip():
            self._schedule(self.initial_query)

    def use_index(self, index: SearchIndex) -> None:
        """The index arrived (a big library is indexed on its first search)."""
        self.index = index
        self._show(self.hits, self.shown_query, self._seconds)
        if self._wanted.strip():
            self._schedule(self._wanted)

    @property
    def results(self) -> OptionList:
        return self.query_one("#results", OptionList)

    # ------------------------------------------------------------ searching

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        self._schedule(event.value)

    def _schedule(self, query: str) -> None:
        self._wanted = query
        if not query.strip():
            # Nothing to search: clear at once, and let no older search land after this.
            self._seq += 1
            self._shown_seq = self._seq
            self._show([], "", None)
            return
        if self._timer is None:
            self._timer = self.set_timer(_THROTTLE, self._fire)

    def _fire(self) -> None:
        self._timer = None
        query = self._wanted
        if not query.strip() or self.index is None:
            return  # no index yet: `use_index` searches when it comes
        self._seq += 1
        self._search(query, self._seq)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False, description="search")
    def _search(self, query: str, seq: int) -> None:
        worker = get_current_worker()
        start = time.perf_counter()
        if self.index is None:
            return
        hits = self.index.search(query, self.limit)
        seconds = time.perf_counter() - start
        if not worker.is_cancelled:
            self.post_message(self.Searched(seq, query, hits, seconds))

    @on(Searched)
    def _searched(self, message: Searched) -> None:
        if message.seq <= self._shown_seq:
            return  # an older search finished late
        self._shown_seq = message.seq
        self._show(message.hits, message.query, message.seconds)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "search" and event.state == WorkerState.ERROR:
            error = event.worker.error
            status = Text("Search failed: ", palette().style("problem", bold=True))
            status.append(sanitize_line(f"{type(error).__name__}: {error}"))
            self.query_one("#status", Static).update(status)

    def search_now(self) -> None:
        """Search for the query as typed, here and now (enter before results came)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.workers.cancel_group(self, "search")
        query = self._wanted
        self._seq += 1
        self._shown_seq = self._seq
        if not query.strip() or self.index is None:
            self._show([], "", None)
            return
        start = time.perf_counter()
        hits = self.index.search(query, self.limit)
        self._show(hits, query, time.perf_counter() - start)

    # ------------------------------------------------------------ showing

    def _show(self, hits: list[SearchHit], query: str, seconds: float | None) -> None:
        self.hits = hits
        self.shown_query = query
        self._seconds = seconds
        options: list[Option] = []
        first: int | None = None
        width = self.results.scrollable_content_region.width - 1
        self._listed = 0
        for kind, group in group_hits(hits):
            self._listed += len(group)
            name = dict(GROUPS).get(kind, kind.capitalize())
            heading = Text(name, palette().style("link", bold=True))
            heading.append(f"  {len(group)}", _DIM)
            options.append(Option(heading, id=f"group-{kind}", disabled=True))
            for position, hit in group:
                if first is None:
                    first = len(options)
                options.append(Option(self.hit_text(hit, width), id=f"hit-{position}"))
        results = self.results
        results.set_options(options)
        results.highlighted = first
        if first is not None:
            results.scroll_to(y=0, animate=False)
        self.query_one("#status", Static).update(self._status(query, seconds))

    def hit_text(self, hit: SearchHit, width: int = 0) -> Text:
        """One result: the fragment, and under it, dim, where it is (cut to `width`)."""
        text = Text("  ")
        text.append_text(fragment_text(hit))
        doc = hit.doc
        title = sanitize_line(self.titles.get(doc.target_id, ""))
        where: list[str] = []
        if doc.kind == "tag":
            where.append("tag on" if title else "tag")
        elif doc.kind == "talk" and doc.field in _FIELDS:
            where.append(_FIELDS[doc.field])
        if title and not (doc.kind in ("talk", "event") and doc.field in ("title", "event")):
            where.append(title)
        if doc.note:
            line = f":{hit.line}" if hit.line is not None else ""
            where.append(sanitize_line(doc.note) + line)
        if where:
            below = Text("    " + " · ".join(where), _DIM)
            if width > 8:
                below.truncate(width, overflow="ellipsis")
            text.append("\n")
            text.append_text(below)
        return text

    def on_resize(self) -> None:
        if self.hits:
            highlighted = self.results.highlighted
            self._show(self.hits, self.shown_query, self._seconds)
            self.results.highlighted = highlighted

    def _status(self, query: str, seconds: float | None) -> Text:
        if self.index is None:
            return Text("Indexing the library for its first search …")
        if not query.strip():
            return Text("Type to search; Japanese and English, words in any order.")
        count = self._listed
        if not count:
            text = Text("No hits")
        elif len(self.hits) >= self.limit:
            text = Text(f"{count} hits shown (the best {self.limit}; type more to narrow)")
        else:
            text = Text(f"{count} hit{'s' if count != 1 else ''}")
        if seconds is not None:
            text.append(f" · {seconds * 1000:.1f} ms", _DIM)
        return text

    # ------------------------------------------------------------ moving, choosing

    def action_move(self, step: int) -> None:
        if step > 0:
            self.results.action_cursor_down()
        else:
            self.results.action_cursor_up()

    def action_page(self, step: int) -> None:
        if step > 0:
            self.results.action_page_down()  # type: ignore[no-untyped-call]
        else:
            self.results.action_page_up()  # type: ignore[no-untyped-call]

    @property
    def highlighted_hit(self) -> SearchHit | None:
        option = self.results.highlighted_option
        if option is None or option.id is None or not option.id.startswith("hit-"):
            return None
        return self.hits[int(option.id.removeprefix("hit-"))]

    def action_choose(self) -> None:
        if self._wanted != self.shown_query:
            self.search_now()
        hit = self.highlighted_hit
        if hit is not None:
            self.dismiss(hit)

    @on(OptionList.OptionSelected, "#results")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id
        if option_id is not None and option_id.startswith("hit-"):
            self.dismiss(self.hits[int(option_id.removeprefix("hit-"))])

    def action_close(self) -> None:
        self.dismiss(None)
