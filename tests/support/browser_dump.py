"""A Markdown note as a reader gets it by copying the blog page: rendered, then dumped as text.

This follows how ../shared/wild.SOURCES.md says the scraped notes there were made:
markdown-it-py (`commonmark`, raw HTML on, `table` and `strikethrough` on) renders the
body; the blog's name (a paragraph) and the post title (an `<h1>`) go above it; the
page is then dumped the way `w3m -dump -cols 160` does. CI has only Python, so the
dump is written here with `html.parser`, after the shapes w3m gives:

- headings, paragraphs, lists, quotes, rules and code get a blank line around them;
  headings lose their `#`;
- a list item is `  • item`, nested `      □ item` (4 columns per level); an ordered
  item is ` 1. item`;
- a link keeps only its text, an image its alt text, raw HTML only its text;
- a block quote is indented 4 columns; a rule is a line of `━`;
- text is re-flowed to 159 columns (CJK characters count 2), breaking at spaces or
  next to a CJK character; whitespace between two CJK characters disappears (so a
  soft line break inside Japanese text joins the lines), elsewhere it is one space.
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it import MarkdownIt

COLUMNS = 160
LINE_WIDTH = COLUMNS - 1  # w3m leaves the last column empty
INDENT = 4
BULLETS = ("•", "□", "◆", "■", "○", "◇")  # by list depth, as w3m draws them
RULE = "━"
BREAK = "\x00"  # a <br> inside a run of text

_BLOCKS_WITH_SPACE = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "hr"}
_BLOCKS = _BLOCKS_WITH_SPACE | {"div", "section", "article", "header", "footer", "nav", "aside",
                                "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "figure",
                                "figcaption", "main", "details", "summary"}  # fmt: skip
_HIDDEN = {"script", "style", "template", "head", "title", "iframe", "noscript"}
_VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "source", "embed", "area", "col"}


def markdown_renderer() -> MarkdownIt:
    """The renderer the scraped notes were made with."""
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def width(text: str) -> int:
    return sum(2 if is_wide(ch) else 1 for ch in text)


def is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def page_html(body_markdown: str, blog_name: str, post_title: str | None) -> str:
    """The page: the blog's name, the post's title, then the rendered note."""
    head = f"<p>{html.escape(blog_name)}</p>\n"
    if post_title:
        head += f"<h1>{html.escape(post_title)}</h1>\n"
    body: str = markdown_renderer().render(body_markdown)
    return head + body


def dump_page(body_markdown: str, blog_name: str, post_title: str | None) -> str:
    return dump_html(page_html(body_markdown, blog_name, post_title))


def dump_html(page: str) -> str:
    dumper = _Dumper()
    dumper.feed(page)
    dumper.close()
    return dumper.text()


def inline_text(markdown: str) -> str:
    """What a one-line piece of Markdown (a title, say) shows as once rendered and dumped."""
    rendered: str = markdown_renderer().renderInline(markdown)
    return dump_html(rendered).strip()


def collapse(text: str) -> str:
    """w3m's whitespace: none between two CJK characters, one space elsewhere."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \t\r\n\f":
            j = i
            while j < n and text[j] in " \t\r\n\f":
                j += 1
            before = out[-1][-1] if out else ""
            after = text[j] if j < n else ""
            if before and after and not (is_wide(before) and is_wide(after)):
                out.append(" ")
            i = j
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def wrap(text: str, room: int) -> list[str]:
    """Greedy fill to `room` columns: break at a space or beside a CJK character."""
    atoms: list[tuple[str, bool]] = []  # (atom, a space before it)
    word, space = "", False
    for ch in text:
        if ch == " ":
            if word:
                atoms.append((word, space))
                word = ""
            space = True
        elif is_wide(ch):
            if word:
                atoms.append((word, space))
                word, space = "", False
            atoms.append((ch, space))
            space = False
        else:
            word += ch
    if word:
        atoms.append((word, space))
    lines: list[str] = []
    line, used = "", 0
    for atom, spaced in atoms:
        gap = 1 if spaced and line else 0
        need = gap + width(atom)
        if line and used + need > room:
            lines.append(line)
            line, used = atom, width(atom)
        else:
            line += " " * gap + atom
            used += need
    if line:
        lines.append(line)
    return lines


@dataclass
class _List:
    ordered: bool
    count: int = 0


@dataclass
class _Table:
    rows: list[list[str]] = field(default_factory=list)
    cell: list[str] | None = None


