"""The length prune of point alignment: pairs whose lengths cannot reach the threshold
are not scored, and no alignment changes because of it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from notetui.core.load.library import load_library
from notetui.core.models import Section, SectionKind
from notetui.core.points import alignment
from notetui.core.points.alignment import DEFAULT_POINT_THRESHOLD, align_points
from notetui.core.points.cutting import parse_points
from notetui.core.points.model import Point
from notetui.core.points.similarity import best_possible, point_similarity

# Latin letters, kana and kanji: enough that random keys rarely repeat a bigram.
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789" + "".join(map(chr, range(0x3041, 0x3097)))
ALPHABET += "".join(map(chr, range(0x4E00, 0x4E00 + 300)))


def distinct_bigrams(key: str) -> bool:
    pairs = [key[i : i + 2] for i in range(len(key) - 1)]
    return len(pairs) == len(set(pairs))


def key_pairs(count: int) -> list[tuple[str, str]]:
    rng = random.Random(20250611)
    pairs: list[tuple[str, str]] = []
    while len(pairs) < count:
        long_ = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 80)))
        start = rng.randint(0, len(long_) - 1)
        # Half the short keys are found inside the long one: the partial match's best case.
        if rng.random() < 0.5:
            short = long_[start : start + rng.randint(1, 30)]
        else:
            short = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 30)))
        if distinct_bigrams(short) and distinct_bigrams(long_):
            pairs.append((short, long_))
    return pairs


def test_no_pair_scores_above_what_its_lengths_allow() -> None:
    for short, long_ in key_pairs(4000):
        score = point_similarity(short, long_)
        assert score <= best_possible(len(short), len(long_)) + 1e-9, (short, long_)


def test_lengths_far_apart_rule_a_pair_out_and_close_ones_do_not() -> None:
    assert best_possible(3, 40) < DEFAULT_POINT_THRESHOLD
    assert best_possible(6, 40) < DEFAULT_POINT_THRESHOLD
    assert best_possible(8, 40) >= DEFAULT_POINT_THRESHOLD  # found inside: still a match
    assert best_possible(20, 24) >= DEFAULT_POINT_THRESHOLD
    assert best_possible(0, 5) == 0.0


def section(lines: list[str]) -> Section:
    body = "\n".join(f"- {line}" for line in lines)
    return Section("Invented", SectionKind.TALK, 1, len(lines) + 1, body, 2)


def test_the_prune_skips_pairs_that_cannot_match(monkeypatch: pytest.MonkeyPatch) -> None:
    """points.py used to test `|a - b| < 4 * max(a, b)`, which always holds: every
    pair was scored."""
    short = ["retries", "queues", "timeouts"]
    long_ = [
        "we capped retries per request and the thundering herd after deploys went away",
        "every queue got a dead letter queue and an alert on its age, not on its size",
        "timeouts are now set from the caller's deadline instead of a fixed thirty seconds",
    ]
    points = [parse_points(section(short)), parse_points(section(long_))]
    scored: list[tuple[str, str]] = []
    real = alignment.similarity

    def counting(a: alignment.Key, b: alignment.Key) -> float:
        scored.append((a.text, b.text))
        return real(a, b)

    monkeypatch.setattr(alignment, "similarity", counting)
    align_points(points)
    assert len(scored) < len(short) * len(long_)
    assert scored == []  # a word against a sentence: none of them can reach the threshold


def alignments(points: list[list[Point]]) -> list[list[tuple[int, int]]]:
    return [[(r.source, r.point) for r in group] for group in align_points(points).groups]


@pytest.mark.parametrize("folder", ["notes", "corpus"])
def test_the_prune_changes_no_alignment_of_real_notes(
    folder: str, notes_dir: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = load_library(notes_dir if folder == "notes" else corpus_dir, cache=False)
    talks = [t for t in library.talks if len(t.sources) > 1]
    assert talks
    sources = [[parse_points(s.section) for s in t.sources] for t in talks]
    pruned = [alignments(points) for points in sources]
    assert any(pruned), "some points of these talks align"
    monkeypatch.setattr(alignment, "best_possible", lambda a, b: 100.0)
    assert [alignments(points) for points in sources] == pruned
