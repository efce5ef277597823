"""Chunk readers for the worker processes of `core.load.pool` that misbehave on cue.

They run in the workers, so they cannot be set up with monkeypatch there: the tests
monkeypatch `library._load_chunk` to one of these (pickled by name, imported by the
worker), and each arranges its fault in the worker before reading as usual.
"""

from __future__ import annotations

import os
from typing import Any

from notetui.core.load import library

real_split = library.split_note


def spin_on_slow(text: Any, rel: str, known: Any = ()) -> Any:
    """A parser stage that never polls and never ends, for the note named slow.md."""
    if rel != "slow.md":
        return real_split(text, rel, known)
    n = 0
    while True:
        n += 1


def spinning_chunk(root: str, jobs: list[tuple[str, str]]) -> bytes:
    """slow.md never finishes splitting: the budget must cut it off in the worker."""
    library.split_note = spin_on_slow
    library._PREFIX_SHARES = ()  # its first part would spin too
    return library._load_chunk(root, jobs)


def crashing_chunk(root: str, jobs: list[tuple[str, str]]) -> bytes:
    """The worker dies (as from a crash in C code) when given a note named ...crash.md."""
    if any(rel.endswith("crash.md") for _, rel in jobs):
        os._exit(70)
    return library._load_chunk(root, jobs)


def dead_chunk(_root: str, _jobs: list[tuple[str, str]]) -> bytes:
    """Every worker dies at once: as when worker processes cannot run here at all."""
    os._exit(70)
