"""The note cache: a second start reads the library back instead of parsing it, and
whatever happens to the notes or to the cache file, what the user sees is what the
notes say now.

Every test uses real files in `tmp_path` and its own cache folder. Notes changed
within `RACY_FINE_NS` of a load are deliberately not trusted (see `cache.py`); tests
load right after writing, so that margin is zero here except in the tests of that rule.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from notetui.core.export.listing import library_json
from notetui.core.load import cache as cache_module
from notetui.core.load import library as library_module
from notetui.core.load.cache import MAGIC, NoteCache
from notetui.core.load.library import LoadCancelled, load_library
from notetui.core.merge.merging import MergeSettings
from notetui.core.models import Library
from support.paths import REPO


def note_text(event: str, talks: list[str], speaker: str = "山田 太郎") -> str:
    lines = [f"# {event}", "", "日時: 2025/06/14", ""]
    for i, talk in enumerate(talks):
        lines += [f"## 19:{30 + 10 * i:02d} {talk}", f"### {speaker}", f"* {talk} の感想", ""]
    return "\n".join(lines)


NOTES = {
    "2025/go-18.md": note_text("Shibuya Go Meetup #18", ["Goの並行処理入門", "gRPCの運用"]),
    "2025/go-18-memo.md": note_text(
        "Shibuya Go Meetup #18", ["Go の並行処理 入門", "gRPC を運用した話"], "佐藤 花子"
    ),
    "2025/rust-12.md": note_text("Tokyo Rustaceans #12", ["所有権を説明する", "非同期Rust"]),
    "memo/py-4.txt": "Kichijoji.py LT #4\n\nLTを三本聞いた。\n\n型ヒントの話\n資料: https://speakerdeck.com/x/y\n",
}


def age(path: Path, seconds: float = 60.0) -> None:
    """Give a file an mtime `seconds` in the past (keeping its content), with a
    sub-millisecond part as on any modern file system."""
    then = time.time_ns() - int(seconds * 1e9)
    then += 123_457 - then % 1_000_000
    os.utime(path, ns=(then, then))


@pytest.fixture(autouse=True)
def no_racy_margin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "RACY_FINE_NS", 0)


def write(path: Path, text: str, *, seconds_ago: float | None = 60.0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if seconds_ago is not None:
        age(path, seconds_ago)
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    for rel, text in NOTES.items():
        write(folder / rel, text)
    return folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "cache"


class Calls:
    """How many notes were split and how many times the library was merged."""

    def __init__(self) -> None:
        self.splits = 0
        self.merges = 0


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Calls]:
    counted = Calls()
    split, merge = vars(library_module)["split_note"], vars(library_module)["merge_groups"]

    def counting_split(*args: Any, **kwargs: Any) -> Any:
        counted.splits += 1
        return split(*args, **kwargs)

    def counting_merge(*args: Any, **kwargs: Any) -> Any:
        counted.merges += 1
        return merge(*args, **kwargs)

    monkeypatch.setattr(library_module, "split_note", counting_split)
    monkeypatch.setattr(library_module, "merge_groups", counting_merge)
    yield counted


def listing(library: Library) -> str:
    return json.dumps(library_json(library), ensure_ascii=False, sort_keys=True)


def same(a: Library, b: Library) -> bool:
    return (a.events, a.problems, a.notes) == (b.events, b.problems, b.notes)


def titles(library: Library) -> list[str]:
    return sorted(talk.title for talk in library.talks)


def reset(calls: Calls) -> None:
    calls.splits = calls.merges = 0


# ------------------------------------------------------------------------------- reuse


def test_a_second_load_is_read_from_the_cache(root: Path, folder: Path, calls: Calls) -> None:
    first = load_library(root, cache=folder)
    assert calls.splits >= len(NOTES) and calls.merges == 1
    reset(calls)
    second = load_library(root, cache=folder)
    assert (calls.splits, calls.merges) == (0, 0)
    assert listing(second) == listing(first) == listing(load_library(root, cache=False))
    assert second.notes == first.notes
    assert second.root == root


def test_the_cached_library_is_the_uncached_one(folder: Path, notes_dir: Path) -> None:
    uncached = listing(load_library(notes_dir, cache=False))
    assert listing(load_library(notes_dir, cache=folder)) == uncached  # cold: writes it
    assert listing(load_library(notes_dir, cache=folder)) == uncached  # warm: reads it


def test_the_default_cache_is_the_cache_folder(root: Path, isolated_locations: Path) -> None:
    load_library(root)
    assert list((isolated_locations / "cache").glob("*.notecache"))


def test_no_cache_writes_nothing(root: Path, isolated_locations: Path) -> None:
    load_library(root, cache=False)
    assert not (isolated_locations / "cache").exists()


def test_only_changed_notes_are_split_again(root: Path, folder: Path, calls: Calls) -> None:
    load_library(root, cache=folder)
    reset(calls)
    write(root / "2025/rust-12.md", note_text("Tokyo Rustaceans #12", ["所有権を説明する"]))
    library = load_library(root, cache=folder)
    assert calls.splits == 1 and calls.merges == 1
    assert "非同期Rust" not in titles(library)


# -------------------------------------------------------------------- edits show at once


def test_an_edit_of_the_same_size_shows(root: Path, folder: Path) -> None:
    path = root / "2025/rust-12.md"
    load_library(root, cache=folder)
    old = path.read_bytes()
    path.write_bytes(old.replace("非同期Rust".encode(), "非同期Ruby".encode()))
    assert len(path.read_bytes()) == len(old)
    age(path, 30)  # a new mtime, the same size
    assert "非同期Ruby" in titles(load_library(root, cache=folder))


def test_an_edit_with_the_same_mtime_but_a_new_size_shows(root: Path, folder: Path) -> None:
    path = root / "2025/rust-12.md"
    load_library(root, cache=folder)
    before = path.stat()
    path.write_text(note_text("Tokyo Rustaceans #12", ["所有権", "非同期Rustの今"]), "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    assert path.stat().st_size != before.st_size
    assert "非同期Rustの今" in titles(load_library(root, cache=folder))


def test_an_edit_that_restores_size_and_mtime_still_shows(root: Path, folder: Path) -> None:
    # What `rsync -t` or `touch -d` can do: only the ctime says the file changed.
    path = root / "2025/rust-12.md"
    load_library(root, cache=folder)
    before = path.stat()
    old = path.read_bytes()
    time.sleep(0.02)
    path.write_bytes(old.replace("非同期Rust".encode(), "非同期Ruby".encode()))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert "非同期Ruby" in titles(load_library(root, cache=folder))


def test_notes_changed_just_before_a_load_are_not_trusted(
    tmp_path: Path, folder: Path, calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Written just before the load: an edit within the same timestamp tick could keep
    # the stamp, so the next load reads it again (and merges again).
    monkeypatch.setattr(cache_module, "RACY_FINE_NS", 300_000_000)
    root = tmp_path / "fresh"
    write(root / "b.md", NOTES["2025/rust-12.md"])
    time.sleep(0.35)
    write(root / "a.md", NOTES["2025/go-18.md"], seconds_ago=None)
    load_library(root, cache=folder)
    reset(calls)
    load_library(root, cache=folder)
    assert calls.splits == 1 and calls.merges == 1  # a.md again; b.md from the cache
    reset(calls)
    time.sleep(0.35)
    load_library(root, cache=folder)  # that load was well after the edit: trusted now
    load_library(root, cache=folder)
    assert (calls.splits, calls.merges) == (1, 1)


def test_coarse_timestamps_get_a_wider_margin() -> None:
    now = time.time_ns()
    fine = now - 500_000_000 + 123_457  # half a second ago, with a sub-millisecond part
    coarse = fine - fine % 1_000_000_000  # the same moment on a whole-second file system
    assert not cache_module.is_racy((1, fine, fine, 1), now)
    assert cache_module.is_racy((1, coarse, coarse, 1), now)


def test_a_removed_note_disappears(root: Path, folder: Path) -> None:
    load_library(root, cache=folder)
    (root / "2025/rust-12.md").unlink()
    library = load_library(root, cache=folder)
    assert "2025/rust-12.md" not in {note.path for note in library.notes}
    assert "所有権を説明する" not in titles(library)
    entries = NoteCache(root, folder).load().entries()
    assert set(entries) == set(NOTES) - {"2025/rust-12.md"}  # the cache does not keep it


def test_a_new_and_a_renamed_note_show(root: Path, folder: Path) -> None:
    load_library(root, cache=folder)
    (root / "2025/rust-12.md").rename(root / "2025/rustaceans-12.md")
    write(root / "new.md", note_text("Sendai DevOps #26", ["PagerDuty入門"]))
    library = load_library(root, cache=folder)
    assert {"2025/rustaceans-12.md", "new.md"} <= {note.path for note in library.notes}
    assert "2025/rust-12.md" not in {note.path for note in library.notes}
    assert "PagerDuty入門" in titles(library)


def test_problems_are_remembered_and_cleared(root: Path, folder: Path) -> None:
    broken = root / "broken.md"
    broken.write_bytes(b"\x00\x01binary\x00" * 10)
    age(broken)
    load_library(root, cache=folder)
    assert [p.note for p in load_library(root, cache=folder).problems] == ["broken.md"]
    write(broken, note_text("Sendai DevOps #26", ["PagerDuty入門"]), seconds_ago=20)
    library = load_library(root, cache=folder)
    assert library.problems == ()
    assert "PagerDuty入門" in titles(library)


# ------------------------------------------------------------------- what invalidates it


def test_a_new_parser_version_invalidates(
    root: Path, folder: Path, calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_library(root, cache=folder)
    reset(calls)
    monkeypatch.setattr(cache_module, "PARSER_VERSION", cache_module.PARSER_VERSION + 1)
    library = load_library(root, cache=folder)
    assert calls.splits >= len(NOTES) and calls.merges == 1
    assert listing(library) == listing(load_library(root, cache=False))
    reset(calls)
    load_library(root, cache=folder)  # and the rewritten cache serves the new version
    assert (calls.splits, calls.merges) == (0, 0)


def test_other_merge_settings_merge_again(root: Path, folder: Path, calls: Calls) -> None:
    load_library(root, cache=folder)
    reset(calls)
    load_library(root, cache=folder, settings=MergeSettings(event_title=99.0))
    assert calls.splits == 0 and calls.merges == 1  # notes reused, merge redone


# ------------------------------------------------------------ a bad cache is just rebuilt


def _garbage(data: bytes, key: bytes) -> bytes:
    return os.urandom(len(data))


def _truncated(data: bytes, key: bytes) -> bytes:
    return data[: len(data) // 2]


def _truncated_by_one(data: bytes, key: bytes) -> bytes:
    return data[:-1]


def _wrong_magic(data: bytes, key: bytes) -> bytes:
    return b"X" + data[1:]


def _empty(data: bytes, key: bytes) -> bytes:
    return b""


def _foreign_pickle(data: bytes, key: bytes) -> bytes:
    return pickle.dumps({"notes": ["not ours"]})


class _Sneaky:
    """A pickle that would run code when loaded: the cache must refuse it."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, ("touch SNEAKY-RAN",))


