"""Export: Markdown a user keeps as it is, that reads back as notes, and that no note
text can break.

Golden files are regenerated with `REGEN_GOLDEN=1 pytest tests/core/test_export.py`;
read the diff line by line before committing one.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import frontmatter  # type: ignore[import-untyped]
import pytest
from markdown_it import MarkdownIt

from notetui import __version__
from notetui.core.annotations import store as store_module
from notetui.core.annotations.anchoring import Attachments, attach, make_anchor_text
from notetui.core.annotations.store import Anchor, Store
from notetui.core.export import front_matter as front_matter_module
from notetui.core.export.markdown import (
    ExportError,
    Selection,
    build_files,
    describe,
    export_library,
    render_single,
    safe_file_stem,
    select,
)
from notetui.core.load.library import load_library
from notetui.core.models import Event, Library, Source, Talk
from support.paths import TEST_DATA

GOLDEN = TEST_DATA / "golden"
REGENERATE = os.environ.get("REGEN_GOLDEN") == "1"
MD = MarkdownIt("commonmark").enable("table")

GOROUTINE = "Goのgoroutineリークをpprofで追いかけた話"
SHIBUYA = "Shibuya Go Meetup #18"


# -- fixtures and helpers -----------------------------------------------------------------


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Annotations made on 2025-07-01, 07-02, …, with uids uid0001, uid0002, …"""
    days = itertools.count(1)
    monkeypatch.setattr(store_module, "now_iso", lambda: f"2025-07-{next(days):02d}T10:00:00Z")
    numbers = itertools.count(1)
    monkeypatch.setattr(store_module, "new_uid", lambda: f"uid{next(numbers):04d}")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store" / "annotations.json"


@pytest.fixture(scope="module")
def sample(notes_dir: Path) -> Library:
    return load_library(notes_dir)


def talk_titled(library: Library, title: str) -> Talk:
    return next(t for t in library.talks if t.title == title)


def event_titled(library: Library, title: str) -> Event:
    return next(e for e in library.events if e.title == title)


def source_by(talk: Talk, author: str) -> Source:
    return next(s for s in talk.sources if s.label == author)


def section_with(event: Event, needle: str) -> Source:
    return next(s for s in event.sections if needle in s.section.body)


def annotate_passage(
    store: Store, target_id: str, source: Source, needle: str, text: str, *, line: int = 0
) -> int:
    """A passage annotation made as the reader makes one (at or after body line
    `line`); returns its file line."""
    body = source.section.body
    start = body.index(needle, sum(len(x) + 1 for x in body.split("\n")[:line]))
    prefix, quote, suffix = make_anchor_text(body, start, start + len(needle))
    line = source.section.body_line + body.count("\n", 0, start)
    anchor = Anchor(source.note, line, quote, prefix, suffix)
    target = "passage"
    store.add_annotation(target=target, target_id=target_id, text=text, anchor=anchor)
    return line


def sample_store(library: Library, db: Path) -> Attachments:
    """The annotations the golden files show: on a talk, on passages of three notes
    in three formats (a list, a nested list, plain text, code), on the event and on
    a passage of its impressions, one edited later, tags, and an orphan."""
    event = event_titled(library, SHIBUYA)
    talk = talk_titled(library, GOROUTINE)
    tuning = talk_titled(library, "K8S上のGoサービスでGOMAXPROCSとGOMEMLIMITを見直した話")
    with Store(db) as store:
        first = store.add_annotation(
            target="talk",
            target_id=talk.id,
            text="Check our services for this.\n\n- add goleak to the tests\n- keep pprof on",
            title=talk.title,
        )
        annotate_passage(
            store, talk.id, source_by(talk, "tsubame_k"), "バッファなしチャネル", "The bug."
        )
        annotate_passage(store, talk.id, source_by(talk, "haruka_ueno"), "2,000 → 40,000", "20x.")
        annotate_passage(
            store,
            talk.id,
            source_by(talk, "ねこまんまエンジニアリング"),
            "テストには goleak",
            "Same advice in every note.",
        )
        annotate_passage(
            store, tuning.id, source_by(tuning, "haruka_ueno"), "name: GOMEMLIMIT", "Copy this."
        )
        store.add_annotation(
            target="event", target_id=event.id, text="Worth going again.", title=event.title
        )
        annotate_passage(
            store,
            event.id,
            section_with(event, "GOMAXPROCS の話"),
            "GOMAXPROCS の話",
            "Monday: check our limits.",
        )
        store.update_annotation(first.uid, first.text + "\n\nUpdate: goleak is in.")
        store.add_annotation(
            target="talk",
            target_id="t000000000000",
            text="A talk that is gone.",
            title="A talk that is gone",
            event_title="A meetup nobody noted",
        )
        store.set_tags(target="talk", target_id=talk.id, tags=["Go", "profiling tools"])
        store.set_tags(target="event", target_id=event.id, tags=["meetup"])
        return attach(library, store.annotations(), store.tag_sets())


