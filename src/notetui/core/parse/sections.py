"""Telling talks from everything else, and cleaning titles, whatever the note's format.

The vocabularies are deliberately about *whole* titles: "休憩" is a break, but
"休憩時間を活かすSRE" is a talk. A title is a schedule item only when nothing but
schedule words is left of it.
"""

from __future__ import annotations

import re
import unicodedata

from notetui.core.models import SectionKind
from notetui.core.text import fold

_SEPARATORS = r"[\s・/／&＆,、。.:：|｜\-–—~〜()（）\[\]【】「」『』!！?？+＋*]+"

_SCHEDULE_WORDS = (
    "開場",
    "受付",
    "受付開始",
    "開場・受付",
    "入場",
    "乾杯",
    "休憩",
    "小休憩",
    "中休み",
    "懇親会",
    "懇親",
    "交流会",
    "ネットワーキング",
    "終了",
    "閉会",
    "閉場",
    "開会",
    "開始",
    "オープニング",
    "クロージング",
    "イントロ",
    "イントロダクション",
    "挨拶",
    "ご挨拶",
    "挨拶",
    "会場説明",
    "諸注意",
    "注意事項",
    "締め",
    "中締め",
    "集合写真",
    "撤収",
    "片付け",
    "お弁当",
    "昼食",
    "ランチ",
    "ランチタイム",
    "お昼",
    "夕食",
    "食事",
    "軽食",
    "ピザ",
    "飲み物",
    "移動",
    "解散",
    "交流",
    "歓談",
    "懇談",
    "アンケート",
    "告知",
    "スポンサー紹介",
    "会場提供",
    "運営",
    "タイムテーブル",
    "スケジュール",
    "アジェンダ",
    "doors",
    "open",
    "opening",
    "registration",
    "check",
    "in",
    "checkin",
    "welcome",
    "intro",
    "introduction",
    "break",
    "coffee",
    "tea",
    "lunch",
    "dinner",
    "snacks",
    "pizza",
    "drinks",
    "beer",
    "networking",
    "party",
    "social",
    "reception",
    "mixer",
    "closing",
    "close",
    "wrap",
    "up",
    "remarks",
    "announcements",
    "photo",
    "group",
    "end",
    "finish",
    "schedule",
    "agenda",
    "timetable",
    "time",
    "table",
    "sponsor",
    "sponsors",
    "and",
    "the",
    "&",
    "帰宅",
    "まで",
)
_SCHEDULE_SET = frozenset(fold(w) for w in _SCHEDULE_WORDS)
# Longest first, so "小休憩" is removed before "休憩" would leave "小" behind.
_SCHEDULE_RE = re.compile(
    "|".join(re.escape(w) for w in sorted(_SCHEDULE_SET, key=len, reverse=True) if len(w) > 1)
)

