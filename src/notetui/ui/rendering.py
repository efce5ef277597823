"""Note text -> Rich `Text`, safely.

Note text is untrusted: it is never parsed as Rich or Textual markup. Inline
Markdown (code, emphasis, links) is parsed with markdown-it and turned into styled
spans of literal text; control characters are stripped first. Links are shown, not
followed: a note cannot make the terminal or the app do anything.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.cells import get_character_cell_size
from rich.console import Console
from rich.style import Style
from rich.table import Table
from rich.text import Text

from notetui.core.markdown import block_parser
from notetui.core.text import sanitize, sanitize_line
from notetui.ui.palette import palette

_INLINE = MarkdownIt("commonmark", {"html": False}).enable("strikethrough")


def code_style() -> Style:
    colours = palette()
    return Style(bold=True, color=colours.note, bgcolor=colours.code_background)


def link_style() -> Style:
    return Style(underline=True, color=palette().link)


@lru_cache(maxsize=4096)
def inline_markdown(source: str) -> Text:
    """One line of inline Markdown as Text; newlines become spaces."""
    source = sanitize_line(source)
    text = Text()
    try:
        tokens = _INLINE.parseInline(source)
    except (ValueError, RecursionError, IndexError):  # never let one odd line break a view
        return Text(source)
    children = tokens[0].children if tokens and tokens[0].children else []
    _append(text, children)
    return text


def _append(text: Text, tokens: list[Token]) -> None:
    styles: list[Style] = []
    for token in tokens:
        kind = token.type
        if kind == "text" or kind == "html_inline":
            text.append(token.content, Style.chain(*styles) if styles else None)
        elif kind == "code_inline":
            text.append(token.content, code_style())
        elif kind in ("softbreak", "hardbreak"):
            text.append(" ")
        elif kind == "strong_open":
            styles.append(Style(bold=True))
        elif kind == "em_open":
            styles.append(Style(italic=True))
        elif kind == "s_open":
            styles.append(Style(strike=True))
        elif kind == "link_open":
            styles.append(link_style())
        elif kind == "image":
            text.append(f"[image: {token.content or 'untitled'}]", Style(dim=True))
        elif kind.endswith("_close") and styles:
            styles.pop()


def plain(text: str) -> Text:
    """Literal note text for a label: one line, no markup, no control characters."""
    return Text(sanitize_line(text))


def block(text: str) -> Text:
    """Literal multi-line note text (code, tables): no markup, no control characters."""
    return Text(sanitize(text))


# Japanese line breaking: a line may not start with closing punctuation, small kana
# or the long-vowel mark, and may not end with an opening bracket.
_NO_START = frozenset(
    "、。，．,.:;!?)]}」』）］｝〕〉》】〙〗〟’”｠»・：；？！ー‐゠–〜～…‥"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ々〻"
)
_NO_END = frozenset("([{「『（［｛〔〈《【〘〖〝‘“｟«")


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def _can_break_before(plain: str, index: int) -> bool:
    before, char = plain[index - 1], plain[index]
    if char == " " or char in _NO_START or before in _NO_END:
        return False
    return before == " " or _wide(before) or _wide(char)


def wrap(text: Text, width: int) -> list[Text]:
    """Wrap one line of text to `width` cells, as Japanese is set.

    Breaks at spaces and between any two characters next to a wide (CJK) one, so a
    Japanese run continues on the same line after an English word instead of jumping
    to the next; keeps closing punctuation (、。」) off the start of a line and opening
    brackets off its end; folds a word longer than the line.
    """
    plain = text.plain
    width = max(1, width)
    if sum(get_character_cell_size(c) for c in plain) <= width:
        return [text]
    lines: list[Text] = []
    start, length = 0, len(plain)
    while start < length:
        if lines:
            while start < length and plain[start] == " ":
                start += 1
            if start >= length:
                break
        used, index, last_break = 0, start, -1
        while index < length:
            if index > start and _can_break_before(plain, index):
                last_break = index
            cells = get_character_cell_size(plain[index])
            if used + cells > width:
                break
            used += cells
            index += 1
        if index >= length:
            end = length
        elif last_break > start:
            end = last_break
        else:
            end = max(index, start + 1)
        piece = text[start:end]
        if end < length:
            piece.rstrip()
        lines.append(piece)
        start = end
    return lines or [Text("")]


def table_rows(source: str) -> tuple[list[list[str]], bool]:
    """A Markdown pipe table's rows of cells, and whether its first row is a header.

    markdown-it finds the table (the shared block parser has tables on), so a table
    reads here as in any viewer. Rows with no text are dropped; text that is not a
    table gives no rows.
    """
    rows, header = _table_cells(sanitize(source))
    return [list(row) for row in rows], header


@lru_cache(maxsize=512)
def _table_cells(source: str) -> tuple[tuple[tuple[str, ...], ...], bool]:
    rows: list[tuple[str, ...]] = []
    header = False
    in_head = False
    cells: list[str] | None = None
    for token in block_parser().parse(source):
        kind = token.type
        if kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            cells = []
        elif kind == "inline" and cells is not None:
            cells.append(token.content.strip())
        elif kind == "tr_close" and cells is not None:
            if any(cells):
                header = header or (in_head and not rows)
                rows.append(tuple(cells))
            cells = None
        elif kind == "table_close":
            break  # one table point is one table
    return tuple(rows), header


def table_lines(source: str, width: int, console: Console) -> list[Text]:
    """A Markdown pipe table laid out in aligned columns, `width` cells at most."""
    rows, header = table_rows(source)
    if not rows:
        return [Text(sanitize_line(source), Style(dim=True))]
    table = Table(
        box=None,
        show_header=header,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
        header_style=Style(bold=True),
    )
    columns = max(len(r) for r in rows)
    for _ in range(columns):
        table.add_column(overflow="fold")
    cells = [[inline_markdown(c) for c in r] + [Text("")] * (columns - len(r)) for r in rows]
    if header:
        table.columns = []
        for heading in cells[0]:
            table.add_column(heading, overflow="fold")
        cells = cells[1:]
    for row in cells:
        table.add_row(*row)
    options = console.options.update(width=max(8, width), height=None)
    out = []
    for segments in console.render_lines(table, options, pad=False):
        line = Text()
        for segment in segments:
            if not segment.control:
                line.append(segment.text, segment.style)
        line.rstrip()
        out.append(line)
    while out and not out[-1].plain:
        out.pop()
    return out or [Text("")]
