"""Snapshots of the reader's main screens (pytest-textual-snapshot), at 200x50 and 80x24.

They show the sample notes in notes/: their showcase event is noted by three authors,
like the 2019 event of the shared corpus, and unlike the corpus they belong to the
project, so their text may be stored in the SVGs here. Textual is pinned in
pyproject.toml, the theme is fixed through the state file, and every screenshot is
taken once the library is loaded and the talk or event is on screen.

Update with `pytest tests/ui/test_snapshots.py --snapshot-update`, then look at
each changed SVG before committing it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import NARROW, WIDE, loaded, new_app, settle, wait_for
from textual.pilot import Pilot

from notetui.ui.screens.help import HelpScreen

TALK = "K8S上のGoサービスでGOMAXPROCSとGOMEMLIMITを見直した話"  # 3 authors, 4 shared points
EVENT = "Shibuya Go Meetup #18"

Compare = Callable[..., bool]


def open_talk(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await loaded(pilot)
        assert screen.library is not None
        talk = next(t for t in screen.library.talks if t.title == TALK)
        screen.open_talk(talk.id)
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


async def _open_event(pilot: Pilot[Any]) -> None:
    screen = await loaded(pilot)
    assert screen.library is not None
    event = next(e for e in screen.library.events if e.title == EVENT)
    screen.open_event(event.id)
    await settle(pilot)


async def _open_help(pilot: Pilot[Any]) -> None:
    await open_talk()(pilot)
    await pilot.press("question_mark")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
    await settle(pilot)


@pytest.fixture
def app(notes_dir: Path, tmp_path: Path) -> Any:
    return new_app(notes_dir, tmp_path, theme="tokyo-night")


def test_talk_wide(snap_compare: Compare, app: Any) -> None:
    """Three authors side by side, shared points marked in the gutter."""
    assert snap_compare(app, terminal_size=WIDE, run_before=open_talk())


def test_talk_narrow(snap_compare: Compare, app: Any) -> None:
    """80x24: tabs above one column."""
    assert snap_compare(app, terminal_size=NARROW, run_before=open_talk())


def test_merged_view(snap_compare: Compare, app: Any) -> None:
    """`m`: every point once, with the letters of the authors who noted it."""
    assert snap_compare(app, terminal_size=WIDE, run_before=open_talk("m", "j", "j", "j"))


def test_help(snap_compare: Compare, app: Any) -> None:
    assert snap_compare(app, terminal_size=WIDE, run_before=_open_help)


def test_event_wide(snap_compare: Compare, app: Any) -> None:
    """An event: its notes' schedules and impressions side by side, then its talks."""
    assert snap_compare(app, terminal_size=WIDE, run_before=_open_event)


def test_event_narrow(snap_compare: Compare, app: Any) -> None:
    assert snap_compare(app, terminal_size=NARROW, run_before=_open_event)
