"""Cutting a section's body into points, from markdown-it's block tokens.

markdown-it says what the blocks are: headings, list items and how deep they sit,
paragraphs, quotes, code, tables and rules. A paragraph is then cut into its lines,
as a reader scans a note, and a line starting with one of the markers plain-text
notes use for bullets ("・", "→", "--", "■") is a bullet. A line too long to scan is
cut into its sentences.

A talk's speaker lines and slide lines are not points of its body: they are what the
talk's header shows (`SectionPoints.header`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from markdown_it.token import Token

from notetui.core.markdown import block_parser
from notetui.core.models import Section, Speaker
from notetui.core.parse.speakers import is_slide_line, parse_speaker_line
from notetui.core.points.model import Point, PointKind
from notetui.core.text import match_key

# Plain-text notes mark points with these: "・", "→", "--", "⇒", "■".
_TEXT_BULLET = re.compile(r"^(\s*)(-{1,3}|・|→|⇒|=>|->|■|□|●|○|◆|◇|※|＊)\s*(\S.*)$")
_SENTENCE = re.compile(r"(?<=[。．！？!?])\s*")
_LONG_LINE = 160  # longer lines are cut into sentences
_PROSE = (PointKind.HEADING, PointKind.BULLET, PointKind.TEXT, PointKind.QUOTE)
# A line that is only a link, perhaps after a short label: "資料: https://…", "[Deck](…)".
_LINK_ONLY = re.compile(
    r"^(?:[^\s:：]{1,20}\s*[:：]\s*)?(?:<?https?://\S+?>?|!?\[[^\]]*\]\([^)]*\))$"
)


@dataclass(frozen=True, slots=True)
class SectionPoints:
    """One section's points: its header lines apart from its body."""

    header: tuple[Point, ...]  # speaker and slide lines, indexed apart from the body
    body: tuple[Point, ...]  # every other point, in order; `index` is the position here


def parse_points(section: Section) -> list[Point]:
    """The points of one section's body, in order, with their file line numbers.

    A talk's speaker and slide lines are left out: see `section_points`."""
    return list(section_points(section).body)


@lru_cache(maxsize=2048)
def section_points(section: Section) -> SectionPoints:
    """A section's points, its speaker and slide lines apart from the rest.

    A speaker line is one of the lines the body starts with that names a speaker of
    the section; a slide line, anywhere, gives one of the section's slide links. So
    what leaves the body is what the talk's header shows already.
    """
    header: list[Point] = []
    body: list[Point] = []
    leading = True
    for draft in _cut(section.body, section.body_line):
        if leading and _names_speaker(draft, section.speakers):
            header.append(_indexed(draft, len(header)))
            continue
        if _gives_slides(draft, section.slides):
            header.append(_indexed(draft, len(header)))
            continue
        leading = False
        body.append(_indexed(draft, len(body)))
    return SectionPoints(tuple(header), tuple(body))


def _indexed(point: Point, index: int) -> Point:
    return Point(index, point.kind, point.depth, point.text, point.line, point.ordered, point.level)


def _names_speaker(point: Point, speakers: Sequence[Speaker]) -> bool:
    if not speakers or point.kind not in _PROSE:
        return False
    if parse_speaker_line(point.text, under_title=True, loose=True) is None:
        return False
    key = match_key(point.text)
    return any(
        (speaker.handle and match_key(speaker.handle) in key)
        or (match_key(speaker.name) and match_key(speaker.name) in key)
        for speaker in speakers
    )


def _gives_slides(point: Point, slides: Sequence[str]) -> bool:
    """A line that is only a link to one of the slides; a heading is a title, and a
    sentence with a link in it says more than where the slides are."""
    return (
        bool(slides)
        and point.kind in (PointKind.BULLET, PointKind.TEXT, PointKind.QUOTE)
        and _LINK_ONLY.match(point.text.strip()) is not None
        and is_slide_line(point.text)
        and any(url in point.text for url in slides)
    )


# -- blocks to points --------------------------------------------------------------------


