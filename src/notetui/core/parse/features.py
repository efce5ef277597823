"""Stage 3: the features of each title candidate, computed once.

A feature is a name and a number (mostly 0 or 1). Their names are the keys of the
scorer's weights (weights.json): a feature without a weight counts for nothing, a
weight without a feature is never used. Structural features that depend on the
note's outline (what a heading contains, what its siblings look like) are added by
the decision stage, which knows the outline.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from notetui.core.load.budget import poll
from notetui.core.models import Speaker
from notetui.core.parse import detectors as d
from notetui.core.parse import sections as kinds
from notetui.core.parse import vocabulary
from notetui.core.parse.assemble import Below, Cleaned, clean, inline_text
from notetui.core.parse.blocks import Kind, Line
from notetui.core.text import fold

# A sentence, not a title: a question ("…するか？") or "!" ends many a talk's title.
_SENTENCE_END = re.compile(r"[。．、,，:：]$|(?:です|ます|でした|ました|だった|ません)[!！]?$")
# Prose, not a title: two clauses, a polite sentence ending, an aside in parentheses.
_PROSE = re.compile(
    r"、.*、|[、,，].*(?:[!！。]|です|ます|でした|ました)$|(?:でした|ました|ません|ください|でしょう)[!！。]*$"
    r"|^[(（].*[)）]$|[!！]{1}.*[!！]$"
)
# A "title" that is code or punctuation: a `# => true` comment read as a heading.
CODE_LIKE = re.compile(r"^(?:=>|->|\$ |//|[{}<>=;])|^[^\w]*$|[;{}]$|\(\)$")
_HANDLE_ONLY = re.compile(r"[@＠][A-Za-z0-9_][A-Za-z0-9_\-]{0,38}")
_SPEAKER_LABEL = re.compile(
    r"^(?:登壇者|発表者|講演者|講師|スピーカー|speakers?|presenters?|presented by)\s*[:：]", re.I
)
# A session code ("B2 (S):") or a room run into an event's name ("rubykaigiA ",
# "ScalamatsuriB "), the shape title_decoration takes off the title.
_SESSION_CODE = re.compile(
    r"^[A-Z]{1,2}\d{1,2}\s*(?:\([A-Z]{1,3}\))?\s*[:：]|^(?-i:[A-Za-z][a-z]{3,}[A-Z])\s", re.I
)
_DAY = re.compile(
    r"^(?:day\s*\d+|\d+\s*日目|\d{1,2}\s*[/月]\s*\d{1,2}\s*日?(?:\s*[(（][^)）]{1,4}[)）])?"
    r"|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}|第?\s*\d+\s*日目?|day\s*(?:one|two|three))$",
    re.IGNORECASE,
)
_EMBED = re.compile(
    r"pic\.twitter\.com/|^—\s.*\(@\w+\)|twitter\.com/\w+/status/|youtu\.?be|<iframe|\{%\s*(?:oembed|img|tweet|youtube)"
    r"|^@\[(?:speakerdeck|slideshare|youtube|tweet|card|docswell)\]",
    re.IGNORECASE,
)
_EVENTISH = re.compile(
    r"#\s?\d+|vol\.?\s?\d+|第\s?\d+\s?回|\b(?:19|20)\d{2}\b|meetup|勉強会|conference|カンファレンス"
    r"|参加(?:メモ|レポ|記|報告)|に参加|行ってきた|参加してきた|notes from|recap",
    re.IGNORECASE,
)
_MAX_VOCAB_TITLE = 40  # no vocabulary title (感想, Lunch break, その他のセッション) is longer
_SUB_LABELS = ("sub_labels", "slide_labels", "previous_labels", "reference_labels")
_MAX_SPEAKER_LINE = 120  # parse_speaker_line's own limit
# What a speaker line carries besides a name; a bare name right under a title is the
# title's speaker line (speaker_of_above), so lines without these are not asked.
_SPEAKER_HINT = re.compile(
    r"[@＠(（◆◇|｜/／,、]|さん|氏|様|先生|株式会社|登壇|発表者|speaker|presenter|\bby\b", re.I
)
# A table of contents entry: a link to an anchor of the note itself.
_TOC_ENTRY = re.compile(r"^\[[^\]]+\]\(#[^)]*\)\s*$")
_HANDLE_IN = re.compile(r"(?<![\w@./])[@＠][A-Za-z0-9_][A-Za-z0-9_\-]{1,38}(?![\w@])")


@dataclass
class Candidate:
    """One line that may be a talk's title, with what the pipeline learnt about it."""

    line: Line
    detectors: tuple[str, ...]
    cleaned: Cleaned
    below: Below
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    taken: bool = False
    why: str = ""

    @property
    def index(self) -> int:
        return self.line.index

    @property
    def title(self) -> str:
        return self.cleaned.title

    @property
    def speakers(self) -> tuple[Speaker, ...]:
        return self.cleaned.speakers or self.below.speakers

    @property
    def evidence(self) -> bool:
        """Something besides the line's own shape says it is a talk."""
        f = self.features
        return bool(
            f.get("speaker_below")
            or f.get("slides_below")
            or f.get("speaker_in_title")
            or f.get("url_below")
            or f.get("card_below")
            or f.get("hinted")
        )

    @property
    def shape(self) -> str:
        """What the candidate looks like, for comparing it with its siblings."""
        line = self.line
        if line.kind is Kind.HEADING:
            return f"h{line.level}"
        if line.kind is Kind.ITEM:
            return f"item{line.depth}"
        for name in ("quoted", "timed", "labelled", "bold"):
            if self.features.get(name):
                return name
        return "bare"


