"""Stage 2: title candidates, from a registry of small named detectors.

Each detector looks at one line (with the note around it, `Context`) and says
whether it could be a talk's title in its own way: a heading, a bold line, a
「quoted」 line, a timed line, a labelled line, a list item that names its speaker,
a bare line with a speaker or slides under it, a line another note of the same event
names. A line any detector fires on is a candidate; which detectors fired become
features, and the scorer (not the detector) decides. Adding a shape is adding one
function here, one entry in `DETECTORS`, and a fixture under
tests/core/parse/fixtures/<detector>/.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from notetui.core.parse import vocabulary
from notetui.core.parse.assemble import Below, below, inline_text
from notetui.core.parse.blocks import Blocks, Kind, Line
from notetui.core.parse.sections import split_time
from notetui.core.text import title_key

MAX_TITLE_CHARS = 140
_MAX_LINKED_CHARS = 600
_MIN_CARD_TITLE = 4  # "Go" above "Go | Site" is a word, not a title
_STANDALONE_CHARS = 90

QUOTED_LINE = re.compile(r"^(?:[\[(（【]?\d{1,2}[:：]\d{2}[^「『“\"]{0,12})?[「『“\"].+[」』”\"]$")
LABELLED_LINE = re.compile(
    r"^(?:【[^】]{1,20}】|(?:LT|ＬＴ|セッション|Session|Talk|発表|講演|Keynote|基調講演|登壇)\s*\d*\s*"
    r"[:：.．|｜]|[■□◆◇●○▼▽▶►★☆])",
    re.IGNORECASE,
)
_QUOTE_STARTS = frozenset('「『“"[(（【0123456789')
BOLD_LINE = re.compile(r"^(\*\*|__)[^*_].*\1$")
NOT_TITLE_START = re.compile(
    r"^(?:[-*+・•→⇒>＞※]|[QqAaＱＡ]\s*[:：.]|Q\d|A\d|https?://|[-=_~]{3,}|//|\{[{%]|<|=>|\$ |#)"
)
# A speaker written into a list item: "Title @handle", "Title by Name", "Title : Name".
ITEM_SPEAKER = re.compile(
    r"(?:\s[@＠][A-Za-z0-9_][A-Za-z0-9_\-]{0,38}\s*$|\s(?:by|presented by)\s+\S"
    r"|\s[:：/／]\s*\S[^:：/／]{0,40}$)",
    re.IGNORECASE,
)
ITEM_LINK_TITLE = re.compile(r"^(?:\[[^\]]+\]\([^)]+\)|\{%\s*(?:elink|link)\s)")
_ITEM_HINT = re.compile(r"[@＠\[]|\{%|\s[:：/／]\s| by ", re.IGNORECASE)
BARE_URL = re.compile(r"^<?https?://\S+>?$")


@dataclass
class Context:
    """One note as the detectors and features see it."""

    blocks: Blocks
    texts: list[str]  # per line: heading text, item text or the stripped line
    hint_keys: list[str] = field(default_factory=list)
    markdown: bool = False
    has_title: bool = False  # the front matter names the post
    front_title_key: str = ""  # that name, as title_key folds it
    talk_level: int = 0  # known from the note's format (notetui's own export: 2), else 0
    container_items: frozenset[int] = frozenset()  # items right under a container heading
    container_heads: frozenset[int] = frozenset()  # those container headings
    _below: dict[tuple[int, bool], Below] = field(default_factory=dict)
    _headings: frozenset[int] | None = None
    _hints_by_length: tuple[list[int], list[str]] | None = None

    def below(self, index: int, *, strong: bool) -> Below:
        """What sits under line `index` (cached: several detectors ask)."""
        key = (index, strong)
        if key not in self._below:
            stop = min(len(self.texts), index + 12)
            self._below[key] = below(
                self.blocks.raw, index + 1, stop, strong=strong, headings=self.heading_lines
            )
        return self._below[key]

    def hints_by_length(self) -> tuple[list[int], list[str]]:
        """The hint keys sorted by length, with their lengths: a partial match is only
        asked of keys of about the line's length."""
        if self._hints_by_length is None:
            keys = sorted(self.hint_keys, key=len)
            self._hints_by_length = ([len(k) for k in keys], keys)
        return self._hints_by_length

    @property
    def heading_lines(self) -> frozenset[int]:
        if self._headings is None:
            self._headings = frozenset(line.index for line in self.blocks.headings)
        return self._headings

    def line(self, index: int) -> Line:
        return self.blocks.lines[index]

    def blank(self, index: int) -> bool:
        return not (0 <= index < len(self.texts)) or not self.texts[index]

    def next_text(self, index: int) -> tuple[int, str] | None:
        """The next non-blank line after `index`, within a few lines."""
        for nxt in range(index + 1, min(len(self.texts), index + 4)):
            if self.texts[nxt]:
                return nxt, self.texts[nxt]
        return None


def hinted(ctx: Context, text: str) -> bool:
    if not ctx.hint_keys:
        return False
    key = title_key(text)
    if len(key) < 4:
        return False
    # rapidfuzz's own loop over the keys, with the thresholds as cut-offs: the same
    # answer as asking each key in turn, at a fraction of the cost.
    if process.extractOne(key, ctx.hint_keys, scorer=fuzz.ratio, score_cutoff=85) is not None:
        return True
    if len(key) < 8:
        return False
    # Only keys whose length is within the ratio below can count: a window a little
    # wider than it (whole numbers), the exact test after.
    lengths, keys = ctx.hints_by_length()
    low = bisect.bisect_left(lengths, max(8, math.floor(len(key) / 1.6)))
    high = bisect.bisect_right(lengths, math.ceil(len(key) / 0.6))
    close = process.extract_iter(key, keys[low:high], scorer=fuzz.partial_ratio, score_cutoff=92)
    return any(len(other) >= 8 and 0.6 <= len(key) / len(other) <= 1.6 for other, _, _ in close)


