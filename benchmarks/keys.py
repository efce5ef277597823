"""Key-to-screen latency and first paint, measured as a user feels them: in a real pty.

    .venv/bin/python benchmarks/keys.py                  # the sample notes, 20 presses a key
    .venv/bin/python benchmarks/keys.py --notes 10000    # a generated library (bench.py's)
    .venv/bin/python benchmarks/keys.py --presses 40 --size 80x24

The installed `notetui` runs in a pseudo-terminal; what it writes is fed to pyte (a
terminal emulator). A press is timed from writing the key to the last moment the
emulated screen changed, once it has been still for `QUIET` seconds. The same is done
for a bare Textual app (benchmarks/bare_reader.py) that shows the same talks' text
as a header and three columns and does the same update on `n` (and moves a line
cursor on `j` and `k`, the lit column on `]`): the floor Textual itself sets.

First paint is a whole process, imports included: from spawning the command to the
screen being still with the first talk on it.

It prints figures and ratios against the bare app measured in the same run,
interleaved; it asserts nothing. Used by benchmarks/bench.py.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyte

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
NOTETUI = Path(sys.executable).parent / "notetui"
BARE = HERE / "bare_reader.py"
QUIET = 0.3  # seconds without a change that end a press
KEYS = {"n": b"n", "j": b"j", "]": b"]"}  # `j` is timed with `k` between, up and down


class Terminal:
    """A command in a pty of `size`, its output read into a pyte screen."""

    def __init__(self, argv: Sequence[str], size: tuple[int, int], env: dict[str, str]) -> None:
        columns, lines = size
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.lines = [""] * lines
        self.looks = [0] * lines
        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            list(argv),
            stdin=follower,
            stdout=follower,
            stderr=follower,
            env={**env, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(lines)},
            start_new_session=True,
        )
        os.close(follower)
        os.set_blocking(leader, False)
        self.fd = leader

    def _read(self, timeout: float) -> bool:
        """Read what is there within `timeout`; True if the screen's text changed."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        changed = False
        while ready:
            try:
                chunk = os.read(self.fd, 1 << 16)
            except (BlockingIOError, OSError):
                break
            if not chunk:
                break
            self.stream.feed(chunk)
            for y in self.screen.dirty:
                if y >= len(self.lines):
                    continue
                row = self.screen.buffer[y]
                cells = [row[x] for x in range(self.screen.columns)]
                text = "".join(cell.data for cell in cells)
                # Colours count too: a cursor or a lit column changes no text.
                looks = hash(tuple((c.data, c.fg, c.bg, c.reverse, c.bold) for c in cells))
                if text != self.lines[y] or looks != self.looks[y]:
                    self.lines[y], self.looks[y] = text, looks
                    changed = True
            self.screen.dirty.clear()
            ready, _, _ = select.select([self.fd], [], [], 0)
        return changed

    def text(self) -> str:
        return "\n".join(self.lines)

    def settle(
        self, since: float, *, quiet: float = QUIET, first: float = 5.0, timeout: float = 60
    ) -> float | None:
        """Read until the screen has been still for `quiet` s after a change (or for
        `first` s with none); the time it last changed (None: it never did)."""
        last: float | None = None
        deadline = since + timeout
        while time.perf_counter() < deadline:
            if self._read(0.01):
                last = time.perf_counter()
            elif time.perf_counter() - (last or since) >= (quiet if last else first):
                break
        return last

    def wait_for(self, text: str, timeout: float = 120) -> float:
        deadline = time.perf_counter() + timeout
        while text not in self.text():
            if time.perf_counter() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"{text!r} never showed:\n{self.text()}")
            self._read(0.02)
        return time.perf_counter()

    def press(self, key: bytes) -> float | None:
        """Seconds from the key to the screen being still again (None: nothing changed)."""
        self.settle(time.perf_counter(), quiet=0.05, first=0.05)  # nothing left from before
        start = time.perf_counter()
        os.write(self.fd, key)
        last = self.settle(start)
        return None if last is None else last - start

    def cpu_seconds(self) -> float:
        """The process's user + system CPU time so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        if self.process.poll() is None:
            os.write(self.fd, b"q")
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        os.close(self.fd)


@contextlib.contextmanager
def terminal(argv: Sequence[str], size: tuple[int, int], env: dict[str, str]) -> Iterator[Terminal]:
    term = Terminal(argv, size, env)
    try:
        yield term
    finally:
        term.close()


# ---------------------------------------------------------------------------- the two apps


@dataclass(frozen=True)
class Subject:
    name: str
    argv: list[str]
    first_title: str  # shown once the first talk is on screen


def _environment(home: Path, cache: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("NOTETUI_")}
    env.update(
        NOTETUI_CACHE=str(cache),
        NOTETUI_DATA=str(home / "data"),
        NOTETUI_CONFIG_DIR=str(home / "config"),
        NOTETUI_EXPORT=str(home / "export"),
    )
    return env


def subjects(root: Path, cache: Path, home: Path) -> tuple[Subject, Subject]:
    """notetui on `root`, and the bare app on the same talks' text (written to `home`)."""
    sys.path.insert(0, str(REPO / "src"))
    os.environ["NOTETUI_CACHE"] = str(cache)
    from notetui.core.load.library import load_library

    library = load_library(root, cache=cache)  # fills the cache: every start is warm
    talks = []
    for talk in library.talks:
        event = library.event_of(talk)
        talks.append(
            {
                "title": talk.title,
                "event": event.title,
                "columns": [s.section.body for s in talk.sources[:3]],
            }
        )
    data = home / "talks.json"
    data.write_text(json.dumps(talks, ensure_ascii=False), "utf-8")
    first = library.talks[0].title[:12]
    notetui = Subject("notetui", [str(NOTETUI), str(root)], first)
    bare = Subject("bare", [sys.executable, str(BARE), str(data)], first)
    return notetui, bare


