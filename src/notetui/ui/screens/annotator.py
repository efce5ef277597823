"""The reader's annotation and tag editing: which dialog to open, and which typed
store call (`store_calls`) its answer becomes.

The reader screen owns the state (the library, what is shown, the store) and runs
the calls in its store worker; this only asks the user and builds the calls.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
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
    SetTags,
    StoreCall,
    Target,
    UndoDelete,
    UpdateAnnotation,
)

if TYPE_CHECKING:
    from notetui.core.annotations.anchoring import Attachments
    from notetui.core.annotations.store import Anchor, Store


class Reader(Protocol):
    """What the annotator needs of the reader screen."""

    library: Library | None
    store: Store | None
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


class Annotator:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self._reopen: ListState | None = None  # the list to show again after a write

    # -------------------------------------------------------------- writing

    def _writable(self) -> bool:
        if self.reader.store is None:
            self.reader.app.notify(
                "The annotation store could not be opened; run `notetui db check`.",
                severity="error",
                markup=False,
            )
            return False
        return True

    def written(self, message: StoreWritten) -> None:
        """A write landed: show the annotations list again if it was open."""
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

    def _target(self) -> Target | None:
        library, target = self.reader.library, self.reader.current_target()
        if library is None or target is None:
            return None
        return Target.of(library, target)

    # ---------------------------------------------------------- annotating

    def annotate_target(self) -> None:
        """`a`: a new annotation on the talk or event shown."""
        from notetui.ui.dialogs.annotate import AnnotateDialog

        target = self._target()
        if target is None or not self._writable():
            return
        self.reader.app.push_screen(
            AnnotateDialog(sanitize_line(target.title)), self._adder(target, None)
        )

    def _adder(self, target: Target, anchor: Anchor | None) -> Callable[[str | None], None]:
        def saved(text: str | None) -> None:
            if text:
                self.reader.write(AddAnnotation(target, text, anchor))

        return saved

    def annotate_passage(self) -> None:
        """`A`: annotate the point under the cursor, or edit its annotation."""
        from notetui.ui.dialogs.annotate import AnnotateDialog

        point, target = self.reader.current_point(), self._target()
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
            for p in self.reader.attachments_now().for_target(target.id)
            if p.note == source.note
            and p.annotation.anchor is not None
            and p.line is not None
            and p.line == row.line
        ]
        if not existing:
            dialog = AnnotateDialog(heading, context=anchor.quote)
            self.reader.app.push_screen(dialog, self._adder(target, anchor))
            return
        current = existing[0].annotation

        def edited(text: str | None) -> None:
            if text is None:
                return
            if text.strip():
                self.reader.write(UpdateAnnotation(current.uid, text))
            else:
                self.reader.write(DeleteAnnotation(current.uid))

        dialog = AnnotateDialog(heading, context=anchor.quote, initial=current.text)
        self.reader.app.push_screen(dialog, edited)

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
        """`t`: the tags of the talk or event shown."""
        from notetui.ui.dialogs.tags import TagsDialog

        target = self._target()
        if target is None or not self._writable():
            return

        def saved(tags: tuple[str, ...] | None) -> None:
            if tags is not None:
                self.reader.write(SetTags(target, tags))

        current = self.reader.attachments_now().tags.get(target.id, ())
        known = sorted(self.tag_counts())
        dialog = TagsDialog(sanitize_line(target.title), current, known)
        self.reader.app.push_screen(dialog, saved)

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
        if self.reader.store is None or library is None:
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
        from notetui.ui.dialogs.annotate import AnnotateDialog

        placements = self.reader.attachments_now().placements
        annotation = next((p.annotation for p in placements if p.annotation.uid == uid), None)
        if annotation is None:
            return

        def edited(text: str | None) -> None:
            if text is None:
                self.list_annotations(state)
            else:
                self._write_then_list(UpdateAnnotation(uid, text), state)

        quote = annotation.anchor.quote if annotation.anchor else ""
        heading = sanitize_line(annotation.title or "Annotation")
        dialog = AnnotateDialog(heading, context=quote, initial=annotation.text)
        self.reader.app.push_screen(dialog, edited)

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
                target = Target.of(self.reader.library, talk_id)
                self._write_then_list(AttachAnnotation(uid, target), state)
            else:
                self.list_annotations(state)

        picker = TalkPicker(choices, "Attach the annotation to which talk?")
        self.reader.app.push_screen(picker, picked)
