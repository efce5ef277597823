"""How long saving and listing take with many annotations already stored.

    python benchmarks/bench_store.py                      # 10,000 then 100,000
    python benchmarks/bench_store.py --small 10000 --large 0 --runs 100
    python benchmarks/bench_store.py --annotations 10000     # the same (bench.py runs this)

Seeds a store in a temp folder with annotations on the sample notes' talks (a third
of them on passages), then times, in this process:
- at --small (10,000): `add_annotation` and `update_annotation` on an open store
  (lock, catching up with the files, one durable save), and `annotations()` after one;
- at --large (100,000): opening the store, `add_annotation`, `annotations()`, and an
  add by a process that opens the store only to add (`Store(path, load=False)`, as
  `notetui annotate` does; skipped on versions without it);
and, as a user runs them, the console script (`python -m notetui`) in a fresh process:
`annotate` and `annotations --json`, with their wall time and peak RSS, then
`annotate` again right after a compaction (the first add on a freshly folded store).

Only public APIs that every version of the store has are used, so the same script
measures an older checkout: `PYTHONPATH=/old/src python benchmarks/bench_store.py`.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import notetui
from notetui.core.annotations.store import Store
from notetui.core.load.library import load_library

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "notes"
START = datetime(2024, 1, 1, tzinfo=UTC)
# About 500 bytes a record, near the store of the issue (100,000 in 47 MB).
TEXT = "HPA は遅い。limits も見直す"


def _targets(notes: Path) -> list[dict[str, Any]]:
    """Each talk of the sample notes, with a quote from each of its sources."""
    library = load_library(notes, cache=False)
    found = []
    for talk in library.talks:
        event = library.event_of(talk)
        quotes = []
        for source in talk.sources:
            body = source.section.body
            line = next((x for x in body.splitlines() if len(x.strip()) > 12), "")
            if line:
                start = body.index(line)
                quote = line.strip()[:24]
                start = body.index(quote, start)
                quotes.append(
                    {
                        "note": source.note,
                        "line": source.section.body_line + body.count("\n", 0, start),
                        "quote": quote,
                        "prefix": body[max(0, start - 64) : start],
                        "suffix": body[start + len(quote) : start + len(quote) + 64],
                    }
                )
        found.append({"talk": talk, "event": event, "quotes": quotes})
    return found


def _record(i: int, targets: list[dict[str, Any]]) -> dict[str, Any]:
    # One annotation every ten minutes or so, oldest first, as a real store grows.
    stamp = (START + timedelta(seconds=600 * i + i % 7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    target = targets[i % len(targets)]
    talk, event, quotes = target["talk"], target["event"], target["quotes"]
    passage = i % 3 == 0 and bool(quotes)
    return {
        "uid": f"{i:08x}" + "0" * 24,
        "target": "passage" if passage else "talk",
        "target_id": talk.id,
        "text": f"{TEXT}\n({i})",
        "created": stamp,
        "updated": stamp,
        "title": talk.title,
        "titles": list(talk.aliases),
        "event_title": event.title,
        "event_date": event.date,
        "anchor": quotes[i % len(quotes)] if passage else None,
    }


def seed(path: Path, count: int, targets: list[dict[str, Any]]) -> None:
    """Write `count` annotations at once, one record per line, as schema 1 (every
    version reads it; the newer one migrates it in memory)."""
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n  "annotations": {\n')
        for i in range(1, count + 1):
            line = json.dumps(_record(i, targets), ensure_ascii=False, sort_keys=True)
            out.write(f'    "{i}": {line}' + (",\n" if i < count else "\n"))
        out.write('  },\n  "meta": {\n    "1": {"schema": 1}\n  }\n}\n')


def _time(action: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _figures(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"{label:<34} p50 {statistics.median(ordered):8.2f} ms   p95 {p95:8.2f} ms   "
        f"max {ordered[-1]:8.2f} ms   (n={len(ordered)})"
    )


def _rss_mb() -> float:
    with Path("/proc/self/status").open() as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# Runs the command and reports its own child's figures. A child of the benchmark
# itself would count the benchmark's memory (fork copies it) in its peak RSS.
_LAUNCHER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = child.stderr.read()
_, status, usage = os.wait4(child.pid, 0)
print(json.dumps({"wall": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss": usage.ru_maxrss, "code": os.waitstatus_to_exitcode(status),
                  "err": err.decode(errors="replace")[-300:]}))
"""


def _cli(args: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """(wall ms, CPU s, peak RSS MB, exit code) of `python -m notetui ARGS`, fresh."""
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, sys.executable, "-m", "notetui", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout)
    if figures["code"] != 0:
        print(f"  ({' '.join(args[:2])} exited {figures['code']}: {figures['err'].strip()})")
    return figures["wall"] * 1000, figures["cpu"], figures["rss"] / 1024, figures["code"]


def fsync_floor(folder: Path, runs: int) -> list[float]:
    """What the disk alone costs: write and fsync a 1 KB file."""
    probe = folder / "fsync-probe"

    def once() -> None:
        with probe.open("wb") as handle:
            handle.write(b"x" * 1024)
            handle.flush()
            os.fsync(handle.fileno())

    return _time(once, runs)


