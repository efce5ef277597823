"""The `notetui` command: the reader by default, and subcommands for scripting.

A thin front over the core. Every user error is one line on stderr and exit code 2;
nothing here prints a traceback for bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from notetui import __version__
from notetui.cli import registry
from notetui.cli.common import (
    db_option,
    echo_json,
    echo_problems,
    fail,
    notes_folder,
    notes_option,
    one_folder,
    safe_streams,
)

_PATH = click.Path(path_type=Path)


class _DefaultGroup(click.Group):
    """`notetui [PATH]` opens the reader; `notetui list …` runs a subcommand.

    The subcommands in `registry` are imported when they are run, not before:
    `notetui --help` lists them from their summaries, so it imports none of the core.
    """

    default_command = "open"

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(registry.BY_NAME))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = self.commands.get(cmd_name)
        if command is None and cmd_name in registry.BY_NAME:
            command = registry.BY_NAME[cmd_name].load()
            self.add_command(command, cmd_name)
        return command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (
            args[0] not in self.commands
            and args[0] not in registry.BY_NAME
            and args[0] not in ("--help", "-h", "--version")
        ):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command on one line with its whole first sentence: click would cut
        it to the terminal width with "…" or wrap it."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is None:  # not imported: its summary is in the registry
                rows.append((name, registry.BY_NAME[name].summary))
            elif not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            width = max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                for name, summary in rows:
                    formatter.write(f"{'':>{formatter.current_indent}}{name:<{width}}  {summary}\n")


@click.group(cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="notetui")
def cli() -> None:
    """A terminal reader and annotator for meetup and conference notes.

    Run `notetui [PATH]` (or `notetui --notes PATH`) to read the notes in PATH
    (default: $NOTETUI_NOTES, the config's `notes`, ./notes, or the bundled samples).
    """


def main() -> None:
    """The console script: streams that cannot raise on odd text, then the commands."""
    safe_streams()
    cli()


@cli.command("open")
@click.argument("path", required=False, type=_PATH)
@notes_option
@db_option
def open_command(path: Path | None, notes: Path | None, db: Path | None) -> None:
    """Open the reader on PATH (the default command)."""
    root = notes_folder(one_folder(path, notes))
    from notetui.app import make_app

    make_app(root, db_path=db).run()


@cli.command("list")
@click.argument("path", required=False, type=_PATH)
@notes_option
@click.option("--json", "as_json", is_flag=True, help="Print the library as JSON.")
def list_command(path: Path | None, notes: Path | None, as_json: bool) -> None:
    """List the events and talks found in PATH, and every note that could not be read."""
    from notetui.core.export.listing import library_json
    from notetui.core.load.library import LibraryError, load_library

    root = notes_folder(one_folder(path, notes))
    try:
        library = load_library(root)
    except LibraryError as error:
        fail(str(error))
    if as_json:
        data: dict[str, Any] = library_json(library)
        echo_json(data)
        sys.stdout.flush()
        echo_problems(library.problems)  # the same problems, one line each, for a person
        return
    from notetui.cli.table import print_library

    print_library(library)
