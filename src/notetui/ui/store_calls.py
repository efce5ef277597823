"""Every change the reader makes to annotations and tags, as one typed call each.

A call is built on the UI thread (`AddAnnotation(...)`) and run in a store worker
(`perform`), which reports how it went in a `StoreWritten`. Each call is a thin use
of the core's annotation service (`core/annotations/service.py`), the one the CLI
calls too, so the two fronts cannot disagree. A call names its talk or event by id:
the service finds it in the library it was made with.

A call that fails keeps everything it was given: the dialog that sent it still has
the user's text, and can send the same call again (or, after a conflict, one that
starts from the stored revision).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from notetui.ui.messages import StoreWritten

if TYPE_CHECKING:
    from notetui.core.annotations.records import Anchor
    from notetui.core.annotations.service import AnnotationService
    from notetui.core.annotations.targets import Target


@dataclass(frozen=True)
class Written:
    """What to tell the user, and the annotation written (None when there is none)."""

    done: str
    uid: str | None = None


class StoreCall(Protocol):
    def run(self, service: AnnotationService) -> Written: ...


def _target(service: AnnotationService, target_id: str) -> Target:
    from notetui.core.annotations.service import AnnotationRefused

    target = service.target(target_id)
    if target is None:
        raise AnnotationRefused("that talk or event is no longer in the notes")
    return target


@dataclass(frozen=True)
class AddAnnotation:
    target_id: str
    text: str
    anchor: Anchor | None = None  # a passage; None annotates the talk or event itself

    def run(self, service: AnnotationService) -> Written:
        added = service.annotate(_target(service, self.target_id), self.text, anchor=self.anchor)
        return Written("Annotation saved", added.uid)


@dataclass(frozen=True)
class UpdateAnnotation:
    """A new text for an annotation. `started_from`: the revision the edit began with
    (a change made elsewhere since is a conflict, not overwritten); None saves over
    whatever is stored: the user chose to."""

    uid: str
    text: str
    started_from: int | None

    def run(self, service: AnnotationService) -> Written:
        service.edit(self.uid, self.text, started_from=self.started_from)
        return Written("Annotation updated", self.uid)


@dataclass(frozen=True)
class DeleteAnnotation:
    uid: str

    def run(self, service: AnnotationService) -> Written:
        service.delete(self.uid)
        return Written("Annotation deleted (ctrl+z to undo)")


@dataclass(frozen=True)
class UndoDelete:
    def run(self, service: AnnotationService) -> Written:
        restored = service.undo_delete()
        if restored is None:
            return Written("Nothing to undo")
        return Written("Annotation restored", restored.uid)


@dataclass(frozen=True)
class EditTags:
    """What the tag dialog showed and what the user left in it: saved as additions and
    removals against the stored set, so a tag added elsewhere meanwhile stays."""

    target_id: str
    shown: tuple[str, ...]
    chosen: tuple[str, ...]

    def run(self, service: AnnotationService) -> Written:
        service.edit_tags(_target(service, self.target_id), self.shown, self.chosen)
        return Written("Tags saved")


@dataclass(frozen=True)
class AttachAnnotation:
    """Move an annotation (an orphan, usually) onto another talk or event."""

    uid: str
    target_id: str

    def run(self, service: AnnotationService) -> Written:
        service.attach(self.uid, _target(service, self.target_id))
        return Written("Annotation attached", self.uid)


def perform(call: StoreCall, service: AnnotationService) -> StoreWritten:
    """Run `call` (in a worker thread), then read the store again for the library.

    Nothing the store does can escape as an exception: a fault is the message's
    `error`, and an edit that met a change made elsewhere carries the stored one."""
    from notetui.core.annotations.errors import AnnotationGone, EditConflict, StoreError

    done = error = uid = None
    conflict = None
    gone = False
    try:
        written = call.run(service)
        done, uid = written.done, written.uid
    except EditConflict as clash:
        error, conflict = str(clash), clash.stored
    except AnnotationGone as missing:
        error, gone = str(missing), True
    except (StoreError, ValueError) as failure:  # AnnotationRefused is a ValueError
        error = str(failure)
    except OSError as failure:  # the store promises StoreError; a reader never crashes
        error = f"Not saved: {failure.strerror or failure}"
    attachments = signature = None
    try:
        attachments = service.attachments()
        signature = service.signature()
    except StoreError as failure:
        error = error or str(failure)
    return StoreWritten(
        done,
        error,
        uid,
        attachments,
        call=call,
        conflict=conflict,
        gone=gone,
        signature=signature,
    )


def tag_changes(shown: Sequence[str], chosen: Sequence[str]) -> bool:
    """Whether the dialog's answer changes anything (by tag, normalised)."""
    from notetui.core.annotations.records import normalize_tag

    return {normalize_tag(t) for t in shown} != {normalize_tag(t) for t in chosen}
