"""A blog page's chrome around the post: its name and tagline above, its footer below.

A note copied off a blog (or saved with its page around it) starts with the blog's
name, maybe a tagline and the post's title, and ends with share buttons, related
posts and an author box. None of that is content: the footer is cut off every note,
whatever its format, so it never stays under the last section (感想), and the top
is read for the post's title and the blog's name.
"""

from __future__ import annotations

import re

from notetui.core.parse import vocabulary
from notetui.core.parse.sections import clean_title
from notetui.core.text import fold

# The footer is looked for among this many last non-blank lines.
_FOOTER_LINES = 14
# Lines of a footer besides its chrome words: short ("・今月読んだ本", an author's bio).
_FOOTER_LINE_CHARS = 60
_FOOTER_SHAPES = re.compile(
    r"^(?:[-・•*]\s*\S.{0,40}|\d+\s*(?:件|users?|comments?)|\[?[0-9a-f]{2,}\]?|[«»].*|.*[«»])$",
    re.IGNORECASE,
)

_DATE_ONLY = re.compile(
    r"^[\[(（]?\s*(?:(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+(?:19|20)\d{2}|\d{1,2}\s+[A-Za-z]{3,9}\s+(?:19|20)\d{2})"
    r"\s*(?:[(（][^)）]{1,6}[)）])?\s*(?:\d{1,2}:\d{2})?\s*[\])）]?\s*(?:公開|投稿|更新)?\s*$"
)
_EVENTISH = re.compile(
    r"#\s?\d+|vol\.?\s?\d+|第\s?\d+\s?回|\b(?:19|20)\d{2}\b|meetup|study|勉強会|conference|\bconf\b"
    r"|night|\bday\b|summit|festival|\bfest\b|hackathon|ハッカソン|カンファレンス|セミナー|seminar"
    r"|LT会|もくもく会|ミートアップ|workshop|ワークショップ|\bjp\b|tokyo|osaka|kyoto|fukuoka"
    r"|東京|大阪|京都|福岡|名古屋|札幌|北海道|\bkaigi\b|会議|サミット|フェス|ナイト|\bcon\b|\bug\b|ユーザー?会",
    re.IGNORECASE,
)
_REPORTISH = re.compile(
    r"参加(?:メモ|レポ|記|報告)|に参加|行ってきた|参加してきた|notes from|recap|my notes"
)
# A year may be run into the event's name ("RubyKaigi2023"), as series often write it.
_EPISODE = re.compile(
    r"#\s?\d+|vol\.?\s?\d+|第\s?\d+\s?[回夜部期話弾号]|(?:\b|(?<=[A-Za-z]))(?:19|20)\d{2}\b"
    r"|\bpart\s?\d+",
    re.IGNORECASE,
)
_PROSE = re.compile(r"(?:です|ます|でした|ました|だった|ません|でしょう|ください)$|、.*、|[。!！]")
_REPORT_MARKER = re.compile(
    r"^(?:参加(?:メモ|レポート?|記|報告)|メモ|レポート|notes|recap)$", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[。．、,，:：]$")


def is_chrome_line(line: str) -> bool:
    folded = fold(line.strip())
    match = vocabulary.pattern("chrome").match(folded)
    if match is None or len(folded) > _FOOTER_LINE_CHARS:
        return False
    # "タグ: go" and "シェアする" are chrome; "タグを打てば…" is a sentence of the post.
    rest = folded[match.end() :]
    return not rest or not rest[0].isalnum() or rest.isdigit()


def content_end(lines: list[str], code: frozenset[int] = frozenset()) -> int:
    """Index after the last line of content: the blog's footer is cut off.

    The footer starts at the highest chrome line ("シェアする", "Related posts") among
    the last lines under which nothing but chrome and short lines follows."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    cut = end
    seen = 0
    index = end
    while index > 0 and seen < _FOOTER_LINES:
        index -= 1
        line = lines[index].strip()
        if not line:
            continue
        if index in code:
            break
        seen += 1
        if is_chrome_line(line):
            cut = index
        elif len(line) > _FOOTER_LINE_CHARS and not _FOOTER_SHAPES.match(line):
            break
    if cut == end:
        return end
    return cut


# How lines of a post's content start; a page's title or blog name never does. A
# template tag ("{% img … %}", "{{< tweet … >}}") is left in a page copy as it was written.
_NOT_A_TITLE_LINE = ("|", "- ", "* ", "+ ", "> ", "・", "•", "```", "{%", "{{")


def top_chrome(lines: list[str], first_title: int) -> tuple[str | None, str | None, int]:
    """(blog name, post title, index where the content starts) from the lines above the
    first talk of a note without headings."""
    top = [(i, lines[i].strip()) for i in range(min(first_title, 40)) if lines[i].strip()]
    if not top:
        return None, None, 0
    best: tuple[int, int] | None = None
    for position, (_index, line) in enumerate(top[:15]):
        if len(line) > 100 or "http" in line or line.endswith(("。", ".")):
            continue
        if line.startswith(_NOT_A_TITLE_LINE):
            continue  # a table row, a list item or a quote is the post's content
        if _DATE_ONLY.match(line) or _REPORT_MARKER.match(line):
            continue  # the post's date, or the "参加メモ" line under its title
        score = 0
        if _EPISODE.search(line):
            score += 4
        elif _EVENTISH.search(line):
            score += 2
        if _REPORTISH.search(line):
            score += 2
        if len(line) > 60:
            score -= 2
        if _PROSE.search(line):
            score -= 3  # a tagline or a sentence of the post, not its title
        if position == 0 and len(top) > 1 and len(top[1][1]) > 30:
            score -= 3  # a blog name with its tagline below
        following = top[position + 1][1] if position + 1 < len(top) else ""
        if _REPORT_MARKER.match(following):
            score += 1  # the post title sits right above "参加メモ"
        if best is None or score > best[0]:
            best = (score, position)
    if best is None or best[0] < 2:
        first_index, first_line = top[0]
        if (
            len(first_line) <= 60
            and not _SENTENCE_END.search(first_line)
            and "http" not in first_line
            and not first_line.startswith(_NOT_A_TITLE_LINE)
        ):
            return None, clean_title(first_line)[1], first_index + 1
        return None, None, 0
    position = best[1]
    index, title = top[position]
    blog = None
    if position > 0:
        name = top[0][1]
        if len(name) <= 40 and not _EVENTISH.search(name):
            blog = name
    # The same title again right below (a page's <title> and its <h1>) is chrome too.
    end = index + 1
    for later_index, later in top[position + 1 : position + 3]:
        if later == title:
            end = later_index + 1
    return blog, title, end
