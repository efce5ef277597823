"""Stage 5: the note-level decision. Which candidates are the note's talks.

A note is decided as a whole, not line by line:

- With headings, the note has a *talk level*: the heading level whose headings
  score best as talks, summed. Headings above it that hold talks are containers
  (`# Day1`, `## セッション`, `### 為になったセッション`), not talks; headings below a
  talk are its body. Structural features say so to the scorer: a heading that
  contains talks, one whose parent is a talk, one under a non-talk section.
- Siblings share a shape: where most headings of one parent (or items of one list)
  carry a mark (a time slot, a handle, a speaker line below), a sibling without it
  is marked down, and one with it is marked up.
- A list under a non-talk heading can hold talks itself (`* [Title](url) @speaker`,
  an `## LT` heading with one title per item): talk_lists.py.
- Without headings (plain text, a browser copy), each line is weighed; a shape
  (「quoted」, timed, labelled) that a line with a speaker or slides uses counts on its
  own elsewhere in the note: plain_lines.py.

This module holds the entry point, `decide`, and the notes with headings; the type and
the small rules the three parts share are in outline_rules.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from notetui.core.load.budget import poll
from notetui.core.parse import detectors as d
from notetui.core.parse.blocks import Kind
from notetui.core.parse.features import Candidate, with_text_lines
from notetui.core.parse.outline_rules import (
    Decision,
    _evident,
    _names_the_post,
    _non_talk,
    _take,
    _the_post_is_the_talk,
    _under_non_talk,
    score_all,
)
from notetui.core.parse.plain_lines import decide_lines
from notetui.core.parse.scorer import Weights, weights
from notetui.core.parse.talk_lists import add_list_talks, list_talks, owners
from notetui.core.text import title_key

__all__ = ["Decision", "decide"]

# How many non-blank lines may sit above a note's title heading (a URL, a date).
_MAX_PREAMBLE_LINES = 5
# Marks siblings share; a sibling without the mark most of them carry is suspect.
_SHARED_MARKS = (
    "timed",
    "handle_in_title",
    "speaker_in_title",
    "speaker_below",
    "quoted",
    "labelled",
    "link_title",
    "bold",
    "url_below",
)
_SHARE = 0.6  # most siblings carry it
_COMMON = 0.4  # many do: a sibling with such a mark is not out of shape


def decide(ctx: d.Context, found: list[Candidate]) -> Decision:
    w = weights()
    score_all(found, w)
    headings = [c for c in found if c.line.kind is Kind.HEADING]
    if headings:
        decision = _outline(ctx, found, headings, w)
        decision.candidates = found
        if decision.talks:
            return decision
        found = with_text_lines(ctx, found)
        score_all(found, w)
        lines = decide_lines(ctx, [c for c in found if c.line.kind is not Kind.HEADING], w)
        lines.title = decision.title
        lines.starts = sorted(
            [*lines.starts, *(s for s in decision.starts if s.line.kind is Kind.HEADING)],
            key=lambda c: c.index,
        )
        lines.candidates = found
        return lines
    decision = decide_lines(ctx, found, w)
    add_list_talks(ctx, decision, found, w)
    decision.candidates = found
    return decision


# -- notes with headings ------------------------------------------------------------------


def _outline(
    ctx: d.Context, found: list[Candidate], headings: list[Candidate], w: Weights
) -> Decision:
    parent: dict[int, Candidate | None] = {}
    stack: list[Candidate] = []
    for heading in headings:
        poll()
        while stack and stack[-1].line.level >= heading.line.level:
            stack.pop()
        parent[heading.index] = stack[-1] if stack else None
        stack.append(heading)
    title = _title_heading(ctx, headings, parent)
    if title is not None:
        title.why = "the note's title (the event's name)"
        for heading in headings:
            if parent.get(heading.index) is title:
                parent[heading.index] = None
    rest = [h for h in headings if h is not title]
    items = [c for c in found if c.line.kind is Kind.ITEM]
    owner = owners(items, headings)
    # Pass 1: list talks, whose presence makes the heading above them a container.
    item_talks = list_talks(ctx, items, owner, w, parent)
    holding: set[int] = set()
    for talk in item_talks:
        head = owner.get(talk.index)
        if head is not None and (talk.features.get("under_container") or talk.score > w.strong):
            holding.add(head.index)
    for heading in rest:
        poll()
        f = heading.features
        up = parent[heading.index]
        f["parent_talk"] = float(up is not None and _evident(up))
        f["under_non_talk"] = float(_under_non_talk(heading, parent))
    for heading in rest:
        if _evident(heading) or heading.index in holding:
            ancestor = parent[heading.index]
            while ancestor is not None:
                ancestor.features["contains_talks"] = 1.0
                ancestor = parent[ancestor.index]
    for heading in rest:
        f = heading.features
        if heading.index in holding and not (
            f.get("speaker_below") or f.get("slides_below") or f.get("speaker_in_title")
        ):
            f["contains_talks"] = 1.0
    score_all(rest, w)
    # A heading under a heading that would itself pass for a talk is likelier its part.
    plausible = {h.index for h in rest if h.score > w.threshold}
    for heading in rest:
        up = parent[heading.index]
        heading.features["parent_plausible"] = float(up is not None and up.index in plausible)
    score_all(rest, w)
    level = ctx.talk_level or _talk_level(rest)
    at_level = [h for h in rest if h.line.level == level]
    _siblings(at_level, lambda h: _parent_line(parent, h))
    score_all(at_level, w)
    talks: list[Candidate] = []
    starts: list[Candidate] = []
    inside_talk: Candidate | None = None
    for heading in rest:
        poll()
        lvl = heading.line.level
        if inside_talk is not None and lvl > inside_talk.line.level:
            heading.why = f"inside the talk {inside_talk.title!r}: its body"
            continue
        inside_talk = None
        if lvl > level:
            if heading.score > w.strong:
                _take(heading, f"below the talk level {level}, but scores {heading.score:.1f}")
                talks.append(heading)
                starts.append(heading)
                inside_talk = heading
            else:
                heading.why = f"below the talk level {level}, not a talk on its own"
            continue
        starts.append(heading)
        # A format that says where its talks are (notetui's export) is taken at its word.
        exported = ctx.talk_level and lvl == level and not _non_talk(heading)
        if exported or (lvl == level and heading.score > w.threshold):
            _take(heading, f"at the talk level {level}")
            talks.append(heading)
            inside_talk = heading
        elif (
            lvl < level and heading.score > w.strong and not heading.features.get("contains_talks")
        ):
            _take(heading, f"above the talk level {level}, but scores {heading.score:.1f}")
            talks.append(heading)
            inside_talk = heading
        elif not heading.why:
            heading.why = (
                "holds talks: a container"
                if heading.features.get("contains_talks")
                else f"scores {heading.score:.1f}: not a talk"
            )
    talk_lines = {t.index for t in talks}
    # List talks count where no heading talk already owns the list. Where headings
    # are the talks, a list elsewhere holds talks only under a container heading.
    for item in item_talks:
        head = owner.get(item.index)
        if head is not None and _owned_by_talk(head, talk_lines, parent):
            item.taken = False
            item.why = f"a list item in the talk {head.title!r}: a point"
            continue
        if talks and not item.features.get("under_container") and item.score <= w.strong:
            item.taken = False
            item.why = f"a list item scoring {item.score:.1f}, outside the talk headings"
            continue
        talks.append(item)
        starts.append(item)
    talks.sort(key=lambda c: c.index)
    starts.sort(key=lambda c: c.index)
    talks, starts = _the_post_is_the_talk(ctx, rest, parent, talks, starts)
    return Decision(talks, title, level, starts)


def _title_heading(
    ctx: d.Context, headings: list[Candidate], parent: dict[int, Candidate | None]
) -> Candidate | None:
    first = headings[0]
    before = [t for t in ctx.texts[: first.index] if t]
    if len(before) > _MAX_PREAMBLE_LINES or first.features.get("speaker_below"):
        return None
    if _non_talk(first) or first.features.get("container_word"):
        return None  # "# Day1", "# 感想": a part of the note, not its name
    if ctx.talk_level and first.line.level < ctx.talk_level:
        return first  # the event's heading above a known talk level
    if _names_the_post(title_key(first.title), ctx.front_title_key):
        return first  # the front matter's title again, as the body's first heading
    same_level = [h for h in headings[1:] if h.line.level <= first.line.level]
    children = [h for h in headings[1:] if parent.get(h.index) is first]
    if not children and same_level:
        return None
    if any(not _non_talk(h) for h in same_level):
        return None
    if ctx.has_title and children and not first.features.get("eventish"):
        return None  # the front matter names the post: a heading with parts is a talk
    if not children and not same_level:
        # One heading over text: the note's title when it reads as an event's name
        # ("Sample Go Night #3 参加メモ"); otherwise the note's one talk.
        eventish = first.features.get("eventish") and not _evident(first)
        return first if eventish and not before and not ctx.has_title else None
    return first


def _talk_level(headings: list[Candidate]) -> int:
    value: dict[int, float] = defaultdict(float)
    for heading in headings:
        value[heading.line.level] += max(heading.score, 0.0)
    if not value:
        return 0
    return max(sorted(value), key=lambda lvl: (value[lvl], -lvl))


def _siblings(group: list[Candidate], key: Callable[[Candidate], int]) -> None:
    """Siblings share a shape: mark up those with the mark most carry, down the rest."""
    by_parent: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in group:
        by_parent[key(candidate)].append(candidate)
    for members in by_parent.values():
        if len(members) < 3:
            continue
        carried = {
            mark: sum(1 for m in members if m.features.get(mark)) / len(members)
            for mark in _SHARED_MARKS
        }
        common = [mark for mark, share in carried.items() if share >= _COMMON]
        for mark in _SHARED_MARKS:
            if carried[mark] < _SHARE or carried[mark] * len(members) < 2:
                continue
            for member in members:
                if member.features.get(mark):
                    member.features["sibling_share"] = 1.0
                elif not member.evidence and not any(member.features.get(c) for c in common):
                    member.features["sibling_mismatch"] = 1.0
            break


def _parent_line(parent: dict[int, Candidate | None], heading: Candidate) -> int:
    up = parent.get(heading.index)
    return up.index if up is not None else -1


def _owned_by_talk(
    head: Candidate, talk_lines: set[int], parent: dict[int, Candidate | None]
) -> bool:
    node: Candidate | None = head
    while node is not None:
        if node.index in talk_lines:
            return True
        node = parent.get(node.index)
    return False
