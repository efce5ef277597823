"""State a user must be able to see: what `x` will export (whatever has focus), and
a status line that always describes the point under the cursor of the column read."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import WIDE, copy_notes, loaded, new_app, wait_for
from textual.widgets import Input, Static

from notetui.core.annotations.store import Store
from notetui.core.load.library import load_library
from notetui.ui.dialogs.export import ExportDialog
from notetui.ui.widgets.columns import SourcesPane

pytestmark = pytest.mark.anyio


def shown(widget: Static) -> str:
    return " ".join(str(widget.render()).split())


async def test_the_export_dialog_says_what_goes_and_focus_does_not_change_it(
    tmp_path: Path,
) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    library = load_library(root)
    first = library.talks[0]
    tagged = [t for t in library.talks if t.id != first.id][:2]
    with Store(db) as store:
        for talk in tagged:
            store.set_tags(target="talk", target_id=talk.id, tags=["k8s"])
    out = tmp_path / "out"
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        screen.filter_tree(("k8s",))
        screen.open_talk(first.id, focus=False)  # shown, though the filter hides it
        await pilot.pause()
        for where in ("the tree", "a column"):
            if where == "a column":
                await pilot.press("tab")
                assert not screen.tree_focused()
            else:
                assert screen.tree_focused()
            await pilot.press("x")
            await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog), "the dialog")
            dialog = app.screen
            assert isinstance(dialog, ExportDialog)
            assert dialog.scope.key == "talk", where
            assert first.title in shown(dialog.query_one("#what", Static))
            assert [s.key for s in dialog.scopes] == ["talk", "event", "filter"]
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is screen, "the reader")
        # choosing the filter says so before anything is written, then writes just that
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog), "the dialog")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        await pilot.click("#scope-filter")
        what = shown(dialog.query_one("#what", Static))
        assert "#k8s" in what and "2 talks" in what, what
        dialog.query_one("#folder", Input).value = str(out)
        dialog.query_one("#folder", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: out.exists() and any(out.rglob("*.md")), "the export")
        await app.workers.wait_for_complete()
        written = "\n".join(p.read_text("utf-8") for p in out.rglob("*.md"))
        assert all(talk.title in written for talk in tagged)
        assert first.title not in written


async def test_the_status_line_describes_the_point_of_the_column_read(tmp_path: Path) -> None:
    app = new_app(copy_notes(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        screen = await loaded(pilot)
        talk = screen.current_talk()
        assert talk is not None and len(talk.sources) >= 2
        await pilot.press("enter", "j", "j")
        sources = screen.query_one("#talk").query_one(SourcesPane)
        info = sources.query_one("#point-info", Static)

        def describes(column: int) -> bool:
            row = sources.point_views()[column].current
            assert row is not None and row.line is not None
            return f"line {row.line} of {talk.sources[column].note}" in shown(info)

        assert describes(0)
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: describes(1), "the second column's point")
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: describes(0), "the first column's point again")
        await pilot.press("m")  # the merged list: its own cursor's point
        merged = sources.merged_view
        await wait_for(pilot, lambda: merged.current is not None, "the merged list")
        row = merged.current
        assert row is not None
        await wait_for(pilot, lambda: f"line {row.line} of {row.note}" in shown(info), "merged")
