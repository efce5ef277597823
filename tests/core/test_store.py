"""The annotation store: what a user writes is kept, in a file they can read and diff."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from notetui.core.annotations import store as store_module
from notetui.core.annotations.storage import encode_tables
from notetui.core.annotations.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Anchor,
    Annotation,
    Store,
    StoreError,
    TagSet,
    check_store,
    copy_aside,
    normalize_tag,
)
from notetui.core.atomic import atomic_write

ANCHOR = Anchor(
    note="2026/k8s.md", line=12, quote="HPA は遅い", prefix="前の文。", suffix="次の文。"
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "annotations.json"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A settable clock: tests append the time the next call returns."""
    times = ["2026-11-23T09:00:00Z"]
    monkeypatch.setattr(store_module, "now_iso", lambda: times[-1])
    return times


@pytest.fixture
def uids(monkeypatch: pytest.MonkeyPatch) -> None:
    counter = itertools.count(1)
    monkeypatch.setattr(store_module, "new_uid", lambda: f"uid{next(counter):04d}")


def _raw(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


# -- files and folders ---------------------------------------------------------------------


def test_opening_creates_nothing_and_the_first_save_creates_the_folder(path: Path) -> None:
    store = Store(path)
    assert store.annotations() == []
    assert store.tag_sets() == []
    assert not path.parent.exists()

    store.add_annotation(target="talk", target_id="t1", text="first")
    assert path.is_file()
    assert _raw(path)["meta"] == {"1": {"schema": SCHEMA_VERSION}}


def test_annotations_survive_reopening_exactly(path: Path, clock: list[str]) -> None:
    store = Store(path)
    talk = store.add_annotation(
        target="talk",
        target_id="k8s-70/hpa",
        text="# 感想\n\n- 複数行の *Markdown*\n",
        title="HPA の話",
        titles=["HPA talk", "オートスケール"],
        event_title="Kubernetes Meetup #70",
        event_date="2026-11-23",
    )
    clock.append("2026-11-23T09:05:00Z")
    passage = store.add_annotation(
        target="passage", target_id="k8s-70/hpa", text="ここ大事", anchor=ANCHOR
    )
    assert talk.titles == ("HPA talk", "オートスケール")
    assert passage.anchor == ANCHOR

    reopened = Store(path)
    assert reopened.annotations() == [talk, passage]  # oldest first
    assert reopened.annotation(passage.uid) == passage
    assert reopened.annotation("nope") is None


def test_update_and_retarget_keep_identity_and_bump_updated(path: Path, clock: list[str]) -> None:
    store = Store(path)
    note = store.add_annotation(target="talk", target_id="old", text="v1", title="Old")
    clock.append("2026-11-23T10:00:00Z")

    edited = store.update_annotation(note.uid, "v2")
    assert (edited.uid, edited.text, edited.created) == (note.uid, "v2", note.created)
    assert edited.updated == "2026-11-23T10:00:00Z"

    clock.append("2026-11-23T11:00:00Z")
    moved = store.retarget_annotation(
        note.uid, target="passage", target_id="new", title="New", titles=["Old"], anchor=ANCHOR
    )
    assert (moved.target, moved.target_id, moved.title, moved.titles) == (
        "passage",
        "new",
        "New",
        ("Old",),
    )
    assert (moved.text, moved.created, moved.updated) == ("v2", note.created, clock[-1])
    assert Store(path).annotations() == [moved]
    assert len(_raw(path)["annotations"]) == 1  # replaced, not duplicated

    with pytest.raises(KeyError):
        store.update_annotation("missing", "x")
    with pytest.raises(KeyError):
        store.delete_annotation("missing")


def test_unknown_fields_written_by_hand_survive_an_edit(path: Path) -> None:
    store = Store(path)
    note = store.add_annotation(target="event", target_id="e1", text="v1")
    raw = _raw(path)
    raw["annotations"]["1"]["color"] = "yellow"
    path.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")

    store.update_annotation(note.uid, "v2")
    assert _raw(path)["annotations"]["1"]["color"] == "yellow"


def test_invalid_targets_are_refused_before_saving(path: Path) -> None:
    store = Store(path)
    with pytest.raises(ValueError, match="target"):
        store.add_annotation(target="speaker", target_id="x", text="")
    with pytest.raises(ValueError, match="anchor"):
        store.add_annotation(target="passage", target_id="x", text="")
    with pytest.raises(ValueError, match="anchor"):
        store.add_annotation(target="talk", target_id="x", text="", anchor=ANCHOR)
    with pytest.raises(ValueError, match="target_id"):
        store.add_annotation(target="talk", target_id="", text="")
    assert not path.exists()


# -- delete and undo -------------------------------------------------------------------------


def test_delete_moves_to_trash_and_undo_restores_the_newest(path: Path, clock: list[str]) -> None:
    store = Store(path)
    first = store.add_annotation(target="talk", target_id="t", text="first")
    second = store.add_annotation(target="talk", target_id="t", text="second")
    keep = store.add_annotation(target="talk", target_id="t", text="keep")

    assert store.delete_annotation(first.uid) == first
    assert store.delete_annotation(second.uid) == second
    assert store.annotations() == [keep]
    trash = _raw(path)["trash"]
    assert [record["text"] for record in trash.values()] == ["first", "second"]
    assert all(record["deleted"] == clock[-1] for record in trash.values())

    # Undo works across processes and restarts: the trash is in the file.
    reopened = Store(path)
    assert reopened.undo_delete() == second
    assert Store(path).undo_delete() == first
    assert store.undo_delete() is None
    assert {a.uid for a in store.annotations()} == {first.uid, second.uid, keep.uid}
    assert "deleted" not in json.dumps(_raw(path)["annotations"])


# -- tags ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ｋｕｂｅｒｎｅｔｅｓ  Ops", "kubernetes-ops"),
        ("#Python", "python"),
        ("＃機械学習", "機械学習"),
        ("  Rust\tLang \n", "rust-lang"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
        ("ｶﾀｶﾅ", "カタカナ"),
        ("#", ""),
        ("   ", ""),
    ],
)
def test_normalize_tag(raw: str, expected: str) -> None:
    assert normalize_tag(raw) == expected


