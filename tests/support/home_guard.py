"""Keep the test suite out of the user's home, and prove it at the end of the run.

Importing this module (tests/conftest.py does, first thing) points HOME, every XDG
base-directory variable and every notetui location variable at one temporary
folder, before any test module is collected, so even a module-scoped fixture that
calls `load_library()` at collection or set-up time writes its cache there. Worker
processes (pytest-xdist) inherit the environment.

The real home's notetui folders are listed before the run and again when it ends;
anything that appeared or changed there fails the run (`pytest_sessionfinish`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Set once, by the first process to import this (the pytest controller); workers
# inherit it and so know the real home even though HOME now points elsewhere.
_REAL_HOME_VAR = "NOTETUI_TEST_REAL_HOME"
_FAKE_HOME_VAR = "NOTETUI_TEST_FAKE_HOME"
_REAL_XDG_VAR = "NOTETUI_TEST_REAL_XDG"
_XDG_HOMES = {
    "XDG_CONFIG_HOME": "config",
    "XDG_DATA_HOME": "data",
    "XDG_CACHE_HOME": "cache",
    "XDG_STATE_HOME": "state",
    "XDG_RUNTIME_DIR": "runtime",
    "XDG_DOCUMENTS_DIR": "documents",
    "XDG_CONFIG_DIRS": "etc-xdg",
    "XDG_DATA_DIRS": "share",
}
_NOTETUI_LOCATIONS = {
    "NOTETUI_DATA": "data/notetui",
    "NOTETUI_CONFIG_DIR": "config/notetui",
    "NOTETUI_CACHE": "cache/notetui",
    "NOTETUI_EXPORT": "documents/notetui-exports",
    "NOTETUI_DB": "data/notetui/annotations.json",
    "NOTETUI_CONFIG": "config/notetui/config.toml",
}


def real_notetui_folders(home: Path, xdg: dict[str, str]) -> list[Path]:
    """Where notetui keeps its files in the user's real home (Linux defaults, or the
    XDG folders the user had set)."""

    def base(var: str, default: str) -> Path:
        value = xdg.get(var, "").strip()
        return Path(value) if value else home / default

    return [
        base("XDG_CACHE_HOME", ".cache") / "notetui",
        base("XDG_DATA_HOME", ".local/share") / "notetui",
        base("XDG_CONFIG_HOME", ".config") / "notetui",
    ]


def listing(folders: list[Path]) -> dict[str, tuple[int, int]]:
    """Every file and folder under `folders`: path -> (size, mtime in ns)."""
    found: dict[str, tuple[int, int]] = {}
    for folder in folders:
        if not folder.exists():
            continue
        for dirpath, dirnames, filenames in os.walk(folder):
            for name in [*dirnames, *filenames]:
                path = Path(dirpath) / name
                try:
                    info = path.lstat()
                except OSError:
                    continue
                found[str(path)] = (info.st_size, info.st_mtime_ns)
        found[str(folder)] = (0, 0)
    return found


def _isolate() -> tuple[Path, dict[str, str]]:
    if _REAL_HOME_VAR not in os.environ:
        real_xdg = {k: v for k, v in os.environ.items() if k.startswith("XDG_")}
        os.environ[_REAL_HOME_VAR] = str(Path.home())
        os.environ[_REAL_XDG_VAR] = "\0".join(f"{k}={v}" for k, v in real_xdg.items())
        os.environ[_FAKE_HOME_VAR] = tempfile.mkdtemp(prefix="notetui-test-home-")
    fake = Path(os.environ[_FAKE_HOME_VAR])
    os.environ["HOME"] = str(fake)
    for var in [k for k in os.environ if k.startswith("XDG_")]:
        os.environ[var] = str(fake / "xdg-other")
    for var, name in _XDG_HOMES.items():
        os.environ[var] = str(fake / name)
    (fake / "runtime").mkdir(mode=0o700, exist_ok=True)
    for var in [
        k for k in os.environ if k.startswith("NOTETUI_") and not k.startswith("NOTETUI_TEST_")
    ]:
        del os.environ[var]  # NOTETUI_NOTES included: the user's notes are not read either
    for var, name in _NOTETUI_LOCATIONS.items():
        os.environ[var] = str(fake / name)
    pairs = [item.split("=", 1) for item in os.environ[_REAL_XDG_VAR].split("\0") if item]
    return Path(os.environ[_REAL_HOME_VAR]), {k: v for k, v in pairs}


REAL_HOME, _REAL_XDG = _isolate()
FAKE_HOME = Path(os.environ[_FAKE_HOME_VAR])
REAL_FOLDERS = real_notetui_folders(REAL_HOME, _REAL_XDG)
_BEFORE = listing(REAL_FOLDERS)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if anything appeared or changed under the real home's notetui
    folders (checked once, by the controller, after every worker has finished)."""
    if hasattr(session.config, "workerinput"):
        return
    after = listing(REAL_FOLDERS)
    changed = sorted(p for p in after.keys() | _BEFORE.keys() if after.get(p) != _BEFORE.get(p))
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = (
            f"the tests changed the user's real notetui folders ({len(changed)} entries): "
            + ", ".join(changed[:10])
        )
        if reporter is not None:
            reporter.write_line(f"HOME ISOLATION FAILED: {message}", red=True, bold=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if os.environ.get(_FAKE_HOME_VAR) == str(FAKE_HOME):
        shutil.rmtree(FAKE_HOME, ignore_errors=True)
