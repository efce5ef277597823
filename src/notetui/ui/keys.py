"""Every key binding the user can press, grouped, for the help screen and palette.

Bindings are declared on the classes that handle them (app, screen, widgets); this
gathers them so nothing is listed by hand twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.binding import Binding, BindingType

if TYPE_CHECKING:
    from textual.app import App


@dataclass(frozen=True)
class KeyHelp:
    keys: str
    description: str
    action: str
    binding_id: str | None


# The reader screen's keys: declared here so the help screen and the keymap check can
# list them without importing the screen.
READER_BINDINGS: list[BindingType] = [
    Binding("n", "next_talk", "Next talk", id="talk.next"),
    Binding("p", "previous_talk", "Prev talk", id="talk.previous"),
    Binding("m", "toggle_merged", "Merged", id="view.merged"),
    Binding("s", "toggle_sync", "Sync", id="view.sync"),
    Binding("o", "open_slides", "Slides", id="talk.slides"),
    Binding(
        "left_square_bracket",
        "previous_column",
        "Prev column",
        key_display="[",
        id="column.previous",
    ),
    Binding(
        "right_square_bracket", "next_column", "Next column", key_display="]", id="column.next"
    ),
    Binding("a", "annotate", "Annotate", id="annotate.target"),
    Binding("A", "annotate_passage", "Annotate point", id="annotate.passage"),
    Binding("t", "edit_tags", "Tags", id="tags.edit"),
    Binding("f", "filter_tags", "Filter by tag", show=False, id="tags.filter"),
    Binding("v", "all_annotations", "All annotations", show=False, id="annotations.all"),
    Binding("ctrl+z", "undo_delete", "Undo delete", show=False, id="annotations.undo"),
    Binding("slash", "search", "Search", key_display="/", id="search.library"),
    Binding("ctrl+f", "find", "Find in talk", show=False, id="search.talk"),
    Binding("N", "previous_match", "Previous match", show=False, id="search.previous"),
    Binding("escape", "close_find", "Close find", show=False, id="find.close"),
    Binding("x", "export", "Export", show=False, id="export"),
    Binding("e", "edit_note", "Edit note", show=False, id="note.edit"),
    Binding("y", "copy", "Copy", show=False, id="note.copy"),
    Binding("r", "reload", "Reload", show=False, id="library.reload"),
    # Between the tree and the columns only: not the slide links, not containers.
    Binding("tab", "focus_pane(1)", "Next pane", show=False, id="focus.next"),
    Binding("shift+tab", "focus_pane(-1)", "Previous pane", show=False, id="focus.previous"),
]


def _bindings(items: Iterable[BindingType]) -> list[Binding]:
    return [b for b in items if isinstance(b, Binding)]


def binding_groups(app: App[Any]) -> list[tuple[str, list[KeyHelp]]]:
    from notetui.ui.widgets.find_bar import FindBar
    from notetui.ui.widgets.library_tree import LibraryTree
    from notetui.ui.widgets.point_view import PointView

    keymap: dict[str, str] = getattr(app, "keymap", {})
    tree_defaults = [
        Binding("enter", "select_cursor", "Open the talk or event", id="tree.open"),
        Binding("space", "toggle_node", "Fold or unfold an event", id="tree.toggle"),
    ]
    palette = Binding(
        "ctrl+p",
        "command_palette",
        "Command palette: jump to a talk, event or command",
        id="app.commands",
    )
    groups = [
        ("Everywhere", [*_bindings(type(app).BINDINGS), palette]),
        ("Reader", _bindings(READER_BINDINGS)),
        ("Library tree", [*_bindings(LibraryTree.BINDINGS), *tree_defaults]),
        ("Notes column", _bindings(PointView.BINDINGS)),
        ("Find in talk", _bindings(FindBar.BINDINGS)),
    ]
    result = []
    for title, bindings in groups:
        rows = []
        for binding in bindings:
            keys = keymap.get(binding.id or "", binding.key)
            shown = binding.key_display if keys == binding.key and binding.key_display else keys
            rows.append(KeyHelp(_pretty(shown), binding.description, binding.action, binding.id))
        result.append((title, rows))
    return result


_NAMES = {
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "question_mark": "?",
    "slash": "/",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
}


def _pretty(keys: str) -> str:
    return ", ".join(_NAMES.get(k.strip(), k.strip()) for k in keys.split(","))
