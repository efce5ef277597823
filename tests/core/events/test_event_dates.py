"""The event's day, as a reader would date it: golden fixtures, one note each.

Each `fixtures/dates/NAME.md` (or `.txt`) is a note written for these tests, and
`NAME.result.json` says what the note's event is: its cleaned name, the day it took
place and whether the note says so itself (`explicit`) or only the post's date
does. A fixture may give `path` to be read under another file name (a dated one).
Adding a date shape means adding one fixture pair.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from notetui.core.load.files import read_note
from notetui.core.parse.event_dates import dates_in, parse_date
from notetui.core.parse.note import split_note

FIXTURES = Path(__file__).parent / "fixtures" / "dates"
CASES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".md", ".txt"))


def test_every_fixture_has_its_answer() -> None:
    assert len(CASES) >= 10
    for case in CASES:
        assert case.with_suffix(".result.json").is_file(), case.name


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_the_event_is_dated_by_the_day_it_took_place(case: Path, tmp_path: Path) -> None:
    expected = json.loads(case.with_suffix(".result.json").read_text("utf-8"))
    name = expected.get("path", case.name)
    copy = tmp_path / name
    shutil.copyfile(case, copy)
    event = split_note(read_note(copy, tmp_path), name).event
    assert (event.date, event.date_is_explicit) == (expected["date"], expected["explicit"])
    assert event.title == expected["title"]


@pytest.mark.parametrize(
    ("text", "year", "first", "last"),
    [
        ("2019/04/26(木)", None, "2019-04-26", "2019-04-26"),
        ("２０１９年５月１８日", None, "2019-05-18", "2019-05-18"),
        ("2021 年 3 月 6 日（土）〜 3 月 7 日（日）に開催", None, "2021-03-06", "2021-03-07"),
        ("10/25〜10/26", 2024, "2024-10-25", "2024-10-26"),
        ("6/1(木)～3(土)", 2023, "2023-06-01", "2023-06-03"),
        ("2024/10/26, 27 に行われた", None, "2024-10-26", "2024-10-27"),
        ("Fukuoka, 4/18...4/20", 2019, "2019-04-18", "2019-04-20"),
        ("May 18, 2019", None, "2019-05-18", "2019-05-18"),
        ("18 May 2019", None, "2019-05-18", "2019-05-18"),
        ("from August 26th to 28th", 2025, "2025-08-26", "2025-08-28"),
    ],
)
def test_a_date_or_a_range_of_days_is_read(
    text: str, year: int | None, first: str, last: str
) -> None:
    [mention] = dates_in(text, year)
    assert (mention.first.isoformat(), mention.last.isoformat()) == (first, last)
    assert mention.is_range == (first != last)


@pytest.mark.parametrize(
    "text",
    ["Ruby 2.6.3", "1.2/3", "19:00 - 19:30", "4/18/2019", "ver. 10.4", "2/30 は無い日"],
)
def test_what_is_not_a_date_is_not_read(text: str) -> None:
    assert dates_in(text, 2020) == []


def test_a_day_without_its_year_needs_one_from_elsewhere() -> None:
    assert dates_in("4/18(木)") == []
    assert parse_date("4/18(木)") is None
    assert dates_in("4/18(木)", 2019)[0].first == dt.date(2019, 4, 18)
    assert not dates_in("4/18(木)", 2019)[0].has_year
