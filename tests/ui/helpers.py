"""Driving the reader as a user would, with Pilot: start it on a folder, wait for what
a user waits for, and read back what is on screen (the terminal's text, tree labels,
the header, the gutter, the footer, toasts). Shared by every test in this folder.
"""

from __future__ import annotations

import json
import shutil
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static, Tree
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast

import notetui
from notetui.app import NoteTuiApp, make_app
from notetui.ui.screens.main import MainScreen
from notetui.ui.widgets.library_tree import LibraryTree, NodeRef
from notetui.ui.widgets.point_view import PointView
from notetui.ui.widgets.talk_view import TalkView
from support.paths import REPO

WIDE = (200, 50)
NARROW = (80, 24)
SIZE = (160, 48)
SAMPLE_NOTES = REPO / "notes"
STYLESHEET = Path(notetui.__file__).parent / "notetui.tcss"


def copy_notes(tmp_path: Path, source: Path = SAMPLE_NOTES) -> Path:
    """A private copy of a notes folder, safe to edit and delete from."""
    target = tmp_path / "notes"
    shutil.copytree(source, target)
    return target


def new_app(root: Path, tmp_path: Path, *, theme: str | None = None, **kwargs: Any) -> NoteTuiApp:
    """The app as the CLI builds it, with its database and state in tmp_path and no
    file watching (unless asked); `theme` is written to the state file first, so the
    app starts with it."""
    state = tmp_path / "state.json"
    if theme is not None and not state.exists():
        state.write_text(json.dumps({"theme": theme}), "utf-8")
    kwargs.setdefault("db_path", tmp_path / "db.json")
    kwargs.setdefault("state_path", state)
    kwargs.setdefault("watch", False)
    return make_app(root, **kwargs)


class Host(App[None]):
    """Pushes one screen, styled as in the app, and keeps what it is dismissed with."""

    CSS_PATH = STYLESHEET

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.dialog = screen
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


async def wait_for(
    pilot: Pilot[Any], condition: Callable[[], object], what: str = "", timeout: float = 15
) -> None:
    """Let the app run until `condition()` holds; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what or condition}")
        await pilot.pause(0.02)
    await pilot.pause()


async def settle(pilot: Pilot[Any]) -> None:
    """Let every pending show finish: the preview timer, the workers, the repaint."""
    await pilot.pause(0.1)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def main(app: App[Any]) -> MainScreen:
    """The reader, wherever it is in the screen stack."""
    for screen in reversed(app.screen_stack):
        if isinstance(screen, MainScreen):
            return screen
    raise AssertionError("the reader screen is not open")


def main_screen(pilot: Pilot[Any]) -> MainScreen:
    return main(pilot.app)


async def loaded(pilot: Pilot[Any]) -> MainScreen:
    """Wait for what a user waits for: the first talk or event shown, the store read
    (annotations and tags on screen) and the search index built."""

    def ready() -> bool:
        screens = [s for s in pilot.app.screen_stack if isinstance(s, MainScreen)]
        return bool(screens) and all(
            s.library is not None
            and s.shown is not None
            and s.attachments is not None
            and s.search_index is not None
            for s in screens
        )

    await wait_for(pilot, ready, "the library to load", timeout=30)
    return main(pilot.app)


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def screen_lines(pilot: Pilot[Any]) -> list[str]:
    """The text on the terminal, one string per row (wide characters once)."""
    strips = pilot.app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


def screen_text(pilot: Pilot[Any]) -> str:
    return "\n".join(screen_lines(pilot))


def widget_lines(widget: Widget) -> list[str]:
    """The rows a widget shows now, as text."""
    strips = widget.render_lines(widget.region.reset_offset)
    return ["".join(segment.text for segment in strip) for strip in strips]


def first_line_of_row(view: PointView, row: int) -> str:
    """The rendered first line of `row` (gutter included), scrolled into view if needed."""
    view.scroll_to_row(row)
    view.refresh()
    for y in range(view.scrollable_content_region.height):
        if view.row_at(y) == row:
            return "".join(segment.text for segment in view.render_line(y))
    raise AssertionError(f"row {row} is not on screen")


def view_text(view: PointView) -> str:
    """Every line of a point view as the terminal shows it, scrolled through page by page."""
    height = view.scrollable_content_region.height
    total = view.virtual_size.height
    lines: dict[int, str] = {}
    top = 0
    while top < total and height > 0:
        view.scroll_to(y=top, animate=False, immediate=True)
        offset = view.scroll_offset.y
        for y in range(height):
            if offset + y < total:
                lines[offset + y] = "".join(s.text for s in view.render_line(y))
        top = offset + height
    view.scroll_to(y=0, animate=False, immediate=True)
    return "\n".join(lines[i] for i in sorted(lines))


def squash(text: str) -> str:
    """For comparing names: NFKC, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).split())


