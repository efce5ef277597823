"""The cache's light part: the tree's titles and counts, read without the library.

Real notes on disk, a real cache file: the outline must say what the full load says
(every event and talk, their titles, dates, times and counts, in order), come from
the header and the outline alone, and be refused whole when it is damaged.
"""

from __future__ import annotations

import os
import pickle
import shutil
import zlib
from pathlib import Path
from typing import Any

import pytest

from notetui.core.load import cache as cache_module
from notetui.core.load.cache import MAGIC, NoteCache
from notetui.core.load.library import load_library
from notetui.core.load.outline import Outline, read_outline
from notetui.core.models import Library
from support.paths import NOTES


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return Path(shutil.copytree(NOTES, tmp_path / "notes"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def picture(library: Library) -> list[Any]:
    """What the tree shows of a full library."""
    return [
        (
            event.id,
            event.title,
            event.date,
            event.aliases,
            len(event.notes),
            [(t.id, t.title, t.time, len(t.sources)) for t in event.talks],
        )
        for event in library.events
    ]


def outline_picture(outline: Outline) -> list[Any]:
    return [
        (
            event.id,
            event.title,
            event.date,
            event.aliases,
            event.notes,
            [(t.id, t.title, t.time, t.sources) for t in event.talks],
        )
        for event in outline.events
    ]


def test_the_outline_shows_what_the_full_load_shows(root: Path, folder: Path) -> None:
    assert read_outline(root, folder) is None  # no cache yet
    library = load_library(root, cache=folder)
    outline = read_outline(root, folder)
    assert outline is not None
    assert outline_picture(outline) == picture(library)
    assert outline.talks == len(library.talks) > 5
    assert outline.problems == len(library.problems)


def test_the_outline_is_read_without_the_rest_of_the_file(
    root: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = load_library(root, cache=folder)
    path = NoteCache(root, folder).path
    # The merged library and the entries are garbage now: the outline does not read them.
    data = bytearray(path.read_bytes())
    layout = cache_module._check_header(bytes(data), None)
    data[layout.start :] = os.urandom(len(data) - layout.start)
    path.write_bytes(bytes(data))

    def no_fingerprint(root: str) -> str:
        raise AssertionError("the outline needs no fingerprint (it imports the parser's libraries)")

    monkeypatch.setattr(cache_module, "_fingerprint", no_fingerprint)
    outline = read_outline(root, folder)
    assert outline is not None and outline_picture(outline) == picture(library)


def _rewrite_outline(path: Path, stored: bytes) -> None:
    data = path.read_bytes()
    layout = cache_module._check_header(data, None)
    head_end = layout.outline
    key_line_end = data.index(b"\n", len(MAGIC)) + 1
    first, second = data[layout.start : layout.middle], data[layout.middle :]
    sizes = cache_module._SIZES % (
        len(stored),
        zlib.crc32(stored),
        len(first),
        zlib.crc32(first),
        len(second),
        zlib.crc32(second),
    )
    assert head_end == key_line_end + len(sizes)
    path.write_bytes(data[:key_line_end] + sizes + stored + first + second)


class _Sneaky:
    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, ("touch SNEAKY-RAN",))


@pytest.mark.parametrize(
    "stored",
    [
        pickle.dumps(_Sneaky()),  # names a global: refused before it runs
        pickle.dumps((((1, 2, 3),), 0)),  # not the shape of events
        pickle.dumps(((("id", "title", None, (), -1, ()),), 0)),  # a negative count
        pickle.dumps([]),
        b"not a pickle",
    ],
    ids=["global", "shape", "negative", "list", "garbage"],
)
def test_a_bad_outline_is_no_outline_and_the_library_still_loads(
    root: Path, folder: Path, stored: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = picture(load_library(root, cache=folder))
    _rewrite_outline(NoteCache(root, folder).path, stored)
    monkeypatch.chdir(root.parent)
    assert read_outline(root, folder) is None
    assert not (root.parent / "SNEAKY-RAN").exists()
    assert picture(load_library(root, cache=folder)) == expected


@pytest.mark.parametrize("cut", [1, 100, 10_000])
def test_a_damaged_cache_file_has_no_outline(root: Path, folder: Path, cut: int) -> None:
    load_library(root, cache=folder)
    path = NoteCache(root, folder).path
    data = path.read_bytes()
    path.write_bytes(data[: max(0, len(data) - cut)])  # truncated: every part is suspect
    assert read_outline(root, folder) is None
    path.write_bytes(b"X" + data[1:])  # not a cache file
    assert read_outline(root, folder) is None
    flipped = bytearray(data)
    layout = cache_module._check_header(data, None)
    flipped[layout.outline + 5] ^= 0xFF  # inside the outline: its checksum says so
    path.write_bytes(bytes(flipped))
    assert read_outline(root, folder) is None


def test_the_outline_follows_the_last_load(root: Path, folder: Path) -> None:
    load_library(root, cache=folder)
    first = read_outline(root, folder)
    assert first is not None
    note = next(root.rglob("*.md"))
    note.unlink()
    library = load_library(root, cache=folder)
    second = read_outline(root, folder)
    assert second is not None and second != first
    assert outline_picture(second) == picture(library)