_IMPRESSIONS = frozenset(
    fold(w)
    for w in (
        "感想",
        "全体の感想",
        "全体感想",
        "参加した感想",
        "参加してみた感想",
        "個人的な感想",
        "所感",
        "雑感",
        "まとめ",
        "全体のまとめ",
        "全体まとめ",
        "おわりに",
        "終わりに",
        "さいごに",
        "最後に",
        "あとがき",
        "振り返り",
        "参加しての感想",
        "感想・まとめ",
        "まとめ・感想",
        "感想とまとめ",
        "総括",
        "総評",
        "impressions",
        "my impressions",
        "thoughts",
        "final thoughts",
        "summary",
        "conclusion",
        "conclusions",
        "takeaways",
        "key takeaways",
        "wrap up",
        "wrap-up",
        "afterword",
        "reflections",
        "overall",
        "closing thoughts",
    )
)
_LINKS = frozenset(
    fold(w)
    for w in (
        "関連",
        "関連リンク",
        "関連記事",
        "参考",
        "参考リンク",
        "参考資料",
        "参考文献",
        "リンク",
        "リンク集",
        "資料",
        "資料まとめ",
        "発表資料",
        "発表資料まとめ",
        "スライド",
        "スライドまとめ",
        "links",
        "references",
        "related",
        "related links",
        "related posts",
        "see also",
        "resources",
        "further reading",
        "slides",
    )
)
_OTHER = frozenset(
    fold(w)
    for w in (
        "はじめに",
        "始めに",
        "前置き",
        "概要",
        "イベント概要",
        "開催概要",
        "イベント情報",
        "イベントについて",
        "目次",
        "会場",
        "当日の様子",
        "参加の動機",
        "参加動機",
        "背景",
        "introduction",
        "overview",
        "about",
        "about the event",
        "event info",
        "table of contents",
        "contents",
        "toc",
        "background",
        "preface",
    )
)
_QA = frozenset(
    fold(w) for w in ("Q&A", "QA", "Q & A", "質疑応答", "質疑", "質問", "Q and A", "questions")
)
# Headings that group talks rather than being one ("## Talks" with "### talk" below).
_CONTAINERS = frozenset(
    fold(w)
    for w in (
        "発表",
        "発表内容",
        "セッション",
        "セッション一覧",
        "講演",
        "講演内容",
        "トーク",
        "本編",
        "登壇",
        "LT",
        "LTs",
        "LT枠",
        "LT大会",
        "ライトニングトーク",
        "ライトニングトーク枠",
        "メモ",
        "ノート",
        "talks",
        "sessions",
        "presentations",
        "lightning talks",
        "notes",
        "keynotes",
    )
)


def classify(title: str, *, has_speakers: bool = False, body_lines: int = 0) -> SectionKind:
    """The kind of a section from its cleaned title and a little about its content."""
    key = _plain(title)
    if key in _IMPRESSIONS or _starts_with_any(key, _IMPRESSIONS):
        return SectionKind.IMPRESSIONS
    if key in _LINKS:
        return SectionKind.LINKS
    if key in _OTHER:
        return SectionKind.OTHER
    if not has_speakers and is_schedule_title(title):
        return SectionKind.SCHEDULE
    return SectionKind.TALK


_DURATION = re.compile(r"\d+(?:分|時間|秒|min|mins|minutes?|h|hours?|sec)|約|程度|ほど|頃|ごろ")


def is_schedule_title(title: str) -> bool:
    folded = fold(title)
    if len(folded) > 40:
        return False
    rest = _SCHEDULE_RE.sub(" ", folded)
    words = [w for w in re.split(_SEPARATORS, rest) if w]
    leftover = [
        w
        for w in words
        if w not in _SCHEDULE_SET
        and not w.isdigit()
        and not _DURATION.fullmatch(w)
        and not all(unicodedata.category(ch) == "So" for ch in w)  # "懇親会🍺"
    ]
    return sum(len(w) for w in leftover) <= 1 and rest != folded


def is_qa_title(title: str) -> bool:
    return _plain(title) in _QA


def is_container_title(title: str) -> bool:
    return _plain(title) in _CONTAINERS


def is_non_talk_word(title: str) -> bool:
    """A title that names an impressions or links section outright (for plain text)."""
    key = _plain(title)
    return key in _IMPRESSIONS or key in _LINKS


_LEADING_MARKS = re.compile(r"[#\s]*")
_TRAILING_MARKS = re.compile(r"[\s:：。.!！]*")


def _plain(title: str) -> str:
    folded = fold(title).strip()
    # Both ends are matched anchored (the tail on the reversed text): an unanchored
    # "[…]+$" retries at every position and is quadratic on a long run of ". . .".
    start = _run_length(_LEADING_MARKS, folded)
    end = len(folded) - _run_length(_TRAILING_MARKS, folded[::-1])
    return re.sub(r"\s+", " ", folded[start : max(start, end)])


def _run_length(pattern: re.Pattern[str], text: str) -> int:
    match = pattern.match(text)
    return match.end() if match else 0


def _starts_with_any(key: str, words: frozenset[str]) -> bool:
    # "感想：とても良かった" is still the impressions section.
    head = re.split(r"[:：\-–—(（]", key, maxsplit=1)[0].strip()
    return head != key and head in words


