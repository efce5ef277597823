"""Lists of talks: the items of a list that are a note's talks (`* [Title](url) @speaker`,
an `## LT` heading with one title per item, a plain-text list of titles with speakers).

`list_talks` decides the items under each heading (or standing-alone line) a list at a
time, shallow items first; `add_list_talks` adds a plain-text note's list talks to the
talks its lines gave.
"""

from __future__ import annotations

import bisect
from collections import defaultdict

from notetui.core.load.budget import poll
from notetui.core.parse import detectors as d
from notetui.core.parse.blocks import Kind
from notetui.core.parse.features import Candidate, candidate_for
from notetui.core.parse.outline_rules import (
    Decision,
    _has_people,
    _non_talk,
    _take,
    _under_non_talk,
    score_all,
)
from notetui.core.parse.scorer import Weights

# A list holds a note's talks in plain text only when it names speakers or decks for
# at least this many of them: a list of points with one "by" in it is not one.
_MIN_LIST_TALKS = 2


def add_list_talks(ctx: d.Context, decision: Decision, found: list[Candidate], w: Weights) -> None:
    """Plain text: a list of talks ("  • Title @speaker", a page copy of a Markdown
    list) counts beside the lines that are talks."""
    items = [c for c in found if c.line.kind is Kind.ITEM and not c.taken]
    # A line standing alone over a list owns it, as a heading would ("LT" over titles).
    heads = [c for c in found if c.line.kind is Kind.TEXT and c.features.get("standalone")]
    listed = list_talks(ctx, items, owners(items, heads), w)
    backed = [
        c
        for c in listed
        if _has_people(c) or c.features.get("item_link_title") or c.features.get("under_container")
    ]
    if len(backed) < _MIN_LIST_TALKS:
        for item in listed:
            item.taken = False
            item.why = "a list item, in a list that names too few speakers to be talks"
        return
    inside = {t.index for t in decision.talks}
    fresh = [c for c in listed if c.index not in inside]
    decision.talks = sorted([*decision.talks, *fresh], key=lambda c: c.index)
    decision.starts = sorted([*decision.starts, *fresh], key=lambda c: c.index)


def owners(items: list[Candidate], heads: list[Candidate]) -> dict[int, Candidate | None]:
    """The heading (or line standing alone as one) each item sits under; both in note order."""
    owner: dict[int, Candidate | None] = {}
    position = 0
    current: Candidate | None = None
    for item in items:
        while position < len(heads) and heads[position].index < item.index:
            current = heads[position]
            position += 1
        owner[item.index] = current
    return owner


def list_talks(
    ctx: d.Context,
    items: list[Candidate],
    owner: dict[int, Candidate | None],
    w: Weights,
    parent: dict[int, Candidate | None] | None = None,
) -> list[Candidate]:
    """Items of one list that are talks: most of them name a speaker or link the
    talk, or the list sits right under a container heading such as `## LT`.

    Shallow items are decided first: an item nested in a talk item is its point,
    and an item holding talk items ("Lightning Talk Sessions") is their container."""
    if not items:
        return []
    groups: dict[tuple[int, int], list[Candidate]] = defaultdict(list)
    for item in items:
        head = owner.get(item.index)
        if head is not None and head.features.get("container_word"):
            item.features["under_container"] = 1.0
        # Under "## Links" (or anything under it): a list of links, not of talks.
        if head is not None and (_non_talk(head) or _under_non_talk(head, parent or {})):
            item.features["under_non_talk"] = 1.0
        groups[(head.index if head else -1, item.line.depth)].append(item)
    taken: list[Candidate] = []
    for (_head, depth), members in sorted(groups.items(), key=lambda kv: kv[0][1]):
        poll()
        indexes = [t.index for t in taken]  # taken is kept in note order
        members = [m for m in members if not _inside_talk_item(ctx, m, taken, indexes)]
        if not members:
            continue
        score_all(members, w)
        strong = [m for m in members if m.score > w.threshold]
        if not strong:
            for member in members:
                member.why = member.why or f"a list item scoring {member.score:.1f}"
            continue
        # The list's other items at this depth share the talks' shape.
        siblings = [
            s
            for s in _list_siblings(ctx, strong, depth)
            if not _inside_talk_item(ctx, s, taken, indexes)
        ]
        everyone = sorted(
            {m.index: m for m in [*members, *siblings]}.values(), key=lambda c: c.index
        )
        if len(strong) >= 2 and len(strong) / len(everyone) >= 0.5:
            for member in everyone:
                member.features["sibling_share"] = 1.0
        score_all(everyone, w)
        for member in everyone:
            if member.score > w.threshold and not _non_talk(member):
                taken.append(_take(member, f"a list item of a list of talks ({member.score:.1f})"))
            elif not member.why:
                member.why = f"a list item scoring {member.score:.1f}"
        taken.sort(key=lambda c: c.index)
    # An item holding talk items is their container: its children come right after it
    # in note order, so looking at the next taken item is enough (and linear).
    taken.sort(key=lambda c: c.index)
    result = []
    for position, item in enumerate(taken):
        nxt = taken[position + 1] if position + 1 < len(taken) else None
        if (
            nxt is not None
            and nxt.line.depth > item.line.depth
            and _nested(ctx, item.index, nxt.index, item.line.depth)
        ):
            item.taken = False
            item.why = "a list item holding talks: a container"
            continue
        result.append(item)
    return result


def _inside_talk_item(
    ctx: d.Context, item: Candidate, taken: list[Candidate], indexes: list[int]
) -> bool:
    """The item is nested in a taken talk item that is not a container of talks: the
    nearest taken item above it of a smaller depth, if nothing shallower is between."""
    position = bisect.bisect_left(indexes, item.index)
    for talk in reversed(taken[max(0, position - _LOOK_BACK) : position]):
        if talk.line.depth >= item.line.depth:
            continue
        if not _nested(ctx, talk.index, item.index, talk.line.depth):
            return False
        if talk.features.get("container_word"):
            return False
        item.why = f"nested in the talk item {talk.title!r}: a point"
        return True
    return False


_LOOK_BACK = 64  # taken items looked back at for the one an item is nested in


def _nested(ctx: d.Context, start: int, index: int, depth: int) -> bool:
    """Line `index` sits inside the list item at `start` (of `depth`)."""
    for between in range(start + 1, index):
        line = ctx.line(between)
        if line.kind is Kind.HEADING:
            return False
        if line.kind is Kind.ITEM and line.depth <= depth:
            return False
    return True


def _list_siblings(ctx: d.Context, members: list[Candidate], depth: int) -> list[Candidate]:
    """The other items at `depth` of the lists the members are in."""
    found: list[Candidate] = []
    known = {m.index for m in members}
    first, last = members[0].index, members[-1].index
    # Walk the list both ways from the members, staying inside the same list run.
    index = first
    while index > 0:
        prev = ctx.line(index - 1)
        if prev.kind is Kind.HEADING or (prev.kind is Kind.ITEM and prev.depth < depth):
            break
        index -= 1
    stop = last
    while stop + 1 < len(ctx.texts):
        nxt = ctx.line(stop + 1)
        if nxt.kind is Kind.HEADING or (nxt.kind is Kind.ITEM and nxt.depth < depth):
            break
        stop += 1
    for position in range(index, stop + 1):
        poll()
        line = ctx.line(position)
        if line.kind is Kind.ITEM and line.depth == depth and position not in known:
            if not d.title_like(line.text) or d.BARE_URL.match(line.text):
                continue
            found.append(candidate_for(ctx, line, ("list_sibling",)))
    return found
