"""The installed `notetui` in a real pseudo-terminal, its screen read through pyte.

For the UI tests that must see the real process: its CPU time while idle, how fast
it quits. (tests/cli/test_terminal.py drives the CLI the same way.)
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pyte

NOTETUI = Path(sys.executable).parent / "notetui"


class Terminal:
    """`notetui ARGS` in a pty of `size`; the notetui locations come from the
    environment, which the suite's autouse fixture points at a temp folder."""

    def __init__(self, args: list[str], cwd: Path, size: tuple[int, int] = (160, 45)) -> None:
        columns, lines = size
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(lines)}
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
        os.set_blocking(leader, False)
        self.fd = leader

    def pump(self, seconds: float = 0.05) -> None:
        """Read what the app wrote within `seconds`."""
        ready, _, _ = select.select([self.fd], [], [], seconds)
        while ready:
            try:
                chunk = os.read(self.fd, 1 << 16)
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

    def settle(self, quiet: float = 0.5, timeout: float = 15) -> None:
        """Read until the app has written nothing for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = len(self.raw)
            self.pump(quiet)
            if len(self.raw) == before:
                return

    def send(self, keys: str) -> None:
        """Write `keys` at once, as a burst a terminal sends when keys are held."""
        os.write(self.fd, keys.encode())

    def cpu_seconds(self) -> float:
        """The process's user and system CPU time so far."""
        stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def wait_exit(self, timeout: float = 10) -> int:
        deadline = time.monotonic() + timeout
        while (code := self.process.poll()) is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"still running {timeout:g} s later:\n{self.text()}")
            self.pump(0.05)
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        os.close(self.fd)
