"""Rewrites of a note that must not change which talks it holds (issue 11's metamorphic tests).

Each rewrite is a pure function of a note's text (the first-talk one also takes the note's
labels). `REWRITES` lists them with how each one maps a note's expected labels (score.py's
per-file entry: talks with title, speakers, slides, cluster). `rewrite_note` applies one to a
note and returns the bytes to write plus the mapped labels.

Headings are found with markdown-it, so a `# comment` in a code fence is left alone; front
matter is split off first (YAML `---`, TOML `+++` or a JSON object), so its closing `---`
is never read as a setext underline.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from support.browser_dump import dump_page, inline_text

Label = dict[str, Any]  # one file's entry in expected.json ("talks", "not_talks", ...)

MAX_LEVEL = 6


class RewriteError(ValueError):
    """The rewrite cannot be made for this note (e.g. its first talk is not in the text)."""


# -- front matter -------------------------------------------------------------------------


@dataclass(frozen=True)
class FrontMatter:
    kind: str  # "yaml", "toml", "json" or "" (none)
    raw: str  # the block as written, delimiters included
    body: str
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str | None:
        value = self.fields.get("title")
        return str(value).strip() or None if value is not None else None

    @property
    def date(self) -> str | None:
        for key in ("date", "publishedAt", "published_at"):
            if self.fields.get(key):
                return str(self.fields[key])
        return None


_FENCES = {"---": "yaml", "+++": "toml"}


def split_front_matter(text: str) -> FrontMatter:
    """The note's front matter and the body after it."""
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    first = lines[0].strip() if lines else ""
    if first in _FENCES:
        for i in range(1, len(lines)):
            if lines[i].strip() == first:
                raw = "\n".join(lines[: i + 1]) + "\n"
                inner = "\n".join(lines[1:i])
                return FrontMatter(
                    _FENCES[first], raw, "\n".join(lines[i + 1 :]), _parse(_FENCES[first], inner)
                )
    if first.startswith("{"):
        decoder = json.JSONDecoder()
        try:
            value, end = decoder.raw_decode(text)
        except ValueError:
            return FrontMatter("", "", text)
        if isinstance(value, dict):
            return FrontMatter("json", text[:end] + "\n", text[end:].lstrip("\n"), value)
    return FrontMatter("", "", text)


def _parse(kind: str, inner: str) -> dict[str, Any]:
    try:
        value = yaml.safe_load(inner) if kind == "yaml" else tomllib.loads(inner)
    except (yaml.YAMLError, tomllib.TOMLDecodeError):
        match = re.search(r"^title\s*[:=]\s*[\"']?(.*?)[\"']?\s*$", inner, re.M)
        return {"title": match.group(1)} if match else {}
    return value if isinstance(value, dict) else {}


# -- headings -----------------------------------------------------------------------------


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


@dataclass(frozen=True)
class Heading:
    level: int
    first: int  # first line (0-based, in the body)
    end: int  # line after it
    setext: bool
    text: str  # as shown: markup and tags gone


def headings(body: str) -> list[Heading]:
    """The note's headings (top-level ones, as markdown-it reads them)."""
    tokens = _markdown().parse(body)
    found: list[Heading] = []
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or token.map is None or token.level != 0:
            continue
        found.append(
            Heading(
                level=int(token.tag[1]),
                first=token.map[0],
                end=token.map[1],
                setext=not token.markup.startswith("#"),
                text=_shown(tokens[i + 1]),
            )
        )
    return found


def _shown(inline: Token) -> str:
    parts = [
        child.content
        for child in inline.children or []
        if child.type in ("text", "code_inline", "softbreak")
    ]
    return "".join(parts).strip()


_ATX = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)")


def _relevel(body: str, new_level: Callable[[Heading], int]) -> str:
    """The body with each heading at `new_level(heading)`; setext headings become ATX when
    their new level has no setext form."""
    lines = body.split("\n")
    for h in reversed(headings(body)):
        level = new_level(h)
        if level == h.level:
            continue
        if not 1 <= level <= MAX_LEVEL:
            raise RewriteError(f"a heading would go to level {level}")
        if h.setext:
            content = " ".join(line.strip() for line in lines[h.first : h.end - 1])
            lines[h.first : h.end] = [f"{'#' * level} {content}"]
        else:
            lines[h.first] = _ATX.sub(rf"\g<1>{'#' * level}", lines[h.first], count=1)
    return "\n".join(lines)


