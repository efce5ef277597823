"""The `x` dialog: it shows what goes, asks where and how, and returns the answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import STYLESHEET
from textual.app import App, ComposeResult
from textual.widgets import Checkbox, Input, RadioSet, Static

from notetui.core.export.markdown import ExportRequest
from notetui.ui.dialogs.export import ExportDialog

pytestmark = pytest.mark.anyio

UNSET = object()


class DialogApp(App[None]):
    """Opens one ExportDialog, styled as in the app, and keeps what it returned."""

    CSS_PATH = STYLESHEET

    def __init__(self, dialog: ExportDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.result: object = UNSET

    def compose(self) -> ComposeResult:
        yield Static("behind the dialog")

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self._done)

    def _done(self, result: ExportRequest | None) -> None:
        self.result = result


def shown(dialog: ExportDialog, selector: str) -> str:
    return str(dialog.query_one(selector, Static).render())


async def test_enter_exports_to_the_prefilled_folder(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    app = DialogApp(ExportDialog("the talk “k8s [b]bold[/b]”", folder, 1))
    async with app.run_test() as pilot:
        await pilot.pause()
        dialog = app.dialog
        assert dialog.query_one("#folder", Input).value == str(folder)
        assert "[b]bold[/b]" in shown(dialog, "#what")  # note text is not markup
        assert not dialog.query(RadioSet)  # one talk: nothing to split
        await pilot.press("enter")
        await pilot.pause()
    assert app.result == ExportRequest(folder, "event", False)


async def test_split_and_merged_for_several_talks(tmp_path: Path) -> None:
    app = DialogApp(ExportDialog("the event “Shibuya Go Meetup #18” (5 talks)", tmp_path, 5))
    async with app.run_test() as pilot:
        await pilot.pause()
        dialog = app.dialog
        radios = dialog.query_one("#split", RadioSet)
        assert radios.pressed_button is not None and radios.pressed_button.id == "split-event"
        field = dialog.query_one("#folder", Input)
        field.value = ""
        await pilot.press(*"~/notes-out")
        await pilot.click("#split-talk")
        await pilot.click("#merged")
        await pilot.pause()
        assert dialog.query_one("#merged", Checkbox).value is True
        await pilot.click("#export")
        await pilot.pause()
    assert app.result == ExportRequest(Path("~/notes-out").expanduser(), "talk", True)


async def test_escape_cancels(tmp_path: Path) -> None:
    app = DialogApp(ExportDialog("3 talks from 2 events", tmp_path, 3, merged=True))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not app.dialog
    assert app.result is None


async def test_an_empty_folder_is_asked_for_again(tmp_path: Path) -> None:
    app = DialogApp(ExportDialog("the talk “x”", tmp_path, 1))
    async with app.run_test() as pilot:
        await pilot.pause()
        dialog = app.dialog
        dialog.query_one("#folder", Input).value = "   "
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and app.result is UNSET
        error = dialog.query_one("#error", Static)
        assert not error.has_class("-empty")
        assert "Give a folder" in shown(dialog, "#error")
        await pilot.press("x")
        await pilot.pause()
        assert error.has_class("-empty")  # typing clears it
        await pilot.press("enter")
        await pilot.pause()
    assert app.result == ExportRequest(Path("   x".strip()), "event", False)


async def test_cancel_button_and_enter_on_it(tmp_path: Path) -> None:
    app = DialogApp(ExportDialog("the talk “x”", tmp_path, 1))
    async with app.run_test() as pilot:
        await pilot.pause()
        app.dialog.query_one("#cancel").focus()
        await pilot.press("enter")
        await pilot.pause()
    assert app.result is None
