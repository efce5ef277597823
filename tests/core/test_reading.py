"""Reading a folder of notes: which files are notes, how they decode, what their front matter says.

Every note here is written by the test into `tmp_path`, in the bytes a real editor
or blog export would produce.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from notetui.core.load.files import iter_note_files, read_note
from notetui.core.load.library import load_library
from notetui.core.models import Library, Note

# Our own sample note, in the shape most notes have: an event heading, time-slot talks,
# a speaker line under each. Encoded below in every encoding the issue names.
SAMPLE = textwrap.dedent(
    """\
    # 第12回 サンプル技術勉強会

    ## 19:30 型ヒントで始める安全なリファクタリング
    ### 山田 太郎(@taro_y) ◆ 株式会社サンプル
    * 型チェックをCIで毎回回すようにした
    * 既存コードには少しずつ注釈を足していく
    * 「動いているコードを壊さない」ことが一番大事

    ## 20:00 ログ基盤を自前で運用してわかったこと
    ### 佐藤 花子(株式会社テスト)
    * 保存期間は九十日、検索は全文索引
    * 障害のときに一番役に立ったのはアラートの設計だった
    """
)
SAMPLE_TALKS = ["型ヒントで始める安全なリファクタリング", "ログ基盤を自前で運用してわかったこと"]


def note_paths(root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in iter_note_files(root)]


def write(path: Path, text: str = SAMPLE, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def only_note(library: Library) -> Note:
    assert len(library.notes) == 1, library.problems
    return library.notes[0]


# ----------------------------------------------------------------------------- discovery


def test_discovery_walks_sub_folders_and_skips_hidden_ones(tmp_path: Path) -> None:
    write(tmp_path / "top.md")
    write(tmp_path / "2024" / "spring" / "deep.md")
    write(tmp_path / ".git" / "in-git.md")
    write(tmp_path / ".obsidian" / "workspace.md")
    write(tmp_path / "2024" / ".trash" / "deleted.md")
    write(tmp_path / ".draft.md")

    assert note_paths(tmp_path) == ["2024/spring/deep.md", "top.md"]
    assert sorted(n.path for n in load_library(tmp_path).notes) == [
        "2024/spring/deep.md",
        "top.md",
    ]


def test_note_files_are_chosen_by_extension(tmp_path: Path) -> None:
    for name in ("a.md", "b.markdown", "c.txt", "D.MD", "README"):
        write(tmp_path / name)
    # Same text, but not note files: an image export and a data file.
    write(tmp_path / "diagram.png")
    write(tmp_path / "data.json")

    assert note_paths(tmp_path) == ["D.MD", "README", "a.md", "b.markdown", "c.txt"]
    library = load_library(tmp_path)
    assert not library.problems
    for note in library.notes:
        assert [t.title for t in note.talks] == SAMPLE_TALKS, note.path


def test_file_names_with_spaces_and_japanese_are_read(tmp_path: Path) -> None:
    write(tmp_path / "my meetup notes.md")
    write(tmp_path / "第12回 勉強会" / "参加メモ（下書き）.txt")

    library = load_library(tmp_path)
    assert sorted(n.path for n in library.notes) == [
        "my meetup notes.md",
        "第12回 勉強会/参加メモ（下書き）.txt",
    ]
    assert not library.problems
    # Both notes name the same talks: one event, each talk with two sources.
    [event] = library.events
    assert [len(t.sources) for t in event.talks] == [2, 2]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_symlink_loop_is_not_followed(tmp_path: Path) -> None:
    write(tmp_path / "a.md")
    write(tmp_path / "sub" / "b.md")
    (tmp_path / "sub" / "back-to-top").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "sub" / "itself").symlink_to(tmp_path / "sub", target_is_directory=True)

    assert note_paths(tmp_path) == ["a.md", "sub/b.md"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_symlinked_folder_outside_is_reported_and_one_inside_read_once(tmp_path: Path) -> None:
    # Notes are read from inside their folder only (issue 16): a link out is refused.
    elsewhere = tmp_path / "elsewhere"
    write(elsewhere / "linked.md")
    root = tmp_path / "library"
    write(root / "own.md", SAMPLE.replace("第12回", "第13回"))
    write(root / "2024" / "inner.md", SAMPLE.replace("第12回", "第14回"))
    (root / "shared").symlink_to(elsewhere, target_is_directory=True)
    (root / "again").symlink_to(root / "2024", target_is_directory=True)

    assert note_paths(root) == ["2024/inner.md", "own.md"]
    library = load_library(root, cache=False)
    problems = {p.note: p.message for p in library.problems}
    assert problems["shared"] == f"links outside the notes folder ({elsewhere})"
    assert problems["again"] == "links to a folder; it is read where it is"


# ----------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("cp932", b""),
        ("shift_jis", b""),
        ("euc_jp", b""),
    ],
)
def test_japanese_notes_decode_in_every_common_encoding(
    tmp_path: Path, encoding: str, bom: bytes
) -> None:
    path = tmp_path / "note.md"
    path.write_bytes(bom + SAMPLE.encode(encoding))

    assert read_note(path).text == SAMPLE
    note = only_note(load_library(tmp_path))
    assert [t.title for t in note.talks] == SAMPLE_TALKS
    assert [s.name for t in note.talks for s in t.speakers] == ["山田 太郎", "佐藤 花子"]
    assert note.talks[0].speakers[0].affiliation == "株式会社サンプル"
    assert note.event.title == "第12回 サンプル技術勉強会"


def test_cp932_only_characters_survive(tmp_path: Path) -> None:
    # Circled digits and 髙 exist in Windows' CP932 but not in plain Shift-JIS.
    text = SAMPLE.replace("山田 太郎", "髙橋 一郎").replace("保存期間は", "①保存期間は")
    (tmp_path / "note.txt").write_bytes(text.encode("cp932"))

    note = only_note(load_library(tmp_path))
    assert note.talks[0].speakers[0].name == "髙橋 一郎"
    assert "①保存期間は" in note.talks[1].body


@pytest.mark.parametrize("encoding", ["cp932", "euc_jp"])
def test_a_mostly_english_legacy_note_keeps_its_japanese(tmp_path: Path, encoding: str) -> None:
    # English notes with one Japanese name: only a handful of non-ASCII bytes to go by.
    text = (
        "# Tokyo Go Night #7\n\n## Profiling goroutine leaks in production\n"
        "### 佐伯 真 (@mak_saeki), Example Inc.\n"
        + "* an English bullet about channels, contexts and cancellation\n"
        * 40
    )
    (tmp_path / "note.md").write_bytes(text.encode(encoding))

    library = load_library(tmp_path)
    assert library.problems == ()
    assert only_note(library).talks[0].speakers[0].name == "佐伯 真"


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "lone-cr"])
def test_old_line_endings_give_clean_text_and_true_line_numbers(
    tmp_path: Path, newline: str
) -> None:
    (tmp_path / "note.md").write_bytes(SAMPLE.replace("\n", newline).encode("utf-8"))

    note = only_note(load_library(tmp_path))
    assert [t.title for t in note.talks] == SAMPLE_TALKS
    lines = SAMPLE.split("\n")
    for talk in note.talks:
        assert "\r" not in talk.body and "\r" not in talk.title
        assert talk.title in lines[talk.line - 1]  # 1-based line of its heading in the file


def test_front_matter_behind_a_utf8_bom_is_found(tmp_path: Path) -> None:
    text = '---\ntitle: "BOM勉強会 #1"\nvenue: 会議室B\n---\n' + SAMPLE
    (tmp_path / "note.md").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    read = read_note(tmp_path / "note.md")
    assert read.metadata["venue"] == "会議室B"
    assert not read.body.startswith("---")
    note = only_note(load_library(tmp_path))
    assert note.event.title == "BOM勉強会 #1"
    assert note.event.venue == "会議室B"
    assert note.talks[0].line == 7  # counted in the file, front matter included


def test_front_matter_in_a_utf16_note_is_found(tmp_path: Path) -> None:
    text = '+++\ntitle = "UTF16勉強会"\nplace = "会議室C"\n+++\n' + SAMPLE
    (tmp_path / "note.md").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))

    note = only_note(load_library(tmp_path))
    assert note.event.venue == "会議室C"
    assert [t.title for t in note.talks] == SAMPLE_TALKS


# -------------------------------------------------------------------------- front matter


def test_yaml_values_stay_the_strings_written(tmp_path: Path) -> None:
    front = textwrap.dedent(
        """\
        ---
        title: Python勉強会 #5
        date: 2024-05-01
        draft: no
        start: 12:30
        version: 1.10
        seats: 040
        event:
          venue: 会議室A
          host:
            name: 田中
        tags: [python, 型ヒント]
        speakers:
          - 山田 太郎
          - 佐藤 花子
        empty: ~
        ---
        """
    )
    write(tmp_path / "note.md", front + SAMPLE)

    meta = read_note(tmp_path / "note.md").metadata
    assert meta["date"] == "2024-05-01"
    assert meta["draft"] == "no"
    assert meta["start"] == "12:30"
    assert meta["version"] == "1.10"
    assert meta["seats"] == "040"
    assert meta["event.venue"] == "会議室A"
    assert meta["event.host.name"] == "田中"
    assert meta["tags"] == ["python", "型ヒント"]
    assert meta["speakers"] == ["山田 太郎", "佐藤 花子"]
    assert "empty" not in meta
    for value in meta.values():
        assert isinstance(value, str) or all(isinstance(v, str) for v in value)

    note = only_note(load_library(tmp_path))
    assert note.event.date == "2024-05-01"
    assert note.event.venue == "会議室A"
    assert note.event.tags == ("python", "型ヒント")
    assert dict(note.metadata)["start"] == "12:30"


def test_toml_front_matter_is_read_with_the_standard_library(tmp_path: Path) -> None:
    front = textwrap.dedent(
        """\
        +++
        title = "[k8s]GKE勉強会 Day 2018参加メモ #gke"
        date = 2018-04-28T15:52:39+09:00
        held_on = 2018-04-26
        draft = false
        tags = ["k8s", "gke"]
        [event]
        venue = "六本木"
        +++
        """
    )
    write(tmp_path / "note.md", front + SAMPLE)

    meta = read_note(tmp_path / "note.md").metadata
    assert meta == {
        "title": "[k8s]GKE勉強会 Day 2018参加メモ #gke",
        "date": "2018-04-28T15:52:39+09:00",
        "held_on": "2018-04-26",
        "draft": "false",
        "tags": ["k8s", "gke"],
        "event.venue": "六本木",
    }
    note = only_note(load_library(tmp_path))
    assert note.event.date == "2018-04-26"  # the event's day, not the post's
    assert note.event.title == "GKE勉強会 Day 2018"


def test_toml_front_matter_needs_no_third_party_toml_package(tmp_path: Path) -> None:
    # python-frontmatter's own TOML handler silently does nothing without `toml`.
    write(tmp_path / "note.md", '+++\ntitle = "TOML only"\ntags = ["a"]\n+++\n' + SAMPLE)
    script = textwrap.dedent(
        """
        import importlib.abc, json, sys
        from pathlib import Path

        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "toml" or name.startswith("toml."):
                    raise ImportError("blocked: " + name)
                return None

        sys.meta_path.insert(0, Block())
        from notetui.core.load.files import read_note
        print(json.dumps(read_note(Path(sys.argv[1])).metadata))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "note.md")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"title": "TOML only", "tags": ["a"]}


def test_json_front_matter_is_read(tmp_path: Path) -> None:
    front = '{\n  "title": "JSON勉強会 #2",\n  "date": "2024-01-02",\n'
    front += '  "tags": ["a", "b"],\n  "event": {"venue": "会議室A"}\n}\n'
    write(tmp_path / "note.md", front + SAMPLE)

    meta = read_note(tmp_path / "note.md").metadata
    assert meta == {
        "title": "JSON勉強会 #2",
        "date": "2024-01-02",
        "tags": ["a", "b"],
        "event.venue": "会議室A",
    }
    note = only_note(load_library(tmp_path))
    assert [t.title for t in note.talks] == SAMPLE_TALKS
    assert note.event.venue == "会議室A"


def test_a_horizontal_rule_at_the_top_is_not_front_matter(tmp_path: Path) -> None:
    write(tmp_path / "note.md", "---\n\nただの前書きです。\n\n---\n\n" + SAMPLE)

    read = read_note(tmp_path / "note.md")
    assert read.metadata == {}
    assert read.warning is None
    assert [t.title for t in only_note(load_library(tmp_path)).talks] == SAMPLE_TALKS
