"""`o` and a click on a slide link: a link opens in a graphical browser, or is copied.

Python's `webbrowser` picks a console browser (w3m, lynx) when there is no display,
and runs it inside the reader's terminal, which blanks the screen until a resize. So
a link opens in a browser only where a graphical one exists: macOS, Windows, or a
Linux desktop (DISPLAY or WAYLAND_DISPLAY) whose chosen browser is not a console
one. Elsewhere the link is copied (OSC 52, which reaches the clipboard over ssh too)
and shown in a toast with the command to open it; pressing `o` again on the same
link opens the console browser, through `App.suspend()`, which hands it the terminal
and takes it back.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import webbrowser
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from textual.app import App, SuspendNotSupported

from notetui.core.text import sanitize_line

# Browsers that draw in the terminal they are started from.
CONSOLE_BROWSERS = ("w3m", "lynx", "links", "links2", "elinks", "www-browser", "browsh", "carbonyl")
_AGAIN_WITHIN = 20.0  # seconds in which a second `o` on the same link opens it in the console


@dataclass(frozen=True)
class BrowserChoice:
    graphical: bool  # a browser that opens windows of its own
    console: str | None = None  # else the console browser there is, as a command


def _console_on_path(environ: Mapping[str, str]) -> str | None:
    wanted = [word for word in environ.get("BROWSER", "").split(os.pathsep) if word]
    for command in [*wanted, *CONSOLE_BROWSERS]:
        words = shlex.split(command) if command.strip() else []
        if words and Path(words[0]).name in CONSOLE_BROWSERS:
            found = shutil.which(words[0], path=environ.get("PATH"))
            if found:
                return found
    return None


def choose_browser(
    environ: Mapping[str, str] | None = None, platform: str = sys.platform
) -> BrowserChoice:
    """Whether a link can open in a graphical browser here; if not, a console one."""
    environ = os.environ if environ is None else environ
    if platform == "darwin" or platform.startswith("win"):
        return BrowserChoice(graphical=True)
    if not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")):
        return BrowserChoice(False, _console_on_path(environ))
    try:
        controller = webbrowser.get()
    except webbrowser.Error:
        return BrowserChoice(False, _console_on_path(environ))
    name = Path(str(getattr(controller, "name", "") or "")).name
    if name in CONSOLE_BROWSERS:
        return BrowserChoice(False, shutil.which(name, path=environ.get("PATH")) or name)
    return BrowserChoice(graphical=True)


class LinkOpener:
    """Opens links for one app, remembering the last one copied for a second `o`."""

    def __init__(self, app: App[object]) -> None:
        self.app = app
        self._offered: tuple[str, str, float] | None = None  # (url, console, when)

    def open(self, url: str, what: str = "link") -> None:
        url = sanitize_line(url)
        choice = choose_browser()
        if choice.graphical:
            self.app.notify(f"Opening the {what}: {url}", timeout=3, markup=False)
            self.app.run_worker(
                lambda: self._in_browser(url),
                thread=True,
                group="browser",
                description="opening a link",
            )
            return
        offered = self._offered
        self._offered = None
        if (
            offered is not None
            and offered[0] == url
            and choice.console == offered[1]
            and time.monotonic() - offered[2] < _AGAIN_WITHIN
        ):
            self._in_console(offered[1], url)
            return
        self.app.copy_to_clipboard(url)
        message = f"No graphical browser here. Copied the {what} to the clipboard: {url}"
        if choice.console:
            command = shlex.join([choice.console, url])
            message += f"\nPress o again to open it here with {Path(choice.console).name}"
            message += f", or run: {command}"
            self._offered = (url, choice.console, time.monotonic())
        else:
            message += "\nPaste it into a browser."
        self.app.notify(message, title="Link copied", timeout=12, markup=False)

    def _in_browser(self, url: str) -> None:
        """In a worker thread: a graphical browser may take a moment to answer."""
        try:
            opened = webbrowser.open(url)
        except webbrowser.Error:
            opened = False
        if not opened:
            self.app.call_from_thread(self._could_not_open, url)

    def _could_not_open(self, url: str) -> None:
        self.app.copy_to_clipboard(url)
        self.app.notify(
            f"The browser did not start. Copied the link to the clipboard: {url}",
            severity="warning",
            timeout=10,
            markup=False,
        )

    def _in_console(self, console: str, url: str) -> None:
        """The console browser gets the terminal until it quits."""
        command = [console, url]
        try:
            with self.app.suspend():
                subprocess.run(command, check=False)
        except SuspendNotSupported:
            self.app.notify(
                "This terminal cannot hand over to a browser; run: " + shlex.join(command),
                severity="warning",
                timeout=10,
                markup=False,
            )
        except OSError as error:
            self.app.notify(
                f"Cannot run {console}: {error.strerror or error}", severity="error", markup=False
            )
