"""Event and talk ids are what annotations hang off: they must survive new runs, new
notes about the same talks, and notes being renamed or moved."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest

from notetui.core.load.library import load_library
from notetui.core.models import Library

# An event noted by two people, and an unrelated event; all our own words.
ALICE = textwrap.dedent(
    """\
    ---
    title: "Sample Go Night #3"
    date: 2024-06-12
    author: alice
    ---

    ## 19:30 Goで書いたCLIツールの配布を自動化した話
    ### 森 一郎(@ichiro_mori) ◆ 株式会社サンプル
    * goreleaserでタグを打つだけでリリース

    ## 19:50 pprofで探すメモリリークの見つけ方
    ### 林 花子(@hana_hayashi) ◆ 株式会社テスト
    * ヒーププロファイルを二回取って差分を見る

    ## 20:10 sqlcで型安全なデータアクセス層を作る
    ### 木村 次郎 ◆ フリーランス
    * SQLを書けばGoのコードが生成される
    """
)
BOB = textwrap.dedent(
    """\
    ボブの技術メモ

    Sample Go Night #3 に参加しました

    「Go製CLIツールの配布を自動化した話」
    森 一郎(株式会社サンプル)
    資料: https://speakerdeck.com/ichiro_mori/go-cli-release

    タグを打てばバイナリが配られる仕組み。

    「pprofでメモリリークを見つける方法」
    林 花子 @hana_hayashi
    ヒーププロファイルの差分を見るのが基本。

    「sqlcで型安全なデータアクセス層」
    木村 次郎(フリーランス)
    生成されたコードはコミットする派。
    """
)
OTHER_EVENT = textwrap.dedent(
    """\
    # Rust LT Night #9

    ## 非同期Rustのキャンセル安全性
    ### 井上 三郎(@saburo_rs)
    * select!で落としたFutureの後始末

    ## 感想
    * どれも面白かった
    """
)
# Written for the test: a third author, other wording, no speakers named.
CAROL = textwrap.dedent(
    """\
    +++
    title = "Sample Go Night #3 参加レポート"
    date = 2024-06-13
    author = "carol"
    +++

    # Goで作ったCLIツールの配布自動化のお話
    タグからリリースまで全部自動。

    # pprofでメモリリークを見つけるやり方
    差分プロファイルが便利。

    # sqlcで型安全なデータアクセス層をつくる
    生成コードの扱いに注意。
    """
)
# Prose only: no title, no date, no talks. Its event must not be keyed by its path.
MEMO = "今日は一日中ドキュメントを読んでいた。\n明日は勉強会の準備をする。\n"


def write_library(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "alice.md").write_text(ALICE, encoding="utf-8")
    (root / "blog").mkdir()
    (root / "blog" / "bob.txt").write_text(BOB, encoding="utf-8")
    (root / "rust-lt-9.md").write_text(OTHER_EVENT, encoding="utf-8")
    (root / "memo.txt").write_text(MEMO, encoding="utf-8")
    return root


def ids(library: Library) -> tuple[set[str], set[str], set[str]]:
    """(event ids, talk ids, non-talk section ids)."""
    return (
        {e.id for e in library.events},
        {t.id for t in library.talks},
        {s.key for e in library.events for s in e.sections},
    )


def source_places(library: Library, talk_id: str) -> set[tuple[str, int]]:
    talk = library.talk(talk_id)
    assert talk is not None, talk_id
    return {(s.note, s.section.line) for s in talk.sources}


@pytest.fixture
def library_root(tmp_path: Path) -> Path:
    return write_library(tmp_path / "notes")


def test_the_library_is_what_the_id_tests_assume(library_root: Path) -> None:
    library = load_library(library_root)
    go = [e for e in library.events if e.title == "Sample Go Night #3"]
    assert len(go) == 1 and len(go[0].talks) == 3
    assert all(len(t.sources) == 2 for t in go[0].talks)
    assert len(library.events) == 3  # Go night, Rust night, the memo
    assert library.problems == ()


def test_ids_are_the_same_on_every_run(library_root: Path, run_notetui: Any) -> None:
    first = ids(load_library(library_root))
    assert first == ids(load_library(library_root))

    # Separate processes (each with its own hash seed) print the same ids.
    def printed() -> tuple[list[str], list[str]]:
        result = run_notetui("list", "--json", library_root)
        assert result.returncode == 0, result.stderr
        events = json.loads(result.stdout)["events"]
        return [e["id"] for e in events], [t["id"] for e in events for t in e["talks"]]

    runs = [printed(), printed()]
    assert runs[0] == runs[1]
    assert set(runs[0][0]) == first[0] and set(runs[0][1]) == first[1]


def test_ids_are_distinct(library_root: Path) -> None:
    library = load_library(library_root)
    event_ids, talk_ids, section_ids = ids(library)
    assert len(event_ids) == len(library.events)
    assert len(talk_ids) == len(library.talks)
    assert len(event_ids | talk_ids | section_ids) == len(event_ids) + len(talk_ids) + len(
        section_ids
    )


def test_every_old_id_still_finds_its_talk_after_a_new_note_is_added(library_root: Path) -> None:
    before = load_library(library_root)
    old_talks = {t.id: source_places(before, t.id) for t in before.talks}
    old_events = {e.id: set(e.notes) for e in before.events}

    (library_root / "carol.md").write_text(CAROL, encoding="utf-8")
    after = load_library(library_root)

    # The new note really joined the existing talks and event: nothing to hide behind.
    [go] = [e for e in after.events if e.title == "Sample Go Night #3"]
    assert "carol.md" in go.notes and len(go.talks) == 3
    assert all(len(t.sources) == 3 for t in go.talks)

    for old_id, places in old_talks.items():
        talk = after.talk(old_id)
        assert talk is not None, old_id
        assert places <= {(s.note, s.section.line) for s in talk.sources}
    for old_id, notes in old_events.items():
        event = after.event(old_id)
        assert event is not None, old_id
        assert notes <= set(event.notes)
    # Talks of the other events do not even notice.
    rust_before = next(t.id for t in before.talks if "Rust" in t.title or "非同期" in t.title)
    assert rust_before in {t.id for t in after.talks}


@pytest.mark.parametrize("move", ["rename", "sub-folder", "both"])
def test_renaming_or_moving_notes_keeps_every_id(library_root: Path, move: str) -> None:
    before = ids(load_library(library_root))
    renames = {
        "rename": {
            "alice.md": "2024-06-12 alice's notes.md",
            "blog/bob.txt": "blog/ボブのメモ.txt",
            "rust-lt-9.md": "rust night.md",
            "memo.txt": "日記.txt",
        },
        "sub-folder": {
            "alice.md": "2024/06/alice.md",
            "blog/bob.txt": "bob.txt",
            "rust-lt-9.md": "rust/rust-lt-9.md",
            "memo.txt": "misc/memo.txt",
        },
        "both": {
            "alice.md": "archive/a.md",
            "blog/bob.txt": "archive/zzz.txt",
            "rust-lt-9.md": "archive/0.md",
            "memo.txt": "archive/m",
        },
    }[move]
    for old, new in renames.items():
        target = library_root / new
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(library_root / old, target)

    after = load_library(library_root)
    assert sorted(n.path for n in after.notes) == sorted(renames.values())
    assert ids(after) == before


def test_the_sample_library_keeps_every_id_when_flattened_and_renamed(
    notes_dir: Path, tmp_path: Path
) -> None:
    before = load_library(notes_dir)
    flat = tmp_path / "flat"
    flat.mkdir()
    for number, path in enumerate(sorted(p for p in notes_dir.rglob("*") if p.is_file())):
        shutil.copyfile(path, flat / f"{number:02d} {path.stem[::-1]}{path.suffix}")

    after = load_library(flat)
    assert len(after.notes) == len(before.notes)
    assert ids(after) == ids(before)
    assert [sorted(len(t.sources) for t in e.talks) for e in after.events] == [
        sorted(len(t.sources) for t in e.talks) for e in before.events
    ]
