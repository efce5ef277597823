"""Fixtures for the parser tests that read the shared labelled notes in place."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.paths import WILD
from support.scoring import LabelledNote, shared_markdown_notes


@pytest.fixture(scope="module")
def shared_notes(corpus_dir: Path, scorer: Path) -> list[LabelledNote]:
    """The labelled Markdown notes of ../shared, corpus and wild (skipped without ../shared,
    failed when ../shared is there but incomplete, as the corpus fixtures do)."""
    if not (WILD / "expected.json").is_file():
        pytest.fail(f"../shared is there but {WILD / 'expected.json'} is not")
    notes = shared_markdown_notes()
    assert len(notes) >= 10, f"only {len(notes)} labelled Markdown notes in ../shared"
    return notes
