"""Every key binding the user can press, grouped, for the help screen and palette.

Bindings are declared on the classes that handle them (app, screen, widgets); this
gathers them so nothing is listed by hand twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.binding import Binding, BindingType
from textual.keys import Keys, _character_to_key, key_to_character

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
    Binding(
        "less_than_sign",
        "tree_width(-4)",
        "Narrower tree",
        key_display="<",
        show=False,
        id="tree.narrower",
    ),
    Binding(
        "greater_than_sign",
        "tree_width(4)",
        "Wider tree",
        key_display=">",
        show=False,
        id="tree.wider",
    ),
    # Between the tree and the columns only: not the slide links, not containers.
    Binding("tab", "focus_pane(1)", "Next pane", show=False, id="focus.next"),
    Binding("shift+tab", "focus_pane(-1)", "Previous pane", show=False, id="focus.previous"),
]


def _bindings(items: Iterable[BindingType]) -> list[Binding]:
    return [b for b in items if isinstance(b, Binding)]


def bindings_by_group(app: App[Any]) -> list[tuple[str, list[Binding]]]:
    """Every binding, grouped by where it works, with the keys it was declared with."""
    from notetui.ui.widgets.find_bar import FindBar
    from notetui.ui.widgets.library_tree import LibraryTree
    from notetui.ui.widgets.point_view import PointView

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
    return groups


def binding_groups(app: App[Any]) -> list[tuple[str, list[KeyHelp]]]:
    """Every key as the help screen and the palette list it: the keymap applied."""
    keymap: dict[str, str] = getattr(app, "keymap", {})
    result = []
    for title, bindings in bindings_by_group(app):
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
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
}


def _pretty(keys: str) -> str:
    return ", ".join(_NAMES.get(k.strip(), k.strip()) for k in keys.split(","))


# --------------------------------------------------------------------- the keymap

_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED_KEYS = frozenset(key.value.rpartition("+")[2] for key in Keys) | frozenset(
    _character_to_key(chr(code))
    for code in range(33, 127)  # "slash", "question_mark"…
)
QUIT_KEYS = ("q", "ctrl+c")  # always quit, whatever the keymap says
_QUIT_ID = "app.quit"
# Keys in these groups are live at once (the app's and the reader's, and the focused
# widget's over them): two ids there must not share a key.
_SHARED = ("Everywhere", "Reader")


def valid_key(key: str) -> bool:
    """A key Textual can name: modifiers, then a key name or one printable character."""
    *modifiers, base = key.split("+")
    if not base or len(set(modifiers)) != len(modifiers) or not _MODIFIERS.issuperset(modifiers):
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    return base in _NAMED_KEYS or key_to_character(base) is not None


def check_keymap(
    keymap: Mapping[str, str], groups: list[tuple[str, list[Binding]]]
) -> tuple[dict[str, str], list[str]]:
    """The keymap entries that can be used, and a one-line message per one that cannot:
    a key Textual does not know, a key another binding already has where both are
    live, or q or ctrl+c taken from quitting."""
    problems: list[str] = []
    usable: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        name = f'keymap."{binding_id}" = "{keys}"'
        parts = [part.strip() for part in keys.split(",")]
        bad = [part for part in parts if not valid_key(part)]
        if bad:
            problems.append(f"{name}: {', '.join(repr(b) for b in bad)} is not a key; ignored")
            continue
        taken = [part for part in parts if part in QUIT_KEYS and binding_id != _QUIT_ID]
        if taken:
            problems.append(f"{name}: {taken[0]} always quits; ignored")
            continue
        usable[binding_id] = ",".join(parts)
    # Two ids with one key, where both are live: the entries that made it so go.
    for clash_id, others in _clashes(usable, groups).items():
        problems.append(
            f'keymap."{clash_id}" = "{usable[clash_id]}": the same key as '
            f"{', '.join(sorted(others))}; ignored"
        )
        del usable[clash_id]
    if _QUIT_ID in usable:  # a new key for quitting; q and ctrl+c go on quitting too
        extra = [key for key in QUIT_KEYS if key not in usable[_QUIT_ID].split(",")]
        usable[_QUIT_ID] = ",".join([usable[_QUIT_ID], *extra])
    return usable, problems


def _clashes(
    keymap: Mapping[str, str], groups: list[tuple[str, list[Binding]]]
) -> dict[str, set[str]]:
    """The keymap ids whose keys collide with another binding's in the same scope, and
    the bindings they collide with."""
    shared = [b for title, bindings in groups if title in _SHARED for b in bindings]
    scopes = [shared] + [shared + bindings for title, bindings in groups if title not in _SHARED]
    clashing: dict[str, set[str]] = {}
    for scope in scopes:
        owners: dict[str, set[str]] = {}
        for binding in scope:
            ident = binding.id or binding.action
            for key in keymap.get(binding.id or "", binding.key).split(","):
                owners.setdefault(key.strip(), set()).add(ident)
        for ids in owners.values():
            for ident in ids & set(keymap) if len(ids) > 1 else ():
                clashing.setdefault(ident, set()).update(ids - {ident})
    return clashing
