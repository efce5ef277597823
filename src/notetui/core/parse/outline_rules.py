"""The note-level decision's type and small rules, shared by its three parts
(decision.py: notes with headings; talk_lists.py: lists of talks; plain_lines.py:
notes without headings): scoring, what is not a talk, the talk a front matter names,
timetables, taking a candidate, and what backs a plain line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from notetui.core.load.budget import poll
from notetui.core.parse import detectors as d
from notetui.core.parse.blocks import Kind
from notetui.core.parse.features import Candidate
from notetui.core.parse.scorer import Weights
from notetui.core.text import title_key

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


def _evident(candidate: Candidate) -> bool:
    if _non_talk(candidate):
        return False
    f = candidate.features
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


def _the_post_is_the_talk(
    ctx: d.Context,
    rest: list[Candidate],
    parent: dict[int, Candidate | None],
    talks: list[Candidate],
    starts: list[Candidate],
) -> tuple[list[Candidate], list[Candidate]]:
    """A note whose front matter names one of its headings is a note on that talk:
    the headings under it (each author's part, with speaker lines) are its body."""
    post = [h for h in rest if _names_the_post(title_key(h.title), ctx.front_title_key)]
    if len(post) != 1 or post[0] in talks:
        return talks, starts
    head = post[0]

    def under(candidate: Candidate) -> bool:
        ancestor = parent.get(candidate.index)
        while ancestor is not None:
            if ancestor is head:
                return True
            ancestor = parent.get(ancestor.index)
        return False

    inside = [t for t in talks if under(t)]
    if not inside:
        return talks, starts
    for talk in inside:
        talk.taken = False
        talk.why = f"inside {head.title!r}, the talk the front matter names: its body"
    _take(head, "the talk the front matter names")
    keep = [t for t in talks if t not in inside]
    talks = sorted([*keep, head], key=lambda c: c.index)
    starts = sorted(
        {s.index: s for s in [*starts, head] if s not in inside and not under(s)}.values(),
        key=lambda c: c.index,
    )
    return talks, starts


def _names_the_post(heading_key: str, front_key: str) -> bool:
    """A heading that repeats the front matter's title, perhaps without its tail
    ("Harbor Night 5" under "Harbor Night 5 参加メモ")."""
    if len(heading_key) < 4 or len(front_key) < 4:
        return False
    return heading_key == front_key or heading_key in front_key or front_key in heading_key


def _after(ctx: d.Context, candidate: Candidate) -> int:
    """The first line after a title and the speaker and slide lines under it."""
    end = candidate.below.end if candidate.below.lines else candidate.index + 1
    return end


def _timetable(ctx: d.Context, found: list[Candidate]) -> list[Candidate]:
    """Runs of three or more timed lines with nothing between them: a timetable."""
    rows: list[Candidate] = []
    run: list[Candidate] = []

    def flush() -> None:
        if len(run) >= 3:
            rows.extend(run)
        run.clear()

    for candidate in found:
        if candidate.shape != "timed":
            flush()
            continue
        if run:
            between = [t for t in ctx.texts[_after(ctx, run[-1]) : candidate.index] if t]
            if between:
                flush()
        run.append(candidate)
    flush()
    return rows


def _take(candidate: Candidate, why: str) -> Candidate:
    candidate.taken = True
    candidate.why = why
    return candidate


def _list_below(ctx: d.Context, candidate: Candidate) -> bool:
    # An empty item ("  •" alone, left to fill in) has no text but is a list all the same.
    nxt = next(
        (
            ctx.line(i)
            for i in range(candidate.index + 1, min(len(ctx.texts), candidate.index + 3))
            if ctx.texts[i] or ctx.line(i).kind is Kind.ITEM
        ),
        None,
    )
    return nxt is not None and nxt.kind is Kind.ITEM


def _has_people(candidate: Candidate) -> bool:
    f = candidate.features
    return bool(f.get("speaker_below") or f.get("slides_below") or f.get("speaker_in_title"))


def _backed(candidate: Candidate) -> bool:
    """Something beyond its words says a plain line is a title: what is under it, a
    shape other titles share, or standing alone as a heading does."""
    f = candidate.features
    return candidate.evidence or bool(f.get("sibling_share") or f.get("standalone"))
