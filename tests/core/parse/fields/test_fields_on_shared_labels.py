"""The field stages on the labelled notes: ../shared's, read in place, and notes/
(benchmarks/fields.py).

Each labelled talk's raw line is found in its note and its fields are made by the
stages alone; the figures must stay at or above what the stages reach today."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from support.paths import CORPUS, NOTES, REPO, TEST_DATA, WILD, need_shared


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "fields_benchmark", REPO / "benchmarks" / "fields.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("folder", "titles", "recall", "slides"),
    [(WILD, 0.97, 0.90, 0.97), (CORPUS, 1.0, 1.0, 1.0), (NOTES, 1.0, 1.0, 1.0)],
    ids=["wild", "corpus", "notes"],
)
def test_fields_match_the_labels(folder: Path, titles: float, recall: float, slides: float) -> None:
    labels = TEST_DATA / "notes_expected.json" if folder == NOTES else folder / "expected.json"
    if folder != NOTES:  # our samples' labels are always here; the real notes' only beside a clone
        need_shared(labels)
    tally = _benchmark().measure(folder, labels=labels)
    assert tally.located == tally.talks
    assert tally.titles / tally.talks >= titles, tally.line(folder.name)
    assert tally.speakers_recalled / tally.speakers_labelled >= recall, tally.line(folder.name)
    assert tally.slides / tally.talks >= slides, tally.line(folder.name)
