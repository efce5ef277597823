"""Slide links: which URLs in a talk's text are its decks.

A URL is a deck by where it lives (a slide host, `vocab/slide_hosts.txt`; a path under
`/slides/`, `vocab/slide_paths.txt`) or by what it is (a `.pdf` or `.key` file,
`vocab/slide_files.txt`, when its URL is written out or it is labelled as slides).
A talk's own page, a blog post, a repository, a demo or a tweet is not a deck.

In a talk's text, not every deck is the talk's: a deck linked inside a sentence is a
mention ("as in [her talk last year](…)"), one under a references heading (`### 参考`)
is reading, one labelled `前回` is an earlier talk's. Embeds that carry only an id
(Zenn's `@[speakerdeck](id)`) give no URL, so no slides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import unquote, urlsplit

from notetui.core.parse import vocabulary
from notetui.core.text import fold

_MD_LINK = re.compile(
    r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)"
)
# Template tags of static site generators that carry a link: Hexo's
# `{% elink Text URL %}`, `{% oembed URL %}`, Hugo's `{{< ex-link url="URL" >}}`.
_TEMPLATE = re.compile(r"\{%-?\s*([\w-]+)\s+(.*?)\s*-?%\}|\{\{[<%]\s*([\w-]+)\s+(.*?)\s*[>%]\}\}")
_HTML_URL = re.compile(r"""(?:href|src|data-url)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"'「」（）\[\]{}|`]+")
_URL_TRAIL = ".,;:!?。、）)]>」』*_"
_HEADING = re.compile(r"^\s*(#{1,6})\s+")
_BULLET = re.compile(r"^\s*(?:[-*+・•]|\d{1,2}[.)])\s+|^\s*>\s*")
_HANDLE = re.compile(r"[@＠][A-Za-z0-9_]+")
_LETTERS = re.compile(r"[^\W\d_]")
_LABEL_TAIL = r"\s*(?:[:：]|は?こちら|→|->)?\s*"


@dataclass(frozen=True, slots=True)
class Link:
    """A URL in a line, with what the line says of it."""

    url: str
    text: str  # the link's text ("" for a bare URL)
    bare: bool  # the URL itself is what a reader sees


@lru_cache(maxsize=4096)  # a library links the same decks from many notes
def is_slide_url(url: str) -> bool:
    """A deck by where it lives: a slide host, or a site's /slides/ path. A deck file
    (.pdf, .key) is only a deck in context (see `_is_deck`)."""
    parts = _split(url)
    if parts is None:
        return False
    host, path = parts
    if not path.strip("/"):
        return False  # a host's front page
    if _on_host(host, path, _slide_hosts()):
        return True
    if _on_host(host, path, _code_hosts()) or _on_host(host, "", _talk_page_hosts()):
        return False
    segments = [segment for segment in path.split("/") if segment]
    return any(segment in vocabulary.words("slide_paths") for segment in segments[:-1]) or (
        len(segments) >= 1 and segments[0] in vocabulary.words("slide_paths")
    )


def is_deck_file(url: str) -> bool:
    parts = _split(url)
    if parts is None:
        return False
    suffix = parts[1].rsplit("/", 1)[-1].rpartition(".")[2]
    return "." in parts[1].rsplit("/", 1)[-1] and suffix in vocabulary.words("slide_files")


@lru_cache(maxsize=4096)  # a talk's lines are read by the features, then by its fields
def slide_links(text: str) -> tuple[str, ...]:
    """The talk's decks in `text`, in order, each once. The first line is read as the
    talk's title line (a deck file linked from the title is the talk's); pass "" first
    for a body alone."""
    found: dict[str, None] = {}
    if "http" not in text:
        return ()  # no URL written out, so no deck (an id-only embed gives none)
    first = True  # the title line: a deck file given as the title is the talk's
    skip_below: int | None = None  # inside a references subsection of this level
    previous = False  # the lines follow a "前回" label
    labelled = False  # the lines follow a "資料" label line
    block_found = False  # a deck was taken under that label
    lines = text.splitlines()
    # A label only matters just above a URL: the lines worth a label check.
    near_url = {j for i, line in enumerate(lines) if "http" in line for j in range(i - 3, i + 1)}
    for index, line in enumerate(lines):
        heading = _HEADING.match(line) if line.lstrip().startswith("#") else None
        if heading:
            level = len(heading.group(1))
            if skip_below is not None and level <= skip_below:
                skip_below = None
            if skip_below is None and _is_label(_plain(line), "reference_labels"):
                skip_below = level
                continue
        if skip_below is not None or not line.strip():
            continue
        has_url = "http" in line
        # Labels are short lines of their own ("資料", "前回", "Slides:"); a long line
        # without a URL only ends a label's block.
        if (len(line) <= _LONGEST_LABEL and index in near_url) or has_url:
            bare = _plain(line)
            if not bare:
                continue
            if len(bare) <= _LONGEST_LABEL and not has_url:
                if _is_label(bare, "previous_labels"):
                    previous, labelled = True, False
                    continue
                if _is_label(bare, "slide_labels"):
                    previous, labelled, block_found = False, True, False
                    continue
        else:
            bare = line.strip()
        if not has_url:
            first = False
            if len(bare) > 12:
                previous = labelled = False
            continue
        links = list(_links(line))
        if not links:
            first = False
            continue
        if previous:
            continue
        says_slides = _labels_slides(line)
        line_label = labelled or says_slides
        title_line, first = first, False
        mention = _is_mention(line, says_slides)
        for link in links:
            # Under a "資料" line, one link is the deck; more need a slide host.
            label_here = line_label and not (labelled and block_found)
            if _is_deck(link, label_here, mention, title_line):
                found.setdefault(link.url, None)
                block_found = block_found or labelled
    return tuple(found)


