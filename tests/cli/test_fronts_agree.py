"""The CLI and the reader keep the same records, because both call one service.

Each case starts from the same store file twice. One copy is changed the way the CLI
does it (the real console script), the other the way the reader does it (the
`AnnotationService` call its action makes, on a library loaded as the reader loads
it). The stored records must come out the same.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from notetui.core.annotations.records import folder_key
from notetui.core.annotations.service import AnnotationService
from notetui.core.annotations.store import Store
from notetui.core.load.library import load_library
from support.cli import Cli, copy_samples, line_of

ALPHA = """\
---
title: Harbor Tech Night 5
date: 2026-03-14
---

# Harbor Tech Night 5

## Queue backpressure in practice

- Bounded queues keep memory flat under bursts
- The retry budget should be shared across clients
- Dashboards lie when sampling is off
"""

BETA = """\
---
title: Harbor Tech Night 6
date: 2026-04-11
---

# Harbor Tech Night 6

## Designing retry policies

- Exponential backoff with jitter
- Keep timeouts shorter than the caller's
- The Retry  Budget should be shared across clients
- Measure before tuning
"""

QUOTE = "retry budget should be shared"
BETA_QUOTE = "Retry  Budget should be shared"  # the same words, written differently


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "home")


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "alpha.md").write_text(ALPHA, "utf-8")
    (folder / "beta.md").write_text(BETA, "utf-8")
    return folder


def twin(db: Path, tmp_path: Path) -> Path:
    """A second copy of the store (and its journal, if any) for the other front."""
    other = tmp_path / "app" / db.name
    other.parent.mkdir()
    for path in db.parent.glob(db.name + "*"):
        if not path.name.endswith(".lock"):
            shutil.copy2(path, other.parent / path.name)
    return other


def plain(db: Path) -> list[object]:
    with Store(db) as store:
        annotations = [
            (a.uid, a.target, a.target_id, a.text, a.title, a.titles, a.anchor, a.root, a.rev)
            for a in store.annotations()
        ]
        tags = store.tag_sets()
    return [*annotations, *tags]


def test_attaching_an_orphan_keeps_and_re_anchors_its_passage_from_either_front(
    cli: Cli, notes: Path, tmp_path: Path
) -> None:
    alpha = next(t for t in load_library(notes).talks if t.title.startswith("Queue"))
    row = cli.json(
        "annotate", alpha.id, "--quote", QUOTE, "--text", "same on our side", "--json",
        "--notes", notes,
    )  # fmt: skip
    (notes / "alpha.md").unlink()  # the passage's note is gone: an orphan
    [orphan] = cli.json("annotations", "--orphans", "--json", "--notes", notes)
    assert orphan["uid"] == row["uid"]
    app_db = twin(cli.db, tmp_path)

    cli.ok("annotations", "attach", row["uid"], "Designing retry", "--notes", notes)

    library = load_library(notes)  # the reader's library, and its store
    beta = next(t for t in library.talks if t.title.startswith("Designing"))
    with Store(app_db) as store:
        service = AnnotationService(store, library)
        target = service.target(beta.id)  # the talk the user picked in the list
        assert target is not None
        service.attach(row["uid"], target)

    assert plain(app_db) == plain(cli.db)
    with Store(app_db) as store:
        [attached] = store.annotations()
    assert attached.target == "passage"  # the quote was kept (the reader used to drop it)
    assert attached.anchor is not None
    assert (attached.anchor.note, attached.anchor.quote) == ("beta.md", BETA_QUOTE)
    assert attached.anchor.line == line_of(notes / "beta.md", BETA_QUOTE)
    assert attached.root == folder_key(notes)
    assert attached.text == "same on our side"
    [listed] = cli.json("annotations", "--json", "--notes", notes)
    assert (listed["talk_id"], listed["note"], listed["orphan"]) == (beta.id, "beta.md", False)


def test_removing_a_tag_stored_under_old_ids_removes_it_everywhere_from_either_front(
    cli: Cli, tmp_path: Path
) -> None:
    notes = copy_samples(tmp_path / "samples")
    library = load_library(notes)
    beta = next(t for t in library.talks if len(t.keys) > 1)  # several notes, several ids
    source_key = sorted(beta.keys - {beta.id})[0]
    with Store(cli.db) as store:
        # Tags saved by older versions: under a source's key, and under an id from
        # before the title was edited (found again by its title).
        store.change_tags(target="talk", target_id=source_key, add=["draft", "retries"])
        store.change_tags(target="talk", target_id="t0ld1d", add=["draft"], title=beta.title)
        store.change_tags(target="talk", target_id=beta.id, add=["resilience"])
    app_db = twin(cli.db, tmp_path)

    cli.ok("tag", beta.id, "remove", "draft", "--notes", notes)

    with Store(app_db) as store:
        service = AnnotationService(store, library)
        shown = service.attachments().tags[beta.id]  # what the tag dialog shows
        assert shown == ("draft", "resilience", "retries")
        target = service.target(beta.id)
        assert target is not None
        service.edit_tags(target, shown, [tag for tag in shown if tag != "draft"])

    assert plain(app_db) == plain(cli.db)
    with Store(app_db) as store:
        assert [(t.target_id, t.tags) for t in store.tag_sets()] == [
            (beta.id, ("resilience", "retries"))
        ]
    [tagged] = [r for r in cli.json("tags", "--json", "--notes", notes) if r["tag"] == "retries"]
    assert tagged["targets"] == [beta.id]
    assert "draft" not in {r["tag"] for r in cli.json("tags", "--json", "--notes", notes)}
