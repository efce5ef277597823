"""The annotation store under the failures that lose data in real life: kill -9
mid-save, two processes saving at once, a full disk. Real files, real processes."""

from __future__ import annotations

import errno
import itertools
import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from notetui.core.annotations.store import Store, StoreError, check_store
from support.journals import unfolded_changes
from support.paths import REPO

WORKER = REPO / "tests" / "support" / "store_worker.py"
KILLS = 200


def _worker(path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(path), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def _saved(output: str) -> list[str]:
    """Uids from whole `saved <uid>` lines; a line cut off by the kill does not count."""
    complete = output.split("\n")[:-1]
    return [line.split()[1] for line in complete if line.startswith("saved ")]


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _torn(journal: Path) -> bool:
    """Whether a kill cut a journal line short (it is then ignored, and cut off)."""
    return journal.exists() and not journal.read_bytes().endswith(b"\n")


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["rewrite", "journal", "unread"])
def test_kill_9_mid_save_never_loses_a_reported_annotation(tmp_path: Path, mode: str) -> None:
    # "rewrite": every save rewrites the whole file, however big the store grows (by
    # itself a store switches to the journal past ~1,000 annotations: a fast disk got
    # there within the 200 kills, a slow one did not). "journal": every save is a
    # journal line and compactions run every ~64 KB, so the kills also land mid-append
    # and mid-compaction. "unread": the same, by adds that do not read the main file
    # (`notetui annotate`).
    journal = mode != "rewrite"
    path = tmp_path / "data" / "annotations.json"
    journal_file = path.with_name("annotations.json.journal")
    rng = random.Random(20261123)  # random moments, but the same ones on every run
    promised: set[str] = set()
    mid_save = unreported = 0
    for round_ in range(KILLS):
        worker = _worker(path, f"--{mode}")
        assert worker.stdout is not None
        first = worker.stdout.readline()
        if not first.startswith("saved "):
            worker.kill()
            _, err = worker.communicate()
            pytest.fail(f"round {round_}: worker did not save: {first!r} {err}")
        time.sleep(rng.uniform(0, 0.040))
        worker.send_signal(signal.SIGKILL)
        rest, _ = worker.communicate()
        assert worker.returncode == -signal.SIGKILL
        promised.update(_saved(first + rest))
        inside = any(path.parent.glob(".annotations.json.*.tmp")) or _torn(journal_file)

        with Store(path) as store:  # must open: no StoreError, whatever the kill hit
            kept = {annotation.uid for annotation in store.annotations()}
        lost = promised - kept
        assert not lost, f"round {round_}: {len(lost)} reported annotations lost"
        assert journal or not journal_file.exists(), f"round {round_}: a rewrite left a journal"
        # Inside a save: a temp file or a cut-off line left behind, or a save that was
        # on disk but not yet reported (killed during its fsync, or just after).
        if inside or len(kept - promised) > unreported:
            mid_save += 1
        unreported = len(kept - promised)

    print(f"{KILLS} kills, {mid_save} mid-save, {len(promised)} annotations reported")
    assert len(promised) > KILLS  # the kills really did land between saves
    assert mid_save > KILLS // 20  # ...and often inside one
    # Opening removed the temp files that kills left behind; only the store and lock stay,
    # and with a journal the journal (unless the last kill fell just after a compaction).
    whole = ["annotations.json", "annotations.json.lock"]
    left = [name for name in _files(path.parent) if name != "annotations.json.journal"]
    assert left == whole
    assert journal or not journal_file.exists()
    assert check_store(path) == []
    # The next save takes what the kills left in the journal into the main file: nothing
    # stray stays, and what was reported is all there for the next notetui.
    with Store(path) as store:
        store.compact()
    # A journaled store keeps a journal of its header alone, for the next add.
    assert _files(path.parent) == sorted([*whole, *([journal_file.name] if journal else [])])
    assert unfolded_changes(path) == 0
    with Store(path) as store:
        assert promised <= {annotation.uid for annotation in store.annotations()}