def body_of(text: str) -> str:
    """The Markdown after the front matter."""
    post = frontmatter.loads(text)
    content: str = post.content
    return content


def headings(text: str) -> list[tuple[int, str]]:
    """(level, text) of every top-level heading a CommonMark viewer shows."""
    tokens = MD.parse(body_of(text))
    return [
        (int(tok.tag[1]), tokens[i + 1].content)
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open" and tok.level == 0
    ]


def callout_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.split("\n")) if re.match(r"^ *> \[!note\]", line)]


def normalized(line: str) -> str:
    """A line as the export may write it: trailing spaces and heading marks aside."""
    line = line.rstrip()
    return re.sub(r"^ {0,3}#{1,6}[ \t]+", "", line).strip()


def assert_contains_in_order(text: str, body: str) -> None:
    """Every non-blank line of `body` is in `text`, in order (verbatim, but for heading
    levels and trailing spaces)."""
    lines = [normalized(line) for line in text.split("\n")]
    position = 0
    for wanted in (normalized(line) for line in body.split("\n")):
        if not wanted:
            continue
        try:
            position = lines.index(wanted, position) + 1
        except ValueError:
            pytest.fail(f"line not exported (or out of order): {wanted!r}")


def listed(run: Callable[..., Any], folder: Path) -> dict[str, Any]:
    result = run("list", "--json", folder)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def talks_of(data: dict[str, Any]) -> set[tuple[str, str | None]]:
    return {(t["title"], t["time"]) for e in data["events"] for t in e["talks"]}


# -- golden files -------------------------------------------------------------------------


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    data = text.encode("utf-8")
    if REGENERATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.is_file(), f"{path} is missing: regenerate it and read it"
    assert data == path.read_bytes(), f"{name} differs from its golden file"


@pytest.fixture
def golden_attachments(
    sample: Library, db: Path, fixed_clock: None, monkeypatch: pytest.MonkeyPatch
) -> Attachments:
    monkeypatch.setattr(front_matter_module, "__version__", "0.0.0-golden")
    return sample_store(sample, db)


def test_golden_talk_export(sample: Library, golden_attachments: Attachments) -> None:
    talk = talk_titled(sample, GOROUTINE)
    files = build_files(sample, golden_attachments, Selection(talks=(talk.id,)))
    assert [f.name for f in files] == [f"2025-06-12 {GOROUTINE}.md"]
    check_golden("talk.md", files[0].text)


def test_golden_event_export(sample: Library, golden_attachments: Attachments) -> None:
    event = event_titled(sample, SHIBUYA)
    files = build_files(sample, golden_attachments, Selection(events=(event.id,)))
    assert [f.name for f in files] == ["2025-06-12 Shibuya Go Meetup 18.md"]
    check_golden("event.md", files[0].text)


# -- the format ----------------------------------------------------------------------------


