"""The core over real notes, checked against hand-labelled ground truth.

Two libraries: the real corpus in ../shared/corpus (other people's writing, read in
place and never copied here) and the sample notes shipped in notes/. Both are
checked note by note against their expected.json, and the real scorer script is run
on what `notetui list --json` prints.
"""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from notetui.core.load.library import load_library
from notetui.core.models import Event, Library, SectionKind, Source, Speaker, Talk
from support.paths import TEST_DATA


def norm(text: str | None) -> str:
    """How the scorer compares names: NFKC, case-folded, no spaces."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in folded if not ch.isspace())


def base(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def sources_by_note(library: Library) -> dict[str, list[tuple[Source, Talk, Event]]]:
    found: dict[str, list[tuple[Source, Talk, Event]]] = defaultdict(list)
    for event in library.events:
        for talk in event.talks:
            for source in talk.sources:
                found[base(source.note)].append((source, talk, event))
    for rows in found.values():
        rows.sort(key=lambda row: row[0].section.line)  # the note's own order
    return found


def same_person(expected: dict[str, Any], got: Speaker) -> bool:
    by_name = bool(expected["name"]) and norm(expected["name"]) == norm(got.name)
    by_handle = bool(expected["handle"]) and norm(expected["handle"]) == norm(got.handle)
    return by_name or by_handle


LIBRARIES = ["corpus", "samples"]


@pytest.fixture(scope="module", params=LIBRARIES)
def labelled(request: pytest.FixtureRequest) -> tuple[Path, dict[str, Any], Library]:
    """(folder, its expected.json, the library the core loads from it)."""
    if request.param == "corpus":
        root: Path = request.getfixturevalue("corpus_dir")
        expected: dict[str, Any] = request.getfixturevalue("corpus_expected")
    else:
        root = request.getfixturevalue("notes_dir")
        expected = request.getfixturevalue("notes_expected")
    return root, expected, load_library(root)


def test_every_note_is_read_without_problems(labelled: Any) -> None:
    _, expected, library = labelled
    assert library.problems == ()
    assert sorted(base(n.path) for n in library.notes) == sorted(expected["files"])


def test_every_talk_is_found_with_its_title_as_written_and_nothing_more(labelled: Any) -> None:
    _, expected, library = labelled
    found = sources_by_note(library)
    for name, truth in expected["files"].items():
        titles = [source.title for source, _, _ in found.get(name, [])]
        assert titles == [t["title"] for t in truth["talks"]], name


def test_the_non_talks_are_sections_of_their_event(labelled: Any) -> None:
    _, expected, library = labelled
    sections = {
        (base(s.note), s.title): s.section.kind for event in library.events for s in event.sections
    }
    for name, truth in expected["files"].items():
        for title in truth["not_talks"]:
            assert (name, title) in sections, f"{name}: {title}"
            assert sections[name, title] is not SectionKind.TALK


def test_each_note_gives_its_own_speakers_and_slides(labelled: Any) -> None:
    """Per note: the speakers and slides that note names, no fewer and no more."""
    _, expected, library = labelled
    found = sources_by_note(library)
    for name, truth in expected["files"].items():
        for (source, talk, _), want in zip(found[name], truth["talks"], strict=True):
            got = source.section.speakers
            assert len(got) == len(want["speakers"]), (name, want["title"], got)
            for speaker in want["speakers"]:
                assert any(same_person(speaker, g) for g in got), (name, speaker, got)
                # ...and the merged talk still names that person.
                assert any(same_person(speaker, g) for g in talk.speakers), (name, speaker)
            assert list(source.section.slides) == want["slides"], name
            assert set(want["slides"]) <= set(talk.slides)


def test_merged_talks_are_exactly_the_labelled_clusters(labelled: Any) -> None:
    _, expected, library = labelled
    found = sources_by_note(library)
    talk_of_cluster: dict[str, set[str]] = defaultdict(set)
    clusters_of_talk: dict[str, set[str]] = defaultdict(set)
    for name, truth in expected["files"].items():
        for (_, talk, _), want in zip(found[name], truth["talks"], strict=True):
            talk_of_cluster[want["cluster"]].add(talk.id)
            clusters_of_talk[talk.id].add(want["cluster"])
    assert all(len(ids) == 1 for ids in talk_of_cluster.values()), talk_of_cluster
    assert all(len(cs) == 1 for cs in clusters_of_talk.values()), clusters_of_talk


def test_events_are_grouped_exactly_with_their_dates(labelled: Any) -> None:
    _, expected, library = labelled
    got = sorted((sorted(base(n) for n in e.notes), e.date) for e in library.events)
    want = sorted((sorted(e["files"]), e["date"]) for e in expected["events"])
    assert got == want


def test_each_event_answers_to_every_name_its_notes_give(labelled: Any) -> None:
    _, expected, library = labelled
    for truth in expected["events"]:
        [event] = [e for e in library.events if base(e.notes[0]) in truth["files"]]
        names = [norm(n) for n in (event.title, *event.aliases)]
        for title in truth["event_titles"]:
            assert any(norm(title) in name for name in names), (title, names)


# ------------------------------------------------------------------- the corpus in detail


@pytest.fixture(scope="module")
def corpus(corpus_dir: Path) -> Library:
    return load_library(corpus_dir)


def test_the_three_2019_notes_are_one_event_and_004_is_alone(corpus: Library) -> None:
    by_notes = {tuple(base(n) for n in e.notes): e for e in corpus.events}
    assert set(by_notes) == {
        ("000_b7d902991d12f881.txt", "001_e9504ecc98f7e9e0.txt", "002_94ef4845c58b94a3.txt"),
        ("004_20c73858791679d0.txt",),
    }
    assert [e.date for e in corpus.events] == ["2019-11-26", "2018-04-26"]  # newest first


def test_the_relay_is_recognised_under_both_names(corpus: Library) -> None:
    [event] = [e for e in corpus.events if e.date == "2019-11-26"]
    names = [norm(n) for n in (event.title, *event.aliases)]
    assert norm("Bonfire Backend #4") in names
    assert any(norm("Mix Leap Study #53") in name for name in names)
    assert len(event.talks) == 5
    assert all(len(t.sources) == 3 for t in event.talks)


def test_the_mercari_talk_merges_with_no_2019_talk(corpus: Library) -> None:
    [mercari] = [t for t in corpus.talks if "Mercari" in t.title]
    assert {base(s.note) for s in mercari.sources} == {"004_20c73858791679d0.txt"}
    assert corpus.event_of(mercari).date == "2018-04-26"
    [event_2019] = [e for e in corpus.events if e.date == "2019-11-26"]
    assert mercari.event_id != event_2019.id
    assert all(not any("004" in s.note for s in t.sources) for t in event_2019.talks)


def test_time_slots_come_from_the_time_slot_headings(corpus: Library) -> None:
    [event] = [e for e in corpus.events if e.date == "2019-11-26"]
    assert [t.time for t in event.talks] == sorted(t.time or "" for t in event.talks)
    assert all(t.time for t in event.talks)
    schedule = [s for s in event.sections if s.section.kind is SectionKind.SCHEDULE]
    assert all(s.section.time for s in schedule)


# -------------------------------------------------------------------------- the scorer


@pytest.mark.parametrize("which", LIBRARIES)
def test_the_scorer_passes_on_the_cli_output(
    which: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    run_notetui: Any,
    scorer: Path,
) -> None:
    if which == "corpus":
        root: Path = request.getfixturevalue("corpus_dir")
        expected_path = root / "expected.json"
    else:
        root = request.getfixturevalue("notes_dir")
        expected_path = TEST_DATA / "notes_expected.json"
    listed = run_notetui("list", "--json", root)
    assert listed.returncode == 0, listed.stderr
    out = tmp_path / "out.json"
    out.write_text(listed.stdout, encoding="utf-8")
    assert json.loads(listed.stdout)["root"] == str(root)

    scored = subprocess.run(
        [sys.executable, str(scorer), str(expected_path), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    summary = scored.stdout.strip().splitlines()[-1]
    assert "ok=True" in summary, scored.stdout
    assert scored.returncode == 0


def test_paths_in_the_listing_are_relative_to_path(notes_dir: Path, run_notetui: Any) -> None:
    listing = json.loads(run_notetui("list", "--json", notes_dir).stdout)
    paths = [n for e in listing["events"] for n in e["notes"]]
    paths += [s["note"] for e in listing["events"] for t in e["talks"] for s in t["sources"]]
    assert paths and all((notes_dir / p).is_file() for p in paths)
    assert not any(Path(p).is_absolute() or "\\" in p for p in paths)
    assert any("/" in p for p in paths)  # sub-folders are kept, POSIX style
