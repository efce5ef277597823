"""The field stages on the labelled notes: ../shared's, read in place, and notes/
(benchmarks/fields.py).

Each labelled talk's raw line is found in its note and its fields are made by the
stages alone; the figures must stay at or above what the stages reach today."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.paths import CORPUS, NOTES, TEST_DATA, WILD, benchmark_script, need_shared


@pytest.mark.parametrize(
    ("folder", "titles", "recall", "slides"),
    [(WILD, 0.97, 0.90, 0.97), (CORPUS, 1.0, 1.0, 1.0), (NOTES, 1.0, 1.0, 1.0)],
    ids=["wild", "corpus", "notes"],
)
def test_fields_match_the_labels(folder: Path, titles: float, recall: float, slides: float) -> None:
    labels = TEST_DATA / "notes_expected.json" if folder == NOTES else folder / "expected.json"
    if folder != NOTES:  # our samples' labels are always here; the real notes' only beside a clone
        need_shared(labels)
    tally = benchmark_script("fields").measure(folder, labels=labels)
    assert tally.located == tally.talks
    assert tally.titles / tally.talks >= titles, tally.line(folder.name)
    assert tally.speakers_recalled / tally.speakers_labelled >= recall, tally.line(folder.name)
    assert tally.slides / tally.talks >= slides, tally.line(folder.name)
