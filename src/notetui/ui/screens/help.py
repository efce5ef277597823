"""? : every key, grouped by where it works."""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from notetui.ui.keys import binding_groups
from notetui.ui.palette import palette


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", key_display="esc"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self._keys(), markup=False)

    def _keys(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style=palette().style("link", bold=True), no_wrap=True)
        table.add_column()
        table.add_row(Text("notetui keys", Style(bold=True)), Text("esc closes", "dim"))
        for title, rows in binding_groups(self.app):
            table.add_row("", "")
            table.add_row(Text(title, Style(bold=True, underline=True)), "")
            for row in rows:
                table.add_row(Text(row.keys), Text(row.description))
        table.add_row("", "")
        table.add_row(Text("mouse"), Text("click a tree node or a point; the wheel scrolls"))
        return table

    def action_close(self) -> None:
        self.dismiss(None)
