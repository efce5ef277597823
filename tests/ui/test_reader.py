"""The reader, driven with Pilot as a user would drive it, on the real corpus and on
the sample notes: talks with every author side by side, the merged view, the keys,
the event view, problems, help, themes, a narrow terminal and the mouse.

Expectations come from the hand-labelled `expected.json` of each library, not from
the code under test.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    NARROW,
    WIDE,
    Expected,
    expected_for,
    first_line_of_row,
    loaded,
    new_app,
    screen_lines,
    screen_text,
    scroll_wheel,
    settle,
    squash,
    view_text,
    wait_for,
    widget_lines,
)
from rich.console import Console
from textual.binding import Binding
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import ContentSwitcher, OptionList, Static

from notetui.app import NoteTuiApp
from notetui.core.points.points import PointKind
from notetui.ui.rendering import inline_markdown
from notetui.ui.screens.help import HelpScreen
from notetui.ui.screens.main import MainScreen
from notetui.ui.widgets.column_tabs import ColumnTabs
from notetui.ui.widgets.columns import SourcesPane
from notetui.ui.widgets.event_view import EventView
from notetui.ui.widgets.library_tree import LibraryTree, NodeRef
from notetui.ui.widgets.point_view import PointView
from notetui.ui.widgets.problems_view import ProblemsView
from notetui.ui.widgets.source_column import SourceColumn
from notetui.ui.widgets.talk_header import TalkHeader
from notetui.ui.widgets.talk_view import TalkView
from support.paths import NOTES

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["corpus", "notes"])
def library(request: pytest.FixtureRequest) -> Expected:
    """The library's root and the ground truth for its three-author event."""
    if request.param == "corpus":
        root: Path = request.getfixturevalue("corpus_dir")
        data: dict[str, Any] = request.getfixturevalue("corpus_expected")
    else:
        root = request.getfixturevalue("notes_dir")
        data = request.getfixturevalue("notes_expected")
    return expected_for(root, data)


def plain(widget: Static) -> str:
    content = widget.content
    return content.plain if hasattr(content, "plain") else str(content)


def header_text(screen: MainScreen, view: str = "#talk") -> str:
    header = screen.query_one(view).query_one(TalkHeader)
    return "\n".join(plain(s) for s in header.query(Static) if s.display and s.id)


def columns(screen: MainScreen, view: str = "#talk") -> list[SourceColumn]:
    return screen.query_one(view).query_one(SourcesPane).columns()


def column_header(column: SourceColumn) -> str:
    return plain(column.query_one(".column-header", Static))


def talk_pane(screen: MainScreen) -> SourcesPane:
    return screen.query_one(TalkView).sources


async def show_first_event(pilot: Pilot[Any], expected: Expected) -> MainScreen:
    """Start on the library; check its first event is the three-author one."""
    screen = await loaded(pilot)
    assert screen.library is not None
    event = screen.library.events[0]
    assert sorted(Path(n).name for n in event.notes) == sorted(expected.files)
    return screen


# --------------------------------------------------------------- talks


