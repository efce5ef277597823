"""The metamorphic rewrites themselves (tests/support/rewrites.py), on small invented notes.

A rewrite that quietly does nothing would let test_metamorphic.py pass for the wrong
reason, so each one is checked to change what it says it changes and nothing else.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from support import rewrites as rw
from support.browser_dump import LINE_WIDTH, dump_html, dump_page, wrap
from support.paths import WILD, need_shared
from support.rewrites import REWRITES
from support.scoring import LabelledNote, parse_score, write_rewritten

YAML_NOTE = """\
---
title: "Harbor Tech Night #7 参加メモ"
date: 2024-02-09
---

ゆるく参加してきました。

## 19:05 ~ 19:30\tSQLiteを本番で使い続けた一年
### 森下 葵 ◆ 株式会社ミナトラボ
* WALモードが前提
* バックアップは毎時

```sh
# this comment is not a heading
sqlite3 app.db .dump
```

## 19:35 ~ 20:00\tCDNのキャッシュキー設計
### 岩城 遼 ◆ ポートワークス
* Varyヘッダは最小限に

## 20:00\t懇親会
"""

LABEL = {
    "event_title": "Harbor Tech Night #7 参加メモ",
    "talks": [
        {"cluster": "h7-1", "title": "SQLiteを本番で使い続けた一年", "speakers": [], "slides": []},
        {"cluster": "h7-2", "title": "CDNのキャッシュキー設計", "speakers": [], "slides": []},
    ],
    "not_talks": ["懇親会"],
}


def heading_lines(text: str) -> list[str]:
    body = rw.split_front_matter(text).body
    lines = body.split("\n")
    return [lines[h.first] for h in rw.headings(body)]


# -- headings -----------------------------------------------------------------------------


def test_deeper_deepens_every_heading_and_nothing_else() -> None:
    out = rw.headings_deeper(YAML_NOTE)
    assert [h.level for h in rw.headings(rw.split_front_matter(out).body)] == [3, 4, 3, 4, 3]
    assert "# this comment is not a heading" in out.split("\n")  # inside the code fence
    assert out.startswith('---\ntitle: "Harbor Tech Night #7 参加メモ"\n')
    assert out.replace("### ", "## ").replace("#### ", "### ") != out
    before = [line for line in YAML_NOTE.split("\n") if not line.startswith("#")]
    after = [line for line in out.split("\n") if not line.startswith("#")]
    assert before == after


def test_deeper_turns_a_setext_heading_into_atx_one_level_down() -> None:
    note = "Quarterly Infra Sync\n====================\n\nAgenda\n------\n\n- one\n"
    out = rw.headings_deeper(note)
    assert heading_lines(out) == ["## Quarterly Infra Sync", "### Agenda"]


def test_deeper_leaves_a_note_with_a_level_6_heading_alone() -> None:
    note = "## Talk\n\n###### Tiny aside\n"
    assert rw.headings_deeper(note) == note


def test_shallower_lifts_every_heading_when_the_front_matter_holds_the_title() -> None:
    out = rw.headings_shallower(YAML_NOTE)
    assert [h.level for h in rw.headings(rw.split_front_matter(out).body)] == [1, 2, 1, 2, 1]


def test_shallower_keeps_a_title_heading_above_the_others() -> None:
    note = "# Spring Data Meetup\n\n### Streaming joins in practice\n\n#### Q&A\n"
    assert heading_lines(rw.headings_shallower(note)) == [
        "# Spring Data Meetup",
        "## Streaming joins in practice",
        "### Q&A",
    ]
    # Talks right under the title cannot rise without tying with it: left alone.
    flat = "# Spring Data Meetup\n\n## Streaming joins in practice\n"
    assert rw.headings_shallower(flat) == flat
    # Talks at level 1 cannot rise at all.
    top = "# Day 1\n\n## Opening\n\n# Day 2\n"
    assert rw.headings_shallower(top) == top


# -- front matter, time slots -------------------------------------------------------------


@pytest.mark.parametrize(
    "front",
    [
        '---\ntitle: "Edge Compute Study #3"\ntags: [edge]\n---\n',
        '+++\ntitle = "Edge Compute Study #3"\ndraft = false\n+++\n',
        '{\n  "title": "Edge Compute Study #3",\n  "date": "2023-11-02"\n}\n',
    ],
    ids=["yaml", "toml", "json"],
)
def test_front_matter_becomes_a_title_heading(front: str) -> None:
    body = "\n## Cold starts, measured\n- fine\n"
    out = rw.front_matter_to_heading(front + body)
    assert out == "# Edge Compute Study #3\n\n## Cold starts, measured\n- fine\n"


def test_a_note_without_front_matter_is_left_alone() -> None:
    note = "# Edge Compute Study #3\n\n## Cold starts\n"
    assert rw.front_matter_to_heading(note) == note


def test_time_slots_leave_the_headings_and_only_the_headings() -> None:
    out = rw.time_slots_removed(YAML_NOTE)
    assert heading_lines(out) == [
        "## SQLiteを本番で使い続けた一年",
        "### 森下 葵 ◆ 株式会社ミナトラボ",
        "## CDNのキャッシュキー設計",
        "### 岩城 遼 ◆ ポートワークス",
        "## 懇親会",
    ]
    assert rw.strip_time_slot("[10:00] Opening words") == "Opening words"
    assert rw.strip_time_slot("Lightning talks (13:00-13:40)") == "Lightning talks"
    assert rw.strip_time_slot("18:30〜 受付") == "受付"
    assert rw.strip_time_slot("21:00") == "21:00"  # a heading that is only a time stays
    text_only = "## Retro\n\nWe met at 19:00 sharp.\n"
    assert rw.time_slots_removed(text_only) == text_only


# -- first talk only ----------------------------------------------------------------------


def test_first_talk_only_keeps_its_section_and_the_front_matter() -> None:
    out = rw.first_talk_only(YAML_NOTE, LABEL["talks"])
    assert out.startswith("---\n")
    assert "SQLiteを本番で使い続けた一年" in out and "森下 葵" in out and "sqlite3 app.db" in out
    assert "CDNのキャッシュキー設計" not in out and "懇親会" not in out
    assert "ゆるく参加してきました" not in out
    done = rw.BY_NAME["first-talk-only"]("n.md", YAML_NOTE, LABEL)
    assert [t["title"] for t in done.label["talks"]] == ["SQLiteを本番で使い続けた一年"]


def test_first_talk_only_stops_where_a_listed_second_talk_starts() -> None:
    note = (
        "# Small Rust Night\n\nOpening remarks.\n\n"
        "- Borrowing without tears by Mika\n  - lifetimes, gently\n"
        "- A tiny async runtime by Jun\n\n## Afterwards\n"
    )
    talks = [{"title": "Borrowing without tears"}, {"title": "A tiny async runtime"}]
    out = rw.first_talk_only(note, talks)
    assert out == "# Small Rust Night\n\n- Borrowing without tears by Mika\n  - lifetimes, gently\n"
    alone = rw.first_talk_only(note, talks[1:])  # no second talk: the next heading ends it
    assert alone == "# Small Rust Night\n\n- A tiny async runtime by Jun\n"


def test_first_talk_only_prefers_the_heading_over_a_table_of_contents() -> None:
    note = "- [Type holes](#type-holes)\n\n## Type holes\nbody\n\n## Wrap-up\n"
    assert rw.first_talk_only(note, [{"title": "Type holes"}]) == "## Type holes\nbody\n"


def test_first_talk_only_says_so_when_the_talk_is_not_in_the_note() -> None:
    with pytest.raises(rw.RewriteError, match="not in the note"):
        rw.first_talk_only("## Something else\n", [{"title": "Vanishing talk"}])


# -- the browser dump ---------------------------------------------------------------------


def test_dump_draws_nested_lists_as_w3m_does() -> None:
    out = dump_page("- apples\n  - green ones\n- pears\n", "My Blog", None)
    assert out == "My Blog\n\n  • apples\n      □ green ones\n  • pears\n\n"


def test_dump_numbers_ordered_lists_from_their_start() -> None:
    out = dump_html("<ol start='3'><li>third</li><li>fourth</li></ol>")
    assert out == " 3. third\n 4. fourth\n\n"


def test_dump_drops_heading_marks_link_targets_and_tags() -> None:
    md = (
        "## [Shipping faster](https://example.com/deck)\n\n"
        "See <u>this</u> and ![the venue](v.jpg).\n\n---\n\n"
        "<blockquote class='embed'><p>nice talk</p>&mdash; someone</blockquote>\n"
    )
    out = dump_page(md, "Plain Notes", "Meetup day").split("\n")
    assert out[:7] == [
        "Plain Notes",
        "",
        "Meetup day",
        "",
        "Shipping faster",
        "",
        "See this and the venue.",
    ]
    assert "━" * LINE_WIDTH in out
    assert "    nice talk" in out and "    — someone" in out
    assert not any("example.com" in line or "#" in line or "<" in line for line in out)


def test_dump_joins_soft_breaks_like_a_browser() -> None:
    out = dump_page("朝から雨。\n傘を忘れた。\nThen the\nbus came.\n", "b", None)
    assert "朝から雨。傘を忘れた。 Then the bus came." in out


def test_dump_reflows_at_159_columns_counting_cjk_as_two() -> None:
    lines = wrap("あ" * 100, LINE_WIDTH)
    assert [len(line) for line in lines] == [79, 21]
    words = wrap(" ".join(["word"] * 40), LINE_WIDTH)
    assert all(len(line) <= LINE_WIDTH for line in words) and len(words) == 2


def test_dump_lines_up_table_columns() -> None:
    out = dump_page("|||\n|---|---|\n|URL|https://example.org/e/1|\n|会場|三番倉庫|\n", "b", None)
    assert "URL  https://example.org/e/1" in out.split("\n")
    assert "会場 三番倉庫" in out.split("\n")


def test_the_dump_of_a_markdown_note_no_longer_reads_as_markdown() -> None:
    note = YAML_NOTE.replace("# this comment is not a heading\n", "")  # code shows as is
    dumped = rw.browser_dump(note)
    assert rw.is_markdown(note) and not rw.is_markdown(dumped)
    assert "  • WALモードが前提" in dumped.split("\n")
    assert "Harbor Tech Night #7 参加メモ" in dumped.split("\n")  # the post title above


def test_browser_dump_maps_titles_and_hides_link_only_slides() -> None:
    note = (
        "---\ntitle: t\n---\n## <Widget /> を分解する\n"
        "[deck](https://slides.example/a)\n\nhttps://slides.example/b\n"
    )
    slides = ["https://slides.example/a", "https://slides.example/b"]
    label = {"talks": [{"title": "<Widget /> を分解する", "speakers": [], "slides": slides}]}
    done = rw.BY_NAME["browser-dump"]("x.md", note, label)
    assert done.name == "x.txt"
    assert done.label["talks"][0]["title"] == "を分解する"
    assert done.label["talks"][0]["slides"] == ["https://slides.example/b"]


def test_our_dumps_have_the_shape_of_the_shipped_scraped_notes() -> None:
    """The .txt notes in ../shared/wild were dumped by w3m from Markdown we do not have;
    our dumps of the other wild notes must use the same bullets, rules and width."""
    need_shared(WILD)
    shipped = sorted(WILD.glob("*.txt"))
    assert shipped, f"no scraped (.txt) notes in {WILD}"

    def shape(text: str) -> tuple[set[str], set[int], int]:
        bullets = {line[: line.index(ch) + 2] for line in text.split("\n")
                   for ch in "•□" if line.lstrip().startswith(ch)}  # fmt: skip
        rules = {len(line) for line in text.split("\n") if line and set(line) == {"━"}}
        widest = max(_width(line) for line in text.split("\n") if " " in line.strip())
        return bullets, rules, widest

    theirs = [shape(p.read_text("utf-8")) for p in shipped]
    ours = [shape(rw.browser_dump(p.read_text("utf-8"))) for p in sorted(WILD.glob("*.md"))]
    bullets_theirs = set().union(*(s[0] for s in theirs))
    bullets_ours = set().union(*(s[0] for s in ours))
    assert bullets_theirs == {"  • ", "      □ "}
    assert bullets_theirs <= bullets_ours
    assert set().union(*(s[1] for s in theirs)) == set().union(*(s[1] for s in ours)) == {159}
    assert max(s[2] for s in ours) <= LINE_WIDTH >= max(s[2] for s in theirs)


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


# -- cp932 and blog chrome ----------------------------------------------------------------


def test_cp932_crlf_round_trips() -> None:
    data, lost = rw.cp932_crlf(YAML_NOTE)
    assert lost == 0
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really CP932 bytes
    text = data.decode("cp932")
    assert text.count("\r\n") == YAML_NOTE.count("\n") and "\n" not in text.replace("\r\n", "")
    assert text.replace("\r\n", "\n") == YAML_NOTE


def test_cp932_writes_what_it_cannot_hold_as_a_question_mark_and_counts_it() -> None:
    note = "## 移行の話 — その後 🎉\n"
    data, lost = rw.cp932_crlf(note)
    assert lost == 2  # the em dash and the emoji have no CP932 code
    assert data.decode("cp932") == "## 移行の話 ? その後 ?\r\n"
    speaker = {"name": "—", "handle": None, "affiliation": None}
    label = {"talks": [{"title": "移行の話 — その後", "slides": [], "speakers": [speaker]}]}
    done = rw.BY_NAME["cp932-crlf"]("n.md", note, label)
    assert done.label["talks"][0]["title"] == "移行の話 ? その後"
    assert done.label["talks"][0]["speakers"][0] == {
        "name": "?",
        "handle": None,
        "affiliation": None,
    }
    assert "2 characters" in done.remark


def test_cp932_labels_follow_the_codecs_best_fit() -> None:
    # CP932 holds a wave dash only as the fullwidth tilde: the label must read the same way.
    data, lost = rw.cp932_crlf("## 基礎 〜 応用\n")
    assert lost == 0 and data.decode("cp932") == "## 基礎 ～ 応用\r\n"
    assert rw.through_cp932("基礎 〜 応用") == "基礎 ～ 応用"


@pytest.mark.parametrize("variant", range(len(rw.CHROMES)))
def test_blog_chrome_wraps_the_note_in_a_page(variant: int) -> None:
    chrome = rw.CHROMES[variant]
    out = rw.blog_chrome(YAML_NOTE, variant)
    body = rw.split_front_matter(YAML_NOTE).body.strip("\n")
    assert not out.startswith("---") and "date: 2024" not in out
    assert out.startswith(f"{chrome.blog}\n\n{chrome.tagline}\n\n")
    assert "Harbor Tech Night #7 参加メモ" in out.split(body)[0]
    assert body in out
    assert out.rstrip("\n").endswith(chrome.footer[-1])
    assert all(line in out.split(body)[1] for line in chrome.footer)


# -- detection and the rewritten folder ---------------------------------------------------


def test_markdown_is_told_by_content() -> None:
    assert rw.is_markdown(YAML_NOTE)
    assert rw.is_markdown("# Notes\n\nplain line\n")
    assert rw.is_markdown("intro\n\n* one\n* two\n")
    assert not rw.is_markdown("My Blog\n\nPost title\n\n  • one\n  • two\n")


def test_rewritten_folder_keeps_basenames_and_matching_labels(tmp_path: Path) -> None:
    event = {"files": ["a.md", "b.md"], "date": "2024-02-09", "event_titles": ["Harbor"]}
    notes = [LabelledNote(tmp_path / n, YAML_NOTE, LABEL, event) for n in ("a.md", "b.md")]
    made = write_rewritten(rw.BY_NAME["browser-dump"], notes, tmp_path / "out")
    expected = json.loads(made.expected.read_text("utf-8"))
    assert sorted(p.name for p in made.notes.iterdir()) == ["a.txt", "b.txt"]
    assert sorted(expected["files"]) == ["a.txt", "b.txt"]
    assert expected["events"] == [{**event, "files": ["a.txt", "b.txt"]}]
    assert made.changed == 2
    assert not made.expected.is_relative_to(made.notes)


def test_score_lines_are_read_into_figures() -> None:
    output = (
        "  missed talk in a.md: One\n  extra talk in a.md: Two\n  extra talk in b.md: Three\n"
        "talks precision=0.33 recall=0.50\n"
        "speakers recall=1/2  slides recall=0/0\n"
        "merge pairs precision=1.00 recall=1.00\n"
        "event pairs tp=1 fp=0 fn=1 notes_without_event=1 wrong_dates=2\n"
        "SUMMARY ok=False talks P/R=0.33/0.50 merge P/R=1.00/1.00 speakers=1/2 slides=0/0 "
        "events fp/fn=0/1 dates_wrong=2\n"
    )
    f = parse_score(output)
    assert (f.talks_precision, f.talks_recall, f.speakers_found, f.speakers_all) == (
        0.33,
        0.5,
        1,
        2,
    )
    assert (f.events_fp, f.events_fn, f.notes_without_event, f.wrong_dates, f.ok) == (
        0,
        1,
        1,
        2,
        False,
    )
    assert f.exact_talks(2) == (1 / 3, 0.5)


def _norm(text: str) -> str:
    """How score.py compares titles: NFKC, case-folded, no spaces."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if not ch.isspace())