def test_front_matter_round_trips_with_every_key(
    sample: Library, db: Path, fixed_clock: None
) -> None:
    attachments = sample_store(sample, db)
    talk = talk_titled(sample, GOROUTINE)
    event = sample.event_of(talk)
    text = render_single(sample, attachments, Selection(talks=(talk.id,)))
    meta = frontmatter.loads(text).metadata
    assert meta["title"] == talk.title
    assert meta["event"] == event.title == SHIBUYA
    assert meta["aliases"] == list(talk.aliases) and len(meta["aliases"]) == 2
    assert meta["date"] == "2025-06-12"  # a string: YAML must not turn it into a date
    assert meta["time"] == "19:10"
    assert meta["speakers"] == [
        {"name": "佐伯 真琴", "handle": "mkt_saeki", "affiliation": "株式会社ハコブネ"}
    ]
    assert meta["tags"] == ["go", "meetup", "profiling-tools"]  # Obsidian: no "#", no spaces
    assert meta["slides"] == ["https://speakerdeck.com/mkt_saeki/goroutine-leak-hunting"]
    assert meta["sources"] == [
        {"note": s.note, "author": s.author, "title": s.title, "line": s.section.line}
        for s in talk.sources
    ]
    assert [s["author"] for s in meta["sources"]] == [
        "tsubame_k",
        "haruka_ueno",
        "ねこまんまエンジニアリング",
    ]
    assert meta["notetui_version"] == __version__
    assert meta["notetui_id"] == talk.id

    event_text = render_single(sample, attachments, Selection(events=(event.id,)))
    event_meta = frontmatter.loads(event_text).metadata
    assert event_meta["title"] == event_meta["event"] == SHIBUYA
    assert event_meta["aliases"] == ["Kansai Go Satellite #3 (中継)"]
    assert event_meta["date"] == "2025-06-12"
    assert event_meta["url"] == "https://shibuya-go.example.jp/events/18"
    assert [s["name"] for s in event_meta["speakers"]] == [
        "佐伯 真琴",
        "川端 ゆい",
        "大森 拓海",
        "藤堂 奏",
        "三浦 レン",
    ]
    assert event_meta["tags"][:3] == ["go", "meetup", "profiling-tools"]  # the user's first
    assert "shibuyago" in event_meta["tags"]  # then the notes' own
    assert [s["note"] for s in event_meta["sources"]] == list(event.notes)
    assert len(event_meta["slides"]) == 3


def test_structure_event_talks_authors_then_note_headings(
    sample: Library, db: Path, fixed_clock: None
) -> None:
    attachments = sample_store(sample, db)
    event = event_titled(sample, SHIBUYA)
    text = render_single(sample, attachments, Selection(events=(event.id,)))
    found = headings(text)
    assert found[0] == (1, SHIBUYA)
    assert [h for level, h in found if level == 1] == [SHIBUYA]
    second = [h for level, h in found if level == 2]
    talk_headings = [f"{t.time} {t.title}" for t in event.talks]
    assert second == ["Overview", "Schedule", *talk_headings, "Impressions", "Links"]
    authors = {"tsubame_k", "haruka_ueno", "ねこまんまエンジニアリング"}
    assert {h for level, h in found if level == 3} == authors
    # The notes' own headings (# talk / ## subsection, ### speaker) all sit below.
    assert (4, "何が起きていたか") in found
    assert min(level for level, h in found[1:] if h not in second) == 3


def test_callouts_sit_after_their_passage(sample: Library, db: Path, fixed_clock: None) -> None:
    attachments = sample_store(sample, db)
    talk = talk_titled(sample, GOROUTINE)
    lines = render_single(sample, attachments, Selection(talks=(talk.id,))).split("\n")

    def after(needle: str) -> list[str]:
        at = next(i for i, line in enumerate(lines) if needle in line)
        following = [line for line in lines[at + 1 :] if line.strip()]
        return following[:2]

    # A list item: right after it, inside the item.
    assert after("バッファなしチャネル") == ["  > [!note] 2025-07-02", "  > The bug."]
    # A nested item: inside the item, so the list stays one list.
    assert after("2,000 → 40,000") == ["    > [!note] 2025-07-03", "    > 20x."]
    # A line of a plain-text note: right after that line.
    assert after("テストには goleak") == [
        "> [!note] 2025-07-04",
        "> Same advice in every note.",
    ]
    # The talk's own annotation: after the header, with its date and when it was edited.
    header_end = lines.index("- Notes by: tsubame_k · haruka_ueno · ねこまんまエンジニアリング")
    assert lines[header_end + 2] == "> [!note] 2025-07-01 (edited 2025-07-08)"
    assert lines[header_end + 6 : header_end + 9] == [
        "> - keep pprof on",
        ">",
        "> Update: goleak is in.",
    ]
    # The event's annotations are not repeated in a talk's file.
    assert not any("Worth going again" in line for line in lines)


def test_callout_in_code_goes_after_the_block(sample: Library, db: Path, fixed_clock: None) -> None:
    attachments = sample_store(sample, db)
    talk = talk_titled(sample, "K8S上のGoサービスでGOMAXPROCSとGOMEMLIMITを見直した話")
    lines = render_single(sample, attachments, Selection(talks=(talk.id,))).split("\n")
    at = next(i for i, line in enumerate(lines) if "name: GOMEMLIMIT" in line)
    close = next(i for i in range(at, len(lines)) if lines[i] == "```")
    assert next(line for line in lines[close + 1 :] if line) == "> [!note] 2025-07-05"


