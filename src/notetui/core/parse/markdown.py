"""Splitting a Markdown note into sections by its heading structure.

markdown-it-py finds the headings (so a `# comment` inside a code fence is not one).
Only block structure is parsed, and lists and block quotes are left to the
paragraph rule: a heading inside a list item or a quote is not note structure,
and skipping them makes parsing about three times faster.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from notetui.core.models import Section, SectionKind, Speaker
from notetui.core.parse.sections import classify, clean_title, is_container_title, is_qa_title
from notetui.core.parse.speakers import (
    handle_only,
    is_slide_line,
    parse_speaker_line,
    slide_links,
    social_handle,
)

_MD = (
    MarkdownIt("commonmark")
    .enable("table")
    .disable(["inline", "text_join", "list", "blockquote"], ignoreInvalid=True)
)
# A longer "heading" is a pasted blob, not a title: it stays body text. This also
# keeps the title regexes (inline marks, links) from running on megabytes.
MAX_HEADING_CHARS = 1000
_MAX_PREAMBLE_LINES = 5
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(\s*<?([^)\s>]*)>?[^)]*\)")
_INLINE_MARKS = re.compile(r"(?<!\w)(\*\*|__|\*|_|~~)(?=\S)(.+?)(?<=\S)\1(?!\w)|`([^`]+)`")
_TITLE_SPEAKER = re.compile(
    r"^(?P<title>.+?)\s*(?:[(（](?P<paren>[^()（）]*@[^()（）]+)[)）]"
    r"|\s(?:by|presented by)\s+(?P<by>[^/]+)|\s+[/／]\s+(?P<slash>[^/／]+))$",
    re.IGNORECASE,
)


@dataclass
class Heading:
    level: int
    text: str
    line: int  # 0-based index into the body's lines
    children: list[Heading] = field(default_factory=list)
    end: int = 0  # first line after this heading's subtree


@dataclass
class MarkdownStructure:
    sections: list[Section]
    title: str | None  # the note's own title heading, if it has one
    preamble: list[str]  # body lines before the first section
    table_rows: list[tuple[str, str]]  # two-cell rows of tables in the preamble


def parse_headings(body: str) -> tuple[list[Heading], list[tuple[int, list[str]]]]:
    """Headings in order, and each table row (0-based line, cells)."""
    tokens = _MD.parse(body)
    headings: list[Heading] = []
    rows: list[tuple[int, list[str]]] = []
    cells: list[str] = []
    row_line = 0
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.map is not None:
            text = tokens[index + 1].content.strip()
            # Without the list rule, "- item" above "---" reads as a setext heading.
            if token.markup in ("=", "-") and _LIST_MARKER.match(text):
                continue
            if text and len(text) <= MAX_HEADING_CHARS:
                headings.append(Heading(int(token.tag[1]), text, token.map[0]))
        elif token.type == "tr_open" and token.map is not None:
            cells, row_line = [], token.map[0]
        elif token.type == "inline" and index and tokens[index - 1].type in ("th_open", "td_open"):
            cells.append(token.content)
        elif token.type == "tr_close":
            rows.append((row_line, cells))
    return headings, rows


def split_markdown(body: str, body_line: int) -> MarkdownStructure | None:
    """Sections of a Markdown body, or None when it has no heading structure to go by."""
    headings, rows = parse_headings(body)
    if not headings:
        return None
    lines = body.split("\n")
    roots = _tree(headings, len(lines))
    title, chosen = _choose(roots, lines)
    if title is not None and not chosen:
        return None  # a title and prose under it: the plain-text splitter does better
    sections: list[Section] = []
    first = chosen[0].line if chosen else len(lines)
    covered_until = 0
    for position, heading in enumerate(chosen):
        end = heading.end
        if position + 1 < len(chosen):
            end = min(end, chosen[position + 1].line)
        if sections and is_qa_title(clean_title(heading.text)[1]) and covered_until == heading.line:
            last = sections[-1]
            if last.kind is SectionKind.TALK:  # a Q&A stays with its talk
                sections[-1] = _extend(last, lines, end, body_line)
                covered_until = end
                continue
        gap = [line for line in lines[covered_until : heading.line] if line.strip()]
        if sections and gap:
            sections.append(_gap_section(covered_until, heading.line, lines, body_line))
        sections.append(_section(heading, end, lines, body_line))
        covered_until = end
    if covered_until < len(lines) and any(line.strip() for line in lines[covered_until:]):
        sections.append(_gap_section(covered_until, len(lines), lines, body_line))
    intro = _intro_section(lines, headings, title, body_line)
    if intro is not None:
        sections.insert(0, intro)
    preamble_end = first
    preamble = [
        line for i, line in enumerate(lines[:preamble_end]) if title is None or i != title.line
    ]
    table_rows = [(cells[0], cells[1]) for line, cells in rows if line < first and len(cells) >= 2]
    return MarkdownStructure(
        sections, strip_inline(title.text) if title else None, preamble, table_rows
    )


def _tree(headings: list[Heading], line_count: int) -> list[Heading]:
    roots: list[Heading] = []
    stack: list[Heading] = []
    for heading in headings:
        while stack and stack[-1].level >= heading.level:
            stack.pop().end = heading.line
        (stack[-1].children if stack else roots).append(heading)
        stack.append(heading)
    for heading in stack:
        heading.end = line_count
    return roots


def _choose(roots: list[Heading], lines: list[str]) -> tuple[Heading | None, list[Heading]]:
    """(the note's title heading or None, the headings that start sections)."""
    title: Heading | None = None
    first = roots[0]
    before = [line for line in lines[: first.line] if line.strip()]
    others = roots[1:]
    # A few lines above the title (the event's URL, a date, "参加してきました") are a
    # preamble, not a section; a longer text before the first heading is content.
    short_preamble = len(before) <= _MAX_PREAMBLE_LINES
    if first.children and short_preamble and all(_non_talk(h) for h in others):
        # "# Event" with the talks below it, maybe followed by "# 感想"-like sections.
        title = first
        roots = [*first.children, *others]
    elif not first.children and not others and not before:
        return first, []
    chosen: list[Heading] = []

    def visit(nodes: list[Heading]) -> None:
        for node in nodes:
            if node.children and is_container_title(clean_title(node.text)[1]):
                visit(node.children)
            else:
                chosen.append(node)

    visit(roots)
    return title, chosen


def _non_talk(heading: Heading) -> bool:
    return classify(clean_title(heading.text)[1]) is not SectionKind.TALK


def strip_inline(text: str) -> str:
    """Heading text without Markdown inline syntax: links become their text."""
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    for _ in range(2):
        text = _INLINE_MARKS.sub(lambda m: m.group(2) or m.group(3) or "", text)
    return " ".join(text.split())


def _section(heading: Heading, end: int, lines: list[str], body_line: int) -> Section:
    raw = heading.text
    link_urls = [m.group(2) for m in _MD_LINK.finditer(raw)]
    time, title = clean_title(strip_inline(raw))
    body_lines = lines[heading.line + 1 : end]
    speakers = _speakers_in_title(title)
    if speakers:
        title = speakers[0]
    found = _speakers_below(body_lines)
    kind = classify(title, has_speakers=bool(speakers[1] if speakers else found))
    slides = slide_links([*(url for url in link_urls if url), *body_lines])
    body, first = body_text(lines, heading.line + 1, end)
    return Section(
        title=title,
        kind=kind,
        line=body_line + heading.line,
        end_line=body_line + end - 1,
        body=body,
        body_line=body_line + first,
        time=time,
        speakers=tuple(speakers[1] if speakers else found) if kind is SectionKind.TALK else (),
        slides=tuple(slides) if kind is SectionKind.TALK else (),
    )


def _speakers_in_title(title: str) -> tuple[str, list[Speaker]] | None:
    """'Title (Jane Doe @jdoe)' or 'Title by Jane Doe': split the speaker off."""
    match = _TITLE_SPEAKER.match(title)
    if not match:
        return None
    part = match.group("paren") or match.group("by") or match.group("slash") or ""
    speakers = parse_speaker_line(part, under_title=bool(match.group("by")))
    if not speakers:
        return None
    return match.group("title").strip(), speakers


def _speakers_below(body_lines: list[str]) -> list[Speaker]:
    """Speaker lines among the first few lines under a talk heading."""
    speakers: list[Speaker] = []
    seen = 0
    for raw in body_lines:
        line = raw.strip()
        if not line:
            continue
        seen += 1
        if seen > 4:
            break
        text = line.lstrip("#").strip()
        emphasised = line.startswith("#") or bool(re.fullmatch(r"(\*\*?|__?).+\1\s*", line))
        handle = handle_only(text)
        found = None if handle else parse_speaker_line(text, under_title=emphasised and seen == 1)
        if found:
            speakers.extend(found)
            continue
        if handle and speakers and speakers[-1].handle is None:
            last = speakers[-1]
            speakers[-1] = Speaker(last.name, handle, last.affiliation)
            continue
        if handle:
            speakers.append(Speaker(handle, handle, None))
            continue
        if is_slide_line(text) or social_handle(text) is not None:
            continue
        break
    return speakers


def _extend(section: Section, lines: list[str], end: int, body_line: int) -> Section:
    body, _ = body_text(lines, section.body_line - body_line, end)
    return Section(
        title=section.title,
        kind=section.kind,
        line=section.line,
        end_line=body_line + end - 1,
        body=body,
        body_line=section.body_line,
        time=section.time,
        speakers=section.speakers,
        slides=section.slides,
    )


def _intro_section(
    lines: list[str], headings: list[Heading], title: Heading | None, body_line: int
) -> Section | None:
    """The author's text above the first section ("参加してきました", the event's URL):
    not a talk, but the reader still shows it, as the plain-text splitter does."""
    start = 0
    if title is not None and not any(line.strip() for line in lines[: title.line]):
        start = title.line + 1  # the title heading itself is the event's name
    end = next((h.line for h in headings if h.line >= start and h is not title), len(lines))
    body, first = body_text(lines, start, end)
    if not body.strip():
        return None
    return Section(
        title="Intro",
        kind=SectionKind.OTHER,
        line=body_line + first,
        end_line=body_line + end - 1,
        body=body,
        body_line=body_line + first,
    )


def _gap_section(start: int, end: int, lines: list[str], body_line: int) -> Section:
    """Text between sections that belongs to none of them (e.g. under a container heading)."""
    body, first = body_text(lines, start, end)
    return Section(
        title="Notes",
        kind=SectionKind.OTHER,
        line=body_line + first,
        end_line=body_line + end - 1,
        body=body,
        body_line=body_line + first,
    )


def body_text(lines: list[str], start: int, end: int) -> tuple[str, int]:
    """(lines[start:end] without blank lines around them, index of the first line kept)."""
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end]), start