@pytest.mark.parametrize("rewrite", REWRITES, ids=lambda r: r.name)
def test_every_mapped_title_is_still_in_each_rewritten_shared_note(
    rewrite: rw.Rewrite, shared_notes: list[LabelledNote]
) -> None:
    """The labels a rewrite maps to must be findable in what it wrote: a talk whose title
    the rewrite lost (or mislabelled) would fail the parser for the rewrite's fault."""
    for note in shared_notes:
        done = rewrite(note.path.name, note.text, note.label)
        text = done.data.decode("cp932" if rewrite.name == "cp932-crlf" else "utf-8")
        assert done.label["talks"], note.path.name
        lost = [t["title"] for t in done.label["talks"] if _norm(t["title"]) not in _norm(text)]
        assert not lost, f"{rewrite.name} on {note.path.name} lost {lost}"
        if rewrite.name != "cp932-crlf":
            assert "\r" not in text


def test_the_rewrites_change_the_shared_notes_they_apply_to(
    shared_notes: list[LabelledNote],
) -> None:
    changed = {
        r.name: sum(r(n.path.name, n.text, n.label).changed for n in shared_notes) for r in REWRITES
    }
    every = len(shared_notes)
    assert changed["headings-deeper"] == every
    assert changed["browser-dump"] == changed["cp932-crlf"] == changed["blog-chrome"] == every
    assert changed["first-talk-only"] == every
    assert changed["headings-shallower"] >= every // 2
    assert changed["front-matter-as-heading"] >= every // 2
    assert changed["no-time-slots"] >= 2
