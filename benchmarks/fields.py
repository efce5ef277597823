"""How well title cleaning, speaker lines and slide links match the labels, per folder.

    python benchmarks/fields.py [--show] [--misses] [--more] [--rewrites] [FOLDER...]

For each labelled talk of ../shared/{wild,corpus}/expected.json it finds the talk's raw
line in the note (the first line at or after the previous talk's whose letters hold the
labelled title's), takes the lines up to the next labelled talk or not-talk as its body,
and runs the field stages on them alone:

- titles:   `fields.talk_fields(raw line, body).title` equals the labelled title
            (`clean_title` underneath);
- speakers: its speakers (the title's, filled in or else given by
            `speakers.speakers_in(body)`) equal the labelled (name, handle,
            affiliation) triples, in order;
- recall:   labelled speakers matched by name or handle, as score.py counts them;
- slides:   its slides (`slides.slide_links(raw line + body)`) equal the labelled
            deck URLs.

It measures the field stages only: finding which lines are talks is the pipeline's job.
`--show` prints every talk's raw line and first body lines; `--misses` every mismatch;
`--more` also notes/ (labels in tests/data/notes_expected.json) and a 200-note synthetic
library from benchmarks/generate.py (seed 11); `--rewrites` the same figures on each
metamorphic rewrite of tests/support/rewrites.py.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FOLDERS = ("wild", "corpus")

from notetui.core.load.files import read_note  # noqa: E402
from notetui.core.models import Speaker  # noqa: E402
from notetui.core.parse import fields  # noqa: E402
from notetui.core.text import fold  # noqa: E402

_NOT_LETTERS = re.compile(r"[\W_]+")
_URL = re.compile(r"\]\([^)]*\)|https?://\S+")
_HEADING = re.compile(r"^(#{1,6})\s")
# A table row or a table-of-contents link names a talk without being where it starts.
_ASIDE = re.compile(r"^\s*\||\]\(#")


def _key(text: str) -> str:
    return _NOT_LETTERS.sub("", fold(_URL.sub("", text)))


def _locate(lines: list[str], title: str, start: int) -> int | None:
    """The raw line of a labelled title: a line holding its letters, a short one first."""
    want = _key(title)
    if not want:
        return None
    for begin in (start, 0):
        hits = [i for i in range(begin, len(lines)) if want in _key(lines[i])]
        # A title written inside a long paragraph is a mention; prefer a line that is
        # mostly the title (a heading, a bullet, a bare line).
        close = [
            i
            for i in hits
            if len(want) * 3 + 30 >= len(_key(lines[i])) and not _ASIDE.search(lines[i])
        ]
        if close or hits:
            return (close or hits)[0]
    return None


@dataclass
class Tally:
    talks: int = 0
    located: int = 0
    titles: int = 0
    speakers: int = 0
    speaker_talks: int = 0
    speakers_recalled: int = 0
    speakers_labelled: int = 0
    slides: int = 0
    slide_talks: int = 0

    def line(self, name: str) -> str:
        return (
            f"{name:8} talks={self.talks} located={self.located}  titles {self.titles}/{self.talks}"
            f"  speakers exact {self.speakers}/{self.talks}"
            f" (talks with speakers {self.speaker_talks})"
            f"  speaker recall {self.speakers_recalled}/{self.speakers_labelled}"
            f"  slides exact {self.slides}/{self.talks} (talks with slides {self.slide_talks})"
        )


def _triples(found: tuple[Speaker, ...]) -> list[tuple[str, str | None, str | None]]:
    return [(s.name, s.handle, s.affiliation) for s in found]


def _norm(text: str | None) -> str:
    return "".join(fold(text or "").split())


def _recalled(label: dict[str, Any], found: tuple[Speaker, ...]) -> bool:
    return any(
        (label["name"] and _norm(s.name) == _norm(label["name"]))
        or (label["handle"] and _norm(s.handle).lstrip("@") == _norm(label["handle"]))
        for s in found
    )


def _bounds(lines: list[str], starts: list[int], index: int, stops: list[int]) -> int:
    """Where a talk's body ends: the next talk or not-talk line, or a heading as high."""
    here = starts[index]
    after = [s for s in starts + stops if s > here]
    end = min(after) if after else len(lines)
    level = _HEADING.match(lines[here])
    if level:
        for i in range(here + 1, end):
            other = _HEADING.match(lines[i])
            if other and len(other.group(1)) <= len(level.group(1)):
                return i
    return end


def _find(root: Path, name: str) -> Path:
    """A labelled file: labels name notes by their path or, in nested folders, basename."""
    if (root / name).is_file():
        return root / name
    return next(path for path in sorted(root.rglob(Path(name).name)) if path.is_file())


