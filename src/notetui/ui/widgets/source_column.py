"""One author's take: a header naming the source, and its points."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from notetui.core.text import sanitize_line
from notetui.ui.palette import palette
from notetui.ui.rows import Row
from notetui.ui.widgets.point_view import PointView, source_colour, source_letter
from notetui.ui.widgets.steady import SteadyVertical


def source_title(index: int, label: str, detail: str, *, shared: int | None = None) -> Text:
    """ "A  author" over "event · file" for a column header."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(
        f" {source_letter(index)} ",
        Style(bgcolor=source_colour(index), color=palette().on_colour, bold=True),
    )
    text.append(f" {sanitize_line(label)}", Style(bold=True))
    if shared is not None:
        text.append(f"  {shared} shared", Style(dim=True))
    text.append("\n")
    text.append(sanitize_line(detail), Style(dim=True))
    return text


class SourceColumn(SteadyVertical):
    """A column: the source's header and a PointView of its section.

    Its parts exist from the start, so `show` works before the column is mounted:
    the pane mounts a new column without waiting and fills it at once."""

    DEFAULT_CSS = """
    SourceColumn { width: 1fr; min-width: 34; height: 1fr; border-right: tall $panel; }
    SourceColumn > .column-header {
        height: 2; padding: 0 1; background: $panel;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    SourceColumn.-active > .column-header { background: $accent 35%; }
    """

    def __init__(self, index: int) -> None:
        super().__init__(id=f"column-{index}")
        self.index = index
        self._header = Static(classes="column-header", markup=False)
        self._points = PointView(id=f"points-{index}")

    def compose(self) -> ComposeResult:
        yield self._header
        yield self._points

    def show(self, header: Text, rows: list[Row], sources: int) -> None:
        """Show another talk's note in this column (nothing is remounted)."""
        self._header.update(header, layout=False)  # two lines, always
        self._points.show(rows, sources=sources, own=self.index)

    @property
    def points(self) -> PointView:
        """The column's points (there from the start, before the column is composed)."""
        return self._points