def test_event_export_has_schedule_impressions_and_links(
    sample: Library, db: Path, fixed_clock: None
) -> None:
    attachments = sample_store(sample, db)
    event = event_titled(sample, SHIBUYA)
    text = render_single(sample, attachments, Selection(events=(event.id,)))
    schedule = text.split("## Schedule\n\n", 1)[1].split("\n\n", 1)[0].split("\n")
    assert schedule == [
        "- 19:00 開場・受付",
        "- 19:05 オープニング",
        "- 19:10 Goのgoroutineリークをpprofで追いかけた話",
        "- 19:35 K8S上のGoサービスでGOMAXPROCSとGOMEMLIMITを見直した話",
        "- 19:55 Goで書いた決済バッチを1年半運用して学んだこと",
        "- 20:20 休憩",
        "- 20:30 sqlcとAtlasで作るスキーマ駆動なGo開発",
        "- 20:55 OpenTelemetryでGoのトレースを始めるときの落とし穴",
        "- 21:10 懇親会",
    ]
    assert "#### 21:10 懇親会\n\n* ピザがすぐなくなった" in text
    impressions = text.split("\n## Impressions\n", 1)[1]
    assert "月曜に確認する。\n\n> [!note] 2025-07-07\n> Monday: check our limits." in impressions
    assert "[ハコブネ テックブログ](https://tech.example.jp/hakobune/)" in impressions
    assert text.index("> [!note] 2025-07-06\n> Worth going again.") < text.index("## Overview")


def test_split_talk_links_each_talk_file(sample: Library, db: Path, fixed_clock: None) -> None:
    attachments = sample_store(sample, db)
    event = event_titled(sample, SHIBUYA)
    files = build_files(sample, attachments, Selection(events=(event.id,)), split="talk")
    names = [f.name for f in files]
    assert names[0] == "2025-06-12 Shibuya Go Meetup 18.md"
    assert names[1:] == [f"2025-06-12 {t.title}.md" for t in event.talks]
    index = files[0].text
    for talk, name in zip(event.talks, names[1:], strict=True):
        assert f"- {talk.time} [{talk.title}](<{name}>)" in index
        assert f"## {talk.time} " not in index  # the talks themselves are in their files
    talk_file = files[2].text
    assert "- Event notes: [Shibuya Go Meetup #18](<2025-06-12 Shibuya Go Meetup 18.md>)" in (
        talk_file
    )
    for file in files:
        tokens = MD.parse(file.text)
        links = [t for tok in tokens if tok.children for t in tok.children if t.type == "link_open"]
        for link in links:
            href = unquote(str(link.attrs["href"]))
            if not href.startswith("http"):
                assert href in names, href


def test_merged_lists_each_point_with_its_authors(
    sample: Library, db: Path, fixed_clock: None
) -> None:
    attachments = sample_store(sample, db)
    talk = talk_titled(sample, GOROUTINE)
    text = render_single(sample, attachments, Selection(talks=(talk.id,)), merged=True)
    assert "### tsubame_k" not in text
    items = [line for line in text.split("\n") if line.lstrip().startswith("- ")]
    points = [line for line in items if " *— " in line]
    assert len(points) > 20
    assert all(line.endswith("*") for line in points)
    shared = [line for line in points if "*— haruka_ueno, ねこまんまエンジニアリング*" in line]
    assert shared, "a point two authors noted names both"
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if "バッファなしチャネル" in line)
    # The callout sits inside the point's list item, so the outline's nesting goes on.
    item_indent = len(lines[at]) - len(lines[at].lstrip()) + 2
    assert (
        next(line for line in lines[at + 1 :] if line) == " " * item_indent + "> [!note] 2025-07-02"
    )


# -- reading an export back --------------------------------------------------------------


def test_an_exported_folder_is_a_notes_folder_again(
    sample: Library, tmp_path: Path, run_notetui: Callable[..., Any], notes_dir: Path
) -> None:
    original = talks_of(listed(run_notetui, notes_dir))
    for split in ("event", "talk"):
        out = tmp_path / f"by-{split}"
        result = run_notetui("export", notes_dir, "--split", split, "-o", out)
        assert result.returncode == 0, result.stderr
        data = listed(run_notetui, out)
        assert data["problems"] == []
        assert talks_of(data) == original
        titles = {e["title"] for e in data["events"]}
        assert titles == {e.title for e in sample.events}
        for event in data["events"]:
            for talk in event["talks"]:
                mine = talk_titled(sample, talk["title"])
                assert [s["name"] for s in talk["speakers"]] == [s.name for s in mine.speakers]
        for path in out.iterdir():
            tokens = MD.parse(path.read_text("utf-8"))  # parses; headings are structure
            assert any(t.type == "heading_open" for t in tokens)


