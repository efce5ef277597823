"""A start draws the tree from the cache's outline, then swaps the full library in.

The full load is held back by a gate (the loader's `load_library`, wrapped), so what
the reader shows before the library arrives can be looked at and used: the tree must
be there, keys pressed on it must do what they say once the library is in, and the
swap must not move anything the user sees (labels, cursor, open events).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    copy_notes,
    loaded,
    main,
    new_app,
    tree_cursor,
    tree_ids,
    tree_nodes,
    tree_widget,
    wait_for,
)

from notetui.core.load import library as library_module
from notetui.core.load.library import load_library
from notetui.core.load.outline import read_outline
from notetui.ui.widgets import library_tree
from notetui.ui.widgets.library_tree import LibraryTree, NodeRef
from notetui.ui.widgets.point_view import PointView

pytestmark = pytest.mark.anyio


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """While unset, the reader's full load waits (the outline is read before it)."""
    opened = threading.Event()
    real = library_module.load_library

    def late_load(*args: Any, **kwargs: Any) -> Any:
        opened.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(library_module, "load_library", late_load)
    yield opened
    opened.set()  # never leave a worker waiting


def warm(root: Path) -> None:
    """A start before this one filled the cache (the UI tests' NOTETUI_CACHE)."""
    load_library(root)
    assert read_outline(root) is not None


def open_events(tree: LibraryTree) -> dict[str, bool]:
    return {
        node.data.id: node.is_expanded
        for node in tree.root.children
        if node.data is not None and node.data.kind == "event"
    }


async def test_the_tree_is_drawn_from_the_outline_before_the_library_loads(
    tmp_path: Path, gate: threading.Event
) -> None:
    root = copy_notes(tmp_path)
    warm(root)
    full = load_library(root)
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: tree_ids(app, "talk"), "the outline's tree")
        screen = main(app)
        assert screen.library is None  # still held at the gate
        assert tree_ids(app, "event") == [e.id for e in full.events]
        assert tree_ids(app, "talk") == [t.id for t in full.talks]
        assert tree_cursor(app) == NodeRef("talk", full.talks[0].id)
        before = list(tree_nodes(app))

        gate.set()
        await loaded(pilot)
        # The same rows, labels and cursor: the library slid in behind them.
        problem_rows = [(ref, label) for ref, label in tree_nodes(app) if ref.kind == "problem"]
        assert [n for n in tree_nodes(app) if n[0].kind != "problem"] == before
        assert len(problem_rows) == len(full.problems)
        assert tree_cursor(app) == NodeRef("talk", full.talks[0].id)
        assert screen.shown == NodeRef("talk", full.talks[0].id)


async def test_what_the_user_did_on_the_outline_survives_the_swap(
    tmp_path: Path, gate: threading.Event
) -> None:
    root = copy_notes(tmp_path)
    warm(root)
    full = load_library(root)
    first, second = full.events[0], full.events[1]
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: tree_ids(app, "talk"), "the outline's tree")
        tree = tree_widget(app)
        tree.focus()
        tree.move_to(NodeRef("event", first.id))
        await pilot.pause()
        await pilot.press("h")  # fold the first event
        target = second.talks[-1]
        assert isinstance(tree, LibraryTree)
        tree.move_to(NodeRef("talk", target.id))
        await wait_for(pilot, lambda: tree_cursor(app) == NodeRef("talk", target.id), "cursor")
        await pilot.press("enter")  # open a talk the library has not brought yet
        await pilot.pause(0.2)
        assert main(app).library is None
        scrolled = tree.scroll_y
        opened = open_events(tree)
        assert opened[first.id] is False

        gate.set()
        await loaded(pilot)
        screen = main(app)
        assert screen.shown == NodeRef("talk", target.id)  # enter did open it
        assert isinstance(screen.focused, PointView)  # in its columns, as enter does
        assert tree_cursor(app) == NodeRef("talk", target.id)
        assert open_events(tree) == opened
        assert tree.scroll_y == scrolled


