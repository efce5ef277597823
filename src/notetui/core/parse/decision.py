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
  an `## LT` heading with one title per item).
- Without headings (plain text, a browser copy), each line is weighed; a shape
  (「quoted」, timed, labelled) that a line with a speaker or slides uses counts on its
  own elsewhere in the note.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from notetui.core.load.budget import poll
from notetui.core.parse import detectors as d
from notetui.core.parse.blocks import Kind
from notetui.core.parse.features import Candidate, candidate_for, with_text_lines
from notetui.core.parse.outline_rules import (
    _after,
    _backed,
    _has_people,
    _list_below,
    _names_the_post,
    _take,
    _the_post_is_the_talk,
    _timetable,
)
from notetui.core.parse.scorer import Weights, weights
from notetui.core.text import title_key

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
_NON_TALK = (
    "impressions",
    "links",
    "other",
    "schedule",
    "qa",
    "chrome",
    "day",
    "speaker_line",
    "sub_label",
    "speaker_of_above",
)
_EVIDENCE = ("speaker_below", "slides_below", "speaker_in_title", "timed", "handle_in_title")


@dataclass
class Decision:
    talks: list[Candidate]  # in note order
    title: Candidate | None  # the note's own title heading
    level: int  # the talk level (0: no headings used)
    starts: list[Candidate]  # every heading or item that starts a section, in order
    candidates: list[Candidate] = field(default_factory=list)


def score_all(found: Sequence[Candidate], w: Weights) -> None:
    for candidate in found:
        poll()
        candidate.score = w.score(candidate.features)


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
        lines = _lines(ctx, [c for c in found if c.line.kind is not Kind.HEADING], w)
        lines.title = decision.title
        lines.starts = sorted(
            [*lines.starts, *(s for s in decision.starts if s.line.kind is Kind.HEADING)],
            key=lambda c: c.index,
        )
        lines.candidates = found
        return lines
    decision = _lines(ctx, found, w)
    _add_list_talks(ctx, decision, found, w)
    decision.candidates = found
    return decision


# A list holds a note's talks in plain text only when it names speakers or decks for
# at least this many of them: a list of points with one "by" in it is not one.
_MIN_LIST_TALKS = 2


def _add_list_talks(ctx: d.Context, decision: Decision, found: list[Candidate], w: Weights) -> None:
    """Plain text: a list of talks ("  • Title @speaker", a page copy of a Markdown
    list) counts beside the lines that are talks."""
    items = [c for c in found if c.line.kind is Kind.ITEM and not c.taken]
    # A line standing alone over a list owns it, as a heading would ("LT" over titles).
    owner: dict[int, Candidate | None] = {}
    heads = [c for c in found if c.line.kind is Kind.TEXT and c.features.get("standalone")]
    position, current = 0, None
    for item in items:
        while position < len(heads) and heads[position].index < item.index:
            current = heads[position]
            position += 1
        owner[item.index] = current
    listed = _list_talks(ctx, items, owner, w)
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
    owner = _owners(ctx, items, headings)
    # Pass 1: list talks, whose presence makes the heading above them a container.
    item_talks = _list_talks(ctx, items, owner, w, parent)
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


def _evident(candidate: Candidate) -> bool:
    f = candidate.features
    if any(f.get(name) for name in _NON_TALK):
        return False
    return any(f.get(name) for name in _EVIDENCE) or bool(f.get("label_only"))


def _non_talk(candidate: Candidate) -> bool:
    return any(candidate.features.get(name) for name in _NON_TALK)


def _under_non_talk(heading: Candidate, parent: dict[int, Candidate | None]) -> bool:
    ancestor = parent.get(heading.index)
    while ancestor is not None:
        if _non_talk(ancestor) and not ancestor.features.get("day"):
            return True
        ancestor = parent.get(ancestor.index)
    return False


def _owned_by_talk(
    head: Candidate, talk_lines: set[int], parent: dict[int, Candidate | None]
) -> bool:
    node: Candidate | None = head
    while node is not None:
        if node.index in talk_lines:
            return True
        node = parent.get(node.index)
    return False


def _owners(
    ctx: d.Context, items: list[Candidate], headings: list[Candidate]
) -> dict[int, Candidate | None]:
    """The heading each item sits under."""
    owner: dict[int, Candidate | None] = {}
    position = 0
    current: Candidate | None = None
    for item in items:
        while position < len(headings) and headings[position].index < item.index:
            current = headings[position]
            position += 1
        owner[item.index] = current
    return owner


# -- lists of talks -----------------------------------------------------------------------


