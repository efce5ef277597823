"""Fast keys: no busy loop after them, no race between the talks they open.

Bug checks with wide margins, not timings: an idle reader uses (next to) no CPU, and
fifty talks opened as fast as keys arrive leave every worker finished cleanly and
the last talk on screen, header and columns alike.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import loaded, new_app, wait_for
from terminal import Terminal
from textual import events
from textual.worker import WorkerState

from notetui.core.load.library import load_library
from notetui.ui.rows import source_label
from notetui.ui.widgets.point_view import PointView
from notetui.ui.widgets.talk_view import TalkView

pytestmark = pytest.mark.anyio


@pytest.fixture
def terminal(notes_dir: Path, tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal([str(notes_dir)], cwd=tmp_path)
    yield term
    term.close()


def test_fast_column_and_talk_keys_leave_the_reader_idle(
    notes_dir: Path, terminal: Terminal
) -> None:
    talks = load_library(notes_dir, cache=False).talks
    terminal.wait_for(talks[0].title[:12])
    terminal.settle()
    terminal.send("\t")  # into the first column
    terminal.settle()
    terminal.send("][][][][")
    terminal.send("jjjjjjnnnnjjjjnnnn")
    terminal.send("][")
    terminal.wait_for(talks[8 % len(talks)].title[:12])  # every key was read
    terminal.settle(quiet=1.0)

    # Idle once the keys are done: a loop of messages never gets there. The keys may
    # take a while on a busy machine, so the check is the first two quiet seconds.
    for _ in range(10):
        start_cpu, start = terminal.cpu_seconds(), time.monotonic()
        while time.monotonic() - start < 2.0:
            terminal.pump(0.1)
        used = (terminal.cpu_seconds() - start_cpu) / (time.monotonic() - start)
        if used < 0.10:
            break
    assert used < 0.10, f"the reader used {used:.0%} of a core, twenty seconds after the keys"

    terminal.send("q")
    assert terminal.wait_exit(timeout=5) == 0


async def test_fifty_talks_as_fast_as_keys_arrive_leave_no_failed_worker(
    notes_dir: Path, tmp_path: Path
) -> None:
    app = new_app(notes_dir, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        library = screen.library
        assert library is not None
        talks = library.talks
        # Keys posted without waiting between them, as held keys send them, with the
        # column keys between the talks.
        await pilot.press("tab")  # into the first column: j moves points, not the tree
        await wait_for(pilot, lambda: isinstance(app.focused, PointView), "a column")
        keys = {"right_square_bracket": "]", "left_square_bracket": "["}
        burst = ["n", "right_square_bracket", "j", "left_square_bracket"] * 50
        for key in burst:
            app.post_message(events.Key(key, keys.get(key, key)))
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause()
        failed = [w for w in app.workers if w.state is WorkerState.ERROR]
        assert not failed, [w.error for w in failed]
        assert app.is_running

        expected = talks[50 % len(talks)]
        assert screen.current_talk() == expected
        view = screen.query_one(TalkView)
        assert view.header.query_one("#title").render().plain == expected.title
        labels = [spec.label for spec in view.sources.specs]
        assert labels == [source_label(source) for source in expected.sources]
        assert len(view.sources.point_views()) == len(expected.sources)
