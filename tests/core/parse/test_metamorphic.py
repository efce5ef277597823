"""Rewrites that keep a note's talks must keep them found (issue 11, metamorphic tests).

Every labelled Markdown note in ../shared (corpus and wild, read in place) is rewritten by
each rewrite in support.rewrites into a folder of its own, with its labels mapped the way
the rewrite says. The real `notetui list --json` reads the folder and score.py grades it:
each rewrite must score talks precision and recall of at least 0.95.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.paths import benchmark_script
from support.rewrites import REWRITES, UNREWRITTEN, Rewrite
from support.scoring import (
    Figures,
    LabelledNote,
    RewrittenFolder,
    score_folder,
    write_rewritten,
)

BAR = 0.95
# Rewrites still short of the bar: held at the floor reached (benchmarks/accuracy.py's
# METAMORPHIC_FLOORS), so they cannot slide back while the parser is improved.
FLOORS: dict[str, float] = {}


def _talks(made: RewrittenFolder) -> int:
    expected = json.loads(made.expected.read_text("utf-8"))
    return sum(len(f["talks"]) for f in expected["files"].values())


def _run(rewrite: Rewrite, notes: list[LabelledNote], tmp: Path) -> tuple[Figures, float, float]:
    made = write_rewritten(rewrite, notes, tmp / "folder")
    figures = score_folder(made.notes, made.expected, tmp / "run")
    precision, recall = figures.exact_talks(_talks(made))
    return figures, precision, recall


@pytest.mark.parametrize("rewrite", REWRITES, ids=lambda r: r.name)
def test_each_rewrite_keeps_the_talks_found(
    rewrite: Rewrite, shared_notes: list[LabelledNote], tmp_path: Path
) -> None:
    figures, precision, recall = _run(rewrite, shared_notes, tmp_path)
    bar = FLOORS.get(rewrite.name, BAR)
    if precision >= bar and recall >= bar:
        return
    _, base_p, base_r = _run(UNREWRITTEN, shared_notes, tmp_path / "unrewritten")
    pytest.fail(
        f"{rewrite.name}: talks P/R {precision:.3f}/{recall:.3f}, below {bar} "
        f"(the same notes unrewritten: {base_p:.3f}/{base_r:.3f})\n"
        + "\n".join(figures.details[:40])
    )


def test_the_floors_here_are_the_benchmarks_floors() -> None:
    accuracy = benchmark_script("accuracy")
    assert {name: bar.talks for name, bar in accuracy.METAMORPHIC_FLOORS.items()} == FLOORS
    assert accuracy.METAMORPHIC_BAR.talks == BAR
    assert set(FLOORS) <= {rewrite.name for rewrite in REWRITES}
