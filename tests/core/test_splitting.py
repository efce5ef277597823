"""Splitting one note into its event and its sections, on small notes written for these
tests in the shapes real notes come in. None of them is in the corpus: the heuristics
have to generalise."""

from __future__ import annotations

import textwrap
from pathlib import Path

from notetui.core.load.library import load_library
from notetui.core.models import Library, Note, Section, SectionKind

TALK = SectionKind.TALK


def load(tmp_path: Path, files: dict[str, str]) -> Library:
    root = tmp_path / "notes"
    root.mkdir(exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return load_library(root)


def split(tmp_path: Path, text: str, name: str = "note.md") -> Note:
    library = load(tmp_path, {name: text})
    assert library.problems == ()
    [note] = library.notes
    return note


def outline(note: Note) -> list[tuple[str, str]]:
    return [(s.kind.value, s.title) for s in note.sections]


def talk(note: Note, title: str) -> Section:
    [found] = [s for s in note.talks if s.title == title]
    return found


def speakers(section: Section) -> list[tuple[str, str | None, str | None]]:
    return [(s.name, s.handle, s.affiliation) for s in section.speakers]


# ------------------------------------------------------------------------------ Markdown

TIMETABLE = """\
    ---
    title: "Sample SRE Night #2"
    date: 2024-09-10
    ---

    ## 19:00\t開場・受付
    ## 19:30 - 19:50 休憩時間を活かすSRE
    ### 高橋 一郎(@ichi_t) ◆ 株式会社サンプル
    * 休憩中はアラートを見ないと決めた
    ## [19:50] 休憩
    ## 19時55分 監視ダッシュボードを減らした話
    ### 小林 美咲(株式会社テスト)
    * 80枚あったダッシュボードを12枚に
    ### Q&A
    * Q: 何を基準に消した？
    ## Q&A
    * A: 一か月誰も見ていないもの
    ## 20:30 懇親会
    ## 感想
    * どちらも真似できそう
    ## 関連リンク
    * https://example.com/sre-night-2
    """


def test_front_matter_and_time_slot_headings(tmp_path: Path) -> None:
    note = split(tmp_path, TIMETABLE)
    assert note.event.title == "Sample SRE Night #2"
    assert note.event.date == "2024-09-10"
    assert outline(note) == [
        ("schedule", "開場・受付"),
        ("talk", "休憩時間を活かすSRE"),
        ("schedule", "休憩"),
        ("talk", "監視ダッシュボードを減らした話"),
        ("schedule", "懇親会"),
        ("impressions", "感想"),
        ("links", "関連リンク"),
    ]
    assert [s.time for s in note.sections[:5]] == ["19:00", "19:30", "19:50", "19:55", "20:30"]
    assert speakers(note.talks[0]) == [("高橋 一郎", "ichi_t", "株式会社サンプル")]
    assert speakers(note.talks[1]) == [("小林 美咲", None, "株式会社テスト")]


def test_a_break_is_schedule_but_a_talk_about_breaks_is_a_talk(tmp_path: Path) -> None:
    note = split(tmp_path, TIMETABLE)
    kinds = {s.title: s.kind for s in note.sections}
    assert kinds["休憩"] is SectionKind.SCHEDULE
    assert kinds["休憩時間を活かすSRE"] is TALK


def test_q_and_a_stays_with_its_talk(tmp_path: Path) -> None:
    note = split(tmp_path, TIMETABLE)
    dashboards = talk(note, "監視ダッシュボードを減らした話")
    assert "Q: 何を基準に消した？" in dashboards.body  # a Q&A heading under the talk
    assert "A: 一か月誰も見ていないもの" in dashboards.body  # a Q&A heading right after it
    assert not any("Q&A" in s.title for s in note.sections)
    assert dashboards.end_line == 17


def test_an_h1_event_with_h2_talks_and_no_metadata(tmp_path: Path) -> None:
    note = split(
        tmp_path,
        """\
        # Sample Cloud Meetup #8 - クラウド移行特集

        ## オンプレからクラウドへ移した三年間
        * 最初の一年は二重運用
        * 移行の順番はデータの重さで決めた

        ## コスト可視化を全チームに広げた話
        * タグ付けを強制するところから
        """,
    )
    assert note.event.title == "Sample Cloud Meetup #8 - クラウド移行特集"
    assert outline(note) == [
        ("talk", "オンプレからクラウドへ移した三年間"),
        ("talk", "コスト可視化を全チームに広げた話"),
    ]
    assert all(s.speakers == () for s in note.talks)
    assert note.talks[0].line == 3 and note.talks[0].end_line == 6


def test_h1_talks_with_h2_subsections(tmp_path: Path) -> None:
    note = split(
        tmp_path,
        """\
        +++
        title = "Sample Mobile Day 2023参加メモ #mobileday"
        date = 2023-07-01
        +++

        # SwiftUIへの段階的な移行
        [@swift_sato](https://twitter.com/swift_sato)
        https://speakerdeck.com/swift_sato/swiftui-migration

        ## なぜ段階的に
        - 一気に書き換えると止まる

        ## 移行の順番
        - 設定画面から

        # パネルディスカッション
        ## テーマ1: テスト
        - スナップショットテストの是非

        # 感想
        どれも参考になった。

        # 関連
        - https://example.com/mobile-day
        """,
    )
    assert note.event.title == "Sample Mobile Day 2023"
    assert outline(note) == [
        ("talk", "SwiftUIへの段階的な移行"),
        ("talk", "パネルディスカッション"),
        ("impressions", "感想"),
        ("links", "関連"),
    ]
    first = note.talks[0]
    assert [s.handle for s in first.speakers] == ["swift_sato"]
    assert first.slides == ("https://speakerdeck.com/swift_sato/swiftui-migration",)
    assert "設定画面から" in first.body  # its subsections are its body


def test_a_talks_container_heading_with_talks_below(tmp_path: Path) -> None:
    note = split(
        tmp_path,
        """\
        # Sample Infra Study #11

        ## Talks

        ### ゼロから始めるeBPF
        #### 田村 翼(@tsubasa_t)
        * カーネルを書き換えずに観測できる

        ### Terraformのモジュール設計
        #### 石井 遥(株式会社サンプル)
        * 小さく分けすぎない

        ## まとめ
        * 来月も参加したい
        """,
    )
    assert outline(note) == [
        ("talk", "ゼロから始めるeBPF"),
        ("talk", "Terraformのモジュール設計"),
        ("impressions", "まとめ"),
    ]
    assert speakers(note.talks[0]) == [("田村 翼", "tsubasa_t", None)]


def test_an_english_note(tmp_path: Path) -> None:
    note = split(
        tmp_path,
        """\
        https://example.connpass.com/event/12345/

        # PyData Sample Night 2024

        Notes from the evening, written on the train home.

        ## Talks

        ### Polars in production by Jane Doe (@jdoe)
        Slides: https://speakerdeck.com/jdoe/polars-prod
        - lazy frames everywhere

        ### Testing data pipelines
        **John Smith (@jsmith), Example Inc.**
        - property-based tests for transforms

        #### Q&A
        - Q: how long do the tests take?

        ## Impressions
        Great evening.

        ## Links
        - https://example.com/related
        """,
    )
    assert note.event.title == "PyData Sample Night 2024"
    assert note.event.url == "https://example.connpass.com/event/12345/"
    assert outline(note) == [
        ("other", "Intro"),
        ("talk", "Polars in production"),
        ("talk", "Testing data pipelines"),
        ("impressions", "Impressions"),
        ("links", "Links"),
    ]
    polars, testing = note.talks
    assert speakers(polars) == [("Jane Doe", "jdoe", None)]
    assert polars.slides == ("https://speakerdeck.com/jdoe/polars-prod",)
    assert speakers(testing) == [("John Smith", "jsmith", "Example Inc.")]
    assert "how long do the tests take" in testing.body
    # The intro text is kept for the reader, not dropped.
    assert "written on the train home" in note.sections[0].body


def test_intro_text_of_a_markdown_note_is_a_non_talk_section(tmp_path: Path) -> None:
    note = split(
        tmp_path,
        """\
        ---
        title: Sample Go Night #3
        ---

        初参加です。会場は満席でした。

        ## Goで書いたCLIツールの配布を自動化した話
        * goreleaser
        """,
    )
    assert outline(note) == [
        ("other", "Intro"),
        ("talk", "Goで書いたCLIツールの配布を自動化した話"),
    ]
    assert note.sections[0].body == "初参加です。会場は満席でした。"
    assert note.sections[0].line == 5


def test_a_heading_inside_a_code_block_is_not_a_section(tmp_path: Path) -> None:
    note = split(
        tmp_path,
        """\
        # Sample Shell Night #1

        ## シェルスクリプトを安全に書く
        ```sh
        # set -euo pipefail を最初に
        set -euo pipefail
        ```

        ## 読みやすいMakefile
        * .PHONY を忘れない
        """,
    )
    assert [s.title for s in note.talks] == ["シェルスクリプトを安全に書く", "読みやすいMakefile"]


# ---------------------------------------------------------------------------- plain text

BLOG = """\
    ゆるふわ開発日誌

    毎日ちょっとずつ手を動かすエンジニアの記録です

    Sample SRE Night #2 参加レポート

    2024-09-10

    参加メモ

    「休憩時間を活かすSRE」
    高橋 一郎 @ichi_t(株式会社サンプル)
    資料: https://speakerdeck.com/ichi_t/sre-break
    休憩中はアラートを見ないというルール。
    オンコールの交代を明確にした。

    Q&A
    Q: 夜間はどうする？
    A: 二人体制にしている

    「監視ダッシュボードを減らした話」
    小林 美咲(株式会社テスト)
    80枚あったダッシュボードを12枚に減らした。

    感想
    どちらも明日から真似できそう。

    カテゴリー: 勉強会
    """


def test_quoted_titles_in_a_blog_copy(tmp_path: Path) -> None:
    note = split(tmp_path, BLOG, "blog.txt")
    assert note.format == "text"
    assert [(s.kind.value, s.title) for s in note.sections if s.kind is not SectionKind.OTHER] == [
        ("talk", "休憩時間を活かすSRE"),
        ("talk", "監視ダッシュボードを減らした話"),
        ("impressions", "感想"),
    ]
    first, second = note.talks
    assert speakers(first) == [("高橋 一郎", "ichi_t", "株式会社サンプル")]
    assert first.slides == ("https://speakerdeck.com/ichi_t/sre-break",)
    assert "A: 二人体制にしている" in first.body  # the Q&A stays with its talk
    assert speakers(second) == [("小林 美咲", None, "株式会社テスト")]


def test_blog_chrome_is_not_content(tmp_path: Path) -> None:
    note = split(tmp_path, BLOG, "blog.txt")
    assert note.event.author == "ゆるふわ開発日誌"  # the blog's name
    assert note.event.title == "Sample SRE Night #2"  # the post title, without "参加レポート"
    assert note.event.date == "2024-09-10"
    everything = "\n".join(s.title + "\n" + s.body for s in note.sections)
    assert "毎日ちょっとずつ" not in everything  # the tagline
    assert "カテゴリー" not in everything  # the category line at the bottom
    assert "どちらも明日から真似できそう。" in note.sections[-1].body


def test_bare_title_lines_followed_by_slides_or_a_speaker(tmp_path: Path) -> None:
    note = split(
        tmp_path,
        """\
        Sample Data Meetup vol.5 のメモ

        列指向フォーマットを社内に広めた一年
        https://speakerdeck.com/someone/columnar-year
        Parquetに寄せたら集計が速くなった。
        スキーマ進化は今も悩み。

        データカタログを自作して後悔しなかった話
        山本 健(株式会社データ)
        既製品は高かったので自作。
        検索が一番使われている。

        感想
        また行きたい。
        """,
        "memo.txt",
    )
    assert note.event.title == "Sample Data Meetup vol.5"
    assert outline(note) == [
        ("talk", "列指向フォーマットを社内に広めた一年"),
        ("talk", "データカタログを自作して後悔しなかった話"),
        ("impressions", "感想"),
    ]
    columnar, catalog = note.talks
    assert columnar.slides == ("https://speakerdeck.com/someone/columnar-year",)
    assert speakers(catalog) == [("山本 健", None, "株式会社データ")]
    assert "検索が一番使われている。" in catalog.body
    assert "また行きたい" not in catalog.body


def test_bare_lines_with_nothing_after_them_are_not_guessed_to_be_talks(tmp_path: Path) -> None:
    note = split(
        tmp_path,
        """\
        今日のふりかえり

        午前中の作業
        ログの調査をした。原因はタイムアウトだった。

        午後の作業
        レビューを三件こなした。
        """,
        "diary.txt",
    )
    assert note.talks == ()
    assert any("原因はタイムアウトだった" in s.body for s in note.sections)


def test_bare_titles_are_found_when_another_note_of_the_event_names_them(tmp_path: Path) -> None:
    library = load(
        tmp_path,
        {
            "slides.md": """\
                ---
                title: "Sample Data Meetup vol.5"
                date: 2024-11-02
                ---
                ## 列指向フォーマットを社内に広めた一年
                ### 鈴木 一(@hajime_s)
                ## データカタログを自作して後悔しなかった話
                ### 山本 健(株式会社データ)
                ## 小さなチームのdbt運用
                ### 中村 桜(@sakura_n)
                """,
            "plain.txt": """\
                Sample Data Meetup vol.5 に行ってきた

                列指向フォーマットを社内に広めた一年

                Parquetに寄せたら集計が速くなったらしい。
                スキーマ進化は今も悩みとのこと。

                データカタログを自作して後悔しなかった話

                既製品は高かったので自作したそう。

                小さなチームのdbt運用

                テストを先に書く文化。
                """,
        },
    )
    plain = next(n for n in library.notes if n.path == "plain.txt")
    assert [s.title for s in plain.talks] == [
        "列指向フォーマットを社内に広めた一年",
        "データカタログを自作して後悔しなかった話",
        "小さなチームのdbt運用",
    ]
    assert plain.talks[0].body.startswith("Parquetに寄せたら")
    [event] = library.events
    assert [len(t.sources) for t in event.talks] == [2, 2, 2]


def test_quoted_titles_without_speakers_count_when_used_throughout(tmp_path: Path) -> None:
    note = split(
        tmp_path,
        """\
        Sample Web Night #6 のメモ

        「CSSのcontainer queriesを実戦投入した」
        思っていたより簡単だった。

        「View Transitions APIで画面遷移を滑らかに」
        まだブラウザ差がある。
        """,
        "web.txt",
    )
    assert [s.title for s in note.talks] == [
        "CSSのcontainer queriesを実戦投入した",
        "View Transitions APIで画面遷移を滑らかに",
    ]
