"""What the annotation commands share: the service with a store open, targets that
exit with their candidates, and output that is safe on a terminal.

Everything printed here is untrusted (note text, titles, what users typed): no Rich
markup, no control or bidi characters on the terminal, and file names that are not
UTF-8 shown as escapes. JSON output is in `annotation_json.py`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from notetui.cli.common import fail, open_store
from notetui.core.annotations.errors import StoreError
from notetui.core.annotations.service import AnnotationService, clean_text
from notetui.core.annotations.store import Store
from notetui.core.annotations.targets import NoSuchTarget, Target
from notetui.core.annotations.targets import resolve as resolve_query
from notetui.core.locations import database_path
from notetui.core.models import Event, Library, Talk
from notetui.core.text import sanitize_line

if TYPE_CHECKING:  # Rich is imported when a table is printed: not for --json
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

_FLEXIBLE = {"title": 2, "talk / event": 2, "text": 2, "where": 1}  # share what is left


# -- the service --------------------------------------------------------------------------


@contextmanager
def service_for(
    db: Path | None,
    library: Library | None = None,
    *,
    root: Path | None = None,
    load: bool = True,
) -> Iterator[AnnotationService]:
    """The annotation service on an open store; any store failure is one line, exit 1.
    `load=False` for a command that only adds: a big store's main file is not read."""
    store = open_store(db) if load else _unread_store(db)
    try:
        yield AnnotationService(store, library, root=root)
    except StoreError as error:
        fail(str(error), 1)
    finally:
        store.close()


def _unread_store(db: Path | None) -> Store:
    try:
        return Store(database_path(db), load=False)
    except StoreError as error:
        fail(str(error), 1)


def resolve(library: Library, query: str, *, event: bool = False) -> Target:
    """The one talk (or event) `query` names; exit 2 with the candidates otherwise."""
    try:
        return resolve_query(library, clean_text(query)[0], event=event)
    except NoSuchTarget as error:
        fail_with_candidates(library, str(error), error.candidates)


def fail_with_candidates(
    library: Library, message: str, candidates: Sequence[Talk | Event]
) -> NoReturn:
    click.echo(f"notetui: {' '.join(sanitize_line(message).split())}", err=True)
    if candidates:
        table = new_table("id", "date", "event", "title")
        for item in candidates:
            if isinstance(item, Talk):
                event = library.event_of(item)
                table.add_row(*cells(item.id, event.date or "", event.title, item.title))
            else:
                names = " / ".join(item.aliases)
                table.add_row(*cells(item.id, item.date or "", item.title, names))
        console(err=True).print(table)
    sys.exit(2)


def warn_if_cleaned(what: str, values: Iterable[str]) -> None:
    """Say so when an argument had bytes that are not UTF-8 (they are stored as U+FFFD)."""
    replaced = sum(clean_text(value)[1] for value in values)
    if replaced:
        click.echo(
            f"notetui: {what} had {replaced} byte(s) that are not UTF-8 text; "
            "they were stored as U+FFFD (�)",
            err=True,
        )


# -- terminal output ----------------------------------------------------------------------


def shown_path(path: str) -> str:
    """A note's path for the terminal: bytes that are not UTF-8 as \\xNN escapes."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def safe_line(text: str) -> str:
    """One line of untrusted text for the terminal."""
    return sanitize_line(shown_path(text))


def console(*, err: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=err, highlight=False, soft_wrap=False)


def new_table(*columns: str) -> Table:
    from rich import box
    from rich.table import Table

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


def cells(*values: str) -> list[Text]:
    """Note text is untrusted: no markup, no escape sequences, one line."""
    from rich.text import Text

    return [Text(safe_line(value)) for value in values]


def echo(text: str, *, err: bool = False) -> None:
    click.echo(safe_line(text), err=err)


def first_line(text: str, width: int = 72) -> str:
    lines = text.strip().splitlines() or [""]
    line = lines[0]
    more = len(lines) > 1
    if len(line) > width:
        line, more = line[: width - 1], True
    return line + ("…" if more else "")
