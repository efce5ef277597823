"""The one place markdown-it is configured, for every part that reads Markdown.

Parsers are built once and shared: building one compiles its rule chains, and the
parse, points, export and rendering code must agree on what a block is.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt


@cache
def block_parser() -> MarkdownIt:
    """Block structure only (headings, lists, quotes, code, tables, paragraphs): inline
    text is left as written in each token's `content`, which is what the parser and
    the points need, and several times faster than a full parse."""
    return (
        MarkdownIt("commonmark", {"html": True})
        .enable(["table", "strikethrough"])
        .disable(["inline", "text_join"], ignoreInvalid=True)
    )


@cache
def heading_parser() -> MarkdownIt:
    """What notetui's Markdown splitter reads a note's sections by: headings, code,
    tables and paragraphs. Lists and block quotes are left to the paragraph rule: a
    heading inside a list item or a quote is not the note's structure."""
    return (
        MarkdownIt("commonmark")
        .enable("table")
        .disable(["inline", "text_join", "list", "blockquote"], ignoreInvalid=True)
    )


@cache
def inline_parser() -> MarkdownIt:
    """Inline marks (emphasis, code, links) for display; raw HTML stays text."""
    return MarkdownIt("commonmark", {"html": False}).enable("strikethrough")


@cache
def viewer_parser() -> MarkdownIt:
    """What a CommonMark viewer such as Obsidian sees: the export checks that a note's
    text keeps its structure under it."""
    return MarkdownIt("commonmark").enable("table")


@cache
def viewer_block_parser() -> MarkdownIt:
    """`viewer_parser`'s blocks alone, for checks that look at block structure only."""
    return MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])
