"""Scoring a labelled folder the way the issue measures it: the real `notetui list --json`
run over the folder, then ../shared/tools/score.py on its output.

Used by benchmarks/accuracy.py and tests/core/parse/test_metamorphic.py. Each run gets a
throwaway home: every NOTETUI_* location points into it, so no cache or user file is read.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.paths import CORPUS, SCORER, WILD
from support.rewrites import Label, Rewrite, RewriteError, is_markdown

NOTETUI = Path(sys.executable).parent / "notetui"
SHARED_LABELLED = (CORPUS, WILD)

_LOCATIONS = {
    "NOTETUI_CACHE": "cache",
    "NOTETUI_DATA": "data",
    "NOTETUI_DB": "data/annotations.json",
    "NOTETUI_CONFIG_DIR": "config",
    "NOTETUI_CONFIG": "config/config.toml",
    "NOTETUI_EXPORT": "export",
}


class ScoringError(RuntimeError):
    """notetui or the scorer did not give figures."""


@dataclass(frozen=True)
class Figures:
    """score.py's figures for one folder."""

    talks_precision: float
    talks_recall: float
    merge_precision: float
    merge_recall: float
    speakers_found: int
    speakers_all: int
    slides_found: int
    slides_all: int
    events_fp: int
    events_fn: int
    notes_without_event: int
    wrong_dates: int
    ok: bool
    details: tuple[str, ...]  # score.py's lines before the figures (missed and extra talks…)

    @property
    def speakers(self) -> float:
        return self.speakers_found / self.speakers_all if self.speakers_all else 1.0

    @property
    def talks_missed(self) -> int:
        return sum(line.startswith("  missed talk in ") for line in self.details)

    @property
    def talks_extra(self) -> int:
        return sum(line.startswith("  extra talk in ") for line in self.details)

    def exact_talks(self, expected_talks: int) -> tuple[float, float]:
        """Talks P/R unrounded (score.py prints two decimals), from its missed/extra lines."""
        found = expected_talks - self.talks_missed
        listed = found + self.talks_extra
        precision = found / listed if listed else 1.0
        recall = found / expected_talks if expected_talks else 1.0
        return precision, recall


_SUMMARY = re.compile(
    r"SUMMARY ok=(?P<ok>True|False) talks P/R=(?P<tp>[\d.]+)/(?P<tr>[\d.]+) "
    r"merge P/R=(?P<mp>[\d.]+)/(?P<mr>[\d.]+) speakers=(?P<sh>\d+)/(?P<sa>\d+) "
    r"slides=(?P<lh>\d+)/(?P<la>\d+) events fp/fn=(?P<efp>\d+)/(?P<efn>\d+) "
    r"dates_wrong=(?P<dw>\d+)"
)
_WITHOUT_EVENT = re.compile(r"notes_without_event=(\d+)")


def parse_score(output: str) -> Figures:
    """score.py's printout as figures (its SUMMARY line and its event line)."""
    summary = _SUMMARY.search(output)
    without = _WITHOUT_EVENT.search(output)
    if summary is None or without is None:
        raise ScoringError(f"score.py printed no summary:\n{output}")
    g = summary.groupdict()
    figures_at = output.find("talks precision=")
    return Figures(
        talks_precision=float(g["tp"]),
        talks_recall=float(g["tr"]),
        merge_precision=float(g["mp"]),
        merge_recall=float(g["mr"]),
        speakers_found=int(g["sh"]),
        speakers_all=int(g["sa"]),
        slides_found=int(g["lh"]),
        slides_all=int(g["la"]),
        events_fp=int(g["efp"]),
        events_fn=int(g["efn"]),
        notes_without_event=int(without.group(1)),
        wrong_dates=int(g["dw"]),
        ok=g["ok"] == "True",
        details=tuple(output[:figures_at].strip("\n").splitlines()),
    )


def isolated_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOTETUI_")}
    env.update({var: str(home / rel) for var, rel in _LOCATIONS.items()})
    return env


