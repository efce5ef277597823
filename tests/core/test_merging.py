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
