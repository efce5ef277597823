"""`e`: open a note in the user's editor at a line, and come back to the reader."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from textual.app import App, SuspendNotSupported

from notetui.core.models import Source, Talk
from notetui.ui.rows import Row


def editor_command(editor: str, path: Path, line: int) -> list[str]:
    """`$EDITOR +LINE PATH` as an argument list (vi, nano, emacs, micro, code -g all
    take `+LINE`). ValueError if `editor` is not valid shell words."""
    words = shlex.split(editor)
    if not words:
        raise ValueError("it is empty")
    return [*words, f"+{max(1, line)}", str(path)]


def run_editor(command: list[str]) -> str | None:
    """Run the editor in the terminal and wait; a one-line reason if it could not start."""
    try:
        subprocess.run(command, check=False)
    except OSError as error:
        return f"Cannot run the editor {command[0]!r}: {error.strerror or error}"
    return None


def where_to_edit(point: tuple[Source, Row] | None, talk: Talk | None) -> tuple[str, int] | None:
    """The note and line to open: the point's, or else the talk's first note's."""
    if point is not None:
        source, row = point
        return source.note, row.line or source.section.line
    if talk is not None and talk.sources:
        return talk.sources[0].note, talk.sources[0].section.line
    return None


def edit_note(app: App[object], path: Path, line: int) -> bool:
    """Hand the terminal to $VISUAL or $EDITOR on `path` at `line`, and take it back.

    Says what went wrong in a toast; True when the editor ran (the note may have
    changed)."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        app.notify("Set $VISUAL or $EDITOR to edit notes", severity="warning", timeout=4)
        return False
    try:
        command = editor_command(editor, path, line)
    except ValueError as error:
        app.notify(f"$EDITOR cannot be parsed: {error}", severity="error", markup=False)
        return False
    try:
        with app.suspend():
            failed = run_editor(command)
    except SuspendNotSupported:
        app.notify(
            "This terminal cannot hand over to an editor; run: " + shlex.join(command),
            severity="warning",
            timeout=10,
            markup=False,
        )
        return False
    if failed:
        app.notify(failed, severity="error", markup=False)
        return False
    return True
