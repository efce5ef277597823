"""The tabs above a narrow screen's one column: a label per source, the active one lit.

Drawn in one widget from a list of labels, so a new talk replaces every tab in one
step (no tabs mounted or removed, nothing awaited). Setting `active` only redraws;
only a click posts `Chosen`, so the pane's `active` and the tabs never feed each other.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.renderables.bar import Bar
from textual.widget import Widget


class ColumnTabs(Widget):
    """One line of labels over a bar that underlines the active one."""

    DEFAULT_CSS = """
    ColumnTabs { height: 2; width: 1fr; }
    ColumnTabs > .column-tabs--tab { color: $foreground 50%; }
    ColumnTabs > .column-tabs--active { color: $foreground; }
    ColumnTabs > .column-tabs--bar {
        color: $block-cursor-background; background: $foreground 10%;
    }
    """
    COMPONENT_CLASSES = {"column-tabs--tab", "column-tabs--active", "column-tabs--bar"}

    active: reactive[int] = reactive(0)

    class Chosen(Message):
        """The user clicked the tab of column `index`."""

        def __init__(self, tabs: ColumnTabs, index: int) -> None:
            super().__init__()
            self.tabs = tabs
            self.index = index

        @property
        def control(self) -> ColumnTabs:
            return self.tabs

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._labels: list[Text] = []
        self._spans: list[tuple[int, int]] = []  # (first cell, end cell) of each tab

    @property
    def labels(self) -> list[Text]:
        return self._labels

    def show(self, labels: Sequence[Text]) -> None:
        """Replace every tab at once; the first is active."""
        self._labels = list(labels)
        spans = []
        start = 0
        for label in self._labels:
            width = cell_len(label.plain) + 2  # a space either side, as Tab pads
            spans.append((start, start + width))
            start += width
        self._spans = spans
        self.set_reactive(ColumnTabs.active, 0)
        self.refresh()

    def render(self) -> Group:
        width = self.size.width
        tab_style = self.get_component_rich_style("column-tabs--tab")
        active_style = self.get_component_rich_style("column-tabs--active")
        line = Text(no_wrap=True, overflow="crop")
        for index, label in enumerate(self._labels):
            # The tab's colour is the base: the label's own (the author's letter) wins.
            piece = Text(style=active_style if index == self.active else tab_style, end="")
            piece.append(" ")
            piece.append_text(label)
            piece.append(" ")
            line.append_text(piece)
        line.truncate(width, pad=True)
        # The same bar Textual's Tabs draw: lit under the active label, padding aside.
        start, end = self._spans[self.active] if 0 <= self.active < len(self._spans) else (0, 2)
        bar = self.get_component_rich_style("column-tabs--bar")
        underline = Bar(
            highlight_range=(start + 1, end - 1),
            highlight_style=Style.from_color(bar.color),
            background_style=Style.from_color(bar.bgcolor),
        )
        return Group(line, underline)

    def on_click(self, event: events.Click) -> None:
        for index, (start, end) in enumerate(self._spans):
            if start <= event.x < end:
                event.stop()
                self.post_message(self.Chosen(self, index))
                return
