"""Notes without headings (plain text, a browser copy): each line is weighed, and a
shape (「quoted」, timed, labelled) that a line with a speaker or slides uses counts on
its own elsewhere in the note."""

from __future__ import annotations

from collections import defaultdict

from notetui.core.parse import detectors as d
from notetui.core.parse.blocks import Kind
from notetui.core.parse.features import Candidate
from notetui.core.parse.outline_rules import (
    Decision,
    _after,
    _backed,
    _has_people,
    _list_below,
    _non_talk,
    _take,
    _timetable,
    score_all,
)
from notetui.core.parse.scorer import Weights


def decide_lines(ctx: d.Context, found: list[Candidate], w: Weights) -> Decision:
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
    talks = _with_part_siblings(pool, talks)
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


# Talks heading the parts that repeat under each of them ("感想", an embed line) make
# the note's way of titling plain when there are this many, and this share of the heads.
_MIN_PART_TALKS = 3
_PART_SHARE = 0.75


def _with_part_siblings(pool: list[Candidate], talks: list[Candidate]) -> list[Candidate]:
    """`talks` and the other lines standing alone above a repeated part, where most such
    lines are talks: a title that reads like a sentence ("…運用まで。") above the "感想"
    every talk has is a talk too."""
    heads = [c for c in pool if c.features.get("heads_parts")]
    taken = sum(1 for c in heads if c.taken)
    if taken < _MIN_PART_TALKS or taken < _PART_SHARE * len(heads):
        return talks
    more: list[Candidate] = []
    for candidate in heads:
        f = candidate.features
        if candidate.taken or not f.get("standalone") or _non_talk(candidate):
            continue
        if f.get("eventish") or f.get("code_like"):
            continue
        more.append(_take(candidate, "stands above the part its sibling talks have"))
    return sorted([*talks, *more], key=lambda c: c.index) if more else talks
