"""Annotations and tags from the command line, for scripting.

    notetui annotate TALK --text TEXT [--quote TEXT [--note PATH]] [--event]
    notetui annotations [--json] [--orphans]
    notetui annotations attach UID TALK [--event]
    notetui annotations edit UID --text TEXT
    notetui annotations delete UID...
    notetui annotations undo
    notetui tag TALK add|remove TAG... [--event]
    notetui tags [--json]

TALK is any id a talk answers to (`notetui list --json`), an event id, or a title
query: case- and width-insensitive, matched against every title the talk is written
under, as a substring (all words) or, failing that, fuzzily. A query must pick exactly
one talk; otherwise the candidates are printed and the exit code is 2. With --event,
the query is matched against event names instead.

Annotations are re-attached to the current library on every read
(`core.anchoring.attach`), so these commands see what the reader sees.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from rapidfuzz import fuzz
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from notetui.cli.admin import configured_notes
from notetui.cli.common import (
    PATH,
    db_option,
    echo_json,
    fail,
    notes_option,
    open_library,
    open_store,
)
from notetui.core.annotations.anchoring import (
    TITLE_MATCH,
    Attachments,
    Placement,
    attach,
    make_anchor_text,
)
from notetui.core.annotations.store import (
    Anchor,
    Annotation,
    Store,
    StoreError,
    TagSet,
    normalize_tag,
)
from notetui.core.models import Event, Library, Source, Talk
from notetui.core.text import sanitize_line, title_key

X = TypeVar("X")

FUZZY_MATCH = 80.0  # a title query this close (0-100) to a title can pick it
FUZZY_LEAD = 10.0  # ...when it beats the next talk by this much
CLOSEST_SHOWN = 8  # candidates printed for a query that matches nothing
UID_MIN_PREFIX = 4


# -- what a TALK argument names ---------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A talk or an event, with what an annotation or tag set remembers of it."""

    kind: str  # "talk" | "event"
    id: str
    title: str
    titles: tuple[str, ...]  # its other titles
    event: Event
    talk: Talk | None = None

    @property
    def sources(self) -> tuple[Source, ...]:
        """The note sections a passage of this target can be quoted from: a talk's
        sources, or an event's own sections (intro, impressions, links)."""
        if self.talk is not None:
            return self.talk.sources
        return self.event.sections


def talk_target(library: Library, talk: Talk) -> Target:
    return Target("talk", talk.id, talk.title, talk.aliases, library.event_of(talk), talk)


def event_target(event: Event) -> Target:
    return Target("event", event.id, event.title, event.aliases, event)


def resolve(library: Library, query: str, *, event: bool = False) -> Target:
    """The one talk (or event) `query` names; exit 2 with the candidates otherwise."""
    query = query.strip()
    if not query:
        fail("an empty TALK: give an id from `notetui list --json` or a title")
    if not event and (talk := library.talk(query)) is not None:
        return talk_target(library, talk)
    if (found := library.event(query)) is not None:
        return event_target(found)
    items: list[tuple[Talk | Event, tuple[str, ...]]]
    if event:
        items = [(e, (e.title, *e.aliases)) for e in library.events]
        what = "event"
    else:
        items = [(t, (t.title, *t.aliases)) for t in library.talks]
        what = "talk"
    chosen, candidates = match_titles(query, items)
    if len(chosen) == 1:
        one = chosen[0]
        return talk_target(library, one) if isinstance(one, Talk) else event_target(one)
    if candidates:
        message = f"{query!r} matches {len(candidates)} {what}s; give its id or more of its title"
    else:
        message = f"no {what} matches {query!r}"
        events = [(e, (e.title, *e.aliases)) for e in library.events]
        if not event and any(match_titles(query, events)):
            message += " (an event does: add --event)"
        candidates = closest(query, items)
        if candidates:
            message += "; the closest are below"
    _fail_with_candidates(library, message, candidates)


