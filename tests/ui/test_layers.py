"""The reader's layers: what the first screen imports, and who may import screens."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import notetui

UI = Path(notetui.__file__).parent / "ui"

# Not needed to draw the reader: they load in workers, or when their key is pressed.
LATER = (
    "tinydb",
    "filelock",
    "watchfiles",
    "notetui.core.annotations.store",
    "notetui.core.annotations.anchoring",
    "notetui.core.export.markdown",
    "notetui.core.search.index",
    "notetui.core.merge.merging",
    "notetui.core.load.library",
    "notetui.ui.screens.search",
    "notetui.ui.screens.annotations",
    "notetui.ui.dialogs.export",
)


def test_the_app_imports_nothing_the_first_screen_does_not_need() -> None:
    code = f"import sys, notetui.app\nprint(','.join(m for m in {LATER!r} if m in sys.modules))\n"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_ui_helpers_widgets_and_dialogs_never_import_a_screen() -> None:
    below = [*UI.glob("*.py"), *(UI / "widgets").glob("*.py"), *(UI / "dialogs").glob("*.py")]
    assert len(below) > 20
    upward = {
        str(path.relative_to(UI)): sorted(m for m in _imports(path) if "ui.screens" in m)
        for path in below
    }
    assert {name: found for name, found in upward.items() if found} == {}
