"""Annotations from the command line, for scripting.

    notetui annotate TALK --text TEXT [--quote TEXT [--note PATH]] [--event]
    notetui annotations [--json] [--orphans] [--all]
    notetui annotations attach UID TALK [--event]
    notetui annotations edit UID [--text TEXT] [--rev N] [--force]
    notetui annotations delete UID...
    notetui annotations undo

TALK is any id a talk answers to (`notetui list --json`), an event id, or a title
query: case- and width-insensitive, matched against every title the talk is written
under, as a substring (all words) or, failing that, fuzzily. A query must pick exactly
one talk; otherwise the candidates are printed and the exit code is 2. With --event,
the query is matched against event names instead.

Every command is a thin call into `core.annotations.service`, the same service the
reader uses, so the two cannot disagree. Tags are in `cli/tags.py`.
"""

from __future__ import annotations

import itertools
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from notetui.cli.admin import configured_notes
from notetui.cli.annotation_json import AnnotationRows, echo_json, echo_json_lines
from notetui.cli.annotation_views import (
    console,
    echo,
    first_line,
    new_table,
    resolve,
    safe_line,
    service_for,
    shown_path,
    warn_if_cleaned,
)
from notetui.cli.common import (
    PATH,
    db_option,
    editor_command,
    fail,
    notes_option,
    open_library,
    run_editor,
)
from notetui.core.annotations.anchoring import Placement
from notetui.core.annotations.errors import AnnotationGone, EditConflict
from notetui.core.annotations.records import Annotation
from notetui.core.annotations.service import AnnotationRefused, AnnotationService
from notetui.core.models import Library

if TYPE_CHECKING:  # imported where a table is printed
    from rich.text import Text

CONFLICT_EXIT = 3  # `annotations edit`: the text changed elsewhere; yours was not saved


def _read_text(text: str) -> str:
    if text == "-":
        text = sys.stdin.read()
    if not text.strip():
        fail("the annotation text is empty")
    warn_if_cleaned("the text", [text])
    return text


def _inherited(ctx: click.Context, name: str, value: Path | None) -> Path | None:
    """A subcommand's --notes/--db, else the one given before it to `annotations`."""
    if value is not None or ctx.parent is None:
        return value
    inherited = ctx.parent.params.get(name)
    return inherited if isinstance(inherited, Path) else None


def _find(service: AnnotationService, uid: str) -> str:
    try:
        return service.find(uid).uid
    except AnnotationRefused as error:
        fail(str(error))


def _where(placement: Placement) -> Text:
    from rich.text import Text

    if placement.orphan:
        return Text("orphan", style="bold red")
    if placement.annotation.anchor is None:
        return Text(placement.annotation.target)
    if placement.note is None:
        return Text("passage not found", style="yellow")
    return Text(safe_line(f"{placement.note}:{placement.line}"))


# -- annotate -----------------------------------------------------------------------------


@click.command("annotate")
@click.argument("talk")
@click.option(
    "--text",
    "-t",
    "text",
    required=True,
    help="The annotation: Markdown, may span lines. '-' reads it from stdin.",
)
@click.option(
    "--quote",
    "-q",
    default=None,
    help="Annotate this passage of the talk's notes (case and width do not matter).",
)
@click.option(
    "--note",
    "note",
    type=PATH,
    default=None,
    help="With --quote: the note to find it in (default: any of the talk's notes).",
)
@click.option("--event", "on_event", is_flag=True, help="TALK names an event, not a talk.")
@click.option("--json", "as_json", is_flag=True, help="Print the new annotation as JSON.")
@notes_option
@db_option
def annotate_command(
    talk: str,
    text: str,
    quote: str | None,
    note: Path | None,
    on_event: bool,
    as_json: bool,
    notes: Path | None,
    db: Path | None,
) -> None:
    """Write an annotation on a talk, an event, or a passage of one of their notes.

    TALK is an id from `notetui list --json` or a title query that matches one talk.

    \b
    notetui annotate t27ba3a465a9 --text "Try pprof's goroutine view"
    notetui annotate "goroutine リーク" --text "Same leak as ours" --quote "pprof"
    notetui annotate "Shibuya Go" --event --text "Great venue"
    """
    if note is not None and quote is None:
        fail("--note goes with --quote")
    if quote is not None and not quote.strip():
        fail("the --quote is empty")
    text = _read_text(text)
    library = open_library(configured_notes(notes))
    target = resolve(library, talk, event=on_event)
    with service_for(db, library, load=False) as service:  # an add reads no main file
        anchor = None
        if quote is not None:
            try:
                rel = service.note_of(target, note) if note is not None else None
                anchor = service.passage(target, quote, note=rel)
            except AnnotationRefused as error:
                fail(str(error))
        annotation = service.annotate(target, text, anchor=anchor)
    placement = Placement(
        annotation,
        talk_id=target.id if target.kind == "talk" else None,
        event_id=target.id if target.kind == "event" else None,
        note=anchor.note if anchor is not None else None,
        line=anchor.line if anchor is not None else None,
    )
    if as_json:
        echo_json(AnnotationRows(library).row(annotation, placement))
        return
    at = f" at {shown_path(anchor.note)}:{anchor.line}" if anchor is not None else ""
    echo(f"annotated {target.described}{at}: {annotation.uid}")