def title_heading(found: Sequence[Heading]) -> Heading | None:
    """The note's own title as a heading: a first heading at level 1 that no other shares."""
    if found and found[0].level == 1 and all(h.level > 1 for h in found[1:]):
        return found[0]
    return None


# -- the rewrites (text -> text) ----------------------------------------------------------


def headings_deeper(text: str) -> str:
    """Every heading one level deeper. A note with a level-6 heading cannot be: unchanged."""
    fm = split_front_matter(text)
    found = headings(fm.body)
    if not found or max(h.level for h in found) >= MAX_LEVEL:
        return text
    return fm.raw + _relevel(fm.body, lambda h: h.level + 1)


def headings_shallower(text: str) -> str:
    """Every heading one level shallower, where the note allows it: no heading above level 1,
    and a title heading (a lone level-1 first heading) stays above all the others. A note
    that does not allow it is returned unchanged."""
    fm = split_front_matter(text)
    found = headings(fm.body)
    title = title_heading(found)
    rest = [h for h in found if h != title]
    floor = 2 if title else 1
    if not rest or min(h.level for h in rest) - 1 < floor:
        return text
    return fm.raw + _relevel(fm.body, lambda h: h.level if h == title else h.level - 1)


def front_matter_to_heading(text: str) -> str:
    """The front matter removed, its title written as `# title` above the body."""
    fm = split_front_matter(text)
    if not fm.kind:
        return text
    head = f"# {fm.title}\n\n" if fm.title else ""
    return head + fm.body.lstrip("\n")


_CLOCK = r"\d{1,2}\s*[:：]\s*\d{2}"
_SLOT = rf"[\[(（【]?\s*{_CLOCK}(?:\s*[-~〜～–—]+\s*(?:{_CLOCK})?)?\s*[\])）】]?"
_LEADING_SLOT = re.compile(rf"^(\s*)(?:{_SLOT})[\s:：|｜]*")
_TRAILING_SLOT = re.compile(rf"\s*(?:{_SLOT})\s*$")


def strip_time_slot(heading_text: str) -> str:
    """`19:30 ~ 20:00\tTitle`, `[19:00] Title` or `Title (19:00-19:30)` without the time."""
    out = _TRAILING_SLOT.sub("", _LEADING_SLOT.sub(r"\1", heading_text, count=1), count=1)
    return out if out.strip() else heading_text


def time_slots_removed(text: str) -> str:
    """Time slots taken out of every heading (a heading that is only a time stays)."""
    fm = split_front_matter(text)
    lines = fm.body.split("\n")
    for h in headings(fm.body):
        for n in range(h.first, h.end - 1 if h.setext else h.end):
            match = _ATX.match(lines[n]) if not h.setext else None
            head = lines[n][: match.end()] if match else ""
            rest = lines[n][len(head) :]
            if strip_time_slot(rest) != rest:
                lines[n] = (head + " " if head else "") + strip_time_slot(rest).strip()
    return fm.raw + "\n".join(lines)


def first_talk_only(text: str, talks: Sequence[Label]) -> str:
    """The front matter, the note's title heading if it has one, and the first talk's
    section: from the heading (or block) that names the first labelled talk up to the next
    heading at its level or above (any heading, for a talk that is not one), or to where the
    second talk starts."""
    if not talks:
        raise RewriteError("the note has no labelled talk")
    fm = split_front_matter(text)
    lines = fm.body.split("\n")
    blocks = _blocks(fm.body)
    start = _find(blocks, talks[0]["title"], after=-1)
    if start is None:
        raise RewriteError(f"first talk {talks[0]['title']!r} is not in the note")
    end = len(lines)
    for b in blocks:  # a heading talk ends at its level or above; any other at a heading
        if b.heading and b.first > start.first and (not start.level or b.level <= start.level):
            end = b.first
            break
    if len(talks) > 1:
        second = _find(blocks, talks[1]["title"], after=start.first)
        if second is not None:
            end = min(end, second.first)
    if end <= start.first:
        raise RewriteError("the first talk's section is empty")
    keep: list[str] = []
    title = title_heading(headings(fm.body))
    if title is not None and title.first < start.first:
        keep = [*lines[title.first : title.end], ""]
    section = "\n".join(keep + lines[start.first : end]).rstrip("\n") + "\n"
    return fm.raw + section


@dataclass(frozen=True)
class _Block:
    first: int
    level: int  # heading level, 0 for other blocks
    text: str

    @property
    def heading(self) -> bool:
        return self.level > 0