def test_corpus_2019_talks_keep_every_author_and_place_callouts(
    corpus_dir: Path, db: Path, fixed_clock: None
) -> None:
    library = load_library(corpus_dir)
    event = next(e for e in library.events if e.date == "2019-11-26")
    assert len(event.talks) == 5
    placed: dict[str, list[tuple[Source, str, str]]] = {}
    with Store(db) as store:
        for talk in event.talks:
            assert len(talk.sources) == 3
            for number, source in enumerate(talk.sources):
                index, needle = _anchorable_line(source)
                text = f"On {talk.id}, source {number}."
                annotate_passage(store, talk.id, source, needle, text, line=index)
                placed.setdefault(talk.id, []).append((source, needle, text))
        attachments = attach(library, store.annotations(), store.tag_sets())
    assert not attachments.orphans()
    for talk in event.talks:
        text = render_single(library, attachments, Selection(talks=(talk.id,)))
        lines = text.split("\n")
        level3 = [h for level, h in headings(text) if level == 3]
        assert level3 == [s.label for s in talk.sources]  # all three authors
        starts = [lines.index(f"### {s.label}") for s in talk.sources] + [len(lines)]
        for number, (source, needle, note) in enumerate(placed[talk.id]):
            section = "\n".join(lines[starts[number] : starts[number + 1]])
            assert_contains_in_order(section, source.section.body)
            at = next(
                i
                for i in range(starts[number], starts[number + 1])
                if normalized(lines[i]).lstrip("-*+ ").startswith(needle)
            )
            following = [line.strip() for line in lines[at + 1 :] if line.strip()]
            assert following[:2] == [f"> [!note] {_day(attachments, note)}", f"> {note}"]


def _anchorable_line(source: Source) -> tuple[int, str]:
    """(index, start) of a line from the middle of a source that ends its block (the
    next line is blank, a new list item, or less indented), so that its callout comes
    right after it, and that no other line of the source starts like it."""
    lines = source.section.body.split("\n")
    middle = len(lines) // 2
    for index in [*range(middle, len(lines) - 1), *range(middle - 1, 0, -1)]:
        line, following = lines[index], lines[index + 1]
        indent = len(line) - len(line.lstrip())
        next_indent = len(following) - len(following.lstrip())
        ends_block = (
            not following.strip()
            or (re.match(r"\s*[-*+]\s", following) is not None and next_indent <= indent + 4)
            or (next_indent <= indent and not re.match(r"\s*[-*+]\s", line))
        )
        stripped = line.strip()
        needle = normalized(line).lstrip("-*+ ")[:12]
        unique = sum(normalized(x).lstrip("-*+ ").startswith(needle) for x in lines) == 1
        plain = not stripped.startswith(("#", "`", "|", ">"))
        if ends_block and unique and plain and len(stripped) >= 6:
            return index, needle
    raise AssertionError(f"no line to anchor in {source.note}")


def _day(attachments: Attachments, text: str) -> str:
    return next(
        p.annotation.created[:10] for p in attachments.placements if p.annotation.text == text
    )


def test_corpus_export_reads_back(
    corpus_dir: Path, tmp_path: Path, run_notetui: Callable[..., Any]
) -> None:
    original = listed(run_notetui, corpus_dir)
    for split in ("event", "talk"):
        out = tmp_path / split
        result = run_notetui("export", corpus_dir, "--split", split, "-o", out)
        assert result.returncode == 0, result.stderr
        again = listed(run_notetui, out)
        assert talks_of(again) == talks_of(original)
        dates = sorted(e["date"] for e in again["events"])
        assert dates == ["2018-04-26", "2019-11-26"]


# -- safety ----------------------------------------------------------------------------------