def list_json(folder: Path, home: Path) -> dict[str, Any]:
    """`notetui list --json FOLDER`, run as a user runs it, with its locations in `home`."""
    done = subprocess.run(
        [str(NOTETUI), "list", "--json", str(folder)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=isolated_env(home),
        cwd=home,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise ScoringError(f"notetui list --json {folder} -> {done.returncode}\n{done.stderr}")
    listing: dict[str, Any] = json.loads(done.stdout)
    return listing


def score(expected: Path, listing: Path) -> Figures:
    """Run score.py EXPECTED ACTUAL and read its figures."""
    done = subprocess.run(
        [sys.executable, str(SCORER), str(expected), str(listing)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    if done.returncode not in (0, 1):
        raise ScoringError(f"score.py failed ({done.returncode}):\n{done.stderr}")
    return parse_score(done.stdout)


def score_folder(folder: Path, expected: Path, work: Path | None = None) -> Figures:
    """The figures for one labelled folder; `work` holds the run's home and its listing."""
    with tempfile.TemporaryDirectory(prefix="notetui-score-") as scratch:
        place = work or Path(scratch)
        home = place / "home"
        home.mkdir(parents=True, exist_ok=True)
        listing_path = place / "listing.json"
        listing = list_json(folder, home)
        listing_path.write_text(json.dumps(listing, ensure_ascii=False), encoding="utf-8")
        return score(expected, listing_path)


# -- metamorphic folders ------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledNote:
    path: Path
    text: str
    label: Label
    event: dict[str, Any]  # its entry in expected.json's "events"


def shared_markdown_notes(folders: Iterable[Path] = SHARED_LABELLED) -> list[LabelledNote]:
    """Every labelled note in ../shared that is Markdown by content, with its labels."""
    notes: list[LabelledNote] = []
    for folder in folders:
        expected = json.loads((folder / "expected.json").read_text("utf-8"))
        event_of = {name: ev for ev in expected["events"] for name in ev["files"]}
        for name, label in expected["files"].items():
            text = (folder / name).read_bytes().decode("utf-8")
            if is_markdown(text):
                notes.append(LabelledNote(folder / name, text, label, event_of.get(name, {})))
    return notes


@dataclass(frozen=True)
class RewrittenFolder:
    rewrite: str
    notes: Path  # the rewritten notes
    expected: Path  # their labels, mapped, in score.py's format (outside `notes`)
    changed: int  # how many notes the rewrite changed
    remarks: tuple[str, ...]


def write_rewritten(rewrite: Rewrite, notes: Iterable[LabelledNote], out: Path) -> RewrittenFolder:
    """Each note rewritten into `out/notes`, and `out/expected.json` with the mapped labels
    (files keyed by the rewritten basenames; events keep their dates)."""
    folder = out / "notes"
    folder.mkdir(parents=True, exist_ok=False)
    files: dict[str, Label] = {}
    events: dict[int, dict[str, Any]] = {}
    changed, remarks = 0, []
    for note in notes:
        try:
            done = rewrite(note.path.name, note.text, note.label)
        except RewriteError as error:
            raise RewriteError(f"{rewrite.name} on {note.path.name}: {error}") from error
        if done.name in files:
            raise RewriteError(f"{rewrite.name}: two notes are both named {done.name}")
        (folder / done.name).write_bytes(done.data)
        files[done.name] = done.label
        changed += done.changed
        if done.remark:
            remarks.append(f"{note.path.name}: {done.remark}")
        group = events.setdefault(id(note.event), {**note.event, "files": []})
        group["files"].append(done.name)
    expected = {
        "about": f"Labels of the shared Markdown notes after the rewrite {rewrite.name!r}.",
        "files": files,
        "events": list(events.values()),
    }
    expected_path = out / "expected.json"
    expected_path.write_text(json.dumps(expected, ensure_ascii=False, indent=1), "utf-8")
    return RewrittenFolder(rewrite.name, folder, expected_path, changed, tuple(remarks))
