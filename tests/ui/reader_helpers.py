"""Helpers for driving the reader with Pilot: start it, wait for it, read the screen.

Shared by the reader, hostile-text and snapshot tests in this folder.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widget import Widget

from notetui.app import NoteTuiApp, make_app
from notetui.ui.screens.main import MainScreen
from notetui.ui.widgets.point_view import PointView

WIDE = (200, 50)
NARROW = (80, 24)


def new_app(root: Path, tmp_path: Path, *, theme: str | None = "textual-dark") -> NoteTuiApp:
    """The app as the CLI builds it, with no file watching and its own state file.

    `theme` is written to the state file first, so the app starts with it.
    """
    state = tmp_path / "state.json"
    if theme is not None and not state.exists():
        state.write_text(json.dumps({"theme": theme}), "utf-8")
    return make_app(root, watch=False, state_path=state, db_path=tmp_path / "annotations.json")


async def wait_for(
    pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 15, what: str = ""
) -> None:
    """Let the app run until `condition()` is true; fail after `timeout` seconds."""
    loop_time = 0.0
    while not condition():
        if loop_time > timeout:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await pilot.pause(0.02)
        loop_time += 0.02


async def settle(pilot: Pilot[Any]) -> None:
    """Let every pending show finish: the preview timer, its worker, the repaint."""
    await pilot.pause(0.1)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def main_screen(pilot: Pilot[Any]) -> MainScreen:
    for screen in pilot.app.screen_stack:
        if isinstance(screen, MainScreen):
            return screen
    raise AssertionError("the reader screen is not open")


async def loaded(pilot: Pilot[Any]) -> MainScreen:
    """Wait until the library is loaded and the first talk or event is on screen."""
    await wait_for(
        pilot,
        lambda: any(
            isinstance(s, MainScreen) and s.library is not None and s.shown is not None
            for s in pilot.app.screen_stack
        ),
        what="the library to load",
    )
    await pilot.pause()
    return main_screen(pilot)


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