def write_note(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


TRAVERSAL = """\
---
title: "../../etc/passwd"
date: 2025-01-02
---

# ../../etc/passwd

## ../../etc/passwd
Speaker: Jane Doe (@jane)
- a point

## CON
Speaker: Ann Lee (@ann)
- a point

## ..
Speaker: Bo Kim (@bo)
- a point

## ../../etc/passwd
Speaker: Cy Ono (@cy)
- the same title again
"""


def test_titles_cannot_escape_the_output_folder(
    tmp_path: Path, run_notetui: Callable[..., Any]
) -> None:
    notes = tmp_path / "notes"
    write_note(notes, "evil.md", TRAVERSAL)
    out = tmp_path / "deep" / "er" / "out"
    result = run_notetui("export", notes, "--split", "talk", "-o", out)
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(
        [
            "2025-01-02 etc passwd.md",  # the event's index
            "2025-01-02 etc passwd (2).md",
            "2025-01-02 CON.md",
            # "## .." reads as code, not a talk: its stem is checked by the test below
            "2025-01-02 etc passwd (3).md",
        ]
    )
    assert sorted(str(p) for p in tmp_path.rglob("*") if p.is_file() and "passwd" in p.name) == [
        str(out / name) for name in written if "passwd" in name
    ]
    assert not (tmp_path / "deep" / "etc").exists() and not (tmp_path / "etc").exists()


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("../../etc/passwd", "etc passwd"),
        ("..", "untitled"),
        ("", "untitled"),
        (".hidden", "hidden"),
        ('a/b\\c:d*e?f"g<h>i|j', "a b c d e f g h i j"),
        ("Shibuya Go Meetup #18 [LT] ^x", "Shibuya Go Meetup 18 LT x"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("com1", "_com1"),
        ("trailing dots...", "trailing dots"),
        ("tab\tand\nnewline\x00nul", "tab and newlinenul"),  # control characters go
        ("Wait... what?", "Wait. what"),
    ],
)
def test_safe_file_stem(title: str, stem: str) -> None:
    assert safe_file_stem(title) == stem


def test_safe_file_stem_limits_bytes_not_characters() -> None:
    stem = safe_file_stem("長" * 200)
    assert len(stem.encode("utf-8")) <= 150
    assert stem == "長" * 50


