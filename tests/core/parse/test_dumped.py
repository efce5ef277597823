"""A blog post copied out of a browser keeps its talks though its `#`s are gone."""

from __future__ import annotations

from notetui.core.models import SectionKind
from notetui.core.parse.blocks import Kind, read_blocks
from notetui.core.parse.dumped import promote_dumped_headings
from notetui.core.parse.note import parse

# Our own page copy: blog name, post title, then three talks whose headings stand alone.
PAGE = """\
よるのメモ帳

Kyoto Elixir Night #4 参加メモ

三本とも実運用の話で、持ち帰るものが多い夜だった。

Phoenix LiveView でフォームを作り直した話

  • バリデーションをサーバーに寄せた
  • 入力中の状態は assign に持つ

GenServer の再起動戦略を見直す

  • one_for_all をやめた理由
      □ 巻き込み再起動で接続が全部切れた

Nerves で温度計を作る

  • ラズパイ Zero で動く
  • OTA 更新が思ったより楽

シェアする

関連記事
"""

# The same talks, written as Markdown: the page copy must find what this finds.
MARKDOWN = """\
# Kyoto Elixir Night #4 参加メモ

三本とも実運用の話で、持ち帰るものが多い夜だった。

## Phoenix LiveView でフォームを作り直した話

- バリデーションをサーバーに寄せた
- 入力中の状態は assign に持つ

## GenServer の再起動戦略を見直す

- one_for_all をやめた理由
  - 巻き込み再起動で接続が全部切れた

## Nerves で温度計を作る

- ラズパイ Zero で動く
- OTA 更新が思ったより楽
"""

TALKS = [
    "Phoenix LiveView でフォームを作り直した話",
    "GenServer の再起動戦略を見直す",
    "Nerves で温度計を作る",
]


def talks_of(text: str) -> list[str]:
    return [s.title for s in parse(text).sections if s.kind is SectionKind.TALK]


def test_a_page_copy_finds_the_talks_its_markdown_gives() -> None:
    assert talks_of(MARKDOWN) == TALKS
    assert talks_of(PAGE) == TALKS


def test_the_page_name_and_post_title_are_not_talks() -> None:
    parsed = parse(PAGE)
    assert parsed.title == "Kyoto Elixir Night #4 参加メモ"
    assert parsed.format == "text"  # still shown as the text it is


def test_sentences_urls_and_list_items_never_become_headings() -> None:
    text = (
        "はじめに\n\n今日は雨だった。\n\nhttps://example.org/x\n\n  • 箇条書き\n\n"
        "まとめ\n\n楽しかった\n\nおわり\n\n以上です。\n"
    )
    promoted = promote_dumped_headings(read_blocks(text))
    headings = [line.text for line in promoted.lines if line.kind is Kind.HEADING]
    assert headings == ["はじめに", "まとめ", "楽しかった", "おわり"]


def test_a_note_with_headings_or_too_few_lone_lines_is_left_alone() -> None:
    blocks = read_blocks(MARKDOWN)
    assert promote_dumped_headings(blocks) is blocks
    few = read_blocks("ひとつめ\n\n本文です。\n\nふたつめ\n\n本文です。\n")
    assert promote_dumped_headings(few) is few