def test_tags_add_remove_set_and_count(path: Path) -> None:
    store = Store(path)
    added = store.change_tags(
        target="talk", target_id="t1", add=["Ｋｕｂｅｒｎｅｔｅｓ  Ops", "#SRE", ""], title="HPA"
    )
    assert added == TagSet("talk", "t1", ("kubernetes-ops", "sre"), "HPA", "")
    store.change_tags(target="talk", target_id="t1", add=["sre", "Go"])
    store.change_tags(target="event", target_id="e1", add={"sre"}, event_title="Meetup")
    assert store.tags_of("t1") == ("go", "kubernetes-ops", "sre")
    assert [(t.target_id, t.tags) for t in store.tag_sets()] == [
        ("e1", ("sre",)),
        ("t1", ("go", "kubernetes-ops", "sre")),
    ]

    removed = store.change_tags(target="talk", target_id="t1", remove=["GO", "unknown"])
    assert removed.tags == ("kubernetes-ops", "sre")
    assert removed.title == "HPA"  # an empty title keeps the one on record

    assert store.set_tags(target="talk", target_id="t1", tags=["a", "b"]).tags == ("a", "b")
    emptied = store.set_tags(target="talk", target_id="t1", tags=[])
    assert emptied.tags == ()
    assert store.tags_of("t1") == ()
    assert [ts.target_id for ts in Store(path).tag_sets()] == ["e1"]  # record removed
    assert [(t.target_id, t.tags) for t in store.tag_sets()] == [("e1", ("sre",))]

    with pytest.raises(ValueError, match="target"):
        store.set_tags(target="passage", target_id="t1", tags=["x"])
    with pytest.raises(TypeError):
        store.set_tags(target="talk", target_id="t1", tags="single-string")


