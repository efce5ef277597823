"""Finding things in the real app: `/` over the library and the jump to the matched line,
ctrl+f inside a talk with n/N, and the command palette."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    copy_notes,
    focused_view,
    fold,
    header_text,
    loaded,
    main,
    new_app,
    row_lines,
    tree_cursor,
    visible_lines,
    wait_for,
)
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Static

from notetui.app import NoteTuiApp
from notetui.core.models import Talk
from notetui.core.search.index import SearchHit
from notetui.ui.screens.search import SearchScreen
from notetui.ui.widgets.find_bar import FindBar
from notetui.ui.widgets.talk_view import TalkView

pytestmark = pytest.mark.anyio

QUERIES = ("画像 運用", "gRPC envoy", "ネットワークポリシー", "tkgtransit")


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


# ------------------------------------------------------------- the oracle


def expected_titles(corpus: Path, query: str) -> set[str]:
    """The titles (folded) of the talk a reader means by `query`, from the hand-made
    labels: the cluster whose title holds every term, or whose speaker has the handle."""
    data = json.loads((corpus / "expected.json").read_text("utf-8"))
    terms = fold(query).split()
    clusters: dict[str, set[str]] = {}
    wanted: set[str] = set()
    for labels in data["files"].values():
        for talk in labels["talks"]:
            clusters.setdefault(talk["cluster"], set()).add(fold(talk["title"]))
            handles = {s.get("handle") for s in talk["speakers"]}
            if all(t in fold(talk["title"]) for t in terms) or query in handles:
                wanted.add(talk["cluster"])
    assert len(wanted) == 1, (query, wanted)
    return clusters[wanted.pop()]


def line_holding(corpus: Path, *parts: str) -> tuple[str, int]:
    """(note, 1-based line) of the one corpus line holding every part."""
    found = [
        (path.name, number)
        for path in sorted(corpus.glob("*.txt"))
        for number, line in enumerate(path.read_text("utf-8").split("\n"), 1)
        if all(p in line for p in parts)
    ]
    assert len(found) == 1, found
    return found[0]


def names(talk: Talk) -> set[str]:
    return {fold(t) for t in (talk.title, *talk.aliases)}


def hits_in_order(screen: SearchScreen) -> Iterator[SearchHit]:
    results = screen.results
    for index in range(results.option_count):
        option = results.get_option_at_index(index)
        if option.id and option.id.startswith("hit-"):
            yield screen.hits[int(option.id.removeprefix("hit-"))]


async def search(pilot: Pilot[Any], query: str, *, paste: bool = False) -> SearchScreen:
    """/ and type (or paste) `query`; wait for its results."""
    await pilot.press("slash")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SearchScreen), "the search box")
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    if paste:
        screen.query_one("#query", Input).insert_text_at_cursor(query)
    else:
        await type_text(pilot, query)
    await wait_for(pilot, lambda: screen.shown_query == query and screen.hits, "results")
    return screen


# ------------------------------------------------------------- library search


@pytest.fixture
def corpus_app(corpus_dir: Path, tmp_path: Path) -> NoteTuiApp:
    return new_app(corpus_dir, tmp_path)


@pytest.mark.parametrize("query", QUERIES)
async def test_search_opens_the_right_talk(
    corpus_app: NoteTuiApp, corpus_dir: Path, query: str
) -> None:
    app = corpus_app
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        screen = await search(pilot, query)
        best = screen.highlighted_hit
        assert best is not None
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is main(app), "the reader")
        talk = main(app).current_talk()
        assert talk is not None and talk.id == best.doc.target_id
        assert tree_cursor(app) is not None and tree_cursor(app).id == talk.id
        assert talk.title in header_text(app)
        if query == "ネットワークポリシー":  # only in a note's text, as two words
            note, line = line_holding(corpus_dir, "ネットワーク", "ポリシー")
            assert (best.doc.note, best.line) == (note, line)
            assert any(
                s.note == note and s.section.line <= line <= s.section.end_line
                for s in talk.sources
            )
        else:
            assert names(talk) & expected_titles(corpus_dir, query), talk.title


@pytest.mark.parametrize("query", QUERIES)
async def test_a_hit_in_the_notes_scrolls_its_column_to_the_line(
    corpus_app: NoteTuiApp, query: str
) -> None:
    app = corpus_app
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        screen = await search(pilot, query, paste=True)  # typing is the test above
        in_notes = [hit for hit in hits_in_order(screen) if hit.doc.kind == "body"]
        assert in_notes, query
        hit = in_notes[0]
        while screen.highlighted_hit != hit:  # down to the first hit in the notes
            await pilot.press("down")
        assert hit.line is not None and hit.doc.note is not None
        highlighted = [fold(hit.fragment[a:b]) for a, b in hit.spans]
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is main(app), "the reader")

        talk = main(app).current_talk()
        assert talk is not None and talk.id == hit.doc.target_id
        view = focused_view(app)  # the column of the note the hit is in…
        column = main(app).query_one(TalkView).sources.point_views().index(view)
        assert talk.sources[column].note == hit.doc.note
        point = view.current  # …its cursor on the point holding the line…
        assert point is not None and point.line is not None
        if hit.line < point.line:  # a speaker or slide line: the talk's header shows it
            header = fold(str(main(app).query_one("#speakers", Static).render()))
            assert view.cursor == 0 and all(part in header for part in highlighted)
            return
        later = [r.line for r in view.rows[view.cursor + 1 :] if r.line is not None]
        assert point.line <= hit.line < (later[0] if later else 10**9)
        assert row_lines(view, view.cursor), "the point is scrolled into view"
        shown = fold("".join(line.strip() for line in visible_lines(view)))
        assert all(part.replace(" ", "") in shown.replace(" ", "") for part in highlighted)


# -------------------------------------------------------------- find in talk


def find_count(app: NoteTuiApp) -> str:
    bar = main(app).query_one(TalkView).query_one(FindBar)
    return str(bar.query_one("#find-count", Static).render())


def at_cursor(app: NoteTuiApp) -> tuple[int, int, str]:
    """(column, row, text) of the point under the cursor of the column being read."""
    sources = main(app).query_one(TalkView).sources
    view = sources.point_views()[sources.active]
    assert view.current is not None
    return sources.active, view.cursor, view.current.text


async def test_find_in_the_talk_moves_through_matches_with_n_and_shift_n(
    tmp_path: Path,
) -> None:
    app = new_app(copy_notes(tmp_path), tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        talk = screen.current_talk()
        assert talk is not None
        views = screen.query_one(TalkView).sources.point_views()
        matches = [
            (column, row)
            for column, view in enumerate(views)
            for row, point in enumerate(view.rows)
            if "goleak" in fold(point.text)
        ]
        assert len(matches) >= 3  # every author noted it

        await pilot.press("ctrl+f")
        bar = screen.query_one(TalkView).query_one(FindBar)
        await wait_for(pilot, lambda: bar.is_open, "the find bar")
        assert isinstance(app.focused, Input)
        await type_text(pilot, "GoLeak")  # any case
        await wait_for(pilot, lambda: find_count(app) == f"1/{len(matches)}", "the count")
        assert [sorted(v.matches) for v in views] == [
            [r for c, r in matches if c == column] for column in range(len(views))
        ]
        await pilot.press("enter")  # back to reading, on the first match
        await pilot.pause()
        assert focused_view(app) is views[matches[0][0]]
        assert at_cursor(app)[:2] == matches[0]

        await pilot.press("n")
        assert find_count(app) == f"2/{len(matches)}"
        assert at_cursor(app)[:2] == matches[1]
        assert "goleak" in fold(at_cursor(app)[2])
        await pilot.press("n")
        assert at_cursor(app)[:2] == matches[2]
        await pilot.press("N", "N")
        assert at_cursor(app)[:2] == matches[0]
        assert find_count(app) == f"1/{len(matches)}"
        await pilot.press("N")  # round to the last
        assert at_cursor(app)[:2] == matches[-1]
        assert screen.current_talk() == talk  # n moved through matches, not talks

        await pilot.press("escape")  # from the column: closes the search
        await pilot.pause()
        assert not bar.is_open
        assert all(not v.matches for v in views)
        await pilot.press("n")  # n is "next talk" again
        await pilot.pause()
        assert screen.current_talk() != talk


async def test_find_with_no_match_says_so(tmp_path: Path) -> None:
    app = new_app(copy_notes(tmp_path), tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("ctrl+f")
        await type_text(pilot, "zzzq")
        await wait_for(pilot, lambda: find_count(app) == "no match", "no match")
        await pilot.press("escape")
        await pilot.pause()
        assert not screen.query_one(TalkView).query_one(FindBar).is_open
        assert find_count(app) == ""


# ------------------------------------------------------------------- palette


def palette_options(app: NoteTuiApp) -> list[str]:
    commands = app.screen.query_one(CommandList)
    return [
        " ".join(str(commands.get_option_at_index(i).prompt).split())
        for i in range(commands.option_count)
    ]


async def palette(pilot: Pilot[Any], query: str, first: str) -> list[str]:
    """ctrl+p, type `query`, wait until the first option starts with `first`."""
    app = pilot.app
    assert isinstance(app, NoteTuiApp)
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    await type_text(pilot, query)
    await wait_for(
        pilot,
        lambda: palette_options(app)[:1] and palette_options(app)[0].startswith(first),
        f"{first!r} first in the palette",
    )
    return palette_options(app)


async def test_palette_jumps_to_a_talk_and_to_an_event(tmp_path: Path) -> None:
    app = new_app(copy_notes(tmp_path), tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        assert screen.library is not None
        await palette(pilot, "tail latncy", "Talk: Taming tail latency")  # typo and all
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen, "the reader")
        talk = screen.current_talk()
        assert talk is not None and talk.title == "Taming tail latency in a Tokio service"
        assert tree_cursor(app) is not None and tree_cursor(app).id == talk.id

        await palette(pilot, "sapporo sre", "Event: Sapporo SRE Study #7")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen, "the reader")
        event = screen.current_event()
        assert screen.shown is not None and screen.shown.kind == "event"
        assert event is not None and event.title == "Sapporo SRE Study #7"
        assert "Sapporo SRE Study #7" in str(screen.query_one("#event #title").render())


async def test_palette_offers_the_readers_commands(tmp_path: Path) -> None:
    app = new_app(copy_notes(tmp_path), tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        options = await palette(pilot, "merged", "Merged")
        assert any("Key: m" in option for option in options)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.query_one(TalkView).sources.merged, "merged view")

        options = await palette(pilot, "all annotations", "All annotations")
        assert any("Key: v" in option for option in options)
        await pilot.press("escape")


async def test_a_big_library_is_indexed_on_its_first_search(
    notes_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from notetui.ui.screens import main as main_module

    monkeypatch.setattr(main_module, "_EAGER_INDEX_NOTES", 0)  # the samples count as big
    app = new_app(notes_dir, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = main(app)
        await wait_for(pilot, lambda: screen.attachments is not None, "the store")
        await pilot.pause(0.3)
        assert screen.search_index is None  # nothing indexed while reading
        talk = screen.library.talks[1] if screen.library else None
        assert talk is not None
        found = await search(pilot, talk.title[:8])  # typed at once: searched when indexed
        assert screen.search_index is not None
        assert any(hit.doc.target_id == talk.id for hit in found.hits)
