"""What the reader's workers report to it: small dataclasses, posted from threads.

Widgets' own messages (a tree node chosen, a point moved) live on the widgets; these
are the results of work done off the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # the store, search and export stay unimported until first used
    from notetui.core.annotations.anchoring import Attachments
    from notetui.core.annotations.store import Store
    from notetui.core.models import Library
    from notetui.core.search.index import SearchIndex
    from notetui.ui.exporting import ExportJob


@dataclass
class LibraryLoaded(Message):
    """The notes are read; `reload` when they replace a library already shown."""

    library: Library
    reload: bool = False


@dataclass
class StoreOpened(Message):
    """The annotation store is open (or not: `error` says why) and attached to the
    library that was loaded with it."""

    library: Library
    store: Store | None
    attachments: Attachments
    error: str | None = None


@dataclass
class LoadFailed(Message):
    """The notes folder could not be read at all (one line why)."""

    reason: str


@dataclass
class NotesChanged(Message):
    """A note in the folder changed on disk."""


@dataclass
class StoreWritten(Message):
    """A store write finished: `done` says what it did, or `error` why it failed;
    `uid` is the annotation written, when there is one."""

    done: str | None = None
    error: str | None = None
    uid: str | None = None
    attachments: Attachments | None = None  # the store as read after the write


@dataclass
class IndexBuilt(Message):
    """The search index for the library shown is ready."""

    index: SearchIndex


@dataclass
class Exported(Message):
    """An export finished, failed (`error`), or wrote nothing because files with other
    content exist (`existing`): the job can then run again with force."""

    summary: str
    job: ExportJob
    existing: tuple[Path, ...] = ()
    error: bool = False
