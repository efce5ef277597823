"""`export --merged` writes the merged outline: each point nested under a parent of its
own author, marked with the authors who made it, and no speaker line among them.

What is checked is what a Markdown viewer shows: the list's nesting as markdown-it
reads it, and the authors after each item.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from notetui.core.annotations.anchoring import attach, make_anchor_text
from notetui.core.annotations.store import Anchor, Store
from notetui.core.export.markdown import Selection, render_single
from notetui.core.load.library import load_library
from notetui.core.models import Library, Talk
from notetui.core.points.cutting import section_points

_AUTHORS = re.compile(r"\s*\*— (.+)\*$")
_VIEWER = MarkdownIt("commonmark").enable("table")


@dataclass
class Item:
    text: str
    authors: frozenset[str]
    parent: Item | None


def merged_items(markdown: str) -> list[Item]:
    """Every list item of the merged notes, with its authors and the item it is in."""
    merged = markdown.split("### Merged notes", 1)[1]
    items: list[Item] = []
    open_items: list[Item | None] = []
    for token in _VIEWER.parse(merged):
        if token.type == "list_item_open":
            open_items.append(None)
        elif token.type == "list_item_close":
            open_items.pop()
        elif token.type == "inline" and open_items and open_items[-1] is None:
            found = _AUTHORS.search(token.content)
            assert found, f"a point without its authors: {token.content!r}"
            parent = next((i for i in reversed(open_items[:-1]) if i is not None), None)
            item = Item(
                token.content[: found.start()], frozenset(found.group(1).split(", ")), parent
            )
            open_items[-1] = item
            items.append(item)
    return items


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


FIRST = """\
---
title: Harbor Infra Night #3
date: 2025-05-20
author: kumo
---

# Shipping faster with a warm build cache
[@renoda](https://twitter.com/renoda)

## Before
- deploys took an hour
- the build cache was cold on every run

## After
- deploys take five minutes
- rollbacks are one click

# Paging less at night
[@mei_ito](https://twitter.com/mei_ito)

## What changed
- alerts now page only when users are hurt
"""

SECOND = """\
---
title: Harbor Infra Night #3
date: 2025-05-20
author: tsuru
---

## 19:00 Shipping faster with a warm build cache
### Ren Oda (@renoda) ◆ Lantern Works
* Problem
  - the build cache was cold on every single run
  - flaky integration tests
* After the change
  - deploys take five minutes now
  - on-call got quieter

## 19:30 Paging less at night
### Mei Ito (@mei_ito) ◆ Quayside Co
* alerts now page only when users are hurt, not when a disk is at 80%
"""


def merged_export(library: Library, talk: Talk) -> str:
    return render_single(library, attach(library, [], []), Selection(talks=(talk.id,)), merged=True)


def test_a_problem_stays_under_its_authors_problem(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    write(notes, "kumo.md", FIRST)
    write(notes, "tsuru.md", SECOND)
    library = load_library(notes, cache=False)
    talk = library.talks[0]
    assert talk.title == "Shipping faster with a warm build cache"
    assert {s.label for s in talk.sources} == {"kumo", "tsuru"}
    items = {item.text: item for item in merged_items(merged_export(library, talk))}

    def under(text: str) -> str | None:
        parent = items[text].parent
        return None if parent is None else parent.text

    assert under("flaky integration tests") == "Problem"
    assert under("on-call got quieter") == "After the change"
    assert under("rollbacks are one click") == "**After**"
    assert under("deploys took an hour") == "**Before**"
    assert items["flaky integration tests"].authors == {"tsuru"}
    assert items["deploys take five minutes now"].authors == {"kumo", "tsuru"}
    assert not any("renoda" in text for text in items), "a speaker line is not a point"


def test_an_annotation_keeps_the_outline_nested(tmp_path: Path) -> None:
    """The callout goes inside its point's item, so the points after it stay nested."""
    notes = tmp_path / "notes"
    write(notes, "kumo.md", FIRST)
    write(notes, "tsuru.md", SECOND)
    library = load_library(notes, cache=False)
    talk = library.talks[0]
    before = merged_items(merged_export(library, talk))
    # Annotate "flaky integration tests" as the reader does: a quote and its file line.
    source = next(s for s in talk.sources if s.label == "tsuru")
    body = source.section.body
    start = body.index("flaky integration tests")
    prefix, quote, suffix = make_anchor_text(body, start, start + len("flaky integration tests"))
    line = source.section.body_line + body.count("\n", 0, start)
    with Store(tmp_path / "store.json") as store:
        anchor = Anchor(source.note, line, quote, prefix, suffix)
        store.add_annotation(
            target="passage", target_id=talk.id, text="ask about retries", anchor=anchor
        )
        attachments = attach(library, store.annotations(), store.tag_sets())
    text = render_single(library, attachments, Selection(talks=(talk.id,)), merged=True)
    assert "ask about retries" in text
    after = merged_items(text)
    assert [(i.text, i.parent.text if i.parent else None) for i in after] == [
        (i.text, i.parent.text if i.parent else None) for i in before
    ]


def test_on_the_corpus_no_child_sits_under_another_authors_parent(corpus_dir: Path) -> None:
    library = load_library(corpus_dir, cache=False)
    talks = [t for t in library.talks if len(t.sources) > 1]
    assert len(talks) >= 5
    nested = 0
    for talk in talks:
        items = merged_items(merged_export(library, talk))
        labels = {s.label for s in talk.sources}
        headers = {p.text for s in talk.sources for p in section_points(s.section).header}
        for item in items:
            assert item.authors <= labels
            assert item.text.strip("*") not in headers, f"a header line as a point: {item.text}"
            if item.parent is not None:
                nested += 1
                # Under a parent of another author only when aligned with one of theirs.
                assert item.authors & item.parent.authors, (talk.title, item.text)
    assert nested > 50


def test_the_cli_writes_the_same_outline(tmp_path: Path, run_notetui: Callable[..., Any]) -> None:
    notes = tmp_path / "notes"
    write(notes, "kumo.md", FIRST)
    write(notes, "tsuru.md", SECOND)
    library = load_library(notes, cache=False)
    talk = library.talks[0]
    result = run_notetui("export", notes, "--talk", talk.id, "--merged", "-o", "-")
    assert result.returncode == 0, result.stderr
    shown = [(i.text, i.authors) for i in merged_items(result.stdout)]
    assert shown == [(i.text, i.authors) for i in merged_items(merged_export(library, talk))]
