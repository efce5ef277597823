"""Tags from the command line.

    notetui tag TALK add|remove TAG... [--event]
    notetui tags [--json]

A thin front over `core.annotations.service`, like the reader's tag dialog: a tag
change is an addition or a removal against what is stored, never a whole set.
"""

from __future__ import annotations

from pathlib import Path

import click

from notetui.cli.admin import configured_notes
from notetui.cli.annotation_json import echo_json
from notetui.cli.annotation_views import (
    cells,
    console,
    echo,
    new_table,
    resolve,
    service_for,
    warn_if_cleaned,
)
from notetui.cli.common import db_option, fail, notes_option, open_library
from notetui.core.annotations.records import normalize_tag
from notetui.core.annotations.service import clean_text


@click.command("tag")
@click.argument("talk")
@click.argument("action", type=click.Choice(["add", "remove"]))
@click.argument("tags", nargs=-1, required=True, metavar="TAG...")
@click.option("--event", "on_event", is_flag=True, help="TALK names an event, not a talk.")
@click.option("--json", "as_json", is_flag=True, help="Print the resulting tags as JSON.")
@notes_option
@db_option
def tag_command(
    talk: str,
    action: str,
    tags: tuple[str, ...],
    on_event: bool,
    as_json: bool,
    notes: Path | None,
    db: Path | None,
) -> None:
    """Add or remove tags on a talk (or, with --event, an event).

    Tags are normalised: case and width do not matter, a leading # is dropped and
    spaces become "-".

    \b
    notetui tag t27ba3a465a9 add go profiling
    notetui tag "goroutine リーク" remove profiling
    notetui tag --event "Shibuya Go Meetup" add "Go Meetups"
    """
    warn_if_cleaned("a tag", tags)
    cleaned = [clean_text(tag)[0] for tag in tags]
    empty = [tag for tag in cleaned if not normalize_tag(tag)]
    if empty:
        fail(f"{empty[0]!r} is not a tag (nothing is left of it once normalised)")
    library = open_library(configured_notes(notes))
    target = resolve(library, talk, event=on_event)
    with service_for(db, library) as service:
        if action == "add":
            change = service.change_tags(target, add=cleaned)
        else:
            change = service.change_tags(target, remove=cleaned)
    if change.not_there:
        echo(f"notetui: was not tagged {', '.join(change.not_there)}", err=True)
    if as_json:
        echo_json(
            {
                "target": target.kind,
                "id": target.id,
                "title": target.title,
                "event": target.event.title,
                "tags": list(change.tag_set.tags),
            }
        )
        return
    shown = " ".join(f"#{tag}" for tag in change.tag_set.tags) or "(no tags)"
    echo(f"{target.described}: {shown}")


@click.command("tags")
@click.option("--json", "as_json", is_flag=True, help="Print them as a JSON list.")
@notes_option
@db_option
def tags_command(as_json: bool, notes: Path | None, db: Path | None) -> None:
    """List the tags in use, with how many talks and events carry each.

    A tag whose talk or event can no longer be found counts as orphaned; tags made on
    other notes folders are not counted.
    """
    library = open_library(configured_notes(notes))
    with service_for(db, library) as service:
        counts = service.tag_counts()
    rows = sorted(counts.items(), key=lambda item: (-item[1].count, item[0]))
    data = [
        {
            "tag": tag,
            "count": c.count,
            "talks": c.talks,
            "events": c.events,
            "orphaned": c.orphaned,
            "targets": list(c.targets),
        }
        for tag, c in rows
    ]
    if as_json:
        echo_json(data)
        return
    if not data:
        click.echo("no tags")
        return
    table = new_table("tag", "count", "talks", "events", "orphaned")
    for row in data:
        table.add_row(
            *cells(*(str(row[k]) for k in ("tag", "count", "talks", "events", "orphaned")))
        )
    console().print(table)