def _blocks(body: str) -> list[_Block]:
    """Headings, paragraphs and list items with the text they show, in note order."""
    tokens = _markdown().parse(body)
    found: list[_Block] = []
    for i, token in enumerate(tokens):
        if token.type != "inline" or token.map is None:
            continue
        opener = tokens[i - 1] if i else None
        level = int(opener.tag[1]) if opener and opener.type == "heading_open" else 0
        if level and opener is not None and opener.level != 0:
            level = 0  # a heading inside a list or quote is not note structure
        found.append(_Block(token.map[0], level, _shown(token)))
    return found


def _norm(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not ch.isspace())


def _find(blocks: Sequence[_Block], title: str, after: int) -> _Block | None:
    """The block that starts the talk `title`: a heading if one names it, else any block."""
    want = _norm(title)
    later = [b for b in blocks if b.first > after]
    for pool in ([b for b in later if b.heading], later):
        for b in pool:
            if want and want in _norm(b.text):
                return b
        scored = [(SequenceMatcher(None, want, _norm(b.text)).ratio(), b) for b in pool]
        best = max(scored, key=lambda pair: pair[0], default=None)
        if best is not None and best[0] >= 0.8:
            return best[1]
    return None


# -- page-shaped rewrites -----------------------------------------------------------------

# Invented for these rewrites: no real blog's words.
BLOG_NAMES = ("ゆるふわ開発ノート", "Notes from the Back Row", "週末エンジニアの覚え書き")


def _pick(text: str, choices: Sequence[str]) -> str:
    return choices[zlib.crc32(text.encode("utf-8")) % len(choices)]


def browser_dump(text: str, blog_name: str | None = None) -> str:
    """The note rendered as its blog page and dumped as text (see support.browser_dump)."""
    fm = split_front_matter(text)
    return dump_page(fm.body, blog_name or _pick(text, BLOG_NAMES), fm.title)


@dataclass(frozen=True)
class Chrome:
    blog: str
    tagline: str
    footer: tuple[str, ...]
    title_as_heading: bool = False
    dated: bool = False


CHROMES: tuple[Chrome, ...] = (
    Chrome(
        "ゆるふわ開発ノート",
        "コードと暮らしのあいだの覚え書き",
        (
            "この記事をシェアする",
            "X（旧Twitter）　Facebook　はてなブックマーク　LINE",
            "関連記事",
            "・自宅のラズパイを組み直した話",
            "・今月読んだ技術書のまとめ",
            "前の記事　次の記事",
        ),
        dated=True,
    ),
    Chrome(
        "Notes from the Back Row",
        "Things I learn while pretending to take notes",
        (
            "Share this post",
            "Twitter · Mastodon · LinkedIn · Copy link",
            "Related posts",
            "- Setting up a tiny home lab",
            "- What I read in March",
            "© Notes from the Back Row. Powered by a static site generator.",
        ),
        title_as_heading=True,
    ),
    Chrome(
        "週末エンジニアの覚え書き",
        "平日は会社員、週末は勉強会へ",
        (
            "シェアする",
            "ツイート　シェア　ブックマーク　送る",
            "この記事を書いた人",
            "週末エンジニア。好きなものはコーヒーと型。",
            "あわせて読みたい",
            "・はじめてのLT登壇で緊張した話",
            "・勉強会の探し方",
            "コメントを書く",
        ),
    ),
)


def blog_chrome(text: str, variant: int | None = None) -> str:
    """The front matter dropped; a blog's name, its tagline and the post title above the
    note; share buttons and related posts below. `variant` picks one of `CHROMES`."""
    fm = split_front_matter(text)
    chrome = CHROMES[variant % len(CHROMES)] if variant is not None else _pick_chrome(text)
    head = [chrome.blog, "", chrome.tagline, ""]
    if fm.title:
        head += [f"# {fm.title}" if chrome.title_as_heading else fm.title, ""]
    if chrome.dated and fm.date:
        head += [f"{fm.date[:10]} 公開", ""]
    return "\n".join(head) + fm.body.strip("\n") + "\n\n" + "\n\n".join(chrome.footer) + "\n"


def _pick_chrome(text: str) -> Chrome:
    return CHROMES[zlib.crc32(text.encode("utf-8")) % len(CHROMES)]


