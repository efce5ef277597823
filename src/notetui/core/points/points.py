"""Points: a section's body cut into the bullets, lines and sentences a reader scans,
and their alignment across the authors of one talk.

A point is matched against every other source's points with rapidfuzz on
normalised text. Each point then knows which authors noted it too, and the merged
view lists every point once with all of its authors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from notetui.core.models import Section
from notetui.core.parse.speakers import is_slide_line, parse_speaker_line
from notetui.core.text import fold


class PointKind(StrEnum):
    HEADING = "heading"
    BULLET = "bullet"
    TEXT = "text"  # a line or sentence of a paragraph
    CODE = "code"  # a whole fenced or indented code block
    TABLE = "table"  # a whole table
    QUOTE = "quote"
    RULE = "rule"


@dataclass(frozen=True, slots=True)
class Point:
    index: int  # position within its source
    kind: PointKind
    depth: int  # nesting: 0 for top-level bullets and text
    text: str  # inline Markdown, without the bullet marker or heading hashes
    line: int  # file line number of the point's first line
    ordered: str | None = None  # "1." for ordered list items
    level: int = 0  # heading level

    @property
    def matchable(self) -> bool:
        """Compared across sources: prose, not code, tables, or a talk's speaker line."""
        if self.kind not in (PointKind.BULLET, PointKind.TEXT, PointKind.QUOTE):
            return False
        key = match_text(self.text)
        if len(key) < 2 or is_slide_line(self.text):
            return False
        if "http" in self.text and len(key) < 8:
            return False  # a bare link with a word or two before it
        return parse_speaker_line(self.text) is None


_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$")
# Plain-text notes mark points with these: "・", "→", "--", "⇒", "■".
_TEXT_BULLET = re.compile(r"^(\s*)(-{1,3}|・|→|⇒|=>|->|■|□|●|○|◆|◇|※|＊)\s*(\S.*)$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_TABLE = re.compile(r"^\s*\|")
_SENTENCE = re.compile(r"(?<=[。．！？!?])\s*")
_LONG_LINE = 160  # longer lines are cut into sentences


def parse_points(section: Section) -> list[Point]:
    """The points of one section's body, in order, with their file line numbers."""
    points: list[Point] = []
    lines = section.body.split("\n")
    index = 0
    fence: str | None = None
    block: list[str] = []
    block_line = 0

    def add(kind: PointKind, depth: int, text: str, line: int, **extra: object) -> None:
        points.append(Point(len(points), kind, depth, text, line, **extra))  # type: ignore[arg-type]

    while index < len(lines):
        raw = lines[index]
        line_no = section.body_line + index
        if fence is not None:
            block.append(raw)
            if _FENCE.match(raw) and raw.strip().startswith(fence):
                add(PointKind.CODE, 0, "\n".join(block), block_line)
                fence, block = None, []
            index += 1
            continue
        if fence_match := _FENCE.match(raw):
            fence, block, block_line = fence_match.group(1)[:3], [raw], line_no
            index += 1
            continue
        if not raw.strip():
            index += 1
            continue
        if _TABLE.match(raw):
            start = index
            while index < len(lines) and _TABLE.match(lines[index]):
                index += 1
            add(PointKind.TABLE, 0, "\n".join(lines[start:index]), section.body_line + start)
            continue
        if heading := _HEADING.match(raw):
            add(PointKind.HEADING, 0, heading.group(2), line_no, level=len(heading.group(1)))
        elif _RULE.match(raw):
            add(PointKind.RULE, 0, "", line_no)
        elif bullet := _BULLET.match(raw):
            depth = _depth(bullet.group(1))
            marker = bullet.group(2)
            text = bullet.group(3)
            # Continuation lines indented under the item belong to it.
            while (
                index + 1 < len(lines)
                and lines[index + 1].strip()
                and _indent(lines[index + 1]) > _indent(raw)
                and not _BULLET.match(lines[index + 1])
                and not _FENCE.match(lines[index + 1])
            ):
                index += 1
                text += " " + lines[index].strip()
            ordered = marker if marker[0].isdigit() else None
            add(PointKind.BULLET, depth, text, line_no, ordered=ordered)
        elif raw.lstrip().startswith(">"):
            add(PointKind.QUOTE, 0, raw.lstrip()[1:].strip(), line_no)
        elif text_bullet := _TEXT_BULLET.match(raw):
            marker = text_bullet.group(2)
            depth = max(0, len(marker) - 1) if marker.startswith("-") else 0
            add(
                PointKind.BULLET,
                depth + _depth(text_bullet.group(1)),
                text_bullet.group(3),
                line_no,
            )
        elif _indent(raw) >= 4 and points and points[-1].kind is not PointKind.TEXT:
            start = index
            while index + 1 < len(lines) and (
                _indent(lines[index + 1]) >= 4 or not lines[index + 1].strip()
            ):
                index += 1
            add(PointKind.CODE, 0, "\n".join(lines[start : index + 1]).rstrip(), line_no)
        else:
            text = raw.strip()
            if len(text) > _LONG_LINE:
                for sentence in (s for s in _SENTENCE.split(text) if s.strip()):
                    add(PointKind.TEXT, 0, sentence.strip(), line_no)
            else:
                add(PointKind.TEXT, 0, text, line_no)
        index += 1
    if fence is not None and block:  # an unclosed fence still shows its text
        add(PointKind.CODE, 0, "\n".join(block), block_line)
    return points


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))


