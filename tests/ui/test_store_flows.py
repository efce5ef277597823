"""The reader and a second writer on one store: what the CLI or another window writes
shows up, an edit that meets a change made elsewhere loses neither text, a failed
save keeps the dialog and the text, and another folder's annotations are not orphans.

The second writer is a `Store` of its own on the same file, as another process has:
its own lock, its own journal reads, nothing shared with the app's.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import copy_notes, focused_view, loaded, main, new_app, row_lines, wait_for
from textual.pilot import Pilot
from textual.widgets import Static, TextArea

from notetui.core.annotations.records import folder_key
from notetui.core.annotations.service import AnnotationService
from notetui.core.annotations.store import Store
from notetui.core.load.library import load_library
from notetui.ui.dialogs.annotate import AnnotateDialog
from notetui.ui.dialogs.tags import TagsDialog
from notetui.ui.screens.annotations import AnnotationsScreen

pytestmark = pytest.mark.anyio


def elsewhere(root: Path, db: Path) -> AnnotationService:
    """The other writer: a store and a service of its own on the reader's file."""
    return AnnotationService(Store(db), load_library(root))


def shown_text(widget: Static) -> str:
    return str(widget.render())


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


async def test_an_annotation_written_elsewhere_shows_up_under_its_point(tmp_path: Path) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    other = elsewhere(root, db)
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        talk = screen.current_talk()
        assert talk is not None
        await pilot.press("enter")  # into the first column
        view = focused_view(app)
        row = next(i for i, r in enumerate(view.rows) if r.line and len(r.text) > 12)
        source = talk.sources[0]
        quote = view.rows[row].text.split("\n", 1)[0]
        target = other.target(talk.id)
        assert target is not None
        other.annotate(
            target, "written from the CLI", anchor=other.passage(target, quote, note=source.note)
        )
        await wait_for(pilot, lambda: view.rows[row].remarks, "the annotation to arrive", 3)

        def under_its_point() -> bool:
            return any("written from the CLI" in line for line in row_lines(view, row))

        await wait_for(pilot, under_its_point, "its text under the point", 3)
        assert any("✎" in line for line in row_lines(view, row))
        # the status line says it too, for the point under the cursor
        while view.cursor != row:
            await pilot.press("j")
        info = screen.query_one("#point-info", Static)
        assert "✎ written from the CLI" in shown_text(info)


async def test_an_edit_that_met_a_change_made_elsewhere_keeps_both_texts(tmp_path: Path) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    other = elsewhere(root, db)
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        talk = screen.current_talk()
        assert talk is not None
        target = other.target(talk.id)
        assert target is not None
        made = other.annotate(target, "first words")
        await wait_for(pilot, lambda: screen.attachments_now().for_target(talk.id), "it", 3)
        # edit it from the list of all annotations, while the other writer edits it too
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, AnnotationsScreen), "the list")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, AnnotateDialog), "the editor")
        dialog = app.screen
        assert isinstance(dialog, AnnotateDialog)
        other.edit(made.uid, "their words", started_from=made.rev)
        await type_text(pilot, " and mine")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: dialog.theirs is not None, "the conflict to be shown")
        assert app.screen is dialog  # still open, the user's text in it
        assert dialog.query_one(TextArea).text == "first words and mine"
        assert "their words" in shown_text(dialog.query_one("#theirs", Static))
        assert "Changed elsewhere" in shown_text(dialog.query_one("#problem", Static))
        assert other.store.annotation(made.uid).text == "their words"  # type: ignore[union-attr]
        # ctrl+s again: the user chose theirs to go
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not dialog, "the editor to close")
        assert other.store.annotation(made.uid).text == "first words and mine"  # type: ignore[union-attr]
        await wait_for(pilot, lambda: isinstance(app.screen, AnnotationsScreen), "the list again")


