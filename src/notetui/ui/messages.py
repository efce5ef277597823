"""What the reader's workers report to it: small dataclasses, posted from threads.

Widgets' own messages (a tree node chosen, a point moved) live on the widgets; these
are the results of work done off the UI thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # the store, search and export stay unimported until first used
    from notetui.core.annotations.anchoring import Attachments
    from notetui.core.annotations.files import StoreSignature
    from notetui.core.annotations.records import Annotation
    from notetui.core.annotations.service import AnnotationService
    from notetui.core.load.outline import Outline
    from notetui.core.models import Library
    from notetui.core.search.index import SearchIndex
    from notetui.ui.exporting import ExportJob


@dataclass
class LibraryOutlined(Message):
    """The cache's outline of the library (event and talk titles) is read: enough to
    draw the tree while the full library loads. `drawn` is set once it is on screen:
    the worker waits for it, as loading the full library holds the interpreter."""

    outline: Outline
    drawn: threading.Event


@dataclass
class LibraryLoaded(Message):
    """The notes are read; `reload` when they replace a library already shown."""

    library: Library
    reload: bool = False


@dataclass
class StoreOpened(Message):
    """The annotation store is open (or not: `error` says why) and attached to the
    library that was loaded with it, through the service for that library's folder."""

    library: Library
    service: AnnotationService | None
    attachments: Attachments
    error: str | None = None
    signature: StoreSignature | None = None  # the store's files as they were read


@dataclass
class StoreChanged(Message):
    """Another process (the CLI, a second window) changed the store: what it holds
    now for the library shown."""

    service: AnnotationService
    attachments: Attachments
    signature: StoreSignature


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
    call: object | None = None  # the call that was run (a dialog waits for its own)
    conflict: Annotation | None = None  # an edit met a change made elsewhere: the stored one
    gone: bool = False  # the annotation edited was deleted meanwhile
    signature: StoreSignature | None = None  # the store's files after the write


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
