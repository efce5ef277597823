"""Hostile notes, generated at test time (never committed): the pathological shapes
of issue 15 and every front matter that used to crash the whole load.

Run as a script to write them into a folder for measuring by hand:
`python tests/support/hostile.py DIR` (see the harden report for the figures).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

MB = 1_000_000
# Under the 8 MiB file cap, as in the issue: big, but still taken for a note.
NEAR_CAP = int(7.9 * MB)


def _fill(line: Callable[[int], str], size: int, head: str = "# 大きすぎる勉強会\n\n") -> str:
    parts = [head]
    total = len(head.encode())
    n = 0
    while total < size:
        text = line(n)
        parts.append(text)
        total += len(text.encode())
        n += 1
    return "".join(parts)


def many_talk_headings(count: int = 50_000) -> str:
    """50,000 `## Talk N` headings (about 700 KB)."""
    return "# Archive night\n\n" + "".join(f"## Talk {n}\n\n" for n in range(count))


def many_links(count: int = 100_000) -> str:
    """100,000 links, one bullet each, under one talk."""
    body = "".join(f"- [slides {n}](https://slides.example.org/deck/{n})\n" for n in range(count))
    return f"# Link dump meetup\n\n## One talk with every link\n\n{body}"


def headings_near_the_cap() -> str:
    """7.9 MB of headings."""
    return _fill(lambda n: f"## Heading number {n} of the archive\n", NEAR_CAP)


def bullets_near_the_cap() -> str:
    """7.9 MB of bullets under a single talk."""
    return _fill(
        lambda n: f"- bullet point {n} with a few words after it\n",
        NEAR_CAP,
        "# Bullet night\n\n## The only talk\n\n",
    )


PATHOLOGICAL: dict[str, Callable[[], str]] = {
    "talk-headings-50k.md": many_talk_headings,
    "links-100k.md": many_links,
    "headings-7.9mb.md": headings_near_the_cap,
    "bullets-7.9mb.md": bullets_near_the_cap,
}

_BODY = "# 型の勉強会 #{n}\n\n## 壊れたメタデータの後の発表{n}\n\n- 本文は読める\n"

# Front matter that crashed the whole load before issue 15 (each became a traceback).
CRASHING_FRONT_MATTER: dict[str, str] = {
    "yaml-timestamp-feb30.md": "---\ntitle: !!timestamp 2020-02-30\n---\n",
    "yaml-timestamp-nope.md": "---\ntitle: !!timestamp nope\n---\n",
    "yaml-int-abc.md": "---\ntitle: !!int abc\n---\n",
    "yaml-int-0x.md": "---\ntitle: !!int 0x_\n---\n",
    "yaml-float-abc.md": "---\ntitle: !!float abc\n---\n",
    "yaml-bool-bad.md": "---\ntitle: !!bool perhaps\n---\n",
    "yaml-binary-bad.md": "---\ntitle: !!binary '@@@'\n---\n",
    "yaml-python-object.md": "---\ntitle: !!python/object:os.system echo\n---\n",
    "yaml-python-name.md": "---\nrun: !!python/name:os.system\n---\n",
    "yaml-5000-digits.md": "---\nnumber: " + "7" * 5000 + "\n---\n",
    "yaml-int-5000-digits.md": "---\nnumber: !!int " + "7" * 5000 + "\n---\n",
    "toml-5000-digits.md": "+++\nnumber = " + "7" * 5000 + "\n+++\n",
    "toml-5000-digits-in-array.md": "+++\nnumbers = [1, " + "7" * 5000 + "]\n+++\n",
    "json-5000-digits.md": '{\n"number": ' + "7" * 5000 + "\n}\n",
}


def crashing_notes() -> dict[str, str]:
    """Each crashing front matter above a small note of its own (its own event)."""
    return {
        name: front + _BODY.format(n=n)
        for n, (name, front) in enumerate(sorted(CRASHING_FRONT_MATTER.items()))
    }


def crashing_talk(name: str) -> str:
    """The talk title the note `name` of `crashing_notes()` must still give."""
    n = sorted(CRASHING_FRONT_MATTER).index(name)
    return f"壊れたメタデータの後の発表{n}"


def write(folder: Path, notes: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in notes.items():
        (folder / name).write_text(text, "utf-8")


if __name__ == "__main__":
    out = Path(sys.argv[1])
    for name, make in PATHOLOGICAL.items():
        write(out / Path(name).stem, {name: make()})
    write(out / "crashing", crashing_notes())
