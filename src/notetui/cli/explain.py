"""`notetui explain NOTE`: why the parser found the talks it found in one note.

    notetui explain NOTE

For each title candidate it prints the detectors that fired, the features that
counted (with their weights), the score and why it was taken or not; then the
sections the note splits into. A tool for debugging a new note shape.
"""

from __future__ import annotations

from pathlib import Path

import click

from notetui.core.load.files import ReadFailure, read_note
from notetui.core.parse.explain import report
from notetui.core.parse.note import parse_note
from notetui.core.text import sanitize_line


@click.command("explain")
@click.argument("note", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def explain_command(note: Path) -> None:
    """Show each talk candidate of NOTE: features, score, taken or not and why."""
    try:
        text = read_note(note)
    except ReadFailure as failure:
        raise click.ClickException(f"{note}: {failure}") from None
    parsed = parse_note(text)
    for line in report(parsed, text.body_line):
        click.echo(sanitize_line(line))