def measure(
    folder: str | Path, show: bool = False, misses: bool = False, labels: Path | None = None
) -> Tally:
    """The figures of one labelled folder (a name under ../shared, or a path), with its
    labels in `labels` or the folder's expected.json."""
    root = folder if isinstance(folder, Path) else SHARED / folder
    expected = json.loads((labels or root / "expected.json").read_text("utf-8"))
    tally = Tally()
    for name, labels in expected["files"].items():
        lines = read_note(_find(root, name)).text.split("\n")
        starts: list[int] = []
        position = 0
        for talk in labels["talks"]:
            found = _locate(lines, talk["title"], position)
            starts.append(-1 if found is None else found)
            if found is not None:
                position = found + 1
        stops = [i for t in labels.get("not_talks", []) if (i := _locate(lines, t, 0)) is not None]
        for index, talk in enumerate(labels["talks"]):
            tally.talks += 1
            tally.speakers_labelled += len(talk["speakers"])
            tally.speaker_talks += bool(talk["speakers"])
            tally.slide_talks += bool(talk["slides"])
            if starts[index] < 0:
                if misses:
                    print(f"  {name}: not located: {talk['title']}")
                continue
            tally.located += 1
            raw = lines[starts[index]]
            body = lines[starts[index] + 1 : _bounds(lines, starts, index, stops)]
            clean = fields.talk_fields(raw, body)
            found, decks = clean.speakers, clean.slides
            want_speakers = [(s["name"], s["handle"], s["affiliation"]) for s in talk["speakers"]]
            ok_title = clean.title == talk["title"]
            ok_speakers = _triples(found) == want_speakers
            ok_slides = list(decks) == talk["slides"]
            tally.titles += ok_title
            tally.speakers += ok_speakers
            tally.slides += ok_slides
            tally.speakers_recalled += sum(_recalled(s, found) for s in talk["speakers"])
            if show:
                print(f"--- {name}:{starts[index] + 1}  {raw!r}")
                for line in body[:6]:
                    print(f"      {line[:150]!r}")
            if misses and not (ok_title and ok_speakers and ok_slides):
                print(f"  {name}:{starts[index] + 1} {raw[:120]!r}")
                if not ok_title:
                    print(
                        f"      title   got {clean.title!r}\n              want {talk['title']!r}"
                    )
                if not ok_speakers:
                    print(
                        f"      speaker got {_triples(found)}\n              want {want_speakers}"
                    )
                if not ok_slides:
                    print(f"      slides  got {list(decks)}\n              want {talk['slides']}")
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", default=list(FOLDERS))
    parser.add_argument("--show", action="store_true", help="print each talk's raw lines")
    parser.add_argument("--misses", action="store_true", help="print each mismatch")
    parser.add_argument(
        "--more", action="store_true", help="also notes/ and a synthetic library (generate.py)"
    )
    parser.add_argument(
        "--rewrites", action="store_true", help="also each rewrite of the Markdown notes"
    )
    args = parser.parse_args(argv)
    if not (SHARED / "wild" / "expected.json").is_file():
        print(f"skipped: no labels under {SHARED}")
        return 2
    for folder in args.folders:
        tally = measure(folder, args.show, args.misses)
        print(tally.line(folder))
    if args.more:
        print(
            measure(
                REPO / "notes", False, args.misses, REPO / "tests/data/notes_expected.json"
            ).line("notes")
        )
        sys.path.insert(0, str(REPO / "benchmarks"))
        from generate import generate

        with tempfile.TemporaryDirectory(prefix="fields-") as out:
            library = generate(Path(out) / "synthetic", 200, seed=11)
            tally = measure(library.notes_dir, False, args.misses, labels=library.expected_path)
            print(tally.line("synthetic"))
    if args.rewrites:
        _rewrites(args.misses)
    return 0


def _rewrites(misses: bool) -> None:
    """The same figures on every rewrite of tests/support/rewrites.py (the Markdown notes
    of corpus and wild together). A browser dump loses link targets, so its slides drop."""
    sys.path.insert(0, str(REPO / "tests"))
    from support.rewrites import REWRITES
    from support.scoring import shared_markdown_notes, write_rewritten

    notes = shared_markdown_notes()
    for rewrite in REWRITES:
        with tempfile.TemporaryDirectory(prefix="fields-") as out:
            done = write_rewritten(rewrite, notes, Path(out) / "rewritten")
            tally = measure(done.notes, False, misses, labels=done.expected)
            print(tally.line(rewrite.name[:8]) + f"  [{rewrite.name}]")


if __name__ == "__main__":
    sys.exit(main())
