"""The core is usable without Textual, and importing the package costs nothing.

Each check runs in a fresh interpreter, so modules other tests imported earlier
cannot hide an import.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
import textwrap

import notetui.core

CORE_MODULES = sorted(
    m.name for m in pkgutil.walk_packages(notetui.core.__path__, "notetui.core.") if not m.ispkg
)

BLOCKER = textwrap.dedent(
    """
    import importlib.abc, sys

    class Blocked(importlib.abc.MetaPathFinder):
        def __init__(self, names):
            self.names = names

        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in self.names:
                raise ImportError(f"{name} is blocked for the core")
            return None

    sys.meta_path.insert(0, Blocked(set(sys.argv[1].split(","))))
    """
)


def run_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_core_has_the_modules_the_fronts_rely_on() -> None:
    expected = {"load.files", "load.front_matter", "parse.note", "load.library", "models"}
    assert expected <= {name.removeprefix("notetui.core.") for name in CORE_MODULES}


def test_every_core_module_imports_with_textual_blocked() -> None:
    code = BLOCKER + textwrap.dedent(
        """
        import importlib, json
        failed = {}
        for name in sys.argv[2:]:
            try:
                importlib.import_module(name)
            except ImportError as error:
                failed[name] = str(error)
        loaded = sorted(m for m in sys.modules if m.split(".")[0] == "textual")
        print(json.dumps({"failed": failed, "textual": loaded}))
        """
    )
    result = run_python(code, "textual", *CORE_MODULES)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report == {"failed": {}, "textual": []}


def test_the_blocker_really_blocks() -> None:
    # Without this, a broken blocker would make the test above pass vacuously.
    result = run_python(BLOCKER + "import textual.app\n", "textual")
    assert result.returncode != 0
    assert "blocked for the core" in result.stderr


def test_the_core_loads_a_library_with_textual_blocked() -> None:
    code = BLOCKER + textwrap.dedent(
        """
        import tempfile
        from pathlib import Path
        from notetui.core.load.library import load_library
        from notetui.core.export.listing import library_json
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "n.md").write_text("# Event #1\\n\\n## A talk title\\nbody\\n")
            listing = library_json(load_library(Path(folder)))
        print(listing["events"][0]["talks"][0]["title"])
        """
    )
    result = run_python(code, "textual,rich")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "A talk title"


def test_importing_notetui_imports_neither_textual_nor_rich() -> None:
    code = textwrap.dedent(
        """
        import json, sys
        import notetui
        print(json.dumps(sorted(
            m for m in sys.modules if m.split(".")[0] in ("textual", "rich", "notetui")
        )))
        """
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["notetui"]