def match_titles(query: str, items: Sequence[tuple[X, Sequence[str]]]) -> tuple[list[X], list[X]]:
    """(chosen, candidates) for a title query: `chosen` holds one item when the query
    picks it; otherwise `candidates` are the items it matches equally well (maybe none).

    In order: the whole title; every word of the query inside one of its titles; a
    fuzzy match that clearly beats every other.
    """
    key = title_key(query)
    if not key:
        return [], []
    words = [w for w in (title_key(word) for word in query.split()) if w]
    keyed = [(item, [k for k in map(title_key, names) if k]) for item, names in items]
    exact = [item for item, keys in keyed if key in keys]
    if exact:
        return (exact if len(exact) == 1 else []), exact
    inside = [item for item, keys in keyed if all(any(w in k for k in keys) for w in words)]
    if inside:
        return (inside if len(inside) == 1 else []), inside
    if len(key) < 3:
        return [], []
    scored = sorted(
        ((max(fuzz.WRatio(key, k) for k in keys), n) for n, (_, keys) in enumerate(keyed) if keys),
        reverse=True,
    )
    hits = [(score, n) for score, n in scored if score >= FUZZY_MATCH]
    if not hits:
        return [], []
    if len(hits) == 1 or hits[0][0] - hits[1][0] >= FUZZY_LEAD:
        return [keyed[hits[0][1]][0]], [keyed[hits[0][1]][0]]
    best = hits[0][0]
    return [], [keyed[n][0] for score, n in hits if best - score < FUZZY_LEAD]


def closest(query: str, items: Sequence[tuple[X, Sequence[str]]]) -> list[X]:
    """The items whose titles look most like `query`, for a query that matched none."""
    key = title_key(query)
    if not key:
        return []
    scored = []
    for n, (_, names) in enumerate(items):
        keys = [k for k in map(title_key, names) if k]
        if keys:
            scored.append((max(fuzz.WRatio(key, k) for k in keys), n))
    scored.sort(reverse=True)
    return [items[n][0] for score, n in scored[:CLOSEST_SHOWN] if score >= 50]


def _fail_with_candidates(library: Library, message: str, candidates: Sequence[object]) -> NoReturn:
    click.echo(f"notetui: {sanitize_line(' '.join(message.split()))}", err=True)
    if candidates:
        table = _table("id", "date", "event", "title")
        for item in candidates:
            if isinstance(item, Talk):
                event = library.event_of(item)
                table.add_row(*_cells(item.id, event.date or "", event.title, item.title))
            elif isinstance(item, Event):
                names = " / ".join(item.aliases)
                table.add_row(*_cells(item.id, item.date or "", item.title, names))
        _console(err=True).print(table)
    sys.exit(2)


# -- output -----------------------------------------------------------------------------


def _console(*, err: bool = False) -> Console:
    return Console(stderr=err, highlight=False, soft_wrap=False)


_FLEXIBLE = {"title": 2, "talk / event": 2, "text": 2, "where": 1}  # share what is left


def _table(*columns: str) -> Table:
    flexible = any(column in _FLEXIBLE for column in columns)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, expand=flexible)
    for column in columns:
        if column in _FLEXIBLE:
            table.add_column(column, overflow="fold", ratio=_FLEXIBLE[column])
        elif column in ("tag", "event"):
            table.add_column(column, overflow="fold")
        else:  # ids, dates and counts: never broken
            table.add_column(column, no_wrap=True, min_width=len(column))
    return table


def _cells(*values: str) -> list[Text]:
    """Note text is untrusted: no markup, no escape sequences, one line."""
    return [Text(sanitize_line(value)) for value in values]


def _echo_json(data: object) -> None:
    echo_json(data)  # C1, bidi and undecodable bytes escaped: safe on a terminal


def _first_line(text: str, width: int = 72) -> str:
    lines = text.strip().splitlines() or [""]
    line = lines[0]
    more = len(lines) > 1
    if len(line) > width:
        line, more = line[: width - 1], True
    return line + ("…" if more else "")


# -- the store --------------------------------------------------------------------------


@contextmanager
def _store(db: Path | None) -> Iterator[Store]:
    """The store, with any store failure as one line and exit code 1."""
    store = open_store(db)
    try:
        yield store
    except StoreError as error:
        fail(str(error), 1)
    finally:
        store.close()


def _read_text(text: str) -> str:
    if text == "-":
        text = sys.stdin.read()
    if not text.strip():
        fail("the annotation text is empty")
    return text


