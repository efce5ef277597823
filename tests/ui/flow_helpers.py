"""Driving the whole app as a user would: start it on a folder, wait for what a user
waits for, and read back what is on screen (tree labels, the header, the gutter, the
footer, toasts). Shared by the test_*_flows.py files."""

from __future__ import annotations

import shutil
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static, Tree
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast

from notetui.app import NoteTuiApp, make_app
from notetui.ui.screens.main import MainScreen
from notetui.ui.widgets.library_tree import LibraryTree, NodeRef
from notetui.ui.widgets.point_view import PointView
from notetui.ui.widgets.talk_view import TalkView
from support.paths import REPO

SAMPLE_NOTES = REPO / "notes"
SIZE = (160, 48)


def copy_notes(tmp_path: Path, source: Path = SAMPLE_NOTES) -> Path:
    """A private copy of a notes folder, safe to edit and delete from."""
    target = tmp_path / "notes"
    shutil.copytree(source, target)
    return target


def new_app(root: Path, tmp_path: Path, **kwargs: Any) -> NoteTuiApp:
    """The app as the CLI builds it, with its database and state in tmp_path."""
    kwargs.setdefault("db_path", tmp_path / "db.json")
    kwargs.setdefault("state_path", tmp_path / "state.json")
    kwargs.setdefault("watch", False)
    return make_app(root, **kwargs)


async def wait_for(
    pilot: Pilot[Any], condition: Callable[[], object], what: str, timeout: float = 5.0
) -> None:
    """Let the app run until `condition()` holds; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            await pilot.pause()
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        await pilot.pause(0.02)


def main(app: NoteTuiApp) -> MainScreen:
    """The reader, wherever it is in the screen stack."""
    return next(s for s in reversed(app.screen_stack) if isinstance(s, MainScreen))


async def loaded(pilot: Pilot[Any]) -> MainScreen:
    """Wait for the first paint with a talk shown, as a user waits for the reader."""
    app = pilot.app
    assert isinstance(app, NoteTuiApp)
    await wait_for(
        pilot,
        lambda: (
            any(isinstance(s, MainScreen) for s in app.screen_stack)
            and main(app).shown is not None
            and main(app).search_index is not None
        ),
        "the library to load",
        timeout=20,
    )
    return main(app)


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


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
