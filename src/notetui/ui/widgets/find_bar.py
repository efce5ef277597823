"""ctrl+f: find in the current talk. A one-line bar docked at the bottom of the talk.

The bar only reports: `FindBar.Changed(query)` on every keystroke, `Submitted(query)`
on enter, `Closed()` on escape. The reader finds the rows (`find_rows`), highlights
them and moves with n/N, and tells the bar how many it found (`show_count`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

from notetui.core.text import fold
from notetui.ui.palette import palette


def find_rows(rows_text: Sequence[str], query: str) -> list[int]:
    """Indexes of the rows holding every whitespace-separated term of `query`.

    Case- and width-insensitive (NFKC + casefold: `ｋ８ｓ` finds `K8s`); terms match
    anywhere in the row, in any order. A blank query finds nothing.
    """
    terms = fold(query).split()
    if not terms:
        return []
    return [i for i, text in enumerate(rows_text) if all(t in fold(text) for t in terms)]


class FindBar(Horizontal):
    """Hidden until `open()`; escape hides it again."""

    DEFAULT_CSS = """
    FindBar {
        dock: bottom; height: 1; display: none; background: $panel; padding: 0 1;
    }
    FindBar.-open { display: block; }
    FindBar > #find-label { width: auto; color: $text-muted; padding-right: 1; }
    FindBar > Input { width: 1fr; }
    FindBar > #find-count { width: auto; min-width: 10; padding-left: 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close find", key_display="esc", id="find.close"),
    ]

    class _Query(Message):
        def __init__(self, bar: FindBar, query: str) -> None:
            super().__init__()
            self.bar = bar
            self.query = query

        @property
        def control(self) -> FindBar:
            return self.bar

    class Changed(_Query):
        """The query changed (every keystroke)."""

    class Submitted(_Query):
        """Enter: go to the match and back to reading (n/N move on)."""

    class Closed(Message):
        """Escape: the bar is hidden; clear the highlights."""

        def __init__(self, bar: FindBar) -> None:
            super().__init__()
            self.bar = bar

        @property
        def control(self) -> FindBar:
            return self.bar

    def compose(self) -> ComposeResult:
        yield Static(Text("Find"), id="find-label", markup=False)
        yield Input(placeholder="words in this talk", compact=True, id="find-input")
        yield Static(id="find-count", markup=False)

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    @property
    def value(self) -> str:
        """What is typed in the bar."""
        return self.query_one("#find-input", Input).value

    def open(self, query: str | None = None) -> None:
        """Show the bar and focus it; `query` replaces the text if given."""
        field = self.query_one("#find-input", Input)
        if query is not None:
            field.value = query
        self.add_class("-open")
        field.focus()
        field.select_all()

    def close(self) -> None:
        if self.is_open:
            self.remove_class("-open")
            self.show_count(None)
            self.post_message(self.Closed(self))

    def show_count(self, matches: int | None, current: int | None = None) -> None:
        """`3/12`, `no match`, or nothing (None)."""
        if matches is None:
            text = Text()
        elif matches == 0:
            text = Text("no match", palette().style("new"))
        elif current is None:
            text = Text(f"{matches} found")
        else:
            text = Text(f"{current + 1}/{matches}")
        self.query_one("#find-count", Static).update(text)

    @on(Input.Changed, "#find-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self, event.value))

    @on(Input.Submitted, "#find-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(self, event.value))

    def action_close(self) -> None:
        self.close()
