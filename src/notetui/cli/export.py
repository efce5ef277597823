"""`notetui export`: talks and events as Markdown, for Obsidian or any Markdown viewer.

    notetui export [PATH] [--talk TALK]... [--event EVENT]... [--tag TAG]...
                   [--annotated-only] [--merged] [--split talk|event|single]
                   [-o FILE|DIR|-] [--force] [--db DB]

A thin front over `notetui.core.export.markdown`. TALK and EVENT are ids from
`notetui list --json` or title queries that must pick exactly one (otherwise the
candidates are printed and the exit code is 2). The files written are printed, one
per line, on standard output; a one-line summary goes to standard error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from notetui.cli.admin import configured_notes
from notetui.cli.annotation_views import resolve, service_for
from notetui.cli.common import PATH, db_option, fail, notes_option, open_library
from notetui.core.export.markdown import (
    SPLITS,
    ExportError,
    Selection,
    Split,
    export_library,
    output_is_file,
    render_single,
)
from notetui.core.locations import export_dir
from notetui.core.text import sanitize


@click.command("export")
@click.argument("path", required=False, type=PATH)
@click.option(
    "--talk",
    "talks",
    multiple=True,
    metavar="TALK",
    help="Export this talk: an id or a title query. Repeat for more.",
)
@click.option(
    "--event",
    "events",
    multiple=True,
    metavar="EVENT",
    help="Export this event, with its schedule, impressions and links. Repeat for more.",
)
@click.option(
    "--tag",
    "tags",
    multiple=True,
    metavar="TAG",
    help="Only talks carrying this tag (an event's tags cover its talks). Repeat: all of them.",
)
@click.option("--annotated-only", is_flag=True, help="Only talks with at least one annotation.")
@click.option(
    "--merged", is_flag=True, help="The merged point list, with authors, instead of each note."
)
@click.option(
    "--split",
    type=click.Choice(SPLITS),
    default=None,
    help="One file per talk, per event (the default for a folder), or a single file.",
)
@click.option(
    "-o",
    "--output",
    "output",
    metavar="FILE|DIR|-",
    default=None,
    help="A folder (created if missing), a .md file, or - for standard output "
    "(default: the export folder `notetui locate` prints).",
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@notes_option
@db_option
def export_command(
    path: Path | None,
    talks: tuple[str, ...],
    events: tuple[str, ...],
    tags: tuple[str, ...],
    annotated_only: bool,
    merged: bool,
    split: Split | None,
    output: str | None,
    force: bool,
    notes: Path | None,
    db: Path | None,
) -> None:
    """Export talks and events as Markdown files with YAML front matter.

    PATH is the notes folder (default: as for `notetui list`). Without --talk,
    --event or --tag, the whole library is exported, orphaned annotations included.
    An existing file is never overwritten without --force.
    """
    if path is not None and notes is not None and path != notes:
        fail("give the notes folder once: as PATH or as --notes")
    library = open_library(configured_notes(path or notes))
    with service_for(db, library) as service:
        attachments = service.attachments()
    talk_ids: list[str] = []
    event_ids: list[str] = []
    for query in talks:
        target = resolve(library, query)
        (talk_ids if target.kind == "talk" else event_ids).append(target.id)
    for query in events:
        event_ids.append(resolve(library, query, event=True).id)
    selection = Selection(
        talks=tuple(dict.fromkeys(talk_ids)),
        events=tuple(dict.fromkeys(event_ids)),
        tags=tags,
        annotated_only=annotated_only,
    )
    if output == "-":
        if split not in (None, "single"):
            fail(f"--split {split} writes several files: give a folder with -o, not -")
        try:
            text = render_single(library, attachments, selection, merged=merged)
        except ExportError as error:
            fail(str(error), 1)
        sys.stdout.flush()
        # Standard output may be a terminal: nothing a note says may act on it.
        text = sanitize(text)
        sys.stdout.buffer.write(text.encode("utf-8"))  # bytes: LF and UTF-8 on every OS
        sys.stdout.buffer.flush()
        return
    out = Path(output).expanduser() if output else export_dir()
    if split not in (None, "single") and output_is_file(out):
        fail(f"--split {split} writes several files: give a folder with -o, not {out}")
    _warn_if_inside(out, library.root)
    try:
        result = export_library(
            library, attachments, selection, out, split=split, merged=merged, force=force
        )
    except ExportError as error:
        fail(str(error), 1)
    if not result.ok:
        fail(result.summary() + " (overwrite with --force)", 1)
    for file in result.files:
        click.echo(str(file))
    click.echo(f"notetui: {result.summary()}", err=True)


def _warn_if_inside(out: Path, root: Path) -> None:
    """Exports are notes too: written inside the notes folder, notetui reads them next
    time as more notes about the same talks."""
    folder = out.parent if output_is_file(out) else out
    try:
        folder.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return
    click.echo(
        f"notetui: note: {folder} is inside the notes folder; notetui will read the "
        "exported files as notes too",
        err=True,
    )
