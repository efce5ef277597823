"""The user's config file: a small TOML file in the config folder.

    notes = "~/meetup-notes"          # the notes folder
    theme = "nord"                    # the theme the app starts with
    [keymap]                          # binding id -> key(s)
    "talk.next" = "ctrl+n"
    [thresholds]                      # merge and alignment scores, 0-100
    talk_match = 58

`load_config` never raises: a bad file yields one-line problems naming the bad key
(or the TOML line), and the defaults stand in for whatever was bad. No Textual here,
and nothing heavy: the CLI reads this before it decides what else to import.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from notetui.core import tomlsafe

if TYPE_CHECKING:
    from notetui.core.merge.merging import MergeSettings

__all__ = ["TEMPLATE", "Config", "Thresholds", "create_config", "load_config"]

# Larger than any config a person writes; a bigger file is not a config file.
MAX_CONFIG_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Scores (0-100) for merging notes and aligning their points.

    The defaults are `MergeSettings`'s and `points.DEFAULT_POINT_THRESHOLD` (a test
    keeps them equal); they are repeated here so reading the config stays cheap.
    """

    talk_match: float = 58.0  # two notes' talks pair up at or above this
    talk_strong: float = 80.0  # a pair this good is evidence of the same event
    event_title: float = 88.0  # event names this similar are the same event
    point_match: float = 64.0  # two notes' points about a talk line up at or above this

    def merge_settings(self) -> MergeSettings:
        from notetui.core.merge.merging import MergeSettings

        return MergeSettings(
            talk_match=self.talk_match,
            talk_strong=self.talk_strong,
            event_title=self.event_title,
        )


@dataclass(frozen=True)
class Config:
    """What the config file says, with defaults for what it does not (or says badly)."""

    notes: Path | None = None  # None: $NOTETUI_NOTES, ./notes, then the samples
    theme: str | None = None  # None: the app's default theme
    # binding id -> keys, e.g. {"talk.next": "ctrl+n"}; read-only
    keymap: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    thresholds: Thresholds = Thresholds()


TEMPLATE = """\
# notetui configuration (TOML).
#
# Every setting is optional: a commented-out line shows its default. A bad value
# is reported in one line naming its key, and its default is used instead.
# `notetui config --check` checks this file; `notetui locate` shows where it is.

# The notes folder to read when no PATH is given. $NOTETUI_NOTES wins over it.
# A relative path is relative to the folder this file is in.
# notes = "~/meetup-notes"

# The theme the app starts with: a name from the palette's "Change theme" (ctrl+p).
# theme = "nord"

# Remap any key binding by its id, using Textual's key names ("slash", not "/").
# A value may list several keys, comma-separated.
[keymap]
# "talk.next" = "n"
# "talk.previous" = "p"
# "search.library" = "slash"
# "annotate.target" = "a"
# "tags.edit" = "t"
# "note.edit" = "e"

# How alike things must be, as a score from 0 to 100, to be treated as the same.
[thresholds]
# talk_match = 58.0    # two notes' talks pair up at or above this
# talk_strong = 80.0   # a pair this good is evidence the notes cover the same event
# event_title = 88.0   # event names this similar are the same event
# point_match = 64.0   # two notes' points about a talk line up at or above this
"""

_TOP_KEYS = ("notes", "theme", "keymap", "thresholds")
_THRESHOLD_KEYS = tuple(f.name for f in fields(Thresholds))
# Binding ids as notetui writes them: "export", "talk.next", "tree.first".
_BINDING_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*")
_KEY = re.compile(r"[^\s,]+")
_LONG_NUMBER = re.compile(r"[+-]?\d[\d_]{99,}")


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        if _LONG_NUMBER.fullmatch(value):  # tomlsafe kept it as text: too long for int()
            return f"a number with {len(value):,} digits"
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__  # dates and times: TOML has them too


def _show(value: object) -> str:
    if isinstance(value, str) and _LONG_NUMBER.fullmatch(value):
        return _kind(value)
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


def _keys(names: Collection[str]) -> str:
    return ", ".join(names)


def load_config(
    path: Path, *, binding_ids: Collection[str] | None = None
) -> tuple[Config, list[str]]:
    """The config at `path` (defaults if it does not exist) and its problems, one line
    each. `binding_ids`, when given, are the ids a keymap may remap; others are
    reported."""
    path = Path(path)
    problems: list[str] = []

    def problem(message: str) -> None:
        problems.append(f"{path}: {message}")

    data = _read(path, problem)
    if data is None:
        return Config(), problems
    config = Config()
    for key, value in data.items():
        if key == "notes":
            config = replace(config, notes=_notes(value, path, problem))
        elif key == "theme":
            config = replace(config, theme=_theme(value, problem))
        elif key == "keymap":
            config = replace(config, keymap=_keymap(value, binding_ids, problem))
        elif key == "thresholds":
            config = replace(config, thresholds=_thresholds(value, problem))
        else:
            problem(f'unknown key "{key}" (known: {_keys(_TOP_KEYS)}); ignored')
    return config, problems


