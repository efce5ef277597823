"""The `notetui` command: the reader by default, and subcommands for scripting.

A thin front over the core. Every user error is one line on stderr and exit code 2;
nothing here prints a traceback for bad input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from notetui import __version__
from notetui.cli.common import fail, notes_folder

_PATH = click.Path(path_type=Path)


class _DefaultGroup(click.Group):
    """`notetui [PATH]` opens the reader; `notetui list …` runs a subcommand."""

    default_command = "open"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "--version")):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="notetui")
def main() -> None:
    """A terminal reader and annotator for meetup and conference notes.

    Run `notetui [PATH]` to read the notes in PATH (default: $NOTETUI_NOTES, ./notes,
    or the bundled samples).
    """


@main.command("open")
@click.argument("path", required=False, type=_PATH)
@click.option(
    "--db",
    type=_PATH,
    default=None,
    help="The annotations store (default: $NOTETUI_DB or the data folder).",
)
def open_command(path: Path | None, db: Path | None) -> None:
    """Open the reader on PATH (the default command)."""
    root = notes_folder(path)
    from notetui.app import make_app

    make_app(root, db_path=db).run()


@main.command("list")
@click.argument("path", required=False, type=_PATH)
@click.option("--json", "as_json", is_flag=True, help="Print the library as JSON.")
def list_command(path: Path | None, as_json: bool) -> None:
    """List the events and talks found in PATH."""
    from notetui.core.export.listing import library_json
    from notetui.core.load.library import LibraryError, load_library

    root = notes_folder(path)
    try:
        library = load_library(root)
    except LibraryError as error:
        fail(str(error))
    if as_json:
        data: dict[str, Any] = library_json(library)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from notetui.cli.table import print_library

    print_library(library)


# Subcommands that live in notetui.cli, one module per area.
def _register() -> None:
    from notetui.cli import registry

    for command in registry.commands():
        main.add_command(command)


_register()
