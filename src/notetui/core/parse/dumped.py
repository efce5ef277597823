"""A page copied as text keeps its headings only as lines that stand alone.

A browser copy or `w3m -dump` of a blog post drops every `#`: a talk's heading
becomes a short line with a blank line above and below, and its notes follow as
paragraphs and `  • item` lists. When a note without headings has several such
lines, they are read as headings (one level: the copy lost the levels), so the
note goes through the same outline decision as the Markdown it was rendered from.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from notetui.core.load.budget import poll
from notetui.core.parse.assemble import talk_parts
from notetui.core.parse.blocks import Blocks, Kind, Line
from notetui.core.parse.decision import Decision
from notetui.core.parse.features import CODE_LIKE, Candidate

# Fewer lines than this that stand alone are paragraphs, not a page's headings.
MIN_HEADINGS = 3
MAX_HEADING_CHARS = 90
# A sentence's end: a heading does not end like one.
_SENTENCE_END = re.compile(
    r"[。．.!！?？、,，:：;；…]$|[。！]|(?:です|ます|でした|ました|ません|だった|ない|たい)$"
)
# Lines that are content or page furniture, never a heading.
_NOT_A_HEADING = re.compile(
    r"^(?:https?://|\{[{%]|!\[|\[\^|\||>|=>|@\[|@\w+$|[-*+]\s|\d{1,2}[:：]\d{2}\s*$)"
)


def promote_dumped_headings(blocks: Blocks) -> Blocks:
    """`blocks` with the lines that stand alone as headings made level-2 headings,
    when the note has no headings (but perhaps one setext look-alike, made text again)
    and at least MIN_HEADINGS such lines."""
    lines = blocks.lines
    # A dumped code sample can read as a heading: a comment ("# => true") or one setext
    # look-alike ("=> true" over "---"). Those are text; any other heading is Markdown's.
    headings = [
        line for line in lines if line.kind is Kind.HEADING and not CODE_LIKE.search(line.text)
    ]
    setext = [line for line in lines if line.kind is Kind.HEADING and line.setext]
    if any(not line.setext for line in headings) or len(setext) > 1:
        return blocks
    found = [index for index in range(len(lines)) if _stands_as_heading(lines, index)]
    if len(found) < MIN_HEADINGS:
        return blocks
    # A dump indents even its outermost bullets ("  • item", "      □ sub item"):
    # an item's depth is the rank of its indent among the note's item indents.
    indents = sorted({line.indent for line in lines if line.kind is Kind.ITEM})
    rank = {indent: depth for depth, indent in enumerate(indents)}
    promoted = [
        dataclasses.replace(line, depth=rank[line.indent])
        if line.kind is Kind.ITEM
        else dataclasses.replace(line, kind=Kind.TEXT, level=0, setext=False)
        if line.kind is Kind.HEADING
        else line
        for line in lines
    ]
    for index in found:
        promoted[index] = dataclasses.replace(lines[index], kind=Kind.HEADING, level=2)
    return Blocks(blocks.raw, promoted, blocks.table_rows)


def _stands_as_heading(lines: list[Line], index: int) -> bool:
    if not index % 64:
        poll()
    line = lines[index]
    # A dump starts its headings at the margin: an indented line is a quote's or a list's.
    if line.kind is not Kind.TEXT or line.indent:
        return False
    text = line.text
    if not 2 <= len(text) <= MAX_HEADING_CHARS or _SENTENCE_END.search(_unadorned(text)):
        return False
    if _NOT_A_HEADING.match(text):
        return False
    above = lines[index - 1].kind if index else Kind.BLANK
    if above is not Kind.BLANK:
        return False
    # A blank line below, then what the heading heads: text, a list, a table, code.
    if index + 2 >= len(lines) or lines[index + 1].kind is not Kind.BLANK:
        return False
    return lines[index + 2].kind in (Kind.TEXT, Kind.ITEM, Kind.TABLE, Kind.CODE)


# What may follow a sentence's end: emoji and their joiners, a closing mark or bracket.
_ADORNMENT = frozenset(("So", "Sk", "Mn", "Cf", "Pe", "Pf"))


def _unadorned(text: str) -> str:
    """`text` without the emoji or closing marks after its last word ("…たいです💪")."""
    end = len(text)
    while end and unicodedata.category(text[end - 1]) in _ADORNMENT:
        end -= 1
    return text[:end].rstrip()


# -- the levels a copy lost ---------------------------------------------------------------

# Fewer talks naming their speaker or deck than this say nothing about the note's shape.
MIN_BACKED_TALKS = 2


def fold_flattened_parts(raw: list[str], decision: Decision, strong: float) -> None:
    """A copy drops the heading levels: a talk's own sub-headings ("良い名前を選ぶ" under
    "Matz Keynote") stand alone just as the talks do. Where the note names a speaker or
    a deck in some talks' sections, and each of those talks is followed by headings
    naming none, those headings are the parts of the talk above, not talks: they are
    taken off `decision` (in place) and their text is the talk's body. A heading that
    scores as a talk on its own (`strong`) stays one."""
    starts = [s for s in decision.starts if s.line.kind is Kind.HEADING]
    talks = {t.index for t in decision.talks}
    groups: list[list[Candidate]] = []  # a backed talk, then the talks naming no one
    for position, head in enumerate(starts):
        if head.index not in talks:
            groups.append([])  # a non-talk heading (まとめ) ends the talk above
            continue
        stop = starts[position + 1].index if position + 1 < len(starts) else len(raw)
        if _names_people_or_decks(raw, head, stop):
            groups.append([head])
        elif groups and groups[-1]:
            groups[-1].append(head)
    backed = [g for g in groups if g]
    if len(backed) < MIN_BACKED_TALKS or any(len(g) < 2 for g in backed):
        return  # some backed talk has no part after it: the others are talks of their own
    parts = {part.index: part for group in backed for part in group[1:] if part.score < strong}
    for part in parts.values():
        part.taken = False
        part.why = (
            "a page copy's heading under a talk that names its speaker or deck, naming "
            "none itself: that talk's part"
        )
    decision.talks = [t for t in decision.talks if t.index not in parts]
    decision.starts = [s for s in decision.starts if s.index not in parts]


def _names_people_or_decks(raw: list[str], head: Candidate, stop: int) -> bool:
    if head.evidence:
        return True
    found = talk_parts(head.line.text, raw[head.index + 1 : stop])
    return bool(found.speakers or found.slides)