def small(folder: Path, count: int, runs: int, targets: list[dict[str, Any]]) -> None:
    path = folder / f"small-{count}.json"
    seed(path, count, targets)
    store = Store(path)
    talk = targets[0]["talk"]
    first = store.add_annotation(target="talk", target_id=talk.id, text=TEXT)  # migrates
    adds = _time(
        lambda: store.add_annotation(
            target="talk", target_id=talk.id, text=TEXT, title="ベンチマーク"
        ),
        runs,
    )
    counter = iter(range(10**9))
    updates = _time(
        lambda: store.update_annotation(first.uid, f"{TEXT}\nedit {next(counter)}"), runs
    )
    reads = []
    for _ in range(runs):
        store.update_annotation(first.uid, f"{TEXT}\nedit {next(counter)}")
        reads += _time(store.annotations, 1)
    store.close()
    print(f"-- {count:,} annotations stored ({path.stat().st_size / 1e6:.1f} MB main file)")
    print(_figures("add_annotation (save)", adds))
    print(_figures("update_annotation (save)", updates))
    print(_figures("annotations() after a save", reads))


def _add_unread(path: Path, talk_id: str) -> None:
    """Open the store as `notetui annotate` does and add one annotation."""
    try:
        store = Store(path, load=False)  # type: ignore[call-arg,unused-ignore]
    except TypeError:  # a version that always reads the store on open
        raise _NoUnread from None
    with store:
        store.add_annotation(target="talk", target_id=talk_id, text=TEXT)


class _NoUnread(Exception):
    pass


def large(folder: Path, count: int, runs: int, targets: list[dict[str, Any]]) -> None:
    path = folder / f"large-{count}.json"
    seed(path, count, targets)
    size = path.stat().st_size
    gc.collect()
    before = _rss_mb()
    start = time.perf_counter()
    store = Store(path)
    opened = (time.perf_counter() - start) * 1000
    held = _rss_mb() - before
    talk = targets[0]["talk"]
    start = time.perf_counter()
    store.add_annotation(target="talk", target_id=talk.id, text=TEXT)
    first = (time.perf_counter() - start) * 1000
    adds = _time(lambda: store.add_annotation(target="talk", target_id=talk.id, text=TEXT), runs)
    listed = _time(store.annotations, 3)
    store.close()
    try:
        unread = _time(lambda: _add_unread(path, talk.id), runs)
    except _NoUnread:
        unread = []

    notes = folder / "notes"
    if not notes.exists():
        shutil.copytree(SAMPLES, notes)
    env = {
        **os.environ,
        "NOTETUI_DB": str(path),
        "NOTETUI_CACHE": str(folder / "cache"),
        "NOTETUI_CONFIG": str(folder / "config.toml"),
        "NOTETUI_NOTES": str(notes),
    }
    _cli(["list", str(notes)], env)  # warms the note cache, as a second start would be
    annotate = _cli(["annotate", talk.id, "--text", "from the CLI", "--notes", str(notes)], env)
    listing = _cli(["annotations", "--json", "--notes", str(notes)], env)
    compacted = None
    if hasattr(Store, "compact"):  # the first add after a compaction (versions with one)
        with Store(path) as store:
            store.compact()
        compacted = _cli(["annotate", talk.id, "--text", "after it", "--notes", str(notes)], env)
    print(f"-- {count:,} annotations stored ({size / 1e6:.1f} MB main file)")
    print(f"{'Store(path): open':<34} {opened:8.1f} ms   holds {held:6.0f} MB RSS")
    print(f"{'first save (schema 1 -> current)':<34} {first:8.1f} ms")
    print(_figures("add_annotation (save)", adds))
    print(_figures("annotations()", listed))
    if unread:
        print(_figures("open unread + add (annotate)", unread))
    for label, (wall, cpu, rss, _) in (
        ("CLI annotate", annotate),
        ("CLI annotations --json", listing),
        *([("CLI annotate, after a compaction", compacted)] if compacted else []),
    ):
        print(f"{label:<34} {wall:8.1f} ms   CPU {cpu:6.2f} s   peak {rss:6.0f} MB RSS")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--small", type=int, default=10_000, help="stored, for save timings")
    parser.add_argument("--large", type=int, default=100_000, help="stored, for scale (0: skip)")
    parser.add_argument("--runs", type=int, default=50, help="timed saves at --small")
    parser.add_argument("--large-runs", type=int, default=20, help="timed saves at --large")
    parser.add_argument("--dir", type=Path, help="folder for the stores (default: a temp dir)")
    parser.add_argument(
        "--annotations",
        type=int,
        default=None,
        help="only the save timings, with this many stored (what benchmarks/bench.py runs)",
    )
    args = parser.parse_args(argv)
    if args.annotations is not None:
        args.small, args.large = args.annotations, 0

    print(f"notetui from {Path(notetui.__file__).parent}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="bench-store-", dir=args.dir) as name:
        folder = Path(name)
        targets = _targets(SAMPLES)
        floor = fsync_floor(folder, args.runs)
        print(_figures("disk: fsync of 1 KB", floor))
        if args.small:
            small(folder, args.small, args.runs, targets)
        if args.large:
            large(folder, args.large, args.large_runs, targets)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
