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


def _bindings(items: Iterable[BindingType]) -> list[Binding]:
    return [b for b in items if isinstance(b, Binding)]


def binding_groups(app: App[Any]) -> list[tuple[str, list[KeyHelp]]]:
    from notetui.ui.screens.main import MainScreen
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
        ("Reader", _bindings(MainScreen.BINDINGS)),
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
