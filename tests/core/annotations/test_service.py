"""The annotation service both fronts call, on a real store and a library read from
real files: targets, quote to anchor, tag counts, finding an annotation by uid."""

from __future__ import annotations

from pathlib import Path

import pytest

from notetui.core.annotations.anchoring import attach
from notetui.core.annotations.records import folder_key
from notetui.core.annotations.service import (
    AnnotationRefused,
    AnnotationService,
    NoSuchTarget,
    TagCount,
    clean_text,
)
from notetui.core.annotations.store import Store
from notetui.core.load.library import load_library

NIGHT_5 = """\
---
title: Harbor Tech Night 5
date: 2026-03-14
---

# Harbor Tech Night 5

Doors at seven, a small room on the third floor.

## Queue backpressure in practice

- Bounded queues keep memory flat under bursts
- The retry budget should be shared across clients

## Profiling without guesswork

- Flame graphs first, opinions later
"""


@pytest.fixture
def service(tmp_path: Path) -> AnnotationService:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "night-5.md").write_text(NIGHT_5, "utf-8")
    return AnnotationService(Store(tmp_path / "annotations.json"), load_library(notes))


def test_targets_by_id_and_by_query(service: AnnotationService) -> None:
    queue = service.resolve("queue BACKPRESSURE")
    assert queue.title == "Queue backpressure in practice"
    assert service.target(queue.id) == queue
    assert service.resolve(queue.event.title, event=True).kind == "event"
    with pytest.raises(NoSuchTarget) as nothing:
        service.resolve("quantum knitting")
    assert str(nothing.value) == "no talk matches 'quantum knitting'"
    assert service.target("nope") is None


def test_a_quote_becomes_the_notes_own_text_with_its_line_and_context(
    service: AnnotationService,
) -> None:
    queue = service.resolve("queue")
    anchor = service.passage(queue, "RETRY   budget")
    assert anchor.quote == "retry budget"
    assert anchor.note == "night-5.md"
    assert (
        anchor.line
        == NIGHT_5.splitlines().index("- The retry budget should be shared across clients") + 1
    )
    assert anchor.prefix.endswith("- The ") and anchor.suffix.startswith(" should be shared")
    with pytest.raises(AnnotationRefused, match="is not in the notes about"):
        service.passage(queue, "flame graphs")
    with pytest.raises(AnnotationRefused, match="in the notes about the talk 'Profiling"):
        service.passage(service.resolve(queue.event.title, event=True), "flame graphs")
    event = service.target(queue.event.id)
    assert event is not None and event.kind == "event"
    assert service.passage(event, "doors at SEVEN").quote == "Doors at seven"


def test_the_readers_point_anchor_is_the_same_as_the_clis_quote(
    service: AnnotationService,
) -> None:
    queue = service.resolve("queue")
    assert queue.talk is not None
    [source] = queue.talk.sources
    line = NIGHT_5.splitlines().index("- Bounded queues keep memory flat under bursts") + 1
    from_point = service.point_anchor(source, "Bounded queues keep memory flat under bursts", line)
    assert from_point == service.passage(queue, "Bounded queues keep memory flat under bursts")


def test_new_annotations_and_tags_record_their_folder(service: AnnotationService) -> None:
    queue = service.resolve("queue")
    made = service.annotate(queue, "ours too", anchor=service.passage(queue, "retry budget"))
    change = service.change_tags(queue, add=["Ops", "#queues"], remove=["never-there"])
    assert made.root == service.folder == folder_key(service.library.root)
    assert change.tag_set.root == service.folder
    assert change.tag_set.tags == ("ops", "queues")
    assert change.not_there == ("never-there",)
    [placement] = service.attachments().placements
    assert (placement.talk_id, placement.how) == (queue.id, "id")


def test_tag_counts_are_one_implementation(service: AnnotationService) -> None:
    queue, profiling = service.resolve("queue"), service.resolve("profiling")
    event = service.target(queue.event.id)
    assert event is not None
    service.change_tags(queue, add=["perf", "ops"])
    service.change_tags(profiling, add=["perf"])
    service.change_tags(event, add=["perf"])
    service.store.change_tags(target="talk", target_id="t-gone", add=["perf"], title="Gone talk")
    counts = service.tag_counts()
    perf = counts["perf"]
    assert (perf.talks, perf.events, perf.orphaned, perf.count) == (2, 1, 1, 3)
    assert sorted(perf.targets) == sorted([queue.id, profiling.id, event.id])
    assert counts["ops"] == TagCount(talks=1, targets=(queue.id,))


def test_find_takes_a_uid_or_its_start(service: AnnotationService) -> None:
    queue = service.resolve("queue")
    made = service.annotate(queue, "x")
    assert service.find(made.uid) == made
    assert service.find(made.uid[:6].upper()) == made
    with pytest.raises(AnnotationRefused, match="no annotation"):
        service.find("zzzzzzzz")
    with pytest.raises(AnnotationRefused, match="no annotation"):
        service.find(made.uid[:3])  # too short to be a prefix


def test_attaching_a_passage_to_a_talk_that_does_not_quote_it_is_refused(
    service: AnnotationService,
) -> None:
    queue, profiling = service.resolve("queue"), service.resolve("profiling")
    made = service.annotate(queue, "x", anchor=service.passage(queue, "retry budget"))
    with pytest.raises(AnnotationRefused, match="stays with its passage"):
        service.attach(made.uid, profiling)
    assert service.store.annotation(made.uid) == made


def test_clean_text() -> None:
    assert clean_text("plain 日本語") == ("plain 日本語", 0)
    assert clean_text("caf\udce9 \udcff") == ("caf\ufffd \ufffd", 2)


def test_attach_without_a_folder_uses_the_librarys(service: AnnotationService) -> None:
    queue = service.resolve("queue")
    made = service.annotate(queue, "x")
    elsewhere = service.store.retarget_annotation(
        made.uid, target="talk", target_id="t-nowhere", title="Nowhere", root="/some/other/notes"
    )
    placed = attach(service.library, [elsewhere])
    assert (placed.placements, placed.elsewhere) == ([], [elsewhere])
