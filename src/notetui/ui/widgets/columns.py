"""Sources side by side: one column per author, a merged list, synced scrolling.

Wide terminals show every column (scrolling sideways past three or four); narrow
ones show one column at a time with tabs above it. With sync on, moving through
one column moves the others to the point they share with it, or to the same
place in the note when they share nothing.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import HorizontalScroll, Vertical
from textual.reactive import reactive
from textual.widgets import Static

from notetui.core.points.points import Alignment, PointRef
from notetui.core.text import sanitize_line
from notetui.ui.palette import palette
from notetui.ui.rows import Row, SourceRows
from notetui.ui.widgets.column_tabs import ColumnTabs
from notetui.ui.widgets.point_view import PointView, source_colour, source_letter
from notetui.ui.widgets.source_column import SourceColumn, source_title
from notetui.ui.widgets.steady import SteadyVertical

NARROW_WIDTH = 100  # below this, one column at a time
_TAB_LABEL = 14  # cells of an author's name on a tab: three tabs fit in 80 columns


class SourcesPane(SteadyVertical):
    """Columns of sources plus the merged list; toggles between them.

    `active` is the one source of truth for the column being read: focus, a click on
    a tab and `focus_column` set it, and its watcher marks the column and the tab.
    Nothing it sets posts a message back, so no two updates can chase each other.
    """

    DEFAULT_CSS = """
    SourcesPane { height: 1fr; }
    SourcesPane > #column-tabs { display: none; }
    SourcesPane.-narrow > #column-tabs { display: block; }
    SourcesPane > #columns { height: 1fr; }
    SourcesPane.-narrow SourceColumn { display: none; width: 1fr; min-width: 10; }
    SourcesPane.-narrow SourceColumn.-active { display: block; }
    SourcesPane > #columns > SourceColumn.-unused { display: none; }
    SourcesPane > #merged { display: none; height: 1fr; }
    SourcesPane.-merged > #merged { display: block; }
    SourcesPane.-merged > #columns, SourcesPane.-merged > #column-tabs { display: none; }
    SourcesPane #merged-header {
        height: 1; padding: 0 1; background: $panel; text-wrap: nowrap; text-overflow: ellipsis;
    }
    SourcesPane > #point-info {
        height: 1; padding: 0 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    # Each is shown through classes and the widgets it marks: a change repaints those,
    # not the whole pane.
    merged: reactive[bool] = reactive(False, repaint=False)
    synced: reactive[bool] = reactive(False, repaint=False)
    active: reactive[int] = reactive(0, repaint=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.specs: list[SourceRows] = []
        self.alignment: Alignment | None = None
        self.merged_rows: list[Row] = []
        self._syncing = False
        # Columns are kept and refilled; one is added only when a talk has more sources
        # than any shown before, and the spare ones are hidden.
        self._columns: list[SourceColumn] = []
        self._described: tuple[int | None, Row | None, Text] | None = None  # the status line

    def compose(self) -> ComposeResult:
        yield ColumnTabs(id="column-tabs")
        yield HorizontalScroll(id="columns", can_focus=False)
        with Vertical(id="merged"):
            yield Static(id="merged-header", markup=False)
            merged = PointView(id="merged-points")
            merged.cursor_moved = self._cursor_moved
            yield merged
        yield Static(id="point-info", markup=False)

    # -------------------------------------------------------------- data in

    def show(
        self, specs: list[SourceRows], alignment: Alignment | None, merged_rows: list[Row]
    ) -> None:
        """Show these sources, in one step: nothing here waits, so two shows in a row
        cannot interleave."""
        self.specs = specs
        self.alignment = alignment
        self.merged_rows = merged_rows
        count = len(specs)
        marks = count if alignment else 1  # nothing compared: a narrow gutter
        shared = self._shared_counts()
        while len(self._columns) < count:
            column = SourceColumn(len(self._columns))
            column.points.cursor_moved = self._cursor_moved
            self._columns.append(column)
            self.query_one("#columns", HorizontalScroll).mount(column)
        # A focused column about to be hidden hands focus to the first one: Textual
        # would move it out of the pane (to the tree, where j would move the tree).
        focused = self.screen.focused if self.is_attached else None
        if count and any(focused is column.points for column in self._columns[count:]):
            self._columns[0].points.focus()
        for index, column in enumerate(self._columns):
            used = index < count
            column.set_class(not used, "-unused")
            if used:
                spec = specs[index]
                column.show(
                    _header(index, spec, shared[index] if alignment else None), spec.rows, marks
                )
        self.query_one(ColumnTabs).show([_tab_label(i, spec) for i, spec in enumerate(specs)])
        self.query_one("#merged-header", Static).update(
            _merged_header(specs, merged_rows), layout=False
        )
        self.merged_view.show(merged_rows, sources=count, own=None)
        self.set_reactive(SourcesPane.active, 0)
        self._mark_active()
        self.describe_current()

    def _shared_counts(self) -> list[int]:
        return [sum(1 for row in spec.rows if len(row.marks) > 1) for spec in self.specs]

    # ------------------------------------------------------------- columns

    def column(self, index: int) -> SourceColumn | None:
        return self._columns[index] if 0 <= index < len(self.specs) else None

    def columns(self) -> list[SourceColumn]:
        """The columns in use, in source order."""
        return self._columns[: len(self.specs)]

    def point_views(self) -> list[PointView]:
        return [column.points for column in self.columns()]

    @property
    def merged_view(self) -> PointView:
        return self.query_one("#merged-points", PointView)

    def focus_column(self, index: int) -> None:
        if not self.specs:
            return
        if self.merged:
            self.query_one("#merged-points", PointView).focus()
            return
        self.active = index % len(self.specs)
        column = self.column(self.active)
        if column is not None:
            column.points.focus()
            column.scroll_visible(animate=False)

    def watch_active(self) -> None:
        self._mark_active()
        self.describe_current()

    def describe_current(self) -> None:
        """The status line for the point under the cursor of the column read (or of
        the merged list): after `[`, `]`, a click on a tab, `m`, a new talk."""
        column, row = self.current_row()
        self._describe(column, row)

    def _mark_active(self) -> None:
        for column in self._columns:
            column.set_class(column.index == self.active, "-active")
        self.query_one(ColumnTabs).active = self.active

    @on(ColumnTabs.Chosen, "#column-tabs")
    def _tab_chosen(self, event: ColumnTabs.Chosen) -> None:
        event.stop()
        if self.specs:
            self.active = event.index % len(self.specs)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        column = event.widget.parent
        if isinstance(event.widget, PointView) and isinstance(column, SourceColumn):
            self.active = column.index

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "-narrow")

    def watch_merged(self, merged: bool) -> None:
        self.set_class(merged, "-merged")
        self.describe_current()

    # ----------------------------------------------------------- the cursor

    def _cursor_moved(self, view: PointView, row: int) -> None:
        """A view's cursor moved: say what is under it, and move the synced columns."""
        if view.id == "merged-points":
            self._describe(None, view.current)
            return
        column = next((c for c in self.columns() if c.points is view), None)
        if column is None:
            return
        self._describe(column.index, view.current)
        if self.synced and not self._syncing:
            self._sync_from(column.index, row)

    def _sync_from(self, source: int, row: int) -> None:
        """Move the other columns to the point they share with this one."""
        self._syncing = True
        try:
            total = max(1, len(self.specs[source].rows))
            for other in self.columns():
                if other.index == source:
                    continue
                target = self._partner(source, row, other.index)
                if target is None:
                    target = round(row / total * len(self.specs[other.index].rows))
                other.points.move_to(target)
        finally:
            self._syncing = False

    def _partner(self, source: int, row: int, other: int) -> int | None:
        if self.alignment is None:
            return None
        group = self.alignment.group_of.get(PointRef(source, row))
        if group is None:
            return None
        for ref in self.alignment.groups[group]:
            if ref.source == other:
                return ref.point
        return None

    def _describe(self, column: int | None, row: Row | None) -> None:
        info = Text()
        if row is not None and len(self.specs) > 1:
            marks = row.marks
            if len(marks) > 1:
                info.append(f"Noted by {len(marks)} authors: ", Style(bold=True))
                for number, source in enumerate(marks):
                    if number:
                        info.append(", ")
                    info.append(
                        source_letter(source), Style(color=source_colour(source), bold=True)
                    )
                    info.append(f" {sanitize_line(self.specs[source].label)}")
            elif len(marks) == 1:
                info.append("Only ", Style(dim=True))
                info.append(source_letter(marks[0]), Style(color=source_colour(marks[0])))
                info.append(
                    f" {sanitize_line(self.specs[marks[0]].label)} noted this", Style(dim=True)
                )
        if row is not None and row.line is not None:
            where = f"{'  ' if info else ''}line {row.line}"
            if row.note:
                where += f" of {sanitize_line(row.note)}"
            info.append(where, Style(dim=True))
        if row is not None and row.remarks:
            # The point's annotation leads: the rest is cut first on a narrow screen.
            remark = Text("✎ ", palette().style("note", bold=True))
            remark.append(sanitize_line(row.remarks[0].strip()))
            if len(row.remarks) > 1:
                remark.append(f" (+{len(row.remarks) - 1} more)", Style(dim=True))
            if info:
                remark.append("   ")
            info = Text.assemble(remark, info)
        if self.synced:
            info.append("  [synced]", palette().style("tag"))
        # A new talk describes its first point more than once (shown, then marked):
        # the same line again is not drawn again.
        if (column, row, info) == self._described:
            return
        self._described = (column, row, info)
        self.query_one("#point-info", Static).update(info, layout=False)

    def watch_synced(self) -> None:
        self.describe_current()

    def current_row(self) -> tuple[int | None, Row | None]:
        if self.merged:
            return None, self.merged_view.current
        column = self.column(self.active)
        if column is None:
            return None, None
        return column.index, column.points.current


def _tab_label(index: int, spec: SourceRows) -> Text:
    label = Text(f"{source_letter(index)} ", Style(color=source_colour(index), bold=True))
    name = Text(sanitize_line(spec.label))
    name.truncate(_TAB_LABEL, overflow="ellipsis")
    label.append_text(name)
    return label


def _merged_header(specs: list[SourceRows], rows: list[Row]) -> Text:
    """ "Merged: 37 points, 2 by several authors   A name · B name": who each letter is."""
    header = Text(f"Merged: {len(rows)} points", Style(bold=True))
    several = sum(1 for row in rows if len(row.marks) > 1)
    header.append(f", {several} noted by several authors", Style(dim=True))
    for index, spec in enumerate(specs):
        header.append("   " if index == 0 else " · ", Style(dim=True))
        header.append(source_letter(index), Style(color=source_colour(index), bold=True))
        header.append(f" {sanitize_line(spec.label)}")
    return header


def _header(index: int, spec: SourceRows, shared: int | None) -> Text:
    return source_title(index, spec.label, spec.detail, shared=shared)
