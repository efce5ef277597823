"""Points: a section's body cut into the bullets, lines and sentences a reader scans,
and their alignment across the authors of one talk.

The work is split by job; this module gathers the names the rest of notetui uses:

- `model`: `Point`, `PointKind`, `PointRef`;
- `cutting`: `parse_points` and `section_points`, from markdown-it's block tokens;
- `similarity`: `match_text`, `point_similarity`;
- `alignment`: `align_points`, `Alignment`, `DEFAULT_POINT_THRESHOLD`;
- `outline`: `merged_outline` (`OutlinePoint`), and the flat `merged_points`.
"""

from __future__ import annotations

from notetui.core.points.alignment import DEFAULT_POINT_THRESHOLD, Alignment, align_points
from notetui.core.points.cutting import SectionPoints, parse_points, section_points
from notetui.core.points.model import Point, PointKind, PointRef
from notetui.core.points.outline import (
    MergedPoint,
    OutlinePoint,
    merged_outline,
    merged_points,
    source_parents,
)
from notetui.core.points.similarity import match_text, point_similarity

__all__ = [
    "DEFAULT_POINT_THRESHOLD",
    "Alignment",
    "MergedPoint",
    "OutlinePoint",
    "Point",
    "PointKind",
    "PointRef",
    "SectionPoints",
    "align_points",
    "match_text",
    "merged_outline",
    "merged_points",
    "parse_points",
    "point_similarity",
    "section_points",
    "source_parents",
]
