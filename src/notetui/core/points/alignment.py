"""Which points of a talk's sources say the same thing.

Every matchable point is compared with every other source's points on their
`match_text` keys; the best pairs are joined first, and a group never takes two
points of one source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from notetui.core.points.model import Point, PointRef
from notetui.core.points.similarity import Key, best_possible, match_text, similarity

DEFAULT_POINT_THRESHOLD = 64.0


@dataclass
class Alignment:
    """Which points of which sources say the same thing."""

    points: list[list[Point]]  # per source
    groups: list[list[PointRef]]  # each group: one point per source at most
    group_of: dict[PointRef, int] = field(default_factory=dict)

    def sources_of(self, ref: PointRef) -> list[int]:
        """The sources (columns) that noted this point, this one included, in order."""
        group = self.group_of.get(ref)
        if group is None:
            return [ref.source]
        return sorted({member.source for member in self.groups[group]})

    def shared(self, ref: PointRef) -> bool:
        return len(self.sources_of(ref)) > 1

    def point(self, ref: PointRef) -> Point:
        return self.points[ref.source][ref.point]


def align_points(
    sources: Sequence[Sequence[Point]], threshold: float = DEFAULT_POINT_THRESHOLD
) -> Alignment:
    """Group points across sources by similarity; each group holds one point per source."""
    keys = [[match_text(p.text) if p.matchable else "" for p in points] for points in sources]
    candidates = _candidates(keys, threshold)
    parent: dict[PointRef, PointRef] = {}

    def find(ref: PointRef) -> PointRef:
        while parent.get(ref, ref) != ref:
            ref = parent[ref]
        return ref

    members: dict[PointRef, set[int]] = {}
    # Best pairs first; a group never takes two points of the same source.
    for _, ref_a, ref_b in sorted(candidates, key=lambda c: (-c[0], c[1].source, c[1].point)):
        root_a, root_b = find(ref_a), find(ref_b)
        if root_a == root_b:
            continue
        sources_a = members.get(root_a, {root_a.source})
        sources_b = members.get(root_b, {root_b.source})
        if sources_a & sources_b:
            continue
        parent[root_b] = root_a
        members[root_a] = sources_a | sources_b
        members.pop(root_b, None)
    grouped: dict[PointRef, list[PointRef]] = {}
    for s, points in enumerate(sources):
        for p in range(len(points)):
            ref = PointRef(s, p)
            root = find(ref)
            if root != ref or root in members:
                grouped.setdefault(root, []).append(ref)
    groups = [sorted(refs, key=lambda r: r.source) for refs in grouped.values()]
    groups.sort(key=lambda refs: (refs[0].source, refs[0].point))
    alignment = Alignment([list(p) for p in sources], groups)
    for number, refs in enumerate(groups):
        for ref in refs:
            alignment.group_of[ref] = number
    return alignment


def _candidates(
    keys: Sequence[Sequence[str]], threshold: float
) -> list[tuple[float, PointRef, PointRef]]:
    """Every pair of points of two sources that scores `threshold` or more."""
    prepared = [[Key.of(key) if key else None for key in source] for source in keys]
    found: list[tuple[float, PointRef, PointRef]] = []
    for a in range(len(prepared)):
        for b in range(a + 1, len(prepared)):
            for i, key_a in enumerate(prepared[a]):
                if key_a is None:
                    continue
                length_a = len(key_a.text)
                for j, key_b in enumerate(prepared[b]):
                    # Lengths alone can rule a pair out, far cheaper than scoring it.
                    if key_b is None or best_possible(length_a, len(key_b.text)) < threshold:
                        continue
                    score = similarity(key_a, key_b)
                    if score >= threshold:
                        found.append((score, PointRef(a, i), PointRef(b, j)))
    return found
