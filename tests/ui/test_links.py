"""`o` where there is no graphical browser: the link is copied and shown, and the
console browser `webbrowser` would pick is never run inside the reader's terminal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import copy_notes, loaded, new_app, toasts, wait_for

from notetui.ui.browser import choose_browser

pytestmark = pytest.mark.anyio


@pytest.fixture
def console_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No display, and a `w3m` on PATH that leaves a mark if it is ever run."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    ran = tmp_path / "w3m-ran"
    fake = bin_dir / "w3m"
    fake.write_text(f'#!/bin/sh\necho "$@" > "{ran}"\n', "utf-8")
    fake.chmod(0o755)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return ran


def test_without_a_display_the_browser_is_the_console_one_on_path(console_only: Path) -> None:
    choice = choose_browser()
    assert not choice.graphical
    assert choice.console is not None and Path(choice.console).name == "w3m"
    assert choose_browser({"PATH": ""}).console is None  # none at all
    assert choose_browser({}, platform="darwin").graphical


async def test_o_copies_the_slides_link_and_says_how_to_open_it(
    tmp_path: Path, console_only: Path
) -> None:
    app = new_app(copy_notes(tmp_path), tmp_path)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        screen = await loaded(pilot)
        talk = screen.current_talk()
        assert talk is not None and talk.slides
        url = talk.slides[0]
        await pilot.press("o")
        await wait_for(pilot, lambda: any(url in t for t in toasts(app)), "the link's toast")
        shown = next(t for t in toasts(app) if url in t)
        assert "No graphical browser" in shown and "w3m" in shown and "o again" in shown
        assert app.clipboard == url
        # o again hands the terminal to w3m; a headless terminal cannot: it says what to run
        await pilot.press("o")
        await wait_for(pilot, lambda: any("cannot hand over" in t for t in toasts(app)), "o2")
        assert any(f"w3m {url}" in t for t in toasts(app))
        assert not console_only.exists()  # w3m never ran inside the reader


async def test_o_on_a_talk_without_slides_says_so(tmp_path: Path, console_only: Path) -> None:
    app = new_app(copy_notes(tmp_path), tmp_path)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        screen = await loaded(pilot)
        assert screen.library is not None
        bare = next(t for t in screen.library.talks if not t.slides)
        screen.open_talk(bare.id)
        await pilot.pause()
        await pilot.press("o")
        event = screen.library.event_of(bare)
        said = "has no slides link" if event.url else "No slides or event page"
        await wait_for(pilot, lambda: any(said in t for t in toasts(app)), "no slides")
        assert not console_only.exists()
