"""A big library opens with its events folded and adds an event's talks when it is
unfolded. The threshold is lowered so the sample notes count as big."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import copy_notes, loaded, new_app, tree_cursor, tree_ids, tree_widget, wait_for

from notetui.ui.widgets import library_tree
from notetui.ui.widgets.library_tree import NodeRef

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def big_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(library_tree, "LAZY_EVENTS", 1)


async def test_a_big_library_opens_folded_and_unfolds_on_demand(tmp_path: Path) -> None:
    root = copy_notes(tmp_path)
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        library = screen.library
        assert library is not None
        first, second = library.events[0], library.events[1]
        # Only the first talk's event was unfolded, to show that talk.
        assert tree_cursor(app) == NodeRef("talk", first.talks[0].id)
        assert set(tree_ids(app, "talk")) == {t.id for t in first.talks}
        assert tree_ids(app, "event") == [e.id for e in library.events]

        tree = tree_widget(app)
        tree.focus()
        tree.move_to(NodeRef("event", second.id))
        await wait_for(pilot, lambda: tree_cursor(app) == NodeRef("event", second.id), "event")
        assert not any(t.id in tree_ids(app, "talk") for t in second.talks)
        await pilot.press("l")  # unfold: its talks and its event notes appear, in order
        await wait_for(pilot, lambda: second.talks[0].id in tree_ids(app, "talk"), "talks")
        assert [i for i in tree_ids(app, "talk") if i in {t.id for t in second.talks}] == [
            t.id for t in second.talks
        ]
        if second.sections:
            assert second.id in tree_ids(app, "event-notes")
        await pilot.press("j")
        assert tree_cursor(app) == NodeRef("talk", second.talks[0].id)


async def test_jumping_to_a_talk_in_a_folded_event_finds_it(tmp_path: Path) -> None:
    root = copy_notes(tmp_path)
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        library = screen.library
        assert library is not None
        last = library.events[-1].talks[-1]
        screen.open_talk(last.id)  # as search, the palette and n/p do
        await wait_for(pilot, lambda: tree_cursor(app) == NodeRef("talk", last.id), "the talk")
        assert screen.current_talk() == last

        await pilot.press("p")  # and the talk before it, in a folded event or not
        before = library.talks[library.talks.index(last) - 1]
        await wait_for(pilot, lambda: tree_cursor(app) == NodeRef("talk", before.id), "p")
