"""Where the suite finds the project and the real notes beside it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
WILD = SHARED / "wild"
SCORER = SHARED / "tools" / "score.py"
NOTES = REPO / "notes"
TEST_DATA = REPO / "tests" / "data"


def need_shared(path: Path) -> None:
    """Skip, or fail, a test that reads `path` (a file or a folder) from ../shared.

    The real notes are other people's writing, so this repository does not ship them:
    in a clone with no ../shared beside it, the tests that read them are skipped and
    say why. Where ../shared is there (as in CI) but `path` is not, the test fails
    instead, so those checks can never go quiet by accident."""
    if path.exists():
        return
    if not SHARED.is_dir():
        pytest.skip(f"needs {path}: the real notes are not shipped; put ../shared beside the clone")
    pytest.fail(f"{SHARED} is there but {path} is not")


def benchmark_script(name: str) -> ModuleType:
    """`benchmarks/<name>.py` as a module (benchmarks/ is not a package), registered in
    sys.modules first: its dataclasses look their module up as they are made."""
    spec = importlib.util.spec_from_file_location(
        f"notetui_bench_{name}", REPO / "benchmarks" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module
