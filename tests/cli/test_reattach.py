"""Issue 4's survival cases: annotations and tags stay attached when the app restarts,
when another note about the same talk is added, when a note is renamed or moved, and
when a note is edited. What cannot be re-attached is listed as an orphan, can be
attached elsewhere or deleted, and the delete can be undone.

End to end: the `notetui` console script on a copy of the sample notes and a real
store file, plus the core (`Store`, `attach`) for the restart case.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from notetui.core.annotations.anchoring import attach
from notetui.core.annotations.store import Store
from notetui.core.load.library import load_library
from support.cli import Cli, copy_samples, line_of, talk_with

TOKIO = "Taming tail latency"
RUST_NOTE = "2025/rust-night-april.md"
QUOTE = "Moved it to `spawn_blocking`"


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "home")


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return copy_samples(tmp_path / "notes")


class Session:
    """The commands a test runs against one notes folder and one store."""

    def __init__(self, cli: Cli, notes: Path) -> None:
        self.cli = cli
        self.notes = notes

    def listing(self) -> dict[str, Any]:
        data: dict[str, Any] = self.cli.json("list", "--json", self.notes)
        return data

    def annotate(self, *args: str | Path) -> str:
        row = self.cli.json("annotate", *args, "--json", "--notes", self.notes)
        uid: str = row["uid"]
        return uid

    def annotations(self, *args: str) -> dict[str, dict[str, Any]]:
        rows = self.cli.json("annotations", "--json", *args, "--notes", self.notes)
        return {row["uid"]: row for row in rows}

    def tags(self) -> dict[str, dict[str, Any]]:
        return {row["tag"]: row for row in self.cli.json("tags", "--json", "--notes", self.notes)}

    def run(self, *args: str | Path) -> Any:
        return self.cli.ok(*args, "--notes", self.notes)


@pytest.fixture
def session(cli: Cli, notes: Path) -> Session:
    return Session(cli, notes)


def annotate_tokio(session: Session) -> tuple[dict[str, Any], str, str]:
    """A talk annotation, a passage annotation and a tag on the Tokio talk."""
    talk = talk_with(session.listing(), TOKIO)
    on_talk = session.annotate(talk["id"], "--text", "on the talk")
    on_passage = session.annotate(
        talk["id"], "--quote", QUOTE, "--note", RUST_NOTE, "--text", "on a passage"
    )
    session.run("tag", talk["id"], "add", "async")
    return talk, on_talk, on_passage


def assert_on(session: Session, talk_id: str, *uids: str) -> dict[str, dict[str, Any]]:
    rows = session.annotations()
    for uid in uids:
        assert rows[uid]["orphan"] is False
        assert rows[uid]["talk_id"] == talk_id
    return rows


def test_restart(session: Session, cli: Cli, notes: Path) -> None:
    talk, on_talk, on_passage = annotate_tokio(session)
    line = line_of(notes / RUST_NOTE, QUOTE)

    # The app's view, twice over: a store opened, closed and opened again.
    for _ in range(2):
        with Store(cli.db) as store:
            annotations = store.annotations()
            tag_sets = store.tag_sets()
        placed = attach(load_library(notes), annotations, tag_sets)
        by_uid = {p.annotation.uid: p for p in placed.placements}
        assert by_uid[on_talk].talk_id == talk["id"]
        assert (by_uid[on_passage].talk_id, by_uid[on_passage].note, by_uid[on_passage].line) == (
            talk["id"],
            RUST_NOTE,
            line,
        )
        assert placed.tags == {talk["id"]: ("async",)}

    # And the CLI's, in new processes.
    rows = assert_on(session, talk["id"], on_talk, on_passage)
    assert (rows[on_passage]["note"], rows[on_passage]["line"]) == (RUST_NOTE, line)
    assert session.tags()["async"]["targets"] == [talk["id"]]


MY_NOTE = """\
---
title: Tokyo Rustaceans Night 12
date: 2025-04-23
---

# Tokyo Rustaceans Night 12

## Tail latency taming in a Tokio service

