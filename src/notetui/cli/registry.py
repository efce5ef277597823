"""The subcommands from notetui.cli. Each area adds its commands here."""

from __future__ import annotations

import click


def commands() -> list[click.Command]:
    found: list[click.Command] = []
    # Each line below registers one module's commands; keep one import per line.
    from notetui.cli.admin import locate_command

    found.append(locate_command)
    from notetui.cli.admin import db_group

    found.append(db_group)
    from notetui.cli.admin import config_command

    found.append(config_command)
    from notetui.cli.annotations import annotate_command

    found.append(annotate_command)
    from notetui.cli.annotations import annotations_group

    found.append(annotations_group)
    from notetui.cli.tags import tag_command

    found.append(tag_command)
    from notetui.cli.tags import tags_command

    found.append(tags_command)
    from notetui.cli.export import export_command

    found.append(export_command)
    from notetui.cli.explain import explain_command

    found.append(explain_command)
    return found
