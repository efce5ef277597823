"""Quote to anchor: where a quoted passage is in a note, and what a passage
annotation remembers of it (the note's own text, its line, and context around it).

The one implementation both fronts use: the CLI's `annotate --quote` and `attach`,
and the reader's annotation of the point under the cursor.
"""

from __future__ import annotations

from collections.abc import Iterable

from notetui.core.annotations.records import Anchor
from notetui.core.models import Source
from notetui.core.text import fold

__all__ = ["CONTEXT_CHARS", "anchor_at", "find_passage", "locate_quote", "make_anchor_text"]

CONTEXT_CHARS = 64


def make_anchor_text(body: str, start: int, end: int) -> tuple[str, str, str]:
    """(prefix, quote, suffix) around body[start:end], for a new passage annotation."""
    return (
        body[max(0, start - CONTEXT_CHARS) : start],
        body[start:end],
        body[end : end + CONTEXT_CHARS],
    )


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` folded (NFKC + casefold), whitespace runs as one space, with the index
    in `text` of each character of the result."""
    out: list[str] = []
    index: list[int] = []
    for i, char in enumerate(text):
        folded = fold(char)
        if not folded or folded.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                index.append(i)
            continue
        for part in folded:
            out.append(part)
            index.append(i)
    return "".join(out), index


def locate_quote(body: str, quote: str, start: int = 0) -> tuple[int, int] | None:
    """(start, end) of `quote` in `body` at or after `start`: exactly, else ignoring
    case, width and runs of whitespace. body[start:end] is then the note's own text."""
    at = body.find(quote, start)
    if at >= 0 and quote:
        return at, at + len(quote)
    wanted, _ = _folded(quote)
    wanted = wanted.strip()
    if not wanted:
        return None
    folded, index = _folded(body)
    first = next((n for n, i in enumerate(index) if i >= start), len(index))
    hit = folded.find(wanted, first)
    if hit < 0:
        return None
    return index[hit], index[hit + len(wanted) - 1] + 1


def _anchor(source: Source, span: tuple[int, int]) -> Anchor:
    body = source.section.body
    prefix, text, suffix = make_anchor_text(body, *span)
    line = source.section.body_line + body.count("\n", 0, span[0])
    return Anchor(source.note, line, text, prefix, suffix)


def find_passage(sources: Iterable[Source], quote: str, note: str | None = None) -> list[Anchor]:
    """An anchor for each source (only `note`'s, if given) the quote is in, in order."""
    anchors = []
    for source in sources:
        if note is not None and source.note != note:
            continue
        span = locate_quote(source.section.body, quote)
        if span is not None:
            anchors.append(_anchor(source, span))
    return anchors


def anchor_at(source: Source, quote: str, line: int | None = None) -> Anchor | None:
    """The anchor for `quote` in one source, looked for from `line` on (the line of
    the point the reader's cursor is on), else anywhere in the source."""
    body = source.section.body
    start = 0
    if line is not None:
        offset = line - source.section.body_line
        lines = body.split("\n")
        if 0 <= offset < len(lines):
            start = sum(len(text) + 1 for text in lines[:offset])
    span = locate_quote(body, quote, start) or (locate_quote(body, quote) if start else None)
    return None if span is None else _anchor(source, span)


def nearest(anchors: Iterable[Anchor], to: Anchor) -> Anchor | None:
    """Of several places a quote is, the one nearest where it was: same note first,
    then the closest line."""
    return min(anchors, key=lambda a: (a.note != to.note, abs(a.line - to.line)), default=None)
