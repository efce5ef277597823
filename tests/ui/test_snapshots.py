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

from notetui.core.annotations import store as store_module
from notetui.core.annotations.service import AnnotationService
from notetui.core.annotations.store import Store
from notetui.core.load.library import load_library
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


@pytest.fixture
def annotated_app(notes_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The talk with a tag, an annotation of its own and one on a passage, and the
    library filtered by the tag."""
    monkeypatch.setattr(store_module, "now_iso", lambda: "2025-07-01T09:00:00Z")
    with Store(tmp_path / "db.json") as store:
        service = AnnotationService(store, load_library(notes_dir))
        talk = next(t for t in service.library.talks if t.title == TALK)
        target = service.target(talk.id)
        assert target is not None
        service.change_tags(target, add=["k8s"])
        service.annotate(target, "Worth trying on our batch cluster")
        anchor = service.passage(target, "automaxprocs")
        service.annotate(target, "We set GOMAXPROCS by hand: automaxprocs does it", anchor=anchor)
    return new_app(notes_dir, tmp_path, theme="tokyo-night")


async def _annotated(pilot: Pilot[Any]) -> None:
    screen = await loaded(pilot)
    screen.filter_tree(("k8s",))
    await open_talk()(pilot)


def test_annotated_talk_wide(snap_compare: Compare, annotated_app: Any) -> None:
    """A passage annotation's text under its point; the filter above the tree and in
    the footer; the talk's own annotation under the header."""
    assert snap_compare(annotated_app, terminal_size=WIDE, run_before=_annotated)


def test_annotated_talk_narrow(snap_compare: Compare, annotated_app: Any) -> None:
    assert snap_compare(annotated_app, terminal_size=NARROW, run_before=_annotated)
