"""Bytes that are not UTF-8, in arguments and in note file names, through the real
console script: nothing crashes, file names survive byte for byte, and text that
cannot be kept as typed is stored in a safe form, with a warning saying so."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from notetui.core.annotations.service import AnnotationService
from notetui.core.annotations.store import Store
from notetui.core.load.library import load_library
from support.cli import NOTETUI, Cli

NOTE = """\
---
title: Harbor Tech Night 7
date: 2026-05-09
---

# Harbor Tech Night 7

## Profiling without guesswork

- Flame graphs first, opinions later
- Sampling every 10ms was enough
"""
NAME = b"caf\xe9-\x83\x81\x83\x82.md"  # Latin-1 and CP932 bytes: not UTF-8


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "home")


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / os.fsdecode(NAME)).write_text(NOTE, "utf-8")
    return folder


def run(cli: Cli, *args: bytes | str | Path) -> subprocess.CompletedProcess[bytes]:
    """The console script with raw bytes in its arguments, as a shell passes them."""
    return subprocess.run(
        [os.fsencode(NOTETUI), *(a if isinstance(a, bytes) else os.fsencode(a) for a in args)],
        capture_output=True,
        env=cli.env,
        cwd=cli.home,
        timeout=120,
        check=False,
    )


def test_text_and_tags_that_are_not_utf8_are_stored_safely_and_said_so(
    cli: Cli, notes: Path
) -> None:
    done = run(cli, "annotate", "Profiling", "--text", b"fast \xff\xfe path", "--notes", notes)
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"2 byte(s) that are not UTF-8" in done.stderr
    tagged = run(cli, "tag", "Profiling", "add", b"perf\xe9", "--notes", notes)
    assert tagged.returncode == 0, tagged.stderr
    assert b"not UTF-8" in tagged.stderr
    assert "#perf\ufffd" in tagged.stdout.decode("utf-8")

    with Store(cli.db) as store:
        [annotation] = store.annotations()
        [tag_set] = store.tag_sets()
    assert annotation.text == "fast \ufffd\ufffd path"
    assert tag_set.tags == ("perf\ufffd",)
    listed = run(cli, "tags", "--notes", notes)
    assert listed.returncode == 0 and "perf\ufffd" in listed.stdout.decode("utf-8")
    removed = run(cli, "tag", "Profiling", "remove", b"perf\xe9", "--notes", notes)
    assert removed.returncode == 0, removed.stderr
    assert Store(cli.db).tag_sets() == []


def test_a_passage_in_a_note_whose_name_is_not_utf8(cli: Cli, notes: Path) -> None:
    done = run(cli, "annotate", "Profiling", "--quote", "Flame graphs", "--text", "x",
               "--notes", notes)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert b"caf\\xe9-\\x83\\x81\\x83\\x82.md:" in done.stdout  # shown, escaped
    listed = run(cli, "annotations", "--json", "--notes", notes)
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout.decode("utf-8"))  # valid UTF-8 JSON
    assert os.fsencode(row["note"]) == NAME  # and the name, byte for byte
    table = run(cli, "annotations", "--notes", notes)
    assert table.returncode == 0, table.stderr
    assert b"caf\\xe9" in table.stdout
    attached = run(cli, "annotations", "attach", row["uid"], "Profiling", "--notes", notes)
    assert attached.returncode == 0, attached.stderr


def test_the_readers_path_to_the_same_passage(cli: Cli, notes: Path) -> None:
    library = load_library(notes)
    [talk] = library.talks
    [source] = talk.sources
    point = "Sampling every 10ms was enough"
    line = source.section.body_line + source.section.body.split("\n").index(f"- {point}")
    with Store(cli.db) as store:
        service = AnnotationService(store, library)
        anchor = service.point_anchor(source, point, line)
        target = service.target(talk.id)
        assert anchor is not None and target is not None
        service.annotate(target, "from the reader", anchor=anchor)
    with Store(cli.db) as store:
        [kept] = store.annotations()
    assert kept.anchor is not None
    assert (os.fsencode(kept.anchor.note), kept.anchor.line) == (NAME, line)
    [row] = json.loads(run(cli, "annotations", "--json", "--notes", notes).stdout)
    assert (row["line"], row["orphan"]) == (line, False)


def test_json_output_is_faithful_and_safe_on_a_terminal(cli: Cli, notes: Path) -> None:
    text = "right-to-left \u202e trick, C1 \x9b and a\nsecond line"
    cli.ok("annotate", "Profiling", "--text", text, "--notes", notes)
    cli.ok("annotate", "Profiling", "--text", "another", "--notes", notes)
    raw = cli.ok("annotations", "--json", "--notes", notes).stdout
    assert "\u202e" not in raw and "\x9b" not in raw
    assert "\\u202e" in raw and "\\u009b" in raw
    lines = raw.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 4  # one annotation a line
    assert {row["text"] for row in json.loads(raw)} == {text, "another"}
