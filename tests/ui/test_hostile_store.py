"""Tags and annotations are untrusted text too: the reader's editors show them without
sending their escapes to the terminal (the installed console script, in a real pty).

The store holds what another process wrote, e.g. `notetui tag T add $'\\e]0;X\\ax'`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from terminal import Terminal

from notetui.core.annotations.store import Store, normalize_tag
from notetui.core.load.library import load_library
from notetui.core.text import sanitize_line

OSC_TITLE = "\x1b]0;owned\x07"
CSI_8BIT = "\x9b2J"
OSC_CLIPBOARD = "\x1b]52;c;c3RvbGVu\x07"


def _escapes_in(raw: bytes) -> list[str]:
    found = [seq for seq in (OSC_TITLE, CSI_8BIT, OSC_CLIPBOARD) if seq.encode() in raw]
    if b"\x1b]0;" in raw or b"\x1b]52" in raw:
        found.append("an OSC sequence")
    if "\x9b".encode() in raw:
        found.append("U+009B")
    return found


@pytest.fixture
def reader(notes_dir: Path, tmp_path: Path) -> Iterator[tuple[Terminal, str]]:
    talk = load_library(notes_dir, cache=False).talks[0]
    store = Store(Path(os.environ["NOTETUI_DB"]))
    store.set_tags(
        target="talk", target_id=talk.id, tags=[f"evil{OSC_TITLE}tag", f"clip{CSI_8BIT}"]
    )
    store.add_annotation(
        target="talk",
        target_id=talk.id,
        text=f"before {OSC_CLIPBOARD} middle {CSI_8BIT} after",
        title=talk.title,
    )
    term = Terminal([str(notes_dir)], cwd=tmp_path)
    yield term, talk.title
    term.close()


def test_the_tag_editor_shows_stored_tags_without_their_escapes(
    reader: tuple[Terminal, str],
) -> None:
    term, title = reader
    term.wait_for(title[:12])
    term.wait_for("#evil")  # the header lists the tags, sanitised
    term.settle()
    before = len(term.raw)
    term.send("t")
    term.wait_for("Tags for")
    # In the field: the tag as the sanitiser shows it (escapes made visible, or gone).
    term.wait_for(normalize_tag(sanitize_line(f"evil{OSC_TITLE}tag"))[:9])
    term.settle()
    assert _escapes_in(bytes(term.raw[before:])) == []
    term.send("\x1b")  # cancel: nothing is written
    term.settle()
    assert term.process.poll() is None


def test_the_annotation_editor_shows_the_stored_text_without_its_escapes(
    reader: tuple[Terminal, str],
) -> None:
    term, title = reader
    term.wait_for(title[:12])
    term.settle()
    before = len(term.raw)
    term.send("v")  # every annotation
    term.wait_for("before")
    term.settle()
    term.send("e")  # edit it: the TextArea holds the stored text
    term.wait_for("Markdown allowed")
    term.wait_for("after")
    term.settle()
    assert _escapes_in(bytes(term.raw[before:])) == []
    term.send("\x1b")
    term.settle()
    assert term.process.poll() is None


def test_an_unchanged_tag_keeps_what_was_stored() -> None:
    from notetui.ui.dialogs.tags import TagsDialog

    stored = ("plain", f"evil{OSC_TITLE}tag")
    dialog = TagsDialog("a talk", stored, known=stored)
    assert all("\x1b" not in tag for tag in dialog.current)  # shown sanitised
    assert all("\x1b" not in tag for tag in dialog.known)
    # The field is not mounted here: what saving it unchanged gives, by its parts.
    assert tuple(dialog._stored.get(tag, tag) for tag in dialog.current) == stored