def candidates(
    ctx: d.Context, kinds: tuple[Kind, ...] = (Kind.HEADING, Kind.TEXT, Kind.ITEM)
) -> list[Candidate]:
    """Every line of these kinds some detector fires on, with its features."""
    found: list[Candidate] = []
    lines = ctx.blocks.lines
    for line in lines:
        if not line.index & 31:
            poll()
        if line.kind not in kinds:
            continue
        if line.kind is not Kind.HEADING and not _worth_a_look(ctx, line):
            continue
        fired = d.detect(ctx, line)
        if not fired:
            continue
        found.append(candidate_for(ctx, line, fired))
    _repeats(found)
    _consumed(found)
    return found


def _worth_a_look(ctx: d.Context, line: Line) -> bool:
    """Cheap filter before the detectors: long prose lines are never titles."""
    return d.title_like(line.text)


def candidate_for(ctx: d.Context, line: Line, fired: tuple[str, ...]) -> Candidate:
    """A candidate for `line`, which the detectors named in `fired` fired on."""
    total = max(1, len(ctx.texts))
    text = line.text
    shown = inline_text(text)
    cleaned = clean(text)
    strong = line.kind is Kind.HEADING or any(
        name in fired for name in ("quoted_line", "timed_line", "labelled_line", "bold_line")
    )
    # A list item names its speaker in itself; the lines under it are its points.
    under = Below() if line.kind is Kind.ITEM else ctx.below(line.index, strong=strong)
    if under.speakers and line.index in ctx.container_heads:
        under = Below()  # "## LT" over "- Title @speaker" items: those are its talks
    title = cleaned.title
    f: dict[str, float] = {}
    f["heading"] = float(line.kind is Kind.HEADING)
    f["setext"] = float(line.setext)
    f["item"] = float(line.kind is Kind.ITEM)
    f["bold"] = float(d.BOLD_LINE.match(text) is not None or "bold_line" in fired)
    f["quoted"] = float(d.QUOTED_LINE.match(shown) is not None)
    f["timed"] = float(cleaned.time is not None and bool(title))
    f["labelled"] = float(
        d.LABELLED_LINE.match(shown) is not None or _SESSION_CODE.match(shown) is not None
    )
    f["label_only"] = float(bool(title) and kinds.only("labels", title))
    f["item_link_title"] = float(
        line.kind is Kind.ITEM and d.ITEM_LINK_TITLE.match(text) is not None
    )
    f["item_speaker"] = float(line.kind is Kind.ITEM and bool(cleaned.speakers))
    f["speaker_in_title"] = float(bool(cleaned.speakers))
    f["speaker_line"] = float(_is_speaker_line(line, text, shown, cleaned))
    f["handle_in_title"] = float(_HANDLE_IN.search(shown) is not None)
    f["link_title"] = float(bool(cleaned.links) and line.kind is Kind.HEADING)
    f["speaker_below"] = float(bool(under.speakers))
    f["slides_below"] = float(bool(under.slides) or any(_is_deck(u) for u in cleaned.links))
    f["url_below"] = float(_url_below(ctx, line))
    f["card_below"] = float("card_line" in fired)
    f["hinted"] = float("hinted_line" in fired)
    f["standalone"] = float("standalone_line" in fired)
    f["stands_apart"] = float(ctx.blank(line.index - 1))
    f["sentence_end"] = float(_SENTENCE_END.search(title) is not None)
    f["long"] = float(len(title) > 80)
    f["prose"] = float(_PROSE.search(title) is not None)
    f["code_like"] = float(CODE_LIKE.search(title) is not None)
    f["descriptive"] = float(_width(title) >= 28 and not f["long"])
    f["too_short"] = float(len(title) < 2)
    if title and len(title) <= _MAX_VOCAB_TITLE:
        f["schedule"] = float(kinds.is_schedule_title(title))
        f["impressions"] = float(kinds.is_impressions_title(title))
        f["links"] = float(kinds.only("links", title))
        f["other"] = float(kinds.is_other_title(title))
        f["qa"] = float(kinds.is_qa_title(title))
        f["container_word"] = float(kinds.is_container_title(title))
        if f["container_word"]:
            f["label_only"] = 0.0  # "セッション", "LT" over a group of talks: a container
        f["chrome"] = float(kinds.only("chrome", title))
        f["sub_label"] = float(kinds.only_any(_SUB_LABELS, title))
    f["day"] = float(_DAY.match(fold(title).strip()) is not None)
    f["toc"] = float(_TOC_ENTRY.match(text) is not None)
    f["embed"] = float(_EMBED.search(text) is not None)
    f["bare_url"] = float(d.BARE_URL.match(text) is not None or title.startswith("http"))
    f["eventish"] = float(_EVENTISH.search(title) is not None)
    f["position"] = line.index / total
    if line.kind is Kind.ITEM:
        f["depth"] = float(line.depth)
    # Only what counts is kept: the scorer sums over these.
    return Candidate(line, fired, cleaned, under, {k: v for k, v in f.items() if v})


