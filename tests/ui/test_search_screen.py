"""Library search (`/`) and the in-talk find bar (ctrl+f), driven with Pilot."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, cast

import pytest
from helpers import Host
from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.widgets import Input, OptionList, Static

from notetui.core.search.index import SearchDoc, SearchHit, SearchIndex
from notetui.ui.screens.search import SearchScreen
from notetui.ui.widgets.find_bar import FindBar, find_rows

pytestmark = pytest.mark.anyio

DOCS = [
    SearchDoc("talk", "t1", "title", "画像配信基盤の運用改善"),
    SearchDoc("talk", "t2", "title", "gRPC と Envoy で作るサービスメッシュ"),
    SearchDoc("talk", "t2", "alias", "gRPC x Envoy 入門"),
    SearchDoc("talk", "t2", "speaker", "山本 美月"),
    SearchDoc("event", "e1", "event", "Tokyo Backend Night #7"),
    SearchDoc("tag", "t2", "tag", "#grpc"),
    SearchDoc("annotation", "t1", "annotation", "画像の運用はつらい"),
    SearchDoc("body", "t1", "body", "* 画像の変換\n* 運用はオンコール\n* gRPC を使う", "n.md", 10),
]
TITLES = {"t1": "画像配信基盤の運用改善", "t2": "gRPC と Envoy", "e1": "Tokyo Backend Night #7"}


def search_screen(app: App[Any]) -> SearchScreen:
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    return screen


def lines(app: App[Any]) -> list[str]:
    """Each result as the user reads it, headings included."""
    results = app.screen.query_one("#results", OptionList)
    return [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]


def status(app: App[Any]) -> str:
    return str(app.screen.query_one("#status", Static).render())


async def settle(pilot: Any, app: App[Any], query: str, timeout: float = 3.0) -> None:
    """Wait until the results shown are those for `query`."""
    deadline = time.monotonic() + timeout
    while search_screen(app).shown_query != query and time.monotonic() < deadline:
        await pilot.pause(0.02)
    assert search_screen(app).shown_query == query


async def test_results_grouped_by_kind_with_counts_and_time() -> None:
    app = Host(SearchScreen(SearchIndex(DOCS), titles=TITLES))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"grpc")
        await settle(pilot, app, "grpc")
        shown = lines(app)
        headings = [line for line in shown if not line.startswith(" ")]
        assert [h.split()[0] for h in headings] == ["Talks", "Tags", "In"]
        # The talk is listed once, although two of its titles match.
        assert sum(line.startswith("  gRPC と Envoy") for line in shown) == 1
        body = next(line for line in shown if "を使う" in line)
        assert "画像配信基盤の運用改善" in body and "n.md:12" in body
        assert status(app).startswith("3 hits · ") and status(app).endswith(" ms")


async def test_matches_are_highlighted_in_the_fragment() -> None:
    app = Host(SearchScreen(SearchIndex(DOCS), titles=TITLES))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"画像", "space", *"運用")
        await settle(pilot, app, "画像 運用")
        results = app.screen.query_one("#results", OptionList)
        prompt = cast(Text, results.get_option_at_index(1).prompt)
        assert prompt.plain.strip() == "画像配信基盤の運用改善"
        marked = sorted(
            prompt.plain[span.start : span.end]
            for span in prompt.spans
            if "underline" in str(span.style)
        )
        assert marked == ["画像", "運用"]


async def test_arrows_move_while_typing_and_enter_opens_the_hit() -> None:
    app = Host(SearchScreen(SearchIndex(DOCS), titles=TITLES))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"grpc")
        await settle(pilot, app, "grpc")
        await pilot.press("down")  # past the "Tags" heading to the tag hit
        assert isinstance(app.focused, Input)  # still typing in the query
        hit = search_screen(app).highlighted_hit
        assert hit is not None and hit.doc.kind == "tag"
        await pilot.press("down", "up", "enter")
        await pilot.pause()
    assert len(app.results) == 1
    chosen = app.results[0]
    assert isinstance(chosen, SearchHit)
    assert (chosen.doc.kind, chosen.doc.target_id) == ("tag", "t2")


async def test_j_and_k_move_in_the_list_and_escape_closes() -> None:
    app = Host(SearchScreen(SearchIndex(DOCS), titles=TITLES))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"grpc")
        await settle(pilot, app, "grpc")
        await pilot.press("tab", "j", "j", "k")  # into the list
        assert isinstance(app.focused, OptionList)
        hit = search_screen(app).highlighted_hit
        assert hit is not None and hit.doc.kind == "tag"
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_the_last_keystroke_is_always_searched() -> None:
    app = Host(SearchScreen(SearchIndex(DOCS), titles=TITLES))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"tokyo backend night")
        await settle(pilot, app, "tokyo backend night")
        assert any("Tokyo Backend Night" in line for line in lines(app))
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        await settle(pilot, app, "tokyo backend ")
        await pilot.press("ctrl+u")  # a blank query clears at once
        await pilot.pause()
        assert lines(app) == [] and status(app).startswith("Type to search")


class SlowIndex:
    """Answers every query with one hit naming it; "slow" queries take a while."""

    def __init__(self) -> None:
        self.queries: list[str] = []
        self.lock = threading.Lock()

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        with self.lock:
            self.queries.append(query)
        if query.startswith("slow"):
            time.sleep(0.4 if query == "slow" else 0.05)
        doc = SearchDoc("talk", f"id-{query}", "title", query)
        return [SearchHit(doc, 1.0, None, query, ((0, len(query)),))]


async def test_an_older_search_never_replaces_newer_results() -> None:
    index = SlowIndex()
    app = Host(SearchScreen(cast(SearchIndex, index)))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"slow")
        await pilot.pause(0.15)  # "slow" is being searched (0.4 s)
        await pilot.press(*"er")
        await settle(pilot, app, "slower")
        await pilot.pause(0.5)  # long enough for "slow" to have finished
        assert search_screen(app).shown_query == "slower"
        assert [line.strip() for line in lines(app)][1:] == ["slower"]


async def test_enter_before_the_results_arrive_searches_what_was_typed() -> None:
    index = SlowIndex()
    app = Host(SearchScreen(cast(SearchIndex, index)))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"slowpoke", "enter")
        await pilot.pause()
    assert [hit.doc.target_id for hit in app.results] == ["id-slowpoke"]


async def test_hostile_fragment_is_literal_and_inert(tmp_path: Path) -> None:
    evil = f"[@click=app.screenshot('x.svg','{tmp_path}')]x[/] [/]"
    docs = [SearchDoc("body", "t1", "body", f"screenshot {evil}", "n.md", 3)]
    app = Host(SearchScreen(SearchIndex(docs), titles={"t1": evil}))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press(*"screenshot")
        await settle(pilot, app, "screenshot")
        hit_line = lines(app)[1]
        # The fragment, and the title under it (both cut to fit, as long lines are).
        assert hit_line.count("[@click=app.screenshot('x.svg','") == 2
        for x in range(16):
            await pilot.click("#status", offset=(x, 0))
        await pilot.click("#results", offset=(14, 1))  # the hit itself: it opens
        await pilot.pause()
    assert [hit.doc.target_id for hit in app.results] == ["t1"]
    assert not (tmp_path / "x.svg").exists()


async def test_corpus_queries_in_japanese_and_english(corpus_dir: Path) -> None:
    from notetui.core.annotations.anchoring import Attachments
    from notetui.core.load.library import load_library
    from notetui.core.search.docs import build_index
    from notetui.core.text import fold

    library = load_library(corpus_dir)
    index = build_index(library, Attachments())
    for query in ("画像 運用", "gRPC envoy", "ネットワークポリシー", "tkgtransit"):
        app = Host(SearchScreen(index))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press(*["space" if ch == " " else ch for ch in query])
            await settle(pilot, app, query)
            assert status(app)[0].isdigit(), (query, status(app))
            await pilot.press("enter")
            await pilot.pause()
        hit = app.results[0]
        talk = library.talk(hit.doc.target_id)
        assert talk is not None, query
        if query == "tkgtransit":
            assert any(s.handle == "tkgtransit" for s in talk.speakers)
        elif query != "ネットワークポリシー":  # found partially, in the notes' text
            names = fold(" ".join((talk.title, *talk.aliases)))
            assert all(term in names for term in fold(query).split()), query


# ------------------------------------------------------------------- find bar


def test_find_rows_every_term_case_and_width_insensitive() -> None:
    rows = ["Kubernetes の運用", "ｋ８ｓ と gRPC", "envoy と GRPC", "nothing here"]
    assert find_rows(rows, "grpc") == [1, 2]
    assert find_rows(rows, "K8S") == [1]
    assert find_rows(rows, "grpc ENVOY") == [2]
    assert find_rows(rows, "運用 kube") == [0]
    assert find_rows(rows, "   ") == []
    assert find_rows(rows, "missing") == []


class FindHost(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield Static("the talk", id="talk")
        yield FindBar(id="find")

    @on(FindBar.Changed)
    def _bar_changed(self, message: FindBar.Changed) -> None:
        self.messages.append(("changed", message.query))

    @on(FindBar.Submitted)
    def _bar_submitted(self, message: FindBar.Submitted) -> None:
        self.messages.append(("submitted", message.query))

    @on(FindBar.Closed)
    def _bar_closed(self) -> None:
        self.messages.append(("closed", ""))


async def test_find_bar_reports_typing_enter_and_escape() -> None:
    app = FindHost()
    async with app.run_test(size=(80, 24)) as pilot:
        bar = app.query_one(FindBar)
        assert not bar.display
        bar.open()
        await pilot.pause()
        assert bar.display and isinstance(app.focused, Input)
        await pilot.press("g", "o", "enter")
        bar.show_count(3, 0)
        assert str(bar.query_one("#find-count", Static).render()) == "1/3"
        await pilot.press("escape")
        await pilot.pause()
        assert not bar.display
    assert app.messages == [
        ("changed", "g"),
        ("changed", "go"),
        ("submitted", "go"),
        ("closed", ""),
    ]


class BrokenIndex:
    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        raise ValueError("index is broken")


async def test_a_failing_search_is_reported_and_the_app_keeps_running() -> None:
    app = Host(SearchScreen(cast(SearchIndex, BrokenIndex())))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a")
        await pilot.pause(0.3)
        assert status(app) == "Search failed: ValueError: index is broken"
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]
