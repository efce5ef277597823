"""`notetui list` without --json: the library as a Rich table on the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from notetui.core.models import Library
from notetui.core.text import sanitize_line


def print_library(library: Library, console: Console | None = None) -> None:
    console = console or Console()
    errors = Console(stderr=True)
    table = Table(title=Text(f"{sanitize_line(str(library.root))}"), expand=False)
    table.add_column("Date", no_wrap=True)
    table.add_column("Time", no_wrap=True)
    table.add_column("Event / talk")
    table.add_column("Speakers")
    table.add_column("Notes", justify="right")
    for event in library.events:
        names = " / ".join([event.title, *event.aliases])
        table.add_row(
            event.date or "—",
            "",
            Text(sanitize_line(names), style="bold"),
            "",
            str(len(event.notes)),
            end_section=not event.talks,
        )
        for position, talk in enumerate(event.talks):
            speakers = ", ".join(
                s.name + (f" @{s.handle}" if s.handle and s.handle != s.name else "")
                for s in talk.speakers
            )
            table.add_row(
                "",
                talk.time or "",
                Text("  " + sanitize_line(talk.title)),
                Text(sanitize_line(speakers)),
                str(len(talk.sources)),
                end_section=position == len(event.talks) - 1,
            )
    console.print(table)
    talks = sum(len(e.talks) for e in library.events)
    console.print(f"{len(library.events)} events, {talks} talks, {len(library.notes)} notes")
    for problem in library.problems:
        line = Text(f"{sanitize_line(problem.note)}: {sanitize_line(problem.message)}")
        errors.print(line, soft_wrap=True)  # one problem, one line, however narrow the terminal
