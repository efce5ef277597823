"""What can go wrong with the annotation store, as types a front can tell apart.

Every one is a StoreError with a one-line, user-facing message, so a front that only
wants to say what happened catches StoreError; one that offers a way out (keep the
dialog open, show both texts) catches the subclass.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from notetui.core.annotations.records import Annotation

__all__ = [
    "AnnotationGone",
    "BadStore",
    "EditConflict",
    "SaveFailed",
    "StoreError",
    "StoreLocked",
    "StoreUnreadable",
]


class StoreError(Exception):
    """One-line, user-facing message."""

    def __init__(self, message: str) -> None:
        # Paths and decoder messages could carry a newline; the message must stay one line.
        super().__init__(re.sub(r"[\r\n]+", " ", message))


class StoreUnreadable(StoreError):
    """The store (or its journal) cannot be read or understood; it was left untouched."""


class SaveFailed(StoreError):
    """A change could not be written (disk full, permissions...); nothing was saved,
    and the caller still holds what it tried to save."""


class StoreLocked(StoreError):
    """Another notetui held the store's lock for too long."""


class AnnotationGone(StoreError, KeyError):
    """The annotation is not in the store (deleted meanwhile, maybe by another process).

    Also a KeyError, which is what the store raised for this before it had types.
    """

    def __init__(self, uid: str) -> None:
        StoreError.__init__(self, f"annotation {uid[:8]} no longer exists")
        self.uid = uid

    def __str__(self) -> str:  # KeyError's would quote the message
        return str(self.args[0])


class EditConflict(StoreError):
    """The annotation's text changed since the edit started: neither text is lost.

    `stored` is the annotation as it is now; `yours` is the text that was not saved.
    """

    def __init__(self, stored: Annotation, yours: str, started_from: int) -> None:
        super().__init__(
            f"annotation {stored.uid[:8]} was changed elsewhere while you edited it "
            f"(revision {started_from} -> {stored.rev}); your text was not saved"
        )
        self.stored = stored
        self.yours = yours
        self.started_from = started_from


class BadStore(Exception):
    """What is wrong with a store file, as one line without advice (for `db check`)."""