@pytest.mark.slow
@pytest.mark.parametrize("journal", [False, True], ids=["rewrite", "journal"])
def test_two_processes_adding_at_once_lose_nothing(tmp_path: Path, journal: bool) -> None:
    path = tmp_path / "annotations.json"
    extra = ["--journal"] if journal else ["--rewrite"]
    workers = [
        _worker(path, "--count", "300", "--tag", tag, "--wait-go", *extra) for tag in ("a", "b")
    ]
    for worker in workers:
        assert worker.stdout is not None
        assert worker.stdout.readline() == "ready\n"
    for worker in workers:  # both start saving at the same moment
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    outputs = [worker.communicate(timeout=120) for worker in workers]
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err or out
        assert out.endswith("done\n")

    reported = [_saved(out) for out, _ in outputs]
    assert [len(uids) for uids in reported] == [300, 300]
    everyone = set(reported[0]) | set(reported[1])
    assert len(everyone) == 600

    with Store(path) as store:
        assert {annotation.uid for annotation in store.annotations()} == everyone
        store.compact()  # the journal's lines folded into the main file
    raw: dict[str, Any] = json.loads(path.read_text("utf-8"))
    records = raw["annotations"]
    assert len(records) == 600  # a doc id collision would have overwritten a record
    assert {record["uid"] for record in records.values()} == everyone
    with Store(path) as store:
        assert {annotation.uid for annotation in store.annotations()} == everyone

    # The saves really interleaved: in file order the writer changes more than once.
    writers = [records[doc_id]["target_id"][0] for doc_id in sorted(records, key=int)]
    switches = sum(1 for x, y in itertools.pairwise(writers) if x != y)
    assert switches > 1


def _no_space(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("broken", ["replace", "fsync"])
def test_a_failed_save_keeps_the_previous_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    path = tmp_path / "annotations.json"
    store = Store(path)
    kept = store.add_annotation(target="talk", target_id="t1", text="kept")
    doomed = store.add_annotation(target="talk", target_id="t1", text="to delete")
    before = path.read_bytes()

    monkeypatch.setattr(os, broken, _no_space)
    with pytest.raises(StoreError) as add_error:
        store.add_annotation(target="talk", target_id="t1", text="never saved")
    with pytest.raises(StoreError):
        store.delete_annotation(doomed.uid)  # two tables, one save: all or nothing
    with pytest.raises(StoreError):
        store.set_tags(target="talk", target_id="t1", tags=["k8s"])
    monkeypatch.undo()

    message = str(add_error.value)
    assert "\n" not in message
    assert str(path) in message
    assert "No space left on device" in message
    assert path.read_bytes() == before
    assert _files(tmp_path) == ["annotations.json", "annotations.json.lock"]  # no temp left
    assert sorted(a.text for a in store.annotations()) == ["kept", "to delete"]
    assert store.tags_of("t1") == ()

    after = store.add_annotation(target="talk", target_id="t1", text="after")
    store.delete_annotation(doomed.uid)
    with Store(path) as reopened:
        assert {a.uid for a in reopened.annotations()} == {kept.uid, after.uid}
        assert reopened.undo_delete() == doomed


def test_the_first_save_failing_creates_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "annotations.json"
    store = Store(path)
    monkeypatch.setattr(os, "replace", _no_space)
    with pytest.raises(StoreError):
        store.add_annotation(target="event", target_id="e1", text="x")
    monkeypatch.undo()
    assert _files(tmp_path) == ["annotations.json.lock"]
    assert store.annotations() == []


def test_a_folder_sync_failure_says_the_change_was_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "annotations.json"
    store = Store(path)
    real_fsync = os.fsync

    def fsync_files_only(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            _no_space()
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_files_only)
    with pytest.raises(StoreError, match="was saved, but its folder could not be synced"):
        store.add_annotation(target="event", target_id="e1", text="on disk")
    monkeypatch.undo()
    # The rename had happened: the store says so rather than pretending it failed.
    assert [a.text for a in Store(path).annotations()] == ["on disk"]
    assert [a.text for a in store.annotations()] == ["on disk"]
