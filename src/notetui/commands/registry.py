"""The subcommands from notetui.commands. Each area adds its commands here."""

from __future__ import annotations

import click


def commands() -> list[click.Command]:
    found: list[click.Command] = []
    # Each line below registers one module's commands; keep one import per line.
    return found