async def test_each_talk_shows_every_author_and_speaker(library: Expected, tmp_path: Path) -> None:
    app = new_app(library.root, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        screen = await show_first_event(pilot, library)
        assert screen.library is not None
        event = screen.library.events[0]
        assert len(event.talks) == len(library.clusters) == 5
        for number, cluster in enumerate(library.clusters):
            talk = event.talks[number]
            assert screen.shown == NodeRef("talk", talk.id)
            header = header_text(screen)
            title = plain(screen.query_one("#talk #title", Static))
            assert title in library.titles[cluster], title
            # The other titles the notes give the talk are named in the header too.
            for other in library.titles[cluster] - {title}:
                if squash(other) != squash(title):
                    assert squash(other) in squash(header), other
            # Every speaker any note names: name, handle, affiliation.
            assert library.speakers[cluster], cluster
            for speaker in library.speakers[cluster]:
                assert squash(speaker["name"]) in squash(header), speaker
                if speaker["handle"]:
                    assert "@" + speaker["handle"] in header, speaker
                if speaker["affiliation"]:
                    assert squash(speaker["affiliation"]) in squash(header), speaker
            # One column per note, side by side, each naming its note.
            shown = columns(screen)
            assert len(shown) == 3
            heads = [column_header(c) for c in shown]
            named = {name for name in library.files for head in heads if name in head}
            assert named == set(library.files), heads
            for column, head in zip(shown, heads, strict=True):
                assert column.display and column.region.width >= 30
                assert head.splitlines()[1].strip(), head  # the event title under the name
                assert column.points.rows, head
                assert not column.points.rows[0].text.startswith(("#", "##"))
            xs = [c.region.x for c in shown]
            assert xs == sorted(xs) and len(set(xs)) == 3  # side by side, in order
            # and all of that is what the terminal shows
            text = screen_text(pilot)
            assert title[:12] in text
            for column in shown:
                first = widget_lines(column.query_one(".column-header", Static))[0]
                assert first.strip() in text
            await pilot.press("n")
            await pilot.pause()


def _label(column: SourceColumn) -> str:
    """The source a column header names: " A  author  3 shared" -> "author"."""
    return column_header(column).splitlines()[0][3:].strip().split("  ")[0]


async def test_n_and_p_walk_every_talk_in_library_order(library: Expected, tmp_path: Path) -> None:
    app = new_app(library.root, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(pilot)
        assert screen.library is not None
        tree = screen.query_one(LibraryTree)
        talks = screen.library.talks
        # Library order: events newest first (as expected.json dates them), undated last.
        dated = [e["date"] for e in library.events]
        event_dates = [e.date for e in screen.library.events]
        assert event_dates == sorted(dated, reverse=True)
        expected_order = [t.id for e in screen.library.events for t in e.talks]
        seen = [screen.shown.id if screen.shown else ""]
        titles = [plain(screen.query_one("#talk #title", Static))]
        for _ in talks:
            await pilot.press("n")
            await wait_for(pilot, lambda: screen.shown is not None and screen.shown.id != seen[-1])
            assert screen.shown is not None
            seen.append(screen.shown.id)
            titles.append(plain(screen.query_one("#talk #title", Static)))
            assert tree.cursor_node is not None and tree.cursor_node.data == screen.shown
        assert seen[:-1] == expected_order
        assert seen[-1] == seen[0]  # wrapped round to the first talk
        # the talks of the three-author event come in the order of its timetable
        for title, cluster in zip(titles, library.clusters, strict=False):
            assert title in library.titles[cluster]
        # p wraps from the first talk to the last, then walks back
        back = []
        for _ in range(3):
            await pilot.press("p")
            await pilot.pause()
            assert screen.shown is not None
            back.append(screen.shown.id)
        assert back == expected_order[::-1][:3]


async def test_merged_view_lists_shared_points_with_their_authors(
    library: Expected, tmp_path: Path
) -> None:
    app = new_app(library.root, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        screen = await show_first_event(pilot, library)
        pane = talk_pane(screen)
        merged = pane.query_one("#merged-points", PointView)
        await pilot.press("m")  # the merged view stays on from talk to talk
        for number, _ in enumerate(library.clusters):
            if number:
                await pilot.press("n")
                await settle(pilot)
            labels = [_label(c) for c in columns(screen)]
            assert merged.region.height > 10
            assert not pane.query_one("#columns").region.area
            assert screen.focused is merged
            several = [i for i, row in enumerate(merged.rows) if len(row.marks) > 1]
            assert len(several) >= (5 if library.root.name == "corpus" else 2)
            header = plain(pane.query_one("#merged-header", Static))
            assert header.startswith(f"Merged: {len(merged.rows)} points, {len(several)} noted")
            for index in several:
                marks = merged.rows[index].marks
                assert len(set(marks)) == len(marks) and all(0 <= m < 3 for m in marks)
                letters = "".join("ABC"[m] for m in marks)
                line = first_line_of_row(merged, index)
                assert line.startswith(letters + " "), (line, letters)
            # the cursor on a shared point names its authors below the view
            merged.cursor = several[-1]
            await pilot.pause()
            info = plain(pane.query_one("#point-info", Static))
            marks = merged.rows[several[-1]].marks
            assert info.startswith(f"Noted by {len(marks)} authors: "), info
            for source in marks:
                assert f"{'ABC'[source]} {labels[source]}" in info, (labels[source], info)
            # a point only one author noted has that author's letter, and only it
            single = next(i for i, row in enumerate(merged.rows) if len(row.marks) == 1)
            only = merged.rows[single].marks[0]
            assert first_line_of_row(merged, single).startswith("ABC"[only] + " ")
            merged.cursor = single
            await pilot.pause()
            info = plain(pane.query_one("#point-info", Static))
            assert info.startswith(f"Only {'ABC'[only]} {labels[only]} noted this"), info
            # each point sits (indented) under a parent from one of its own authors
            for index, row in enumerate(merged.rows):
                if row.outline:
                    parent = max(
                        i for i in range(index) if merged.rows[i].outline == row.outline - 1
                    )
                    assert set(row.marks) & set(merged.rows[parent].marks), (
                        row.text,
                        merged.rows[parent].text,
                    )
            assert any(row.outline for row in merged.rows)  # the outline nests
        await pilot.press("m")  # back to the columns
        await pilot.pause()
        assert pane.query_one("#columns").region.area and not merged.region.area
        assert screen.focused is not None and screen.focused.id == f"points-{pane.active}"


async def test_merged_view_on_the_sample_notes_matches_what_the_notes_say(
    notes_dir: Path, tmp_path: Path
) -> None:
    """Hand-checked in notes/: three authors wrote down the context pitfall."""
    app = new_app(notes_dir, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(pilot)
        assert screen.library is not None
        talk = next(t for t in screen.library.talks if t.title.startswith("OpenTelemetry"))
        screen.open_talk(talk.id)
        await pilot.pause()
        assert [_label(c) for c in columns(screen)] == [
            "tsubame_k",
            "haruka_ueno",
            "ねこまんまエンジニアリング",
        ]
        await pilot.press("m")
        await pilot.pause()
        merged = talk_pane(screen).query_one("#merged-points", PointView)
        context = [i for i, r in enumerate(merged.rows) if "を渡し忘れる" in r.text]
        assert len(context) == 1, [merged.rows[i].text for i in context]
        assert merged.rows[context[0]].marks == (0, 1, 2)
        assert first_line_of_row(merged, context[0]).startswith("ABC ")
        sampling = next(i for i, r in enumerate(merged.rows) if "TraceIDRatioBased" in r.text)
        assert set(merged.rows[sampling].marks) == {1, 2}
        assert first_line_of_row(merged, sampling).startswith("BC ")
        # each pitfall is listed once, not once per author
        assert sum("渡し忘れ" in r.text or "渡さない" in r.text for r in merged.rows) == 1


# ------------------------------------------------------------- columns


async def test_brackets_move_between_columns_and_wrap(library: Expected, tmp_path: Path) -> None:
    app = new_app(library.root, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        screen = await show_first_event(pilot, library)
        pane = talk_pane(screen)
        await pilot.press("enter")  # from the tree into the first column
        await pilot.pause()
        assert screen.focused is not None and screen.focused.id == "points-0"
        visits = []
        for key in ["right_square_bracket"] * 3 + ["left_square_bracket"] * 2:
            await pilot.press(key)
            await pilot.pause()
            assert screen.focused is not None
            visits.append(screen.focused.id)
            active = [c.index for c in columns(screen) if c.has_class("-active")]
            assert active == [pane.active]
            assert screen.focused.id == f"points-{pane.active}"
        assert visits == ["points-1", "points-2", "points-0", "points-2", "points-1"]


async def test_sync_moves_the_other_columns_to_the_shared_point(
    library: Expected, tmp_path: Path
) -> None:
    app = new_app(library.root, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        screen = await show_first_event(pilot, library)
        pane = talk_pane(screen)
        await pilot.press("enter")
        await pilot.pause()
        views = pane.point_views()
        # the first point of A (after its first) that B noted too
        target = next(i for i, r in enumerate(views[0].rows) if i and 1 in r.marks and 0 in r.marks)
        # without sync, the other columns stay where they are
        await pilot.press(*["j"] * target)
        await pilot.pause()
        assert views[0].cursor == target
        assert views[1].cursor == 0 and views[2].cursor == 0
        await pilot.press("g", "s")
        await pilot.pause()
        assert pane.synced
        assert "[synced]" in plain(pane.query_one("#point-info", Static))
        await pilot.press(*["j"] * target)
        await pilot.pause()
        partner = views[1].rows[views[1].cursor]
        assert views[1].cursor != 0
        assert 0 in partner.marks and 1 in partner.marks
        ours = views[0].rows[target]
        assert set(partner.marks) == set(ours.marks)
        on_screen = first_line_of_row(views[1], views[1].cursor)
        assert views[1].cursor in [views[1].row_at(y) for y in range(views[1].size.height)]
        assert on_screen[:4].strip() == "".join("ABC"[m] for m in partner.marks)
        await pilot.press("s")
        await pilot.pause()
        assert not pane.synced
        before = views[1].cursor
        await pilot.press("j")
        await pilot.pause()
        assert views[1].cursor == before


async def test_sync_on_the_sample_notes_lands_on_each_authors_version(
    notes_dir: Path, tmp_path: Path
) -> None:
    app = new_app(notes_dir, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(pilot)
        assert screen.library is not None
        talk = next(t for t in screen.library.talks if t.title.startswith("OpenTelemetry"))
        screen.open_talk(talk.id)
        await pilot.pause()
        await pilot.press("s")
        views = talk_pane(screen).point_views()
        while "ctx" not in views[0].rows[views[0].cursor].text:
            await pilot.press("j")
            assert views[0].cursor < len(views[0].rows) - 1
        await pilot.pause()
        assert "context を渡し忘れる" in views[1].rows[views[1].cursor].text
        assert "ctx を渡さないと" in views[2].rows[views[2].cursor].text


# -------------------------------------------------------------- events


async def test_event_shows_its_other_sections_side_by_side_and_its_talks(
    library: Expected, tmp_path: Path
) -> None:
    app = new_app(library.root, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        screen = await show_first_event(pilot, library)
        assert screen.library is not None
        event = screen.library.events[0]
        await pilot.press("k")  # up from the first talk to its event
        await wait_for(pilot, lambda: screen.shown == NodeRef("event", event.id))
        await settle(pilot)
        pane = screen.query_one("#pane", ContentSwitcher)
        assert pane.current == "event"
        view = screen.query_one(EventView)
        shown = columns(screen, "#event")
        with_sections = [n for n in library.files if library.not_talks[n]]
        assert len(shown) >= len(with_sections) >= 1
        for name in with_sections:
            column = next(c for c in shown if name in column_header(c) or name in _label(c))
            headings = [r.text for r in column.points.rows if r.kind.value == "heading"]
            for section in library.not_talks[name]:
                assert any(squash(section) in squash(h) for h in headings), (section, headings)
        xs = [c.region.x for c in shown]
        assert len(set(xs)) == len(shown)  # side by side
        assert all(c.display and c.region.height > 3 for c in shown)
        talks = view.query_one("#event-talks", OptionList)
        assert talks.option_count == 5
        for number, cluster in enumerate(library.clusters):
            prompt = str(talks.get_option_at_index(number).prompt)
            assert any(squash(t) in squash(prompt) for t in library.titles[cluster]), prompt
        assert talks.display and talks.region.height >= 5
        assert "Talks (5)" in screen_text(pilot)
        # choosing a talk from the list opens it
        talks.focus()
        talks.highlighted = 2
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.shown == NodeRef("talk", event.talks[2].id))
        assert pane.current == "talk"


# ------------------------------------------------------------ problems


async def test_problems_node_shows_each_unreadable_note_and_why(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    shutil.copytree(NOTES, root)
    (root / "broken.md").write_bytes(b"# a note\x00\x01\x02 that is binary\n")
    app = new_app(root, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(pilot)
        tree = screen.query_one(LibraryTree)
        text = screen_text(pilot)
        assert "Problems (1)" in text
        assert tree.move_to(NodeRef("problems"))
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.shown == NodeRef("problems"))
        assert screen.query_one("#pane", ContentSwitcher).current == "problems"
        body = plain(screen.query_one(ProblemsView).query_one(Static))
        assert "broken.md" in body and "binary" in body
        visible = screen_text(pilot)
        assert "broken.md" in visible and "is a binary file, not text" in visible
        await pilot.press("l")  # unfold: the note and its reason in the tree too
        await pilot.pause()
        assert any("broken.md" in line and "binary" in line for line in screen_lines(pilot))


# ---------------------------------------------------------------- help

_KEY_NAMES = {
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "question_mark": "?",
    "slash": "/",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
}


def _key_texts(binding: Binding) -> list[str]:
    if binding.key_display:
        return [binding.key_display]
    return [_KEY_NAMES.get(k.strip(), k.strip()) for k in binding.key.split(",")]


def _help_rows(pilot: Pilot[Any]) -> list[str]:
    help_screen = pilot.app.screen
    assert isinstance(help_screen, HelpScreen)
    console = Console(file=io.StringIO(), width=200, record=True, color_system=None)
    console.print(help_screen.query_one(Static).content)
    return console.export_text().splitlines()


def _notetui_bindings(app: NoteTuiApp) -> list[tuple[str, Binding]]:
    """Every binding a notetui class declares on the reader as it runs now."""
    found: list[tuple[str, Binding]] = []
    nodes = [app, main_of(app), *main_of(app).walk_children()]
    seen: set[type] = set()
    for node in nodes:
        for cls in type(node).__mro__:
            if not cls.__module__.startswith("notetui") or cls in seen:
                continue
            seen.add(cls)
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding):
                    found.append((cls.__name__, binding))
    return found


def main_of(app: NoteTuiApp) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


async def test_help_lists_every_binding(notes_dir: Path, tmp_path: Path) -> None:
    app = new_app(notes_dir, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await loaded(pilot)
        declared = [
            *[("NoteTuiApp", b) for b in NoteTuiApp.BINDINGS],
            *[("MainScreen", b) for b in MainScreen.BINDINGS],
            *[("LibraryTree", b) for b in LibraryTree.BINDINGS],
            *[("PointView", b) for b in PointView.BINDINGS],
            *_notetui_bindings(app),  # and any other widget of ours on the screen
        ]
        assert len(declared) > 35
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        rows = _help_rows(pilot)
        missing = []
        for owner, binding in declared:
            assert isinstance(binding, Binding)
            assert binding.description, f"{owner} {binding.key} has no description"
            lines = [r for r in rows if f" {binding.description}" in f" {r.strip()}"]
            keys = _key_texts(binding)
            if not any(
                all(k in line.split(binding.description)[0] for k in keys) for line in lines
            ):
                missing.append(f"{owner}: {', '.join(keys)} {binding.description}")
        assert not missing, "not in the help screen:\n" + "\n".join(missing)
        # the palette, and the tree's own enter and space, are listed too
        for keys, what in (("ctrl+p", "palette"), ("enter", "Open"), ("space", "Fold")):
            assert any(r.strip().startswith(keys) and what in r for r in rows), keys
        # the help screen shows on the terminal and closes with escape
        assert "notetui keys" in screen_text(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))


# ------------------------------------------------------------ quitting


async def test_q_quits_and_closes_help_first(notes_dir: Path, tmp_path: Path) -> None:
    app = new_app(notes_dir, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("q")  # closes the help screen, does not quit
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.is_running
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")
    assert app.return_code == 0


# --------------------------------------------------------------- theme


async def test_the_chosen_theme_is_remembered_across_runs(notes_dir: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    app = new_app(notes_dir, tmp_path, theme=None)
    async with app.run_test(size=WIDE) as pilot:
        await loaded(pilot)
        assert app.theme == "tokyo-night"  # the default
        # choose a theme with Textual's own switcher, from the command palette
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"theme")
        await wait_for(pilot, lambda: _palette_first(app).startswith("Theme"), what="the command")
        await pilot.press("enter")
        await wait_for(pilot, lambda: _palette_offers(app, "nord"), what="the theme list")
        await pilot.press(*"nord")
        await wait_for(pilot, lambda: _palette_first(app).startswith("nord"), what="nord")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.theme == "nord", what="the theme to change")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
    assert json.loads(state.read_text("utf-8"))["theme"] == "nord"
    again = new_app(notes_dir, tmp_path)
    async with again.run_test(size=WIDE) as pilot:
        await loaded(pilot)
        assert again.theme == "nord"


def _palette_options(app: NoteTuiApp) -> list[str]:
    if not isinstance(app.screen, CommandPalette):
        return []
    options = app.screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def _palette_offers(app: NoteTuiApp, text: str) -> bool:
    return any(text in option for option in _palette_options(app))


def _palette_first(app: NoteTuiApp) -> str:
    options = _palette_options(app)
    return options[0] if options else ""


# -------------------------------------------------------------- narrow


async def test_narrow_terminal_shows_tabs_and_one_readable_column(
    library: Expected, tmp_path: Path
) -> None:
    app = new_app(library.root, tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        screen = await show_first_event(pilot, library)
        pane = talk_pane(screen)
        await wait_for(pilot, lambda: pane.has_class("-narrow"))
        tabs = pane.query_one("#column-tabs", ColumnTabs)
        assert tabs.display and tabs.region.height >= 1 and len(tabs.labels) == 3
        await pilot.press("enter")
        for number in range(3):
            await pilot.pause()
            shown = [c for c in columns(screen) if c.display]
            assert [c.index for c in shown] == [number]
            column = shown[0]
            assert tabs.active == number
            # readable: a real width and height for the notes, the header uncut
            assert column.points.region.width >= 40
            assert column.points.region.height >= 8, column.points.region
            header = widget_lines(column.query_one(".column-header", Static))
            full = column_header(column).splitlines()
            for line, want in zip(header, full, strict=True):
                shown_text = line.strip()
                assert shown_text == want.strip() or shown_text.endswith("…"), (line, want)
            for region in (column.region, screen.query_one(TalkHeader).region):
                assert region.right <= NARROW[0] and region.bottom <= NARROW[1]
            # the tab bar names the column being read
            lines = screen_lines(pilot)
            assert any("ABC"[number] + " " in line and _label(column)[:5] in line for line in lines)
            await pilot.press("right_square_bracket")
        # a header that leaves the notes most of the screen
        assert screen.query_one(TalkHeader).region.height <= 7


def _lost_text(view: PointView) -> list[str]:
    """The rows of `view` whose words do not all reach the screen."""
    shown = squash(view_text(view))
    lost = []
    for row in view.rows:
        if row.kind in (PointKind.TABLE, PointKind.CODE, PointKind.RULE):
            continue
        if squash(inline_markdown(row.text).plain) not in shown:
            lost.append(row.text)
    return lost


async def test_narrow_columns_show_every_word_of_every_point(
    library: Expected, tmp_path: Path
) -> None:
    """Wrapped to 80 columns, with a scrollbar, no character of a note is cut off."""
    app = new_app(library.root, tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        screen = await show_first_event(pilot, library)
        pane = talk_pane(screen)
        await pilot.press("enter")
        for number in range(3):
            await pilot.pause()
            view = pane.point_views()[number]
            assert view.virtual_size.height > view.size.height  # it scrolls
            assert not _lost_text(view), number
            await pilot.press("right_square_bracket")
        await pilot.press("m")
        await pilot.pause()
        assert not _lost_text(pane.query_one("#merged-points", PointView))


@pytest.mark.xfail(
    strict=False,
    reason="known bug: an event's column brought to the front under load can keep a "
    "0x0 virtual size though its rows are laid out (about 1 run in 3 on a busy 2-core "
    "machine); not found yet",
)
async def test_narrow_event_columns_show_every_word_of_every_point(
    library: Expected, tmp_path: Path
) -> None:
    """The same in an event's columns, each brought to the front by focus."""
    app = new_app(library.root, tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        screen = await show_first_event(pilot, library)
        assert screen.library is not None
        screen.open_event(screen.library.events[0].id)
        await settle(pilot)
        for view in screen.query_one(EventView).sources.point_views():
            view.screen.set_focus(view)
            await wait_for(
                pilot,
                lambda v=view: bool(v.rows) and not _lost_text(v),
                f"every word of {view.id} on screen",
                timeout=5,
            )


# --------------------------------------------------------------- mouse


async def test_mouse_clicks_and_wheel(library: Expected, tmp_path: Path) -> None:
    app = new_app(library.root, tmp_path)
    async with app.run_test(size=(200, 30)) as pilot:
        screen = await show_first_event(pilot, library)
        assert screen.library is not None
        tree = screen.query_one(LibraryTree)
        third = screen.library.events[0].talks[2]
        node = next(n for n in _nodes(tree) if n.data == NodeRef("talk", third.id))
        await pilot.click(tree, offset=(12, node.line - tree.scroll_offset.y))
        await wait_for(pilot, lambda: screen.shown == NodeRef("talk", third.id))
        await settle(pilot)
        title = plain(screen.query_one("#talk #title", Static))
        assert title == third.title
        # clicking a point in the second column puts the cursor there
        view = talk_pane(screen).point_views()[1]
        y = 4
        row = view.row_at(y)
        assert row is not None and row > 0
        await pilot.click(view, offset=(6, y))
        await pilot.pause()
        assert view.cursor == row and screen.focused is view
        # the wheel scrolls a column without moving its cursor
        long = max(talk_pane(screen).point_views(), key=lambda v: v.virtual_size.height)
        assert long.virtual_size.height > long.size.height
        assert long.scroll_offset.y == 0
        await scroll_wheel(pilot, long)
        await wait_for(pilot, lambda: long.scroll_offset.y > 0, what="the wheel to scroll")
        await scroll_wheel(pilot, long, down=False)
        await wait_for(pilot, lambda: long.scroll_offset.y == 0, what="the wheel to scroll back")


def _nodes(tree: LibraryTree) -> list[Any]:
    out = []
    stack = list(tree.root.children)
    while stack:
        node = stack.pop(0)
        out.append(node)
        stack[0:0] = list(node.children)
    return out
