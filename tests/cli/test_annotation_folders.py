"""Annotations know the notes folder they were made in (issue 13.6): one store serves
every folder, but another folder's annotations are not this folder's orphans, and
`annotations --all` lists them. Through the console script, on real files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from notetui.core.annotations.records import folder_key
from notetui.core.annotations.store import Store
from support.cli import Cli, copy_samples, talk_with

TOKIO = "Taming tail latency"

OTHER_NOTE = """\
---
title: Riverside Data Club 2
date: 2026-02-20
---

# Riverside Data Club 2

## Column stores for people in a hurry

- Sort keys matter more than compression
"""


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "home")


@pytest.fixture
def here(tmp_path: Path) -> Path:
    return copy_samples(tmp_path / "here")


@pytest.fixture
def there(tmp_path: Path) -> Path:
    folder = tmp_path / "there"
    folder.mkdir()
    (folder / "data-club.md").write_text(OTHER_NOTE, "utf-8")
    return folder


def test_another_folders_annotations_are_not_orphans_and_all_lists_them(
    cli: Cli, here: Path, there: Path
) -> None:
    talk = talk_with(cli.json("list", "--json", here), TOKIO)
    made = cli.json("annotate", talk["id"], "--text", "made here", "--json", "--notes", here)
    cli.ok("tag", talk["id"], "add", "async", "--notes", here)
    assert made["folder"] == folder_key(here)

    # Seen from the other folder: not an orphan, not listed, not counted.
    assert cli.json("annotations", "--orphans", "--json", "--notes", there) == []
    done = cli.ok("annotations", "--orphans", "--notes", there)
    assert done.stdout == "no orphaned annotations (1 in other notes folders: --all lists them)\n"
    assert cli.json("annotations", "--json", "--notes", there) == []
    assert cli.json("tags", "--json", "--notes", there) == []
    [other] = cli.json("annotations", "--all", "--json", "--notes", there)
    assert (other["uid"], other["here"], other["orphan"]) == (made["uid"], False, False)
    assert other["folder"] == folder_key(here)
    assert "other folder" in cli.ok("annotations", "--all", "--notes", there).stdout

    # In its own folder it is attached; once its notes are gone, it is an orphan there.
    [row] = cli.json("annotations", "--json", "--notes", here)
    assert (row["here"], row["orphan"], row["talk_id"]) == (True, False, talk["id"])
    for note in {s["note"] for s in talk["sources"]}:
        (here / note).unlink()
    [orphan] = cli.json("annotations", "--orphans", "--json", "--notes", here)
    assert orphan["uid"] == made["uid"]
    assert cli.json("annotations", "--orphans", "--json", "--notes", there) == []


def test_a_moved_notes_folder_keeps_its_annotations(cli: Cli, here: Path, tmp_path: Path) -> None:
    talk = talk_with(cli.json("list", "--json", here), TOKIO)
    made = cli.json("annotate", talk["id"], "--text", "before the move", "--json", "--notes", here)
    moved = tmp_path / "Documents" / "notes"
    moved.parent.mkdir()
    shutil.move(here, moved)
    [row] = cli.json("annotations", "--json", "--notes", moved)
    assert (row["uid"], row["talk_id"], row["orphan"]) == (made["uid"], talk["id"], False)
    assert row["folder"] == folder_key(here)  # remembered as made; found by its id

    # Attaching it records the folder it is in now.
    cli.ok("annotations", "attach", made["uid"], talk["id"], "--notes", moved)
    [row] = cli.json("annotations", "--json", "--notes", moved)
    assert row["folder"] == folder_key(moved)


def test_records_from_before_folders_belong_to_every_folder(
    cli: Cli, here: Path, there: Path
) -> None:
    with Store(cli.db) as store:
        old = store.add_annotation(target="talk", target_id="t-gone", text="made long ago")
    assert old.root is None
    for folder in (here, there):
        [row] = cli.json("annotations", "--orphans", "--json", "--notes", folder)
        assert (row["uid"], row["folder"], row["orphan"]) == (old.uid, None, True)


def test_edit_delete_and_undo_take_notes_like_the_listing(
    cli: Cli, here: Path, there: Path
) -> None:
    talk = talk_with(cli.json("list", "--json", here), TOKIO)
    mine = cli.json("annotate", talk["id"], "--text", "one", "--json", "--notes", here)["uid"]
    cli.ok("annotations", "edit", mine[:6], "--text", "one, edited", "--notes", here)
    cli.ok("annotations", "--notes", here, "edit", mine, "--text", "edited again")
    [row] = cli.json("annotations", "--json", "--notes", here)
    assert (row["text"], row["rev"]) == ("edited again", 2)

    cli.ok("annotations", "delete", mine, "--notes", here)
    assert cli.json("annotations", "--json", "--notes", here) == []
    # The other folder has nothing of its own to undo; this one has.
    nothing = cli.run("annotations", "undo", "--notes", there)
    assert nothing.returncode == 1
    assert "nothing to undo" in nothing.stderr
    assert f"restored {mine[:8]}" in cli.ok("annotations", "undo", "--notes", here).stdout
    assert [r["uid"] for r in cli.json("annotations", "--json", "--notes", here)] == [mine]
