"""The subcommands from notetui.cli, imported only when they run.

`notetui --help` lists every command from the summaries below, without importing
any of them: a command's module (and the core it needs: the store, the parser, the
exporter) is imported only when that command, or its own `--help`, runs. A test
checks each summary against its command's docstring.

Each area adds its commands here: one `Lazy(...)` line each.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import click


@dataclass(frozen=True, slots=True)
class Lazy:
    """A command by where it lives, and the one-line summary `--help` shows for it."""

    name: str
    module: str
    attribute: str
    summary: str

    def load(self) -> click.Command:
        command = getattr(importlib.import_module(self.module), self.attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.module}.{self.attribute} is not a click command")
        return command


COMMANDS: tuple[Lazy, ...] = (
    Lazy(
        "locate",
        "notetui.cli.admin",
        "locate_command",
        "Print where notetui reads and writes, one `name: path` per line.",
    ),
    Lazy("db", "notetui.cli.admin", "db_group", "The annotations store."),
    Lazy(
        "config",
        "notetui.cli.admin",
        "config_command",
        "The config file: notes folder, theme, keymap and thresholds (TOML).",
    ),
    Lazy(
        "annotate",
        "notetui.cli.annotations",
        "annotate_command",
        "Write an annotation on a talk, an event, or a passage of one of their notes.",
    ),
    Lazy(
        "annotations",
        "notetui.cli.annotations",
        "annotations_group",
        "List annotations, re-attached to the notes as they are now.",
    ),
    Lazy(
        "tag",
        "notetui.cli.tags",
        "tag_command",
        "Add or remove tags on a talk (or, with --event, an event).",
    ),
    Lazy(
        "tags",
        "notetui.cli.tags",
        "tags_command",
        "List the tags in use, with how many talks and events carry each.",
    ),
    Lazy(
        "export",
        "notetui.cli.export",
        "export_command",
        "Export talks and events as Markdown files with YAML front matter.",
    ),
    Lazy(
        "explain",
        "notetui.cli.explain",
        "explain_command",
        "Show each talk candidate of NOTE: features, score, taken or not and why.",
    ),
)

BY_NAME: dict[str, Lazy] = {entry.name: entry for entry in COMMANDS}