class _Dumper(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.blank = False  # a blank line is owed before the next text
        self.run: list[str] = []  # inline text not yet laid out
        self.indent = 0
        self.lists: list[_List] = []
        self.marker: str | None = None  # a list item's marker, waiting for its first line
        self.pre = 0
        self.hidden = 0
        self.table: _Table | None = None

    # -- output ------------------------------------------------------------------------

    def text(self) -> str:
        self._flush()
        lines = self.lines
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        return "\n".join(lines) + ("\n\n" if lines else "")

    def _space(self) -> None:
        self.blank = True

    def _emit(self, line: str) -> None:
        if self.blank and self.lines and self.lines[-1]:
            self.lines.append("")
        self.blank = False
        if self.marker is not None:
            line = self.marker + line[len(self.marker) :]
            self.marker = None
        self.lines.append(line.rstrip())

    def _flush(self) -> None:
        """Lay out the pending inline text as lines at the current indent."""
        text = "".join(self.run)
        self.run = []
        if self.table is not None and self.table.cell is not None:
            self.table.cell.append(text)
            return
        pad = " " * self.indent
        for piece in text.split(BREAK):
            flat = collapse(piece).strip(" ")
            if not flat:
                continue
            for line in wrap(flat, max(LINE_WIDTH - self.indent, 1)):
                self._emit(pad + line)

    # -- parsing -----------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
            return
        if self.hidden:
            return
        if tag == "br":
            self.run.append("\n" if self.pre else BREAK)
        elif tag == "img":
            alt = dict(attrs).get("alt") or ""
            self.run.append(alt)
        elif tag in ("td", "th") and self.table is not None:
            self._flush()
            self.table.cell = []
        elif tag == "tr" and self.table is not None:
            self.table.rows.append([])
        elif tag in _BLOCKS:
            self._open_block(tag, dict(attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
            return
        if self.hidden or tag in _VOID:
            return
        if tag in ("td", "th") and self.table is not None and self.table.cell is not None:
            self._flush()
            cell = collapse(" ".join(self.table.cell).replace(BREAK, " ")).strip(" ")
            if not self.table.rows:
                self.table.rows.append([])
            self.table.rows[-1].append(cell)
            self.table.cell = None
        elif tag in _BLOCKS:
            self._close_block(tag)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        self.run.append(data)

    def _open_block(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag == "pre":
            self._flush()
            self._space()
            self.pre += 1
            return
        self._flush()
        if tag in ("ul", "ol"):
            if not self.lists:
                self._space()
            start = attrs.get("start") or "1"
            first = int(start) if tag == "ol" and start.isdigit() else 1
            self.lists.append(_List(ordered=tag == "ol", count=first - 1))
            self.indent += INDENT
        elif tag == "li":
            self._open_item()
        elif tag in ("blockquote", "dd"):
            self._space()
            self.indent += INDENT
        elif tag == "hr":
            self._space()
            self._emit(" " * self.indent + RULE * (LINE_WIDTH - self.indent))
            self._space()
        elif tag == "table":
            self._space()
            self.table = _Table()
        elif tag in _BLOCKS_WITH_SPACE:
            self._space()

    def _open_item(self) -> None:
        if not self.lists:  # a stray <li>: w3m treats it as a one-item list
            self.lists.append(_List(ordered=False))
            self.indent += INDENT
        env = self.lists[-1]
        env.count += 1
        if env.ordered:
            mark = f"{env.count}.".rjust(self.indent - 1) + " "
        else:
            symbol = BULLETS[(len(self.lists) - 1) % len(BULLETS)]
            mark = " " * (self.indent - 2) + symbol + " "
        self.marker = mark

    def _close_block(self, tag: str) -> None:
        if tag == "pre":
            self._close_pre()
            return
        self._flush()
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.indent -= INDENT
            if not self.lists:
                self._space()
        elif tag == "li":
            if self.marker is not None:  # an empty item still shows its marker
                self._emit(self.marker)
        elif tag in ("blockquote", "dd"):
            self.indent = max(self.indent - INDENT, 0)
            self._space()
        elif tag == "table":
            self._close_table()
        elif tag in _BLOCKS_WITH_SPACE:
            self._space()

    def _close_pre(self) -> None:
        text = "".join(self.run)
        self.run = []
        self.pre = max(self.pre - 1, 0)
        pad = " " * self.indent
        for line in text.rstrip("\n").split("\n"):
            self._emit(pad + line.expandtabs(8))
        self._space()

    def _close_table(self) -> None:
        table, self.table = self.table, None
        if table is None:
            return
        rows = [row for row in table.rows if any(row)]  # an empty header row shows nothing
        columns = max((len(row) for row in rows), default=0)
        widths = [max((width(r[c]) for r in rows if c < len(r)), default=0) for c in range(columns)]
        pad = " " * self.indent
        for row in rows:
            cells = [cell + " " * (widths[c] - width(cell)) for c, cell in enumerate(row)]
            self._emit(pad + " ".join(cells))
        self._space()
