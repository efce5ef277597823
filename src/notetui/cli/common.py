"""What every subcommand shares: where the notes and the store are, failing in one
line, and printing text that cannot harm the terminal it lands on."""

from __future__ import annotations

import io
import os
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click

from notetui.core.locations import default_notes
from notetui.core.text import sanitize_line, to_json

if TYPE_CHECKING:  # imported by the commands that use them: `--help` needs neither
    from notetui.core.annotations.store import Store
    from notetui.core.models import Library, Problem

F = TypeVar("F", bound=Callable[..., object])
PATH = click.Path(path_type=Path)


def fail(message: str, code: int = 2) -> NoReturn:
    """One line on stderr and an exit code: never a traceback for bad input."""
    click.echo(f"notetui: {sanitize_line(' '.join(message.split()))}", err=True)
    sys.exit(code)


def safe_streams() -> None:
    """Make stdout and stderr unable to raise on text: a lone surrogate (a file name
    or argument that was not UTF-8) that slipped past `sanitize` is written as a
    visible `\\udcff` instead of ending the command with a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def echo_json(data: object) -> None:
    """JSON on stdout: valid UTF-8 and valid JSON, with C1 and bidi controls and
    undecodable file-name bytes escaped (`core.text.to_json`)."""
    click.echo(to_json(data))


def echo_problems(problems: Iterable[Problem]) -> None:
    """Each problem as one `note: reason` line on stderr, safe for the terminal."""
    for problem in problems:
        click.echo(sanitize_line(f"{problem.note}: {problem.message}"), err=True)


def one_folder(path: Path | None, notes: Path | None) -> Path | None:
    """The notes folder given as PATH or as --notes (not two different ones)."""
    if path is not None and notes is not None and path != notes:
        fail("give the notes folder once: as PATH or as --notes")
    return path or notes


def _path_option(flag: str, text: str) -> Callable[[F], F]:
    return click.option(flag, flag.lstrip("-"), type=PATH, default=None, help=text)


_DB_HELP = "The annotations store (default: $NOTETUI_DB or the data folder)."
_NOTES_HELP = "The notes folder (default: $NOTETUI_NOTES, ./notes, or the samples)."


def db_option(function: F) -> F:
    return _path_option("--db", _DB_HELP)(function)


def notes_option(function: F) -> F:
    return _path_option("--notes", _NOTES_HELP)(function)


def configured_notes() -> Path:
    """$NOTETUI_NOTES, the config's `notes`, ./notes, then the bundled samples."""
    from notetui.core.config import load_config
    from notetui.core.locations import config_path

    config, _problems = load_config(config_path())  # `config --check` reports problems
    return default_notes(config.notes)


def notes_folder(path: Path | None) -> Path:
    root = (path or configured_notes()).expanduser()
    try:
        exists, is_dir = root.exists(), root.is_dir()
    except OSError as error:  # a name too long, a symlink loop
        fail(f"{root} cannot be read ({error.strerror or error})")
    if not exists:
        fail(f"{root} does not exist")
    if not is_dir:
        fail(f"{root} is not a folder")
    return root


def open_library(path: Path | None) -> Library:
    from notetui.core.load.library import LibraryError, load_library

    try:
        return load_library(notes_folder(path))
    except LibraryError as error:
        fail(str(error))


def open_store(db: Path | None) -> Store:
    from notetui.core.annotations.store import Store, StoreError
    from notetui.core.locations import database_path

    try:
        return Store(database_path(db))
    except StoreError as error:
        fail(str(error), 1)


def editor_command(missing: str) -> list[str]:
    """$VISUAL, else $EDITOR, as the words of a command. Fails in one line if neither
    is set (`missing` ends that line: what else the user can do) or it cannot be read."""
    editor = os.environ.get("VISUAL", "").strip() or os.environ.get("EDITOR", "").strip()
    try:
        command = shlex.split(editor)
    except ValueError as error:
        fail(f"cannot read the editor command {editor!r} ({error})")
    if not command:
        fail(f"no editor: set $VISUAL or $EDITOR{missing}")
    return command


def run_editor(command: list[str], path: Path, after_failure: str = "") -> None:
    """Run the editor on `path` and wait; an editor that cannot start or fails is one
    line (`after_failure` is added to the second, e.g. "; FILE is kept")."""
    try:
        done = subprocess.run([*command, str(path)], check=False)
    except OSError as error:
        fail(f"cannot run the editor {command[0]!r} ({error.strerror or error})")
    if done.returncode != 0:
        fail(f"the editor {command[0]!r} exited with code {done.returncode}{after_failure}", 1)
