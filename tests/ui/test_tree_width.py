"""The library tree fits its titles: `<` `>` and a drag on its edge set its width, the
width is remembered for the next run, and a title too long is cut in the middle so
siblings that start alike stay apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import NARROW, WIDE, copy_notes, loaded, main, new_app, wait_for
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from notetui.ui.widgets.library_tree import LibraryTree, truncate_middle

pytestmark = pytest.mark.anyio


def tree_of(app: object) -> LibraryTree:
    return main(app).query_one(LibraryTree)  # type: ignore[arg-type]


async def test_keys_set_the_width_and_the_next_run_starts_with_it(tmp_path: Path) -> None:
    root = copy_notes(tmp_path)
    app = new_app(root, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await loaded(pilot)
        tree = tree_of(app)
        start = tree.outer_size.width
        await pilot.press("greater_than_sign", "greater_than_sign", "greater_than_sign")
        await wait_for(pilot, lambda: tree.outer_size.width == start + 12, "a wider tree")
        await pilot.press("less_than_sign")
        await wait_for(pilot, lambda: tree.outer_size.width == start + 8, "a step back")
    state = json.loads((tmp_path / "state.json").read_text("utf-8"))
    assert state["tree_width"] == start + 8
    again = new_app(root, tmp_path)
    async with again.run_test(size=WIDE) as pilot:
        await loaded(pilot)
        assert tree_of(again).outer_size.width == start + 8


async def test_dragging_the_edge_resizes_the_tree(tmp_path: Path) -> None:
    app = new_app(copy_notes(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await loaded(pilot)
        tree = tree_of(app)
        edge = tree.outer_size.width - 1
        assert await pilot.mouse_down(tree, offset=(edge, 3))
        await pilot.hover(main(app), offset=(99, 3))
        await pilot.mouse_up(main(app), offset=(99, 3))
        await wait_for(pilot, lambda: tree.outer_size.width == 100, "the tree to the mouse")
        assert tree.cursor_node is not None  # the press on the edge chose nothing
    state = json.loads((tmp_path / "state.json").read_text("utf-8"))
    assert state["tree_width"] == 100


async def test_long_titles_are_cut_in_the_middle_and_siblings_stay_apart(tmp_path: Path) -> None:
    app = new_app(copy_notes(tmp_path), tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        screen = await loaded(pilot)
        assert screen.library is not None
        tree = tree_of(app)
        room = tree.scrollable_content_region.width - tree.guide_depth
        cut = 0
        for event in screen.library.events:
            labels = []
            for talk in event.talks:
                node = tree._node_by_key[talk.id]
                label = tree.render_label(node, Style(), Style()).plain
                assert cell_len(label) <= room, label
                assert label.endswith(talk.title[-2:]), (label, talk.title)  # the end stays
                cut += "…" in label
                labels.append(label)
            assert len(set(labels)) == len({t.title for t in event.talks})
        assert cut  # at 80 columns some titles do not fit


def test_truncate_middle_keeps_both_ends_within_the_width() -> None:
    title = Text("19:35 3 プライベートクラウド刷新中に起きた障害と学んだ運用の話")
    for width in range(10, 60):
        cut = truncate_middle(title, width)
        assert cut.cell_len <= width
        if title.cell_len > width:
            assert cut.plain.startswith("19:3") and cut.plain.endswith("話") and "…" in cut.plain
    assert truncate_middle(title, 200).plain == title.plain
