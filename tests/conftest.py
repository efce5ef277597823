"""Fixtures shared by the whole suite.

Before anything else, `support.home_guard` points HOME, XDG_* and NOTETUI_* at a
temporary folder (so module-scoped fixtures and collection-time code cannot reach
the user's files either) and, at the end of the run, fails it if anything changed
under the real home's notetui folders. Then every test runs with notetui's
locations pointed at its own `tmp_path`, so no test reads or writes the user's real
data, config, cache, database or exports, nor another test's.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# First: the environment must be isolated before any other module reads it.
from support.home_guard import pytest_sessionfinish  # noqa: F401 - a hook, and first

# isort: split
from support.bytecode import keep_bytecode
from support.paths import CORPUS, NOTES, SCORER, TEST_DATA, need_shared

keep_bytecode()  # before the test modules are collected, and before any subprocess

NOTES_EXPECTED = TEST_DATA / "notes_expected.json"


@pytest.hookimpl(wrapper=True, optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> Iterator[int]:
    """`-n auto`: half as many workers again as cores (3 on 2 cores). Much of a test's
    time is spent waiting (for a pty's screen to settle, a child process, an app's
    timers), so a third worker fills cores that one worker a core leaves idle. On
    this project's shared 2-core machine a sample of UI, CLI and pty tests took
    183 s and 149 s with 2 workers, 150 s and 112 s with 3 (runs interleaved). An
    explicit PYTEST_XDIST_AUTO_NUM_WORKERS is taken as it is."""
    cores: int = yield
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return cores
    return max(1, math.ceil(cores * 1.5))


_LOCATION_VARS = {
    "NOTETUI_DATA": "data",
    "NOTETUI_CONFIG_DIR": "config",
    "NOTETUI_CACHE": "cache",
    "NOTETUI_EXPORT": "export",
}


@pytest.fixture(autouse=True)
def isolated_locations(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Point every notetui location at a fresh folder; the user's files stay untouched."""
    home = tmp_path_factory.mktemp("notetui-home")
    for var, name in _LOCATION_VARS.items():
        monkeypatch.setenv(var, str(home / name))
    monkeypatch.setenv("NOTETUI_DB", str(home / "data" / "annotations.json"))
    monkeypatch.setenv("NOTETUI_CONFIG", str(home / "config" / "config.toml"))
    monkeypatch.delenv("NOTETUI_NOTES", raising=False)
    yield home


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The real notes in ../shared/corpus. Read in place: their text never enters the project."""
    need_shared(CORPUS / "expected.json")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_expected(corpus_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((corpus_dir / "expected.json").read_text("utf-8"))
    return data


@pytest.fixture(scope="session")
def scorer() -> Path:
    """The shared scorer script: `score.py EXPECTED ACTUAL` prints a summary with ok=True|False."""
    need_shared(SCORER)
    return SCORER


@pytest.fixture(scope="session")
def notes_dir() -> Path:
    """The sample library shipped in the repository's notes/."""
    return NOTES


@pytest.fixture(scope="session")
def notes_expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(NOTES_EXPECTED.read_text("utf-8"))
    return data


def _notetui_executable() -> str:
    beside = Path(sys.executable).parent / "notetui"
    if beside.is_file():
        return str(beside)
    found = shutil.which("notetui")
    if found is None:
        raise RuntimeError("the notetui console script is not installed")
    return found


@pytest.fixture(scope="session")
def notetui_exe() -> str:
    """The installed `notetui` console script: the command a user types."""
    return _notetui_executable()


@pytest.fixture
def run_notetui(notetui_exe: str) -> Any:
    """Run `notetui ARGS…` as a user would; returns the CompletedProcess (text, not raised)."""

    def run(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [notetui_exe, *map(str, args)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            check=False,
        )

    return run
