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


def _promoted(text: str) -> list[str]:
    blocks = read_blocks(text)
    return [
        line.text for line in promote_dumped_headings(blocks).lines if line.kind is Kind.HEADING
    ]


def test_quoted_lines_and_sentences_under_an_emoji_are_not_lost_headings() -> None:
    text = (
        "はじめに\n\n本文です。\n\n    引用された一行\n\n本文です。\n\n"
        "まとめ\n\n来年は登壇したいです🎤\n\nおわり\n\n以上です。\n"
    )
    assert _promoted(text) == ["はじめに", "まとめ", "おわり"]


def test_a_code_comment_read_as_a_heading_does_not_make_the_copy_markdown() -> None:
    text = (
        "Ruby Night\n\nFirst talk\n\nSome notes.\n\nx = [1, 2].sum\n# => 3\n\n"
        "Second talk\n\nMore notes.\n\nThird talk\n\nStill more.\n"
    )
    assert _promoted(text) == ["Ruby Night", "First talk", "Second talk", "Third talk"]
    markdown = "# Ruby Night\n\nFirst talk\n\nSome notes.\n\nSecond talk\n\nMore.\n\nThird\n\nx\n"
    blocks = read_blocks(markdown)
    assert promote_dumped_headings(blocks) is blocks


# The post's title with its event's year run into the name; a template tag the page
# copy kept; talks naming their speakers.
TAGGED_PAGE = """\
週末メモ帳

SampleConf2031 に参加してきました

今年も会場に行ってきました。

{% img /images/sampleconf-2031/hall.jpeg %}

Keynote: Building small tools by Rui Tanaka

@rui_sample
https://speakerdeck.com/rui_sample/small-tools

  • 小さく作って早く捨てる

Observability for one-person teams by Mika Sato

@mika_sample
https://speakerdeck.com/mika_sample/observability

  • ログは構造化から
"""


def test_the_post_title_is_found_beside_a_template_tag() -> None:
    parsed = parse(TAGGED_PAGE)
    assert parsed.title == "SampleConf2031 に参加してきました"
    assert parsed.blog == "週末メモ帳"
    assert talks_of(TAGGED_PAGE) == ["Building small tools", "Observability for one-person teams"]


# A post title with a label, above talks that name no speaker: the title, not a talk.
LABELLED_TITLE_PAGE = """\
Notes of a Quiet Listener

【参加レポート】Harbor Kaigi 2031

二日間の参加レポートです。

Rails の境界を引き直す

感想

  • 境界の話が分かりやすかった

ジョブキューの中断と再開

感想

  • 長いジョブを止める話

ビューを部品に分ける

感想

  • 移行の手順が参考になった
"""


def test_a_labelled_post_title_above_unnamed_talks_is_the_title() -> None:
    parsed = parse(LABELLED_TITLE_PAGE)
    assert talks_of(LABELLED_TITLE_PAGE) == [
        "Rails の境界を引き直す",
        "ジョブキューの中断と再開",
        "ビューを部品に分ける",
    ]
    assert parsed.title is not None and "Harbor Kaigi 2031" in parsed.title
