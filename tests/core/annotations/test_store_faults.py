"""A store that goes bad while in use, a path that loops, names that are not UTF-8:
every failure is a StoreError with a one-line reason, never another exception, and
nothing on disk is touched."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from notetui.core.annotations import files
from notetui.core.annotations.errors import StoreError
from notetui.core.annotations.schema import summarize_store
from notetui.core.annotations.service import AnnotationService
from notetui.core.annotations.store import Anchor, Store
from notetui.core.models import Library


def journal_of(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def _break_main(path: Path) -> None:
    path.write_bytes(b'{"annotations": {"1": ')


def _break_journal(path: Path) -> None:
    with journal_of(path).open("ab") as journal:
        journal.write(b"this is not a journal line\n")


def _folder_for_main(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _folder_for_journal(path: Path) -> None:
    journal_of(path).unlink()
    journal_of(path).mkdir()


FAULTS: dict[str, Callable[[Path], None]] = {
    "main file garbled": _break_main,
    "journal garbled": _break_journal,
    "main file now a folder": _folder_for_main,
    "journal now a folder": _folder_for_journal,
}

CALLS: dict[str, Callable[[Store, str], Any]] = {
    "annotations": lambda store, uid: store.annotations(),
    "annotation": lambda store, uid: store.annotation(uid),
    "tag_sets": lambda store, uid: store.tag_sets(),
    "tags_of": lambda store, uid: store.tags_of("t1"),
    "reload_if_changed": lambda store, uid: store.reload_if_changed(),
    "add": lambda store, uid: store.add_annotation(target="talk", target_id="t1", text="n"),
    "edit": lambda store, uid: store.update_annotation(uid, "edited", expected_rev=0),
    "delete": lambda store, uid: store.delete_annotation(uid),
    "undo": lambda store, uid: store.undo_delete(),
    "tags": lambda store, uid: store.change_tags(target="talk", target_id="t1", add=["x"]),
    "compact": lambda store, uid: store.compact(),
    "service": lambda store, uid: AnnotationService(
        store, Library(store.path.parent, (), ())
    ).attachments(),
}


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    return {p.name: (p.read_bytes() if p.is_file() else None) for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_store_that_goes_bad_while_in_use_is_an_error_never_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    monkeypatch.setattr(files, "REWRITE_BELOW", 0)  # so there is a journal to break
    path = tmp_path / "annotations.json"
    store = Store(path)
    note = store.add_annotation(target="talk", target_id="t1", text="first")
    store.add_annotation(target="talk", target_id="t1", text="in the journal")
    assert journal_of(path).exists()

    FAULTS[fault](path)
    broken = _snapshot(tmp_path)
    for name, call in CALLS.items():
        with pytest.raises(StoreError) as error:
            call(store, note.uid)
        assert "\n" not in str(error.value), name
        assert str(path) in str(error.value) or str(journal_of(path)) in str(error.value)
    assert _snapshot(tmp_path) == broken  # refused, never replaced
    assert summarize_store(path).problems


def test_a_store_that_comes_back_is_usable_again(tmp_path: Path) -> None:
    path = tmp_path / "annotations.json"
    store = Store(path)
    store.add_annotation(target="talk", target_id="t1", text="kept")
    good = path.read_bytes()
    _break_main(path)
    with pytest.raises(StoreError):
        store.annotations()
    path.write_bytes(good)  # the user restored it
    assert [a.text for a in store.annotations()] == ["kept"]


def test_a_store_path_that_is_a_symlink_loop_is_a_one_line_error(tmp_path: Path) -> None:
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    one.symlink_to(two)
    two.symlink_to(one)
    with pytest.raises(StoreError) as error:
        Store(one)
    assert "\n" not in str(error.value)
    assert str(one) in str(error.value) and "symlink" in str(error.value)
    [problem] = summarize_store(one).problems
    assert str(one) in problem


def test_a_note_name_that_is_not_utf8_survives_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "annotations.json"
    name = os.fsdecode(b"2026/caf\xe9-\x81\x40.md")  # Latin-1 and CP932 bytes
    anchor = Anchor(note=name, line=3, quote="引用", prefix="", suffix="")
    Store(path).add_annotation(target="passage", target_id="t1", text="x", anchor=anchor)

    text = path.read_bytes().decode("utf-8")  # still UTF-8 text, as a store must be
    assert "\\udce9" in text
    [again] = Store(path).annotations()
    assert again.anchor is not None
    assert os.fsencode(again.anchor.note) == b"2026/caf\xe9-\x81\x40.md"


def test_text_with_undecodable_bytes_is_stored_without_breaking_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "REWRITE_BELOW", 0)
    path = tmp_path / "annotations.json"
    store = Store(path)
    store.add_annotation(target="talk", target_id="t1", text="first")
    raw = os.fsdecode(b"caf\xe9")
    store.add_annotation(target="talk", target_id="t1", text=raw)
    store.change_tags(target="talk", target_id="t1", add=[raw])
    json.loads(path.read_bytes().decode("utf-8"))  # both still valid UTF-8 JSON
    for line in journal_of(path).read_bytes().decode("utf-8").splitlines():
        json.loads(line)
    assert raw in {a.text for a in Store(path).annotations()}


def test_a_store_moved_away_while_open_is_an_empty_store_not_an_error(tmp_path: Path) -> None:
    # The user moved their store aside: what is there now (nothing) is what it holds.
    path = tmp_path / "annotations.json"
    store = Store(path)
    store.add_annotation(target="talk", target_id="t1", text="x")
    shutil.move(path, tmp_path / "aside.json")
    assert store.annotations() == []
    assert [a.text for a in Store(tmp_path / "aside.json").annotations()] == ["x"]


def test_a_key_twice_in_one_record_is_never_rewritten_away(tmp_path: Path) -> None:
    # Opening reads quickly, counting records; a key written twice inside one record
    # (a hand edit) is caught by the strict read before the file would be replaced.
    path = tmp_path / "annotations.json"
    Store(path).add_annotation(target="talk", target_id="t1", text="kept")
    text = path.read_text("utf-8").replace('"text": "kept"', '"text": "lost?", "text": "kept"')
    path.write_text(text, "utf-8")
    before = path.read_bytes()
    store = Store(path)
    with pytest.raises(StoreError, match='the key "text" appears twice') as error:
        store.add_annotation(target="talk", target_id="t1", text="new")
    assert "\n" not in str(error.value)
    assert path.read_bytes() == before
    assert 'the key "text" appears twice' in summarize_store(path).problems[0]
