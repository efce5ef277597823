"""A yes/no question: y or enter says yes, n or escape says no."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from notetui.core.text import sanitize


class ConfirmDialog(ModalScreen[bool]):
    """Ask `question`; the result is True for yes and False for no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("enter", "answer(True)", "Yes", show=False, id="confirm.yes_enter"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding(
            "escape", "answer(False)", "No", key_display="esc", show=False, id="confirm.no_escape"
        ),
        Binding("left,right", "app.focus_next", "Switch button", show=False, id="confirm.switch"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(sanitize(self.question)), id="question", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Yes", id="yes", variant="warning", compact=True)
                yield Button("No", id="no", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    @on(Button.Pressed)
    def _button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