def _sneaky_pickle_behind_a_valid_header(data: bytes, key: bytes) -> bytes:
    outline = pickle.dumps(((), 0))
    first = pickle.dumps(_Sneaky())
    second = pickle.dumps({})
    sizes = b"%016x %08x %016x %08x %016x %08x\n" % (
        len(outline),
        zlib.crc32(outline),
        len(first),
        zlib.crc32(first),
        len(second),
        zlib.crc32(second),
    )
    return MAGIC + key + b"\n" + sizes + outline + first + second


def _flipped_payload_bytes(data: bytes, key: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 64]) + data[middle + 64 :]


def _text_changed_in_place(data: bytes, key: bytes) -> bytes:
    # Still a valid pickle of the same length: only the checksum can tell.
    changed = data.replace("の感想".encode(), "の意見".encode())
    assert changed != data and len(changed) == len(data)
    return changed


CORRUPTIONS: list[Callable[[bytes, bytes], bytes]] = [
    _text_changed_in_place,
    _garbage,
    _truncated,
    _truncated_by_one,
    _wrong_magic,
    _empty,
    _foreign_pickle,
    _sneaky_pickle_behind_a_valid_header,
    _flipped_payload_bytes,
]


@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=lambda f: f.__name__.strip("_"))
def test_a_corrupt_cache_is_ignored_and_rebuilt(
    root: Path,
    folder: Path,
    calls: Calls,
    corrupt: Callable[[bytes, bytes], bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = load_library(root, cache=False)
    load_library(root, cache=folder)
    store = NoteCache(root, folder)
    store.path.write_bytes(corrupt(store.path.read_bytes(), store.key.encode()))
    monkeypatch.chdir(root.parent)
    reset(calls)
    assert same(load_library(root, cache=folder), expected)  # every note's text included
    assert not (root.parent / "SNEAKY-RAN").exists()
    reset(calls)
    assert same(load_library(root, cache=folder), expected)  # rebuilt and used again
    assert (calls.splits, calls.merges) == (0, 0)


def test_a_cache_folder_that_cannot_be_written_is_not_an_error(root: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    library = load_library(root, cache=blocker)
    assert listing(library) == listing(load_library(root, cache=False))


def test_left_over_temporary_files_are_removed(root: Path, folder: Path) -> None:
    load_library(root, cache=folder)
    store = NoteCache(root, folder)
    stale = folder / (store.path.name + ".abc123.tmp")
    stale.write_bytes(b"half a cache")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    (root / "2025/rust-12.md").unlink()  # so the next load writes the cache
    load_library(root, cache=folder)
    assert not stale.exists()
    assert sorted(p.name for p in folder.iterdir()) == [store.path.name]


def test_only_the_most_recent_libraries_keep_a_cache(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "MAX_CACHES", 2)
    roots = []
    for i in range(4):
        roots.append(tmp_path / f"lib{i}")
        write(roots[-1] / "a.md", NOTES["2025/rust-12.md"])
        load_library(roots[-1], cache=folder)
        time.sleep(0.01)
    kept = {p.name for p in folder.glob("*.notecache")}
    assert kept == {NoteCache(r, folder).path.name for r in roots[2:]}


# --------------------------------------------------------------- several processes at once

LOADER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from notetui.core.load.library import load_library
    from notetui.core.export.listing import library_json
    library = load_library(Path(sys.argv[1]), cache=Path(sys.argv[2]))
    print(json.dumps(library_json(library), ensure_ascii=False, sort_keys=True))
    """
)


def test_processes_loading_at_once_all_get_it_right(tmp_path: Path, folder: Path) -> None:
    root = tmp_path / "big"
    for i in range(150):
        write(root / f"n{i:03d}.md", note_text(f"Meetup #{i}", [f"話{i}-a", f"話{i}-b", "LT"]))
    expected = json.dumps(
        library_json(load_library(root, cache=False)), ensure_ascii=False, sort_keys=True
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    for round_ in range(3):
        if round_ == 2:  # the last round: a note changed under the cache they share
            write(root / "n000.md", note_text("Meetup #0", ["話0-a", "話0-b"]), seconds_ago=30)
            expected = json.dumps(
                library_json(load_library(root, cache=False)), ensure_ascii=False, sort_keys=True
            )
        children = [
            subprocess.Popen(
                [sys.executable, "-c", LOADER, str(root), str(folder)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                env=env,
            )
            for _ in range(3)
        ]
        for child in children:
            out, err = child.communicate(timeout=120)
            assert child.returncode == 0, err
            assert out.strip() == expected
        cached = NoteCache(root, folder).load()  # readable, complete, and current
        assert cached.merged.paths == tuple(sorted(f"n{i:03d}.md" for i in range(150)))
        assert (
            json.dumps(
                library_json(load_library(root, cache=folder)), ensure_ascii=False, sort_keys=True
            )
            == expected
        )
    assert not list(folder.glob("*.tmp"))


# -------------------------------------------------------------------------- cancellation


def test_a_cancelled_load_stops_and_writes_no_cache(root: Path, folder: Path) -> None:
    polls = []

    def cancelled() -> bool:
        polls.append(1)
        return len(polls) > 2

    with pytest.raises(LoadCancelled):
        load_library(root, cache=folder, cancelled=cancelled)
    assert not list(folder.glob("*.notecache"))
    assert listing(load_library(root, cache=folder, cancelled=lambda: False)) == listing(
        load_library(root, cache=False)
    )


# ------------------------------------------------------------------------------ benchmark


def test_the_benchmark_runs_quickly_and_prints_its_table() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench.py"), "--quick"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    table = result.stdout
    for row in (
        "| figure | N = 100 | target |",
        "| full load ÷ floor |",
        "| warm load from the cache |",
        "| warm start to a filled tree |",
        "| warm start to the full library in |",
        "| full load on one core (one run) |",
        "| peak RSS, full load |",
        "| first paint on the sample notes |",
        "| search,",
        "| annotation save,",
    ):
        assert row in table, table
    assert "n/a:" not in table, table  # every figure was measured
