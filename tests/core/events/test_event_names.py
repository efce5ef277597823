"""An event's name as notes write it: cleaned from post titles, compared across notes.
Every title here is invented for the test."""

from __future__ import annotations

import pytest

from notetui.core.parse.event_names import (
    DIFFERENT,
    LIKELY,
    SAME,
    UNKNOWN,
    clean_event_title,
    compare_names,
    event_name,
)


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("【イベント参加レポート】Kaigi on Django 2022", "Kaigi on Django 2022"),
        ("[Go]gophers.example #11 参加メモ #gophersex", "gophers.example #11"),
        ("Nagoya Elm Meetup #9", "Nagoya Elm Meetup #9"),
        ("Nagoya Elm Meetup #9 参加レポート #nagoyaelm", "Nagoya Elm Meetup #9"),
        ("PyCon Shikoku 2025 — my notes", "PyCon Shikoku 2025"),
        ("Highlights and Insights from SwiftConf 2024", "SwiftConf 2024"),
        ("Notes from Fukuoka.ts Meetup #14", "Fukuoka.ts Meetup #14"),
        ("ScalaMatsuri2020 セッションレポート@オンライン参加", "ScalaMatsuri2020"),
        ("ElmConf Japan 2023 in 福岡に参加してきた話", "ElmConf Japan 2023 in 福岡"),
        ("Tanuki Notes #ElmConf Japan 2023 Day2", "Tanuki Notes ElmConf Japan 2023"),
        ("Kotlin Fest 2021 Autumn - 2021年10月16日参加レポート", "Kotlin Fest 2021 Autumn"),
        ("Android Night 2024 オンライン参加レポート（速報）", "Android Night 2024"),
        ("GCPUG Sendai Day April 2018参加メモ #gcpug", "GCPUG Sendai Day April 2018"),
        ("RustFest 2日目 に行ってきました！", "RustFest"),
        ("Code Review Night #3", "Code Review Night #3"),  # "review" is a name's word here
        ("参加レポート", "参加レポート"),  # nothing but report words: kept as written
    ],
)
def test_a_post_title_gives_the_event_name(title: str, name: str) -> None:
    assert clean_event_title(title) == name


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        ("SREcon Asia 2019", "SRECon19 Asia", SAME),
        ("ElmConf Japan 2023", "ElmConf Japan 2023 in 福岡", SAME),
        ("Sendai DevOps #26", "Sendai DevOps #26 PagerDuty入門", SAME),
        ("ElmConf 2023 in 福岡", "Tanuki Notes ElmConf 2023", LIKELY),
        ("gophers.example #11", "gophers.example #26", DIFFERENT),
        ("第11回 gophers.example", "gophers.example #11", SAME),
        ("ElmConf Japan 2022", "ElmConf Japan 2023", DIFFERENT),
        ("Tokyo Rust Meetup #3", "Tokyo Go Meetup #3", UNKNOWN),  # common words only
        ("Sample Infra Night #4", "Sample Relay Study #53 - インフラ特集", UNKNOWN),
    ],
)
def test_two_names_are_compared_by_their_words_and_numbers(a: str, b: str, relation: int) -> None:
    assert compare_names(event_name(a), event_name(b)) == relation
    assert compare_names(event_name(b), event_name(a)) == relation
