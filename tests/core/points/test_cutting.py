"""Cutting a section's body into points, from markdown-it's block tokens.

The notes here are invented for these tests.
"""

from __future__ import annotations

from notetui.core.models import Section, SectionKind, Speaker
from notetui.core.points.cutting import parse_points, section_points
from notetui.core.points.model import Point, PointKind


def talk(body: str, *, speakers: tuple[Speaker, ...] = (), slides: tuple[str, ...] = ()) -> Section:
    return Section(
        title="Invented talk",
        kind=SectionKind.TALK,
        line=10,
        end_line=10 + body.count("\n") + 1,
        body=body,
        body_line=11,
        speakers=speakers,
        slides=slides,
    )


def shape(points: list[Point]) -> list[tuple[str, int, str]]:
    return [(p.kind.value, p.depth, p.text) for p in points]


def test_bullets_nest_as_markdown_nests_them() -> None:
    body = "* top\n    * four spaces in\n      - deeper still\n* next top\n  1. numbered\n"
    points = parse_points(talk(body))
    assert shape(points) == [
        ("bullet", 0, "top"),
        ("bullet", 1, "four spaces in"),
        ("bullet", 2, "deeper still"),
        ("bullet", 0, "next top"),
        ("bullet", 1, "numbered"),
    ]
    assert [p.ordered for p in points] == [None, None, None, None, "1."]
    assert [p.line for p in points] == [11, 12, 13, 14, 15]
    assert [p.index for p in points] == [0, 1, 2, 3, 4]


def test_a_numbered_item_written_after_a_bullet_is_one_numbered_item() -> None:
    points = parse_points(talk("- 1. first step\n  - detail of it\n- 2. second step\n"))
    assert shape(points) == [
        ("bullet", 0, "first step"),
        ("bullet", 1, "detail of it"),
        ("bullet", 0, "second step"),
    ]
    assert [p.ordered for p in points] == ["1.", None, "2."]


def test_an_item_keeps_its_indented_lines_and_not_the_unindented_ones() -> None:
    body = "- the cache was cold\n  after every deploy\nthe next line is its own\n"
    assert shape(parse_points(talk(body))) == [
        ("bullet", 0, "the cache was cold after every deploy"),
        ("text", 0, "the next line is its own"),
    ]


def test_plain_text_markers_are_bullets_and_lines_are_points() -> None:
    body = "Opening remarks\n・queues everywhere\n--a nested thought\n→ a conclusion\n"
    assert shape(parse_points(talk(body))) == [
        ("text", 0, "Opening remarks"),
        ("bullet", 0, "queues everywhere"),
        ("bullet", 1, "a nested thought"),
        ("bullet", 0, "a conclusion"),
    ]


def test_headings_code_tables_quotes_and_rules() -> None:
    body = (
        "## Setup\n"
        "```toml\n[tool]\nname = 1\n```\n"
        "\n"
        "| key | value |\n|-----|-------|\n| a | 1 |\n"
        "\n"
        "> quoted line one\n> quoted line two\n"
        "\n---\n"
        "Results\n=======\n"
    )
    points = parse_points(talk(body))
    assert [(p.kind, p.level) for p in points] == [
        (PointKind.HEADING, 2),
        (PointKind.CODE, 0),
        (PointKind.TABLE, 0),
        (PointKind.QUOTE, 0),
        (PointKind.QUOTE, 0),
        (PointKind.RULE, 0),
        (PointKind.HEADING, 1),
    ]
    assert points[1].text == "```toml\n[tool]\nname = 1\n```"
    assert points[2].text == "| key | value |\n|-----|-------|\n| a | 1 |"
    assert [points[3].text, points[4].text, points[6].text] == [
        "quoted line one",
        "quoted line two",
        "Results",
    ]


