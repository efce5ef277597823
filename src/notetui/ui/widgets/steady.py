"""Widgets that are not laid out and drawn twice when a layout resizes them.

When a layout gives a widget a new size, Textual stores it and then asks for another
layout and a repaint of the whole widget (its virtual size is a reactive that lays
out on change). The layout that set the size has placed everything already: the
second one moves nothing, but the repaint sends the whole area to the terminal again,
in a frame of its own. A talk whose header is a line taller or shorter than the last
one's resizes every container below it, so each `n` drew the columns twice. These
take their new size as Textual's scroll path does (no layout asked): the size change
itself still repaints them, in the frame that made it.
"""

from __future__ import annotations

from textual.containers import HorizontalScroll, Vertical
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Static


class SteadySize(Widget):
    """Mixed in before a widget class: a new size from a layout asks for no other."""

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # The first size (from mounting or being shown) still asks: an auto-sized
        # container's children are measured again in it.
        settled = bool(self.size) and bool(size)
        return super()._size_updated(
            size, virtual_size, container_size, layout=layout and not settled
        )


class SteadyVertical(SteadySize, Vertical):
    pass


class SteadyHorizontalScroll(SteadySize, HorizontalScroll):
    pass


class SteadyStatic(SteadySize, Static):
    pass
