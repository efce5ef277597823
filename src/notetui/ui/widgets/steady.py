"""Containers that are not drawn twice when a layout resizes them.

When a layout gives a widget a new size, Textual stores it and asks for another
layout and a repaint of the whole widget (its virtual size is a reactive that does
both on change). A talk whose header is a line taller or shorter than the last one's
resizes every column below it, so each such `n` sent the columns to the terminal a
second time, in a frame of its own. Here the second layout is still asked for (the
children may need it) but not the repaint: the size change itself repaints the
widget in the frame that made it, and the second layout repaints whatever it moves.
Scrollable containers are left as they are (a HorizontalScroll drew stale columns).
"""

from __future__ import annotations

from textual.containers import Vertical
from textual.geometry import Size


class SteadyVertical(Vertical):
    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        changed = super()._size_updated(size, virtual_size, container_size, layout=False)
        if changed and layout:
            self.clear_cached_dimensions()
            self.refresh(repaint=False, layout=True)
        return changed
