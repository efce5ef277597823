"""`x`: where to export, and how. The result is an `ExportRequest`, or None when cancelled.

The dialog only asks; the screen runs `core.export.export_library` with the answer
(in a worker), asks again before overwriting, and says what it wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Footer, Input, RadioButton, RadioSet, Static

from notetui.core.export.markdown import ExportRequest, Split
from notetui.core.text import sanitize_line

SPLIT_LABELS: dict[Split, str] = {
    "talk": "A file per talk, with an index per event",
    "event": "A file per event",
    "single": "One file",
}


@dataclass(frozen=True)
class ExportScope:
    """One thing `x` can export: the talk shown, its event, what the tag filter shows."""

    key: str  # "talk" | "event" | "filter"
    description: str  # one line, may hold note text
    talks: int


class ExportDialog(ModalScreen[ExportRequest | None]):
    """Shows what will be exported (`description`, one line, may hold note text) and
    asks for the folder (prefilled with `folder`), the split (only when more than
    one talk goes) and whether to write the merged point list.

    With several `scopes`, the user chooses what to export among them (the first is
    chosen at the start); `scope` is the one chosen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "export", "Export", priority=True, id="export.confirm"),
        Binding("escape", "cancel", "Cancel", key_display="esc", id="export.cancel"),
    ]

    def __init__(
        self,
        description: str,
        folder: Path,
        talks: int,
        *,
        split: Split = "event",
        merged: bool = False,
        scopes: Sequence[ExportScope] = (),
    ) -> None:
        super().__init__()
        self.scopes = tuple(scopes) or (ExportScope("given", description, talks),)
        self.scope = self.scopes[0]
        self.description = self.scope.description
        self.folder = folder
        self.talks = max(scope.talks for scope in self.scopes)
        self.split: Split = split
        self.merged = merged

    @property
    def asks_split(self) -> bool:
        return self.talks > 1

    def _what(self) -> Text:
        what = Text("Export ", Style(dim=True))
        what.append(sanitize_line(self.scope.description))
        return what

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._what(), id="what", markup=False)
            if len(self.scopes) > 1:
                yield Static("What", classes="label", markup=False)
                with RadioSet(id="scope", compact=True):
                    for number, scope in enumerate(self.scopes):
                        shown = Text(sanitize_line(scope.description))
                        yield RadioButton(
                            shown, value=number == 0, id=f"scope-{scope.key}", compact=True
                        )
            yield Static("Folder", classes="label", markup=False)
            yield Input(str(self.folder), placeholder="a folder to write to", id="folder")
            error = Static(id="error", markup=False)
            error.set_class(True, "-empty")
            yield error
            if self.asks_split:
                yield Static("Files", classes="label", markup=False)
                with RadioSet(id="split", compact=True):
                    for split, label in SPLIT_LABELS.items():
                        yield RadioButton(
                            Text(label),
                            value=split == self.split,
                            id=f"split-{split}",
                            compact=True,
                        )
            yield Checkbox(
                Text("Merged point list, each point with its authors"),
                self.merged,
                id="merged",
                compact=True,
            )
            with Horizontal(id="buttons"):
                yield Button("Export", id="export", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#folder", Input).focus()

    @on(Button.Pressed, "#export")
    def _export_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_export()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    @on(RadioSet.Changed, "#scope")
    def _scope_chosen(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.scope = self.scopes[event.index]
        self.query_one("#what", Static).update(self._what())

    @on(Input.Changed, "#folder")
    def _folder_changed(self) -> None:
        self._show_error("")

    def _chosen_split(self) -> Split:
        if not self.asks_split or self.scope.talks <= 1:
            return self.split
        pressed = self.query_one("#split", RadioSet).pressed_button
        for split in SPLIT_LABELS:
            if pressed is not None and pressed.id == f"split-{split}":
                return split
        return self.split

    def _show_error(self, message: str) -> None:
        error = self.query_one("#error", Static)
        error.update(Text(message))
        error.set_class(not message, "-empty")

    def action_export(self) -> None:
        if self.focused is not None and self.focused.id == "cancel":
            self.action_cancel()  # enter on the Cancel button means cancel
            return
        value = self.query_one("#folder", Input).value.strip()
        if not value:
            self._show_error("Give a folder to write to.")
            self.query_one("#folder", Input).focus()
            return
        merged = self.query_one("#merged", Checkbox).value
        self.dismiss(ExportRequest(Path(value).expanduser(), self._chosen_split(), merged))

    def action_cancel(self) -> None:
        self.dismiss(None)
