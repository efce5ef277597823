"""The reader's annotation and tag editing: which dialog to open, and which typed
store call (`store_calls`) its answer becomes.

The reader screen owns the state (the library, what is shown, the store) and runs
the calls in its store worker; this only asks the user and builds the calls.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from textual.app import App

from notetui.core.models import Library, Source
from notetui.core.text import sanitize_line
from notetui.ui.annotating import AnnotationAction, ListState, annotation_rows, passage_anchor
from notetui.ui.messages import StoreWritten
from notetui.ui.rows import Row
from notetui.ui.store_calls import (
    AddAnnotation,
    AttachAnnotation,
    DeleteAnnotation,
    EditTags,
    StoreCall,
    UndoDelete,
    UpdateAnnotation,
)

if TYPE_CHECKING:
    from notetui.core.annotations.anchoring import Attachments
    from notetui.core.annotations.records import Anchor, Annotation
    from notetui.core.annotations.service import AnnotationService
    from notetui.ui.dialogs.annotate import AnnotateDialog
    from notetui.ui.dialogs.tags import TagsDialog


class Reader(Protocol):
    """What the annotator needs of the reader screen."""

    library: Library | None
    service: AnnotationService | None
    tag_filter: tuple[str, ...]

    @property
    def app(self) -> App[object]: ...

    def current_target(self) -> str | None: ...
    def current_point(self) -> tuple[Source, Row] | None: ...
    def attachments_now(self) -> Attachments: ...
    def write(self, call: StoreCall) -> object: ...
    def filter_tree(self, tags: tuple[str, ...]) -> None: ...
    def open_talk(self, talk_id: str, *, line: int | None, note: str | None) -> None: ...
    def open_event(self, event_id: str) -> None: ...


def title_of(library: Library, target_id: str) -> str:
    talk = library.talk(target_id)
    if talk is not None:
        return talk.title
    event = library.event(target_id)
    return event.title if event is not None else target_id


@dataclass
class _Save:
    """A dialog that stays open until its save lands, and how its text becomes a call.
    After a conflict the edit starts from the stored revision; after the annotation
    was deleted elsewhere, the text is saved as a new one where it was (`fallback`)."""

    dialog: AnnotateDialog | TagsDialog
    make: Callable[[str], StoreCall]
    fallback: Callable[[str], StoreCall] | None = None
    call: StoreCall | None = None  # the call in flight
    started_from: int | None = None


class Annotator:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self._reopen: ListState | None = None  # the list to show again after a write
        self._saving: _Save | None = None

    # -------------------------------------------------------------- writing

    def _writable(self) -> bool:
        if self.reader.service is None:
            self.reader.app.notify(
                "The annotation store could not be opened; run `notetui db check`.",
                severity="error",
                markup=False,
            )
            return False
        return True

    def _send(self, save: _Save, text: str) -> None:
        save.call = save.make(text)
        self._saving = save
        self.reader.write(save.call)

    def landed(self, message: StoreWritten) -> None:
        """A write landed: a toast says how it went, unless the dialog waiting for it
        says what went wrong itself, the user's text in hand."""
        if not self._to_dialog(message):
            if message.error:
                self.reader.app.notify(message.error, severity="error", timeout=8, markup=False)
            elif message.done:
                self.reader.app.notify(message.done, timeout=2, markup=False)

    def _to_dialog(self, message: StoreWritten) -> bool:
        """If a dialog is waiting for this write, it closes, or says what went wrong
        and keeps the text: True then (nothing else to say)."""
        save = self._saving
        if save is None or message.call is not save.call:
            return False
        self._saving = None
        dialog = save.dialog
        if not dialog.is_attached:
            return False  # closed meanwhile: the toast says how it went
        if not message.error:
            dialog.saved()
            return False  # and the toast says it was saved
        from notetui.ui.dialogs.annotate import AnnotateDialog

        if isinstance(dialog, AnnotateDialog) and message.conflict is not None:
            save.started_from = message.conflict.rev  # ctrl+s now saves over theirs
            dialog.conflict(message.conflict.text, message.error)
        elif message.gone and save.fallback is not None:
            save.make, save.fallback = save.fallback, None
            dialog.failed(message.error + "; ctrl+s saves your text as a new annotation")
        else:
            dialog.failed(message.error)
        return True

    def reopen_list(self, message: StoreWritten) -> None:
        """After a write from the annotations list: show the list again."""
        reopen, self._reopen = self._reopen, None
        if reopen is not None:
            if message.uid is not None and not message.error:
                reopen = replace(reopen, uid=message.uid)
            self.list_annotations(reopen)

    def _write_then_list(self, call: StoreCall, state: ListState) -> None:
        """Write, then show the list again (when the write has landed)."""
        if not self._writable():
            self.list_annotations(state)
            return
        self._reopen = state
        self.reader.write(call)

    def _editor(
        self,
        heading: str,
        *,
        context: str = "",
        existing: Annotation | None = None,
        add: Callable[[str], StoreCall] | None = None,
        closed: Callable[[str | None], None] | None = None,
    ) -> None:
        """The annotation dialog: a new annotation (`add`), or an edit of `existing`
        (which becomes `add` if it was deleted meanwhile). It stays open until saved."""
        from notetui.ui.dialogs.annotate import AnnotateDialog

        save: _Save

        def send(text: str) -> None:
            self._send(save, text)

        initial = existing.text if existing is not None else ""
        dialog = AnnotateDialog(heading, context=context, initial=initial, save=send)
        if existing is not None:
            uid = existing.uid

            def update(text: str) -> StoreCall:
                return UpdateAnnotation(uid, text, save.started_from)

            save = _Save(dialog, update, fallback=add, started_from=existing.rev)
        else:
            assert add is not None
            save = _Save(dialog, add)
        self.reader.app.push_screen(dialog, closed)

    # ---------------------------------------------------------- annotating

    def annotate_target(self) -> None:
        """`a`: a new annotation on the talk or event shown."""
        library, target = self.reader.library, self.reader.current_target()
        if library is None or target is None or not self._writable():
            return
        self._editor(
            sanitize_line(title_of(library, target)),
            add=lambda text: AddAnnotation(target, text),
        )

    def annotate_passage(self) -> None:
        """`A`: annotate the point under the cursor, or edit its annotation."""
        point, target = self.reader.current_point(), self.reader.current_target()
        if point is None or target is None:
            self.reader.app.notify("Move to a point in a column first (tab, then j/k)", timeout=3)
            return
        if not self._writable():
            return
        source, row = point
        anchor = passage_anchor(source, row)
        if anchor is None:
            self.reader.app.notify("This point cannot be annotated", severity="warning", timeout=3)
            return
        heading = f"Passage in {sanitize_line(source.note)}, line {row.line}"
        existing = [
            p
            for p in self.reader.attachments_now().for_target(target)
            if p.note == source.note
            and p.annotation.anchor is not None
            and p.line is not None
            and p.line == row.line
        ]
        self._editor(
            heading,
            context=anchor.quote,
            existing=existing[0].annotation if existing else None,
            add=_adder(target, anchor),
        )

    def undo_delete(self) -> None:
        if self._writable():
            self.reader.write(UndoDelete())

    # ---------------------------------------------------------------- tags

    def tag_counts(self) -> dict[str, int]:
        """Tag -> talks and events carrying it, from what was loaded: no disk on the UI
        thread (the store re-reads its file here after another process wrote it)."""
        attachments = self.reader.attachments_now()
        counts: Counter[str] = Counter()
        for tags in attachments.tags.values():
            counts.update(tags)
        for tag_set in attachments.orphan_tags:
            counts.update(tag_set.tags)
        return dict(counts)

    def edit_tags(self) -> None:
        """`t`: the tags of the talk or event shown, saved as the changes made to what
        the dialog showed (a tag added elsewhere meanwhile stays)."""
        from notetui.ui.dialogs.tags import TagsDialog

        library, target = self.reader.library, self.reader.current_target()
        if library is None or target is None or not self._writable():
            return
        current = self.reader.attachments_now().tags.get(target, ())
        known = sorted(self.tag_counts())
        save: _Save

        def send(tags: tuple[str, ...]) -> None:
            save.call = EditTags(target, current, tags)
            self._saving = save
            self.reader.write(save.call)

        dialog = TagsDialog(sanitize_line(title_of(library, target)), current, known, save=send)
        save = _Save(dialog, lambda _text: EditTags(target, current, current))
        self.reader.app.push_screen(dialog)

    def filter_tags(self) -> None:
        """`f`: show only the talks carrying the tags chosen."""
        from notetui.ui.dialogs.pick import TagFilterDialog

        if self.reader.library is None:
            return

        def chosen(tags: tuple[str, ...] | None) -> None:
            if tags is not None:
                self.reader.filter_tree(tags)

        counts = sorted(self.tag_counts().items())
        self.reader.app.push_screen(TagFilterDialog(counts, self.reader.tag_filter), chosen)

    # ---------------------------------------------------- all annotations

    def list_annotations(self, state: ListState | None = None) -> None:
        """`v`: every annotation, orphans included."""
        from notetui.ui.screens.annotations import AnnotationsScreen

        library = self.reader.library
        if self.reader.service is None or library is None:
            return
        rows = annotation_rows(library, self.reader.attachments_now())
        self.reader.app.push_screen(AnnotationsScreen(rows, state), self._chosen_in_list)

    def _chosen_in_list(self, action: AnnotationAction | None) -> None:
        """Edits, deletes and attaching come back to the list as it was, once written;
        opening goes to the annotation."""
        if action is None:
            return
        if action.kind == "open" and action.target_id:
            self._open(action.uid, action.target_id)
        elif action.kind == "delete":
            self._write_then_list(DeleteAnnotation(action.uid), action.state)
        elif action.kind == "undo":
            self._write_then_list(UndoDelete(), action.state)
        elif action.kind == "edit":
            self._edit(action.uid, action.state)
        elif action.kind == "attach":
            self._attach(action.uid, action.state)

    def _open(self, uid: str, target_id: str) -> None:
        placements = self.reader.attachments_now().placements
        placement = next((p for p in placements if p.annotation.uid == uid), None)
        library = self.reader.library
        if library is not None and library.talk(target_id):
            line = placement.line if placement else None
            note = placement.note if placement else None
            self.reader.open_talk(target_id, line=line, note=note)
        else:
            self.reader.open_event(target_id)

    def _edit(self, uid: str, state: ListState) -> None:
        placements = self.reader.attachments_now().placements
        placement = next((p for p in placements if p.annotation.uid == uid), None)
        if placement is None:
            return
        annotation = placement.annotation
        target = placement.target_id
        add = None if target is None else _adder(target, annotation.anchor)

        def closed(_text: str | None) -> None:
            # Saved or not, the list comes back as it was; by now it shows the save.
            self.list_annotations(replace(state, uid=uid))

        quote = annotation.anchor.quote if annotation.anchor else ""
        heading = sanitize_line(annotation.title or "Annotation")
        self._editor(heading, context=quote, existing=annotation, add=add, closed=closed)

    def _attach(self, uid: str, state: ListState) -> None:
        from notetui.ui.dialogs.pick import TalkPicker

        library = self.reader.library
        if library is None:
            return
        choices = [
            (talk.id, f"{library.event_of(talk).date or '—'}  {sanitize_line(talk.title)}")
            for talk in library.talks
        ]

        def picked(talk_id: str | None) -> None:
            if talk_id and self.reader.library is not None:
                self._write_then_list(AttachAnnotation(uid, talk_id), state)
            else:
                self.list_annotations(state)

        picker = TalkPicker(choices, "Attach the annotation to which talk?")
        self.reader.app.push_screen(picker, picked)


def _adder(target_id: str, anchor: Anchor | None) -> Callable[[str], StoreCall]:
    def add(text: str) -> StoreCall:
        return AddAnnotation(target_id, text, anchor)

    return add
