"""Note text -> Rich `Text`, safely.

Note text is untrusted: it is never parsed as Rich or Textual markup. Inline
Markdown (code, emphasis, links) is parsed with markdown-it and turned into styled
spans of literal text; control characters are stripped first. Links are shown, not
followed: a note cannot make the terminal or the app do anything.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.style import Style
from rich.text import Text

from notetui.core.text import sanitize, sanitize_line

_INLINE = MarkdownIt("commonmark", {"html": False}).enable("strikethrough")

CODE_STYLE = Style(bold=True, color="#e0af68", bgcolor="#2a2f3a")
LINK_STYLE = Style(underline=True, color="#7aa2f7")


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
            text.append(token.content, CODE_STYLE)
        elif kind in ("softbreak", "hardbreak"):
            text.append(" ")
        elif kind == "strong_open":
            styles.append(Style(bold=True))
        elif kind == "em_open":
            styles.append(Style(italic=True))
        elif kind == "s_open":
            styles.append(Style(strike=True))
        elif kind == "link_open":
            styles.append(LINK_STYLE)
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