_LONGEST_LABEL = 40


def is_slide_embed(line: str) -> bool:
    """Zenn's `@[speakerdeck](id)`: the talk's deck, embedded by id (no URL to keep)."""
    match = _EMBED.match(_plain(line))
    if not match:
        return False
    name = fold(match.group(1) or match.group(2))
    return any(host.split(".")[0] == name for host in _slide_hosts())


# `@[speakerdeck](id)`, or "@speakerdeck" alone once a browser dump has dropped the id.
_EMBED = re.compile(r"^@(?:\[([\w-]+)\]\([^)]*\)|([\w-]+))$")


@lru_cache(maxsize=8192)  # the detectors, the features and the fields ask about a line
def is_slide_line(line: str) -> bool:
    """A line that gives a talk's slides: a labelled link, a deck URL on its own, or a
    deck embedded by id."""
    if "http" not in line:
        return "@" in line and is_slide_embed(line)
    if is_slide_embed(line):
        return True
    links = list(_links(line))
    if not links or len(line) > 400:
        return False
    if _labels_slides(line) and any(not _is_other_page(link.url) for link in links):
        return True
    return not _is_mention(line, False) and any(_is_deck(link, False, False) for link in links)


def urls_in(line: str) -> tuple[str, ...]:
    """Every URL a line links or shows, as `slide_links` reads them."""
    return tuple(link.url for link in _links(line))


def _is_deck(link: Link, labelled: bool, mention: bool, title_line: bool = False) -> bool:
    if mention and not _names_slides(link.text):
        return False
    if is_slide_url(link.url):
        return True
    if is_deck_file(link.url):
        return link.bare or labelled or title_line or _names_slides(link.text)
    return (labelled or _names_slides(link.text)) and not _is_other_page(link.url)


def is_slide_label(text: str) -> bool:
    """Text that only labels slides: "資料", "Slides:", "資料その2", "スライドはこちら"."""
    return _is_label(text, "slide_labels")


def is_link_label(text: str) -> bool:
    """A line that only labels the links below it ("資料", "今回", "前回", "参考"): never
    a talk's title, whatever sits under it."""
    return any(_is_label(text, vocab) for vocab in _LINK_LABELS)


_LINK_LABELS = ("slide_labels", "previous_labels", "reference_labels")


def _names_slides(text: str) -> bool:
    """Link text that says it is the slides: "Slides", "The slides and talk", "資料"."""
    if not text or len(text) > 40 or _is_label(text, "reference_labels"):
        return False
    return _is_label(text, "slide_labels") or vocabulary.mentions("slide_labels", text)


def _is_other_page(url: str) -> bool:
    """Pages a slide label can sit beside that are still not decks: code, social posts,
    a talk's own page, a video."""
    parts = _split(url)
    if parts is None:
        return True
    host, path = parts
    if _on_host(host, path, _code_hosts()):
        return not is_deck_file(url)
    return _on_host(host, "", _talk_page_hosts()) or host.endswith(("twitter.com", "x.com"))


def _is_mention(line: str, labelled: bool) -> bool:
    """A link inside a sentence: the line says more than the link's own text (a line
    that labels its link as slides is no mention, however long)."""
    if labelled:
        return False
    rest = _MD_LINK.sub(" ", _TEMPLATE.sub(" ", line))
    rest = _HANDLE.sub(" ", _URL.sub(" ", rest))
    return len(_LETTERS.findall(_plain(rest))) > 12