def _width(text: str) -> int:
    """Roughly the columns a title takes: a CJK character is 3 bytes of UTF-8 and 2
    columns, so bytes overcount it a little; that is fine for a threshold."""
    return len(text.encode("utf-8", "surrogatepass"))


def _is_speaker_line(line: Line, text: str, shown: str, cleaned: Cleaned) -> bool:
    """The line names a speaker, not a talk ("登壇者: …", "### 高木 克彰(@tkg) ◆ Yahoo")."""
    if _SPEAKER_LABEL.match(shown) or _HANDLE_ONLY.fullmatch(shown):
        return True
    # A list item that links its title or names a speaker beside it is a talk entry.
    if line.kind is Kind.ITEM and (d.ITEM_LINK_TITLE.match(text) or cleaned.speakers):
        return False
    if len(shown) > _MAX_SPEAKER_LINE or _SPEAKER_HINT.search(shown) is None:
        return False
    return _speaker_line(shown, line)


def _speaker_line(shown: str, line: Line) -> bool:
    from notetui.core.parse.assemble import is_speaker_line

    return is_speaker_line(line.text if line.kind is Kind.HEADING else shown)


def _is_deck(url: str) -> bool:
    from notetui.core.parse.assemble import is_slides

    return is_slides(url)


def _url_below(ctx: d.Context, line: Line) -> bool:
    """The talk's own page (a timetable entry, a proposal) as a bare URL right below."""
    nxt = ctx.next_text(line.index)
    if nxt is None or nxt[0] > line.index + 2 or d.BARE_URL.match(nxt[1]) is None:
        return False
    return vocabulary.pattern("talk_pages").search(nxt[1].casefold()) is not None


def with_text_lines(ctx: d.Context, found: list[Candidate]) -> list[Candidate]:
    """`found` and the text lines' candidates, for a note its headings did not split:
    looked for only then, as most notes with headings never need them."""
    more = candidates(ctx, (Kind.TEXT,))
    merged = sorted([*found, *more], key=lambda c: c.index)
    _repeats(merged)
    _consumed(merged)
    return merged


def _consumed(found: list[Candidate]) -> None:
    """A line that a title above took as its speaker or slide line is not a title."""
    taken: set[int] = set()
    for candidate in found:
        candidate.features["speaker_of_above"] = float(candidate.index in taken)
        taken |= candidate.below.lines


def _repeats(found: list[Candidate]) -> None:
    """A title written more than once ("感想" under every talk) is a sub-heading."""

    def key(candidate: Candidate) -> tuple[Kind, str]:
        return candidate.line.kind, fold(candidate.title)

    counts = Counter(key(c) for c in found if c.title and not c.features.get("toc"))
    for candidate in found:
        if counts[key(candidate)] > 1:
            candidate.features["repeats"] = 1.0