# A time slot at the start of a title: "19:35", "19:35-20:00", "[19:35〜]", "19時35分".
_TIME = re.compile(
    r"^\s*[\[(（【]?\s*(?P<h>[0-2]?\d)\s*(?:[:：]|時)\s*(?P<m>[0-5]\d)分?"
    r"(?:\s*[-–—~〜～]\s*(?:[0-2]?\d\s*(?:[:：]|時)\s*[0-5]\d分?)?)?\s*[\])）】]?"
    r"(?:\s*[-–—|｜:：]\s*|\s+|(?=[^\d]))"
)
_QUOTED = re.compile(r"^[「『“\"](?P<inner>.+)[」』”\"]$")
_LABEL_PREFIX = re.compile(
    r"^(?:【[^】]{1,20}】\s*"
    r"|(?:LT|ＬＴ|Lightning Talk|セッション|Session|Talk|発表|講演|Keynote|基調講演|キーノート"
    r"|登壇|トーク)\s*\d*\s*[:：.．|｜)\]】-]\s*"
    r"|(?:第\s*\d+\s*部|Part\s*\d+)\s*[:：.．]?\s*"
    r"|\d{1,2}\s*[.．)）]\s+"
    r"|[■□◆◇●○▼▽▶►★☆]\s*)",
    re.IGNORECASE,
)


def split_time(title: str) -> tuple[str | None, str]:
    """("HH:MM" or None, the title without its time slot)."""
    match = _TIME.match(title)
    if not match:
        return None, title
    rest = title[match.end() :].strip()
    if not rest:
        return f"{int(match.group('h')):02d}:{match.group('m')}", ""
    hour = int(match.group("h"))
    if hour > 23:
        return None, title
    return f"{hour:02d}:{match.group('m')}", rest


def clean_title(raw: str) -> tuple[str | None, str]:
    """(time slot, title as written) with time slot, quotes and decoration removed."""
    title = " ".join(raw.replace("\t", " ").split())
    title = re.sub(r"^(?:\*\*|__)(.+)(?:\*\*|__)$", r"\1", title)
    time, title = split_time(title)
    for _ in range(2):  # "【LT】「title」" peels both
        title = _LABEL_PREFIX.sub("", title, count=1).strip() or title
        quoted = _QUOTED.match(title)
        if quoted:
            title = quoted.group("inner").strip()
    if time is None:
        time, title = split_time(title)
    return time, title


_REPORT_WORDS = re.compile(
    r"(?:に|へ|の)?(?:参加(?:して(?:き|来)?(?:まし)?た|しました|しています|してきた)?"
    r"(?:メモ|レポート?|レポ|記|報告|ログ|日記|録)?|行って(?:き|来)(?:まし)?た|聴講メモ|聴講記|"
    r"まとめ|メモ|レポート|レポ|ログ)$"
)
_ENGLISH_REPORT = re.compile(
    r"^(?:notes? (?:from|on)|my notes (?:from|on)|recap(?: of)?:?|report(?: from)?:?)\s+"
    r"|\s*(?:[-:–—]\s*)?(?:notes|recap|report|writeup|write-up|trip report)$",
    re.IGNORECASE,
)
_HASHTAG = re.compile(r"\s*[#＃][^\s#＃\d][^\s#＃]*\s*$")
_TAG_PREFIX = re.compile(r"^\s*(?:\[[^\]]{1,20}\]|【[^】]{1,20}】)\s*")


def clean_event_title(raw: str) -> str:
    """An event's name from a post title: no "参加メモ", no hashtags, no "[tag]" prefix."""
    title = " ".join(raw.split())
    for _ in range(4):
        before = title
        title = _HASHTAG.sub("", title)
        title = _TAG_PREFIX.sub("", title)
        title = _REPORT_WORDS.sub("", title).rstrip(" -:：–—|｜")
        title = _ENGLISH_REPORT.sub("", title).strip()
        quoted = _QUOTED.match(title) or re.match(r"^[「『](?P<inner>[^」』]+)[」』]", title)
        if quoted:
            title = quoted.group("inner").strip()
        if title == before:
            break
    return title.strip() or " ".join(raw.split())
