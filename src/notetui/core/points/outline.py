"""The merged outline: every point of a talk once, with every author who made it,
in a tree that keeps each author's structure.

Each source is a tree of its own: a heading holds what follows it up to the next
heading of its level or above, a list item holds the items nested in it. The merged
outline is built source by source, the source with the most points first. A point is
placed, with every point aligned to it, under its own author's parent, so that a
child never sits under a parent from another author unless the two are aligned with
one of that author's points. Among the parent's children it goes before the first
one that holds a later point of its author (and after those holding earlier ones),
or else last, so that what another author wrote in a row stays in a row.

`merged_outline` gives the outline as a flat tuple in reading order, each point with
its depth and the index of its parent: what the reader and `export --merged` show.
`merged_points` is the older flat view of it, kept for the reader until it moves on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from notetui.core.points.alignment import Alignment
from notetui.core.points.model import Point, PointKind, PointRef

# Points that hold the points after them: headings, and list items holding deeper ones.
_CONTAINERS = (PointKind.HEADING, PointKind.BULLET)


@dataclass(frozen=True, slots=True)
class OutlinePoint:
    """One point of the merged outline: what one author or several aligned authors made.

    `sources` says who made it: one source for a point only that author made (the
    reader marks it with that author's letter), several for aligned points. The text,
    kind, line, level and list marker are those of `lead`, the longest of them.
    """

    kind: PointKind
    text: str
    depth: int  # in the outline: 0 at the top, a child one deeper than its parent
    parent: int | None  # the index in the outline of the point it sits under
    sources: tuple[int, ...]  # indexes into the talk's sources, ascending
    refs: tuple[PointRef, ...]  # each source's own point, in source order
    lead: PointRef  # the point shown
    line: int  # the lead's file line
    level: int = 0  # heading level of the lead
    ordered: str | None = None  # the lead's "1." for an ordered list item

    @property
    def only(self) -> int | None:
        """The one source that made this point, or None when several did."""
        return self.sources[0] if len(self.sources) == 1 else None

    @property
    def shared(self) -> bool:
        return len(self.sources) > 1


def source_parents(points: Sequence[Point]) -> list[int | None]:
    """For each point of one source, the index of the point it sits under, or None."""
    open_: list[Point] = []  # the containers around the current point, outermost first
    parents: list[int | None] = []
    for point in points:
        if point.kind is PointKind.HEADING:
            while open_ and (
                open_[-1].kind is not PointKind.HEADING or open_[-1].level >= point.level
            ):
                open_.pop()
        else:
            while open_ and open_[-1].kind is PointKind.BULLET and open_[-1].depth >= point.depth:
                open_.pop()
        parents.append(open_[-1].index if open_ else None)
        if point.kind in _CONTAINERS:
            open_.append(point)
    return parents


@dataclass
class _Node:
    refs: list[PointRef]
    parent: _Node | None
    children: list[_Node] = field(default_factory=list)
    # For each source, the first and last index of its points in this node's subtree.
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)

    def cover(self, ref: PointRef) -> None:
        node: _Node | None = self
        while node is not None:
            low, high = node.spans.get(ref.source, (ref.point, ref.point))
            node.spans[ref.source] = (min(low, ref.point), max(high, ref.point))
            node = node.parent


def merged_outline(alignment: Alignment) -> tuple[OutlinePoint, ...]:
    """Every point of the talk once, in a tree that keeps each author's structure.

    Rules are left out: they separate one author's text, and say nothing in a list
    of everyone's points."""
    sources = alignment.points
    parents = [source_parents(points) for points in sources]
    root = _Node([], None)
    node_of: dict[PointRef, _Node] = {}
    lead_first = sorted(range(len(sources)), key=lambda s: (-len(sources[s]), s))
    for source in lead_first:
        for point in sources[source]:
            ref = PointRef(source, point.index)
            if ref in node_of or point.kind is PointKind.RULE:
                continue  # placed with its group by an earlier source
            group = alignment.group_of.get(ref)
            refs = list(alignment.groups[group]) if group is not None else [ref]
            parent_index = parents[source][point.index]
            parent = root if parent_index is None else node_of[PointRef(source, parent_index)]
            node = _Node(refs, parent)
            parent.children.insert(_position(parent.children, ref), node)
            for member in refs:
                node_of[member] = node
                node.cover(member)
    out: list[OutlinePoint] = []
    _flatten(root, alignment, None, 0, out)
    return tuple(out)


def _position(siblings: Sequence[_Node], ref: PointRef) -> int:
    """Where among `siblings` a new point of `ref.source` goes: before the first
    sibling holding a later point of that source (and after every sibling holding
    an earlier one), else last. The runs of the other authors stay whole."""
    start = 0
    for number, sibling in enumerate(siblings):
        span = sibling.spans.get(ref.source)
        if span is not None and span[0] < ref.point:
            start = number + 1
    for number in range(start, len(siblings)):
        span = siblings[number].spans.get(ref.source)
        if span is not None and span[1] > ref.point:
            return number
    return len(siblings)


def _flatten(
    node: _Node, alignment: Alignment, parent: int | None, depth: int, out: list[OutlinePoint]
) -> None:
    for child in node.children:
        refs = tuple(sorted(child.refs, key=lambda r: r.source))
        lead = max(refs, key=lambda r: len(alignment.point(r).text))
        point = alignment.point(lead)
        here = len(out)
        out.append(
            OutlinePoint(
                kind=point.kind,
                text=point.text,
                depth=depth,
                parent=parent,
                sources=tuple(sorted({r.source for r in refs})),
                refs=refs,
                lead=lead,
                line=point.line,
                level=point.level,
                ordered=point.ordered,
            )
        )
        _flatten(child, alignment, here, depth + 1, out)


# -- the flat view the reader shows today ------------------------------------------------


@dataclass(frozen=True, slots=True)
class MergedPoint:
    text: str
    kind: PointKind
    depth: int  # list nesting below the nearest heading, as a column draws it
    sources: tuple[int, ...]  # which sources noted it
    refs: tuple[PointRef, ...]  # the lead (whose text is shown) first


def merged_points(alignment: Alignment) -> list[MergedPoint]:
    """`merged_outline` as a flat list: every point once, in the outline's order,
    each with all the sources that noted it."""
    outline = merged_outline(alignment)
    nesting: list[int] = []  # per outline point: list items above it below a heading
    merged: list[MergedPoint] = []
    for item in outline:
        above = -1 if item.parent is None else nesting[item.parent]
        parent_kind = None if item.parent is None else outline[item.parent].kind
        depth = above + 1 if parent_kind is PointKind.BULLET else 0
        nesting.append(depth)
        others = tuple(r for r in item.refs if r != item.lead)
        merged.append(
            MergedPoint(
                text=item.text,
                kind=item.kind,
                depth=depth,
                sources=item.sources,
                refs=(item.lead, *others),
            )
        )
    return merged
