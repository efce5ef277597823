"""A talk reached with `n` or `p` looks exactly as a fresh layout of it would.

The reader updates in place when it moves to another talk (widgets refilled, the
columns told their new size once, the status line redrawn only when it changes), so
what is on screen after each key is compared with the same screen laid out and
drawn again from nothing: a stale column, header or status line would differ.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import (
    NARROW,
    WIDE,
    copy_notes,
    loaded,
    new_app,
    screen_lines,
    settle,
    wait_for,
)
from textual.pilot import Pilot
from textual.widget import Widget

from notetui.ui.widgets.point_view import PointView

pytestmark = pytest.mark.anyio


async def _drawn_again(pilot: Pilot[Any]) -> list[str]:
    """The screen after every widget is laid out and drawn again."""
    for widget in pilot.app.screen.walk_children(Widget):
        widget.clear_cached_dimensions()
        widget.refresh(layout=True)
    pilot.app.screen.refresh(layout=True)
    await settle(pilot)
    return screen_lines(pilot)


@pytest.mark.parametrize("size", [WIDE, NARROW], ids=["wide", "narrow"])
async def test_every_talk_after_n_and_p_is_drawn_as_a_fresh_layout_draws_it(
    notes_dir: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = new_app(notes_dir, tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = await loaded(pilot)
        assert screen.library is not None
        talks = screen.library.talks
        heights: set[int] = set()
        await pilot.press("tab")  # into the columns: j moves the status line too
        for key in ["n"] * len(talks) + ["p"] * 3:
            await pilot.press(key, "j")
            await settle(pilot)
            shown = screen_lines(pilot)
            assert isinstance(app.focused, PointView)
            assert shown == await _drawn_again(pilot), f"{key} to {screen.current_talk()}"
            heights.add(screen.pane.talk_view.header.outer_size.height)
        assert len(heights) > 1, "no two talks had headers of different heights"


async def test_the_next_talk_computed_ahead_shows_its_note_as_reloaded(tmp_path: Path) -> None:
    """The talks next to the one read are aligned ahead; after `r` picks up an edit to
    one of them, `n` shows the edit, never the rows computed before it."""
    root = copy_notes(tmp_path)
    app = new_app(root, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(pilot)
        assert screen.library is not None
        upcoming = screen.library.talks[1]
        await settle(pilot)  # the rows of the talks either side are computed by now
        assert screen.pane.rows.cached(upcoming.id) is not None

        source = upcoming.sources[0]
        note = root / source.note
        lines = note.read_text("utf-8").split("\n")
        lines.insert(source.section.end_line, "* 読み直した後の一行")
        note.write_text("\n".join(lines), "utf-8")
        await pilot.press("r")
        await wait_for(
            pilot,
            lambda: screen.library is not None and screen.library.talk(upcoming.id) != upcoming,
            "the reload",
        )
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert screen.current_talk() is not None
        assert screen.current_talk().id == upcoming.id  # type: ignore[union-attr]
        texts = [row.text for view in screen.pane.sources.point_views() for row in view.rows]
        assert any("読み直した後の一行" in text for text in texts)
        assert "読み直した後の一行" in "\n".join(screen_lines(pilot))
