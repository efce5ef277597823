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


def test_an_episode_written_as_a_yaml_comment_stays_in_the_name(tmp_path: Path) -> None:
    # Unquoted in YAML, "#9" reads as a comment; the writer meant the episode.
    (tmp_path / "a.md").write_text(
        "---\ntitle: Nagoya Elm Meetup #9\ndate: 2024-02-02\n---\n\n## Elm で書く CLI\n- Ports\n",
        encoding="utf-8",
    )
    (tmp_path / "b.md").write_text(
        "---\ntitle: Nagoya Elm Meetup #10\ndate: 2024-03-01\n---\n\n## Elm で書く CLI\n- 続編\n",
        encoding="utf-8",
    )
    library = load_library(tmp_path, cache=False)
    assert sorted(e.title for e in library.events) == [
        "Nagoya Elm Meetup #10",
        "Nagoya Elm Meetup #9",
    ]
