"""Merging notes by different authors: the same talk becomes one talk with several
sources, the same event one event, and nothing else is joined. Every note is written
here for the test."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from notetui.core.load.library import load_library
from notetui.core.models import Event, Library, Talk

K8S_TITLES = (
    "k8sで画像PFを一年半運用してみた振り返り",
    "K8Sで画像PFを1年半運用してみた振り返り",
    "k8sで画像プラットフォームを運用したお話",
)


def load(tmp_path: Path, files: dict[str, str]) -> Library:
    root = tmp_path / "notes"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    library = load_library(root)
    assert library.problems == ()
    return library


def event_with(library: Library, note: str) -> Event:
    [event] = [e for e in library.events if note in e.notes]
    return event


def talk_from(library: Library, note: str, title: str) -> Talk:
    [talk] = [
        t for t in library.talks if any(s.note == note and s.title == title for s in t.sources)
    ]
    return talk


def source_titles(talk: Talk) -> dict[str, str]:
    return {s.note: s.title for s in talk.sources}


# Three authors, three formats, one evening. Only the titles' wording differs.
YAML_NOTE = f"""\
    ---
    title: "Sample Infra Night #4"
    date: 2024-03-15
    author: aoki
    ---

    ## 19:30 社内PaaSにログ基盤を載せ替えた話
    ### 青木 誠(@makoto_aoki) ◆ 株式会社サンプル
    * 載せ替えは半年がかり

    ## 19:50 {K8S_TITLES[0]}
    ### 山下 茜 ◆ 株式会社テスト
    * 画像変換のPodを自動で増減

    ## 20:10 Goで作る社内CLIの配り方
    ### 岡田 亮(@ryo_okada)
    * goreleaserで配布
    """
TOML_NOTE = f"""\
    +++
    title = "Sample Infra Night #4 参加メモ"
    date = 2024-03-16
    author = "ueda"
    +++

    # 社内PaaSへのログ基盤の載せ替え
    青木さん

    # {K8S_TITLES[1]}
    山下さん(株式会社テスト)

    # Go製の社内CLIをどう配るか
    岡田さん
    """
TEXT_NOTE = f"""\
    Sample Infra Night #4 に参加しました

    「社内PaaSにログ基盤を載せ替えたお話」
    青木 誠 @makoto_aoki
    半年かけて移行したそうです。

    「{K8S_TITLES[2]}」
    山下 茜(株式会社テスト)
    オートスケールの設定が肝。

    「Goで書いた社内CLIの配り方」
    岡田 亮 @ryo_okada
    リリースはタグを打つだけ。
    """


def test_the_same_talk_in_three_formats_with_three_titles_is_one_talk(tmp_path: Path) -> None:
    library = load(
        tmp_path, {"yaml/aoki.md": YAML_NOTE, "toml/ueda.md": TOML_NOTE, "blog.txt": TEXT_NOTE}
    )
    [event] = library.events
    assert sorted(event.notes) == ["blog.txt", "toml/ueda.md", "yaml/aoki.md"]
    assert len(event.talks) == 3
    k8s = talk_from(library, "yaml/aoki.md", K8S_TITLES[0])
    assert source_titles(k8s) == {
        "yaml/aoki.md": K8S_TITLES[0],
        "toml/ueda.md": K8S_TITLES[1],
        "blog.txt": K8S_TITLES[2],
    }
    assert [s.name for s in k8s.speakers] == ["山下 茜"]
    assert k8s.time == "19:50"
    assert all(len(t.sources) == 3 for t in event.talks)
    assert event.date == "2024-03-15"


def test_a_note_that_names_no_speakers_still_merges(tmp_path: Path) -> None:
    no_speakers = f"""\
        # Sample Infra Night #4

        ## ログ基盤を社内PaaSへ載せ替えた
        * 半年がかり

        ## {K8S_TITLES[1]}
        * Podの自動増減

        ## Goで作った社内CLIの配布
        * タグを打つだけ
        """
    library = load(tmp_path, {"aoki.md": YAML_NOTE, "bare.md": no_speakers})
    [event] = library.events
    assert sorted(event.notes) == ["aoki.md", "bare.md"]
    assert [len(t.sources) for t in event.talks] == [2, 2, 2]
    for talk in event.talks:
        [from_bare] = [s for s in talk.sources if s.note == "bare.md"]
        assert from_bare.section.speakers == ()
        assert talk.speakers  # the other note's speaker is kept
    k8s = talk_from(library, "bare.md", K8S_TITLES[1])
    assert source_titles(k8s)["aoki.md"] == K8S_TITLES[0]


def test_a_relay_under_another_name_is_the_same_event(tmp_path: Path) -> None:
    relay = f"""\
        # Sample Relay Study #53 - インフラ特集（中継開催）

        ## 社内PaaSにログ基盤を載せ替えた話
        * 中継で視聴

        ## {K8S_TITLES[2]}
        * 画像変換

        ## Goで作る社内CLIの配り方
        * goreleaser
        """
    library = load(tmp_path, {"aoki.md": YAML_NOTE, "relay.md": relay})
    [event] = library.events
    assert event.title == "Sample Infra Night #4"  # the original's name, not the relay's
    assert any("Sample Relay Study #53" in alias for alias in event.aliases)
    assert event.date == "2024-03-15"  # taken from the note that gives one
    assert [len(t.sources) for t in event.talks] == [2, 2, 2]


def test_two_episodes_of_a_series_never_merge(tmp_path: Path) -> None:
    # A monthly series with a regular segment: the same talk title every month.
    def episode(number: int, day: str) -> str:
        return f"""\
            ---
            title: "Sample Go Monthly #{number}"
            date: {day}
            ---
            ## 19:30 今月のGoニュース
            ### 森 一郎(@ichiro_mori)
            * リリースノートを読む

            ## 19:50 go vetの便利なチェック
            ### 林 花子(@hana_hayashi)
            * 静的解析
            """

    library = load(
        tmp_path,
        {"go-4.md": episode(4, "2024-04-10"), "go-5.md": episode(5, "2024-05-08")},
    )
    assert len(library.events) == 2
    assert event_with(library, "go-4.md").id != event_with(library, "go-5.md").id
    assert all(len(t.sources) == 1 for t in library.talks)
    assert [e.date for e in library.events] == ["2024-05-08", "2024-04-10"]


def test_episodes_without_dates_are_kept_apart_by_their_numbers(tmp_path: Path) -> None:
    def episode(number: int) -> str:
        return f"""\
            # Sample Go Monthly #{number}

            ## 今月のGoニュース
            * リリースノートを読む

            ## go vetの便利なチェック
            * 静的解析
            """

    library = load(tmp_path, {"a.md": episode(4), "b.md": episode(5)})
    assert len(library.events) == 2
    assert all(len(t.sources) == 1 for t in library.talks)


@pytest.mark.parametrize("dated", [True, False], ids=["dated", "undated"])
def test_talks_of_different_events_do_not_merge_for_sharing_words(
    tmp_path: Path, dated: bool
) -> None:
    spring = """\
        ---
        title: "Sample Cloud Day Spring"
        date: 2023-04-20
        ---
        # Microservices on GKE at Sample Corp
        [@sample_sre](https://twitter.com/sample_sre)
        - モノリスからの移行

        # GKE パネルディスカッション
        - マルチテナントの是非
        """
    winter = """\
        ---
        title: "Sample Backend #9"
        date: 2024-12-03
        ---
        ## 19:30 Microservices on EKS at Example Inc
        ### 佐藤 花子(@hanako_s)
        * 移行の順番

        ## 19:50 GKEでのマイクロサービス運用
        ### 鈴木 一(@hajime_s)
        * 監視
        """
    if not dated:  # then only the names and the talks themselves can tell them apart
        spring, winter = (re.sub(r"\n *date: .*", "", text) for text in (spring, winter))
    library = load(tmp_path, {"spring.md": spring, "winter.md": winter})
    assert len(library.events) == 2
    assert all(len(t.sources) == 1 for t in library.talks)
    gke = talk_from(library, "spring.md", "Microservices on GKE at Sample Corp")
    assert library.event_of(gke).date == ("2023-04-20" if dated else None)


def test_a_note_never_gives_two_talks_to_one_merged_talk(tmp_path: Path) -> None:
    def note(prefix: str) -> str:
        return f"""\
            # Sample Rust Night #2

            ## {prefix}所有権入門 前編
            * 借用

            ## {prefix}所有権入門 後編
            * ライフタイム
            """

    library = load(tmp_path, {"a.md": note(""), "b.md": note("【LT】")})
    [event] = library.events
    assert [sorted(source_titles(t).items()) for t in event.talks] == [
        [("a.md", "所有権入門 前編"), ("b.md", "所有権入門 前編")],
        [("a.md", "所有権入門 後編"), ("b.md", "所有権入門 後編")],
    ]


def test_alignment_keeps_order_when_a_note_skips_a_talk(tmp_path: Path) -> None:
    full = """\
        ---
        title: "Sample Data Night #7"
        date: 2024-08-01
        ---
        ## 19:00 データ基盤の監視を見直した話
        ## 19:20 データ品質テストを始めた話
        ## 19:40 データ基盤のコストを半分にした話
        ## 20:00 データ基盤チームの採用の話
        """
    partial = """\
        # Sample Data Night #7

        ## データ基盤の監視の見直し
        * アラートの整理

        ## データ基盤のコスト半減
        * 保存期間の見直し

        ## データ基盤チームの採用について
        * 面接の設計
        """
    library = load(tmp_path, {"full.md": full, "partial.md": partial})
    [event] = library.events
    pairs = [source_titles(t).get("partial.md") for t in event.talks]
    assert pairs == [
        "データ基盤の監視の見直し",
        None,
        "データ基盤のコスト半減",
        "データ基盤チームの採用について",
    ]


# A conference noted by three people who title its keynotes differently. Our own words.
CONF = """\
    ---
    title: "Sample Ruby Conf 2031"
    date: 2031-05-15
    author: {author}
    ---
    """


def conf_note(author: str, body: str) -> str:
    return textwrap.dedent(CONF.format(author=author)) + textwrap.dedent(body)


FULL = conf_note(
    "aoki",
    """\
    ## 基調講演：ブロック構文のこれから
    ### 佐藤 健(@ken_sato)
    * 構文の歴史を振り返る

    ## 型チェッカーを社内に入れた一年
    ### 林 花子(@hana_hayashi)
    * 導入は段階的に

    ## 巨大なモノリスを分割した話
    ### 木村 次郎(@jiro_kimura)
    * 境界はデータから決めた

    ## ガベージコレクタの改善
    ### 森 一郎(@ichiro_mori)
    * 世代別GCの調整

    ## Closing Keynote: コミュニティの三十年
    ### 井上 三郎(@saburo_inoue)
    * 最初のカンファレンスの写真
    """,
)


def titles_by_note(talk: Talk) -> list[tuple[str, str]]:
    return sorted((s.note, s.title) for s in talk.sources)


def test_a_keynote_titled_by_its_speaker_and_role_merges_with_its_full_title(
    tmp_path: Path,
) -> None:
    short = conf_note(
        "ueda",
        """\
        ## Sato Keynote
        * 構文の移り変わりが面白かった

        ## 型チェッカー導入の一年
        * まずはCIで警告だけ
        """,
    )
    library = load(tmp_path, {"full.md": FULL, "short.md": short})
    keynote = talk_from(library, "short.md", "Sato Keynote")
    assert titles_by_note(keynote) == [
        ("full.md", "ブロック構文のこれから"),
        ("short.md", "Sato Keynote"),
    ]
    # The talk is shown by its real title, not by the placeholder.
    assert keynote.title == "ブロック構文のこれから"


def test_a_keynote_titled_only_by_its_role_merges_when_its_text_names_the_speaker(
    tmp_path: Path,
) -> None:
    short = conf_note(
        "ueda",
        """\
        ## 基調講演
        初日の基調講演は佐藤健さん。構文の歴史の話でした。

        ## 会場のWi-Fiを支える仕組み
        * スポンサーブースで聞いた
        """,
    )
    library = load(tmp_path, {"full.md": FULL, "short.md": short})
    keynote = talk_from(library, "short.md", "基調講演")
    assert titles_by_note(keynote) == [
        ("full.md", "ブロック構文のこれから"),
        ("short.md", "基調講演"),
    ]
    # The closing keynote, by someone else, stays a talk of its own.
    closing = talk_from(library, "full.md", "コミュニティの三十年")
    assert [s.note for s in closing.sources] == ["full.md"]


def test_a_keynote_titled_only_by_its_role_merges_with_the_keynote_of_its_slot(
    tmp_path: Path,
) -> None:
    timed = conf_note(
        "aoki",
        """\
        ## 10:00 型チェッカーを社内に入れた一年
        ### 林 花子(@hana_hayashi)
        * 導入は段階的に

        ## 11:00 基調講演：ブロック構文のこれから
        ### 佐藤 健(@ken_sato)
        * 構文の歴史を振り返る

        ## 13:00 巨大なモノリスを分割した話
        ### 木村 次郎(@jiro_kimura)
        * 境界はデータから決めた
        """,
    )
    other_rooms = conf_note(
        "ueda",
        """\
        ## 10:00 社内ツールのRuby移行
        * 別の部屋のセッション

        ## 11:00 基調講演
        * 会場は満席だった

        ## 13:00 Rubyで書く組み込みソフト
        * 別の部屋のセッション
        """,
    )
    library = load(tmp_path, {"timed.md": timed, "other_rooms.md": other_rooms})
    keynote = talk_from(library, "other_rooms.md", "基調講演")
    assert titles_by_note(keynote) == [
        ("other_rooms.md", "基調講演"),
        ("timed.md", "ブロック構文のこれから"),
    ]
    assert sum(len(t.sources) for t in library.talks) == len(library.talks) + 1


def test_a_keynote_titled_only_by_its_role_merges_with_the_keynote_in_its_place(
    tmp_path: Path,
) -> None:
    # The second day only: its last talk is the closing keynote, after two talks
    # both notes give. Nothing else says which keynote it is.
    day_two = conf_note(
        "ueda",
        """\
        ## 巨大モノリスの分割
        * データの持ち主で切る

        ## ガベージコレクタ改善の話
        * 世代別GC

        ## 基調講演
        * 三十年分の写真が良かった
        """,
    )
    library = load(tmp_path, {"full.md": FULL, "day2.md": day_two})
    keynote = talk_from(library, "day2.md", "基調講演")
    assert titles_by_note(keynote) == [("day2.md", "基調講演"), ("full.md", "コミュニティの三十年")]
    opening = talk_from(library, "full.md", "ブロック構文のこれから")
    assert [s.note for s in opening.sources] == ["full.md"]


def test_keynotes_of_two_named_speakers_in_the_same_place_stay_apart(tmp_path: Path) -> None:
    other = conf_note(
        "ueda",
        """\
        ## 巨大モノリスの分割
        * データの持ち主で切る

        ## ガベージコレクタ改善の話
        * 世代別GC

        ## Keynote
        ### 山田 太郎(@taro_yamada)
        * 別の登壇者
        """,
    )
    library = load(tmp_path, {"full.md": FULL, "other.md": other})
    keynote = talk_from(library, "other.md", "Keynote")
    assert [s.note for s in keynote.sources] == ["other.md"]
    gc = talk_from(library, "other.md", "ガベージコレクタ改善の話")
    assert sorted(s.note for s in gc.sources) == ["full.md", "other.md"]


def test_a_note_that_notes_its_keynote_twice_gives_one_talk(tmp_path: Path) -> None:
    twice = conf_note(
        "ueda",
        """\
        ## ブロック構文のこれから (Keynote) @ken_sato
        * 構文の歴史を振り返る

        ## 小さなgemの育て方
        ### 佐藤 健(@ken_sato)
        * 同じ人のもう一つの発表

        ## Sato Keynote
        * 二回目のメモ: 質疑応答
        """,
    )
    library = load(tmp_path, {"twice.md": twice})
    [event] = library.events
    assert [titles_by_note(t) for t in event.talks] == [
        [("twice.md", "Sato Keynote"), ("twice.md", "ブロック構文のこれから")],
        [("twice.md", "小さなgemの育て方")],
    ]


@pytest.mark.parametrize(
    ("speaker", "merged"),
    [("", True), ("### 森 一郎(@ichiro_mori)", False)],
    ids=["no-speaker-named", "another-speaker-named"],
)
def test_a_nickname_title_merges_with_the_full_title_its_body_quotes(
    tmp_path: Path, speaker: str, merged: bool
) -> None:
    official = conf_note(
        "aoki",
        """\
        ## A Sample Profiler for Understanding Ruby Programs
        ### 林 花子(@hana_hayashi)
        * 型を推測して表示する

        ## 巨大なモノリスを分割した話
        ### 木村 次郎(@jiro_kimura)
        * 境界はデータから決めた
        """,
    )
    nickname = conf_note(
        "ueda",
        f"""\
        ## プロファイラの話
        {speaker}
        [**sample/profiler** *An experimental sample profiler for understanding Ruby
        programs*](https://example.com/sample/profiler)

        (あとで書く)

        ## モノリス分割の話
        * 境界の決め方
        """,
    )
    library = load(tmp_path, {"official.md": official, "nickname.md": nickname})
    profiler = talk_from(library, "nickname.md", "プロファイラの話")
    assert titles_by_note(profiler) == [
        ("nickname.md", "プロファイラの話"),
        *([("official.md", "A Sample Profiler for Understanding Ruby Programs")] if merged else []),
    ]


def test_a_talk_with_a_title_of_its_own_that_quotes_another_stays_apart(tmp_path: Path) -> None:
    official = conf_note(
        "aoki",
        """\
        ## A Sample Profiler for Understanding Ruby Programs
        ### 林 花子(@hana_hayashi)
        * 型を推測して表示する
        """,
    )
    follow_up = conf_note(
        "ueda",
        """\
        ## プロファイラの結果を可視化するダッシュボードを作った
        A Sample Profiler for Understanding Ruby Programs の結果を使う話。

        * グラフで見る

        ## 巨大モノリスの分割
        * データの持ち主で切る
        """,
    )
    library = load(tmp_path, {"official.md": official, "follow_up.md": follow_up})
    assert all(len(t.sources) == 1 for t in library.talks)
    assert len(library.talks) == 3


@pytest.mark.parametrize(
    ("name", "merged"),
    [("Sato", True), ("佐藤", False), ("Jun Sato", False)],
    ids=["part-of-handle", "other-script-not-guessed", "same-family-name"],
)
def test_a_speaker_written_by_a_part_of_their_handle_is_the_same_person(
    tmp_path: Path, name: str, merged: bool
) -> None:
    handle = conf_note(
        "aoki",
        """\
        ## 描画ループの設計
        ### @ken_sato
        * フレームごとの処理

        ## 型チェッカーを社内に入れた一年
        ### 林 花子(@hana_hayashi)
        * 導入は段階的に
        """,
    )
    written = conf_note(
        "ueda",
        f"""\
        ## Rubyでゲームを作る
        登壇者: {name}
        * 60fpsを目指す

        ## 型チェッカー導入の一年
        * まずはCIで警告だけ
        """,
    )
    library = load(tmp_path, {"handle.md": handle, "written.md": written})
    game = talk_from(library, "written.md", "Rubyでゲームを作る")
    assert len(game.sources) == (2 if merged else 1)


def test_two_titles_in_two_languages_merge_when_both_link_the_same_deck(tmp_path: Path) -> None:
    english = conf_note(
        "aoki",
        """\
        ## Growing a Type Checker in a Large Codebase
        Slides: https://speakerdeck.com/sample_user/growing-a-type-checker?slide=3
        * start with warnings only

        ## 巨大なモノリスを分割した話
        * 境界はデータから決めた
        """,
    )
    japanese = conf_note(
        "ueda",
        """\
        ## 大規模コードベースに型検査を根付かせる
        資料: https://www.speakerdeck.com/sample_user/growing-a-type-checker
        * 最初は警告だけ

        ## 社内ツールのRuby移行
        資料: https://speakerdeck.com/sample_user/moving-tools-to-ruby
        * 別のセッション
        """,
    )
    library = load(tmp_path, {"english.md": english, "japanese.md": japanese})
    checker = talk_from(library, "japanese.md", "大規模コードベースに型検査を根付かせる")
    assert titles_by_note(checker) == [
        ("english.md", "Growing a Type Checker in a Large Codebase"),
        ("japanese.md", "大規模コードベースに型検査を根付かせる"),
    ]
    assert len(library.talks) == 3


@pytest.mark.parametrize(
    ("speaker", "merged"),
    [("Ken Sato", True), ("山田 太郎", False)],
    ids=["same-person-in-another-script", "another-person"],
)
def test_a_keynote_between_shared_talks_merges_unless_another_person_gives_it(
    tmp_path: Path, speaker: str, merged: bool
) -> None:
    def note(author: str, keynote: str, who: str) -> str:
        return conf_note(
            author,
            f"""\
            ## 型チェッカーを社内に入れた一年
            * 導入は段階的に

            ## {keynote}
            ### {who} ◆ 株式会社サンプル
            * 会場は満席

            ## 巨大なモノリスを分割した話
            * 境界はデータから決めた
            """,
        )

    library = load(
        tmp_path,
        {
            "a.md": note("aoki", "基調講演：ブロック構文のこれから", "佐藤 健"),
            "b.md": note("ueda", "Keynote", speaker),
        },
    )
    keynote = talk_from(library, "b.md", "Keynote")
    assert len(keynote.sources) == (2 if merged else 1)
    assert sorted(len(t.sources) for t in library.talks) == ([2, 2, 2] if merged else [1, 1, 2, 2])


def test_the_one_keynote_between_shared_talks_merges_and_other_rooms_stay_apart(
    tmp_path: Path,
) -> None:
    room_a = conf_note(
        "aoki",
        """\
        ## 型チェッカーを社内に入れた一年
        * 導入は段階的に

        ## 組み込み機器でRubyを動かす
        * マイコンで動くmruby

        ## 基調講演：ブロック構文のこれから
        * 構文の歴史を振り返る

        ## 社内勉強会の続け方
        * 毎週金曜の昼に集まる

        ## 巨大なモノリスを分割した話
        * 境界はデータから決めた
        """,
    )
    room_b = conf_note(
        "ueda",
        """\
        ## 型チェッカー導入の一年
        * まずはCIで警告だけ

        ## データ分析基盤のRuby化
        * 集計バッチを書き直した

        ## 基調講演
        * 会場は満席

        ## 音楽ライブラリを作った話
        * 波形を生成するgem

        ## 巨大モノリスの分割
        * データの持ち主で切る
        """,
    )
    library = load(tmp_path, {"a.md": room_a, "b.md": room_b})
    keynote = talk_from(library, "b.md", "基調講演")
    assert titles_by_note(keynote) == [("a.md", "ブロック構文のこれから"), ("b.md", "基調講演")]
    assert sorted(len(t.sources) for t in library.talks) == [1, 1, 1, 1, 2, 2, 2]


def test_a_title_with_a_digit_run_too_long_for_int_still_loads(tmp_path: Path) -> None:
    # int() refuses more than 4,300 digits: an event's number is compared as text.
    title = "Sample Go Night #" + "1" * 5000
    note = f'---\ntitle: "{title}"\n---\n\n## ふりかえり\n### 林 花子(@hana)\n* 話\n'
    library = load(tmp_path, {"a.md": note, "b.md": note})  # load() asserts: no problems
    assert sorted(n for e in library.events for n in e.notes) == ["a.md", "b.md"]