def title_like(text: str) -> bool:
    """A line short and plain enough to be a title at all (a link's target does not
    count: "[Title](https://a-long-url)" is as long as its title)."""
    if not text or text.startswith("|"):
        return False
    if len(text) > MAX_TITLE_CHARS and ("](" in text or "{%" in text or "http" in text):
        return len(inline_text(text)) <= MAX_TITLE_CHARS and len(text) <= _MAX_LINKED_CHARS
    return len(text) <= MAX_TITLE_CHARS


def _text_line(ctx: Context, line: Line) -> bool:
    return line.kind is Kind.TEXT and title_like(line.text)


# -- the detectors ----------------------------------------------------------------------


def heading(ctx: Context, line: Line) -> bool:
    return line.kind is Kind.HEADING


def bold_line(ctx: Context, line: Line) -> bool:
    return _text_line(ctx, line) and BOLD_LINE.match(line.text) is not None


def quoted_line(ctx: Context, line: Line) -> bool:
    text = line.text
    return (
        bool(text)
        and text[0] in _QUOTE_STARTS
        and QUOTED_LINE.match(text) is not None
        and title_like(text)
    )


def timed_line(ctx: Context, line: Line) -> bool:
    if not _text_line(ctx, line):
        return False
    time, rest = split_time(line.text)
    return time is not None and bool(rest)


def labelled_line(ctx: Context, line: Line) -> bool:
    return _text_line(ctx, line) and LABELLED_LINE.match(line.text) is not None


def list_item(ctx: Context, line: Line) -> bool:
    """`* [Title](url) by Speaker`, `- Title @handle`, `- Title : Speaker`."""
    if line.kind is not Kind.ITEM or not title_like(line.text):
        return False
    text = line.text
    if BARE_URL.match(text):
        return False
    if line.index in ctx.container_items:
        return True
    if not _ITEM_HINT.search(text):
        return False  # no handle, link, "by" or separator: cheap way out for points
    return ITEM_SPEAKER.search(inline_text(text)) is not None or bool(ITEM_LINK_TITLE.match(text))


def bare_line(ctx: Context, line: Line) -> bool:
    """A plain line with a speaker, slides or the talk's page right under it."""
    if not _text_line(ctx, line) or NOT_TITLE_START.match(line.text):
        return False
    if ctx.below(line.index, strong=False).evidence:
        return True
    nxt = ctx.next_text(line.index)
    return (
        nxt is not None
        and nxt[0] <= line.index + 2
        and BARE_URL.match(nxt[1]) is not None
        and vocabulary.pattern("talk_pages").search(nxt[1].casefold()) is not None
    )


def standalone_line(ctx: Context, line: Line) -> bool:
    """A short line on its own between blank lines: a heading, once the page was copied
    as text (a browser drops the `#`). The scorer and the decision say which."""
    if not _text_line(ctx, line) or line.indent > 3 or len(line.text) > _STANDALONE_CHARS:
        return False
    if not (ctx.blank(line.index - 1) and ctx.blank(line.index + 1)):
        return False
    return not NOT_TITLE_START.match(line.text) and not BARE_URL.match(line.text)


def hinted_line(ctx: Context, line: Line) -> bool:
    """A line that another note of the same event gives as a talk title."""
    if not ctx.hint_keys or line.kind not in (Kind.TEXT, Kind.ITEM):
        return False
    return title_like(line.text) and hinted(ctx, line.text)


def card_line(ctx: Context, line: Line) -> bool:
    """A line repeated right below as a link card ("Title" then "Title | Event site")."""
    if not _text_line(ctx, line):
        return False
    nxt = ctx.next_text(line.index)
    if nxt is None or nxt[0] > line.index + 2 or len(line.text) < _MIN_CARD_TITLE:
        return False
    return (
        nxt[1].startswith(line.text)
        and re.match(r"\s*[|｜\-–—]\s*\S", nxt[1][len(line.text) :]) is not None
    )


Detector = Callable[[Context, Line], bool]

DETECTORS: tuple[tuple[str, Detector], ...] = (
    ("heading", heading),
    ("bold_line", bold_line),
    ("quoted_line", quoted_line),
    ("timed_line", timed_line),
    ("labelled_line", labelled_line),
    ("list_item", list_item),
    ("bare_line", bare_line),
    ("card_line", card_line),
    ("standalone_line", standalone_line),
    ("hinted_line", hinted_line),
)


# Which detectors can fire on which kind of line: the others are not asked.
_BY_KIND: dict[Kind, tuple[tuple[str, Detector], ...]] = {
    Kind.HEADING: tuple(entry for entry in DETECTORS if entry[0] == "heading"),
    Kind.ITEM: tuple(
        entry for entry in DETECTORS if entry[0] in ("list_item", "quoted_line", "hinted_line")
    ),
    Kind.TEXT: tuple(entry for entry in DETECTORS if entry[0] not in ("heading", "list_item")),
}


def detect(ctx: Context, line: Line) -> tuple[str, ...]:
    """The names of the detectors that fire on this line."""
    return tuple(name for name, detector in _BY_KIND.get(line.kind, ()) if detector(ctx, line))