def _labels_slides(line: str) -> bool:
    """ "資料: url", "Slides - url", "[スライド](url)", "{% elink 資料その2 url %}"."""
    for link in _links(line):
        if link.text and _is_label(link.text, "slide_labels"):
            return True
    head = _URL.split(_MD_LINK.sub(" ", line), 1)[0]
    head = _plain(head).rstrip(":： -–—→")
    return bool(head) and _is_label(head, "slide_labels")


@lru_cache(maxsize=4096)  # the same few label words come back on every line
def _is_label(text: str, vocab: str) -> bool:
    folded = fold(_plain(text)).strip(" .。:：-–—→()（）[]【】")
    if not folded:
        return False
    words = vocabulary.words(vocab)
    if folded in words:
        return True
    # "資料はこちら", "Slides:", "スライド →" are the label with a little around it.
    return bool(re.fullmatch(rf"(?:{_alternation(vocab)}){_LABEL_TAIL}", folded))


@cache
def _alternation(vocab: str) -> str:
    return "|".join(re.escape(word) for word in vocabulary.words(vocab))


def _plain(line: str) -> str:
    line = _HEADING.sub("", line)
    line = _BULLET.sub("", line)
    return " ".join(line.replace("**", "").replace("__", "").split()).strip("*_ ")


def _links(line: str) -> Iterator[Link]:
    """Every URL in a line: Markdown links, template tags, HTML attributes, bare URLs."""
    if "http" not in line:
        return
    seen: set[str] = set()
    rest = line
    for match in _MD_LINK.finditer(line):
        text, url = match.group(1), match.group(2)
        if url.startswith("http"):
            url = _trim(url)
            bare = _URL.fullmatch(text.strip()) is not None
            seen.add(url)
            yield Link(url, "" if bare else text.strip(), bare)
        elif "http" in text:  # [**Title** https://…](#) is rare; the URL inside still counts
            for inner in _URL.finditer(text):
                seen.add(_trim(inner.group(0)))
                yield Link(_trim(inner.group(0)), "", True)
    rest = _MD_LINK.sub(" ", rest)
    for match in _TEMPLATE.finditer(rest):
        if fold(match.group(1) or match.group(3) or "") in vocabulary.words("citation_tags"):
            continue
        inside = match.group(2) or match.group(4) or ""
        urls = [_trim(m.group(0)) for m in _URL.finditer(inside)]
        words = _URL.sub(" ", inside)
        words = re.sub(r"\w+\s*=\s*[\"']?|[\"']", " ", words).strip()
        for url in urls:
            if url not in seen:
                seen.add(url)
                yield Link(url, words, not words)
    rest = _TEMPLATE.sub(" ", rest)
    for match in _HTML_URL.finditer(rest):
        url = _trim(match.group(1))
        if url.startswith("http") and url not in seen:
            seen.add(url)
            yield Link(url, "", False)
    rest = _HTML_URL.sub(" ", rest)
    for match in _URL.finditer(rest):
        url = _trim(match.group(0))
        if url not in seen:
            seen.add(url)
            yield Link(url, "", True)


def _trim(url: str) -> str:
    url = url.rstrip(_URL_TRAIL)
    # A closing bracket is part of the URL only when the URL opened one.
    while url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1].rstrip(_URL_TRAIL)
    return url


def _split(url: str) -> tuple[str, str] | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    return host, unquote(parts.path).casefold()


def _on_host(host: str, path: str, entries: dict[str, tuple[str, ...]]) -> bool:
    """`host` is an entry's host or a subdomain of it, and `path` is under its path."""
    labels = host.split(".")
    for start in range(len(labels) - 1):
        prefixes = entries.get(".".join(labels[start:]))
        if prefixes is not None and path.startswith(prefixes):
            return True
    return False


@cache
def _slide_hosts() -> dict[str, tuple[str, ...]]:
    return _host_entries("slide_hosts")


@cache
def _code_hosts() -> dict[str, tuple[str, ...]]:
    return _host_entries("code_hosts")


@cache
def _talk_page_hosts() -> dict[str, tuple[str, ...]]:
    return _host_entries("talk_page_hosts")


def _host_entries(vocab: str) -> dict[str, tuple[str, ...]]:
    """Host -> the paths under it (a tuple for `str.startswith`; "" for the whole host)."""
    entries: dict[str, list[str]] = {}
    for word in vocabulary.words(vocab):
        host, _, path = word.partition("/")
        entries.setdefault(host.removeprefix("www."), []).append("/" + path if path else "")
    return {host: tuple(paths) for host, paths in entries.items()}