def test_never_overwrites_without_force(
    sample: Library, tmp_path: Path, run_notetui: Callable[..., Any], notes_dir: Path
) -> None:
    out = tmp_path / "out"
    first = run_notetui("export", notes_dir, "-o", out)
    assert first.returncode == 0, first.stderr
    target = out / "2025-06-12 Shibuya Go Meetup 18.md"
    target.write_text("my own edits\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    again = run_notetui("export", notes_dir, "-o", out)
    assert again.returncode == 1
    assert "already exists" in again.stderr and "--force" in again.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # nothing touched

    forced = run_notetui("export", notes_dir, "-o", out, "--force")
    assert forced.returncode == 0, forced.stderr
    assert target.read_text("utf-8").startswith("---\ntitle: 'Shibuya Go Meetup #18'\n")
    assert "3 unchanged" in forced.stderr  # the other files were already up to date
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp files left


def test_an_unchanged_file_is_not_a_conflict(sample: Library, tmp_path: Path) -> None:
    attachments = attach(sample, [], [])
    first = export_library(sample, attachments, Selection(), tmp_path)
    assert first.ok and len(first.written) == 4
    again = export_library(sample, attachments, Selection(), tmp_path)
    assert again.ok and again.written == () and len(again.unchanged) == 4


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(
    sample: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attachments = attach(sample, [], [])
    talk = talk_titled(sample, GOROUTINE)
    out = tmp_path / "one.md"
    out.write_text("the old file\n", encoding="utf-8")

    def no_space(self: Path, target: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", no_space)
    with pytest.raises(ExportError, match="No space left"):
        export_library(sample, attachments, Selection(talks=(talk.id,)), out, force=True)
    assert out.read_text("utf-8") == "the old file\n"
    assert [p.name for p in tmp_path.iterdir()] == ["one.md"]


def test_stdout(isolated_locations: Path, run_notetui: Callable[..., Any], notes_dir: Path) -> None:
    result = run_notetui("export", notes_dir, "--talk", "goroutineリーク", "-o", "-")
    assert result.returncode == 0, result.stderr
    post = frontmatter.loads(result.stdout)
    assert post.metadata["title"] == GOROUTINE
    assert "### haruka_ueno" in post.content
    assert not (isolated_locations / "export").exists()  # nothing went to the export folder
    split = run_notetui("export", notes_dir, "--split", "talk", "-o", "-")
    assert split.returncode == 2 and "--split talk" in split.stderr


def test_default_output_is_the_export_folder(
    isolated_locations: Path, run_notetui: Callable[..., Any], notes_dir: Path
) -> None:
    result = run_notetui("export", notes_dir, "--event", "Kichijoji")
    assert result.returncode == 0, result.stderr
    folder = isolated_locations / "export"
    assert [p.name for p in folder.iterdir()] == ["2025-02-20 Kichijoji.py LT Night vol.4.md"]
    assert result.stdout.strip() == str(folder / "2025-02-20 Kichijoji.py LT Night vol.4.md")
    assert "exported 4 talks from 1 event" in result.stderr


def test_the_same_library_exports_the_same_bytes(
    tmp_path: Path, run_notetui: Callable[..., Any], notes_dir: Path, db: Path, fixed_clock: None
) -> None:
    sample_store(load_library(notes_dir), db)
    for name in ("a", "b"):
        result = run_notetui(
            "export", notes_dir, "--db", db, "--split", "talk", "-o", tmp_path / name
        )
        assert result.returncode == 0, result.stderr
    first = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    second = {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert first == second and len(first) == 22
    for data in first.values():
        assert b"\r" not in data and data.endswith(b"\n")
        data.decode("utf-8")


HOSTILE = """\
---
title: "Hostile: no --- [/] ]] night"
author: "no"
date: 2025-02-03
venue: "12:30"
tags: ["no", "12:30"]
---

# Hostile: no --- [/] ]] night

## A talk --- with [/] and ]]
- Speaker: 山田 太郎 (@yamada) ◆ Example株式会社
- first point
--- a line starting with dashes

---

after a rule
### A subheading
#### deeper

## no
plain text

## key: value
: colon line

## 12:30 12:30
```python
unclosed = "fence"
"""

HOSTILE_TOO = """\
---
title: "Hostile: no --- [/] ]] night"
author: "yes"
date: 2025-02-03
---

# Hostile: no --- [/] ]] night

## A talk --- with [/] and ]]
second author's words
<!-- an unclosed comment
"""

HOSTILE_SETEXT = """\
---
title: Setext night
---

# A talk
Subsection
----------
text under it

# Another talk
text
"""


def test_hostile_text_round_trips(tmp_path: Path, run_notetui: Callable[..., Any]) -> None:
    notes = tmp_path / "notes"
    write_note(notes, "hostile.md", HOSTILE)
    write_note(notes, "hostile-too.md", HOSTILE_TOO)
    library = load_library(notes)
    (event,) = library.events
    titles = [t.title for t in event.talks]
    assert titles == ["A talk --- with [/] and ]]", "no", "key: value", "12:30"]
    out = tmp_path / "out"
    result = run_notetui("export", notes, "--split", "talk", "-o", out)
    assert result.returncode == 0, result.stderr

    again = listed(run_notetui, out)
    assert talks_of(again) == {(t.title, t.time) for t in event.talks}
    (event_again,) = again["events"]
    assert event_again["title"] == event.title and event_again["venue"] == "12:30"

    files = {p.name: p.read_text("utf-8") for p in out.iterdir()}
    metas = {name: frontmatter.loads(text).metadata for name, text in files.items()}
    by_title = {meta["title"]: meta for meta in metas.values()}
    assert set(by_title) == {event.title, *titles}
    for title in titles:
        meta = by_title[title]
        assert meta["event"] == "Hostile: no --- [/] ]] night"
        assert meta["date"] == "2025-02-03" and meta["venue"] == "12:30"
        assert all(isinstance(s["author"], str) for s in meta["sources"])
    assert by_title["no"]["sources"][0]["author"] == "no"  # not False
    assert by_title["12:30"]["time"] == "12:30"  # not 750
    assert by_title["key: value"]["title"] == "key: value"
    assert by_title[event.title]["tags"] == ["no", "12-30"]

    first = next(text for text in files.values() if "A talk --- with" in text.split("\n")[1])
    content = body_of(first)
    assert "--- a line starting with dashes\n\n---\n\nafter a rule" in content  # verbatim
    assert "#### A subheading\n##### deeper" in content  # under "### no", the author
    last = next(text for name, text in files.items() if name.endswith("12 30.md"))
    assert '```python\nunclosed = "fence"\n```' in last  # the fence is closed again
    assert "<!-- an unclosed comment\n-->" in first
    # After one author's unclosed comment, the next author's heading is still one.
    assert [h for level, h in headings(first) if level <= 3] == [
        event.title,
        "A talk --- with [/] and ]]",
        *(s.label for s in event.talks[0].sources),
    ]
    assert {s.label for s in event.talks[0].sources} == {"no", "yes"}


def test_setext_headings_in_a_note_move_below_the_export_headings(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    write_note(notes, "setext.md", HOSTILE_SETEXT)
    library = load_library(notes)
    talks = tuple(t.id for t in library.talks)
    text = render_single(library, attach(library, [], []), Selection(talks=talks))
    assert "#### Subsection\ntext under it" in text
    assert headings(text) == [
        (1, "Setext night"),
        (2, "A talk"),
        (3, "setext.md"),
        (4, "Subsection"),
        (2, "Another talk"),
        (3, "setext.md"),
    ]


# -- choosing what to export --------------------------------------------------------------


def test_selection_by_tag_annotation_and_query(
    sample: Library, db: Path, fixed_clock: None, run_notetui: Callable[..., Any], notes_dir: Path
) -> None:
    attachments = sample_store(sample, db)
    event = event_titled(sample, SHIBUYA)
    talk = talk_titled(sample, GOROUTINE)

    by_tag = select(sample, attachments, Selection(tags=("profiling tools",)))
    assert [(c.event.id, [t.id for t in c.talks], c.whole) for c in by_tag] == [
        (event.id, [talk.id], False)
    ]
    by_event_tag = select(sample, attachments, Selection(tags=("meetup",)))
    assert [(len(c.talks), c.whole) for c in by_event_tag] == [(5, True)]
    annotated = select(sample, attachments, Selection(annotated_only=True))
    assert [[t.title for t in c.talks] for c in annotated] == [
        [GOROUTINE, "K8S上のGoサービスでGOMAXPROCSとGOMEMLIMITを見直した話"]
    ]
    assert describe(by_tag) == f"the talk “{GOROUTINE}”"
    assert describe(select(sample, attachments, Selection(events=(event.id,)))) == (
        "the event “Shibuya Go Meetup #18” (5 talks)"
    )
    assert select(sample, attachments, Selection(tags=("no-such-tag",))) == []

    ambiguous = run_notetui("export", notes_dir, "--db", db, "--talk", "Go", "-o", "-")
    assert ambiguous.returncode == 2
    assert "matches" in ambiguous.stderr and talk.id in ambiguous.stderr
    nothing = run_notetui("export", notes_dir, "--db", db, "--tag", "no-such-tag", "-o", "-")
    assert nothing.returncode == 1 and "nothing to export" in nothing.stderr
    tagged = run_notetui("export", notes_dir, "--db", db, "--tag", "Profiling Tools", "-o", "-")
    assert tagged.returncode == 0, tagged.stderr
    assert frontmatter.loads(tagged.stdout).metadata["notetui_id"] == talk.id


def test_orphans_go_with_the_whole_library_only(
    sample: Library, db: Path, fixed_clock: None, tmp_path: Path
) -> None:
    attachments = sample_store(sample, db)
    assert len(attachments.orphans()) == 1
    whole = export_library(sample, attachments, Selection(), tmp_path / "all")
    orphans = tmp_path / "all" / "Orphaned annotations.md"
    assert orphans in whole.written
    assert whole.orphans_exported == 1 and whole.orphans_left_out == 0
    text = orphans.read_text("utf-8")
    assert "> [!warning] 2025-07-09 · was on “A talk that is gone” (A meetup nobody noted)" in text
    assert "> A talk that is gone." in text

    event = event_titled(sample, SHIBUYA)
    some = export_library(sample, attachments, Selection(events=(event.id,)), tmp_path / "some")
    assert some.orphans_exported == 0 and some.orphans_left_out == 1
    assert "1 orphaned annotation left out" in some.summary()

    single = render_single(sample, attachments, Selection())
    assert single.rstrip().split("\n\n")[-1].startswith("> [!warning] 2025-07-09")
    assert "\n# Orphaned annotations\n" in single


def test_several_files_into_one_file_is_refused(sample: Library, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="several files"):
        export_library(sample, attach(sample, [], []), Selection(), tmp_path / "x.md", split="talk")
    done = export_library(sample, attach(sample, [], []), Selection(), tmp_path / "all.md")
    assert done.written == (tmp_path / "all.md",)
    meta = frontmatter.loads((tmp_path / "all.md").read_text("utf-8")).metadata
    assert meta["title"] == "notetui export: 17 talks from 4 events"
    assert len(meta["events"]) == 4


@pytest.fixture(autouse=True)
def _no_stray_files(tmp_path: Path) -> Iterator[None]:
    yield
    temp = [p for p in tmp_path.rglob(".notetui-export-*")]
    assert not temp, f"temp files left behind: {temp}"
