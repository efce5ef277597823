"""The theme's colours for text the reader builds in Python: labels, gutters, marks.

Widgets style themselves in CSS with theme variables; text assembled as Rich `Text`
(a tree label, a gutter letter, a highlighted match) takes its colours from here,
which maps each role to a theme variable. The app calls `use_theme` with the theme's
variables at start and whenever the theme changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.style import Style

# Each source (author) gets a colour of its own, by position.
SOURCE_VARIABLES = (
    "error",
    "success",
    "secondary",
    "warning",
    "primary",
    "accent",
    "secondary-lighten-2",
    "success-lighten-2",
)


@dataclass(frozen=True)
class Palette:
    note: str  # ✎ and the user's annotations
    tag: str  # the user's tags
    new: str  # a tag that does not exist yet, a match found
    link: str  # handles, links, badges, headings in lists
    problem: str  # notes that could not be read
    code_background: str
    on_colour: str  # text on a source's colour
    sources: tuple[str, ...]

    @classmethod
    def from_variables(cls, variables: Mapping[str, str]) -> Palette:
        def colour(name: str) -> str:
            return variables.get(name, "default")

        return cls(
            note=colour("warning"),
            tag=colour("success"),
            new=colour("warning"),
            link=colour("secondary"),
            problem=colour("error"),
            code_background=colour("surface-lighten-1"),
            on_colour=colour("background"),
            sources=tuple(colour(name) for name in SOURCE_VARIABLES),
        )

    def style(self, role: str, *, bold: bool = False) -> Style:
        return Style(color=getattr(self, role), bold=bold or None)

    def source(self, index: int) -> str:
        return self.sources[index % len(self.sources)]


def _default() -> Palette:
    from textual.theme import BUILTIN_THEMES

    return Palette.from_variables(BUILTIN_THEMES["tokyo-night"].to_color_system().generate())


_current: Palette | None = None


def palette() -> Palette:
    """The colours of the theme in use (tokyo-night's before an app has started)."""
    global _current
    if _current is None:
        _current = _default()
    return _current


def use_theme(variables: Mapping[str, str]) -> None:
    global _current
    _current = Palette.from_variables(variables)
