"""A scrollable list of points (bullets, lines, headings) with a cursor and a gutter.

The gutter marks what the other authors noted too: a letter per author who noted the
point, in that author's colour, or a dim dot for a point only this author noted (in
the merged list, where there is no "this author", that author's letter). The user's
passage annotations show under their point, dim and wrapped, after a ✎.
Rendering goes through the line API, so a long note costs only the lines on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from notetui.core.points.points import PointKind
from notetui.core.text import sanitize
from notetui.ui.palette import palette
from notetui.ui.rendering import block, code_style, inline_markdown, table_lines, wrap
from notetui.ui.rows import Row

_BULLETS = ("•", "◦", "▪", "‣")
_LAYOUTS_KEPT = 8


@dataclass(slots=True)
class _Layout:
    rows: list[Row]  # what was laid out (kept, so its id is not reused meanwhile)
    lines: list[tuple[int, Text | None]]  # (row, line); None is a blank line
    tops: list[int]  # the first line of each row
    strips: dict[int, Strip]  # lines drawn so far


def source_letter(index: int) -> str:
    return chr(ord("A") + index % 26)


def source_colour(index: int) -> str:
    """The colour of source `index`, from the theme."""
    return palette().source(index)


class PointView(ScrollView, can_focus=True):
    """Points of one source (or the merged list), with a point cursor."""

    DEFAULT_CSS = """
    PointView {
        height: 1fr;
        padding: 0 1 0 0;
        scrollbar-size-vertical: 1;
        scrollbar-gutter: stable;  /* lines are wrapped once, to a width that stays put */
        overflow-x: hidden;
    }
    PointView > .point-view--cursor { background: $boost; }
    PointView:focus > .point-view--cursor { background: $accent 45%; }
    PointView > .point-view--heading { color: $text-accent; text-style: bold; }
    PointView > .point-view--unique { color: $text-muted; }
    PointView > .point-view--match { background: $warning 25%; }
    PointView > .point-view--remark { color: $text-muted; text-style: italic; }
    """
    COMPONENT_CLASSES = {
        "point-view--cursor",
        "point-view--heading",
        "point-view--unique",
        "point-view--match",
        "point-view--remark",
    }
    BINDINGS = [
        Binding("j,down", "cursor_down", "Next point", show=False, id="point.next"),
        Binding("k,up", "cursor_up", "Previous point", show=False, id="point.previous"),
        Binding("g,home", "first", "First point", show=False, id="point.first"),
        Binding("G,end", "last", "Last point", show=False, id="point.last"),
        Binding("pagedown", "page_down", "Page down", show=False, id="point.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="point.page_up"),
    ]

    # The watcher repaints the two rows the cursor leaves and enters, not the view.
    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows: list[Row] = []
        self.sources = 0  # how many sources the marks can name
        self.own: int | None = None  # this column's source, for "only this author"
        self.matches: set[int] = set()  # rows to highlight (search hits)
        # Told at once when the cursor moves (by key, click or code), by the pane holding
        # the view: its status line then changes in the cursor's frame. A message would
        # reach it a frame later, and every `j` would be drawn twice.
        self.cursor_moved: Callable[[PointView, int], None] | None = None
        self._lines: list[tuple[int, Text | None]] = []  # (row index, line; None: blank)
        self._row_top: list[int] = []
        self._layout_width = 0
        self._baked: tuple[Style, ...] = ()  # the styles the lines were laid out with
        self._base = Style()  # the view's own style, as of the last layout
        self._layout = _Layout([], [], [], {})
        # Recent layouts, by rows, width and styles: a talk read again is not re-wrapped.
        self._layouts: dict[tuple[object, ...], _Layout] = {}

    # -------------------------------------------------------------- data in

    def show(self, rows: list[Row], *, sources: int, own: int | None) -> None:
        self.rows = rows
        self.sources = sources
        self.own = own
        self.matches = set()
        self._layout_width = 0
        self.set_reactive(PointView.cursor, 0)
        if self.is_attached:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self._relayout()

    def set_annotations(self, remarks: dict[int, tuple[str, ...]]) -> None:
        """The passage annotations' texts per row: ✎ in the gutter, and each text
        under its point."""
        if all(remarks.get(i, ()) == row.remarks for i, row in enumerate(self.rows)):
            return  # nothing changed: no new layout
        self.rows = [
            replace(r, annotations=len(remarks.get(i, ())), remarks=remarks.get(i, ()))
            for i, r in enumerate(self.rows)
        ]
        self._layout_width = 0
        self._relayout()

    @property
    def current(self) -> Row | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    # ------------------------------------------------------------- layout

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if not self.is_mounted:
            return  # laid out once mounted, on its first resize
        # Focus and hover restyle the view too; only a change to the styles baked into
        # the laid-out lines (a new theme) is worth laying every line out again.
        if self._baked_styles() != self._baked:
            self._layout_width = 0
            self._relayout()

    def _baked_styles(self) -> tuple[Style, ...]:
        return (
            self.rich_style,
            self.get_component_rich_style("point-view--heading"),
            self.get_component_rich_style("point-view--unique"),
            self.get_component_rich_style("point-view--remark"),
        )

    def _gutter_width(self) -> int:
        return min(self.sources, 4) + 2 if self.sources > 1 else 2

    def _relayout(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or not self.is_attached:
            return
        if width == self._layout_width and self._lines:
            return
        self._layout_width = width
        self._baked = self._baked_styles()
        self._base = self._baked[0]
        key = (id(self.rows), width, self.sources, self.own, self._baked)
        layout = self._layouts.pop(key, None)
        if layout is None or layout.rows is not self.rows:
            layout = self._lay_out(width)
        self._layouts[key] = layout  # the most recent last
        while len(self._layouts) > _LAYOUTS_KEPT:
            del self._layouts[next(iter(self._layouts))]
        self._layout = layout
        self._lines = layout.lines
        self._row_top = layout.tops
        self.virtual_size = Size(width, len(layout.lines))
        self.refresh()

    def _lay_out(self, width: int) -> _Layout:
        """Wrap every row to `width`; the lines become strips when first drawn."""
        console = self.app.console
        gutter_width = self._gutter_width()
        content_width = max(8, width - gutter_width)
        lines: list[tuple[int, Text | None]] = []
        tops: list[int] = []
        for index, row in enumerate(self.rows):
            if row.kind is PointKind.HEADING and index:
                lines.append((index, None))
            tops.append(len(lines))
            gutter = self._gutter(row, gutter_width)
            indent = "  " * min(row.outline, 8)
            body_width = max(8, content_width - len(indent))
            for number, body in enumerate(self._wrap(row, body_width, console)):
                left = gutter if number == 0 else Text(" " * gutter_width)
                line = Text.assemble(left, indent, body)
                line.truncate(width, pad=True)
                lines.append((index, line))
            for body in self._remark_lines(row, body_width):
                line = Text.assemble(" " * gutter_width, indent, body)
                line.truncate(width, pad=True)
                lines.append((index, line))
        return _Layout(self.rows, lines, tops, {})

    def _remark_lines(self, row: Row, width: int) -> list[Text]:
        """The user's annotations on the point, under it: dim, wrapped, after a ✎."""
        out: list[Text] = []
        note = palette().style("note")
        muted = self.get_component_rich_style("point-view--remark")
        for remark in row.remarks:
            first = True
            for line in sanitize(remark).strip().split("\n"):
                body = Text(line.rstrip().expandtabs(4), muted)
                for piece in wrap(body, max(4, width - 4)):
                    out.append(Text.assemble(Text("  ✎ " if first else "    ", note), piece))
                    first = False
        return out

    def _strip(self, index: int) -> Strip:
        strip = self._layout.strips.get(index)
        if strip is None:
            line = self._lines[index][1]
            width = self._layout_width
            if line is None:
                strip = Strip.blank(width, self._base)
            else:
                segments = list(line.render(self.app.console))
                strip = Strip(Segment.apply_style(segments, self._base), width)
            self._layout.strips[index] = strip
        return strip

    def _gutter(self, row: Row, width: int) -> Text:
        text = Text()
        marks = row.marks
        if self.sources > 1 and marks:
            if len(marks) > 1 and len(marks) <= 4:
                for source in marks:
                    text.append(
                        source_letter(source), Style(color=source_colour(source), bold=True)
                    )
            elif len(marks) > 4:
                text.append(f"+{len(marks)}", Style(bold=True))
            elif self.own is None:  # the merged list: whose point it is
                text.append(source_letter(marks[0]), Style(color=source_colour(marks[0])))
            else:
                text.append("·", self.get_component_rich_style("point-view--unique"))
        text.truncate(width - 1, pad=True)
        text.append("✎" if row.annotations else " ", palette().style("note", bold=True))
        return text

    def _wrap(self, row: Row, width: int, console: Console) -> list[Text]:
        kind = row.kind
        if kind is PointKind.RULE:
            return [Text("─" * width, Style(dim=True))]
        if kind is PointKind.TABLE:
            return table_lines(row.text, width, console)
        if kind is PointKind.CODE:
            out: list[Text] = []
            for raw in block(row.text).plain.split("\n"):
                piece = Text(raw.expandtabs(4), code_style())
                out.extend(piece.wrap(console, width, overflow="fold") or [Text("")])
            return out
        body = inline_markdown(row.text).copy()
        prefix = ""
        if kind is PointKind.HEADING:
            body.stylize(self.get_component_rich_style("point-view--heading"))
        elif kind is PointKind.BULLET:
            marker = row.ordered or _BULLETS[min(row.depth, len(_BULLETS) - 1)]
            # In the merged list the outline's indentation says the nesting already.
            nest = "" if row.outline else "  " * min(row.depth, 8)
            prefix = nest + marker + " "
        elif kind is PointKind.QUOTE:
            prefix = "▎ "
            body.stylize(Style(italic=True))
        if self.sources > 1 and len(row.marks) == 1 and self.own is not None:
            body.stylize(self.get_component_rich_style("point-view--unique"))
        indent = cell_len(prefix)
        wrapped = wrap(body, max(4, width - indent))
        result = []
        for number, piece in enumerate(wrapped):
            lead = prefix if number == 0 else " " * indent
            result.append(Text.assemble(Text(lead, Style(dim=kind is PointKind.BULLET)), piece))
        return result

    # ---------------------------------------------------------- rendering

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if index >= len(self._lines):
            return Strip.blank(width, self._base)
        row = self._lines[index][0]
        strip = self._strip(index)
        if row == self.cursor and self.rows:
            strip = strip.apply_style(self.get_component_rich_style("point-view--cursor"))
        elif row in self.matches:
            strip = strip.apply_style(self.get_component_rich_style("point-view--match"))
        return strip.crop_extend(scroll_x, scroll_x + width, self._base)

    # ------------------------------------------------------------- cursor

    def watch_cursor(self, old: int, new: int) -> None:
        if not self.rows:
            return
        clamped = max(0, min(new, len(self.rows) - 1))
        if clamped != new:
            self.cursor = clamped
            return
        self._refresh_row(old)
        self._refresh_row(clamped)
        self.scroll_to_row(clamped)
        if self.cursor_moved is not None:
            self.cursor_moved(self, clamped)

    def _refresh_row(self, row: int) -> None:
        """Repaint the lines of `row` that are on screen (scrolling repaints the rest)."""
        if not 0 <= row < len(self._row_top):
            return
        start = self._row_top[row]
        end = self._row_top[row + 1] if row + 1 < len(self._row_top) else len(self._lines)
        top = start - self.scroll_offset.y
        self.refresh(Region(0, top, self.size.width, max(1, end - start)))

    def scroll_to_row(self, row: int, *, top: bool = False) -> None:
        if not 0 <= row < len(self._row_top):
            return
        start = self._row_top[row]
        end = self._row_top[row + 1] if row + 1 < len(self._row_top) else len(self._lines)
        if top:
            self.scroll_to(y=start, animate=False)
        else:
            region = Region(0, start, 1, max(1, end - start))
            self.scroll_to_region(region, animate=False, immediate=True)

    def move_to(self, row: int, *, top: bool = False) -> None:
        """Put the cursor on `row` without announcing it (for synced columns)."""
        if not self.rows:
            return
        row = max(0, min(row, len(self.rows) - 1))
        self.set_reactive(PointView.cursor, row)
        self.scroll_to_row(row, top=top)
        self.refresh()

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor = max(0, self.cursor - 1)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = max(0, len(self.rows) - 1)

    def action_page_down(self) -> None:
        self._page(+1)

    def action_page_up(self) -> None:
        self._page(-1)

    def _page(self, direction: int) -> None:
        if not self._row_top:
            return
        target_line = self._row_top[self.cursor] + direction * max(1, self.size.height - 1)
        target_line = max(0, min(target_line, len(self._lines) - 1))
        self.cursor = self._lines[target_line][0]

    def row_at(self, y: int) -> int | None:
        """The row shown on line `y` of the view (0 is the top line on screen)."""
        index = self.scroll_offset.y + y
        return self._lines[index][0] if 0 <= index < len(self._lines) else None

    def on_click(self, event: events.Click) -> None:
        row = self.row_at(event.y)
        if row is not None:
            self.cursor = row
