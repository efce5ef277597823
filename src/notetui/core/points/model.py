"""What a point is: one bullet, line, heading or block of one author's notes on a talk."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from notetui.core.parse.speakers import is_slide_line, parse_speaker_line
from notetui.core.points.similarity import match_text


class PointKind(StrEnum):
    HEADING = "heading"
    BULLET = "bullet"
    TEXT = "text"  # a line or sentence of a paragraph
    CODE = "code"  # a whole fenced or indented code block
    TABLE = "table"  # a whole table
    QUOTE = "quote"
    RULE = "rule"


@dataclass(frozen=True, slots=True)
class Point:
    index: int  # position within its source
    kind: PointKind
    depth: int  # list nesting: 0 outside lists, 1 inside a top-level item, …
    text: str  # inline Markdown, without the bullet marker or heading hashes
    line: int  # file line number of the point's first line
    ordered: str | None = None  # "1." for ordered list items
    level: int = 0  # heading level

    @property
    def matchable(self) -> bool:
        """Compared across sources: prose, not code, tables, or a talk's speaker line."""
        return self.kind in _MATCHED and _matchable_text(self.text)


_MATCHED = frozenset({PointKind.BULLET, PointKind.TEXT, PointKind.QUOTE})


@lru_cache(maxsize=65536)
def _matchable_text(text: str) -> bool:
    key = match_text(text)
    if len(key) < 2 or is_slide_line(text):
        return False
    if "http" in text and len(key) < 8:
        return False  # a bare link with a word or two before it
    return parse_speaker_line(text) is None


@dataclass(frozen=True, slots=True)
class PointRef:
    """One point of one source of a talk."""

    source: int  # index of the source (column) in the talk's sources
    point: int  # index of the point within it
