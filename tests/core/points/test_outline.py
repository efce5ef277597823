"""The merged outline keeps each author's structure: a point sits under a parent of its
own author, aligned points are one item with every author who made them, and speaker
lines are not points. Small invented notes, then the real corpus."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from notetui.core.load.library import load_library
from notetui.core.models import Section, SectionKind, Speaker
from notetui.core.points.alignment import Alignment, align_points
from notetui.core.points.cutting import parse_points, section_points
from notetui.core.points.model import PointKind, PointRef
from notetui.core.points.outline import (
    OutlinePoint,
    merged_outline,
    merged_points,
    source_parents,
)


def section(body: str, speakers: tuple[Speaker, ...] = ()) -> Section:
    return Section(
        "Invented", SectionKind.TALK, 1, body.count("\n") + 2, body, 2, speakers=speakers
    )


REN = Speaker("Ren Oda", "renoda", "Lantern Works")
BY_HEADINGS = section(
    "## Before\n"
    "- deploys took an hour\n"
    "- the build cache was cold on every run\n"
    "## After\n"
    "- deploys take five minutes\n"
    "- rollbacks are one click\n"
)
BY_BULLETS = section(
    "Ren Oda (@renoda) ◆ Lantern Works\n"
    "- Problem\n"
    "  - the build cache was cold on every single run\n"
    "  - flaky integration tests\n"
    "- After the change\n"
    "  - deploys take five minutes now\n"
    "  - on-call got quieter\n",
    speakers=(REN,),
)


def outline_of(*sections: Section) -> tuple[Alignment, tuple[OutlinePoint, ...]]:
    alignment = align_points([parse_points(s) for s in sections])
    return alignment, merged_outline(alignment)


def parent_text(outline: Sequence[OutlinePoint], text: str) -> str | None:
    point = next(p for p in outline if p.text == text)
    return None if point.parent is None else outline[point.parent].text


def stays_with_its_author(alignment: Alignment, outline: Sequence[OutlinePoint]) -> list[str]:
    """The points that sit under a parent holding none of their authors' own parents."""
    parents = [source_parents(points) for points in alignment.points]
    item_of = {ref: number for number, item in enumerate(outline) for ref in item.refs}

    def own_parent(ref: PointRef) -> int | None:
        parent = parents[ref.source][ref.point]
        return None if parent is None else item_of[PointRef(ref.source, parent)]

    return [item.text for item in outline if item.parent not in {own_parent(r) for r in item.refs}]


def test_a_child_stays_under_a_parent_of_its_own_author() -> None:
    alignment, outline = outline_of(BY_HEADINGS, BY_BULLETS)
    assert stays_with_its_author(alignment, outline) == []
    assert parent_text(outline, "flaky integration tests") == "Problem"
    assert parent_text(outline, "on-call got quieter") == "After the change"
    assert parent_text(outline, "rollbacks are one click") == "After"
    assert parent_text(outline, "deploys took an hour") == "Before"
    # Nothing of the second author's "Problem" ends up under the first one's "After".
    after = next(n for n, p in enumerate(outline) if p.text == "After")
    under_after = [p for p in outline if p.parent == after]
    assert all(0 in p.sources for p in under_after)


def test_aligned_points_are_one_item_with_every_author() -> None:
    _, outline = outline_of(BY_HEADINGS, BY_BULLETS)
    shared = {p.text: p.sources for p in outline if p.shared}
    assert shared == {
        "the build cache was cold on every single run": (0, 1),  # the longer text is shown
        "deploys take five minutes now": (0, 1),
    }
    cold = next(p for p in outline if p.text.startswith("the build cache"))
    assert cold.only is None and len(cold.refs) == 2 and cold.lead.source == 1
    # Placed under the first author's parent: that author leads (ties go to the first).
    assert parent_text(outline, cold.text) == "Before"


def test_a_point_one_author_made_says_which_author() -> None:
    _, outline = outline_of(BY_HEADINGS, BY_BULLETS)
    only = {p.text: p.only for p in outline if not p.shared}
    assert only["flaky integration tests"] == 1
    assert only["rollbacks are one click"] == 0
    assert only["Before"] == 0


def test_every_point_once_and_no_speaker_line() -> None:
    alignment, outline = outline_of(BY_HEADINGS, BY_BULLETS)
    refs = [ref for item in outline for ref in item.refs]
    every = [PointRef(s, p.index) for s, points in enumerate(alignment.points) for p in points]
    assert sorted(refs, key=lambda r: (r.source, r.point)) == every
    assert not any("Lantern" in p.text for p in outline)
    # Depths follow the tree.
    for item in outline:
        expected = 0 if item.parent is None else outline[item.parent].depth + 1
        assert item.depth == expected


def test_a_point_of_one_author_goes_just_before_that_authors_next_point() -> None:
    """After its author's previous point, and after what the others wrote in a row
    there: their runs stay whole."""
    first = section("- alpha\n- bravo\n- charlie\n- delta\n")
    second = section("- bravo\n- an aside only the second author made\n- delta\n- a last word\n")
    _, outline = outline_of(first, second)
    assert [p.text for p in outline] == [
        "alpha",
        "bravo",
        "charlie",
        "an aside only the second author made",
        "delta",
        "a last word",
    ]


def test_crossed_structures_make_no_cycle() -> None:
    """One author puts X under Y, the other Y under X: the leading author's tree wins."""
    first = section("- the cluster upgrade\n  - the new ingress controller\n")
    second = section("- the new ingress controller\n  - the cluster upgrade\n")
    _, outline = outline_of(first, second)
    assert [(p.depth, p.text, p.sources) for p in outline] == [
        (0, "the cluster upgrade", (0, 1)),
        (1, "the new ingress controller", (0, 1)),
    ]


def test_the_flat_view_follows_the_outline() -> None:
    alignment, outline = outline_of(BY_HEADINGS, BY_BULLETS)
    flat = merged_points(alignment)
    assert [m.text for m in flat] == [p.text for p in outline]
    assert [m.refs[0] for m in flat] == [p.lead for p in outline]
    # Depth as a column draws it: list nesting below the nearest heading.
    depths = {m.text: m.depth for m in flat}
    assert depths["Before"] == 0 and depths["deploys took an hour"] == 0
    assert depths["Problem"] == 0 and depths["flaky integration tests"] == 1


def test_rules_are_left_out_of_the_outline() -> None:
    _, outline = outline_of(section("- one\n\n---\n\n- two\n"), section("- two\n"))
    assert [p.kind for p in outline] == [PointKind.BULLET, PointKind.BULLET]


def test_on_the_corpus_no_child_sits_under_another_authors_parent(corpus_dir: Path) -> None:
    library = load_library(corpus_dir, cache=False)
    talks = [t for t in library.talks if len(t.sources) > 1]
    assert len(talks) >= 5
    children = 0
    for talk in talks:
        alignment, outline = outline_of(*(s.section for s in talk.sources))
        assert stays_with_its_author(alignment, outline) == [], talk.title
        for item in outline:
            if item.parent is not None:
                children += 1
                # No child sits under a parent from another author unless aligned with
                # one of that author's points.
                assert set(item.sources) & set(outline[item.parent].sources), talk.title
        headers = {p.text for s in talk.sources for p in section_points(s.section).header}
        assert headers, "the corpus talks give their speakers"
        assert not headers & {item.text for item in outline}, talk.title
    assert children > 50