# -- annotations and its subcommands ---------------------------------------------------------


@click.group("annotations", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print them as a JSON list, one per line.")
@click.option("--orphans", is_flag=True, help="Only the orphans: their talk is gone.")
@click.option(
    "--all", "every_folder", is_flag=True, help="Every notes folder's, not only this one's."
)
@notes_option
@db_option
@click.pass_context
def annotations_group(
    ctx: click.Context,
    as_json: bool,
    orphans: bool,
    every_folder: bool,
    notes: Path | None,
    db: Path | None,
) -> None:
    """List annotations, re-attached to the notes as they are now.

    An orphan is an annotation made on this notes folder whose talk, event or passage
    cannot be found any more (its notes were deleted, or changed beyond recognition).
    Orphans are never dropped: attach one to another talk, or delete it. Annotations
    made on other folders are not listed (nor orphans) unless --all is given.

    \b
    notetui annotations --orphans
    notetui annotations attach 3f2a9c1e "goroutine リーク"
    notetui annotations edit 3f2a9c1e          # in $VISUAL or $EDITOR
    notetui annotations delete 3f2a9c1e
    notetui annotations undo

    UID is an annotation's id, or its first characters (at least 4).
    """
    if ctx.invoked_subcommand is not None:
        return
    library = open_library(configured_notes(notes))
    with service_for(db, library) as service:
        attachments = service.attachments()
    placements = attachments.placements
    if orphans:
        placements = [p for p in placements if p.orphan]
    elsewhere = attachments.elsewhere if every_folder and not orphans else []
    if as_json:
        rows = AnnotationRows(library)
        here = (rows.line(p.annotation, p) for p in placements)
        others = (rows.line(a, None) for a in elsewhere)
        echo_json_lines(itertools.chain(here, others))
        return
    if not placements and not elsewhere:
        hidden = len(attachments.elsewhere)
        more = f" ({hidden} in other notes folders: --all lists them)" if hidden else ""
        click.echo(("no orphaned annotations" if orphans else "no annotations") + more)
        return
    _print_table(library, placements, elsewhere)


def _print_table(
    library: Library, placements: list[Placement], elsewhere: list[Annotation]
) -> None:
    from rich.text import Text

    table = new_table("uid", "updated", "talk / event", "where", "text")
    rows = AnnotationRows(library)
    for placement in placements:
        row = rows.row(placement.annotation, placement)
        on = row["title"] if row["target"] != "event" else f"event: {row['title']}"
        context = ", ".join(v for v in (row["event"], row["date"]) if v and v != row["title"])
        title = Text(safe_line(on), style="dim" if placement.orphan else "")
        if context:
            title.append(f"\n{safe_line(context)}", style="dim")
        table.add_row(
            Text(placement.annotation.uid[:8]),
            Text(placement.annotation.updated[:10]),
            title,
            _where(placement),
            Text(safe_line(first_line(placement.annotation.text))),
        )
    for other in elsewhere:
        title = Text(safe_line(other.title or other.target_id), style="dim")
        title.append(f"\n{safe_line(other.root or '')}", style="dim")
        table.add_row(
            Text(other.uid[:8]),
            Text(other.updated[:10]),
            title,
            Text("other folder", style="dim"),
            Text(safe_line(first_line(other.text))),
        )
    out = console()
    out.print(table)
    count = sum(1 for p in placements if p.orphan)
    if count:
        out.print(
            Text(
                f"{count} orphaned: `notetui annotations attach UID TALK` re-attaches one, "
                "`notetui annotations delete UID` deletes it",
                style="dim",
            )
        )


@annotations_group.command("attach")
@click.argument("uid")
@click.argument("talk")
@click.option("--event", "on_event", is_flag=True, help="TALK names an event, not a talk.")
@notes_option
@db_option
@click.pass_context
def attach_command(
    ctx: click.Context,
    uid: str,
    talk: str,
    on_event: bool,
    notes: Path | None,
    db: Path | None,
) -> None:
    """Attach annotation UID to TALK (an orphan, or one on the wrong talk).

    A passage annotation is re-anchored if its quote is in TALK's notes; otherwise
    it keeps its quote and hangs on TALK as a whole. It then belongs to this folder.
    """
    library = open_library(configured_notes(_inherited(ctx, "notes", notes)))
    target = resolve(library, talk, event=on_event)
    with service_for(_inherited(ctx, "db", db), library) as service:
        found = _find(service, uid)
        try:
            service.attach(found, target)
        except AnnotationRefused as error:
            fail(str(error))
    echo(f"attached {found[:8]} to {target.described}")


def _folder(ctx: click.Context, notes: Path | None) -> Path:
    """The notes folder a subcommand is about: --notes, else the default one."""
    return configured_notes(_inherited(ctx, "notes", notes)).expanduser()


def _edit_in_editor(text: str, uid: str) -> tuple[str, Path]:
    """The text after the user edited it in $VISUAL or $EDITOR, and the file it is in."""
    command = editor_command(", or give the new text with --text")
    handle, name = tempfile.mkstemp(prefix=f"notetui-{uid[:8]}-", suffix=".md")
    path = Path(name)
    with os.fdopen(handle, "w", encoding="utf-8", errors="surrogateescape") as out:
        out.write(text)
    run_editor(command, path, f"; {path} is kept")
    return path.read_text("utf-8", errors="replace"), path


def _conflict(conflict: EditConflict, kept: Path | None) -> None:
    stored = conflict.stored
    echo(f"notetui: {conflict}", err=True)
    click.echo(f"--- stored now (revision {stored.rev}, updated {stored.updated}):", err=True)
    click.echo(safe_line_block(stored.text), err=True)
    click.echo(f"--- yours (edited from revision {conflict.started_from}):", err=True)
    click.echo(safe_line_block(conflict.yours), err=True)
    where = f"; yours is kept in {kept}" if kept is not None else ""
    click.echo(
        f"notetui: save yours over it with --force, or edit again from revision {stored.rev}"
        + where,
        err=True,
    )
    sys.exit(CONFLICT_EXIT)


def safe_line_block(text: str) -> str:
    return "\n".join(safe_line(line) for line in text.splitlines())


@annotations_group.command("edit")
@click.argument("uid")
@click.option(
    "--text",
    "-t",
    "text",
    default=None,
    help="The new text ('-' reads stdin). Without it, $VISUAL or $EDITOR opens the text.",
)
@click.option(
    "--rev",
    type=click.IntRange(min=0),
    default=None,
    help="Only if the text is still at this revision (`annotations --json` shows it).",
)
@click.option("--force", is_flag=True, help="Save even if it was changed elsewhere meanwhile.")
@notes_option
@db_option
@click.pass_context
def edit_command(
    ctx: click.Context,
    uid: str,
    text: str | None,
    rev: int | None,
    force: bool,
    notes: Path | None,
    db: Path | None,
) -> None:
    """Replace the text of annotation UID.

    If it was changed elsewhere since the edit started (while the editor was open,
    or since revision --rev), nothing is saved: both texts are printed and the exit
    code is 3. --force saves yours anyway.
    """
    kept: Path | None = None
    started: int | None
    with service_for(_inherited(ctx, "db", db), root=_folder(ctx, notes)) as service:
        found = _find(service, uid)
        if text is None:
            current = service.store.annotation(found)
            if current is None:
                fail(f"annotation {found[:8]} no longer exists", 1)
            started = rev if rev is not None else current.rev
            text, kept = _edit_in_editor(current.text, found)
            if text == current.text:
                kept.unlink(missing_ok=True)
                click.echo(f"no change to {found[:8]}")
                return
        else:
            started = rev
        text = _read_text(text)
        try:
            service.edit(found, text, started_from=None if force else started)
        except EditConflict as conflict:
            _conflict(conflict, kept)
        except AnnotationGone as error:
            where = f"; your text is kept in {kept}" if kept is not None else ""
            fail(f"{error}{where}", 1)
    if kept is not None:
        kept.unlink(missing_ok=True)
    click.echo(f"updated {found[:8]}")


@annotations_group.command("delete")
@click.argument("uids", nargs=-1, required=True, metavar="UID...")
@notes_option
@db_option
@click.pass_context
def delete_command(
    ctx: click.Context, uids: tuple[str, ...], notes: Path | None, db: Path | None
) -> None:
    """Delete annotations (they go to the trash: `notetui annotations undo` brings the
    last one back)."""
    with service_for(_inherited(ctx, "db", db), root=_folder(ctx, notes)) as service:
        chosen = [_find(service, uid) for uid in uids]
        for found in dict.fromkeys(chosen):
            annotation = service.delete(found)
            echo(f"deleted {found[:8]} ({first_line(annotation.text, 40)})")
    click.echo("undo with `notetui annotations undo`", err=True)


@annotations_group.command("undo")
@notes_option
@db_option
@click.pass_context
def undo_command(ctx: click.Context, notes: Path | None, db: Path | None) -> None:
    """Bring back the annotation deleted last (by this command or the app); with
    --notes, the one deleted last among that folder's."""
    scoped = _inherited(ctx, "notes", notes) is not None
    with service_for(_inherited(ctx, "db", db), root=_folder(ctx, notes)) as service:
        restored = service.undo_delete(every_folder=not scoped)
    if restored is None:
        fail("nothing to undo: no deleted annotations", 1)
    echo(f"restored {restored.uid[:8]} ({first_line(restored.text, 40)})")
