"""Where the suite finds the project and the real notes beside it."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
WILD = SHARED / "wild"
SCORER = SHARED / "tools" / "score.py"
NOTES = REPO / "notes"
TEST_DATA = REPO / "tests" / "data"
