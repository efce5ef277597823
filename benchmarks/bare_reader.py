"""The floor for benchmarks/keys.py: a bare Textual app doing the reader's update.

    python benchmarks/bare_reader.py TALKS.json

TALKS.json is a list of {"title", "event", "columns": [text, ...]}. The app shows a
header (title and event) over three columns of text. `n` shows the next talk in all
four widgets, `j` and `k` move a line cursor in the lit column, `]` lights the next
column, `tab` is accepted (as notetui's moves into the columns), `q` quits. Nothing
from notetui is imported.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Static


class BareReader(App[None]):
    CSS = """
    #header { height: 4; border-bottom: solid $primary 40%; padding: 0 1; }
    #columns { height: 1fr; }
    .column { width: 1fr; height: 1fr; border-right: tall $panel; padding: 0 1; }
    .column.-active { background: $accent 20%; }
    """
    BINDINGS = [
        Binding("n", "next_talk", "Next talk"),
        Binding("j", "cursor(1)", "Down"),
        Binding("k", "cursor(-1)", "Up"),
        Binding("right_square_bracket", "next_column", "Next column"),
        Binding("tab", "nothing", show=False),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, talks: list[dict[str, Any]]) -> None:
        super().__init__()
        self.talks = talks
        self.current = 0
        self.active = 0
        self.cursor = 0

    def compose(self) -> ComposeResult:
        yield Static(id="header", markup=False)
        with Horizontal(id="columns"):
            for index in range(3):
                yield Static(id=f"column-{index}", classes="column", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.theme = "tokyo-night"
        self._show()

    def _show(self) -> None:
        talk = self.talks[self.current % len(self.talks)]
        header = Text(talk["title"], "bold")
        header.append(f"\n{talk['event']}", "dim")
        self.query_one("#header", Static).update(header)
        self.cursor = 0
        for index in range(3):
            self._show_column(index)

    def _show_column(self, index: int) -> None:
        talk = self.talks[self.current % len(self.talks)]
        columns = talk["columns"]
        body = columns[index] if index < len(columns) else ""
        lines = body.split("\n")
        text = Text()
        for number, line in enumerate(lines):
            if number:
                text.append("\n")
            lit = index == self.active and number == self.cursor
            text.append(line, "reverse" if lit else "")
        self.query_one(f"#column-{index}", Static).update(text)

    def action_next_talk(self) -> None:
        self.current += 1
        self._show()

    def action_cursor(self, step: int) -> None:
        self.cursor = max(0, self.cursor + step)
        self._show_column(self.active)

    def action_next_column(self) -> None:
        self.query_one(f"#column-{self.active}").remove_class("-active")
        self.active = (self.active + 1) % 3
        self.query_one(f"#column-{self.active}").add_class("-active")

    def action_nothing(self) -> None:
        pass


if __name__ == "__main__":
    BareReader(json.loads(Path(sys.argv[1]).read_text("utf-8"))).run()