# ------------------------------------------------------------------------------ measuring


def first_paint(subject: Subject, size: tuple[int, int], env: dict[str, str]) -> float:
    with terminal(subject.argv, size, env) as term:
        term.wait_for(subject.first_title)
        last = term.settle(term.started, quiet=0.5, first=0.5) or time.perf_counter()
        return last - term.started


def latencies(
    subject: Subject, size: tuple[int, int], env: dict[str, str], presses: int
) -> dict[str, list[float]]:
    """Per key, the seconds each press took to reach the screen."""
    found: dict[str, list[float]] = {key: [] for key in KEYS}
    with terminal(subject.argv, size, env) as term:
        term.wait_for(subject.first_title)
        term.settle(time.perf_counter(), quiet=1.0, first=1.0)
        for _ in range(presses):  # n from the tree: the next talk
            if (seconds := term.press(KEYS["n"])) is not None:
                found["n"].append(seconds)
        term.press(b"\t")  # into the first column
        for number in range(presses):  # j, k, j, k…: every press moves the cursor
            if (seconds := term.press(b"j" if number % 2 == 0 else b"k")) is not None:
                found["j"].append(seconds)
        for _ in range(presses):
            if (seconds := term.press(KEYS["]"])) is not None:
                found["]"].append(seconds)
    return found


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(
    root: Path, cache: Path, *, presses: int, runs: int, size: tuple[int, int]
) -> dict[str, dict[str, float]]:
    """p50/p95 per key and first paint, for notetui and the bare app, and ratios."""
    with tempfile.TemporaryDirectory(prefix="bench-keys-") as folder:
        home = Path(folder)
        env = _environment(home, cache)
        pair = subjects(root, cache, home)
        keys: dict[str, dict[str, list[float]]] = {s.name: {k: [] for k in KEYS} for s in pair}
        paints: dict[str, list[float]] = {s.name: [] for s in pair}
        for _ in range(runs):  # interleaved, so noise hits both alike
            for subject in pair:
                paints[subject.name].append(first_paint(subject, size, env))
                for key, values in latencies(subject, size, env, presses).items():
                    keys[subject.name][key].extend(values)
    result: dict[str, dict[str, float]] = {}
    for name in ("notetui", "bare"):
        figures = {"paint": statistics.median(paints[name])}
        for key, values in keys[name].items():
            figures[f"{key} p50"] = percentile(values, 0.5)
            figures[f"{key} p95"] = percentile(values, 0.95)
            figures[f"{key} n"] = len(values)
        result[name] = figures
    ratio = {
        name: result["notetui"][name] / result["bare"][name]
        for name in result["notetui"]
        if not name.endswith(" n") and result["bare"][name] > 0
    }
    result["ratio"] = ratio
    return result


def table(label: str, result: dict[str, dict[str, float]]) -> str:
    ours, bare, ratio = result["notetui"], result["bare"], result["ratio"]
    rows = [
        f"| {label} | notetui | bare Textual | ratio | target |",
        "|---|---|---|---|---|",
        f"| first paint, whole process | {ours['paint'] * 1000:.0f} ms | "
        f"{bare['paint'] * 1000:.0f} ms | {ratio['paint']:.2f}× | ≤ 1.3× |",
    ]
    for key in KEYS:
        for share, target in (("p50", "≤ 1.5×"), ("p95", "≤ 2×")):
            name = f"{key} {share}"
            rows.append(
                f"| `{key}` {share} ({ours[f'{key} n']:.0f} presses) | {ours[name] * 1000:.0f} ms"
                f" | {bare[name] * 1000:.0f} ms | {ratio.get(name, float('nan')):.2f}× | {target} |"
            )
    return "\n".join(rows)


def library_root(notes: int | None) -> Path:
    if notes is None:
        return REPO / "notes"
    sys.path.insert(0, str(HERE))
    from bench import library_for

    return library_for(notes)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--notes", type=int, default=None, help="a generated library of N notes")
    parser.add_argument("--presses", type=int, default=20, help="presses of each key per run")
    parser.add_argument("--runs", type=int, default=1, help="runs, interleaved with the bare app")
    parser.add_argument("--size", default="200x50", help="terminal COLUMNSxLINES")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    from bench import compile_sources

    compile_sources()
    columns, lines = (int(part) for part in args.size.lower().split("x"))
    root = library_root(args.notes)
    cache = OUT / "cache" / ("keys-samples" if args.notes is None else f"keys-n{args.notes}")
    cache.mkdir(parents=True, exist_ok=True)
    result = measure(root, cache, presses=args.presses, runs=args.runs, size=(columns, lines))
    label = "sample notes" if args.notes is None else f"{args.notes:,} notes"
    print(f"{label}, {args.size}, {os.cpu_count()} CPUs, {args.runs} run(s)")
    print(table(label, result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