def _depth(indent: str) -> int:
    return len(indent.expandtabs(4)) // 2


_INLINE_NOISE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|https?://\S+|[`*_~]")
_SPACES_PUNCT = re.compile(r"[\s\W_]+")


def match_text(text: str) -> str:
    """What a point is compared by: folded, no link targets, no punctuation or spaces."""
    plain = _INLINE_NOISE.sub(lambda m: m.group(1) or "", text)
    return _SPACES_PUNCT.sub("", fold(plain))


def point_similarity(a: str, b: str) -> float:
    """0-100 for two `match_text` keys; short points must match closely."""
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    shorter, longer = sorted((len(a), len(b)))
    score = Indel.normalized_similarity(a, b) * 100
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if shorter < 8 and short not in long_:
        # "楽になった" and "Certifiedになった" share a verb ending, not a point.
        return score
    if shorter >= 4:
        # "データ更新に半日" inside "データ更新のシェルは半日かかっていた".
        partial = fuzz.partial_ratio(a, b) * min(1.0, 0.5 + shorter / longer * 0.75)
        score = max(score, partial)
    bigrams_a = {a[i : i + 2] for i in range(len(a) - 1)}
    bigrams_b = {b[i : i + 2] for i in range(len(b) - 1)}
    if bigrams_a and bigrams_b:
        dice = 2 * len(bigrams_a & bigrams_b) / (len(bigrams_a) + len(bigrams_b))
        score = max(score, dice * 100)
    if shorter <= 3:
        score *= 0.8  # "API" vs "APIs": too little to go on
    return score


DEFAULT_POINT_THRESHOLD = 64.0


@dataclass(frozen=True, slots=True)
class PointRef:
    source: int  # index of the source (column)
    point: int  # index of the point within it


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


def align_points(
    sources: Sequence[Sequence[Point]], threshold: float = DEFAULT_POINT_THRESHOLD
) -> Alignment:
    """Group points across sources by similarity; each group holds one point per source."""
    keys = [[match_text(p.text) if p.matchable else "" for p in points] for points in sources]
    parent: dict[PointRef, PointRef] = {}

    def find(ref: PointRef) -> PointRef:
        while parent.get(ref, ref) != ref:
            ref = parent[ref]
        return ref

    candidates: list[tuple[float, PointRef, PointRef]] = []
    for a in range(len(sources)):
        for b in range(a + 1, len(sources)):
            for i, key_a in enumerate(keys[a]):
                if not key_a:
                    continue
                for j, key_b in enumerate(keys[b]):
                    if key_b and abs(len(key_a) - len(key_b)) < 4 * max(len(key_a), len(key_b)):
                        score = point_similarity(key_a, key_b)
                        if score >= threshold:
                            candidates.append((score, PointRef(a, i), PointRef(b, j)))
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


@dataclass(frozen=True, slots=True)
class MergedPoint:
    text: str
    kind: PointKind
    depth: int
    sources: tuple[int, ...]  # which sources noted it
    refs: tuple[PointRef, ...]


def merged_points(alignment: Alignment) -> list[MergedPoint]:
    """Every point once, in reading order, each with all the sources that noted it.

    Order follows the source with the most points; a point the others alone noted
    goes after the last point of theirs that is already placed.
    """
    if not alignment.points:
        return []
    order = sorted(range(len(alignment.points)), key=lambda s: (-len(alignment.points[s]), s))
    placed: dict[int | tuple[int, int], int] = {}
    sequence: list[tuple[PointRef, ...]] = []
    for source in order:
        cursor = -1
        for point in alignment.points[source]:
            ref = PointRef(source, point.index)
            group = alignment.group_of.get(ref)
            key: int | tuple[int, int] = group if group is not None else (source, point.index)
            if key in placed:
                cursor = placed[key]
                continue
            refs = tuple(alignment.groups[group]) if group is not None else (ref,)
            cursor += 1
            sequence.insert(cursor, refs)
            for other in placed:
                if placed[other] >= cursor:
                    placed[other] += 1
            placed[key] = cursor
    merged = []
    for refs in sequence:
        lead = max(refs, key=lambda r: len(alignment.points[r.source][r.point].text))
        point = alignment.points[lead.source][lead.point]
        merged.append(
            MergedPoint(
                text=point.text,
                kind=point.kind,
                depth=point.depth,
                sources=tuple(sorted({r.source for r in refs})),
                refs=refs,
            )
        )
    return merged