def test_retarget_tags_merges_into_the_new_target(path: Path) -> None:
    store = Store(path)
    store.set_tags(target="talk", target_id="old", tags=["a", "b"], title="Old title")
    store.set_tags(target="talk", target_id="new", tags=["b", "c"], title="Before")
    store.retarget_tags("old", target="talk", target_id="new", title="New title")

    assert store.tags_of("old") == ()
    assert store.tag_sets() == [TagSet("talk", "new", ("a", "b", "c"), "New title", "")]
    assert Store(path).tags_of("new") == ("a", "b", "c")

    store.retarget_tags("absent", target="talk", target_id="new", title="x")  # no-op
    store.retarget_tags("new", target="event", target_id="ev", title="Event")
    assert Store(path).tag_sets() == [TagSet("event", "ev", ("a", "b", "c"), "Event", "")]


# -- the file format -------------------------------------------------------------------------


def _same_operations(path: Path) -> None:
    store = Store(path)
    a = store.add_annotation(target="talk", target_id="t1", text="日本語のメモ\n二行目", title="話")
    store.add_annotation(target="passage", target_id="t1", text="引用について", anchor=ANCHOR)
    store.change_tags(target="talk", target_id="t1", add=["機械学習", "Go"])
    store.update_annotation(a.uid, "書き直した")
    store.delete_annotation(a.uid)


def test_the_file_is_readable_diffable_and_deterministic(
    tmp_path: Path, clock: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = []
    for run in ("one", "two"):
        counter = itertools.count(1)
        monkeypatch.setattr(store_module, "new_uid", lambda c=counter: f"uid{next(c):04d}")
        path = tmp_path / run / "annotations.json"
        _same_operations(path)
        files.append(path.read_bytes())
    assert files[0] == files[1]

    text = files[0].decode("utf-8")
    assert "日本語" not in text  # it was rewritten
    assert "書き直した" in text and "引用について" in text and "機械学習" in text
    assert "\\u" not in text  # ensure_ascii=False
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}" and text.endswith("}\n")
    # One line per record, keys sorted, tables in name order.
    assert [line for line in lines if line.startswith("  ") and not line.startswith("   ")] == [
        '  "annotations": {',
        "  },",
        '  "meta": {',
        "  },",
        '  "tags": {',
        "  },",
        '  "trash": {',
        "  }",
    ]
    record_lines = [line for line in lines if line.startswith('    "')]
    assert len(record_lines) == 4
    assert record_lines[0].startswith('    "2": {"anchor": {"line": 12, "note": "2026/k8s.md"')
    data = json.loads(text)
    assert data["meta"] == {"1": {"schema": SCHEMA_VERSION}}
    assert list(data["trash"]["1"]) == sorted(data["trash"]["1"])


def test_a_v0_store_is_migrated_on_open_and_saved_as_v1(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    v0 = {
        "meta": {"1": {"schema": 0}},
        "notes": {
            "1": {"id": "u1", "body": "古いメモ", "talk": "t1", "at": "2020-01-01T00:00:00Z"}
        },
    }
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(v0, ensure_ascii=False), "utf-8")
    before = path.read_bytes()
    seen: list[int] = []

    def v0_to_v1(data: dict[str, Any]) -> dict[str, Any]:
        seen.append(data["meta"]["1"]["schema"])
        notes = data.pop("notes")
        data["annotations"] = {
            doc_id: {
                "uid": old["id"],
                "target": "talk",
                "target_id": old["talk"],
                "text": old["body"],
                "created": old["at"],
                "updated": old["at"],
            }
            for doc_id, old in notes.items()
        }
        return data

    with pytest.raises(StoreError, match="schema 0 and no migration"):
        Store(path)
    monkeypatch.setitem(MIGRATIONS, 0, v0_to_v1)
    store = Store(path)
    assert seen == [0]
    assert [(a.uid, a.text) for a in store.annotations()] == [("u1", "古いメモ")]
    assert path.read_bytes() == before  # opening never writes
    assert check_store(path) == []

    store.change_tags(target="talk", target_id="t1", add=["x"])
    raw = _raw(path)
    assert raw["meta"] == {"1": {"schema": SCHEMA_VERSION}}
    assert "notes" not in raw and raw["annotations"]["1"]["uid"] == "u1"


