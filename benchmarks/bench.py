"""notetui at scale: load, cache, first paint, search, save and memory, against N.

    .venv/bin/python benchmarks/bench.py                       # N = 100, 1,000, 10,000; 3 runs
    .venv/bin/python benchmarks/bench.py --sizes 1000 --runs 5
    .venv/bin/python benchmarks/bench.py --quick               # CI: N = 100, one run

Generated libraries (benchmarks/generate.py) go to benchmarks/out/nN and are reused; the
note cache used here lives in benchmarks/out/cache, never in the user's cache folder.
Every timing runs in a fresh interpreter (as a user's start does), imports excluded, and
the table shows the median of the runs. Ratios compare figures taken in the same run,
interleaved, because these machines are noisy. It prints a Markdown table for the README;
it asserts nothing.

Figures:
- floor: find every note, read, decode and parse its front matter (`read_note`), nothing else
- full load: `load_library(cache=False)`: read, split, re-split with hints, merge;
  the notes are split in worker processes, one per core (`core.load.pool`)
- full load on one core, per stage: the same with NOTETUI_WORKERS=1, and the seconds
  of each stage (`load_library(timings=...)`), one run
- merge only: `build_events` on the loaded notes (its growth with N is the slope)
- first load: `load_library` with an empty cache: a full load plus writing the cache
- warm load: `load_library` with the cache filled by the first load
- the tree's outline: `core.load.outline.read_outline`, the cache's light part alone
- warm start to a filled tree: `make_app(...).run_test()` with the warm cache, until
  the tree has nodes (drawn from the cache's outline); then until `MainScreen.library`
  is set (the full library in); bare Textual: an App with a Tree filled in
  `on_mount`, the same way
- peak RSS: max resident set of a child process doing one full load (RUSAGE_CHILDREN)
- search: benchmarks/bench_search.py (p50/p95 per keystroke over 50,000 talks)
- save: benchmarks/bench_store.py (one annotation save with 10,000 stored)
- key to screen: benchmarks/keys.py, the installed `notetui` in a real pty at 200x50:
  p50/p95 from pressing `n`, `j` or `]` to the screen being still again, against a bare
  Textual app doing the same update (benchmarks/bare_reader.py), on the sample notes
  and on 10,000 generated notes
- first paint, whole process: spawning the command to the first talk on a still
  screen, imports included, against the same bare app
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import itertools
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
SAMPLES = REPO / "notes"
PYTHON = sys.executable


def compile_sources() -> None:
    """Compile notetui's bytecode once, as `pip install` does: where PYTHONDONTWRITEBYTECODE
    is set (as on this project's machines), every fresh interpreter would otherwise
    compile the package from source, a cost no installed notetui pays."""
    compileall.compile_dir(REPO / "src" / "notetui", quiet=1)


# ------------------------------------------------------------------------------------ workers
# Each runs in a fresh interpreter (`bench.py --worker NAME ROOT CACHE`) and prints one JSON
# line of seconds.


def _import_core() -> None:
    sys.path.insert(0, str(REPO / "src"))


def work_floor(root: Path, _cache: Path) -> dict[str, float]:
    _import_core()
    from notetui.core.load.files import ReadFailure, iter_note_files, read_note

    start = time.perf_counter()
    for path in iter_note_files(root):
        with contextlib.suppress(ReadFailure):
            read_note(path)
    return {"floor": time.perf_counter() - start}


def work_full(root: Path, _cache: Path) -> dict[str, float]:
    _import_core()
    from notetui.core.load.library import load_library
    from notetui.core.merge.merging import build_events

    start = time.perf_counter()
    library = load_library(root, cache=False)  # in worker processes, one per core
    full = time.perf_counter() - start
    notes = list(library.notes)
    start = time.perf_counter()
    build_events(notes)
    merge = time.perf_counter() - start
    return {"full": full, "merge": merge, "notes": len(notes), "talks": len(library.talks)}


def work_load(root: Path, cache: Path) -> dict[str, float]:
    _import_core()
    from notetui.core.load.cache import MAGIC, NoteCache
    from notetui.core.load.library import load_library

    start = time.perf_counter()
    load_library(root, cache=cache)
    elapsed = time.perf_counter() - start
    # Was the cache file this code's? (If the parser's source changes during a run, the
    # "warm" figures would silently be full loads.)
    store = NoteCache(root, cache)
    with store.path.open("rb") as file:
        head = file.read(len(MAGIC) + len(store.key))
    return {"load": elapsed, "valid": float(head == MAGIC + store.key.encode())}


def work_stages(root: Path, _cache: Path) -> dict[str, float]:
    """A full load on one core (no worker processes), per stage: the pipeline's own cost."""
    os.environ["NOTETUI_WORKERS"] = "1"
    _import_core()
    from notetui.core.load.library import load_library

    timings: dict[str, float] = {}
    start = time.perf_counter()
    load_library(root, cache=False, timings=timings)
    elapsed = time.perf_counter() - start
    return {"one_core": elapsed, **{f"stage:{k}": v for k, v in timings.items()}}


def work_outline(root: Path, cache: Path) -> dict[str, float]:
    """The cache's light part alone: what a reader could draw its tree from."""
    _import_core()
    import notetui.core.load.cache  # noqa: F401 - imports excluded, as in every figure
    from notetui.core.load.outline import read_outline

    start = time.perf_counter()
    outline = read_outline(root, cache)
    elapsed = time.perf_counter() - start
    return {"outline": elapsed, "outline_ok": float(outline is not None)}


def work_rss(root: Path, cache: Path) -> dict[str, float]:
    """Peak RSS of a child doing one full load (cache off), and of one warm load."""
    code = (
        f"import sys; sys.path.insert(0, {str(REPO / 'src')!r})\n"
        "from pathlib import Path\n"
        "from notetui.core.load.library import load_library\n"
        "cache = Path(sys.argv[2]) if sys.argv[2] != '-' else False\n"
        "load_library(Path(sys.argv[1]), cache=cache)\n"
    )
    out = {}
    for label, where in (("rss_full", "-"), ("rss_warm", str(cache))):
        # A child per figure: RUSAGE_CHILDREN is the largest child so far.
        result = subprocess.run(
            [PYTHON, "-c", _rss_wrapper(code), str(root), where],
            capture_output=True,
            text=True,
            check=True,
        )
        out[label] = float(result.stdout.strip().splitlines()[-1])
    return out


def _rss_wrapper(code: str) -> str:
    """A process that runs `code` in a child and prints the child's peak RSS in MiB."""
    return (
        "import resource, subprocess, sys\n"
        f"subprocess.run([sys.executable, '-c', {code!r}, *sys.argv[1:]], check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )


def work_paint(root: Path, cache: Path) -> dict[str, float]:
    """Seconds from building the app to a filled library tree (imports excluded)."""
    os.environ["NOTETUI_CACHE"] = str(cache)
    _import_core()
    from notetui.app import make_app
    from notetui.ui.screens.main import MainScreen
    from notetui.ui.widgets.library_tree import LibraryTree

    async def run() -> dict[str, float]:
        with tempfile.TemporaryDirectory(prefix="bench-paint-") as home:
            start = time.perf_counter()
            app = make_app(
                root,
                db_path=Path(home) / "annotations.json",
                state_path=Path(home) / "state.json",
                watch=False,
            )
            found: dict[str, float] = {}
            async with app.run_test(size=(120, 40)) as pilot:
                while "library" not in found:
                    screen = app.screen
                    if isinstance(screen, MainScreen):
                        if "paint" not in found and screen.query_one(LibraryTree).root.children:
                            found["paint"] = time.perf_counter() - start  # from the outline
                        if screen.library is not None and "paint" in found:
                            found["library"] = time.perf_counter() - start
                    await asyncio.sleep(0.002)
                await pilot.pause()  # let the first talk finish showing before quitting
            return found

    return asyncio.run(run())


def work_bare(_root: Path, _cache: Path) -> dict[str, float]:
    """The same measure for a bare Textual app whose only widget is a Tree."""
    from textual.app import App, ComposeResult
    from textual.widgets import Tree

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Tree("Library", id="tree")

        def on_mount(self) -> None:
            tree: Tree[None] = self.query_one(Tree)
            tree.show_root = False
            for i in range(3):
                event = tree.root.add(f"event {i}", expand=True)
                for j in range(3):
                    event.add_leaf(f"talk {j}")

    async def run() -> float:
        start = time.perf_counter()
        app = Bare()
        async with app.run_test(size=(120, 40)) as pilot:
            while not app.query_one(Tree).root.children:
                await asyncio.sleep(0.002)
            elapsed = time.perf_counter() - start
            await pilot.pause()
        return elapsed

    return {"paint": asyncio.run(run())}


WORKERS: dict[str, Callable[[Path, Path], dict[str, float]]] = {
    "floor": work_floor,
    "full": work_full,
    "load": work_load,
    "outline": work_outline,
    "stages": work_stages,
    "rss": work_rss,
    "paint": work_paint,
    "bare": work_bare,
}


def run_worker(name: str, root: Path, cache: Path) -> dict[str, float]:
    result = subprocess.run(
        [PYTHON, __file__, "--worker", name, str(root), str(cache)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        tail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"worker {name} failed: {tail}")
    data: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


# ------------------------------------------------------------------------------- the runner


def library_for(notes: int) -> Path:
    """A generated library of `notes` notes, written once and reused."""
    out = OUT / f"n{notes}"
    if not ((out / "notes").is_dir() and (out / "expected.json").is_file()):
        sys.path.insert(0, str(HERE))
        from generate import generate

        print(f"generating {notes} notes in {out} …", file=sys.stderr)
        generate(out, notes, seed=0, overwrite=True)
    return out / "notes"


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def fresh_cache(name: str) -> Path:
    cache = OUT / "cache" / name
    if cache.exists():
        for child in cache.iterdir():
            child.unlink()
    cache.mkdir(parents=True, exist_ok=True)
    return cache


def measure_size(notes: int, runs: int) -> dict[str, Any]:
    root = library_for(notes)
    cache = fresh_cache(f"n{notes}")
    figures: dict[str, list[float]] = {}

    def add(data: dict[str, float]) -> None:
        for key, value in data.items():
            figures.setdefault(key, []).append(value)

    first = []
    for _ in range(runs):
        # Interleaved, so noise hits both sides of each ratio alike.
        floor = run_worker("floor", root, cache)["floor"]
        full = run_worker("full", root, cache)
        figures.setdefault("ratio", []).append(full["full"] / floor)
        add({"floor": floor, **full})
        for child in cache.iterdir():
            child.unlink()
        first.append(run_worker("load", root, cache)["load"])
    figures["first"] = first
    for _ in range(runs):
        warm_run = run_worker("load", root, cache)
        warm = warm_run["load"]
        if not warm_run["valid"]:
            print(f"warning: N={notes}: a warm run missed the cache", file=sys.stderr)
        outline = run_worker("outline", root, cache)
        if not outline["outline_ok"]:
            print(f"warning: N={notes}: the cache had no outline", file=sys.stderr)
        paint = run_worker("paint", root, cache)
        bare = run_worker("bare", root, cache)["paint"]
        add(
            {
                "warm": warm,
                "outline": outline["outline"],
                "paint": paint["paint"],
                "library": paint["library"],
                "bare": bare,
                "paint_ratio": paint["paint"] / bare,
            }
        )
    add(run_worker("rss", root, cache))
    add(run_worker("stages", root, cache))  # once: a minute of one core at 10,000 notes
    return {"n": notes, **{key: median(values) for key, values in figures.items()}}


def measure_samples(runs: int) -> dict[str, float]:
    cache = fresh_cache("samples")
    run_worker("load", SAMPLES, cache)  # fill the cache, as any second start finds it
    paints, bares, ratios = [], [], []
    for _ in range(runs):
        paint = run_worker("paint", SAMPLES, cache)["paint"]
        bare = run_worker("bare", SAMPLES, cache)["paint"]
        paints.append(paint)
        bares.append(bare)
        ratios.append(paint / bare)
    return {"paint": median(paints), "bare": median(bares), "ratio": median(ratios)}


def measure_search(quick: bool) -> dict[str, Any]:
    args = ["--talks", "2000", "--repeat", "1"] if quick else ["--talks", "50000"]
    text = _script("bench_search.py", args)
    found = re.search(r"queries: .*?p50 ([\d.]+) ms, p95 ([\d.]+) ms", text)
    talks = re.search(r"library: ([\d,]+) talks", text)
    if not found:
        return {"error": _last_line(text)}
    return {
        "talks": talks.group(1) if talks else "?",
        "p50": float(found.group(1)),
        "p95": float(found.group(2)),
    }


def measure_save(quick: bool) -> dict[str, Any]:
    count = 200 if quick else 10_000
    text = _script(
        "bench_store.py", ["--annotations", str(count), "--runs", "5" if quick else "50"]
    )
    found = re.search(r"add_annotation \(save\)\s+p50\s+([\d.]+) ms\s+p95\s+([\d.]+) ms", text)
    if not found:
        return {"error": _last_line(text)}
    return {"annotations": count, "p50": float(found.group(1)), "p95": float(found.group(2))}


def _script(name: str, args: list[str]) -> str:
    try:
        result = subprocess.run(
            [PYTHON, str(HERE / name), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"cannot run {name}: {error}"
    if result.returncode != 0:
        return f"{name} failed: {_last_line(result.stderr)}"
    return result.stdout


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else "no output"


def slope(points: Sequence[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(time) against log(N): 1 is linear, 2 quadratic."""
    usable = [(math.log(n), math.log(t)) for n, t in points if n > 0 and t > 0]
    if len(usable) < 2:
        return None
    mx = statistics.fmean(x for x, _ in usable)
    my = statistics.fmean(y for _, y in usable)
    var = sum((x - mx) ** 2 for x, _ in usable)
    return sum((x - mx) * (y - my) for x, y in usable) / var if var else None


# ------------------------------------------------------------------------------- the table


def _s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def table(
    sizes: list[dict[str, Any]],
    samples: dict[str, float],
    search: dict[str, Any],
    save: dict[str, Any],
) -> str:
    head = "| figure | " + " | ".join(f"N = {r['n']:,}" for r in sizes) + " | target |"
    rule = "|---|" + "---|" * len(sizes) + "---|"
    rows = [head, rule]

    def row(label: str, cell: Callable[[dict[str, Any]], str], target: str = "") -> None:
        rows.append(f"| {label} | " + " | ".join(cell(r) for r in sizes) + f" | {target} |")

    row("notes / talks found", lambda r: f"{r['notes']:,.0f} / {r['talks']:,.0f}")
    row("floor (read + decode + front matter)", lambda r: _s(r["floor"]))
    row("full load, cache off", lambda r: _s(r["full"]))
    row("full load ÷ floor", lambda r: f"{r['ratio']:.1f}×", "≤ 3×")
    row("full load on one core (one run)", lambda r: _s(r["one_core"]))
    for stage in [k for k in sizes[-1] if k.startswith("stage:")]:

        def seconds(r: dict[str, Any], key: str = stage) -> str:
            return _s(r.get(key, 0.0))

        row(f"· {stage[6:]}, one core", seconds)
    row("merge only (`build_events`)", lambda r: _s(r["merge"]))
    row("first load, cache empty (writes it)", lambda r: _s(r["first"]))
    row("warm load from the cache", lambda r: _s(r["warm"]))
    row("the tree's outline alone, from the cache", lambda r: _s(r["outline"]))
    row("warm start to a filled tree", lambda r: _s(r["paint"]), "≤ 0.5 s")
    row("warm start to the full library in", lambda r: _s(r["library"]))
    row("bare Textual app with a Tree", lambda r: _s(r["bare"]))
    row("warm start ÷ bare Textual", lambda r: f"{r['paint_ratio']:.1f}×")
    row("peak RSS, full load", lambda r: f"{r['rss_full']:.0f} MiB", "≤ 400 MiB")
    row("peak RSS, warm load", lambda r: f"{r['rss_warm']:.0f} MiB")

    points = [(r["n"], r["merge"]) for r in sizes]
    fitted = slope(points)
    steps = [
        f"{a[0]:,}→{b[0]:,}: {math.log(b[1] / a[1]) / math.log(b[0] / a[0]):.2f}"
        for a, b in itertools.pairwise(points)
        if a[1] > 0 and b[1] > 0
    ]
    merge_slope = f"{fitted:.2f} ({', '.join(steps)})" if fitted is not None else "n/a (one size)"
    extra = [
        "",
        "| figure | value | target |",
        "|---|---|---|",
        f"| merging: log-log slope of time against N | {merge_slope} | < 2 (sub-quadratic) |",
        f"| first paint on the sample notes | {_s(samples['paint'])} "
        f"({samples['ratio']:.2f}× bare Textual, {_s(samples['bare'])}, in process) "
        "| the target is on the whole process (key tables) |",
    ]
    if "error" in search:
        extra.append(f"| search | n/a: {search['error']} | ≤ 50 ms p95 |")
    else:
        extra.append(
            f"| search, {search['talks']} talks, per keystroke | p50 {search['p50']:.1f} ms, "
            f"p95 {search['p95']:.1f} ms | ≤ 50 ms p95 |"
        )
    if "error" in save:
        extra.append(f"| annotation save | n/a: {save['error']} | ≤ 10 ms p95 |")
    else:
        extra.append(
            f"| annotation save, {save['annotations']:,} stored | p50 {save['p50']:.2f} ms, "
            f"p95 {save['p95']:.2f} ms | ≤ 10 ms p95 |"
        )
    return "\n".join(rows + extra)


def measure_keys(quick: bool, runs: int) -> list[tuple[str, dict[str, dict[str, float]]]]:
    """Key-to-screen latency and whole-process first paint (benchmarks/keys.py)."""
    sys.path.insert(0, str(HERE))
    import keys

    if quick:
        return []  # a minute or two of real-terminal runs: not for the quick CI pass
    presses = 20
    found = []
    for notes in (None, 10_000):
        root = SAMPLES if notes is None else library_for(notes)
        cache = OUT / "cache" / ("keys-samples" if notes is None else f"keys-n{notes}")
        cache.mkdir(parents=True, exist_ok=True)
        label = "sample notes" if notes is None else f"{notes:,} notes"
        print(f"keys, {label} …", file=sys.stderr, flush=True)
        result = keys.measure(root, cache, presses=presses, runs=runs, size=(200, 50))
        found.append((label, result))
    return found


def keys_tables(found: list[tuple[str, dict[str, dict[str, float]]]]) -> str:
    sys.path.insert(0, str(HERE))
    import keys

    return "\n\n".join(keys.table(label, result) for label, result in found)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated note counts")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median shows)")
    parser.add_argument("--quick", action="store_true", help="CI: N = 100, one run, small extras")
    parser.add_argument(
        "--worker", nargs=3, metavar=("NAME", "ROOT", "CACHE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.worker:
        name, root, cache = args.worker
        print(json.dumps(WORKERS[name](Path(root), Path(cache))))
        return 0
    compile_sources()
    sizes = [100] if args.quick else [int(n.replace("_", "")) for n in args.sizes.split(",")]
    runs = 1 if args.quick else max(1, args.runs)
    started = time.perf_counter()
    results = []
    for notes in sizes:
        print(f"N = {notes:,} …", file=sys.stderr, flush=True)
        results.append(measure_size(notes, runs))
    print("sample notes, search, save …", file=sys.stderr, flush=True)
    samples = measure_samples(runs)
    search = measure_search(args.quick)
    save = measure_save(args.quick)
    key_figures = measure_keys(args.quick, runs)
    command = "benchmarks/bench.py " + " ".join(sys.argv[1:] if argv is None else argv)
    print(
        f"`{command.strip()}`: {runs} run(s), medians; python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs; {time.perf_counter() - started:.0f} s\n"
    )
    print(table(results, samples, search, save))
    if key_figures:
        print()
        print(keys_tables(key_figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