- Percentiles before and after the fix: the median never moved, the far tail did
- Any CPU-bound step in a handler stalls every task that shares its worker thread
- Turn on the lint for locks held across await points
"""


def test_another_note_about_the_same_talk(session: Session, notes: Path) -> None:
    _, on_talk, on_passage = annotate_tokio(session)
    (notes / "mine").mkdir()
    (notes / "mine" / "my-rust-night.md").write_text(MY_NOTE, "utf-8")

    merged = talk_with(session.listing(), TOKIO)
    assert "mine/my-rust-night.md" in [s["note"] for s in merged["sources"]]  # the premise

    rows = assert_on(session, merged["id"], on_talk, on_passage)
    assert (rows[on_passage]["note"], rows[on_passage]["line"]) == (
        RUST_NOTE,
        line_of(notes / RUST_NOTE, QUOTE),
    )
    assert session.tags()["async"]["targets"] == [merged["id"]]
    # The new note's own title finds the same talk.
    shown = session.run("tag", "tail latency taming", "add", "perf").stdout
    assert "#async #perf" in shown


@pytest.mark.parametrize("to", ["2025/renamed.md", "archive/2025-04/tokyo-rust.md"])
def test_note_renamed_or_moved(session: Session, notes: Path, to: str) -> None:
    talk, on_talk, on_passage = annotate_tokio(session)
    kichijoji = talk_with(session.listing(), "pytest")
    on_single = session.annotate(kichijoji["id"], "--text", "a talk with one note")
    line = line_of(notes / RUST_NOTE, QUOTE)

    (notes / to).parent.mkdir(parents=True, exist_ok=True)
    shutil.move(notes / RUST_NOTE, notes / to)
    shutil.move(notes / "2025" / "kichijoji-py-lt-4.md", notes / "python-lt.md")

    rows = assert_on(session, talk["id"], on_talk, on_passage)
    assert (rows[on_passage]["note"], rows[on_passage]["line"]) == (to, line)
    assert rows[on_single]["talk_id"] == kichijoji["id"]
    assert session.tags()["async"]["targets"] == [talk["id"]]


@pytest.mark.parametrize(
    ("note", "right", "typo"),
    [
        (
            "2025/tokyo-rustaceans-12.md",
            "thiserror vs anyhow in Five Minutes",
            "thiserorr vs anyhow in Five Minutes",
        ),
        (
            "2025/kichijoji-py-lt-4.md",
            "pytestのfixtureを整理したらテストが3倍速くなった",
            "pytestのfixtreを整理したらテストが3倍速くなった",
        ),
    ],
)
def test_typo_fixed_in_a_title(
    session: Session, notes: Path, note: str, right: str, typo: str
) -> None:
    path = notes / note
    text = path.read_text("utf-8")
    assert text.count(right) == 1
    path.write_text(text.replace(right, typo), "utf-8")
    before = talk_with(session.listing(), typo)
    below = path.read_text("utf-8").splitlines()[line_of(path, typo) :]
    quote = next(line[2:] for line in below if line[:2] in ("- ", "* "))  # its first point
    on_talk = session.annotate(before["id"], "--text", "on the talk")
    on_passage = session.annotate(before["id"], "--quote", quote, "--text", "on a passage")
    session.run("tag", before["id"], "add", "errors", "later")

    path.write_text(text, "utf-8")  # the typo fixed
    after = talk_with(session.listing(), right)
    assert after["id"] != before["id"]  # the premise: the id alone no longer finds it

    rows = assert_on(session, after["id"], on_talk, on_passage)
    assert rows[on_talk]["attached_by"] == "title"
    assert rows[on_passage]["attached_by"] == "quote"
    assert (rows[on_passage]["note"], rows[on_passage]["line"]) == (note, line_of(path, quote))
    assert session.tags()["errors"]["targets"] == [after["id"]]

    # Removing a tag removes it, although it was stored under the old id.
    session.run("tag", after["id"], "remove", "errors", "later")
    assert session.tags() == {}


def test_lines_added_above_a_passage(session: Session, notes: Path) -> None:
    talk, on_talk, on_passage = annotate_tokio(session)
    path = notes / RUST_NOTE
    old_line = line_of(path, QUOTE)
    lines = path.read_text("utf-8").split("\n")
    lines[2:2] = ["Written up a week later.", "Corrections welcome.", ""]  # in the intro
    point = next(n for n, line in enumerate(lines) if line.startswith("- p50"))
    lines.insert(point, "- Three of the five slides were latency histograms")  # in the talk
    path.write_text("\n".join(lines), "utf-8")
    assert line_of(path, QUOTE) == old_line + 4

    rows = assert_on(session, talk["id"], on_talk, on_passage)
    assert (rows[on_passage]["note"], rows[on_passage]["line"]) == (RUST_NOTE, old_line + 4)
    assert rows[on_passage]["stored"]["line"] == old_line  # the store is only read


def test_the_quoted_passage_itself_edited(session: Session, notes: Path) -> None:
    talk, _, on_passage = annotate_tokio(session)
    path = notes / RUST_NOTE
    text = path.read_text("utf-8")
    path.write_text(text.replace(QUOTE, "Moved it to `spawn_blocking()`"), "utf-8")
    rows = assert_on(session, talk["id"], on_passage)
    assert rows[on_passage]["line"] == line_of(path, "spawn_blocking()")


def test_orphans_attach_delete_undo(session: Session, cli: Cli, notes: Path) -> None:
    listing = session.listing()
    pytest_talk = talk_with(listing, "pytest")
    event = next(e for e in listing["events"] if e["id"] == pytest_talk["event"]["id"])
    on_talk = session.annotate(pytest_talk["id"], "--text", "fixtures: scope=session")
    on_passage = session.annotate(pytest_talk["id"], "--quote", "fixture", "--text", "quoted")
    on_event = session.annotate(event["id"], "--text", "small LT night")
    session.run("tag", pytest_talk["id"], "add", "testing")
    assert session.annotations("--orphans") == {}
    assert "no orphaned annotations" in session.run("annotations", "--orphans").stdout

    for path in event["notes"]:  # every note about the event is gone
        (notes / path).unlink()

    orphans = session.annotations("--orphans")
    assert set(orphans) == {on_talk, on_passage, on_event}
    for row in orphans.values():
        assert row["orphan"] is True
        assert row["talk_id"] is None
        assert row["attached_by"] is None
    assert orphans[on_talk]["title"] == pytest_talk["title"]  # as remembered
    assert orphans[on_talk]["event"] == event["title"]
    assert orphans[on_passage]["quote"] == "fixture"
    table = session.run("annotations", "--orphans").stdout
    assert table.count("orphan ") >= 3
    assert on_talk[:8] in table
    assert "notetui annotations attach UID TALK" in table
    tags = session.tags()
    assert (tags["testing"]["count"], tags["testing"]["orphaned"]) == (0, 1)

    # Attach one to another talk, by title query.
    tokio = talk_with(listing, TOKIO)
    done = cli.ok("annotations", "attach", on_talk[:8], "taming tail", "--notes", notes)
    assert "attached " + on_talk[:8] in done.stdout
    # The passage, whose quote is in no note now, hangs on a talk as a whole.
    cli.ok("annotations", "attach", on_passage, tokio["id"], "--notes", notes)
    rows = session.annotations()
    assert rows[on_talk]["talk_id"] == tokio["id"]
    assert rows[on_talk]["orphan"] is False
    assert (rows[on_passage]["talk_id"], rows[on_passage]["quote"]) == (tokio["id"], "fixture")
    assert rows[on_passage]["text"] == "quoted"
    assert set(session.annotations("--orphans")) == {on_event}

    # Delete the last orphan, then undo.
    cli.ok("annotations", "delete", on_event)
    assert session.annotations("--orphans") == {}
    assert on_event not in session.annotations()
    cli.ok("annotations", "undo")
    assert set(session.annotations("--orphans")) == {on_event}
    assert session.annotations()[on_event]["text"] == "small LT night"

    # Nothing was dropped on the way: every record is still in the file.
    stored = json.loads(cli.db.read_text("utf-8"))
    assert {r["uid"] for r in stored["annotations"].values()} == {on_talk, on_passage, on_event}


def test_an_orphan_comes_back_with_its_note(session: Session, notes: Path) -> None:
    talk, on_talk, on_passage = annotate_tokio(session)
    saved = {p: (notes / p).read_bytes() for p in (RUST_NOTE, "2025/tokyo-rustaceans-12.md")}
    for path in saved:
        (notes / path).unlink()
    assert set(session.annotations("--orphans")) == {on_talk, on_passage}
    for path, data in saved.items():
        (notes / path).write_bytes(data)
    assert session.annotations("--orphans") == {}
    assert_on(session, talk["id"], on_talk, on_passage)


def test_a_passage_can_only_move_with_its_quote(session: Session, cli: Cli, notes: Path) -> None:
    talk, _, on_passage = annotate_tokio(session)
    other = talk_with(session.listing(), "Zero-copy")
    done = cli.run("annotations", "attach", on_passage, other["id"], "--notes", notes)
    assert done.returncode == 2
    assert "stays with its passage" in done.stderr
    assert session.annotations()[on_passage]["talk_id"] == talk["id"]


def test_a_passage_of_an_event_note(session: Session, notes: Path) -> None:
    tokio = talk_with(session.listing(), TOKIO)
    uid = session.annotate("Tokyo Rustaceans", "--event", "--quote", "Gotanda", "--text", "x")
    row = session.annotations()[uid]
    assert (row["target"], row["talk_id"], row["event_id"]) == (
        "passage",
        None,
        tokio["event"]["id"],
    )
    assert row["line"] == line_of(notes / row["note"], "Gotanda")


def test_an_event_passage_whose_quote_is_gone_stays_on_its_event(
    session: Session, notes: Path
) -> None:
    tokio = talk_with(session.listing(), TOKIO)
    uid = session.annotate("Tokyo Rustaceans", "--event", "--quote", "Gotanda", "--text", "x")
    for path in notes.rglob("*.md"):
        path.write_text(path.read_text("utf-8").replace("Gotanda", "Osaki"), "utf-8")
    row = session.annotations()[uid]
    assert row["orphan"] is False
    assert (row["event_id"], row["talk_id"], row["quote"]) == (
        tokio["event"]["id"],
        None,
        "Gotanda",
    )


def series_note(number: int, name: str = "Platform Night") -> str:
    return (
        f"---\ntitle: {name} {number}\ndate: 2025-0{number}-15\n---\n\n"
        "## Ask Me Anything with the platform team\n\n"
        f"- question {number} was about on-call\n\n"
        f"## Build caches, part {number}\n\n- remote cache hit rate went up\n"
    )


def test_a_title_that_recurs_at_every_edition(cli: Cli, tmp_path: Path) -> None:
    """Seven editions of a series, each with the same AMA talk. The third edition's
    note has its event name fixed, which gives its talks new ids: its annotation and
    its tags must follow it to the third edition, not to another one."""
    notes = tmp_path / "series"
    notes.mkdir()
    for number in range(1, 8):
        name = "Platfrom Night" if number == 3 else "Platform Night"
        (notes / f"night-{number}.md").write_text(series_note(number, name), "utf-8")
    session = Session(cli, notes)

    def ama(listing: dict[str, Any]) -> dict[str, Any]:
        event = next(e for e in listing["events"] if e["date"] == "2025-03-15")
        talk: dict[str, Any] = event["talks"][0]
        assert talk["title"].startswith("Ask Me Anything")
        return talk

    before = ama(session.listing())
    uid = session.annotate(before["id"], "--text", "third edition")
    session.run("tag", before["id"], "add", "third")
    (notes / "night-3.md").write_text(series_note(3), "utf-8")
    after = ama(session.listing())
    assert after["id"] != before["id"]  # the premise

    assert session.annotations()[uid]["talk_id"] == after["id"]
    assert session.tags()["third"]["targets"] == [after["id"]]
