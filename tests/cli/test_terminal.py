"""The real `notetui` console script in a real pseudo-terminal.

What the terminal receives is fed to pyte, a terminal emulator, so the tests read
the screen a user would see; the raw bytes are kept too, to prove that nothing a
note says reaches the terminal as a control sequence.
"""

from __future__ import annotations

import os
import pty
import re
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
from support import hostile
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


# Issue 16's sequences: OSC 0/2/52/8, DCS, APC, PM, SOS, RIS, CSI 2J, DSR 6n and more,
# their 8-bit C1 forms, and bidi overrides and isolates.
TWENTY_FOUR = (
    "\x1b]0;owned\x07",
    "\x1b]0;owned\x1b\\",
    "\x1b]2;title\x07",
    "\x1b]52;c;c3RvbGVu\x07",
    "\x1b]52;c;?\x07",
    "\x1b]8;;https://evil.example/\x07link\x1b]8;;\x07",
    "\x1bP+q544e\x1b\\",
    "\x1bPtmux;\x1b\x1b]52;c;eA==\x07\x1b\\",
    "\x1b_Gf=100;payload\x1b\\",
    "\x1b^private\x1b\\",
    "\x1bXstring\x1b\\",
    "\x1bc",
    "\x1b[2J",
    "\x1b[H",
    "\x1b[6n",
    "\x1b[c",
    "\x1b[?1049h",
    "\x1b[31m",
    "\x9b2J",
    "\x9d0;owned\x9c",
    "\x90q\x9c",
    "\x9fpayload\x9c",
    "\u202e",
    "\u2067",
)
_ONLY_SGR = re.compile(rb"\x1b\[[0-9;]*m")  # Rich's own colours in `list`
_C1_OR_BIDI = re.compile("[\x80-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def hostile_notes(root: Path) -> Path:
    talks = "".join(
        f"## 発表{n} A{n}{seq}Z{n}\n\n- 要点{n} B{n}{seq}Y{n}\n\n"
        for n, seq in enumerate(TWENTY_FOUR)
    )
    root.mkdir(parents=True, exist_ok=True)
    (root / "hostile.md").write_text(f"# 攻撃的な勉強会\n\n{talks}", "utf-8")
    return root


def scan(raw: bytes, allow_sgr: bool) -> None:
    """No sequence of the note's reaches the terminal, whole or in part."""
    for n, seq in enumerate(TWENTY_FOUR):
        assert f"A{n}{seq}".encode() not in raw and seq.encode() not in raw, repr(seq)
        assert f"B{n}{seq}".encode() not in raw, repr(seq)
    rest = _ONLY_SGR.sub(b"", raw) if allow_sgr else raw
    assert b"\x1b" not in rest, rest[rest.index(b"\x1b") - 40 : rest.index(b"\x1b") + 40]
    text = rest.decode("utf-8")  # valid UTF-8, too
    assert not _C1_OR_BIDI.search(text), _C1_OR_BIDI.findall(text)
    assert "攻撃的な勉強会" in text  # and the note itself was there


def test_export_to_stdout_and_list_send_no_sequence_of_a_note(
    tmp_path: Path, terminal: list[Terminal]
) -> None:
    notes = hostile_notes(tmp_path / "notes")
    exported = start(terminal, "export", str(notes), "-o", "-", cwd=tmp_path)
    assert exported.wait_exit(timeout=60) == 0, exported.raw[-2000:]
    scan(bytes(exported.raw), allow_sgr=False)

    listed = start(terminal, "list", str(notes), cwd=tmp_path)
    assert listed.wait_exit(timeout=60) == 0, listed.raw[-2000:]
    scan(bytes(listed.raw), allow_sgr=True)
    assert "␛]0;owned␇" in listed.raw.decode("utf-8")  # shown as what it is, inert


def test_the_reader_opens_on_notes_option(
    notes_dir: Path, tmp_path: Path, terminal: list[Terminal]
) -> None:
    first = load_library(notes_dir, cache=False).events[0].talks[0].title
    term = start(terminal, "--notes", str(notes_dir), cwd=tmp_path)
    term.wait_for(first[:20])
    term.send("q")
    assert term.wait_exit() == 0


def test_the_reader_quits_while_a_pathological_note_loads_and_lists_it_after(
    tmp_path: Path, terminal: list[Terminal]
) -> None:
    notes = tmp_path / "notes"
    hostile.write(
        notes,
        {
            "good.md": "# 普通の勉強会\n\n## 普通に読める発表\n\n- 本文\n",
            "talk-headings-50k.md": hostile.many_talk_headings(),
        },
    )
    quitting = start(terminal, str(notes), cwd=tmp_path)
    quitting.wait_for("Reading notes in")
    quitting.send("q")
    assert quitting.wait_exit(timeout=5) == 0  # the load is cancelled, not waited for

    term = start(terminal, str(notes), cwd=tmp_path)
    term.wait_for("Talk 1", timeout=60)  # the cut note's first talks are kept
    term.send("G")  # the end of the tree: the problems
    term.wait_for("Problems (1)")
    term.send("q")
    assert term.wait_exit() == 0
