"""`notetui annotate`, `annotations`, `tag` and `tags`, end to end: the installed console
script, a real TinyDB file in tmp_path, and a copy of the sample notes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from notetui.core.load.library import load_library
from support.cli import Cli, copy_samples, line_of, talk_with

TOKIO = "Taming tail latency"
GOROUTINE = "goroutine"


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "home")


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return copy_samples(tmp_path / "notes")


@pytest.fixture
def listing(cli: Cli, notes: Path) -> dict[str, Any]:
    data: dict[str, Any] = cli.json("list", "--json", notes)
    return data


def stored(cli: Cli) -> dict[str, Any]:
    """The store file as it is on disk."""
    data: dict[str, Any] = json.loads(cli.db.read_text("utf-8"))
    return data


def records(cli: Cli, table: str) -> list[dict[str, Any]]:
    return list(stored(cli).get(table, {}).values())


def test_annotate_by_id_then_list_it(cli: Cli, notes: Path, listing: dict[str, Any]) -> None:
    talk = talk_with(listing, TOKIO)
    done = cli.ok(
        "annotate", talk["id"], "--text", "check our handlers\nfor sync parsing", "--notes", notes
    )
    uid = done.stdout.strip().rsplit(" ", 1)[-1]
    assert len(uid) == 32
    assert talk["title"] in done.stdout

    [record] = records(cli, "annotations")
    assert record["uid"] == uid
    assert record["target"] == "talk"
    assert record["target_id"] == talk["id"]
    assert record["text"] == "check our handlers\nfor sync parsing"
    # What re-attachment needs: the talk's titles and its event.
    assert record["title"] == talk["title"]
    assert set(record["titles"]) == {s["title"] for s in talk["sources"]} - {talk["title"]}
    assert record["event_title"] == talk["event"]["title"]
    assert record["event_date"] == talk["event"]["date"]

    [row] = cli.json("annotations", "--json", "--notes", notes)
    assert row["uid"] == uid
    assert row["talk_id"] == talk["id"]
    assert row["event_id"] == talk["event"]["id"]
    assert row["title"] == talk["title"]
    assert row["attached_by"] == "id"
    assert row["orphan"] is False

    table = cli.ok("annotations", "--notes", notes).stdout
    assert uid[:8] in table
    assert talk["title"] in table
    assert "check our handlers…" in table


def test_any_id_a_talk_answers_to(cli: Cli, notes: Path, listing: dict[str, Any]) -> None:
    library = load_library(notes)
    talk = next(t for t in library.talks if len(t.keys) > 1)
    source_key = sorted(talk.keys - {talk.id})[0]
    cli.ok("annotate", source_key, "--text", "by a source's key", "--notes", notes)
    [row] = cli.json("annotations", "--json", "--notes", notes)
    assert row["talk_id"] == talk.id


@pytest.mark.parametrize(
    "query",
    [
        "goroutineリーク",  # a substring
        "ＧＯＲＯＵＴＩＮＥ　リーク",  # full width and upper case
        "pprof goroutine",  # words in any order
        "Go の goroutine リークを pprof で追いかけた話",  # one source's wording
    ],
)
def test_annotate_by_title_query(
    cli: Cli, notes: Path, listing: dict[str, Any], query: str
) -> None:
    talk = talk_with(listing, GOROUTINE)
    cli.ok("annotate", query, "--text", "same leak as ours", "--notes", notes)
    [record] = records(cli, "annotations")
    assert record["target_id"] == talk["id"]


def test_a_misspelt_query_still_finds_one_talk(
    cli: Cli, notes: Path, listing: dict[str, Any]
) -> None:
    talk = talk_with(listing, TOKIO)
    cli.ok("annotate", "taming tail latncy", "--text", "fuzzy", "--notes", notes)
    assert records(cli, "annotations")[0]["target_id"] == talk["id"]


def test_an_ambiguous_query_lists_the_candidates(
    cli: Cli, notes: Path, listing: dict[str, Any]
) -> None:
    go_talks = [
        {**t, "event": e} for e in listing["events"] if "Go" in e["title"] for t in e["talks"]
    ]
    assert len(go_talks) > 1
    done = cli.run("annotate", "Go", "--text", "which one?", "--notes", notes)
    assert done.returncode == 2
    first, *table = done.stderr.splitlines()
    assert first.startswith("notetui: 'Go' matches")
    for talk in go_talks:
        row = next(line for line in table if talk["id"] in line)
        assert talk["title"] in row
        assert talk["event"]["date"] in row
        assert talk["event"]["title"] in row
    assert done.stdout == ""
    assert not cli.db.exists()  # nothing was written


def test_an_unknown_query_exits_2(cli: Cli, notes: Path) -> None:
    done = cli.run("annotate", "quantum knitting", "--text", "?", "--notes", notes)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == "notetui: no talk matches 'quantum knitting'"
    assert not cli.db.exists()

    tag = cli.run("tag", "quantum knitting", "add", "x", "--notes", notes)
    assert tag.returncode == 2
    assert "no talk matches" in tag.stderr


def test_a_query_close_to_nothing_shows_the_closest(cli: Cli, notes: Path) -> None:
    done = cli.run("annotate", "Rust tail latency tokyo", "--text", "?", "--notes", notes)
    assert done.returncode == 2
    assert "closest" in done.stderr.splitlines()[0]
    assert "Taming tail latency" in done.stderr


def test_passage_annotation_stores_line_and_context(
    cli: Cli, notes: Path, listing: dict[str, Any]
) -> None:
    talk = talk_with(listing, TOKIO)
    note = notes / "2025" / "rust-night-april.md"
    quote = "Moved it to `spawn_blocking`"
    done = cli.ok(
        "annotate",
        talk["id"],
        "--quote",
        quote,
        "--note",
        note,
        "--text",
        "we do the same",
        "--notes",
        notes,
    )
    line = line_of(note, quote)
    assert f"at 2025/rust-night-april.md:{line}:" in done.stdout

    [record] = records(cli, "annotations")
    anchor = record["anchor"]
    assert record["target"] == "passage"
    assert record["target_id"] == talk["id"]
    assert anchor["note"] == "2025/rust-night-april.md"
    assert anchor["line"] == line
    assert anchor["quote"] == quote
    text = note.read_text("utf-8")
    at = text.index(quote)
    assert len(anchor["prefix"]) == 64
    assert text[:at].endswith(anchor["prefix"])
    assert len(anchor["suffix"]) == 64
    assert text[at + len(quote) :].startswith(anchor["suffix"])

    [row] = cli.json("annotations", "--json", "--notes", notes)
    assert (row["note"], row["line"], row["quote"]) == ("2025/rust-night-april.md", line, quote)
    assert f"2025/rust-night-april.md:{line}" in cli.ok("annotations", "--notes", notes).stdout


def test_a_quote_matches_whatever_its_case_width_and_spacing(
    cli: Cli, notes: Path, listing: dict[str, Any]
) -> None:
    talk = talk_with(listing, TOKIO)
    cli.ok("annotate", talk["id"], "--quote", "MOVED  IT\tTO", "--text", "x", "--notes", notes)
    [record] = records(cli, "annotations")
    assert record["anchor"]["quote"] == "Moved it to"  # the note's own text


def test_quote_not_in_the_notes(cli: Cli, notes: Path, listing: dict[str, Any]) -> None:
    talk = talk_with(listing, TOKIO)
    done = cli.run(
        "annotate", talk["id"], "--quote", "not said at all", "--text", "x", "--notes", notes
    )
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1
    assert "'not said at all' is not in the notes about" in done.stderr

    # In the talk's notes, but not in the one named by --note.
    other = notes / "2025" / "tokyo-rustaceans-12.md"
    done = cli.run(
        "annotate",
        talk["id"],
        "--quote",
        "Moved it to `spawn_blocking`",
        "--note",
        other,
        "--text",
        "x",
        "--notes",
        notes,
    )
    assert done.returncode == 2
    assert "2025/tokyo-rustaceans-12.md" in done.stderr

    # A note that is not about this talk at all.
    done = cli.run(
        "annotate",
        talk["id"],
        "--quote",
        "x",
        "--note",
        "memo/sapporo-sre-7-memo.txt",
        "--text",
        "x",
        "--notes",
        notes,
    )
    assert done.returncode == 2
    assert "is not one of the notes about" in done.stderr
    assert not cli.db.exists()


def test_note_option_picks_the_source(cli: Cli, notes: Path, listing: dict[str, Any]) -> None:
    talk = talk_with(listing, TOKIO)
    quote = "spawn_blocking"  # in both notes about the talk
    for rel in ("2025/rust-night-april.md", "2025/tokyo-rustaceans-12.md"):
        cli.ok(
            "annotate", talk["id"], "--quote", quote, "--note", rel, "--text", rel, "--notes", notes
        )
    for record in records(cli, "annotations"):
        assert record["anchor"]["note"] == record["text"]
        assert record["anchor"]["line"] == line_of(notes / record["text"], quote)


def test_text_from_stdin(cli: Cli, notes: Path, listing: dict[str, Any]) -> None:
    talk = talk_with(listing, TOKIO)
    cli.ok("annotate", talk["id"], "--text", "-", "--notes", notes, input="# Title\n\n- a\n")
    assert records(cli, "annotations")[0]["text"] == "# Title\n\n- a\n"
    empty = cli.run("annotate", talk["id"], "--text", "  ", "--notes", notes)
    assert empty.returncode == 2


def test_annotate_json(cli: Cli, notes: Path, listing: dict[str, Any]) -> None:
    talk = talk_with(listing, TOKIO)
    row = cli.json(
        "annotate",
        talk["id"],
        "--quote",
        "spawn_blocking",
        "--text",
        "x",
        "--json",
        "--notes",
        notes,
    )
    assert set(row) == {
        "uid",
        "target",
        "text",
        "created",
        "updated",
        "rev",
        "folder",
        "here",
        "orphan",
        "attached_by",
        "talk_id",
        "event_id",
        "title",
        "event",
        "date",
        "quote",
        "note",
        "line",
        "stored",
    }
    assert set(row["stored"]) == {
        "target_id",
        "title",
        "titles",
        "event_title",
        "event_date",
        "note",
        "line",
        "prefix",
        "suffix",
    }
    assert row["target"] == "passage"
    assert row["talk_id"] == talk["id"]
    assert row["quote"] == "spawn_blocking"
    assert row == cli.json("annotations", "--json", "--notes", notes)[0]


def test_event_annotations_and_tags(cli: Cli, notes: Path, listing: dict[str, Any]) -> None:
    event = next(e for e in listing["events"] if e["title"].startswith("Sapporo SRE"))
    hint = cli.run("annotate", "Sapporo SRE Study", "--text", "x", "--notes", notes)
    assert hint.returncode == 2
    assert "(an event does: add --event)" in hint.stderr.splitlines()[0]
    cli.ok("annotate", "sapporo sre", "--event", "--text", "worth the trip", "--notes", notes)
    cli.ok("annotate", event["id"], "--text", "by id", "--notes", notes)  # an event id
    rows = cli.json("annotations", "--json", "--notes", notes)
    assert [(r["target"], r["event_id"], r["talk_id"]) for r in rows] == [
        ("event", event["id"], None)
    ] * 2

    shown = cli.ok("tag", "--event", "Sapporo", "add", "SRE", "--notes", notes).stdout
    assert "#sre" in shown
    tags = cli.json("tags", "--json", "--notes", notes)
    assert tags == [
        {"tag": "sre", "count": 1, "talks": 0, "events": 1, "orphaned": 0, "targets": [event["id"]]}
    ]
    [record] = records(cli, "tags")
    assert (record["target"], record["target_id"]) == ("event", event["id"])


def test_tag_add_remove_and_counts(cli: Cli, notes: Path, listing: dict[str, Any]) -> None:
    tokio = talk_with(listing, TOKIO)
    goroutine = talk_with(listing, GOROUTINE)
    done = cli.ok("tag", tokio["id"], "add", "Async", "tail  latency", "＃Perf", "--notes", notes)
    assert "#async #perf #tail-latency" in done.stdout
    cli.ok("tag", "goroutine リーク", "add", "perf", "go", "--notes", notes)

    tags = cli.json("tags", "--json", "--notes", notes)
    assert [(t["tag"], t["count"], t["talks"]) for t in tags] == [
        ("perf", 2, 2),
        ("async", 1, 1),
        ("go", 1, 1),
        ("tail-latency", 1, 1),
    ]
    perf = next(t for t in tags if t["tag"] == "perf")
    assert sorted(perf["targets"]) == sorted([tokio["id"], goroutine["id"]])

    table = cli.ok("tags", "--notes", notes).stdout
    assert "perf" in table.splitlines()[2]  # most used first, under the header

    removed = cli.json("tag", tokio["id"], "remove", "PERF", "nope", "--json", "--notes", notes)
    assert removed == {
        "target": "talk",
        "id": tokio["id"],
        "title": tokio["title"],
        "event": tokio["event"]["title"],
        "tags": ["async", "tail-latency"],
    }
    tags = cli.json("tags", "--json", "--notes", notes)
    assert ("perf", 1) in [(t["tag"], t["count"]) for t in tags]

    bad = cli.run("tag", tokio["id"], "add", " # ", "--notes", notes)
    assert bad.returncode == 2
    assert "is not a tag" in bad.stderr


def test_no_annotations_or_tags_yet(cli: Cli, notes: Path) -> None:
    assert cli.ok("annotations", "--notes", notes).stdout.strip() == "no annotations"
    assert cli.json("annotations", "--json", "--notes", notes) == []
    assert cli.ok("tags", "--notes", notes).stdout.strip() == "no tags"
    assert cli.json("tags", "--json", "--notes", notes) == []
    assert not cli.db.exists()  # reading never creates the store


def test_default_notes_folder_is_the_same_as_list(cli: Cli, tmp_path: Path) -> None:
    work = tmp_path / "work"
    copy_samples(work / "notes")
    listing = cli.json("list", "--json", cwd=work)
    talk = talk_with(listing, TOKIO)
    cli.ok("annotate", "taming tail", "--text", "from ./notes", cwd=work)
    assert cli.json("annotations", "--json", cwd=work)[0]["talk_id"] == talk["id"]

    # $NOTETUI_NOTES wins over ./notes, as for `notetui list`.
    elsewhere = copy_samples(tmp_path / "elsewhere")
    (elsewhere / "2025" / "rust-night-april.md").unlink()
    (elsewhere / "2025" / "tokyo-rustaceans-12.md").unlink()
    done = cli.run(
        "annotate", "taming tail", "--text", "x", cwd=work, env={"NOTETUI_NOTES": str(elsewhere)}
    )
    assert done.returncode == 2


def test_db_option_and_env(cli: Cli, notes: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    cli.ok("annotate", "taming tail", "--text", "x", "--db", other, "--notes", notes)
    assert other.is_file()
    assert not cli.db.exists()
    assert len(cli.json("annotations", "--json", "--db", other, "--notes", notes)) == 1
    assert cli.json("annotations", "--json", "--notes", notes) == []
    via_env = cli.json("annotations", "--json", "--notes", notes, env={"NOTETUI_DB": str(other)})
    assert len(via_env) == 1


def test_a_corrupt_store_is_reported_and_left_alone(cli: Cli, notes: Path) -> None:
    cli.db.parent.mkdir(parents=True)
    cli.db.write_bytes(b'{"annotations": {"1": {"uid": ')
    before = cli.db.read_bytes()
    for args in (
        ["annotate", "taming tail", "--text", "x"],
        ["annotations"],
        ["tag", "taming tail", "add", "x"],
        ["tags"],
    ):
        done = cli.run(*args, "--notes", notes)
        assert done.returncode == 1, args
        assert len(done.stderr.splitlines()) == 1
        assert "not valid JSON" in done.stderr
        assert "Traceback" not in done.stderr
    assert cli.db.read_bytes() == before
    assert sorted(p.name for p in cli.db.parent.iterdir()) == ["annotations.json"]


def test_edit_delete_and_undo(cli: Cli, notes: Path) -> None:
    first = cli.json("annotate", "taming tail", "--text", "one", "--json", "--notes", notes)
    second = cli.json("annotate", "taming tail", "--text", "two", "--json", "--notes", notes)

    cli.ok("annotations", "edit", first["uid"][:6], "--text", "one, edited")
    texts = {r["uid"]: r["text"] for r in cli.json("annotations", "--json", "--notes", notes)}
    assert texts == {first["uid"]: "one, edited", second["uid"]: "two"}

    done = cli.ok("annotations", "delete", second["uid"])
    assert "deleted " + second["uid"][:8] in done.stdout
    assert "undo" in done.stderr
    assert [r["uid"] for r in cli.json("annotations", "--json", "--notes", notes)] == [first["uid"]]
    assert [r["uid"] for r in records(cli, "trash")] == [second["uid"]]

    assert "restored " + second["uid"][:8] in cli.ok("annotations", "undo").stdout
    rows = cli.json("annotations", "--json", "--notes", notes)
    assert sorted(r["uid"] for r in rows) == sorted([first["uid"], second["uid"]])
    nothing = cli.run("annotations", "undo")
    assert nothing.returncode == 1
    assert "nothing to undo" in nothing.stderr

    unknown = cli.run("annotations", "delete", "ffffffff")
    assert unknown.returncode == 2
    assert "no annotation 'ffffffff'" in unknown.stderr


def test_help_documents_the_subcommands(cli: Cli) -> None:
    top = cli.ok("--help").stdout
    for name in ("annotate", "annotations", "tag", "tags", "locate", "db", "config"):
        assert f"  {name} " in top
    annotations = cli.ok("annotations", "--help").stdout
    for name in ("attach", "delete", "undo", "edit", "--orphans", "--json"):
        assert name in annotations
    assert "--event" in cli.ok("tag", "--help").stdout
    assert "--quote" in cli.ok("annotate", "--help").stdout


def test_untrusted_note_text_reaches_the_terminal_clean(cli: Cli, tmp_path: Path) -> None:
    notes = tmp_path / "evil"
    notes.mkdir()
    (notes / "evil.md").write_text(
        "# Evil Meetup\n\n## Talk \x1b[31mred\x1b]52;c;aGk=\x07 [bold]x[/bold]\n\n- body\n",
        "utf-8",
    )
    cli.ok("annotate", "talk", "--text", "t \x1b[2J", "--notes", notes)
    out = cli.ok("annotations", "--notes", notes).stdout
    assert "\x1b" not in out
    assert "[bold]x[/bold]" in out  # shown as written, not as markup


@pytest.mark.parametrize("moved", [False, True])
def test_library_problems_do_not_stop_the_commands(cli: Cli, notes: Path, moved: bool) -> None:
    (notes / "binary.md").write_bytes(b"\x00\x01\x02" * 100)
    if moved:
        shutil.move(notes / "2025", notes / "archive")
    cli.ok("annotate", "taming tail", "--text", "x", "--notes", notes)


def test_an_event_passage_is_in_the_events_own_sections(
    cli: Cli, notes: Path, listing: dict[str, Any]
) -> None:
    tokio = talk_with(listing, TOKIO)
    done = cli.run(
        "annotate",
        "Tokyo Rustaceans",
        "--event",
        "--quote",
        "spawn_blocking",
        "--text",
        "x",
        "--notes",
        notes,
    )
    assert done.returncode == 2
    assert f"is in the notes about the talk {tokio['title']!r} ({tokio['id']})" in done.stderr
    row = cli.json(
        "annotate",
        "Tokyo Rustaceans",
        "--event",
        "--quote",
        "Pizza ran out",
        "--text",
        "x",
        "--json",
        "--notes",
        notes,
    )
    assert (row["target"], row["event_id"], row["talk_id"]) == (
        "passage",
        tokio["event"]["id"],
        None,
    )
    assert row == cli.json("annotations", "--json", "--notes", notes)[0]
