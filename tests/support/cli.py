"""Running the real `notetui` console script against files in tmp_path.

Every run gets an environment of its own: each notetui location points into the
test's folder, NOTETUI_NOTES and the editor variables are unset, and the working
folder has no ./notes unless the test makes one. Nothing reads or writes the user's
real files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support.paths import REPO

SAMPLE_NOTES = REPO / "notes"
NOTETUI = Path(sys.executable).parent / "notetui"

LOCATION_VARS = (
    "NOTETUI_DB",
    "NOTETUI_DATA",
    "NOTETUI_CONFIG_DIR",
    "NOTETUI_CONFIG",
    "NOTETUI_CACHE",
    "NOTETUI_EXPORT",
)


@dataclass
class Cli:
    """`notetui` as a user runs it, with its locations in `home`."""

    home: Path
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("NOTETUI_") and k not in ("VISUAL", "EDITOR")
        }
        env.update(
            NOTETUI_DB=str(self.db),
            NOTETUI_DATA=str(self.home / "data"),
            NOTETUI_CONFIG_DIR=str(self.home / "config"),
            NOTETUI_CONFIG=str(self.config),
            NOTETUI_CACHE=str(self.home / "cache"),
            NOTETUI_EXPORT=str(self.home / "export"),
            COLUMNS="200",  # tables print whole rows, as on a wide terminal
        )
        self.env = env

    @property
    def db(self) -> Path:
        return self.home / "data" / "annotations.json"

    @property
    def config(self) -> Path:
        return self.home / "config" / "config.toml"

    def run(
        self,
        *args: str | Path,
        input: str | None = None,
        cwd: Path | None = None,
        env: dict[str, str | None] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        full = dict(self.env)
        for key, value in (env or {}).items():
            if value is None:
                full.pop(key, None)
            else:
                full[key] = value
        return subprocess.run(
            [str(NOTETUI), *map(str, args)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            input=input,
            cwd=cwd or self.home,
            env=full,
            timeout=120,
            check=False,
        )

    def ok(self, *args: str | Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        """Run; the exit code must be 0."""
        done = self.run(*args, **kwargs)
        assert done.returncode == 0, f"notetui {args} -> {done.returncode}\n{done.stderr}"
        return done

    def json(self, *args: str | Path, **kwargs: Any) -> Any:
        return json.loads(self.ok(*args, **kwargs).stdout)


def copy_samples(to: Path) -> Path:
    """A copy of the repository's sample notes that a test may change."""
    shutil.copytree(SAMPLE_NOTES, to)
    return to


def talks_by_title(listing: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`list --json` talks by title (and by every title a source gives them)."""
    found: dict[str, dict[str, Any]] = {}
    for event in listing["events"]:
        for talk in event["talks"]:
            found[talk["title"]] = {**talk, "event": event}
            for source in talk["sources"]:
                found.setdefault(source["title"], {**talk, "event": event})
    return found


def talk_with(listing: dict[str, Any], text: str) -> dict[str, Any]:
    """The one talk whose title contains `text`."""
    hits = {
        talk["id"]: talk
        for title, talk in talks_by_title(listing).items()
        if text.casefold() in title.casefold()
    }
    assert len(hits) == 1, f"{text!r} names {len(hits)} talks"
    return next(iter(hits.values()))


def line_of(path: Path, text: str, encoding: str = "utf-8") -> int:
    """The 1-based line of the file on which `text` is (it must be there once)."""
    lines = path.read_text(encoding).splitlines()
    hits = [n for n, line in enumerate(lines, 1) if text in line]
    assert len(hits) == 1, f"{text!r} is on lines {hits} of {path}"
    return hits[0]
