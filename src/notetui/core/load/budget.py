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

Code that never polls (a loop nobody has instrumented, a parser being rewritten)
is held to the budget too: a watchdog thread, idle unless a note is loading,
checks the clock and the memory every 20 ms and raises `BudgetExceeded` in the
loading thread at its next bytecode (CPython's `PyThreadState_SetAsyncExc`). That
is a backstop: a poll stops at a safe point and can hand back partial results.
Neither can interrupt one long call into C (a single regex over 8 MB).
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# A meetup note takes milliseconds. These are for files that are not really notes
# (an exported archive, a log saved as .md): stop them before the user waits.
NOTE_SECONDS = 2.0  # of the loading thread's CPU time (see _WALL_FACTOR)
NOTE_MEGABYTES = 200

# Read the clock every this many polls, the memory at most every this many seconds.
_CLOCK_EVERY = 32
_MEMORY_EVERY = 0.02
# The 2 s are the loading thread's CPU time: what the note needs, however busy the
# machine is (wall-clock time would cut good notes on a loaded machine, and make the
# tests flaky). Wall-clock time only stops a note at this many times the budget.
_WALL_FACTOR = 15

Cancelled = Callable[[], bool]


class LoadCancelled(Exception):
    """`load_library` stopped because its `cancelled` callback said so."""


def check_cancelled(cancelled: Cancelled | None) -> None:
    """Raise LoadCancelled if `cancelled()` says the load should stop."""
    if cancelled is not None and cancelled():
        raise LoadCancelled


class BudgetExceeded(BaseException):
    """One note needed more time or memory than its budget.

    A BaseException, like `KeyboardInterrupt` and asyncio's `CancelledError`, and
    for the same reason: it abandons the work in progress, so no `except
    Exception` in the code being abandoned may swallow it.

    `reason` is the end of a problem line ("took over 2 s"). A stage that can hand
    back what it found so far sets `partial` before re-raising (any object the
    caller of that stage understands; for `split_note`, a `Note`).
    """

    def __init__(self, reason: str | None = None, partial: object | None = None) -> None:
        if reason is None:  # raised by the watchdog, which can only name the class
            budget = active()
            reason = budget.overrun if budget is not None and budget.overrun else "ran too long"
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


def _thread_cpu_clock() -> int | None:
    """The CPU-time clock of the calling thread, readable from any thread (POSIX)."""
    try:
        return time.pthread_getcpuclockid(threading.get_ident())
    except (AttributeError, OSError):
        return None


def _cpu_seconds(clock: int | None) -> float | None:
    if clock is None:
        return None
    try:
        return time.clock_gettime(clock)
    except OSError:
        return None


@dataclass
class Budget:
    """One note's allowance. Use through `note_budget()` and `poll()`."""

    seconds: float = NOTE_SECONDS
    megabytes: float = NOTE_MEGABYTES
    cancelled: Cancelled | None = None
    started: float = 0.0
    _deadline: float = 0.0
    _cpu_clock: int | None = None
    _cpu_started: float | None = None
    _memory_base: int | None = None
    _next_memory_check: float = 0.0
    _polls: int = 0
    overrun: str | None = None  # why the watchdog stopped this note, once it has
    cancelled_seen: bool = False  # the watchdog saw `cancelled()`: a LoadCancelled, really

    def start(self) -> None:
        self.started = time.monotonic()
        self._deadline = self.started + self.seconds * _WALL_FACTOR
        self._cpu_clock = _thread_cpu_clock()
        self._cpu_started = _cpu_seconds(self._cpu_clock)
        self._memory_base = resident_bytes()
        self._next_memory_check = self.started + _MEMORY_EVERY
        self._polls = 0

    def used(self) -> float:
        """Seconds this note has used: CPU time of its thread where the OS tells it."""
        cpu = _cpu_seconds(self._cpu_clock)
        if cpu is None or self._cpu_started is None:
            return time.monotonic() - self.started
        return cpu - self._cpu_started

    def _time_over(self, now: float) -> str | None:
        if self.used() > self.seconds:
            return f"took over {self.seconds:g} s"
        if now > self._deadline:
            return f"was still running after {self.seconds * _WALL_FACTOR:g} s"
        return None

    def check(self) -> None:
        """The full check: cancellation, the clock and the memory."""
        if self.cancelled is not None and self.cancelled():
            raise LoadCancelled
        now = time.monotonic()
        if (reason := self._time_over(now)) is not None:
            raise BudgetExceeded(reason)
        if self._memory_base is not None and now >= self._next_memory_check:
            self._next_memory_check = now + _MEMORY_EVERY
            if (reason := self._memory_over()) is not None:
                raise BudgetExceeded(reason)

    def _memory_over(self) -> str | None:
        current = resident_bytes()
        if self._memory_base is None or current is None:
            return None
        if current - self._memory_base > self.megabytes * 1e6:
            return f"needed over {self.megabytes:g} MB"
        return None

    def _overrun_now(self, now: float) -> str | None:
        """For the watchdog: why this note must stop now, if it must."""
        if self.cancelled is not None and self.cancelled():
            self.cancelled_seen = True
            return "was cancelled"
        return self._time_over(now) or self._memory_over()


# A second raise, if the first was swallowed by a bare `except BaseException`.
_REFIRE_AFTER = 0.5


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Raise `exception` in another thread at its next bytecode (None: take back a
    pending one). CPython only; elsewhere only polls enforce the budget."""
    set_async = getattr(getattr(ctypes, "pythonapi", None), "PyThreadState_SetAsyncExc", None)
    if set_async is not None:
        set_async(ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None)


class _Watchdog:
    """One daemon thread for every loading thread; it sleeps while none is loading."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._armed: dict[int, tuple[Budget, list[float]]] = {}  # thread -> (budget, [fired at])
        self._thread: threading.Thread | None = None

    def arm(self, budget: Budget) -> None:
        with self._lock:
            self._armed[threading.get_ident()] = (budget, [])
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="notetui-note-budget", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def disarm(self) -> None:
        with self._lock:
            armed = self._armed.pop(threading.get_ident(), None)
            if armed is not None and armed[1]:
                _raise_in(threading.get_ident(), None)  # not delivered yet: never will be

    def _run(self) -> None:
        with self._lock:
            while True:
                if not self._armed:
                    self._wake.wait()
                    continue
                now = time.monotonic()
                for thread_id, (budget, fired) in self._armed.items():
                    if fired and now - fired[-1] < _REFIRE_AFTER:
                        continue
                    reason = budget._overrun_now(now)
                    if reason is not None:
                        budget.overrun = reason
                        fired.append(now)
                        _raise_in(thread_id, BudgetExceeded)
                self._wake.wait(timeout=_MEMORY_EVERY)


_WATCHDOG = _Watchdog()


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
    """Run the body under a fresh budget, watched by the watchdog; not nested.

    Raises BudgetExceeded when the body overran, LoadCancelled when the load was
    cancelled while it ran."""
    budget = Budget(seconds, megabytes, cancelled)
    budget.start()
    outer = active()
    _active.budget = budget
    _WATCHDOG.arm(budget)
    late = None
    try:
        yield budget
    except BudgetExceeded:
        if budget.cancelled_seen:
            raise LoadCancelled from None
        raise
    finally:
        # The watchdog's exception can land anywhere in here, even in `disarm`:
        # disarm again until it is done, then raise what landed.
        while True:
            try:
                _WATCHDOG.disarm()
                break
            except BudgetExceeded as landed:
                late = landed
        _active.budget = outer
    if late is not None and budget.cancelled_seen:
        raise LoadCancelled  # the body finished as the load was cancelled
    # Otherwise a late overrun is ignored: the body finished, its result stands.
