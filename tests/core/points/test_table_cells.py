"""A table point as the reader lays it out: its cells come from markdown-it's table
tokens (`ui.rendering.table_rows`), the same parser that cut the point."""

from __future__ import annotations

from rich.console import Console

from notetui.core.models import Section, SectionKind
from notetui.core.points.cutting import parse_points
from notetui.core.points.model import PointKind
from notetui.ui.rendering import table_lines, table_rows

FACTS = "|||\n|---|---|\n|URL|https://example.org/night/3|\n|Venue|Pier 4 hall|"
SCORES = (
    "| service | p99 before | p99 after |\n"
    "|:--------|-----------:|:---------:|\n"
    "| cart | 180ms | 60ms |\n"
    "| search \\| suggest | 90ms |\n"
)


def test_a_header_row_and_its_body() -> None:
    assert table_rows(SCORES) == (
        [
            ["service", "p99 before", "p99 after"],
            ["cart", "180ms", "60ms"],
            ["search | suggest", "90ms", ""],
        ],
        True,
    )


def test_an_empty_header_row_is_no_header() -> None:
    assert table_rows(FACTS) == (
        [["URL", "https://example.org/night/3"], ["Venue", "Pier 4 hall"]],
        False,
    )


def test_text_that_is_not_a_table_has_no_rows() -> None:
    assert table_rows("| just a line with a pipe |") == ([], False)
    assert table_rows("") == ([], False)


def test_control_characters_never_reach_a_cell() -> None:
    """They show as inert stand-ins (the reader's sanitiser), never as themselves."""
    rows, _ = table_rows("| a\x1b]0;t\x07 | b\u202e |\n|---|---|\n| 1 | 2 |")
    assert rows == [["a␛]0;t␇", "b\\u202e"], ["1", "2"]]


def test_a_cut_table_lays_out_in_columns() -> None:
    body = "- figures\n\n    " + SCORES.replace("\n", "\n    ")
    section = Section("Invented", SectionKind.TALK, 1, 12, body, 2)
    table = next(p for p in parse_points(section) if p.kind is PointKind.TABLE)
    lines = [line.plain for line in table_lines(table.text, 60, Console(width=80))]
    assert lines[0].split() == ["service", "p99", "before", "p99", "after"]
    assert lines[1].split() == ["cart", "180ms", "60ms"]
    assert lines[2].split() == ["search", "|", "suggest", "90ms"]
    assert all(len(line) <= 60 for line in lines)
