"""Edits merge instead of overwriting: tags change by additions and removals against
what is stored, an annotation edit carries the revision it started from, and two
real processes editing the same tags and the same annotation lose nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from notetui.core.annotations.errors import AnnotationGone, EditConflict, StoreError
from notetui.core.annotations.store import Store
from support.paths import REPO

WORKER = REPO / "tests" / "support" / "edit_worker.py"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "annotations.json"


def test_an_edit_from_an_old_revision_is_a_conflict_with_both_texts(path: Path) -> None:
    reader, cli = Store(path), Store(path)
    note = reader.add_annotation(target="talk", target_id="t1", text="first draft")
    assert note.rev == 0
    opened = reader.annotation(note.uid)  # the reader's editor opens on this
    assert opened is not None

    cli.update_annotation(note.uid, "the CLI's edit")  # meanwhile, elsewhere
    with pytest.raises(EditConflict) as conflict:
        reader.update_annotation(note.uid, "the reader's edit", expected_rev=opened.rev)
    assert conflict.value.stored.text == "the CLI's edit"
    assert conflict.value.stored.rev == 1
    assert conflict.value.yours == "the reader's edit"
    assert isinstance(conflict.value, StoreError) and "\n" not in str(conflict.value)
    assert Store(path).annotation(note.uid).text == "the CLI's edit"  # type: ignore[union-attr]

    # The user saw both and kept theirs: an edit from the revision they were shown.
    saved = reader.update_annotation(note.uid, "the reader's edit", expected_rev=1)
    assert (saved.text, saved.rev) == ("the reader's edit", 2)
    assert Store(path).annotation(note.uid) == saved


def test_saving_the_text_that_is_already_there_is_no_conflict(path: Path) -> None:
    store = Store(path)
    note = store.add_annotation(target="talk", target_id="t1", text="v0")
    store.update_annotation(note.uid, "v1")
    again = store.update_annotation(note.uid, "v1", expected_rev=0)
    assert (again.text, again.rev) == ("v1", 1)


def test_moving_an_annotation_is_not_a_change_of_its_text(path: Path) -> None:
    store = Store(path)
    note = store.add_annotation(target="talk", target_id="t1", text="v0")
    store.retarget_annotation(note.uid, target="talk", target_id="t2", title="Elsewhere")
    saved = store.update_annotation(note.uid, "v1", expected_rev=0)
    assert (saved.target_id, saved.text) == ("t2", "v1")


def test_editing_an_annotation_deleted_meanwhile_says_so(path: Path) -> None:
    reader, cli = Store(path), Store(path)
    note = reader.add_annotation(target="talk", target_id="t1", text="x")
    cli.delete_annotation(note.uid)
    with pytest.raises(AnnotationGone) as gone:
        reader.update_annotation(note.uid, "typed meanwhile", expected_rev=0)
    assert isinstance(gone.value, KeyError) and isinstance(gone.value, StoreError)
    assert str(gone.value) == f"annotation {note.uid[:8]} no longer exists"


def test_tag_changes_merge_with_what_another_process_added(path: Path) -> None:
    reader, cli = Store(path), Store(path)
    reader.change_tags(target="talk", target_id="t1", add=["alpha"])
    shown = reader.tags_of("t1")  # the tag dialog opens on this
    cli.change_tags(target="talk", target_id="t1", add=["beta"])

    # The dialog returns alpha + gamma: the user added gamma, and never saw beta.
    chosen = {"alpha", "gamma"}
    reader.change_tags(
        target="talk", target_id="t1", add=chosen - set(shown), remove=set(shown) - chosen
    )
    assert Store(path).tags_of("t1") == ("alpha", "beta", "gamma")


def test_a_transaction_is_one_save_or_none(path: Path) -> None:
    store = Store(path)
    keep = store.add_annotation(target="talk", target_id="t1", text="keep")
    with pytest.raises(RuntimeError), store.transaction():
        store.change_tags(target="talk", target_id="t1", add=["never"])
        store.delete_annotation(keep.uid)
        raise RuntimeError("the caller changed its mind")
    assert store.tags_of("t1") == ()
    assert [a.uid for a in store.annotations()] == [keep.uid]
    assert [a.uid for a in Store(path).annotations()] == [keep.uid]

    with store.transaction():
        store.change_tags(target="talk", target_id="t1", add=["both"])
        assert store.tags_of("t1") == ("both",)  # reads inside see the change
        store.delete_annotation(keep.uid)
    reopened = Store(path)
    assert (reopened.tags_of("t1"), reopened.annotations()) == (("both",), [])


@pytest.mark.slow
@pytest.mark.parametrize("journal", [False, True], ids=["rewrite", "journal"])
def test_two_processes_editing_the_same_tags_and_annotation_lose_nothing(
    path: Path, journal: bool
) -> None:
    shared = Store(path).add_annotation(target="talk", target_id="t1", text="start")
    count = 80
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                str(WORKER),
                str(path),
                shared.uid,
                "t1",
                "--name",
                name,
                "--count",
                str(count),
                *(["--journal"] if journal else []),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for name in ("one", "two")
    ]
    for worker in workers:
        assert worker.stdout is not None
        assert worker.stdout.readline() == "ready\n"
    for worker in workers:  # both start at the same moment
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    outputs = [worker.communicate(timeout=300) for worker in workers]
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err or out
    conflicts = sum(int(out.split()[-1]) for out, _ in outputs)

    store = Store(path)
    expected_tags = {f"{name}-{n}" for name in ("one", "two") for n in range(count)}
    assert set(store.tags_of("t1")) == expected_tags
    final = store.annotation(shared.uid)
    assert final is not None
    lines = final.text.split("\n")
    assert lines[0] == "start"
    everyone = [f"{name} {n}" for name in ("one", "two") for n in range(count)]
    assert sorted(lines[1:]) == sorted(everyone)
    for name in ("one", "two"):  # each process's lines in its own order
        assert [x for x in lines if x.startswith(name)] == [f"{name} {n}" for n in range(count)]
    assert final.rev == 2 * count
    assert conflicts > 0  # they really did edit at the same time
    print(f"{conflicts} conflicts, each retried from the stored text")
    if journal:
        assert path.with_name(path.name + ".journal").exists()
