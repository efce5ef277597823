"""What every subcommand shares: where the notes and the store are, and failing in
one line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

import click

from notetui.core.annotations.store import Store, StoreError
from notetui.core.load.library import LibraryError, load_library
from notetui.core.locations import database_path, default_notes
from notetui.core.models import Library

F = TypeVar("F", bound=Callable[..., object])
PATH = click.Path(path_type=Path)


def fail(message: str, code: int = 2) -> NoReturn:
    """One line on stderr and an exit code: never a traceback for bad input."""
    click.echo(f"notetui: {' '.join(message.split())}", err=True)
    sys.exit(code)


def db_option(function: F) -> F:
    return click.option(
        "--db",
        "db",
        type=PATH,
        default=None,
        help="The annotations store (default: $NOTETUI_DB or the data folder).",
    )(function)


def notes_option(function: F) -> F:
    return click.option(
        "--notes",
        "notes",
        type=PATH,
        default=None,
        help="The notes folder (default: $NOTETUI_NOTES, ./notes, or the samples).",
    )(function)


def configured_notes() -> Path:
    """$NOTETUI_NOTES, the config's `notes`, ./notes, then the bundled samples."""
    from notetui.core.config import load_config
    from notetui.core.locations import config_path

    config, _problems = load_config(config_path())  # `config --check` reports problems
    return default_notes(config.notes)


def notes_folder(path: Path | None) -> Path:
    root = (path or configured_notes()).expanduser()
    if not root.exists():
        fail(f"{root} does not exist")
    if not root.is_dir():
        fail(f"{root} is not a folder")
    return root


def open_library(path: Path | None) -> Library:
    try:
        return load_library(notes_folder(path))
    except LibraryError as error:
        fail(str(error))


def open_store(db: Path | None) -> Store:
    try:
        return Store(database_path(db))
    except StoreError as error:
        fail(str(error), 1)