def _find_uid(store: Store, wanted: str) -> Annotation:
    wanted = wanted.strip().lower()
    annotations = store.annotations()
    exact = [a for a in annotations if a.uid == wanted]
    if exact:
        return exact[0]
    found = (
        [a for a in annotations if a.uid.startswith(wanted)]
        if len(wanted) >= UID_MIN_PREFIX
        else []
    )
    if len(found) == 1:
        return found[0]
    if not found:
        fail(f"no annotation {wanted!r} (`notetui annotations` lists them with their ids)")
    uids = ", ".join(a.uid for a in found[:5])
    fail(f"{wanted!r} starts {len(found)} annotation ids ({uids}); give more of it")


# -- passages ---------------------------------------------------------------------------


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` NFKC-folded and casefolded, whitespace runs as one space, with the index
    in `text` of each character of the result."""
    out: list[str] = []
    index: list[int] = []
    for i, char in enumerate(text):
        folded = unicodedata.normalize("NFKC", char).casefold()
        if not folded or folded.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                index.append(i)
            continue
        for part in folded:
            out.append(part)
            index.append(i)
    return "".join(out), index


def locate_quote(body: str, quote: str) -> tuple[int, int] | None:
    """(start, end) of `quote` in `body`: exactly, else ignoring case, width and
    runs of whitespace. The stored quote is then body[start:end], the note's own text."""
    start = body.find(quote)
    if start >= 0:
        return start, start + len(quote)
    wanted, _ = _folded(quote)
    wanted = wanted.strip()
    if not wanted:
        return None
    folded, index = _folded(body)
    at = folded.find(wanted)
    if at < 0:
        return None
    return index[at], index[at + len(wanted) - 1] + 1


def find_passage(target: Target, quote: str, note: str | None = None) -> list[Anchor]:
    """An anchor for each source of `target` (only `note`'s, if given) the quote is in,
    in source order."""
    anchors = []
    for source in target.sources:
        if note is not None and source.note != note:
            continue
        body = source.section.body
        span = locate_quote(body, quote)
        if span is None:
            continue
        prefix, text, suffix = make_anchor_text(body, *span)
        line = source.section.body_line + body.count("\n", 0, span[0])
        anchors.append(Anchor(source.note, line, text, prefix, suffix))
    return anchors


def _note_of(library: Library, target: Target, given: Path) -> str:
    """The library-relative path of --note, which must be one of the target's notes."""
    notes = list(dict.fromkeys(s.note for s in target.sources))
    candidates = [given.as_posix()]
    for path in (given, library.root / given):
        try:
            rel = path.expanduser().resolve().relative_to(library.root.resolve()).as_posix()
        except (ValueError, OSError):
            continue
        candidates.append(rel)
    for candidate in candidates:
        if candidate in notes:
            return candidate
    by_name = [n for n in notes if n.rsplit("/", 1)[-1] == given.name]
    if len(by_name) == 1:
        return by_name[0]
    fail(f"{given} is not one of the notes about {target.title!r}: {', '.join(notes) or 'none'}")


# -- annotations as plain values ----------------------------------------------------------


def annotation_json(library: Library, placement: Placement) -> dict[str, Any]:
    annotation = placement.annotation
    talk = library.talk(placement.talk_id) if placement.talk_id else None
    event = (
        library.event_of(talk)
        if talk is not None
        else library.event(placement.event_id)
        if placement.event_id
        else None
    )
    anchor = annotation.anchor
    if talk is not None:
        title = talk.title
    elif event is not None:
        title = event.title
    else:
        title = annotation.title
    return {
        "uid": annotation.uid,
        "target": annotation.target,
        "text": annotation.text,
        "created": annotation.created,
        "updated": annotation.updated,
        "orphan": placement.orphan,
        "attached_by": None if placement.orphan else placement.how,
        "talk_id": placement.talk_id,
        "event_id": event.id if event is not None else None,
        "title": title,
        "event": event.title if event is not None else annotation.event_title,
        "date": event.date if event is not None else annotation.event_date,
        "quote": anchor.quote if anchor is not None else None,
        "note": placement.note,
        "line": placement.line,
        "stored": {
            "target_id": annotation.target_id,
            "title": annotation.title,
            "titles": list(annotation.titles),
            "event_title": annotation.event_title,
            "event_date": annotation.event_date,
            "note": anchor.note if anchor is not None else None,
            "line": anchor.line if anchor is not None else None,
            "prefix": anchor.prefix if anchor is not None else None,
            "suffix": anchor.suffix if anchor is not None else None,
        },
    }


def _placement_title(library: Library, placement: Placement) -> str:
    talk = library.talk(placement.talk_id) if placement.talk_id else None
    if talk is not None:
        return talk.title
    event = library.event(placement.event_id) if placement.event_id else None
    return event.title if event is not None else placement.annotation.title


def _where(placement: Placement) -> Text:
    if placement.orphan:
        return Text("orphan", style="bold red")
    if placement.annotation.anchor is None:
        return Text(placement.annotation.target)
    if placement.note is None:
        return Text("passage not found", style="yellow")
    return Text(sanitize_line(f"{placement.note}:{placement.line}"))


def _described(target: Target) -> str:
    event = target.event
    if target.kind == "event":
        return f"{target.title!r} ({event.date or 'undated'})"
    return f"{target.title!r} ({event.title}, {event.date or 'undated'})"


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
    anchor = None
    if quote is not None:
        rel = _note_of(library, target, note) if note is not None else None
        anchors = find_passage(target, quote, rel)
        if not anchors and target.talk is None:
            for one in target.event.talks:
                if find_passage(talk_target(library, one), quote, rel):
                    fail(
                        f"{quote!r} is in the notes about the talk {one.title!r} ({one.id}), "
                        "not in the event's own sections: annotate the talk"
                    )
        if not anchors:
            where = rel or ", ".join(dict.fromkeys(s.note for s in target.sources)) or "no notes"
            fail(f"{quote!r} is not in the notes about {target.title!r} ({where})")
        anchor = anchors[0]
    with _store(db) as store:
        annotation = store.add_annotation(
            target="passage" if anchor is not None else target.kind,
            target_id=target.id,
            text=text,
            title=target.title,
            titles=target.titles,
            event_title=target.event.title,
            event_date=target.event.date,
            anchor=anchor,
        )
    placement = Placement(
        annotation,
        talk_id=target.id if target.kind == "talk" else None,
        event_id=target.id if target.kind == "event" else None,
        note=anchor.note if anchor is not None else None,
        line=anchor.line if anchor is not None else None,
    )
    if as_json:
        _echo_json(annotation_json(library, placement))
        return
    at = f" at {anchor.note}:{anchor.line}" if anchor is not None else ""
    click.echo(sanitize_line(f"annotated {_described(target)}{at}: {annotation.uid}"))


# -- annotations and its subcommands ---------------------------------------------------------


def _inherited(ctx: click.Context, name: str, value: Path | None) -> Path | None:
    """A subcommand's --notes/--db, else the one given before it to `annotations`."""
    if value is not None or ctx.parent is None:
        return value
    inherited = ctx.parent.params.get(name)
    return inherited if isinstance(inherited, Path) else None


@click.group("annotations", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print them as a JSON list.")
@click.option("--orphans", is_flag=True, help="Only the orphans: their talk is gone.")
@notes_option
@db_option
@click.pass_context
def annotations_group(
    ctx: click.Context, as_json: bool, orphans: bool, notes: Path | None, db: Path | None
) -> None:
    """List annotations, re-attached to the notes as they are now.

    An orphan is an annotation whose talk, event or passage cannot be found any
    more (its notes were deleted, or changed beyond recognition). Orphans are never
    dropped: attach one to another talk, or delete it.

    \b
    notetui annotations --orphans
    notetui annotations attach 3f2a9c1e "goroutine リーク"
    notetui annotations delete 3f2a9c1e
    notetui annotations undo

    UID is an annotation's id, or its first characters (at least 4).
    """
    if ctx.invoked_subcommand is not None:
        return
    library = open_library(configured_notes(notes))
    with _store(db) as store:
        annotations = store.annotations()
    placements = attach(library, annotations).placements
    if orphans:
        placements = [p for p in placements if p.orphan]
    if as_json:
        _echo_json([annotation_json(library, p) for p in placements])
        return
    if not placements:
        click.echo("no orphaned annotations" if orphans else "no annotations")
        return
    table = _table("uid", "updated", "talk / event", "where", "text")
    for placement in placements:
        row = annotation_json(library, placement)
        on = row["title"] if row["target"] != "event" else f"event: {row['title']}"
        context = ", ".join(v for v in (row["event"], row["date"]) if v and v != row["title"])
        title = Text(sanitize_line(on), style="dim" if placement.orphan else "")
        if context:
            title.append(f"\n{sanitize_line(context)}", style="dim")
        table.add_row(
            Text(placement.annotation.uid[:8]),
            Text(placement.annotation.updated[:10]),
            title,
            _where(placement),
            Text(sanitize_line(_first_line(placement.annotation.text))),
        )
    console = _console()
    console.print(table)
    count = sum(1 for p in placements if p.orphan)
    if count:
        console.print(
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
    it keeps its quote and hangs on TALK as a whole.
    """
    library = open_library(configured_notes(_inherited(ctx, "notes", notes)))
    target = resolve(library, talk, event=on_event)
    with _store(_inherited(ctx, "db", db)) as store:
        annotation = _find_uid(store, uid)
        anchor = annotation.anchor
        if anchor is not None:
            found = find_passage(target, anchor.quote)
            if found:
                # Nearest the line it was on, when the note is the same.
                anchor = min(
                    found,
                    key=lambda a: (a.note != anchor.note, abs(a.line - anchor.line)),
                )
        moved = replace(
            annotation,
            target="passage" if anchor is not None else target.kind,
            target_id=target.id,
            title=target.title,
            titles=target.titles,
            event_title=target.event.title,
            event_date=target.event.date,
            anchor=anchor,
        )
        [placement] = attach(library, [moved]).placements
        if placement.target_id != target.id:
            # Its quote is still in another talk's notes: re-attachment would take it back.
            where = _placement_title(library, placement)
            fail(
                f"{annotation.uid[:8]} quotes a passage of {where!r}, not of {target.title!r}; "
                "a passage annotation stays with its passage"
            )
        store.retarget_annotation(
            annotation.uid,
            target=moved.target,
            target_id=target.id,
            title=target.title,
            titles=target.titles,
            event_title=target.event.title,
            event_date=target.event.date,
            anchor=anchor,
        )
    click.echo(sanitize_line(f"attached {annotation.uid[:8]} to {_described(target)}"))


@annotations_group.command("edit")
@click.argument("uid")
@click.option("--text", "-t", "text", required=True, help="The new text. '-' reads stdin.")
@db_option
@click.pass_context
def edit_command(ctx: click.Context, uid: str, text: str, db: Path | None) -> None:
    """Replace the text of annotation UID."""
    text = _read_text(text)
    with _store(_inherited(ctx, "db", db)) as store:
        annotation = _find_uid(store, uid)
        store.update_annotation(annotation.uid, text)
    click.echo(f"updated {annotation.uid[:8]}")


@annotations_group.command("delete")
@click.argument("uids", nargs=-1, required=True, metavar="UID...")
@db_option
@click.pass_context
def delete_command(ctx: click.Context, uids: tuple[str, ...], db: Path | None) -> None:
    """Delete annotations (they go to the trash: `notetui annotations undo` brings the
    last one back)."""
    with _store(_inherited(ctx, "db", db)) as store:
        chosen = [_find_uid(store, uid) for uid in uids]
        for annotation in dict.fromkeys(chosen):
            store.delete_annotation(annotation.uid)
            click.echo(
                sanitize_line(f"deleted {annotation.uid[:8]} ({_first_line(annotation.text, 40)})")
            )
    click.echo("undo with `notetui annotations undo`", err=True)


@annotations_group.command("undo")
@db_option
@click.pass_context
def undo_command(ctx: click.Context, db: Path | None) -> None:
    """Bring back the annotation deleted last (by this command or the app)."""
    with _store(_inherited(ctx, "db", db)) as store:
        restored = store.undo_delete()
    if restored is None:
        fail("nothing to undo: no deleted annotations", 1)
    click.echo(sanitize_line(f"restored {restored.uid[:8]} ({_first_line(restored.text, 40)})"))


# -- tags -----------------------------------------------------------------------------------


def _gather_tags(store: Store, library: Library, target: Target) -> None:
    """Move tag sets that belong to `target` under an older id (a source's key, or an
    id from before a title was edited) to its current id, so removing a tag removes it
    wherever it was stored."""
    names = [title_key(name) for name in (target.title, *target.titles)]
    for tag_set in store.tag_sets():
        if tag_set.target_id == target.id:
            continue
        if tag_set.target == "talk":
            known: Talk | Event | None = library.talk(tag_set.target_id)
        else:
            known = library.event(tag_set.target_id)
        if known is not None:
            belongs = known.id == target.id
        else:
            # Re-attached by its title, as the reader does; a cheap look at the title
            # first, since that is what `attach` needs to match at all.
            wanted = title_key(tag_set.title)
            belongs = (
                tag_set.target == target.kind
                and any(fuzz.ratio(wanted, name) >= TITLE_MATCH for name in names)
                and target.id in attach(library, (), [tag_set]).tags
            )
        if belongs:
            store.retarget_tags(
                tag_set.target_id,
                target=target.kind,
                target_id=target.id,
                title=target.title,
                event_title=target.event.title,
            )


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
    normalized = [normalize_tag(tag) for tag in tags]
    empty = [tag for tag, norm in zip(tags, normalized, strict=True) if not norm]
    if empty:
        fail(f"{empty[0]!r} is not a tag (nothing is left of it once normalised)")
    library = open_library(configured_notes(notes))
    target = resolve(library, talk, event=on_event)
    with _store(db) as store:
        _gather_tags(store, library, target)
        before = set(store.tags_of(target.id))
        change = store.add_tags if action == "add" else store.remove_tags
        tag_set = change(
            target=target.kind,
            target_id=target.id,
            tags=normalized,
            title=target.title,
            event_title=target.event.title,
        )
    if action == "remove":
        missing = sorted(set(normalized) - before)
        if missing:
            click.echo(sanitize_line(f"notetui: was not tagged {', '.join(missing)}"), err=True)
    if as_json:
        _echo_json(
            {
                "target": target.kind,
                "id": target.id,
                "title": target.title,
                "event": target.event.title,
                "tags": list(tag_set.tags),
            }
        )
        return
    shown = " ".join(f"#{tag}" for tag in tag_set.tags) or "(no tags)"
    click.echo(sanitize_line(f"{_described(target)}: {shown}"))


@dataclass
class _TagCount:
    talks: int = 0
    events: int = 0
    orphaned: int = 0
    targets: list[str] = field(default_factory=list)  # the talk and event ids carrying it


def tag_counts(library: Library, attachments: Attachments) -> dict[str, _TagCount]:
    counts: dict[str, _TagCount] = {}
    for target_id, tags in attachments.tags.items():
        is_talk = library.talk(target_id) is not None
        for tag in tags:
            count = counts.setdefault(tag, _TagCount())
            count.targets.append(target_id)
            if is_talk:
                count.talks += 1
            else:
                count.events += 1
    for tag_set in attachments.orphan_tags:
        for tag in tag_set.tags:
            counts.setdefault(tag, _TagCount()).orphaned += 1
    return counts


@click.command("tags")
@click.option("--json", "as_json", is_flag=True, help="Print them as a JSON list.")
@notes_option
@db_option
def tags_command(as_json: bool, notes: Path | None, db: Path | None) -> None:
    """List the tags in use, with how many talks and events carry each.

    A tag whose talk or event can no longer be found counts as orphaned.
    """
    library = open_library(configured_notes(notes))
    with _store(db) as store:
        tag_sets: list[TagSet] = store.tag_sets()
    counts = tag_counts(library, attach(library, (), tag_sets))
    rows = sorted(counts.items(), key=lambda item: (-(item[1].talks + item[1].events), item[0]))
    data = [
        {
            "tag": tag,
            "count": c.talks + c.events,
            "talks": c.talks,
            "events": c.events,
            "orphaned": c.orphaned,
            "targets": c.targets,
        }
        for tag, c in rows
    ]
    if as_json:
        _echo_json(data)
        return
    if not data:
        click.echo("no tags")
        return
    table = _table("tag", "count", "talks", "events", "orphaned")
    for row in data:
        table.add_row(
            *_cells(*(str(row[k]) for k in ("tag", "count", "talks", "events", "orphaned")))
        )
    _console().print(table)
