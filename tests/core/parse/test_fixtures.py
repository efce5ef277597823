"""Golden fixtures for the parser's stages: one folder per detector (and `decision`
for the note-level choices), each note `x.md` or `x.txt` beside `x.result.json` with
the talks a reader should get (title, speaker names) and the sections that are not
talks. Adding a shape is one detector and one fixture here.

Every fixture is read from disk as a user's note is (real file, its encoding), split
by `split_note`, and for a detector's folder each talk must come from a line that
detector fired on: the fixture checks the detector, not only the end result.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from notetui.core.load.files import read_note
from notetui.core.models import SectionKind
from notetui.core.parse.detectors import DETECTORS
from notetui.core.parse.note import parse, split_note

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p for p in FIXTURES.glob("*/*") if p.suffix in (".md", ".txt"))


def test_every_detector_has_a_fixture() -> None:
    folders = {p.parent.name for p in CASES}
    assert {name for name, _ in DETECTORS} <= folders


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(path: Path) -> None:
    expected = json.loads(path.with_suffix(".result.json").read_text("utf-8"))
    text = read_note(path, FIXTURES)
    known = tuple(expected.get("known_titles", ()))
    note = split_note(text, path.name, known)
    got = [(s.title, [p.name for p in s.speakers]) for s in note.talks]
    want = [(t["title"], t["speakers"]) for t in expected["talks"]]
    assert got == want
    kinds = {s.title: s.kind for s in note.sections}
    for title in expected.get("not_talks", ()):
        # Not a talk; where it is a section of its own (a container with nothing of
        # its own to show is not), a section of another kind.
        assert kinds.get(title, SectionKind.OTHER) is not SectionKind.TALK, title
    footer = expected.get("last_section_ends_before")
    if footer:
        assert all(footer not in s.body for s in note.sections)
    detector = path.parent.name
    if detector in {name for name, _ in DETECTORS}:
        parsed = parse(text.body, text.body_line, known)
        fired = {c.index + text.body_line: c.detectors for c in parsed.decision.candidates}
        by_it = [t.title for t in note.talks if detector in fired.get(t.line, ())]
        assert by_it, f"no talk of {path.name} comes from the {detector} detector"
