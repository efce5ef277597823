"""The store's journal, on real files: a big store saves one line per change instead
of rewriting itself, every reader sees those lines, and compaction folds them into
the TinyDB file without losing or doubling anything, whenever it is cut short."""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from notetui.core.annotations import files
from notetui.core.annotations.errors import SaveFailed, StoreError
from notetui.core.annotations.journal import Journal
from notetui.core.annotations.schema import SCHEMA_VERSION, check_store, summarize_store
from notetui.core.annotations.store import Anchor, Store
from support.journals import unfolded_changes

ANCHOR = Anchor(
    note="2026/秋の勉強会.md", line=7, quote="キャッシュは最後の手段", prefix="前", suffix="後"
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "annotations.json"


@pytest.fixture
def journaling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every save goes to the journal, as in a store of thousands of annotations."""
    monkeypatch.setattr(files, "REWRITE_BELOW", 0)


def journal_of(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in journal_of(path).read_text("utf-8").splitlines()]


def seeded(path: Path) -> Store:
    """A store whose main file exists (the first save of a store always writes it)."""
    store = Store(path)
    store.add_annotation(target="talk", target_id="t0", text="the first one")
    return store


def test_a_small_store_is_rewritten_whole_and_keeps_no_journal(path: Path) -> None:
    store = seeded(path)
    store.add_annotation(target="talk", target_id="t1", text="second")
    assert not journal_of(path).exists()
    raw = json.loads(path.read_text("utf-8"))
    assert sorted(r["text"] for r in raw["annotations"].values()) == ["second", "the first one"]


def test_a_big_store_appends_one_line_per_change_and_leaves_the_file(
    path: Path, journaling: None
) -> None:
    store = seeded(path)
    before = path.read_bytes()
    note = store.add_annotation(target="passage", target_id="t1", text="日本語", anchor=ANCHOR)
    store.change_tags(target="talk", target_id="t1", add=["Go"])
    store.delete_annotation(note.uid)

    assert path.read_bytes() == before  # the main file was not rewritten
    header, *entries = lines(path)
    st = path.stat()  # the header names the main file the journal goes with
    assert header == {
        "base": [st.st_mtime_ns, st.st_size, st.st_ino, st.st_dev],
        "notetui": "annotations journal",
        "version": 1,
    }
    assert [[(c["table"], c["key"]) for c in e["changes"]] for e in entries] == [
        [("annotations", note.uid)],
        [("tags", "t1")],
        [("annotations", note.uid), ("trash", note.uid)],  # one operation, one line
    ]
    assert entries[2]["changes"][0]["record"] is None
    text = journal_of(path).read_text("utf-8")
    assert "日本語" in text and "\\u" not in text  # readable, Japanese kept
    for entry in entries:  # keys sorted at every level, as in the main file
        assert list(entry) == sorted(entry)
        for change in entry["changes"]:
            assert list(change) == sorted(change)
            record = change["record"] or {}
            assert list(record) == sorted(record)

    # Another process opening it sees everything; so does `db check`.
    reopened = Store(path)
    assert [a.text for a in reopened.annotations()] == ["the first one"]
    assert reopened.tags_of("t1") == ("go",)
    assert reopened.trash()[0].anchor == ANCHOR
    summary = summarize_store(path)
    assert (summary.annotations, summary.tag_sets, summary.trash) == (1, 1, 1)
    assert summary.journal_entries == 3


def test_an_open_store_reads_only_the_new_lines_of_another_writer(
    path: Path, journaling: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = seeded(path)
    reader.add_annotation(target="talk", target_id="t1", text="in the journal")
    writer = Store(path)
    quiet = reader.signature()
    assert reader.signature() == quiet  # nothing changed: two stats say so
    writer.add_annotation(target="event", target_id="e1", text="from the CLI")
    assert reader.signature() != quiet

    def no_full_reads(self: Journal) -> list[object]:
        raise AssertionError("the whole journal was read again")

    monkeypatch.setattr(Journal, "read_all", no_full_reads)
    assert reader.reload_if_changed() is True
    assert {a.text for a in reader.annotations()} == {
        "the first one",
        "in the journal",
        "from the CLI",
    }
    assert reader.reload_if_changed() is False


def test_compaction_folds_the_journal_into_a_file_tinydb_reads(
    path: Path, journaling: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tinydb import TinyDB

    monkeypatch.setattr(files, "COMPACT_BYTES", (2000, 2000))
    store = seeded(path)
    other = Store(path)
    journal_after = []
    for n in range(20):
        store.add_annotation(target="talk", target_id="t1", text=f"メモ {n} " + "x" * 80)
        journal_after.append(unfolded_changes(path) > 0)
    assert journal_after.count(False) >= 2  # compacted now and then, not every save
    assert journal_after.count(True) >= 10
    store.add_annotation(target="talk", target_id="t1", text="one more")
    assert 1 < len(lines(path)) < 10  # the last few since the latest compaction
    other_view = [a.text for a in other.annotations()]
    assert other_view == [a.text for a in store.annotations()]  # across compactions
    store.compact()
    assert unfolded_changes(path) == 0
    with TinyDB(path, access_mode="r") as db:
        assert len(db.table("annotations")) == 22
        assert db.table("meta").all() == [{"schema": SCHEMA_VERSION}]
    assert [a.text for a in other.annotations()] == other_view


def test_a_compaction_cut_short_replays_harmlessly(path: Path, journaling: None) -> None:
    store = seeded(path)
    a = store.add_annotation(target="talk", target_id="t1", text="a")
    b = store.add_annotation(target="talk", target_id="t1", text="b")
    store.delete_annotation(a.uid)
    store.undo_delete()
    store.delete_annotation(b.uid)
    store.change_tags(target="talk", target_id="t1", add=["x", "y"])
    store.change_tags(target="talk", target_id="t1", remove=["x"])
    journal = journal_of(path).read_bytes()
    expected = (store.annotations(), store.trash(), store.tag_sets())

    # Killed after the new main file was renamed into place, before the journal went.
    store.compact()
    journal_of(path).write_bytes(journal)
    again = Store(path)
    assert (again.annotations(), again.trash(), again.tag_sets()) == expected
    assert again.undo_delete() == b
    assert check_store(path) == []


def test_a_line_cut_off_by_a_kill_is_ignored_then_cut_off(path: Path, journaling: None) -> None:
    store = seeded(path)
    store.add_annotation(target="talk", target_id="t1", text="kept")
    with journal_of(path).open("ab") as journal:
        journal.write(b'{"at": "2026-01-01T00:00:00Z", "changes": [{"key": "u", "rec')
    assert {a.text for a in Store(path).annotations()} == {"the first one", "kept"}
    assert check_store(path) == []

    Store(path).add_annotation(target="talk", target_id="t1", text="after")
    assert [e["changes"][0]["record"]["text"] for e in lines(path)[1:]] == ["kept", "after"]


def test_a_damaged_journal_line_is_refused_and_left_alone(path: Path, journaling: None) -> None:
    store = seeded(path)
    store.add_annotation(target="talk", target_id="t1", text="one")
    store.add_annotation(target="talk", target_id="t1", text="two")
    raw = journal_of(path).read_bytes().split(b"\n")
    raw[1] = raw[1][:40] + b"!" + raw[1][41:]
    journal_of(path).write_bytes(b"\n".join(raw))
    before = (path.read_bytes(), journal_of(path).read_bytes())

    with pytest.raises(StoreError) as opening:
        Store(path)
    message = str(opening.value)
    assert "\n" not in message
    assert f"journal {journal_of(path)}: line 2 is not valid JSON" in message
    with pytest.raises(StoreError, match="line 2"):
        store.add_annotation(target="talk", target_id="t1", text="refused")
    assert check_store(path)[0].startswith(f"journal {journal_of(path)}: line 2")
    assert (path.read_bytes(), journal_of(path).read_bytes()) == before


def test_a_journal_from_a_newer_notetui_is_refused(path: Path, journaling: None) -> None:
    seeded(path).add_annotation(target="talk", target_id="t1", text="x")
    text = journal_of(path).read_text("utf-8").replace('"version": 1', '"version": 2', 1)
    journal_of(path).write_text(text, "utf-8")
    with pytest.raises(StoreError, match="upgrade notetui"):
        Store(path)


def test_an_old_store_is_stamped_before_its_first_journal_line(
    path: Path, journaling: None
) -> None:
    # A notetui that knows no journal must refuse the store rather than miss changes.
    path.parent.mkdir(parents=True)
    v1 = {
        "meta": {"1": {"schema": 1}},
        "annotations": {
            "1": {
                "uid": "old",
                "target": "talk",
                "target_id": "t",
                "text": "from schema 1",
                "created": "2025-01-01T00:00:00Z",
                "updated": "2025-01-01T00:00:00Z",
            }
        },
    }
    path.write_text(json.dumps(v1), "utf-8")
    store = Store(path)
    store.add_annotation(target="talk", target_id="t", text="first save")
    assert json.loads(path.read_text("utf-8"))["meta"] == {"1": {"schema": 2}}
    assert unfolded_changes(path) == 0  # that save rewrote the file
    store.add_annotation(target="talk", target_id="t", text="second save")
    assert unfolded_changes(path) == 1
    assert [a.root for a in Store(path).annotations()] == [None, None, None]


def test_a_failed_append_saves_nothing_and_changes_nothing(
    path: Path, journaling: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = seeded(path)
    store.add_annotation(target="talk", target_id="t1", text="kept")
    before = (path.read_bytes(), journal_of(path).read_bytes())

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(SaveFailed) as failed:
        store.add_annotation(target="talk", target_id="t1", text="lost?")
    monkeypatch.undo()
    assert "No space left on device" in str(failed.value)
    assert "\n" not in str(failed.value)
    assert (path.read_bytes(), journal_of(path).read_bytes()) == before
    assert {a.text for a in store.annotations()} == {"the first one", "kept"}
    store.add_annotation(target="talk", target_id="t1", text="after")
    assert {a.text for a in Store(path).annotations()} == {"the first one", "kept", "after"}


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_the_journal_is_as_private_as_the_store(path: Path, journaling: None) -> None:
    seeded(path)
    path.chmod(0o600)
    Store(path).add_annotation(target="talk", target_id="t1", text="private")
    assert stat.S_IMODE(journal_of(path).stat().st_mode) == 0o600
    Store(path).compact()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal_of(path).stat().st_mode) == 0o600  # the one it keeps


def test_a_reader_racing_a_compaction_misses_nothing(
    path: Path, journaling: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lock-free reads: the main file is read, then the journal; if a compaction runs
    # in between, the reader would pair the old file with a new journal. It notices.
    writer = seeded(path)
    for n in range(5):
        writer.add_annotation(target="talk", target_id="t1", text=f"line {n}")
    real = Journal.read_all
    raced = []

    def compact_first(self: Journal) -> list[Any]:
        if not raced:
            raced.append(True)
            writer.compact()
            writer.add_annotation(target="talk", target_id="t1", text="after the compaction")
        return real(self)

    monkeypatch.setattr(Journal, "read_all", compact_first)
    reader = Store(path)
    assert raced
    assert len(reader.annotations()) == 7
    assert "after the compaction" in {a.text for a in reader.annotations()}


def test_a_store_moved_aside_with_its_journal_keeps_everything(
    path: Path, journaling: None, tmp_path: Path
) -> None:
    store = seeded(path)
    store.add_annotation(target="talk", target_id="t1", text="only in the journal")
    copy = tmp_path / "copy" / "annotations.json"
    copy.parent.mkdir()
    shutil.copy2(path, copy)
    shutil.copy2(journal_of(path), journal_of(copy))
    assert {a.text for a in Store(copy).annotations()} == {"the first one", "only in the journal"}


def test_a_main_file_edited_beside_its_journal_is_checked_again(
    path: Path, journaling: None
) -> None:
    # The journal names the main file it was started on, and a notetui trusts that
    # file without counting its records again; a hand merge changes it, so it is.
    store = seeded(path)
    store.add_annotation(target="talk", target_id="t1", text="in the journal")
    assert unfolded_changes(path) == 1
    text = path.read_text("utf-8")
    line = next(x for x in text.splitlines() if x.startswith('    "1": '))
    record = line.rstrip(",")
    path.write_text(text.replace(record, f"{record},\n{record}", 1), "utf-8")
    with pytest.raises(StoreError, match="appears twice"):
        Store(path)
