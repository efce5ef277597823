"""`export --merged`: a talk's merged outline as one nested list.

Each point is a list item followed by the authors who made it, nested as the outline
nests it, so that a point stays under a parent of its own author. The notes'
headings become bold items: the points of several authors interleave, so a real
heading would claim points that are not under it. Code and tables, and the callouts
of annotations, sit inside the item they belong to, so the nesting goes on after them.
"""

from __future__ import annotations

from collections.abc import Sequence

from notetui.core.export.markup import Spots, inline, one_line
from notetui.core.export.note_text import closed_block, fenced
from notetui.core.models import Talk
from notetui.core.points.points import (
    OutlinePoint,
    Point,
    PointKind,
    PointRef,
    align_points,
    merged_outline,
    parse_points,
)


def merged_talk(talk: Talk, labels: Sequence[str], spots: Sequence[Spots]) -> list[str]:
    """The blocks of one talk's merged notes, its annotations' callouts in place."""
    points = [parse_points(source.section) for source in talk.sources]
    outline = merged_outline(align_points(points))
    where: dict[PointRef, int] = {ref: k for k, item in enumerate(outline) for ref in item.refs}
    before: list[str] = [c for spot in spots for c in spot.before]
    after: dict[int, list[str]] = {}
    for number, spot in enumerate(spots):
        for line, callouts in spot.after_line.items():
            at = _outline_index(points[number], number, line, where)
            if at is None:
                before += callouts
            else:
                after.setdefault(at, []).extend(callouts)
    return ["### Merged notes", *before, outline_list(outline, labels, after)]


def _outline_index(
    points: Sequence[Point], source: int, line: int, where: dict[PointRef, int]
) -> int | None:
    """The outline item of the last point of `source` at or above file line `line`."""
    found = None
    for point in points:
        if point.line > line:
            break
        found = where.get(PointRef(source, point.index), found)
    return found


def outline_list(
    outline: Sequence[OutlinePoint], labels: Sequence[str], after: dict[int, list[str]]
) -> str:
    """The outline as nested list items, each ending with its authors."""
    lines: list[str] = []
    for number, point in enumerate(outline):
        indent = "  " * point.depth
        authors = "*— " + ", ".join(inline(labels[s]) for s in point.sources) + "*"
        if point.kind in (PointKind.CODE, PointKind.TABLE):
            lines.append(f"{indent}- {authors}")
            code = point.text.replace("\r\n", "\n")
            _add_inside(lines, closed_block(code, 1) or fenced(code), indent)
        else:
            text = one_line(point.text) or "…"
            if point.kind is PointKind.HEADING:
                text = f"**{text}**"
            elif point.kind is PointKind.QUOTE:
                text = f"> {text}"
            lines.append(f"{indent}- {text} {authors}")
        for callout in after.get(number, []):
            _add_inside(lines, callout, indent)
    return "\n".join(lines).strip("\n")


def _add_inside(lines: list[str], block: str, indent: str) -> None:
    """`block` as the content of the list item at `indent`, set off by blank lines."""
    content = indent + "  "
    if lines and lines[-1]:
        lines.append("")
    lines += [content + line if line.strip() else "" for line in block.split("\n")]
    lines.append("")
