"""Stage 1 of the parser: a note's body as lines that each know their block.

One pass for every note, whatever its format. markdown-it (the shared heading parser:
headings, code, tables, paragraphs, with lists and quotes left to the paragraph rule,
which is several times faster) says which lines are headings, code or tables; every
other line is text, and a line that starts with a bullet (`-`, `*`, `1.`, or the `•`
and `□` a browser copy gives) is a list item with a depth from its indentation.
A plain-text note goes through the same pass: it simply has no headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from notetui.core.load.budget import poll
from notetui.core.markdown import heading_parser

_POLL_EVERY = 31  # poll the budget once every 32 lines: it is cheap, not free
# A longer "heading" is a pasted blob, not a title: it stays body text.
MAX_HEADING_CHARS = 1000


class Kind(Enum):
    BLANK = "blank"
    TEXT = "text"
    HEADING = "heading"
    ITEM = "item"  # a list item's first line
    CODE = "code"  # inside a fence: never a title, never chrome
    TABLE = "table"
    UNDERLINE = "underline"  # the `===` / `---` line of a setext heading
    RULE = "rule"


@dataclass(frozen=True, slots=True)
class Line:
    index: int  # 0-based line of the body
    kind: Kind
    text: str  # the line stripped; for a heading, its text without the `#`s
    level: int = 0  # heading level 1-6, else 0
    setext: bool = False
    depth: int = -1  # list item depth (0 = top level), -1 for anything else
    indent: int = 0  # leading columns


@dataclass(frozen=True)
class Blocks:
    raw: list[str]  # the body's lines as written
    lines: list[Line]  # one per raw line
    table_rows: list[tuple[int, list[str]]]  # (line, cells) of every table row

    heading_lines: tuple[Line, ...] = ()

    @property
    def headings(self) -> tuple[Line, ...]:
        return self.heading_lines


_LIST_MARKER = re.compile(r"^(?P<indent>[ \t\u3000]*)(?:[-*+]|\d{1,9}[.)])[ \t]+(?=\S)")
# What a browser copy of a rendered list looks like: "  • item", "      □ item", and an
# empty item as a bullet alone ("  •": a list the author left to fill in later).
_DUMP_BULLET = re.compile(
    r"^(?P<indent>[ \t\u3000]*)[•□◆■○◇●・‣◦](?:[ \t\u3000]*(?=\S)|[ \t\u3000]*$)"
)
# The first character after the indent of every list marker and rule above.
_MARKER_STARTS = frozenset("-*+_=•□◆■○◇●・‣◦━─—0123456789")
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$|^\s*[━─—=]{3,}\s*$")


def read_blocks(body: str) -> Blocks:
    raw = body.split("\n")
    kinds: list[Kind | None] = [None] * len(raw)
    heading_at: dict[int, tuple[int, str, bool]] = {}
    rows: list[tuple[int, list[str]]] = []
    tokens = heading_parser().parse(body)
    cells: list[str] = []
    row_line = 0
    for position, token in enumerate(tokens):
        if not position & _POLL_EVERY:
            poll()
        if (
            token.type == "inline"
            and position
            and tokens[position - 1].type
            in (
                "th_open",
                "td_open",
            )
        ):
            cells.append(token.content)
            continue
        if token.type == "tr_close":
            rows.append((row_line, cells))
            continue
        if token.map is None:
            continue
        start, end = token.map
        if token.type == "heading_open":
            text = tokens[position + 1].content.strip()
            setext = token.markup in ("=", "-")
            # Without the list rule, "- item" above "---" reads as a setext heading.
            if setext and _LIST_MARKER.match(text):
                continue
            if text and len(text) <= MAX_HEADING_CHARS:
                heading_at[start] = (int(token.tag[1]), text.split("\n")[-1].strip(), setext)
                if setext:
                    for index in range(start, end - 1):
                        kinds[index] = Kind.TEXT
                    kinds[end - 1] = Kind.UNDERLINE
                    heading_at[end - 2] = heading_at.pop(start)
        elif token.type == "fence":
            for index in range(start, end):
                kinds[index] = Kind.CODE
        elif token.type == "table_open":
            for index in range(start, end):
                kinds[index] = Kind.TABLE
        elif token.type == "tr_open":
            cells, row_line = [], start
        elif token.type == "hr":
            kinds[start] = Kind.RULE
    lines: list[Line] = []
    for index, text in enumerate(raw):
        if not index & _POLL_EVERY:
            poll()
        if index in heading_at:
            level, title, setext = heading_at[index]
            lines.append(Line(index, Kind.HEADING, title, level, setext))
            continue
        kind = kinds[index]
        stripped = text.strip()
        if kind is None:
            kind = Kind.BLANK if not stripped else Kind.TEXT
        # A bullet or a rule starts with one of a few characters: most lines have none.
        if kind is Kind.TEXT and stripped[:1] in _MARKER_STARTS:
            marker = _LIST_MARKER.match(text) or _DUMP_BULLET.match(text)
            if marker:
                indent = _columns(marker.group("indent"))
                item = text[marker.end() :].strip()
                lines.append(Line(index, Kind.ITEM, item, depth=indent // 2, indent=indent))
                continue
            if _RULE.match(text):
                kind = Kind.RULE
        lines.append(
            Line(index, kind, stripped, indent=_columns(text[: len(text) - len(text.lstrip())]))
        )
    return Blocks(raw, lines, rows, tuple(line for line in lines if line.kind is Kind.HEADING))


def _columns(indent: str) -> int:
    return sum(4 if ch == "\t" else 2 if ch == "\u3000" else 1 for ch in indent)
