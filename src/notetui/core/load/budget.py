"""A time and memory budget for loading one note.

A note's load runs under `note_budget()`. Long loops anywhere below it call
`poll()`, which costs a counter increment most of the time and reads the clock (and
now and then the process's memory) every few dozen calls. Past the budget, `poll`
raises `BudgetExceeded`; the per-note guard in `library.py` turns that into a
problem line and keeps what was found so far. `poll` also raises `LoadCancelled`
when the load was cancelled (the reader quit), so one long note never keeps a
cancelled load running.

The budget lives in a thread-local: the reader loads in a worker thread, the CLI
in the main thread, and neither needs to pass a budget down through the parser.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# A meetup note takes milliseconds. These are for files that are not really notes
# (an exported archive, a log saved as .md): stop them before the user waits.
NOTE_SECONDS = 2.0
NOTE_MEGABYTES = 200

# Read the clock every this many polls, the memory at most every this many seconds.
_CLOCK_EVERY = 32
_MEMORY_EVERY = 0.02

Cancelled = Callable[[], bool]


class LoadCancelled(Exception):
    """`load_library` stopped because its `cancelled` callback said so."""


class BudgetExceeded(Exception):
    """One note needed more time or memory than its budget.

    `reason` is the end of a problem line ("took over 2 s"). A stage that can hand
    back what it found so far sets `partial` before re-raising (any object the
    caller of that stage understands; for `split_note`, a `Note`).
    """

    def __init__(self, reason: str, partial: object | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.partial = partial


def _page_size() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return 4096


_PAGE = _page_size()


def resident_bytes() -> int | None:
    """This process's resident memory now, or None where it cannot be read cheaply."""
    try:
        with open("/proc/self/statm", "rb") as file:  # noqa: PTH123 - hot path: no Path object
            return int(file.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


@dataclass
class Budget:
    """One note's allowance. Use through `note_budget()` and `poll()`."""

    seconds: float = NOTE_SECONDS
    megabytes: float = NOTE_MEGABYTES
    cancelled: Cancelled | None = None
    started: float = 0.0
    _deadline: float = 0.0
    _memory_base: int | None = None
    _next_memory_check: float = 0.0
    _polls: int = 0

    def start(self) -> None:
        self.started = time.monotonic()
        self._deadline = self.started + self.seconds
        self._memory_base = resident_bytes()
        self._next_memory_check = self.started + _MEMORY_EVERY
        self._polls = 0

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def check(self) -> None:
        """The full check: cancellation, the clock and the memory."""
        if self.cancelled is not None and self.cancelled():
            raise LoadCancelled
        now = time.monotonic()
        if now > self._deadline:
            raise BudgetExceeded(f"took over {self.seconds:g} s")
        if self._memory_base is not None and now >= self._next_memory_check:
            self._next_memory_check = now + _MEMORY_EVERY
            current = resident_bytes()
            if current is not None and current - self._memory_base > self.megabytes * 1e6:
                raise BudgetExceeded(f"needed over {self.megabytes:g} MB")


_active = threading.local()


def active() -> Budget | None:
    """The budget of the note this thread is loading, if any."""
    budget: Budget | None = getattr(_active, "budget", None)
    return budget


def poll() -> None:
    """Call often from long loops: raises BudgetExceeded or LoadCancelled when due.

    Cheap: outside a note's load it returns at once, inside it reads the clock only
    every few dozen calls."""
    budget: Budget | None = getattr(_active, "budget", None)
    if budget is None:
        return
    budget._polls += 1
    if budget._polls % _CLOCK_EVERY == 0:
        budget.check()


@contextmanager
def note_budget(
    seconds: float = NOTE_SECONDS,
    megabytes: float = NOTE_MEGABYTES,
    cancelled: Cancelled | None = None,
) -> Iterator[Budget]:
    """Run the body under a fresh budget (nested use replaces the outer one for the
    duration, then restores it)."""
    budget = Budget(seconds, megabytes, cancelled)
    budget.start()
    outer = active()
    _active.budget = budget
    try:
        yield budget
    finally:
        _active.budget = outer
