"""The real `notetui` console script in a real pseudo-terminal.

What the terminal receives is fed to pyte, a terminal emulator, so the tests read
the screen a user would see; the raw bytes are kept too, to prove that nothing a
note says reaches the terminal as a control sequence.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyte
import pytest

from notetui.core.load.library import load_library
from support.paths import REPO

NOTETUI = Path(sys.executable).parent / "notetui"
GENERATE = REPO / "benchmarks" / "generate.py"
COLUMNS, LINES = 160, 45


class Terminal:
    """`notetui ARGS` running in a pty of COLUMNS x LINES, read through pyte."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLUMNS": str(COLUMNS),
            "LINES": str(LINES),
        }
        env.pop("NO_COLOR", None)
        leader, follower = pty.openpty()
        os.set_blocking(leader, False)
        import fcntl
        import struct
        import termios

        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        self.process = subprocess.Popen(
            [str(NOTETUI), *args],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
        os.close(follower)
        self.fd = leader

    def pump(self, seconds: float = 0.05) -> None:
        """Read what the app wrote for up to `seconds`."""
        ready, _, _ = select.select([self.fd], [], [], seconds)
        while ready:
            try:
                chunk = os.read(self.fd, 65536)
            except (BlockingIOError, OSError):
                return
            if not chunk:
                return
            self.raw += chunk
            self.stream.feed(chunk)
            ready, _, _ = select.select([self.fd], [], [], 0)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.text():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"{text!r} never showed; the screen:\n{self.text()}")
            self.pump(0.1)

    def settle(self, quiet: float = 0.5, timeout: float = 10) -> None:
        """Read until the app has written nothing for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = len(self.raw)
            self.pump(quiet)
            if len(self.raw) == before:
                return

    def send(self, keys: str | bytes) -> None:
        os.write(self.fd, keys.encode() if isinstance(keys, str) else keys)
        self.pump(0.2)

    def click(self, x: int, y: int) -> None:
        """A left click at screen cell (x, y), as an SGR mouse report."""
        self.send(f"\x1b[<0;{x + 1};{y + 1}M\x1b[<0;{x + 1};{y + 1}m")

    def find(self, text: str) -> tuple[int, int]:
        for y, line in enumerate(self.screen.display):
            if text in line:
                return line.index(text), y
        raise AssertionError(f"{text!r} is not on screen:\n{self.text()}")

    def wait_exit(self, timeout: float = 10) -> int:
        deadline = time.monotonic() + timeout
        while (code := self.process.poll()) is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"still running {timeout:g} s later:\n{self.text()}")
            self.pump(0.05)
        self.pump(0)
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        os.close(self.fd)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[list[Terminal]]:
    started: list[Terminal] = []
    yield started
    for term in started:
        term.close()


def start(started: list[Terminal], *args: str, cwd: Path) -> Terminal:
    term = Terminal(list(args), cwd)
    started.append(term)
    return term


def test_the_sample_notes_open_read_and_quit(
    notes_dir: Path, tmp_path: Path, terminal: list[Terminal]
) -> None:
    library = load_library(notes_dir, cache=False)
    newest = library.events[0]
    term = start(terminal, str(notes_dir), cwd=tmp_path)
    term.wait_for(newest.talks[0].title[:20])
    for event in library.events:  # every event is in the tree
        term.wait_for(event.title[:15])
    assert "Quit" in term.text() and "Help" in term.text()  # the footer

    term.send("?")
    term.wait_for("Next talk")  # the help screen lists the keys
    term.send("\x1b")
    term.settle()
    term.send("n")  # the next talk across the library
    term.wait_for(library.talks[1].title[:20])

    term.send("q")
    assert term.wait_exit() == 0
    assert b"\x1b[?1049l" in term.raw  # the screen is given back
    assert b"Traceback" not in term.raw


# Run in tmp_path: were the markup run, x.svg would land there.
HOSTILE_TITLE = "[@click=app.screenshot('x.svg','.')]Click me[/] [/]"
ESCAPES = (
    "\x1b]52;c;c3RvbGVu\x07",  # OSC 52: set the clipboard
    "\x1b]0;owned\x07",  # set the window title
    "\x1b[2J\x1b[H",  # clear the screen
    "\x9b31m",  # an 8-bit CSI
    "\x1bP+q544e\x1b\\",  # a DCS query
    "\u202egnp.exe",  # a right-to-left override
)


def test_note_text_never_becomes_markup_or_control_sequences(
    tmp_path: Path, terminal: list[Terminal]
) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    body = "\n".join(f"- point {i} {seq}end" for i, seq in enumerate(ESCAPES))
    (notes / "evil.md").write_text(
        f"# Evil meetup {ESCAPES[1]}\n\n## {HOSTILE_TITLE}\n\n{body}\n\n## Second talk\n\n- fine\n",
        "utf-8",
    )
    term = start(terminal, str(notes), cwd=tmp_path)
    term.wait_for("Click me[/] [/]")
    term.wait_for("[@click=app.screenshot(")  # the markup shows as the text it is
    term.wait_for("point 4")
    term.settle()

    for seq in ESCAPES:
        assert seq.encode() not in term.raw
    assert b"\x1b]52" not in term.raw

    x, y = term.find("Click me")
    term.click(x, y)  # in the tree
    term.settle()
    x, y = term.find("[@click")
    term.click(x + 2, y)
    term.settle()
    assert not list(tmp_path.rglob("x.svg")), "a click ran markup from a note"
    assert term.process.poll() is None  # and nothing crashed

    term.send("q")
    assert term.wait_exit() == 0


def test_q_quits_at_once_while_a_big_library_loads(
    tmp_path: Path, terminal: list[Terminal]
) -> None:
    library = tmp_path / "big"
    subprocess.run(
        [sys.executable, str(GENERATE), "--notes", "600", str(library)],
        check=True,
        capture_output=True,
    )
    cache = Path(os.environ["NOTETUI_CACHE"])
    term = start(terminal, str(library / "notes"), cwd=tmp_path)
    term.wait_for("Reading notes in")
    term.send("q")
    assert term.wait_exit(timeout=5) == 0
    # It stopped the load rather than finishing it: no cache of the library was written.
    assert not cache.exists() or not list(cache.glob("*.notecache"))