def test_a_migration_that_crashes_is_a_one_line_error(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('{"meta": {"1": {"schema": 0}}}', "utf-8")

    def broken(data: dict[str, Any]) -> dict[str, Any]:
        raise KeyError("notes")

    monkeypatch.setitem(MIGRATIONS, 0, broken)
    with pytest.raises(StoreError, match="could not be migrated from schema 0") as error:
        Store(path)
    assert "\n" not in str(error.value)


# -- only plain values -------------------------------------------------------------------------


class Thing:
    pass


@pytest.mark.parametrize(
    "bad",
    [
        {"event_date": date(2026, 11, 23)},
        {"titles": ["ok", date(2026, 11, 23)]},
        {"titles": {"a", "b"}},
        {"title": Thing()},
        {"text": 42},
        {"target_id": b"bytes"},
    ],
)
def test_non_plain_values_raise_type_error_and_leave_the_file(
    path: Path, bad: dict[str, Any]
) -> None:
    store = Store(path)
    store.add_annotation(target="talk", target_id="t", text="kept")
    before = path.read_bytes()
    fields: dict[str, Any] = {"target": "talk", "target_id": "t", "text": "x", **bad}
    with pytest.raises(TypeError):
        store.add_annotation(**fields)
    assert path.read_bytes() == before


def test_a_non_plain_anchor_line_is_refused(path: Path) -> None:
    store = Store(path)
    bad_anchor = Anchor(note="n.md", line=math.nan, quote="q")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"anchor\.line"):
        store.add_annotation(target="passage", target_id="t", text="x", anchor=bad_anchor)
    assert not path.exists()


@pytest.mark.parametrize(
    "value", [date(2026, 1, 1), {1, 2}, Thing(), math.inf, ("tuple",), {1: "int key"}]
)
def test_the_encoder_refuses_non_plain_records_before_touching_the_file(
    path: Path, value: object
) -> None:
    # The last line of defence, below the Store's own checks: the records are all
    # checked before the first byte is written.
    Store(path).add_annotation(target="talk", target_id="t", text="kept")
    before = path.read_bytes()
    tables = {"annotations": {"1": {"uid": "y"}, "2": {"uid": "x", "value": value}}}
    with pytest.raises(TypeError, match="annotations record 2"):
        atomic_write(path, encode_tables(tables, check=True))
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "annotations.json",
        "annotations.json.lock",
    ]


def test_the_file_is_one_tinydb_itself_reads(path: Path) -> None:
    from tinydb import TinyDB

    store = Store(path)
    kept = store.add_annotation(target="talk", target_id="t1", text="日本語のメモ")
    store.change_tags(target="talk", target_id="t1", add=["go"])
    with TinyDB(path, access_mode="r") as db:
        assert [doc["uid"] for doc in db.table("annotations").all()] == [kept.uid]
        assert [doc["tags"] for doc in db.table("tags").all()] == [["go"]]
        assert db.table("meta").all() == [{"schema": SCHEMA_VERSION}]


# -- two stores in one process -----------------------------------------------------------------


def test_two_stores_on_one_file_interleave_without_losing_anything(path: Path) -> None:
    one, two = Store(path), Store(path)
    a = one.add_annotation(target="talk", target_id="t", text="a by one")
    b = two.add_annotation(target="talk", target_id="t", text="b by two")
    c = one.add_annotation(target="talk", target_id="t", text="c by one")
    d = two.add_annotation(target="event", target_id="e", text="d by two")
    two.update_annotation(a.uid, "a edited by two")
    one.delete_annotation(b.uid)
    one.change_tags(target="talk", target_id="t", add=["one"])
    two.change_tags(target="talk", target_id="t", add=["two"])
    assert two.undo_delete() == b
    one.update_annotation(c.uid, "c edited by one")

    # Each sees the other's saves without being told.
    assert one.tags_of("t") == two.tags_of("t") == ("one", "two")
    texts = {x.uid: x.text for x in Store(path).annotations()}
    assert texts == {
        a.uid: "a edited by two",
        b.uid: "b by two",
        c.uid: "c edited by one",
        d.uid: "d by two",
    }
    assert [x.text for x in one.annotations()] == [x.text for x in two.annotations()]
    records = _raw(path)["annotations"]
    assert len(records) == 4 and len({r["uid"] for r in records.values()}) == 4


