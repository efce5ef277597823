"""The per-note firewall and budget (issue 15): whatever one note does, it is that
note's problem line, and every other note still loads.

The hostile notes are generated at test time (support.hostile), never committed.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from notetui.core.load import budget, library
from notetui.core.load.budget import BudgetExceeded, LoadCancelled, note_budget, poll
from notetui.core.load.files import NoteText
from notetui.core.load.library import load_library
from notetui.core.models import Note
from support import hostile, pool_faults

GOOD = "# 壊れない勉強会\n\n## 読めるノートの発表\n\n- 本文\n"
GOOD_TALK = "読めるノートの発表"
GUARD_SECONDS = 120  # turns a hang into a failure; not a timing assertion

real_split = library.split_note


def folder(tmp_path: Path, notes: dict[str, str]) -> Path:
    root = tmp_path / "notes"
    hostile.write(root, {"good.md": GOOD, **notes})
    return root


def problems(lib: Any) -> dict[str, str]:
    return {p.note: p.message for p in lib.problems}


def talk_titles(lib: Any, note: str) -> list[str]:
    return [s.title for t in lib.talks for s in t.sources if s.note == note]


# ------------------------------------------------------------------ typed front matter


@pytest.mark.parametrize("name", sorted(hostile.CRASHING_FRONT_MATTER))
def test_front_matter_that_crashed_the_load_is_read_as_plain_text(
    tmp_path: Path, name: str
) -> None:
    notes = hostile.crashing_notes()
    lib = load_library(folder(tmp_path, {name: notes[name]}), cache=False)
    assert talk_titles(lib, name) == [hostile.crashing_talk(name)]
    assert problems(lib) == {}
    [note] = [n for n in lib.notes if n.path == name]
    values = [v for _, v in note.metadata]
    assert all(isinstance(v, str | tuple) for v in values)
    if "5000" in name:  # the digits as written, not an int Python cannot print
        assert any("7" * 5000 in (v if isinstance(v, str) else "".join(v)) for v in values)


def test_yaml_tags_give_the_text_written(tmp_path: Path) -> None:
    text = (
        "---\ndate: !!timestamp 2020-02-30\ncount: !!int abc\nok: !!bool perhaps\n"
        "run: !!python/object:os.system echo\n---\n" + GOOD
    )
    [note] = load_library(folder(tmp_path, {"t.md": text}), cache=False).notes[1:]
    assert dict(note.metadata) == {
        "date": "2020-02-30",
        "count": "abc",
        "ok": "perhaps",
        "run": "echo",
    }


def test_the_cli_lists_the_good_notes_talks_beside_every_crashing_input(
    tmp_path: Path, run_notetui: Any
) -> None:
    root = folder(tmp_path, hostile.crashing_notes())
    done = run_notetui("list", "--json", root, timeout=GUARD_SECONDS)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    listing = json.loads(done.stdout)
    titles = {s["title"] for e in listing["events"] for t in e["talks"] for s in t["sources"]}
    assert GOOD_TALK in titles
    for name in hostile.CRASHING_FRONT_MATTER:
        assert hostile.crashing_talk(name) in titles, name


# ------------------------------------------------------------------ the firewall


class SplitterBug(Exception):
    pass


def split_failing_on(bad: str) -> Any:
    def split(text: NoteText, rel: str, known: Any = ()) -> Note:
        if rel == bad:
            raise SplitterBug("an index the parser never expected")
        return real_split(text, rel, known)

    return split


def test_any_exception_in_one_note_is_its_problem_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(library, "split_note", split_failing_on("bad.md"))
    root = folder(tmp_path, {"bad.md": GOOD.replace("壊れない", "壊れる")})
    with caplog.at_level(logging.DEBUG, logger="notetui.core.load.library"):
        lib = load_library(root, cache=False)
    assert problems(lib) == {
        "bad.md": "could not be split into talks: SplitterBug: an index the parser never expected"
    }
    assert talk_titles(lib, "good.md") == [GOOD_TALK]
    # Not swallowed: the traceback is in the debug log.
    [record] = [r for r in caplog.records if "bad.md" in r.getMessage()]
    assert record.exc_info is not None and record.exc_info[0] is SplitterBug


def test_a_recursion_error_or_memory_error_is_one_note_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def split(text: NoteText, rel: str, known: Any = ()) -> Note:
        if rel == "deep.md":
            raise RecursionError("too deep")
        if rel == "huge.md":
            raise MemoryError
        return real_split(text, rel, known)

    monkeypatch.setattr(library, "split_note", split)
    lib = load_library(folder(tmp_path, {"deep.md": GOOD, "huge.md": GOOD}), cache=False)
    assert problems(lib) == {
        "deep.md": "could not be split into talks: RecursionError: too deep",
        "huge.md": "could not be split into talks: MemoryError",
    }
    assert talk_titles(lib, "good.md") == [GOOD_TALK]


# ------------------------------------------------------------------ the budget


# A parser stage that never polls and never ends (for the note named slow.md).
spin_forever = pool_faults.spin_on_slow


def test_a_note_that_never_finishes_is_cut_off_and_the_rest_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library, "split_note", spin_forever)
    monkeypatch.setattr(library, "_PREFIX_SHARES", ())  # the first part would spin too
    started = time.monotonic()
    lib = load_library(folder(tmp_path, {"slow.md": GOOD}), cache=False)
    assert time.monotonic() - started < GUARD_SECONDS
    assert problems(lib) == {
        "slow.md": "cut off: it took over 2 s (the limit for one note); no talks kept"
    }
    assert talk_titles(lib, "good.md") == [GOOD_TALK]


def test_a_cut_off_note_keeps_the_talks_of_its_first_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    talks = "".join(f"## 長いノートの発表{n}\n\n- 中身\n\n" for n in range(64))
    calls: list[int] = []

    def slow_when_whole(text: NoteText, rel: str, known: Any = ()) -> Note:
        if rel == "long.md":
            calls.append(len(text.body))
            if len(calls) == 1:  # the whole note: never ends
                spin_forever(text, "slow.md")
        return real_split(text, rel, known)

    monkeypatch.setattr(library, "split_note", slow_when_whole)
    lib = load_library(folder(tmp_path, {"long.md": "# 長い勉強会\n\n" + talks}), cache=False)
    kept = talk_titles(lib, "long.md")
    assert kept and len(kept) < 64
    assert kept == [f"長いノートの発表{n}" for n in range(len(kept))]  # the first ones
    assert problems(lib)["long.md"] == (
        f"cut off: it took over 2 s (the limit for one note); kept {len(kept)} talks "
        "in its first 6.2%"
    )


def test_a_stage_that_polls_hands_back_what_it_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def polling(text: NoteText, rel: str, known: Any = ()) -> Note:
        note = real_split(text, rel, known)
        if rel != "partial.md":
            return note
        try:
            while True:
                poll()
        except BudgetExceeded as over:
            over.partial = note
            raise

    monkeypatch.setattr(library, "split_note", polling)
    root = folder(tmp_path, {"partial.md": GOOD.replace("壊れない", "途中の")})
    lib = load_library(root, cache=False)
    assert talk_titles(lib, "partial.md") == [GOOD_TALK]
    assert problems(lib) == {
        "partial.md": "cut off: it took over 2 s (the limit for one note); kept 1 talk found before"
    }


def test_a_note_that_eats_memory_is_cut_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if budget.resident_bytes() is None:
        pytest.skip(
            "no /proc/self/statm (not Linux): the memory budget is off here, nothing to cut off"
        )
    hoard: list[bytes] = []

    def greedy(text: NoteText, rel: str, known: Any = ()) -> Note:
        if rel == "greedy.md":
            while True:
                hoard.append(b"x" * 1_000_000)  # touched: resident, 1 MB at a time
        return real_split(text, rel, known)

    monkeypatch.setattr(library, "split_note", greedy)
    monkeypatch.setattr(library, "_PREFIX_SHARES", ())
    lib = load_library(folder(tmp_path, {"greedy.md": GOOD}), cache=False)
    hoard.clear()
    assert problems(lib) == {
        "greedy.md": "cut off: it needed over 200 MB (the limit for one note); no talks kept"
    }
    assert talk_titles(lib, "good.md") == [GOOD_TALK]


def test_cancelling_stops_a_note_that_never_polls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library, "split_note", spin_forever)
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(LoadCancelled):
        load_library(folder(tmp_path, {"slow.md": GOOD}), cache=False, cancelled=cancel.is_set)
    # Long before the 2 s budget would have ended it: the reader quits at once.
    assert time.monotonic() - started < 1.9


def test_a_cut_off_note_is_not_cached_as_final(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = folder(tmp_path, {"slow.md": GOOD.replace("壊れない", "遅い")})
    cache = tmp_path / "cache"
    monkeypatch.setattr(library, "split_note", spin_forever)
    monkeypatch.setattr(library, "_PREFIX_SHARES", ())
    assert "slow.md" in problems(load_library(root, cache=cache))
    monkeypatch.setattr(library, "split_note", real_split)  # a less busy machine, later
    again = load_library(root, cache=cache)
    assert problems(again) == {}
    assert talk_titles(again, "slow.md") == [GOOD_TALK]


def test_the_budget_is_idle_outside_a_note() -> None:
    poll()  # no budget: nothing to do, nothing raised
    with note_budget(seconds=60) as current:
        assert budget.active() is current
        for _ in range(10_000):
            poll()
    assert budget.active() is None


# ------------------------------------------------------------------ pathological notes


@pytest.fixture(scope="module")
def pathological(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pathological") / "notes"
    hostile.write(
        root, {"good.md": GOOD, **{n: make() for n, make in hostile.PATHOLOGICAL.items()}}
    )
    return root


def test_each_pathological_note_is_read_or_cut_off_and_the_good_one_listed(
    pathological: Path, run_notetui: Any
) -> None:
    done = run_notetui("list", "--json", pathological, timeout=GUARD_SECONDS)
    assert done.returncode == 0, done.stderr[-2000:]
    listing = json.loads(done.stdout)
    titles = {s["title"] for e in listing["events"] for t in e["talks"] for s in t["sources"]}
    assert GOOD_TALK in titles
    found = {p["note"]: p["message"] for p in listing["problems"]}
    for name in hostile.PATHOLOGICAL:
        listed = any(name in e["notes"] for e in listing["events"])
        assert listed or name in found, name
        if name in found:
            assert found[name].startswith("cut off: it "), found[name]
    # The same lines on stderr, each naming its note.
    for name, message in found.items():
        assert f"{name}: {message}" in done.stderr.splitlines()


def test_a_note_whose_merge_digest_never_ends_is_left_out_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As a 6,000-digit title once did: merging's number regex took 6 s on it.
    real_digest = library.digest

    def digest(position: int, note: Note) -> Any:
        if note.path == "slow.md":
            spin_forever(None, "slow.md")  # type: ignore[arg-type]
        return real_digest(position, note)

    monkeypatch.setattr(library, "digest", digest)
    lib = load_library(folder(tmp_path, {"slow.md": GOOD.replace("壊れない", "遅い")}), cache=False)
    assert problems(lib) == {"slow.md": "could not be merged: it took over 1 s"}
    assert talk_titles(lib, "good.md") == [GOOD_TALK]
    assert [n.path for n in lib.notes] == ["good.md"]
