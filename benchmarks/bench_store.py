"""How long one save takes with many annotations already stored.

    python benchmarks/bench_store.py --annotations 10000 --runs 50

Seeds a store in a temp folder, opens it, then times `add_annotation` and
`update_annotation` (lock, stat check, one atomic save with fsyncs). Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from notetui.core.annotations.storage import AtomicJSONStorage
from notetui.core.annotations.store import SCHEMA_VERSION, Store, new_uid

START = datetime(2024, 1, 1, tzinfo=UTC)
TEXT = (
    "Kubernetes の運用で詰まったところ。\n"
    "- Pod が OOMKilled になる理由は limits だけではない\n"
    "- HPA のスケールは **思ったより遅い**"
)


def _record(i: int) -> dict[str, Any]:
    # One annotation every ten minutes or so, oldest first, as a real store grows.
    stamp = (START + timedelta(seconds=600 * i + i % 7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    passage = i % 3 == 0
    return {
        "uid": new_uid(),
        "target": "passage" if passage else "talk",
        "target_id": f"2026-11-23-k8s-meetup/talk-{i % 40}",
        "text": f"{TEXT}\n({i})",
        "created": stamp,
        "updated": stamp,
        "title": f"大規模クラスタの運用 #{i % 40}",
        "titles": [],
        "event_title": "Kubernetes Meetup Tokyo #70",
        "event_date": "2026-11-23",
        "anchor": (
            {
                "note": "2026/k8s-meetup-70.md",
                "line": 10 + i % 200,
                "quote": "HPA のスケールは思ったより遅い",
                "prefix": "Pod が OOMKilled になる理由は limits だけではない\n- ",
                "suffix": "\n\n## 次のトーク",
            }
            if passage
            else None
        ),
    }


def seed(path: Path, count: int) -> None:
    """Write `count` annotations in one save (adding them one by one would take minutes)."""
    tables: dict[str, dict[str, Any]] = {
        "annotations": {str(i): _record(i) for i in range(1, count + 1)},
        "meta": {"1": {"schema": SCHEMA_VERSION}},
    }
    storage = AtomicJSONStorage(path)
    storage.write(tables)
    storage.close()


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
        f"{label:<28} p50 {statistics.median(ordered):7.2f} ms   p95 {p95:7.2f} ms   "
        f"max {ordered[-1]:7.2f} ms   (n={len(ordered)})"
    )


def fsync_floor(folder: Path, runs: int) -> list[float]:
    """What the disk alone costs: write and fsync a 1 KB file, as a save does twice."""
    probe = folder / "fsync-probe"

    def once() -> None:
        with probe.open("wb") as handle:
            handle.write(b"x" * 1024)
            handle.flush()
            os.fsync(handle.fileno())

    return _time(once, runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--annotations", type=int, default=10_000, help="stored before timing")
    parser.add_argument("--runs", type=int, default=50, help="timed saves of each kind")
    parser.add_argument("--dir", type=Path, help="folder for the store (default: a temp dir)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-store-", dir=args.dir) as folder:
        path = Path(folder) / "annotations.json"
        start = time.perf_counter()
        seed(path, args.annotations)
        seeded = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        store = Store(path)
        opened = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        first = store.add_annotation(target="talk", target_id="bench/talk", text=TEXT)
        first_save = (time.perf_counter() - start) * 1000

        adds = _time(
            lambda: store.add_annotation(
                target="talk", target_id="bench/talk", text=TEXT, title="ベンチマーク"
            ),
            args.runs,
        )
        counter = iter(range(10**9))
        updates = _time(
            lambda: store.update_annotation(first.uid, f"{TEXT}\nedit {next(counter)}"),
            args.runs,
        )
        floor = fsync_floor(Path(folder), args.runs)
        reads = []
        for _ in range(args.runs):
            store.update_annotation(first.uid, f"{TEXT}\nedit {next(counter)}")
            reads += _time(store.annotations, 1)
        size = path.stat().st_size
        store.close()

    print(f"store: {args.annotations} annotations seeded, {size / 1e6:.2f} MB on disk")
    print(f"python {sys.version.split()[0]}, folder {Path(folder).parent}")
    print(f"{'seed (one save)':<28} {seeded:7.2f} ms")
    print(f"{'open (read + validate)':<28} {opened:7.2f} ms")
    print(f"{'first save after open':<28} {first_save:7.2f} ms   (encodes every record once)")
    print(_figures("add_annotation (save)", adds))
    print(_figures("update_annotation (save)", updates))
    print(_figures("annotations() after a save", reads))
    print(_figures("disk: fsync of 1 KB", floor))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
