"""Splitting notes in worker processes (`core.load.pool`): the same library as
in-process, the per-note budget still holding in the workers, and a dead worker
costing at most the note that killed it, never the load.

The pool is forced on for these small folders (`POOL_MIN_NOTES` = 0, two workers).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from notetui.core.load import library, pool
from notetui.core.load.budget import LoadCancelled
from notetui.core.load.library import load_library
from notetui.core.models import Library
from support import hostile, pool_faults
from support.paths import CORPUS, NOTES, WILD, benchmark_script, need_shared

GOOD = "# 並べて読む勉強会\n\n## 並べて読めるノートの発表\n\n- 本文\n"
GUARD_SECONDS = 120  # turns a hang into a failure; not a timing assertion


@pytest.fixture
def in_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "POOL_MIN_NOTES", 0)
    monkeypatch.setenv("NOTETUI_WORKERS", "2")


def serial(root: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    with monkeypatch.context() as local:
        local.setenv("NOTETUI_WORKERS", "1")
        return load_library(root, cache=False)


def problems(lib: Library) -> dict[str, str]:
    return {p.note: p.message for p in lib.problems}


def many_notes(tmp_path: Path, extra: dict[str, str]) -> Path:
    """Forty small notes (enough for several chunks) and `extra`."""
    root = tmp_path / "notes"
    notes = {f"n{i:02}.md": GOOD.replace("並べて", f"並べて{i}回") for i in range(40)}
    hostile.write(root, {**notes, **extra})
    return root


@pytest.mark.parametrize("root", [NOTES, CORPUS, WILD], ids=["samples", "corpus", "wild"])
def test_the_pool_gives_the_library_serial_loading_gives(
    root: Path, in_workers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if root != NOTES:  # our samples are always here; the real notes only beside a clone
        need_shared(root)
    spied: list[int] = []
    real = pool.run_in_pool
    monkeypatch.setattr(
        library,
        "run_in_pool",
        lambda root, jobs, *rest: spied.append(len(jobs)) or real(root, jobs, *rest),
    )
    pooled = load_library(root, cache=False)
    assert spied and spied[0] >= len(pooled.notes)  # every note went to the workers
    assert pooled == serial(root, monkeypatch)
    assert pooled.talks


def test_a_generated_library_is_the_same_from_the_pool(
    tmp_path: Path, in_workers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    benchmark_script("generate").generate(tmp_path / "gen", 120, seed=11)
    root = tmp_path / "gen" / "notes"
    spied: list[str] = []
    real = pool.run_in_pool
    monkeypatch.setattr(
        library,
        "run_in_pool",
        lambda root, jobs, workers, work, *rest: (
            spied.append(work.run_chunk.__name__) or real(root, jobs, workers, work, *rest)
        ),
    )
    pooled = load_library(root, cache=False)
    # The first split and the second look with other notes' titles both ran there.
    assert spied == ["_load_chunk", "_resplit_chunk"]
    assert pooled == serial(root, monkeypatch)
    assert len(pooled.notes) > 100


def test_the_budget_cuts_a_note_off_in_a_worker(
    tmp_path: Path, in_workers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library, "_load_chunk", pool_faults.spinning_chunk)
    root = many_notes(tmp_path, {"slow.md": GOOD})
    started = time.monotonic()
    lib = load_library(root, cache=False)
    assert time.monotonic() - started < GUARD_SECONDS
    assert problems(lib) == {
        "slow.md": "cut off: it took over 2 s (the limit for one note); no talks kept"
    }
    assert len(lib.notes) == 40


def test_a_worker_that_dies_costs_only_its_note(
    tmp_path: Path, in_workers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Last in the walk: the chunks before it came back before its worker died.
    root = many_notes(tmp_path, {"zz-crash.md": GOOD.replace("並べて", "落ちる")})
    expected = serial(root, monkeypatch)
    monkeypatch.setattr(library, "_load_chunk", pool_faults.crashing_chunk)
    lib = load_library(root, cache=False)
    assert problems(lib) == {"zz-crash.md": "could not be read: the process reading it stopped"}
    assert [n for n in expected.notes if n.path != "zz-crash.md"] == list(lib.notes)


def test_workers_that_cannot_run_leave_the_load_to_this_process(
    tmp_path: Path, in_workers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = many_notes(tmp_path, {})
    expected = serial(root, monkeypatch)
    monkeypatch.setattr(library, "_load_chunk", pool_faults.dead_chunk)
    assert load_library(root, cache=False) == expected


def test_cancelling_stops_a_pooled_load(
    tmp_path: Path, in_workers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library, "_load_chunk", pool_faults.spinning_chunk)
    root = many_notes(tmp_path, {"slow.md": GOOD})
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(LoadCancelled):
        load_library(root, cache=False, cancelled=cancel.is_set)
    assert time.monotonic() - started < 1.9  # not waiting for the 2 s budget


def test_a_small_folder_loads_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*_args: object) -> None:
        raise AssertionError("a pool for a few notes")

    monkeypatch.setattr(library, "run_in_pool", no_pool)
    monkeypatch.delenv("NOTETUI_WORKERS", raising=False)
    assert load_library(NOTES, cache=False).talks


def test_notetui_workers_sets_the_pool_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTETUI_WORKERS", "1")
    assert pool.workers_for(10_000) == 0
    monkeypatch.setenv("NOTETUI_WORKERS", "3")
    assert pool.workers_for(10_000) == 3
    assert pool.workers_for(pool.POOL_MIN_NOTES - 1) == 0