async def test_taking_their_text_saves_nothing_of_mine(tmp_path: Path) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    other = elsewhere(root, db)
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        talk = screen.current_talk()
        assert talk is not None
        target = other.target(talk.id)
        assert target is not None
        made = other.annotate(target, "first words")
        await wait_for(pilot, lambda: screen.attachments_now().for_target(talk.id), "it", 3)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, AnnotationsScreen), "the list")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, AnnotateDialog), "the editor")
        dialog = app.screen
        assert isinstance(dialog, AnnotateDialog)
        other.edit(made.uid, "their words", started_from=made.rev)
        await type_text(pilot, " mine")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: dialog.theirs is not None, "the conflict to be shown")
        await pilot.press("ctrl+o")
        assert dialog.query_one(TextArea).text == "their words"
        await pilot.press("ctrl+s")  # unchanged from theirs: nothing to save
        await wait_for(pilot, lambda: app.screen is not dialog, "the editor to close")
        assert other.store.annotation(made.uid).text == "their words"  # type: ignore[union-attr]


async def test_a_failed_save_keeps_the_dialog_and_the_text_for_another_try(
    tmp_path: Path,
) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    with Store(db) as store:
        store.add_annotation(target="talk", target_id="t-gone", text="older", title="Gone")
        journal = store.journal_path
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        # the store goes bad under the reader: its journal becomes a folder
        journal.unlink(missing_ok=True)
        journal.mkdir()
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AnnotateDialog), "the editor")
        dialog = app.screen
        assert isinstance(dialog, AnnotateDialog)
        await type_text(pilot, "keep this")
        await pilot.press("ctrl+s")
        problem = dialog.query_one("#problem", Static)
        await wait_for(pilot, lambda: "Not saved" in shown_text(problem), "the failure")
        assert app.screen is dialog and dialog.query_one(TextArea).text == "keep this"
        assert screen.is_attached  # and the reader is still there
        # the store is mended; ctrl+s again saves the same text
        shutil.rmtree(journal)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not dialog, "the editor to close")
        talk = screen.current_talk()
        assert talk is not None
        with Store(db) as store:
            texts = [a.text for a in store.annotations() if a.target_id == talk.id]
        assert texts == ["keep this"]


async def test_tags_added_elsewhere_while_the_dialog_was_open_are_kept(tmp_path: Path) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    other = elsewhere(root, db)
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        talk = screen.current_talk()
        assert talk is not None
        target = other.target(talk.id)
        assert target is not None
        other.change_tags(target, add=["alpha"])
        await wait_for(pilot, lambda: screen.attachments_now().tags.get(talk.id), "alpha", 3)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TagsDialog), "the tag editor")
        dialog = app.screen
        other.change_tags(target, add=["beta"])  # the CLI, meanwhile
        await pilot.press("end", "comma", *"gamma", "enter")
        await wait_for(pilot, lambda: app.screen is not dialog, "the tag editor to close")
        assert set(other.store.tags_of(talk.id)) == {"alpha", "beta", "gamma"}
        shown = {"alpha", "beta", "gamma"}
        await wait_for(
            pilot, lambda: set(screen.attachments_now().tags.get(talk.id, ())) == shown, "tags"
        )


async def test_another_folders_annotations_are_not_this_folders_orphans(tmp_path: Path) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    with Store(db) as store:
        store.add_annotation(
            target="talk",
            target_id="t-elsewhere",
            text="made while reading another folder",
            title="A talk only the other folder has",
            root=folder_key(tmp_path / "other-notes"),
        )
        store.add_annotation(
            target="talk",
            target_id="t-gone",
            text="its talk left this folder",
            title="A talk deleted from these notes",
            root=folder_key(root),
        )
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, AnnotationsScreen), "the list")
        listed = app.screen
        assert isinstance(listed, AnnotationsScreen)
        assert [(r.text, r.orphan) for r in listed.rows] == [("its talk left this folder", True)]
        assert main(app).attachments_now().elsewhere[0].text == "made while reading another folder"


async def test_an_events_passage_annotation_shows_under_its_point(tmp_path: Path) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    other = elsewhere(root, db)
    event = next(e for e in other.library.events if e.sections)
    source = event.sections[0]
    quote = next(line.strip() for line in source.section.body.split("\n") if len(line) > 12)
    target = other.target(event.id)
    assert target is not None
    other.annotate(target, "about the venue", anchor=other.passage(target, quote))
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        screen.open_event(event.id)
        views = screen.pane.event_view.sources.point_views()

        def shown_under_a_point() -> bool:
            return any(row.remarks == ("about the venue",) for view in views for row in view.rows)

        await wait_for(pilot, shown_under_a_point, "the event's passage annotation")