def test_reload_if_changed_notices_another_writer(path: Path) -> None:
    one, two = Store(path), Store(path)
    assert one.reload_if_changed() is False
    two.add_annotation(target="talk", target_id="t", text="x")
    assert one.reload_if_changed() is True
    assert one.reload_if_changed() is False
    assert [a.text for a in one.annotations()] == ["x"]


# -- stale temp files ------------------------------------------------------------------------


def test_stale_temp_files_are_removed_on_open_and_nothing_else(path: Path) -> None:
    Store(path).add_annotation(target="talk", target_id="t", text="x")
    folder = path.parent
    ours = [folder / ".annotations.json.0123abcd.tmp", folder / ".annotations.json.ffffffff.tmp"]
    others = [
        ".annotations.json.tmp",
        ".annotations.json.0123ABCD.tmp",
        "annotations.json.0123abcd.tmp",
        ".other.json.0123abcd.tmp",
        ".annotations.json.0123abcd.tmp.bak",
        "notes.tmp",
    ]
    for name in [p.name for p in ours] + others:
        (folder / name).write_text("half a save", "utf-8")

    Store(path)
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([*others, "annotations.json", "annotations.json.lock"])


def test_a_temp_file_is_left_alone_while_another_process_is_saving(path: Path) -> None:
    path.parent.mkdir(parents=True)
    live = path.parent / ".annotations.json.0123abcd.tmp"
    live.write_text("a save in progress", "utf-8")
    with FileLock(path.with_name("annotations.json.lock")):
        Store(path)
        assert live.exists()
    Store(path)
    assert not live.exists()


# -- corrupt or unreadable stores ------------------------------------------------------------

