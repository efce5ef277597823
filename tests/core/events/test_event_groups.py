"""Which notes are one event, and its day: golden folders of notes written for these tests.

Each `fixtures/groups/CASE/` is a small library, and its `expected.json` lists the
events a reader would see: the notes each groups, and the day it began. The whole
library is loaded from disk as the app loads it (read, split, merge), so a case
fails on what a user would see, whichever stage got it wrong.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from notetui.core.load.library import load_library

FIXTURES = Path(__file__).parent / "fixtures" / "groups"
CASES = sorted(p for p in FIXTURES.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_notes_on_one_event_are_one_event_dated_by_its_first_day(
    case: Path, tmp_path: Path
) -> None:
    root = tmp_path / "notes"
    shutil.copytree(case, root, ignore=shutil.ignore_patterns("expected.json"))
    library = load_library(root, cache=False)
    assert library.problems == ()
    got = sorted(({"notes": sorted(e.notes), "date": e.date} for e in library.events), key=str)
    expected = json.loads((case / "expected.json").read_text("utf-8"))["events"]
    assert got == sorted(expected, key=str)