async def test_a_stale_outline_is_replaced_with_the_view_kept(
    tmp_path: Path, gate: threading.Event
) -> None:
    """Notes changed since the cache was written: the library's tree differs from the
    outline's, and is drawn again, the cursor and the open events where they were."""
    root = copy_notes(tmp_path)
    warm(root)
    before = load_library(root, cache=False)
    gone = before.events[-1]
    for note in gone.notes:
        (root / note).unlink()
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: tree_ids(app, "talk"), "the outline's tree")
        assert gone.id in tree_ids(app, "event")  # the outline is of the old notes
        tree = tree_widget(app)
        assert isinstance(tree, LibraryTree)
        tree.focus()
        kept = before.events[1]
        tree.move_to(NodeRef("event", kept.id))
        await pilot.pause()
        await pilot.press("h")
        await wait_for(pilot, lambda: open_events(tree)[kept.id] is False, "folded")
        opened = open_events(tree)

        gate.set()
        await loaded(pilot)
        assert gone.id not in tree_ids(app, "event")
        assert tree_cursor(app) == NodeRef("event", kept.id)
        now = open_events(tree)
        assert now == {k: v for k, v in opened.items() if k in now}
        assert main(app).shown == NodeRef("event", kept.id)


async def test_a_big_library_unfolds_on_the_outline(
    tmp_path: Path, gate: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Folded at the start (as a big library is): unfolding an event on the outline
    shows its talks, and it stays unfolded with the library in."""
    monkeypatch.setattr(library_tree, "LAZY_EVENTS", 1)
    root = copy_notes(tmp_path)
    warm(root)
    full = load_library(root)
    last = full.events[-1]
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: tree_ids(app, "talk"), "the outline's tree")
        assert not any(t.id in tree_ids(app, "talk") for t in last.talks)
        tree = tree_widget(app)
        assert isinstance(tree, LibraryTree)
        tree.focus()
        tree.move_to(NodeRef("event", last.id))
        await pilot.pause()
        await pilot.press("l")
        await wait_for(pilot, lambda: last.talks[0].id in tree_ids(app, "talk"), "its talks")
        await pilot.press("j")
        assert tree_cursor(app) == NodeRef("talk", last.talks[0].id)

        gate.set()
        await loaded(pilot)
        assert open_events(tree)[last.id] is True
        assert tree_cursor(app) == NodeRef("talk", last.talks[0].id)
        assert main(app).shown == NodeRef("talk", last.talks[0].id)


async def test_a_cold_start_splits_the_notes_in_worker_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """No cache yet: the reader's load goes to the pool (forced on for the samples),
    which must start under Textual (its stderr has no file descriptor)."""
    from notetui.core.load import pool

    monkeypatch.setattr(pool, "POOL_MIN_NOTES", 0)
    monkeypatch.setenv("NOTETUI_WORKERS", "2")
    ran: list[int] = []
    real = pool.run_in_pool

    def spy(root: Path, jobs: Any, *rest: Any) -> None:
        ran.append(len(jobs))
        real(root, jobs, *rest)

    monkeypatch.setattr(library_module, "run_in_pool", spy)
    root = copy_notes(tmp_path)
    with monkeypatch.context() as here:  # in-process: the reader is first to start workers
        here.setenv("NOTETUI_WORKERS", "1")
        expected = load_library(root, cache=False)
    app = new_app(root, tmp_path)
    caplog.set_level(logging.WARNING, logger="notetui.core.load.pool")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        assert ran and ran[0] >= len(expected.notes)
        # The workers did the work: none failed to start, none left it to this process.
        assert [r.getMessage() for r in caplog.records if r.name.endswith(".pool")] == []
        assert screen.library is not None
        assert [t.id for t in screen.library.talks] == [t.id for t in expected.talks]
        assert screen.library.problems == expected.problems