def _list_talks(
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


# -- notes without headings ---------------------------------------------------------------


def _lines(ctx: d.Context, found: list[Candidate], w: Weights) -> Decision:
    """Plain text: each line weighed; shapes backed by evidence count on their own."""
    found = [c for c in found if c.line.kind is not Kind.ITEM or c.features.get("quoted")]
    timetable = _timetable(ctx, found)
    for candidate in timetable:
        candidate.why = "a row of a timetable"
    rows = {c.index for c in timetable}
    pool = [c for c in found if c.index not in rows]
    # A shape counts on its own where a title with a speaker or slides uses it, or
    # where lines standing apart use it at least twice (the note's way of titling).
    shapes = {c.shape for c in pool if c.evidence and c.shape != "bare"}
    counts: dict[str, int] = defaultdict(int)
    for candidate in pool:
        if candidate.features.get("stands_apart") or not any(c.evidence for c in pool):
            counts[candidate.shape] += 1
    shapes |= {shape for shape, n in counts.items() if n >= 2 and shape != "bare"}
    for candidate in pool:
        if candidate.shape in shapes and candidate.features.get("stands_apart"):
            candidate.features["sibling_share"] = 1.0
    score_all(pool, w)
    # A line standing alone counts as a heading only in a note nothing else splits
    # (a page copied as text), and only when it reads as a title, not a word or two.
    # A line standing alone right above a part every talk has ("感想", "資料", an embed
    # line) heads those parts: a talk, whatever else the note has.
    alone = not any(c.evidence or c.features.get("sibling_share") for c in pool)
    _heads_parts(ctx, pool)
    for candidate in pool:
        f = candidate.features
        # Short lines read as headings too where each one heads a list of points.
        if alone and f.get("standalone") and _list_below(ctx, candidate):
            f["list_below"] = 1.0
        readable = f.get("descriptive") or f.get("label_only") or f.get("list_below")
        # An event's name on its own line is the post's title, not a talk.
        keep = ((alone and readable) or f.get("heads_parts")) and not f.get("eventish")
        if f.get("standalone") and not keep:
            f.pop("standalone")
    score_all(pool, w)
    chosen = [c for c in pool if c.score > w.threshold and _backed(c) and not _non_talk(c)]
    for candidate in pool:
        if candidate not in chosen and not candidate.why:
            candidate.why = f"scores {candidate.score:.1f}" + (
                "" if _backed(candidate) else ", and nothing under it or like it says it is a talk"
            )
    # Two titles in a row with nothing between are a list of titles, not two talks.
    listed = []
    for position, candidate in enumerate(chosen):
        nxt = chosen[position + 1] if position + 1 < len(chosen) else None
        if nxt is not None and nxt.index == _after(ctx, candidate) and not candidate.evidence:
            candidate.why = "followed at once by another title: a list of titles"
            continue
        listed.append(candidate)
    # The post's own title above the talks names the event ("X 2024 参加レポート").
    # And the page's first line, a standing-alone line with nothing under it, is the
    # blog's name or the post's title.
    first_line = next((i for i, t in enumerate(ctx.texts) if t), -1)
    while len(listed) > 1 and not _has_people(listed[0]):
        head = listed[0]
        if head.features.get("eventish"):
            head.why = "names the event above the talks: the post's title"
        elif head.index == first_line and head.features.get("standalone"):
            head.why = "the page's first line: the blog's name or the post's title"
        else:
            break
        listed.pop(0)
    talks: list[Candidate] = []
    for candidate in listed:
        if (
            talks
            and candidate.index < talks[-1].below.end
            and candidate.index in talks[-1].below.lines
        ):
            candidate.why = "the speaker or slide line of the title above"
            continue
        talks.append(_take(candidate, f"scores {candidate.score:.1f}"))
    # Timed schedule lines ("19:00 受付") are sections of their own, not talks.
    schedule = [
        c for c in pool if not c.taken and c.shape == "timed" and c.features.get("schedule")
    ]
    for candidate in schedule:
        candidate.why = "a schedule item on the timetable"
    starts = sorted([*talks, *schedule], key=lambda c: c.index)
    return Decision(talks, None, 0, starts)


def _heads_parts(ctx: d.Context, pool: list[Candidate]) -> None:
    """Mark the lines right above a repeated part line (the same "感想" under each talk)."""
    for position, candidate in enumerate(pool[:-1]):
        nxt = pool[position + 1]
        f = nxt.features
        if nxt.index - candidate.index > _PART_GAP or candidate.features.get("repeats"):
            continue
        if f.get("eventish"):
            continue  # the page's title twice (its <title> and its <h1>): chrome
        if f.get("repeats") and (_non_talk(nxt) or f.get("sub_label") or nxt.score <= 0):
            candidate.features["heads_parts"] = 1.0


_PART_GAP = 8  # lines between a talk's title and its first part line