CORRUPT = {
    "invalid JSON": (b'{\n  "annotations": {\n    "1": {"uid": \n', "not valid JSON"),
    "an array": (b"[1, 2, 3]\n", "not a notetui store"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not UTF-8"),
    "newer schema": (b'{"meta": {"1": {"schema": 3}}, "annotations": {}}\n', "newer"),
    "no schema": (b'{"annotations": {"1": {"uid": "x"}}}', "no schema version"),
    "duplicate ids": (
        b'{"meta": {"1": {"schema": 1}}, "tags": {'
        b'"1": {"target": "talk", "target_id": "a", "tags": ["x"]},'
        b'"1": {"target": "talk", "target_id": "b", "tags": ["y"]}}}',
        "appears twice",
    ),
    "NaN": (b'{"meta": {"1": {"schema": 1}}, "x": {"1": {"v": NaN}}}', "NaN is not allowed"),
    "too deep": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "a bad record": (
        b'{"meta": {"1": {"schema": 1}}, "annotations": {"3": {"uid": "u", "target": "talk"}}}',
        'record 3 in "annotations" has no "target_id"',
    ),
    "a bad table": (
        b'{"meta": {"1": {"schema": 1}}, "annotations": []}',
        '"annotations" is an array',
    ),
    "one uid in the store and the trash": (  # a deletion undone by hand, half-way
        b'{"meta": {"1": {"schema": 1}}, "annotations": {"4": {"uid": "u1", '
        b'"target": "talk", "target_id": "t1", "text": "kept", "created": "2026-01-01T00:00:00Z", '
        b'"updated": "2026-01-01T00:00:00Z"}}, "trash": {"9": {"uid": "u1", "target": "talk", '
        b'"target_id": "t1", "text": "gone", "created": "2026-01-01T00:00:00Z", '
        b'"updated": "2026-01-01T00:00:00Z", "deleted": "2026-01-02T00:00:00Z"}}}',
        'record 9 in "trash" has the same uid as record 4 in "annotations" (u1)',
    ),
}


@pytest.mark.parametrize("case", list(CORRUPT))
def test_a_corrupt_store_is_refused_reported_and_left_byte_identical(path: Path, case: str) -> None:
    content, reason = CORRUPT[case]
    path.parent.mkdir(parents=True)
    path.write_bytes(content)

    with pytest.raises(StoreError) as error:
        Store(path)
    message = str(error.value)
    assert "\n" not in message
    assert str(path) in message and reason in message and "left untouched" in message

    problems = check_store(path)
    assert problems and all("\n" not in p and str(path) in p for p in problems)
    assert reason in problems[0]
    assert path.read_bytes() == content

    aside = copy_aside(path)
    assert aside.parent == path.parent
    assert aside.name.startswith("annotations.json.corrupt-")
    assert aside.read_bytes() == content
    assert path.read_bytes() == content  # copied, not moved
    assert copy_aside(path) != aside  # a second copy never overwrites the first


def test_check_store_lists_every_bad_record(path: Path) -> None:
    path.parent.mkdir(parents=True)
    bad = {
        "meta": {"1": {"schema": 1}},
        "annotations": {
            "1": {
                "uid": "u1",
                "target": "talk",
                "target_id": "t",
                "text": 5,
                "created": "",
                "updated": "",
            },
            "2": {
                "uid": "u2",
                "target": "passage",
                "target_id": "t",
                "text": "",
                "created": "",
                "updated": "",
            },
        },
        "tags": {"1": {"target": "talk", "target_id": "t", "tags": "not-a-list"}},
    }
    path.write_text(json.dumps(bad), "utf-8")
    problems = check_store(path)
    assert len(problems) == 3
    assert '"text" as a number, not text' in problems[0]
    assert "passage annotation without an anchor" in problems[1]
    assert '"tags" as a string' in problems[2]
    with pytest.raises(StoreError, match=r"and 2 more; run `notetui db check`"):
        Store(path)


def test_check_store_on_healthy_and_missing_stores(path: Path) -> None:
    assert check_store(path) == []
    Store(path).add_annotation(target="talk", target_id="t", text="x")
    assert check_store(path) == []


def test_a_store_corrupted_while_open_is_never_overwritten(path: Path) -> None:
    store = Store(path)
    note = store.add_annotation(target="talk", target_id="t", text="x")
    garbage = b'{"annotations": {"1": '
    path.write_bytes(garbage)

    with pytest.raises(StoreError, match="not valid JSON"):
        store.add_annotation(target="talk", target_id="t", text="y")
    with pytest.raises(StoreError):
        store.delete_annotation(note.uid)
    with pytest.raises(StoreError):
        store.annotations()
    assert path.read_bytes() == garbage


def test_an_empty_file_is_an_empty_store(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    store = Store(path)
    assert store.annotations() == []
    store.add_annotation(target="talk", target_id="t", text="x")
    assert len(_raw(path)["annotations"]) == 1


def test_a_folder_in_place_of_the_store_is_a_one_line_error(path: Path) -> None:
    path.mkdir(parents=True)
    with pytest.raises(StoreError, match="is a folder") as error:
        Store(path)
    assert "\n" not in str(error.value)
    assert check_store(path) and "is a folder" in check_store(path)[0]


def test_annotation_is_a_value(uids: None, clock: list[str], path: Path) -> None:
    note = Store(path).add_annotation(target="talk", target_id="t", text="x")
    assert note == Annotation(
        uid="uid0001",
        target="talk",
        target_id="t",
        text="x",
        created="2026-11-23T09:00:00Z",
        updated="2026-11-23T09:00:00Z",
    )


def test_a_symlinked_store_is_saved_through_the_link(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "annotations.json"
    Store(real).add_annotation(target="talk", target_id="t", text="one")
    link = tmp_path / "data" / "annotations.json"
    link.parent.mkdir()
    link.symlink_to(real)

    Store(link).add_annotation(target="talk", target_id="t", text="two")
    assert link.is_symlink()
    assert sorted(a.text for a in Store(real).annotations()) == ["one", "two"]
    assert sorted(p.name for p in link.parent.iterdir()) == ["annotations.json"]


def test_the_store_imports_without_textual() -> None:
    blocked = "import sys; sys.modules['textual'] = None; import notetui.core.annotations.store"
    subprocess.run([sys.executable, "-c", blocked], check=True)
