"""The vocabulary loader: entries from a data file, matched as whole words."""

from __future__ import annotations

from notetui.core.parse import vocabulary


def test_entries_are_folded_and_comments_dropped() -> None:
    assert set(vocabulary.words("example")) == {"open", "休憩", "tea time"}


def test_latin_entries_match_only_as_whole_words() -> None:
    assert vocabulary.mentions("example", "Doors OPEN at 19:00")
    assert not vocabulary.mentions("example", "OpenTable and reopening")
    assert vocabulary.find("example", "Ｔｅａ Ｔｉｍｅ, then open") == ["tea time", "open"]


def test_japanese_entries_match_inside_japanese_text() -> None:
    assert vocabulary.mentions("example", "小休憩（10分）")


def test_is_only_wants_nothing_but_entries_and_punctuation() -> None:
    assert vocabulary.is_only("example", "休憩")
    assert vocabulary.is_only("example", "（休憩）")
    assert not vocabulary.is_only("example", "休憩時間を活かすSRE")
    assert not vocabulary.is_only("example", "")