def test_a_table_inside_a_list_item_loses_the_item_indentation() -> None:
    points = parse_points(talk("- figures\n\n    | a | b |\n    |---|---|\n    | 1 | 2 |\n"))
    assert [p.kind for p in points] == [PointKind.BULLET, PointKind.TABLE]
    assert points[1].text == "| a | b |\n|---|---|\n| 1 | 2 |"
    assert points[1].depth == 1  # held by the item


def test_indented_lines_are_code_after_a_heading_and_prose_after_prose() -> None:
    after_heading = parse_points(talk("## Example\n\n    let x = 1;\n"))
    assert shape(after_heading)[1] == ("code", 0, "    let x = 1;")
    after_text = parse_points(talk("she said\n\n    a quoted tweet, indented\n"))
    assert shape(after_text) == [("text", 0, "she said"), ("text", 0, "a quoted tweet, indented")]


def test_a_star_over_a_dash_is_an_item_not_a_heading() -> None:
    assert shape(parse_points(talk("* new system\n  -\n* old system\n"))) == [
        ("bullet", 0, "new system"),
        ("bullet", 0, "old system"),
    ]


def test_reference_definitions_and_footnotes_stay_as_lines() -> None:
    body = (
        "See the report[^1].\n\n[^1]: written after the outage\n[docs]: https://example.org/docs\n"
    )
    assert [p.text for p in parse_points(talk(body))] == [
        "See the report[^1].",
        "[^1]: written after the outage",
        "[docs]: https://example.org/docs",
    ]


def test_long_lines_are_cut_into_sentences() -> None:
    sentence = "キャッシュの有効期限を見直したところ、夜間のバッチが大幅に速くなった。"
    assert len(sentence * 6) > 160
    points = parse_points(talk(sentence * 6))
    assert [p.text for p in points] == [sentence] * 6


SPEAKER = Speaker("Mina Kagawa", "mkagawa", "Tidewater Labs")
DECK = "https://speakerdeck.com/mkagawa/queues-all-the-way-down"


def test_speaker_and_slide_lines_are_header_not_body() -> None:
    body = (
        f"### Mina Kagawa (@mkagawa) ◆ Tidewater Labs\n"
        f"Slides: {DECK}\n"
        f"* queues are a contract\n"
        f"* [the deck]({DECK})\n"
        f"* see [her deck]({DECK}) for the numbers behind the retry budget\n"
    )
    cut = section_points(talk(body, speakers=(SPEAKER,), slides=(DECK,)))
    assert [p.text for p in cut.header] == [
        "Mina Kagawa (@mkagawa) ◆ Tidewater Labs",
        f"Slides: {DECK}",
        f"[the deck]({DECK})",
    ]
    # A sentence with a link in it says more than where the slides are.
    assert [p.text for p in cut.body] == [
        "queues are a contract",
        f"see [her deck]({DECK}) for the numbers behind the retry budget",
    ]
    assert [p.index for p in cut.body] == [0, 1]
    assert [p.index for p in cut.header] == [0, 1, 2]


def test_only_lines_the_header_shows_leave_the_body() -> None:
    body = f"@mkagawa\nSlides: {DECK}\n* queues are a contract\n"
    # A section that names no speaker and no slides keeps every line.
    assert len(parse_points(talk(body))) == 3
    # Another person's line is not this talk's speaker line.
    other = Speaker("Ren Oda", "renoda", None)
    assert parse_points(talk(body, speakers=(other,)))[0].text == "@mkagawa"
    # A speaker line further down is text the author wrote about them.
    later = "* queues are a contract\n@mkagawa\n"
    assert len(parse_points(talk(later, speakers=(SPEAKER,)))) == 2


def test_bad_markdown_never_breaks_the_cut() -> None:
    nasty = "```\nunclosed fence\n" + ">" * 200 + " deep\n" + "- " * 300 + "x\n" + "\x00\r\n"
    points = parse_points(talk(nasty))
    assert points and points[0].kind is PointKind.CODE
    assert parse_points(talk("")) == []
    assert parse_points(talk("\n\n   \n")) == []
