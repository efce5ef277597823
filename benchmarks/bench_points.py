"""Points at work: cutting sections into points, aligning them across authors, and the
reader's `talk_rows` (cut, align, merge), over the sample notes and ../shared.

    .venv/bin/python benchmarks/bench_points.py                      # this checkout
    .venv/bin/python benchmarks/bench_points.py --against 530758a    # and that commit

With `--against REV`, REV's `src/` is extracted to a temp folder and both trees are
timed in fresh interpreters, run after run interleaved, because these machines are
noisy; the table gives each median and the ratio this/REV. Every run starts with the
points' caches empty, as the first opening of a talk does. It asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FOLDERS = [REPO / "notes", REPO.parent / "shared" / "corpus", REPO.parent / "shared" / "wild"]
JOBS = ("cut", "align", "talk_rows")


def worker(src: Path, runs: int) -> dict[str, list[float]]:
    sys.path.insert(0, str(src))
    from notetui.core.load.library import load_library
    from notetui.core.points import points
    from notetui.ui.rows import talk_rows

    libraries = [load_library(folder, cache=False) for folder in FOLDERS if folder.is_dir()]
    sections = [s for lib in libraries for note in lib.notes for s in note.sections]
    talks = [t for lib in libraries for t in lib.talks]
    cut = [[points.parse_points(s.section) for s in t.sources] for t in talks]

    def clear() -> None:
        for name, module in list(sys.modules.items()):
            if name.startswith("notetui.core.points"):
                for value in vars(module).values():
                    if callable(getattr(value, "cache_clear", None)):
                        value.cache_clear()

    def job_cut() -> None:
        for section in sections:
            points.parse_points(section)

    def job_align() -> None:
        for sources in cut:
            points.align_points(sources)

    def job_rows() -> None:
        for talk in talks:
            talk_rows(talk)

    timings: dict[str, list[float]] = {job: [] for job in JOBS}
    for _ in range(runs):
        for job, run in zip(JOBS, (job_cut, job_align, job_rows), strict=True):
            clear()
            start = time.perf_counter()
            run()
            timings[job].append(time.perf_counter() - start)
    timings["size"] = [float(len(sections)), float(len(talks))]
    return timings


def run_worker(src: Path, runs: int) -> dict[str, list[float]]:
    command = [sys.executable, __file__, "--worker", str(src), "--runs", str(runs)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    data: dict[str, list[float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


def extract(rev: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", rev, "src"],
        capture_output=True,
        check=True,
    ).stdout
    tar_path = into / "src.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", metavar="REV", help="also time this git revision")
    parser.add_argument("--runs", type=int, default=5, help="runs per tree (default 5)")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        print(json.dumps(worker(args.worker, args.runs)))
        return 0
    trees = {"this": REPO / "src"}
    with tempfile.TemporaryDirectory(prefix="bench-points-") as tmp:
        if args.against:
            trees[args.against] = extract(args.against, Path(tmp))
        results: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
        size = (0, 0)
        for _ in range(args.runs):  # interleaved: one run of each tree at a time
            for name, src in trees.items():
                data = run_worker(src, 1)
                sections, talks = data.pop("size")
                size = (int(sections), int(talks))
                for job, values in data.items():
                    results[name].setdefault(job, []).extend(values)
    sections, talks = size
    print(f"{sections} sections, {talks} talks; median of {args.runs} runs, caches empty\n")
    header = "| job | this |" + (f" {args.against} | this/{args.against} |" if args.against else "")
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    for job in JOBS:
        this = statistics.median(results["this"][job])
        row = f"| {job} | {this * 1000:.1f} ms |"
        if args.against:
            other = statistics.median(results[args.against][job])
            row += f" {other * 1000:.1f} ms | {this / other:.2f} |"
        print(row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