def _cut(body: str, body_line: int) -> list[Point]:
    """Every point of `body`, header lines included; `index` is not set yet."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return []
    return _Cutter(text.split("\n"), body_line).run(block_parser().parse(text))


class _Cutter:
    def __init__(self, lines: list[str], body_line: int) -> None:
        self.lines = lines
        self.body_line = body_line
        self.points: list[Point] = []
        self.items: list[_Item] = []  # the list items open around the current token

    def add(
        self,
        kind: PointKind,
        depth: int,
        text: str,
        line: int,
        ordered: str | None = None,
        level: int = 0,
    ) -> None:
        self.points.append(Point(0, kind, depth, text, self.body_line + line, ordered, level))

    def run(self, tokens: Sequence[Token]) -> list[Point]:
        index = 0
        covered = 0  # body lines up to here belong to a block already cut
        while index < len(tokens):
            token = tokens[index]
            if token.level == 0 and token.map:
                self._uncovered(covered, token.map[0])
                covered = max(covered, token.map[1])
            index = self._block(tokens, index)
        self._uncovered(covered, len(self.lines))
        return self.points

    def _uncovered(self, start: int, end: int) -> None:
        """Lines no block holds: link reference definitions and footnotes ("[^1]: …"),
        which a viewer may hide but the author wrote."""
        for line in range(start, end):
            self._line(self.lines[line], self.lines[line], line, 0, 0)

    def _block(self, tokens: Sequence[Token], index: int) -> int:
        """Turn the block starting at `tokens[index]` into points; the next index."""
        token = tokens[index]
        kind = token.type
        depth = self.items[-1].depth + 1 if self.items else 0  # of what an item holds
        start = token.map[0] if token.map else 0
        if kind == "list_item_open":
            ordered = f"{token.info}{token.markup}" if token.info else None
            outer = self.items[-1] if self.items else None
            if outer is not None and outer.pending and outer.line == start:
                # "- 1. text": one item, numbered, as the author meant it.
                outer.pending = False
                depth = outer.depth
            self.items.append(_Item(start, ordered, depth))
        elif kind == "list_item_close":
            self.items.pop()
        elif kind == "paragraph_open":
            self._paragraph_in_item(tokens[index + 1].content.split("\n"), start, depth)
            return index + 3
        elif kind == "heading_open" and self.items and token.markup in ("-", "="):
            # "* item" over "  -": an empty sub-item, not an underline that makes the
            # item a heading, is what a note means by it.
            self._paragraph_in_item(tokens[index + 1].content.split("\n"), start, depth)
            return index + 3
        elif kind == "heading_open":
            text = " ".join(line.strip() for line in tokens[index + 1].content.split("\n"))
            self.add(PointKind.HEADING, depth, text.strip(), start, level=int(token.tag[1:]))
            return index + 3
        elif kind == "code_block" and token.map and self._after_text():
            # Indented lines that open the body or follow prose are more prose (a quote
            # or a tweet in a copied page); after a heading or a list they are code.
            self._paragraph(self.lines[token.map[0] : token.map[1]], start, depth)
        elif kind in ("fence", "code_block") and token.map:
            self._mark_item_started()
            code = "\n".join(self.lines[token.map[0] : token.map[1]]).rstrip()
            self.add(PointKind.CODE, depth, code, start)
        elif kind == "table_open" and token.map:
            self._mark_item_started()
            table = _dedent(self.lines[token.map[0] : token.map[1]])
            self.add(PointKind.TABLE, depth, table, start)
            return _closing(tokens, index)
        elif kind == "blockquote_open":
            self._mark_item_started()
            end = _closing(tokens, index)
            self._quote(tokens[index + 1 : end - 1], depth)
            return end
        elif kind == "hr":
            self._mark_item_started()
            self.add(PointKind.RULE, depth, "", start)
        elif kind == "html_block" and token.map:
            self._mark_item_started()
            self._paragraph(self.lines[token.map[0] : token.map[1]], start, depth)
        return index + 1

    def _paragraph_in_item(self, content: list[str], start: int, depth: int) -> None:
        """A paragraph: the text of the list item it starts, or lines of its own."""
        item = self.items[-1] if self.items else None
        if item is not None and item.pending and item.line == start:
            item.pending = False
            self._item_text(content, start, item.depth, item.ordered)
        else:
            self._paragraph(content, start, depth)

    def _after_text(self) -> bool:
        return not self.points or self.points[-1].kind is PointKind.TEXT

    def _mark_item_started(self) -> None:
        """A list item that starts with something else than text has no text of its own."""
        if self.items:
            self.items[-1].pending = False

    def _item_text(self, content: list[str], start: int, depth: int, ordered: str | None) -> None:
        """A list item's first paragraph: its text, with the lines indented under it.
        A line that is not (a lazy continuation, in Markdown's terms) starts points of
        its own, as it does in the plain-text notes that write lists this way."""
        marker_indent = _indent(self.lines[start])
        text = content[0].strip()
        rest = len(content)
        for offset in range(1, len(content)):
            if _indent(self.lines[start + offset]) <= marker_indent:
                rest = offset
                break
            text += " " + content[offset].strip()
        self.add(PointKind.BULLET, depth, text, start, ordered=ordered)
        for offset in range(rest, len(content)):
            self._line(self.lines[start + offset], content[offset], start + offset, 0, 0)

    def _paragraph(self, content: list[str], start: int, depth: int) -> None:
        """Each line of a paragraph is a point; inside a list item, one level deeper."""
        base_indent = _indent(self.lines[start]) if depth else 0
        for offset, line in enumerate(content):
            self._line(self.lines[start + offset], line, start + offset, depth, base_indent)

    def _line(self, raw: str, text: str, line: int, depth: int, base_indent: int) -> None:
        text = text.strip()
        if not text:
            return
        if bullet := _TEXT_BULLET.match(raw):
            marker = bullet.group(2)
            nesting = max(0, len(marker) - 1) if marker.startswith("-") else 0
            indent = max(0, _indent(raw) - base_indent)
            self.add(PointKind.BULLET, depth + nesting + indent // 2, bullet.group(3), line)
        elif len(text) > _LONG_LINE:
            for sentence in (s for s in _SENTENCE.split(text) if s.strip()):
                self.add(PointKind.TEXT, depth, sentence.strip(), line)
        else:
            self.add(PointKind.TEXT, depth, text, line)

    def _quote(self, tokens: Sequence[Token], depth: int) -> None:
        """A block quote's lines, each a quote point; its code stays one block."""
        marker = ""
        index = 0
        while index < len(tokens):
            token = tokens[index]
            start = token.map[0] if token.map else 0
            if token.type == "list_item_open":
                marker = f"{token.info}{token.markup} "
            elif token.type == "inline":
                for offset, line in enumerate(token.content.split("\n")):
                    if line.strip():
                        self.add(PointKind.QUOTE, depth, marker + line.strip(), start + offset)
                    marker = ""
            elif token.type == "fence":
                fence = f"{token.markup}{token.info}\n{token.content}{token.markup}"
                self.add(PointKind.CODE, depth, fence, start)
            elif token.type == "code_block":
                self.add(PointKind.CODE, depth, token.content.rstrip(), start)
            elif token.type == "html_block":
                for offset, line in enumerate(token.content.split("\n")):
                    if line.strip():
                        self.add(PointKind.QUOTE, depth, line.strip(), start + offset)
            elif token.type == "table_open" and token.map:
                for offset in range(token.map[1] - token.map[0]):
                    line = self.lines[start + offset].strip().removeprefix(">").strip()
                    if line:
                        self.add(PointKind.QUOTE, depth, line, start + offset)
                index = _closing(tokens, index)
                continue
            index += 1


@dataclass(slots=True)
class _Item:
    line: int  # the body line of its marker
    ordered: str | None  # "1." for an ordered item
    depth: int  # its bullet's depth: 0 for an item of a top-level list
    pending: bool = True  # its text (the first paragraph on the marker's line) is to come


def _closing(tokens: Sequence[Token], index: int) -> int:
    """The index after the token that closes `tokens[index]`."""
    opening = tokens[index]
    closing = opening.type.removesuffix("_open") + "_close"
    for number in range(index + 1, len(tokens)):
        token = tokens[number]
        if token.type == closing and token.level == opening.level:
            return number + 1
    return len(tokens)


def _indent(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


def _dedent(lines: Sequence[str]) -> str:
    """Block lines without the indentation they share (a table inside a list item)."""
    common = min((_indent(line) for line in lines if line.strip()), default=0)
    return "\n".join(line.expandtabs(4)[common:] if common else line for line in lines).rstrip()
