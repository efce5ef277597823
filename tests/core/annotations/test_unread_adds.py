"""A process that only adds (`notetui annotate`) to a big store: it appends a journal
line without reading the 50 MB main file, but only while that file is the very one
the journal was started on; whenever that is not known, it reads everything first,
exactly as a normal save does. Real files on disk."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from notetui.core.annotations import files
from notetui.core.annotations.errors import StoreError
from notetui.core.annotations.schema import check_store
from notetui.core.annotations.store import Anchor, Store
from support.journals import unfolded_changes

ANCHOR = Anchor(note="2026/冬.md", line=3, quote="引用した一文", prefix="前", suffix="後")


@pytest.fixture
def path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(files, "REWRITE_BELOW", 0)  # journal lines, as in a big store
    return tmp_path / "data" / "annotations.json"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The main files parsed from now on (the expensive read of a big store)."""
    seen: list[Path] = []
    real = files.parse_store

    def counting(raw: bytes | bytearray, where: Path, **how: Any) -> Any:
        seen.append(where)
        return real(raw, where, **how)

    monkeypatch.setattr(files, "parse_store", counting)
    return seen


def journal_of(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def journaled(path: Path) -> list[str]:
    """A store with a main file and a journal started on it; the uids in it."""
    with Store(path) as store:
        first = store.add_annotation(target="talk", target_id="t0", text="in the file")
        second = store.add_annotation(target="talk", target_id="t1", text="in the journal")
    assert journal_of(path).exists()
    return [first.uid, second.uid]


def texts(path: Path) -> list[str]:
    """What a fresh notetui finds in the store, sorted (one second holds many adds)."""
    with Store(path) as store:
        return sorted(a.text for a in store.annotations())


def test_an_add_appends_a_line_without_reading_the_main_file(
    path: Path, parses: list[Path]
) -> None:
    journaled(path)
    main_before = path.read_bytes()
    parses.clear()
    with Store(path, load=False) as store:
        added = [
            store.add_annotation(target="talk", target_id="t2", text="一つ目"),
            store.add_annotation(target="passage", target_id="t2", text="二つ目", anchor=ANCHOR),
        ]
    assert parses == []  # neither the open nor the two adds read the main file
    assert path.read_bytes() == main_before
    assert texts(path) == sorted(["in the file", "in the journal", "一つ目", "二つ目"])
    with Store(path) as store:
        assert store.annotation(added[1].uid) == added[1]
    assert check_store(path) == []


def test_a_main_file_changed_by_hand_is_read_before_the_add(path: Path, parses: list[Path]) -> None:
    journaled(path)
    # Edited by hand: a record's text changed, the journal no longer matches the file.
    raw = json.loads(path.read_text("utf-8"))
    (record,) = raw["annotations"].values()
    record["text"] = "edited by hand"
    path.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    parses.clear()
    with Store(path, load=False) as store:
        store.add_annotation(target="talk", target_id="t2", text="after the edit")
    assert parses  # read first, as a normal save does
    assert texts(path) == sorted(["edited by hand", "in the journal", "after the edit"])


def test_a_main_file_replaced_by_a_copy_is_read_before_the_add(
    path: Path, parses: list[Path]
) -> None:
    journaled(path)
    copy = path.with_name("restored.json")
    shutil.copy2(path, copy)  # same bytes, same mtime: a restore from a backup
    copy.replace(path)
    parses.clear()
    with Store(path, load=False) as store:
        store.add_annotation(target="talk", target_id="t2", text="after the restore")
    assert parses
    assert texts(path) == sorted(["in the file", "in the journal", "after the restore"])


def test_after_a_compaction_the_next_add_reads_nothing(path: Path, parses: list[Path]) -> None:
    with Store(path) as store:
        store.add_annotation(target="talk", target_id="t0", text="in the file")
        store.add_annotation(target="talk", target_id="t1", text="in the journal")
        store.compact()
    assert unfolded_changes(path) == 0
    main_file = path.read_bytes()
    parses.clear()
    with Store(path, load=False) as store:
        store.add_annotation(target="talk", target_id="t2", text="after the compaction")
    assert parses == []  # the journal kept after the compaction names the main file
    assert path.read_bytes() == main_file
    assert unfolded_changes(path) == 1
    assert texts(path) == sorted(["in the file", "in the journal", "after the compaction"])


def test_without_a_journal_or_with_an_old_one_the_add_reads_everything(
    path: Path, parses: list[Path]
) -> None:
    with Store(path) as store:
        store.add_annotation(target="talk", target_id="t0", text="in the file")
        store.compact()
    journal_of(path).unlink()  # as an older notetui leaves a compacted store
    parses.clear()
    with Store(path, load=False) as store:
        store.add_annotation(target="talk", target_id="t1", text="starts the journal")
    assert parses  # no journal yet: nothing says which main file it goes with

    # A journal from before headers named their main file.
    journal = journal_of(path)
    header, *rest = journal.read_text("utf-8").splitlines(keepends=True)
    old = {k: v for k, v in json.loads(header).items() if k != "base"}
    journal.write_text(json.dumps(old) + "\n" + "".join(rest), "utf-8")
    parses.clear()
    with Store(path, load=False) as store:
        store.add_annotation(target="talk", target_id="t2", text="on an old journal")
    assert parses
    assert texts(path) == sorted(["in the file", "starts the journal", "on an old journal"])


def test_a_damaged_journal_takes_no_line_and_is_left_alone(path: Path) -> None:
    journaled(path)
    journal = journal_of(path)
    with journal.open("ab") as out:
        out.write(b'{"at": "x", "changes": [{"table": "annotations"}]}\n')
    before = (path.read_bytes(), journal.read_bytes())
    with Store(path, load=False) as store, pytest.raises(StoreError) as error:
        store.add_annotation(target="talk", target_id="t2", text="never saved")
    assert f"journal {journal}: line 3" in str(error.value)
    assert (path.read_bytes(), journal.read_bytes()) == before


def test_a_journal_line_with_a_bad_record_takes_no_line(path: Path) -> None:
    uids = journaled(path)
    journal = journal_of(path)
    bad = {
        "at": "x",
        "changes": [{"key": uids[1], "record": {"uid": uids[1]}, "table": "annotations"}],
    }
    with journal.open("a", encoding="utf-8") as out:
        out.write(json.dumps(bad) + "\n")
    before = (path.read_bytes(), journal.read_bytes())
    with Store(path, load=False) as store, pytest.raises(StoreError, match="line 3"):
        store.add_annotation(target="talk", target_id="t2", text="never saved")
    assert (path.read_bytes(), journal.read_bytes()) == before
    with pytest.raises(StoreError, match="line 3"):
        Store(path)  # what a normal open says too


def test_adds_that_fill_the_journal_compact_it(
    path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[Path]
) -> None:
    journaled(path)
    monkeypatch.setattr(files, "COMPACT_BYTES", (2048, 2048))
    parses.clear()
    with Store(path, load=False) as store:
        for n in range(12):
            store.add_annotation(target="talk", target_id="t3", text=f"メモ {n} " * 10)
    assert parses  # the compaction read the main file whole, once the journal was full
    assert len(texts(path)) == 14
    raw = json.loads(path.read_text("utf-8"))
    assert len(raw["annotations"]) > 2  # folded into the main file
    assert check_store(path) == []


def test_a_small_store_is_still_rewritten_whole(tmp_path: Path, parses: list[Path]) -> None:
    path = tmp_path / "annotations.json"
    with Store(path) as store:
        store.add_annotation(target="talk", target_id="t0", text="first")
    with Store(path, load=False) as store:
        store.add_annotation(target="talk", target_id="t1", text="second")
    assert not journal_of(path).exists()
    assert texts(path) == sorted(["first", "second"])
