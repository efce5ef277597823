"""All annotations: one table of everything the user wrote, orphans included.

Sortable by date, talk or tag (d, t, g, or a click on the column header), narrowed
by a filter as you type, with the highlighted annotation shown in full below. The
screen only reports what the user chose (`AnnotationAction`); the reader does it.
Every cell is `Text` built from sanitised strings: a DataTable reads a `str` cell as
markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Static

from notetui.core.text import fold, sanitize, sanitize_line
from notetui.ui.annotating import (
    ActionKind,
    AnnotationAction,
    AnnotationRow,
    ListState,
    SortKey,
)
from notetui.ui.palette import palette

_DIM = Style(dim=True)
_FILTER_DELAY = 0.05  # seconds: typing fast into a long list redraws it once
_PREVIEW_LINES = 5
_COLUMNS = ("date", "talk", "tags", "text", "mark")
_SORT_COLUMNS: dict[str, SortKey] = {"date": "date", "talk": "talk", "tags": "tag"}
_SORT_HINTS = (
    ("annotations.sort_date", "d", "date"),
    ("annotations.sort_talk", "t", "talk"),
    ("annotations.sort_tag", "g", "tag"),
)


def first_line(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            return sanitize_line(line.strip())
    return ""


def _haystack(row: AnnotationRow) -> str:
    parts = [row.text, row.target_title, row.event_title, *(f"#{t}" for t in row.tags)]
    if row.note:
        parts.append(row.note)
    return fold("\n".join(parts))


def _cell(text: str, style: Style | str = "") -> Text:
    return Text(text, style=style, no_wrap=True, overflow="ellipsis", end="")


def _sorted(rows: Sequence[AnnotationRow], key: SortKey, reverse: bool) -> list[AnnotationRow]:
    newest = sorted(rows, key=lambda r: (r.updated, r.created, r.uid), reverse=True)
    if key == "date":
        return newest if reverse else newest[::-1]
    if key == "talk":
        return sorted(
            newest, key=lambda r: (fold(r.target_title), fold(r.event_title)), reverse=reverse
        )
    # By tag; untagged annotations stay at the end either way.
    tagged = sorted(
        (r for r in newest if r.tags),
        key=lambda r: (r.tags, fold(r.target_title)),
        reverse=reverse,
    )
    return tagged + [r for r in newest if not r.tags]


class AnnotationsScreen(Screen[AnnotationAction | None]):
    """The result is what to do with the chosen annotation, or None when closed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: otherwise the table or the filter would take enter for itself.
        Binding("enter", "open", "Open", priority=True, id="annotations.open"),
        Binding("e", "edit", "Edit", id="annotations.edit"),
        Binding("a", "attach", "Attach", id="annotations.attach"),
        Binding("x,delete", "delete", "Delete", key_display="x", id="annotations.delete"),
        Binding("ctrl+z", "undo", "Undo delete", show=False, id="annotations.undo"),
        Binding("slash", "filter", "Filter", key_display="/", id="annotations.filter"),
        # Shown in the heading line rather than the footer, which has no room at 80 columns.
        Binding("d", "sort('date')", "Sort by date", show=False, id="annotations.sort_date"),
        Binding("t", "sort('talk')", "Sort by talk", show=False, id="annotations.sort_talk"),
        Binding("g", "sort('tag')", "Sort by tag", show=False, id="annotations.sort_tag"),
        Binding("escape,q", "close", "Close", key_display="esc", id="annotations.close"),
        Binding("j", "cursor(1)", "Down", show=False, id="annotations.down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="annotations.up"),
        Binding("down", "to_table", "To the list", show=False, id="annotations.to_table"),
    ]

    def __init__(self, rows: Sequence[AnnotationRow], state: ListState | None = None) -> None:
        super().__init__()
        self.rows = tuple(rows)
        self.initial = state or ListState()
        self.sort_key: SortKey = self.initial.sort
        self.reverse = self.initial.reverse  # by default, newest first
        self.shown: list[AnnotationRow] = []
        self._haystacks = {row.uid: _haystack(row) for row in self.rows}
        self._widths: tuple[int, ...] = ()
        self._filter_timer: Timer | None = None
        self._filter_pending = False
        self._cell_cache: dict[str, list[Text]] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="heading", markup=False)
        yield Input(
            self.initial.query,
            placeholder="filter: words from the text, title or tags  (/)",
            id="filter",
        )
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True, id="table")
        yield table
        yield Static(id="preview", markup=False)
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.table.focus()
        self._refill()
        uids = [row.uid for row in self.shown]
        wanted = self.initial.uid
        row = uids.index(wanted) if wanted in uids else min(self.initial.row, len(uids) - 1)
        if row > 0:
            self.table.move_cursor(row=row, animate=False)

    @property
    def state(self) -> ListState:
        current = self.current
        return ListState(
            self.sort_key,
            self.reverse,
            self.query_one("#filter", Input).value,
            current.uid if current else None,
            self.table.cursor_row,
        )

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#table", DataTable)

    @property
    def current(self) -> AnnotationRow | None:
        table = self.table
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            return None
        return self.shown[table.cursor_row]

    # ------------------------------------------------------------ table

    def on_resize(self) -> None:
        if self._column_widths() != self._widths:
            self._refill()

    def _column_widths(self) -> tuple[int, ...]:
        """date, talk, tags, text, mark: the table's width shared out, text widest."""
        mark = 6 if any(row.orphan for row in self.rows) else 0
        padding = 2 * (5 if mark else 4)
        room = max(30, self.table.size.width - 1 - padding - 10 - mark)
        talk = max(12, room * 32 // 100)
        tags = max(8, room * 18 // 100)
        return (10, talk, tags, max(10, room - talk - tags), mark)

    def _labels(self) -> list[Text]:
        arrow = " ▼" if self.reverse else " ▲"
        names = {
            "date": "Date",
            "talk": "Talk / event",
            "tags": "Tags",
            "text": "Annotation",
            "mark": "",
        }
        labels = []
        for column in _COLUMNS:
            label = Text(names[column], Style(bold=True))
            if _SORT_COLUMNS.get(column) == self.sort_key:
                label.append(arrow)
            labels.append(label)
        return labels

    def _refill(self) -> None:
        """Rebuild the table for the current filter, sort and width; keep the cursor."""
        self._filter_pending = False
        table = self.table
        keep = self.current.uid if self.current else None
        terms = fold(self.query_one("#filter", Input).value).split()
        rows = [r for r in self.rows if all(t in self._haystacks[r.uid] for t in terms)]
        self.shown = _sorted(rows, self.sort_key, self.reverse)
        self._widths = self._column_widths()
        table.clear(columns=True)
        for column, label, width in zip(_COLUMNS, self._labels(), self._widths, strict=True):
            if width:
                table.add_column(label, width=width, key=column)
        with_mark = bool(self._widths[-1])
        cells = self._cell_cache
        for row in self.shown:
            if row.uid not in cells:
                cells[row.uid] = self._cells(row, with_mark)
            table.add_row(*cells[row.uid], key=row.uid)
        if keep is not None and keep in {r.uid for r in self.shown}:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        self._show_heading(len(terms) > 0)
        self._show_preview()
        self.refresh_bindings()

    def _cells(self, row: AnnotationRow, with_mark: bool) -> list[Text]:
        title = sanitize_line(row.target_title or row.event_title) or "—"
        cells = [
            _cell(row.updated[:10], _DIM),
            _cell(title, Style(italic=True, dim=True) if row.orphan else ""),
            _cell(" ".join(f"#{sanitize_line(t)}" for t in row.tags), palette().style("tag")),
            _cell(first_line(row.text)),
        ]
        if with_mark:
            cells.append(_cell("orphan" if row.orphan else "", palette().style("note", bold=True)))
        return cells

    def _show_heading(self, filtered: bool) -> None:
        text = Text("All annotations  ", Style(bold=True))
        total = len(self.rows)
        if filtered:
            text.append(f"{len(self.shown)} of {total} match", _DIM)
        else:
            text.append(f"{total} annotation{'s' if total != 1 else ''}", _DIM)
        orphans = sum(1 for row in self.rows if row.orphan)
        if orphans:
            text.append(f"  {orphans} orphaned", palette().style("note", bold=True))
        text.append("   sort: ", _DIM)
        for number, (binding_id, default, name) in enumerate(_SORT_HINTS):
            if number:
                text.append(" · ", _DIM)
            text.append(self._key_display(binding_id, default), Style(bold=True))
            text.append(f" {name}", _DIM)
        self.query_one("#heading", Static).update(text)

    def _key_display(self, binding_id: str, default: str) -> str:
        """The key bound to `binding_id` now (a keymap may have moved it)."""
        for active in self.active_bindings.values():
            if active.binding.id == binding_id:
                return self.app.get_key_display(active.binding)
        return default

    @on(DataTable.RowHighlighted, "#table")
    def _row_highlighted(self) -> None:
        self._show_preview()
        self.refresh_bindings()

    def _show_preview(self) -> None:
        row = self.current
        preview = self.query_one("#preview", Static)
        if row is None:
            if self.rows:
                preview.update(Text("No annotation matches the filter.", _DIM))
            else:
                preview.update(
                    Text(
                        "No annotations yet. In the reader, a annotates a talk and A a point.", _DIM
                    )
                )
            return
        text = Text()
        text.append(sanitize_line(row.target_title or row.event_title) or "—", Style(bold=True))
        if row.event_title and row.event_title != row.target_title:
            text.append(f"  {sanitize_line(row.event_title)}", _DIM)
        if row.note:
            where = sanitize_line(row.note) + (f":{row.line}" if row.line is not None else "")
            text.append(f"  {where}", _DIM)
        if row.orphan:
            text.append("  orphaned: a attaches it to a talk", palette().style("note", bold=True))
        lines = sanitize(row.text).strip("\n").split("\n")
        for line in lines[:_PREVIEW_LINES]:
            text.append("\n")
            text.append(line.expandtabs(4))
        if len(lines) > _PREVIEW_LINES:
            text.append(f"\n… {len(lines) - _PREVIEW_LINES} more lines (e to edit)", _DIM)
        preview.update(text)

    # ------------------------------------------------------------ filter

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        # A short delay: a long list is rebuilt once per burst of typing, never skipped.
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(_FILTER_DELAY, self._refill)
        self._filter_pending = True

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_to_table(self) -> None:
        self.table.focus()

    # ------------------------------------------------------------ sorting

    @on(DataTable.HeaderSelected, "#table")
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        key = _SORT_COLUMNS.get(str(event.column_key.value))
        if key is not None:
            self.action_sort(key)

    def action_sort(self, key: SortKey) -> None:
        if key == self.sort_key:
            self.reverse = not self.reverse
        else:
            self.sort_key = key
            self.reverse = key == "date"  # newest first; titles and tags A to Z
        self._refill()

    def action_cursor(self, step: int) -> None:
        if step > 0:
            self.table.action_cursor_down()
        else:
            self.table.action_cursor_up()

    # ------------------------------------------------------------ results

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open", "edit", "attach", "delete"):
            return None if self.current is None else True
        return True

    @on(DataTable.RowSelected, "#table")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        self._flush_filter()
        row = self.current
        if row is None:
            return
        if row.orphan or row.target_id is None:
            self.notify(
                "This annotation is orphaned: attach it to a talk first (a).",
                severity="warning",
                timeout=4,
            )
            return
        self.dismiss(AnnotationAction("open", row.uid, row.target_id, self.state))

    def action_edit(self) -> None:
        self._finish("edit")

    def action_attach(self) -> None:
        self._finish("attach")

    def _finish(self, kind: ActionKind) -> None:
        row = self.current
        if row is not None:
            self.dismiss(AnnotationAction(kind, row.uid, row.target_id, self.state))

    def action_delete(self) -> None:
        row = self.current
        if row is None:
            return
        from notetui.ui.dialogs.confirm import ConfirmDialog

        title = sanitize_line(row.target_title or row.event_title) or "no title"
        question = f"Delete this annotation on “{title}”?\n\n{first_line(row.text)}"
        uid = row.uid
        target = row.target_id

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(AnnotationAction("delete", uid, target, self.state))

        self.app.push_screen(ConfirmDialog(question), answered)

    def action_undo(self) -> None:
        """ctrl+z: bring back the last deleted annotation (the reader does it)."""
        self.dismiss(AnnotationAction("undo", "", None, self.state))

    def action_close(self) -> None:
        if self.focused is self.query_one("#filter", Input):
            self.table.focus()
            return
        self.dismiss(None)

    def _flush_filter(self) -> None:
        """Apply a filter still waiting for its delay, so enter acts on what is shown."""
        if self._filter_pending:
            if self._filter_timer is not None:
                self._filter_timer.stop()
            self._refill()
