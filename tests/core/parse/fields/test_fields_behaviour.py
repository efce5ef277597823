"""What a reader sees of titles, speakers and slides in the shapes issue 11 names."""

from __future__ import annotations

from notetui.core.models import Speaker
from notetui.core.parse import speakers as speakers_module
from notetui.core.parse.slides import is_slide_url, slide_links
from notetui.core.parse.speakers import (
    merge_speakers,
    parse_speaker_line,
    social_handle,
    speaker_of_line,
    speakers_in,
)
from notetui.core.parse.titles import clean_title


def test_the_affiliation_after_a_handle_has_no_separator_left() -> None:
    found = speakers_in(["加藤 遥 / @haruka_kt / ミドリテック", "- 本文"])
    assert found.speakers == (Speaker("加藤 遥", "haruka_kt", "ミドリテック"),)
    assert found.line_indexes == frozenset({0})


def test_a_hyphenated_name_is_a_speaker_like_any_other() -> None:
    assert speaker_of_line("### Zac Hatfield-Dodds") == Speaker("Zac Hatfield-Dodds")
    assert speaker_of_line("### Brandt Bucher") == Speaker("Brandt Bucher")


def test_an_em_dash_subtitle_is_not_a_speaker() -> None:
    clean = clean_title("# PyCon US 2025 — my notes")
    assert (clean.title, clean.speakers) == ("PyCon US 2025 — my notes", ())


def test_a_title_keeps_its_time_labels_and_speakers_apart() -> None:
    clean = clean_title("## 21:10 ~ 21:20\tLT1 Raspberry Pi で遊んだ話 (仮) by yaegashi_t")
    assert clean.title == "Raspberry Pi で遊んだ話 (仮)"
    assert clean.time == "21:10"
    assert clean.labels == ("LT1",)
    assert clean.speakers == (Speaker("yaegashi_t", "yaegashi_t", None),)


def test_a_speaker_known_by_a_handle_alone_gets_it_as_name_too() -> None:
    assert speakers_in(["@dulltz_x さん"]).speakers == (Speaker("dulltz_x", "dulltz_x", None),)


def test_slide_and_speaker_lines_are_marked_so_they_are_not_points() -> None:
    body = [
        "鶴田 太郎(サンプル株式会社)",
        "@tsuru_t",
        "資料: https://speakerdeck.com/t/talk",
        "本文",
    ]
    found = speakers_in(body)
    assert found.speakers == (Speaker("鶴田 太郎", "tsuru_t", "サンプル株式会社"),)
    assert found.line_indexes == frozenset({0, 1, 2})


def test_a_deck_host_front_page_a_repository_and_a_talk_page_are_not_decks() -> None:
    assert is_slide_url("https://speakerdeck.com/alice/talk")
    assert not is_slide_url("https://speakerdeck.com/")
    assert not is_slide_url("https://github.com/alice/slides-tool")
    assert not is_slide_url("https://fortee.jp/conf/proposal/abc")
    assert slide_links("## T\n@[speakerdeck](0123456789abcdef)") == ()


def test_the_old_imports_keep_working() -> None:
    merged = merge_speakers([[Speaker("山下", None, None)], [Speaker("山下 茜", "akane", None)]])
    assert merged == (Speaker("山下 茜", "akane", None),)
    assert parse_speaker_line("登壇者: 山田 太郎 (@yamada_t)") == [Speaker("山田 太郎", "yamada_t")]
    assert social_handle("https://twitter.com/jdoe") == "jdoe"
    lines = ["- https://speakerdeck.com/a/b", "- [blog](https://example.com/post)"]
    assert speakers_module.slide_links(lines) == ["https://speakerdeck.com/a/b"]
    assert speakers_module.is_slide_line("資料: https://speakerdeck.com/a/b")


def test_a_paragraph_given_as_a_title_is_kept_as_written() -> None:
    # Longer than any title: no shape is tried, the text is only collapsed.
    raw = "19:00 " + "long words by somebody - " * 40
    clean = clean_title(raw)
    assert clean.time == "19:00"
    assert clean.title == " ".join(raw.split())[len("19:00 ") :]
    assert clean.speakers == ()


def test_a_title_that_is_all_markup_is_not_left_empty() -> None:
    assert clean_title("{% elink %}").title == "{% elink %}"


def test_a_bare_name_as_a_list_item_is_no_evidence_of_a_speaker() -> None:
    assert speaker_of_line("- Lint Style") is None
    assert speaker_of_line("- 登壇者: 山田 太郎") == Speaker("山田 太郎")
    # Under a weak title, run-together kanji need more than their shape.
    assert speaker_of_line("鶴田貴大", strong=False) is None
    assert speaker_of_line("鶴田貴大") == Speaker("鶴田貴大")


def test_lines_that_label_links_are_known_as_labels() -> None:
    from notetui.core.parse.slides import is_link_label

    assert all(is_link_label(word) for word in ("資料", "今回", "前回", "参考", "Slides:"))
    assert not is_link_label("型のある世界")


def test_a_topic_in_brackets_is_no_speaker() -> None:
    clean = clean_title("Kubernetesで課題解決(中継開催)")
    assert (clean.title, clean.speakers) == ("Kubernetesで課題解決(中継開催)", ())
    assert speakers_in(["## 障害対応", "- 手作業"]).speakers == ()


def test_speakers_named_in_prose_say_so() -> None:
    found = speakers_in(["サンプル社の[yamadaさん](https://twitter.com/yamada_t)による発表です。"])
    assert found.speakers == (Speaker("yamada", "yamada_t", "サンプル社"),)
    assert found.from_prose and not found.line_indexes
    assert not speakers_in(["登壇者: 山田 太郎"]).from_prose


def test_a_word_beside_an_unrelated_handle_is_no_speaker_under_a_weak_title() -> None:
    assert speakers_in(["cache @product"], strong=False).speakers == ()
    assert speakers_in(["uhyo_x @uhyo_x_"], strong=False).speakers == (
        Speaker("uhyo_x", "uhyo_x_", None),
    )