def cp932_crlf(text: str) -> tuple[bytes, int]:
    """The note in CP932 with CRLF line ends, and how many characters CP932 cannot hold
    (written as `?`, the codec's replacement)."""
    crlf = text.replace("\r\n", "\n").replace("\n", "\r\n")
    lost = sum(1 for ch in crlf if not _cp932_ok(ch))
    return crlf.encode("cp932", errors="replace"), lost


def _cp932_ok(ch: str) -> bool:
    try:
        ch.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


def through_cp932(text: str) -> str:
    """What `text` reads as after the CP932 round trip (`?` for what CP932 cannot hold, and
    the codec's best fits: a wave dash 〜 comes back as a fullwidth tilde ～)."""
    return text.encode("cp932", errors="replace").decode("cp932")


# -- the table: each rewrite with how it maps a note's labels -------------------------------


@dataclass(frozen=True)
class Rewritten:
    name: str  # the file's basename after the rewrite
    data: bytes
    label: Label
    changed: bool
    remark: str = ""  # what a reader of the figures should know (e.g. characters lost)


def _utf8(name: str, before: str, after: str, label: Label, remark: str = "") -> Rewritten:
    return Rewritten(name, after.encode("utf-8"), label, after != before, remark)


def _titles(label: Label, change: Callable[[str], str]) -> Label:
    talks = [{**talk, "title": change(talk["title"])} for talk in label["talks"]]
    return {**label, "talks": talks}


def _same(rewrite: Callable[[str], str]) -> Callable[[str, str, Label], Rewritten]:
    def apply(name: str, text: str, label: Label) -> Rewritten:
        return _utf8(name, text, rewrite(text), label)

    apply.__doc__ = rewrite.__doc__
    return apply


def _first_talk(name: str, text: str, label: Label) -> Rewritten:
    after = first_talk_only(text, label["talks"])
    return _utf8(name, text, after, {**label, "talks": label["talks"][:1]})


def _browser(name: str, text: str, label: Label) -> Rewritten:
    """Link targets are gone from a dump: only slide URLs still shown as text count, and a
    title shows as the page shows it (raw HTML in it is gone)."""
    after = browser_dump(text)
    mapped = _titles(label, inline_text)
    mapped["talks"] = [
        {**talk, "slides": [url for url in talk["slides"] if url in after]}
        for talk in mapped["talks"]
    ]
    stem = name.rsplit(".", 1)[0]
    return _utf8(f"{stem}.txt", text, after, mapped)


def _cp932(name: str, text: str, label: Label) -> Rewritten:
    data, lost = cp932_crlf(text)
    mapped = _titles(label, through_cp932)
    for talk in mapped["talks"]:
        talk["speakers"] = [
            {k: through_cp932(v) if isinstance(v, str) else v for k, v in s.items()}
            for s in talk["speakers"]
        ]
    remark = f"{lost} characters CP932 cannot hold written as ?" if lost else ""
    return Rewritten(name, data, mapped, True, remark)


@dataclass(frozen=True)
class Rewrite:
    name: str
    apply: Callable[[str, str, Label], Rewritten]  # (basename, text, labels) -> rewritten

    def __call__(self, name: str, text: str, label: Label) -> Rewritten:
        return self.apply(name, text, label)


REWRITES: tuple[Rewrite, ...] = (
    Rewrite("headings-deeper", _same(headings_deeper)),
    Rewrite("headings-shallower", _same(headings_shallower)),
    Rewrite("front-matter-as-heading", _same(front_matter_to_heading)),
    Rewrite("no-time-slots", _same(time_slots_removed)),
    Rewrite("first-talk-only", _first_talk),
    Rewrite("browser-dump", _browser),
    Rewrite("cp932-crlf", _cp932),
    Rewrite("blog-chrome", _same(blog_chrome)),
)
BY_NAME = {r.name: r for r in REWRITES}
# The notes as they are, written the same way: the baseline the rewrites are read against.
UNREWRITTEN = Rewrite("unrewritten", _same(lambda text: text))


def is_markdown(text: str) -> bool:
    """Markdown by content: front matter, an ATX heading, a `*`/`-`/`+` list or a code fence.
    A page dumped as text (headings without `#`, `  •` bullets) is none of these."""
    fm = split_front_matter(text)
    if fm.kind:
        return True
    for token in _markdown().parse(fm.body):
        if token.type == "heading_open" and token.markup.startswith("#"):
            return True
        if token.type == "bullet_list_open" or token.type == "fence":
            return True
    return False