def create_config(path: Path) -> bool:
    """Write the commented template at `path` unless a file is there. True if written.
    Raises OSError if it cannot be written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as file:
            file.write(TEMPLATE)
    except FileExistsError:
        return False
    return True


def _read(path: Path, problem: Any) -> dict[str, Any] | None:
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        problem("is a folder, not a file; using the defaults")
        return None
    except OSError as error:
        problem(f"cannot be read ({error.strerror or error}); using the defaults")
        return None
    if len(raw) > MAX_CONFIG_BYTES:
        problem(f"is over {MAX_CONFIG_BYTES:,} bytes, too big for a config; using the defaults")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problem(
            f"is not UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start}); "
            "using the defaults"
        )
        return None
    try:
        return tomlsafe.loads(text)  # a 5,000-digit number loads as its digits
    except tomllib.TOMLDecodeError as error:
        # tomllib says where: "Expected '=' after a key in a key/value pair (at line 3, column 7)"
        problem(f"invalid TOML: {' '.join(str(error).split())}; using the defaults")
        return None
    except RecursionError:
        problem("invalid TOML: nested too deeply; using the defaults")
        return None
    except ValueError as error:  # tomllib's own int() or float() on a value it accepted
        problem(f"invalid TOML: {' '.join(str(error).split())[:120]}; using the defaults")
        return None


def _notes(value: object, path: Path, problem: Any) -> Path | None:
    if not isinstance(value, str) or not value.strip() or _LONG_NUMBER.fullmatch(value):
        problem(f'"notes" must be a folder path as text, not {_show(value)}; ignored')
        return None
    folder = Path(value.strip()).expanduser()
    if not folder.is_absolute():
        folder = path.parent / folder
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        problem(f'"notes" folder {folder} {what}; ignored')
        return None
    return folder


def _theme(value: object, problem: Any) -> str | None:
    if not isinstance(value, str) or not value.strip() or _LONG_NUMBER.fullmatch(value):
        problem(f'"theme" must be a theme name as text, not {_show(value)}; ignored')
        return None
    return value.strip()


def _keymap(value: object, binding_ids: Collection[str] | None, problem: Any) -> Mapping[str, str]:
    if not isinstance(value, dict):
        problem(f'"keymap" must be a table ([keymap]), not {_kind(value)}; ignored')
        return MappingProxyType({})
    keymap: dict[str, str] = {}
    for binding, keys in value.items():
        name = f'keymap."{binding}"'
        if not _BINDING_ID.fullmatch(binding):
            problem(f'{name} is not a binding id (like "talk.next"); ignored')
            continue
        if binding_ids is not None and binding not in binding_ids:
            problem(f"{name} is not a notetui binding; ignored")
            continue
        if not isinstance(keys, str):
            problem(f'{name} must be keys as text (like "ctrl+n"), not {_kind(keys)}; ignored')
            continue
        parts = [part.strip() for part in keys.split(",")]
        if not all(_KEY.fullmatch(part) for part in parts):
            problem(f"{name} = {_show(keys)} is not a key or comma-separated keys; ignored")
            continue
        keymap[binding] = ",".join(parts)
    return MappingProxyType(keymap)


def _thresholds(value: object, problem: Any) -> Thresholds:
    defaults = Thresholds()
    if not isinstance(value, dict):
        problem(f'"thresholds" must be a table ([thresholds]), not {_kind(value)}; ignored')
        return defaults
    chosen: dict[str, float] = {}
    for key, number in value.items():
        name = f"thresholds.{key}"
        if key not in _THRESHOLD_KEYS:
            problem(f"unknown key {name} (known: {_keys(_THRESHOLD_KEYS)}); ignored")
            continue
        default = getattr(defaults, key)
        if isinstance(number, bool) or not isinstance(number, int | float):
            problem(
                f"{name} must be a number from 0 to 100, not {_kind(number)}; using {default:g}"
            )
            continue
        if not 0 <= number <= 100:  # also refuses nan
            problem(f"{name} must be from 0 to 100, not {number:g}; using {default:g}")
            continue
        chosen[key] = float(number)
    return replace(defaults, **chosen)
