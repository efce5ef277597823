"""A note's text in an export: verbatim, but unable to break the export's structure.

Its headings move below the export's own, callouts go after the lines they annotate,
and a fence or HTML block it leaves open is closed, checked with the parser of a
CommonMark viewer and with notetui's own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.token import Token

from notetui.core.markdown import heading_parser, viewer_block_parser

# What notetui's own reader parses (no lists or block quotes: see split_markdown), and
# what a CommonMark viewer parses. A note's text must keep its structure under both.
_READER = heading_parser()
_VIEWER = viewer_block_parser()
_PARSERS = (_VIEWER, _READER)
_ATX = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)")
_LIST_MARKER = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_LIST_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])([ \t]*)")
_CONTAINER_START = re.compile(r"^ {0,3}(?:[-*+>]|\d{1,9}[.)])(?:[ \t]|$)")
_PROBE = "###### notetui-probe"
_HTML_CLOSERS = (
    (re.compile(r"^ {0,3}<(?:script|pre|style|textarea)(?:\s|>|$)", re.I), "</pre>"),
    (re.compile(r"^ {0,3}<!--"), "-->"),
    (re.compile(r"^ {0,3}<\?"), "?>"),
    (re.compile(r"^ {0,3}<!\[CDATA\["), "]]>"),
    (re.compile(r"^ {0,3}<![A-Za-z]"), ">"),
)
_LEAF_BLOCKS = frozenset(
    {"paragraph_open", "heading_open", "fence", "code_block", "html_block", "table_open", "hr"}
)


def note_body(
    body: str, body_line: int, base: int, callouts: dict[int, list[str]], *, plain: bool = False
) -> str:
    """A section's text with its headings moved to `base` and deeper, callouts placed
    after the lines (file line numbers) they belong to, and every open fence or
    HTML block closed, so that what follows is the export's again.

    `plain`: the note is plain text, written line by line; its lines end in a hard
    line break (two spaces), or a CommonMark viewer would run them into one paragraph.
    """
    text = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    lines = text.split("\n") if text else []
    viewer = _VIEWER.parse(text)
    broken = _hard_breaks(lines, viewer) if plain else set()
    inserts: dict[int, list[str]] = {}
    for file_line, found in sorted(callouts.items()):
        index = file_line - body_line
        if index >= len(lines):
            index = len(lines) - 1
        at, indent = _insertion_point(viewer, lines, index)
        inserts.setdefault(at, []).extend(_indented(callout, indent) for callout in found)
    rewrites, blank_before = _heading_rewrites(text, lines, viewer, base)
    out: list[str] = [x for callout in inserts.get(-1, []) for x in (callout, "")]
    skip_until = -1
    blank_needed = False  # after a callout: a blank line before the note goes on
    for index, line in enumerate(lines):
        if blank_needed and line.strip():
            out.append("")
        blank_needed = False
        if index in blank_before:
            out.append("")
        if index in rewrites:
            new_line, end = rewrites[index]
            out.append(new_line)
            skip_until = end
        elif index >= skip_until:
            out.append(line)
        if index in inserts and index in broken:
            out[-1] = out[-1][:-2]  # the paragraph ends here now: no line break needed
        for callout in inserts.get(index, []):
            if out and out[-1].strip():
                out.append("")
            out.append(callout)
            blank_needed = True
    result = closed_block("\n".join(out), base)
    if result is None:
        # Not expected to happen: the text as a code block, its callouts after it.
        result = "\n\n".join([fenced(text), *(c for found in inserts.values() for c in found)])
    return result.strip("\n")


def _hard_breaks(lines: list[str], tokens: Sequence[Token]) -> set[int]:
    """End each line of a plain paragraph but its last with two spaces (a hard line
    break), in place; the indexes of the lines changed."""
    changed: set[int] = set()
    for token in tokens:
        if token.type == "paragraph_open" and token.level == 0 and token.map:
            for index in range(token.map[0], token.map[1] - 1):
                if not lines[index].endswith(("  ", "\\")):
                    lines[index] = lines[index].rstrip(" ") + "  "
                    changed.add(index)
    return changed


def _insertion_point(tokens: Sequence[Token], lines: Sequence[str], index: int) -> tuple[int, str]:
    """(the line after which a callout for line `index` goes, its indentation).

    In a paragraph of plain lines, right after that line. In code, tables, HTML and
    headings, after the block. In a list item, after the item's text, indented to
    the item's content, so that the callout belongs to the item and the items
    nested below it stay nested.
    """
    if index < 0:
        return -1, ""
    leaf: Token | None = None
    item: Token | None = None
    outer: Token | None = None
    for token in tokens:
        if not token.map or not token.map[0] <= index < token.map[1]:
            continue
        if token.level == 0 and outer is None:
            outer = token
        if token.type in _LEAF_BLOCKS:
            leaf = token  # the innermost comes last
        elif token.type == "list_item_open":
            item = token
    if leaf is None or leaf.map is None:
        return index, ""
    if leaf.type == "paragraph_open" and leaf.level == 0:
        return index, ""
    end = leaf.map[1] - 1
    if item is None or item.map is None:
        return end, ""
    marker = _LIST_ITEM.match(lines[item.map[0]])
    if marker is None or "\t" in marker.group(0):
        # A list inside a block quote, or tabs: after the whole outer block, where
        # an unindented callout cannot turn what follows into something else.
        return (outer.map[1] - 1 if outer is not None and outer.map else end), ""
    spaces = len(marker.group(3))
    width = len(marker.group(1)) + len(marker.group(2)) + (spaces if 1 <= spaces <= 4 else 1)
    return end, " " * width


def _indented(callout: str, indent: str) -> str:
    return "\n".join(indent + line for line in callout.split("\n")) if indent else callout


def _heading_rewrites(
    text: str, lines: Sequence[str], viewer: Sequence[Token], base: int
) -> tuple[dict[int, tuple[str, int]], set[int]]:
    """(start line -> (new ATX line, end line), lines to put a blank line before)."""
    seen_by_viewer = {t.map[0]: t for t in viewer if t.type == "heading_open" and t.map}
    seen_by_reader = {
        t.map[0]: t for t in _READER.parse(text) if t.type == "heading_open" and t.map
    }
    found: list[tuple[int, int, int, str]] = []  # start, end, level, content
    blank_before: set[int] = set()
    for start in sorted(set(seen_by_viewer) | set(seen_by_reader)):
        in_viewer = seen_by_viewer.get(start)
        in_reader = seen_by_reader.get(start)
        token = in_viewer or in_reader
        assert token is not None and token.map is not None
        level = int(token.tag[1])
        line = lines[start]
        if atx := _ATX.match(line):
            found.append((start, start + 1, len(atx.group(2)), line[atx.end() :]))
        elif in_viewer is not None and in_viewer.map and not _CONTAINER_START.match(line):
            end = in_viewer.map[1]  # setext: the text lines, then the underline
            content = " ".join(part.strip() for part in lines[start : end - 1])
            indent = line[: len(line) - len(line.lstrip(" "))][:3]
            found.append((start, end, level, indent + "\0" + content))
        elif (
            in_reader is not None
            and in_reader.map
            and in_viewer is None
            and not _LIST_MARKER.match(line)
        ):
            # Only notetui's reader sees a heading here ("> quote" over "---"): a
            # blank line keeps it from reading one, and changes nothing else.
            blank_before.add(in_reader.map[1] - 1)
    rewrites: dict[int, tuple[str, int]] = {}
    if not found:
        return rewrites, blank_before
    top = min(level for _, _, level, _ in found)
    for start, end, level, content in found:
        hashes = "#" * min(6, base + level - top)
        if "\0" in content:  # setext, turned into ATX
            indent, words = content.split("\0", 1)
            rewrites[start] = (f"{indent}{hashes} {words}".rstrip(), end)
        else:
            atx = _ATX.match(lines[start])
            assert atx is not None
            rewrites[start] = (f"{atx.group(1)}{hashes}{content}", end)
    return rewrites, blank_before


def _check(text: str, base: int) -> tuple[bool, bool]:
    """(nothing is left open at the end of `text`, no heading above `base` in it), for a
    viewer and for notetui's reader. A heading after `text` is the probe: if it is not
    a heading where it was put, a fence or an HTML block is still open."""
    probe_line = text.count("\n") + 2 if text else 0
    document = f"{text}\n\n{_PROBE}\n" if text else f"{_PROBE}\n"
    closed = levels = True
    for parser in _PARSERS:
        tokens = parser.parse(document)
        probed = False
        for number, token in enumerate(tokens):
            if token.type != "heading_open" or not token.map:
                continue
            if token.map[0] == probe_line:
                probed = token.level == 0
                continue
            if int(token.tag[1]) >= base:
                continue
            if parser is _VIEWER and token.level == 0:
                levels = False
            # The reader ignores a list item over "---" (see split_markdown).
            content = tokens[number + 1].content.strip()
            listed = token.markup in ("=", "-") and _LIST_MARKER.match(content)
            if parser is _READER and content and not listed:
                levels = False
        closed = closed and probed
    return closed, levels


def closed_block(text: str, base: int) -> str | None:
    """`text` with open code fences and HTML blocks closed at its end, or None if it
    still breaks the export's structure (an open block, a heading above `base`)."""
    closed, levels = _check(text, base)
    if not levels:
        return None
    if closed:
        return text
    lines = text.split("\n")
    for _ in range(4):
        closer = _open_block_closer(text, lines)
        if closer is None:
            return None
        lines.append(closer)
        text = "\n".join(lines)
        closed, levels = _check(text, base)
        if closed and levels:
            return text
    return None


def _open_block_closer(text: str, lines: Sequence[str]) -> str | None:
    for parser in _PARSERS:
        for token in parser.parse(text):
            if token.level != 0 or not token.map or token.map[1] < len(lines):
                continue
            opening = lines[token.map[0]]
            if token.type == "fence":
                indent = opening[: len(opening) - len(opening.lstrip(" "))][:3]
                return indent + token.markup
            if token.type == "html_block":
                for pattern, closer in _HTML_CLOSERS:
                    if pattern.match(opening):
                        return closer
    return None


def fenced(text: str) -> str:
    """The last resort: `text` as a code block no line of it can close."""
    longest = max((len(m.group(0)) for m in re.finditer(r"`+|~+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"
