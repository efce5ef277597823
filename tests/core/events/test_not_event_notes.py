"""Files in a notes folder that are not notes on an event are reported, not made into
events; notes on an event stay events however little was found in them."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from notetui.core.load.library import load_library
from support.paths import CORPUS, NOTES, WILD

PROJECT_FILES = {
    "README.md": """\
        # notetui

        A terminal reader for meetup notes.

        ## Install

            pip install notetui

        ## Usage

        Run it in a folder of notes.
        """,
    "CHANGELOG.md": """\
        # Changelog

        ## [1.2.0] - 2024-01-05
        - Fixed a crash on empty notes

        ## [1.1.0] - 2023-12-01
        - Added export
        """,
    "LICENSE": """\
        MIT License

        Copyright (c) 2024 Someone

        Permission is hereby granted, free of charge, to any person obtaining a copy
        """,
    "todo.md": """\
        # TODO

        - [ ] write the blog post
        - [x] buy milk
        """,
    "ideas.txt": """\
        things to try
        a new keyboard layout
        bake bread on sunday
        """,
}

MEETUP_NOTE = """\
    ---
    title: Kobe Python Night #21 参加メモ
    date: 2025-01-20
    ---

    ## 19:10 uv で作る社内テンプレート
    - pyproject.toml の雛形
    """


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_project_files_beside_the_notes_are_problems_with_a_reason(tmp_path: Path) -> None:
    write(tmp_path, {**PROJECT_FILES, "2025/kobe-python-21.md": MEETUP_NOTE})
    library = load_library(tmp_path, cache=False)
    assert [e.notes for e in library.events] == [("2025/kobe-python-21.md",)]
    reasons = {p.note: p.message for p in library.problems}
    assert sorted(reasons) == sorted(PROJECT_FILES)
    for reason in reasons.values():
        assert reason.startswith("not notes on an event")
        assert "\n" not in reason
    assert "README.md is a project file" in reasons["README.md"]


@pytest.mark.parametrize(
    "text",
    [
        # Named like a project file, but notes on an event all the same.
        "# Go Kansai #4 参加メモ\n\n## ジェネリクス入門\n- 型パラメータ\n",
        # No talk found, but the event's day is written down.
        "# 雑記\n\n- 日時: 2024/05/10(金) 19:00\n- 楽しかった\n",
        # No talk found, but a day heading says it was a conference.
        "# Day1\n\n楽しかった。\n",
    ],
    ids=["report-words", "date-row", "day-heading"],
)
def test_a_note_with_event_evidence_stays_an_event(tmp_path: Path, text: str) -> None:
    write(tmp_path, {"README.md": text})
    library = load_library(tmp_path, cache=False)
    assert library.problems == ()
    assert [e.notes for e in library.events] == [("README.md",)]


def test_every_sample_note_stays_an_event() -> None:
    library = load_library(NOTES, cache=False)
    assert library.problems == ()
    assert sorted(n for e in library.events for n in e.notes) == sorted(
        str(p.relative_to(NOTES)) for p in NOTES.rglob("*") if p.is_file()
    )


@pytest.mark.parametrize("root", [CORPUS, WILD], ids=["corpus", "wild"])
def test_every_shared_note_is_in_the_event_its_labels_say(root: Path, corpus_dir: Path) -> None:
    """The real notes of ../shared, read in place: each note stays an event's note,
    and the notes group as their labels group them."""
    assert (root / "expected.json").is_file(), f"{corpus_dir.parent} is there but {root} is not"
    labels = json.loads((root / "expected.json").read_text("utf-8"))["events"]
    library = load_library(root, cache=False)
    assert [p for p in library.problems if p.message.startswith("not notes")] == []
    got = sorted(sorted(e.notes) for e in library.events)
    assert got == sorted(sorted(group["files"]) for group in labels)


def test_a_copied_page_whose_title_is_its_blog_name_stays_an_event(tmp_path: Path) -> None:
    page = "ねこの技術帳\n\nほげ勉強会 #3 参加レポート\n\n楽しかったです。\n"
    write(tmp_path, {"page.txt": page})
    library = load_library(tmp_path, cache=False)
    assert library.problems == ()
    assert [e.notes for e in library.events] == [("page.txt",)]
