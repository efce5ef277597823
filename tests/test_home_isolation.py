"""The suite never touches the user's files (issue 13, point 8).

HOME, XDG_* and NOTETUI_* point at a temporary folder from conftest's first import,
before any module-scoped fixture runs; the end-of-run check is tried on a run that
does write into a (stand-in) real home.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import platformdirs
import pytest

from notetui.core.load.library import load_library
from notetui.core.locations import cache_dir, config_path, data_dir, database_path, export_dir
from support.paths import NOTES, REPO

# Read from the environment, not imported from support.home_guard (importing it would
# isolate the run by itself): these prove that conftest did it before any test module.
FAKE_HOME = Path(os.environ.get("NOTETUI_TEST_FAKE_HOME", "/nonexistent-fake-home"))
REAL_HOME = Path(os.environ.get("NOTETUI_TEST_REAL_HOME", str(Path.home())))


@pytest.fixture(scope="module")
def cache_used_by_a_module_fixture() -> Path:
    # Module-scoped: set up before the autouse per-test isolation, as in test_corpus.py.
    load_library(NOTES)  # cache=True: the default cache folder
    return cache_dir()


def inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def test_a_module_scoped_load_writes_its_cache_in_the_temporary_home(
    cache_used_by_a_module_fixture: Path,
) -> None:
    assert inside(cache_used_by_a_module_fixture, FAKE_HOME)
    assert list(cache_used_by_a_module_fixture.glob("*")), "the load wrote no cache at all"
    assert not inside(cache_used_by_a_module_fixture, REAL_HOME) or inside(REAL_HOME, FAKE_HOME)


def test_home_xdg_and_notetui_variables_all_point_at_the_temporary_home() -> None:
    assert Path.home() == FAKE_HOME
    assert FAKE_HOME != REAL_HOME
    for name, value in os.environ.items():
        if name.startswith("XDG_"):
            assert inside(Path(value), FAKE_HOME), name
    for where in (
        platformdirs.user_cache_dir("notetui"),
        platformdirs.user_data_dir("notetui"),
        platformdirs.user_config_dir("notetui"),
        platformdirs.user_documents_dir(),
    ):
        assert inside(Path(where), FAKE_HOME), where
    assert "NOTETUI_NOTES" not in os.environ


def test_module_level_locations_are_inside_the_temporary_home() -> None:
    # The autouse fixture moved them into this test's own folder, inside FAKE_HOME's
    # sibling tmp tree or FAKE_HOME itself: never the real home.
    for where in (cache_dir(), data_dir(), config_path(), database_path(), export_dir()):
        assert not inside(where, REAL_HOME / ".cache"), where
        assert not inside(where, REAL_HOME / ".local"), where
        assert not inside(where, REAL_HOME / ".config"), where


LEAKY_TEST = """\
import os
from pathlib import Path

def test_leaks():
    leak = Path(os.environ["NOTETUI_TEST_REAL_HOME"]) / ".cache" / "notetui" / "leak.bin"
    leak.parent.mkdir(parents=True)
    leak.write_bytes(b"x")
"""

CLEAN_TEST = """\
from pathlib import Path

def test_clean():
    (Path.home() / ".cache" / "notetui").mkdir(parents=True)  # the temporary home: fine
"""


INNER_PLUGINS = ("-p", "support.home_guard", "-p", "no:cacheprovider", "-p", "no:xdist")


@pytest.mark.parametrize(("test", "fails"), [(LEAKY_TEST, True), (CLEAN_TEST, False)])
def test_the_end_of_run_check_fails_a_run_that_wrote_into_the_real_home(
    tmp_path: Path, test: str, fails: bool
) -> None:
    real_home = tmp_path / "stand-in-real-home"
    real_home.mkdir()
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(test), "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTETUI_", "XDG_"))}
    env.update(HOME=str(real_home), PYTHONPATH=str(REPO / "tests"))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "test_inner.py", *INNER_PLUGINS],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = done.stdout + done.stderr
    if fails:
        assert done.returncode != 0, output
        assert "HOME ISOLATION FAILED" in output
        assert str(real_home / ".cache" / "notetui" / "leak.bin") in output
    else:
        assert done.returncode == 0, output
        assert "HOME ISOLATION FAILED" not in output
