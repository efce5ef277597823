"""The UI tests share one note cache per test process.

Every test starts the reader, and the reader reads its library through the cache;
with a cache of its own, each test would parse and merge its notes again. The cache
is keyed by each note's path and content, so a test that copies or edits notes
still reads what is on disk. Everything else stays in the test's own folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ui-note-cache")


@pytest.fixture(autouse=True)
def warm_note_cache(
    isolated_locations: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTETUI_CACHE", str(shared_cache))
