"""Reading and splitting many notes in worker processes, one per core.

A cold load is mostly splitting notes, one at a time, each on its own: with the
notes shared out between processes it takes a fraction of the time on a machine
with several cores. `load_library` hands its cache misses here when there are
enough of them, and so the second look at plain-text notes with their event's
titles (`POOL_MIN_NOTES`: the fork server and its import of the parser cost about
0.4 s on a busy 2-core machine, the time of some 200 notes split in-process).

What a worker does with a note is what `load_library` does in-process (the same
function, the same per-note firewall and budget: the budget's watchdog runs in each
worker), so the library is the same either way. What goes wrong outside that
firewall is never a lost load:

- a chunk whose result cannot be read back is loaded again in this process;
- a worker that dies (a crash in C code, the out-of-memory killer) breaks the pool:
  the notes not read back yet are loaded again in fresh single-note workers, so the
  note that kills its worker again is known, and becomes a problem line.

Workers start from a fork server (`multiprocessing` "forkserver"), never by forking
the caller: the reader loads in a thread, and forking a process with threads can
copy a lock another thread holds. The server imports the parser once; each worker
is forked from it, parser and all. As with any such pool, a script calling
`load_library` must keep its own work under `if __name__ == "__main__":` (each
worker imports the main module); if the workers cannot start at all, the notes are
loaded in-process.

`NOTETUI_WORKERS` sets the number of worker processes (1: load in-process); by
default, one per core this process may run on.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from notetui.core.load.budget import Cancelled, check_cancelled

log = logging.getLogger(__name__)

POOL_MIN_NOTES = 200  # fewer cache misses than this load in-process
_CHUNK_MAX = 16  # notes per task: small, so the cores share the work out evenly
_POLL_SECONDS = 0.1  # how often the caller's `cancelled()` is asked while workers run

# Runs in a worker: given the root and some jobs' tasks, the result of each, in
# order, as a list encoded by `core.load.cache.dump_models`.
ChunkRunner = Callable[[str, list[Any]], bytes]
Result = TypeVar("Result")


@dataclass(frozen=True, slots=True)
class Job:
    index: int  # where its result goes
    rel: str  # the note it is about
    task: tuple[object, ...]  # what the chunk runner is given for it (picklable)


@dataclass(frozen=True, slots=True)
class Work(Generic[Result]):
    """What a pool runs and what it does with the results, for one kind of job."""

    run_chunk: ChunkRunner  # in a worker (by reference: a module-level function)
    here: Callable[[Job], Result]  # one job in this process: a chunk came back unreadable
    died: Callable[[Job], Result]  # the result of a job whose worker died on it
    done: Callable[[Job, Result], None]  # each result, as it comes (in no particular order)


def workers_for(misses: int) -> int:
    """How many worker processes should load `misses` notes (0: load them in-process)."""
    wanted = _configured_workers()
    if wanted < 2 or misses < POOL_MIN_NOTES:
        return 0
    return min(wanted, misses)


def _configured_workers() -> int:
    setting = os.environ.get("NOTETUI_WORKERS", "").strip()
    if setting:
        try:
            return max(0, int(setting))
        except ValueError:
            log.warning("NOTETUI_WORKERS=%r is not a number: one worker per core", setting)
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def run_in_pool(
    root: Path, jobs: Sequence[Job], workers: int, work: Work[Result], cancelled: Cancelled | None
) -> None:
    """Run every job in `workers` processes, in chunks, handing each result to
    `work.done`. Raises LoadCancelled when `cancelled()` says so (the workers finish
    their chunk and go)."""
    size = max(1, min(_CHUNK_MAX, len(jobs) // (workers * 8)))
    chunks = [list(jobs[at : at + size]) for at in range(0, len(jobs), size)]
    orphans: list[Job] = []  # in a chunk that was running or waiting when a worker died
    answered = False  # some chunk came back: the workers can start and run
    try:
        pool = ProcessPoolExecutor(workers, mp_context=_context())
        pending = {_submit(pool, work, root, chunk): chunk for chunk in chunks}
    except (OSError, ValueError, RuntimeError) as error:  # no processes to be had here
        log.warning("cannot start worker processes (%s): running %d jobs here", error, len(jobs))
        run_here(jobs, work, cancelled)
        return
    try:
        while pending:
            done, _ = wait(pending, timeout=_POLL_SECONDS, return_when=FIRST_COMPLETED)
            check_cancelled(cancelled)
            for future in done:
                chunk = pending.pop(future)
                try:
                    results = _results(future, len(chunk))
                except BrokenProcessPool:
                    orphans.extend(chunk)
                    continue
                answered = True
                for at, job in enumerate(chunk):
                    work.done(job, results[at] if results is not None else work.here(job))
    finally:
        # Not waiting: after a cancel, the workers finish their chunk on their own.
        pool.shutdown(wait=False, cancel_futures=True)
    orphans.sort(key=lambda job: job.index)
    if orphans and not answered:
        # Not one chunk came back: the workers cannot start here (a main module
        # without `if __name__ == "__main__":` runs again in each and fails).
        log.warning("worker processes failed; running %d jobs in-process", len(orphans))
        run_here(orphans, work, cancelled)
    elif orphans:
        log.warning("a note-reading process stopped; running %d jobs one by one", len(orphans))
        _one_by_one(root, orphans, workers, work, cancelled)


def run_here(jobs: Sequence[Job], work: Work[Result], cancelled: Cancelled | None) -> None:
    """Every job in this process, in order: too few for a pool, or no pool to be had."""
    for job in jobs:
        check_cancelled(cancelled)
        work.done(job, work.here(job))


def _context() -> multiprocessing.context.BaseContext:
    context: multiprocessing.context.BaseContext
    if "forkserver" not in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("spawn")
    else:
        server = multiprocessing.get_context("forkserver")
        # Imported once in the server, inherited by every worker forked from it.
        server.set_forkserver_preload(["notetui.core.load.library"])
        context = server
    _start_resource_tracker()
    return context


def _start_resource_tracker() -> None:
    """multiprocessing's resource tracker hands its process this one's stderr; under
    the reader, Textual has replaced sys.stderr with an object without a file
    descriptor, and starting it there fails ("bad value(s) in fds_to_keep"). Then
    it is started with its stderr on /dev/null (the swap lasts that long only)."""
    from multiprocessing import resource_tracker

    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, ValueError, OSError):
        usable = False
    if usable:
        resource_tracker.ensure_running()
        return
    with open(os.devnull, "w") as quiet, contextlib.redirect_stderr(quiet):  # noqa: PTH123
        resource_tracker.ensure_running()


def _submit(
    pool: ProcessPoolExecutor, work: Work[Result], root: Path, chunk: list[Job]
) -> Future[bytes]:
    return pool.submit(work.run_chunk, str(root), [job.task for job in chunk])


def _results(future: Future[bytes], count: int) -> list[Any] | None:
    """A chunk's results; None if they cannot be had (load the chunk here then).
    Raises BrokenProcessPool if a worker died before they came back."""
    from notetui.core.load.cache import CacheError, load_models

    try:
        data = future.result()
    except BrokenProcessPool:
        raise
    except Exception:  # whatever it was, this process loads the notes again
        log.debug("a chunk of notes came back failing; loading it here", exc_info=True)
        return None
    try:
        results = load_models(data)
    except CacheError:
        log.debug("a chunk of notes came back unreadable; loading it here", exc_info=True)
        return None
    if not isinstance(results, list) or len(results) != count:
        return None
    return results


def _one_by_one(
    root: Path, jobs: list[Job], workers: int, work: Work[Result], cancelled: Cancelled | None
) -> None:
    """After a worker died: each job in a worker of its own pool, `workers` at a
    time, so the note that kills its worker is known (and only its job is lost)."""
    context = _context()
    queue = list(reversed(jobs))
    running: dict[Future[bytes], tuple[Job, ProcessPoolExecutor]] = {}
    idle: list[ProcessPoolExecutor] = []
    try:
        while queue or running:
            while queue and len(running) < workers:
                job = queue.pop()
                pool = idle.pop() if idle else ProcessPoolExecutor(1, mp_context=context)
                running[_submit(pool, work, root, [job])] = (job, pool)
            done, _ = wait(running, timeout=_POLL_SECONDS, return_when=FIRST_COMPLETED)
            check_cancelled(cancelled)
            for future in done:
                job, pool = running.pop(future)
                try:
                    results = _results(future, 1)
                except BrokenProcessPool as error:
                    pool.shutdown(wait=False)
                    log.debug("the process working on %s stopped: %s", job.rel, error)
                    work.done(job, work.died(job))
                    continue
                idle.append(pool)
                work.done(job, results[0] if results is not None else work.here(job))
    finally:
        for left in [*idle, *(pool for _, pool in running.values())]:
            left.shutdown(wait=False, cancel_futures=True)
