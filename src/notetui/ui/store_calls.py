"""Every change the reader makes to the annotation store, as one typed call each.

A call is built on the UI thread (`AddAnnotation(...)`) and run in a store worker
(`call.run(store)`), which reports the `Written` it returns. This is the one place
the reader touches the store's write API: wiring it to a core annotation service
means changing these classes' `run` and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from notetui.core.models import Library
from notetui.ui.messages import StoreWritten

if TYPE_CHECKING:
    from notetui.core.annotations.store import Anchor, Store


@dataclass(frozen=True)
class Written:
    """What to tell the user, and the annotation written (None when there is none)."""

    done: str
    uid: str | None = None


class StoreCall(Protocol):
    def run(self, store: Store) -> Written: ...


@dataclass(frozen=True)
class Target:
    """A talk or event, with the titles an annotation remembers it by (so it can
    be found again, or listed as an orphan, when the notes change)."""

    kind: str  # "talk" | "event"
    id: str
    title: str
    titles: tuple[str, ...]
    event_title: str
    event_date: str | None

    @classmethod
    def of(cls, library: Library, target_id: str) -> Target:
        talk = library.talk(target_id)
        if talk is not None:
            event = library.event_of(talk)
            return cls("talk", talk.id, talk.title, talk.aliases, event.title, event.date)
        found = library.event(target_id)
        if found is None:
            return cls("event", target_id, "", (), "", None)
        return cls("event", found.id, found.title, found.aliases, found.title, found.date)


@dataclass(frozen=True)
class AddAnnotation:
    target: Target
    text: str
    anchor: Anchor | None = None  # a passage; None annotates the talk or event itself

    def run(self, store: Store) -> Written:
        added = store.add_annotation(
            target="passage" if self.anchor is not None else self.target.kind,
            target_id=self.target.id,
            text=self.text,
            title=self.target.title,
            titles=list(self.target.titles),
            event_title=self.target.event_title,
            event_date=self.target.event_date,
            anchor=self.anchor,
        )
        return Written("Annotation saved", added.uid)


@dataclass(frozen=True)
class UpdateAnnotation:
    uid: str
    text: str

    def run(self, store: Store) -> Written:
        store.update_annotation(self.uid, self.text)
        return Written("Annotation updated", self.uid)


@dataclass(frozen=True)
class DeleteAnnotation:
    uid: str

    def run(self, store: Store) -> Written:
        store.delete_annotation(self.uid)
        return Written("Annotation deleted (ctrl+z to undo)")


@dataclass(frozen=True)
class UndoDelete:
    def run(self, store: Store) -> Written:
        restored = store.undo_delete()
        if restored is None:
            return Written("Nothing to undo")
        return Written("Annotation restored", restored.uid)


@dataclass(frozen=True)
class SetTags:
    target: Target
    tags: tuple[str, ...]

    def run(self, store: Store) -> Written:
        store.set_tags(
            target=self.target.kind,
            target_id=self.target.id,
            tags=list(self.tags),
            title=self.target.title,
            event_title=self.target.event_title,
        )
        return Written("Tags saved")


@dataclass(frozen=True)
class AttachAnnotation:
    """Move an annotation (an orphan, usually) onto another talk or event."""

    uid: str
    target: Target

    def run(self, store: Store) -> Written:
        store.retarget_annotation(
            self.uid,
            target=self.target.kind,
            target_id=self.target.id,
            title=self.target.title,
            titles=self.target.titles,
            event_title=self.target.event_title,
            event_date=self.target.event_date,
        )
        return Written("Annotation attached", self.uid)


def perform(call: StoreCall, library: Library, store: Store) -> StoreWritten:
    """Run `call` (in a worker thread), then read the store again for `library`."""
    from notetui.core.annotations.anchoring import attach
    from notetui.core.annotations.store import StoreError

    done = error = uid = None
    try:
        written = call.run(store)
        done, uid = written.done, written.uid
    except StoreError as failure:
        error = str(failure)
    except KeyError:  # deleted meanwhile, by the CLI or another notetui
        error = "That annotation no longer exists."
    try:
        attachments = attach(library, store.annotations(), store.tag_sets())
    except StoreError as failure:
        attachments, error = None, error or str(failure)
    return StoreWritten(done, error, uid, attachments)