async def scroll_wheel(pilot: Pilot[Any], widget: Widget, *, down: bool = True) -> None:
    """One turn of the mouse wheel over `widget`."""
    event = events.MouseScrollDown if down else events.MouseScrollUp
    await pilot._post_mouse_events([event], widget, offset=(2, 2))


@dataclass(frozen=True)
class Expected:
    """The hand-labelled ground truth for the three-author event of a library."""

    root: Path
    files: list[str]  # the event's notes, as expected.json lists them
    clusters: list[str]  # its talks, in time order
    titles: dict[str, set[str]]  # cluster -> every title the notes give it
    speakers: dict[str, list[dict[str, Any]]]  # cluster -> every speaker any note names
    not_talks: dict[str, list[str]]  # file -> its non-talk sections
    events: list[dict[str, Any]]
    files_data: dict[str, Any]


def expected_for(root: Path, data: dict[str, Any]) -> Expected:
    event = next(e for e in data["events"] if len(e["files"]) == 3)
    files = event["files"]
    clusters = [t["cluster"] for t in data["files"][files[0]]["talks"]]
    titles: dict[str, set[str]] = {c: set() for c in clusters}
    speakers: dict[str, list[dict[str, Any]]] = {c: [] for c in clusters}
    for name in files:
        for talk in data["files"][name]["talks"]:
            titles[talk["cluster"]].add(talk["title"])
            speakers[talk["cluster"]].extend(talk["speakers"])
    not_talks = {name: data["files"][name]["not_talks"] for name in files}
    return Expected(
        root, files, clusters, titles, speakers, not_talks, data["events"], data["files"]
    )


# ----------------------------------------------------------------- what is on screen


def tree_nodes(app: NoteTuiApp) -> Iterator[tuple[NodeRef, str]]:
    """(ref, label as shown) for every node of the library tree, in order."""
    tree = main(app).query_one(LibraryTree)

    def walk(node: Any) -> Iterator[tuple[NodeRef, str]]:
        for child in node.children:
            if child.data is not None:
                yield child.data, str(child.label)
            yield from walk(child)

    yield from walk(tree.root)


def tree_label(app: NoteTuiApp, talk_or_event_id: str) -> str:
    labels = [label for ref, label in tree_nodes(app) if ref.id == talk_or_event_id]
    assert labels, f"{talk_or_event_id} is not in the tree"
    return labels[0]


def tree_ids(app: NoteTuiApp, kind: str) -> list[str]:
    return [ref.id for ref, _ in tree_nodes(app) if ref.kind == kind]


def tree_cursor(app: NoteTuiApp) -> NodeRef | None:
    node = main(app).query_one(LibraryTree).cursor_node
    return node.data if node is not None else None


def header_text(app: NoteTuiApp) -> str:
    """The talk header as shown: title, speakers, event, and the user's own marks."""
    header = main(app).query_one(TalkView).header
    return "\n".join(str(s.render()) for s in header.query(Static) if s.display)


def personal_text(app: NoteTuiApp) -> str:
    """The user's tags and annotations under the talk header."""
    header = main(app).query_one(TalkView).header
    personal = header.query_one("#personal", Static)
    return str(personal.render()) if personal.display else ""


def focused_view(app: NoteTuiApp) -> PointView:
    focused = app.focused
    assert isinstance(focused, PointView), f"focus is on {focused!r}, not a column"
    return focused


def column_views(app: NoteTuiApp) -> list[PointView]:
    return main(app).query_one(TalkView).sources.point_views()


def visible_lines(view: PointView) -> list[str]:
    """The lines of a column as they are drawn now (after scrolling)."""
    return [view.render_line(y).text for y in range(view.size.height)]


def row_lines(view: PointView, row: int) -> list[str]:
    """The drawn lines of point `row`, if it is on screen now."""
    return [
        view.render_line(y).text
        for y in range(view.scrollable_content_region.height)
        if view.row_at(y) == row
    ]


def footer_keys(app: NoteTuiApp) -> list[str]:
    """The footer as shown: "key description" per entry."""
    return [" ".join(str(k.render()).split()) for k in app.screen.query(FooterKey)]


def toasts(app: NoteTuiApp) -> list[str]:
    """The notifications on screen (the app must run with `notifications=True`)."""
    return [" ".join(str(t.render()).split()) for t in app.screen.query(Toast)]


def tree_widget(app: NoteTuiApp) -> Tree[NodeRef]:
    return main(app).query_one(LibraryTree)
