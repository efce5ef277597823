"""One note's text -> a `Note`: its event facts and its sections in order.

The parser is a pipeline of named stages, each its own module:

    blocks      (blocks.py)     every line, and the block it belongs to (markdown-it)
    candidates  (detectors.py)  lines some detector says could be a talk's title
    features    (features.py)   what each candidate looks like, as named numbers
    score       (scorer.py)     one weighted sum, weights in weights.json
    decision    (decision.py)   the note's talks, decided for the note as a whole
    sections    (here)          sections with clean titles, speakers and slides (assemble.py)

The format is detected from the content, not the file name: every corpus note ends
in `.txt` whatever it holds. `explain()` runs the same stages and keeps every
candidate's features, score and reason, for `notetui explain`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from notetui.core.load.budget import poll
from notetui.core.load.files import NoteText
from notetui.core.load.front_matter import Metadata
from notetui.core.models import Note, Section, SectionKind
from notetui.core.parse import detectors as d
from notetui.core.parse.assemble import inline_text, is_slides, talk_parts
from notetui.core.parse.blocks import Blocks, Kind, read_blocks
from notetui.core.parse.chrome import content_end, top_chrome
from notetui.core.parse.decision import Decision, decide
from notetui.core.parse.dumped import fold_flattened_parts, promote_dumped_headings
from notetui.core.parse.events import (
    EventFields,
    build_event_info,
    event_url_in,
    fields_from_rows,
    key_value_rows,
    parse_date,
)
from notetui.core.parse.features import Candidate, candidates
from notetui.core.parse.scorer import weights
from notetui.core.parse.sections import classify, is_container_title, is_qa_title
from notetui.core.text import title_key

# A talk scoring this much stays a talk even when its title reads as a non-talk word.
_SURE = 3.0
# How far into a note's opening lines event facts ("日時: …") are looked for.
_PREAMBLE_LINES = 40
_EXPORT_TALK_LEVEL = 2
# Fewer talks than this from a plain-text note's lines say little about its shape.
_FEW_TALKS = 2


@dataclass(frozen=True)
class Parsed:
    """Everything the pipeline found in one note, for `split_note` and `explain`."""

    blocks: Blocks
    decision: Decision
    sections: tuple[Section, ...]
    title: str | None
    blog: str | None
    preamble: list[str]
    table_rows: list[tuple[str, str]]
    format: str


def parse_note(note: NoteText, known_titles: Sequence[str] = ()) -> Parsed:
    """The pipeline on one read note, told what its front matter names the post."""
    named = [note.metadata[key] for key in ("title", "name", "subject") if key in note.metadata]
    front_title = named[0] if named and isinstance(named[0], str) else ""
    # notetui's own export writes each talk as a `##` heading, every author's part under it.
    level = _EXPORT_TALK_LEVEL if "notetui_version" in note.metadata else 0
    return parse(note.body, note.body_line, known_titles, bool(named), front_title, level)


def split_note(note: NoteText, rel_path: str, known_titles: Sequence[str] = ()) -> Note:
    parsed = parse_note(note, known_titles)
    preamble = parsed.preamble[:_PREAMBLE_LINES]
    fields = _body_fields(preamble, parsed.table_rows)
    event = build_event_info(
        note.metadata,
        fields,
        heading_title=parsed.title,
        author_hint=parsed.blog,
        lines=note.body.splitlines(),
        path=rel_path,
        front_lines=note.text.splitlines()[: note.body_line - 1],
    )
    return Note(
        path=rel_path,
        format=parsed.format,
        encoding=note.encoding,
        event=event,
        sections=parsed.sections,
        metadata=_frozen(note.metadata),
    )


def parse(
    body: str,
    body_line: int = 1,
    known_titles: Sequence[str] = (),
    has_title: bool = False,
    front_title: str = "",
    talk_level: int = 0,
) -> Parsed:
    blocks = read_blocks(body)
    parsed = _parse_blocks(
        blocks, body_line, known_titles, has_title, front_title=front_title, talk_level=talk_level
    )
    dumped = promote_dumped_headings(blocks)
    if dumped is not blocks:
        # A page copied as text whose lines alone say little: read the lines that stand
        # alone as its lost headings, and keep that when it finds more talks.
        again = _parse_blocks(
            dumped, body_line, known_titles, has_title, page_copy=True, front_title=front_title
        )
        if _backed_talks(again.parsed) > _backed_talks(parsed.parsed) or (
            len(parsed.parsed.decision.talks) < _FEW_TALKS
            and len(again.parsed.decision.talks) > len(parsed.parsed.decision.talks)
        ):
            return dataclasses.replace(again.with_sections(), format="text")
    return parsed.with_sections()


@dataclass(frozen=True)
class _Decided:
    """One reading of a note up to its decision; its sections (the costly fields of
    every talk) are made only for the reading `parse` keeps."""

    parsed: Parsed  # without sections yet
    ctx: d.Context
    start: int
    end: int
    body_line: int

    def with_sections(self) -> Parsed:
        found = _sections(self.ctx, self.parsed.decision, self.start, self.end, self.body_line)
        return dataclasses.replace(self.parsed, sections=tuple(found))


def _backed_talks(parsed: Parsed) -> int:
    """Talks that something beyond their words backs: a speaker, slides, a label."""
    return sum(1 for talk in parsed.decision.talks if talk.evidence or _labelled(talk))


def _labelled(talk: Candidate) -> bool:
    return bool(talk.features.get("labelled") or talk.features.get("speaker_in_title"))


def _parse_blocks(
    blocks: Blocks,
    body_line: int,
    known_titles: Sequence[str],
    has_title: bool,
    *,
    page_copy: bool = False,
    front_title: str = "",
    talk_level: int = 0,
) -> _Decided:
    texts = [line.text for line in blocks.lines]
    markdown = any(line.kind is Kind.HEADING for line in blocks.lines)
    ctx = d.Context(
        blocks,
        texts,
        # Each key once: several notes of an event give the same titles.
        hint_keys=list(
            dict.fromkeys(k for k in (title_key(t) for t in known_titles) if len(k) >= 4)
        ),
        markdown=markdown,
        has_title=has_title,
        front_title_key=title_key(front_title),
        talk_level=talk_level,
    )
    ctx.container_heads, ctx.container_items = _containers(blocks)
    code = frozenset(line.index for line in blocks.lines if line.kind is Kind.CODE)
    end = content_end(blocks.raw, code)
    kinds = (Kind.HEADING, Kind.ITEM) if markdown else (Kind.TEXT, Kind.ITEM)
    found = [c for c in candidates(ctx, kinds) if c.index < end]
    decision = decide(ctx, found)
    raw = blocks.raw
    if page_copy:
        fold_flattened_parts(raw, decision, weights().strong)
    blog: str | None = None
    title: str | None = None
    start = 0
    if decision.title is not None:
        title = inline_text(decision.title.line.text)
        if not any(t for t in texts[: decision.title.index]):
            start = decision.title.index + 1
    first = decision.starts[0].index if decision.starts else end
    if page_copy or not markdown:
        # The page's name and the post's title stand alone like headings: its chrome
        # runs up to the first talk that is sure of itself.
        # A line naming an event ("X 2024 参加レポート") is sure only with a speaker or deck
        # under it: otherwise it is the post's title, however its label makes it score.
        sure = [
            t.index
            for t in decision.talks
            if t.evidence or (t.score >= weights().strong and not t.features.get("eventish"))
        ]
        first = sure[0] if sure else len(raw)
    if not markdown or page_copy or decision.title is None:
        blog, top_title, chrome_end = top_chrome(raw, first)
        if decision.title is None:
            title = top_title
        if not markdown or page_copy or decision.title is None:
            start = max(start, chrome_end)
            for candidate in decision.talks:
                if candidate.index < chrome_end:
                    candidate.taken = False
                    candidate.why = "the page's chrome above the post"
            decision.talks = [t for t in decision.talks if t.index >= chrome_end]
            decision.starts = [s for s in decision.starts if s.index >= chrome_end]
    first = decision.starts[0].index if decision.starts else end
    skip = decision.title.index if decision.title is not None else -1
    preamble = [line for i, line in enumerate(raw[:first]) if i != skip]
    table_rows = [
        (cells[0], cells[1])
        for line, cells in blocks.table_rows
        if line < first and len(cells) >= 2
    ]
    fmt = "markdown" if markdown and decision.level else "text"
    if markdown and decision.title is not None and not decision.talks:
        fmt = "markdown"
    parsed = Parsed(blocks, decision, (), title, blog, preamble, table_rows, fmt)
    return _Decided(parsed, ctx, start, end, body_line)


_CONTAINER_CHARS = 40


def _alone(blocks: Blocks, index: int) -> bool:
    lines = blocks.lines
    before = index == 0 or lines[index - 1].kind is Kind.BLANK
    after = index + 1 >= len(lines) or lines[index + 1].kind is Kind.BLANK
    return before and after


def _containers(blocks: Blocks) -> tuple[frozenset[int], frozenset[int]]:
    """Headings that name a group of talks (`## LT`), and the list items right under them."""
    heads: set[int] = set()
    found: set[int] = set()
    container = False
    top = -1  # the depth of the container's list: its first item's
    for line in blocks.lines:
        if not line.index & 31:
            poll()
        copied = not blocks.headings and line.kind is Kind.TEXT and _alone(blocks, line.index)
        if line.kind is Kind.HEADING or copied:
            # A heading, or in a page copied as text a line on its own ("LT").
            container = len(line.text) <= _CONTAINER_CHARS and is_container_title(
                inline_text(line.text)
            )
            if container:
                heads.add(line.index)
                top = -1
        elif container and line.kind is Kind.ITEM:
            if top < 0:
                top = line.depth
            if line.depth == top:
                found.add(line.index)
    return frozenset(heads), frozenset(found)


# -- sections -----------------------------------------------------------------------------


def _sections(
    ctx: d.Context, decision: Decision, start: int, end: int, body_line: int
) -> list[Section]:
    raw = ctx.blocks.raw
    starts = [s for s in decision.starts if start <= s.index < end]
    sections: list[Section] = []
    first = starts[0].index if starts else end
    intro, intro_first = _body(raw, start, first)
    if intro.strip() and (starts or decision.title is not None or start > 0 or not decision.talks):
        sections.append(
            _plain_section("Intro", SectionKind.OTHER, intro_first, first, intro, body_line)
        )
    for position, head in enumerate(starts):
        poll()
        stop = _stop(ctx, head, starts[position + 1 :], end)
        following = starts[position + 1].index if position + 1 < len(starts) else end
        if head.taken:
            sections.append(_talk(ctx, head, stop, body_line))
        else:
            if (  # a Q&A heading right after a talk stays with it
                is_qa_title(head.title)
                and sections
                and sections[-1].kind is SectionKind.TALK
                and sections[-1].end_line >= _last(raw, 0, head.index) + body_line
            ):
                sections[-1] = _extend(raw, sections[-1], following, body_line)
                continue
            kind = classify(head.title)
            if kind is SectionKind.TALK:
                kind = SectionKind.OTHER
            body, body_first = _body(raw, head.index + 1, stop)
            if not body.strip() and head.features.get("contains_talks"):
                stop = head.index + 1  # a container with nothing of its own to show
            else:
                section = _plain_section(
                    head.title, kind, head.index, stop, body, body_line, body_first
                )
                sections.append(dataclasses.replace(section, time=head.cleaned.time))
        if stop < following:
            gap, gap_first = _body(raw, stop, following)
            if gap.strip():
                sections.append(
                    _plain_section("Notes", SectionKind.OTHER, gap_first, following, gap, body_line)
                )
    if not decision.talks and not starts and decision.title is None and not intro.strip():
        return sections
    if not decision.starts and not decision.talks and not sections:
        # Nothing but text: keep it whole, as the reader's one section.
        body, body_first = _body(raw, start, end)
        if body.strip():
            sections.append(
                _plain_section("Intro", SectionKind.OTHER, body_first, end, body, body_line)
            )
    if decision.level == 0 and decision.talks and sections:
        sections = _trailing_non_talk(ctx, sections, body_line)
    return sections


def _stop(ctx: d.Context, head: Candidate, later: list[Candidate], end: int) -> int:
    """Where the section that `head` starts ends (exclusive)."""
    stop = later[0].index if later else end
    if head.line.kind is Kind.ITEM:
        # A list item's section is the item and the lines nested under it.
        depth = head.line.depth
        for index in range(head.index + 1, stop):
            line = ctx.line(index)
            if line.kind is Kind.HEADING or (line.kind is Kind.ITEM and line.depth <= depth):
                return index
            if line.kind is Kind.TEXT and line.indent <= head.line.indent and ctx.blank(index - 1):
                return index
    return stop


def _talk(ctx: d.Context, head: Candidate, stop: int, body_line: int) -> Section:
    raw = ctx.blocks.raw
    body, first = _body(raw, head.index + 1, stop)
    title_line = raw[head.index] if head.line.kind is Kind.HEADING else head.line.text
    parts = talk_parts(title_line, raw[head.index + 1 : stop])
    # What the candidate saw in and under its line fills in what the fields leave out.
    title = parts.title or head.title
    speakers = parts.speakers or head.speakers
    slides = tuple(
        dict.fromkeys(
            [*parts.slides, *(u for u in head.cleaned.links if is_slides(u)), *head.below.slides]
        )
    )
    kind = classify(title, has_speakers=bool(speakers))
    if kind is not SectionKind.TALK and head.score <= _SURE:
        head.taken = False
        head.why += f"; its title reads as {kind.value}"
    else:
        kind = SectionKind.TALK
    return Section(
        title=title,
        kind=kind,
        line=body_line + head.index,
        end_line=body_line + max(head.index, stop - 1),
        body=body,
        body_line=body_line + first,
        time=parts.time or head.cleaned.time,
        speakers=speakers if kind is SectionKind.TALK else (),
        slides=slides if kind is SectionKind.TALK else (),
        labels=parts.labels if kind is SectionKind.TALK else (),
    )


def _last(raw: list[str], start: int, stop: int) -> int:
    """The last line of a section (0-based), blank lines after it not counted."""
    last = stop - 1
    while last > start and not raw[last].strip():
        last -= 1
    return max(last, start)


def _extend(raw: list[str], section: Section, stop: int, body_line: int) -> Section:
    first = section.body_line - body_line
    body, _ = _body(raw, first, stop)
    return Section(
        title=section.title,
        kind=section.kind,
        line=section.line,
        end_line=body_line + max(first, stop - 1),
        body=body,
        body_line=section.body_line,
        time=section.time,
        speakers=section.speakers,
        slides=section.slides,
        labels=section.labels,
    )


def _plain_section(
    title: str,
    kind: SectionKind,
    start: int,
    stop: int,
    body: str,
    body_line: int,
    body_first: int | None = None,
) -> Section:
    return Section(
        title=title,
        kind=kind,
        line=body_line + start,
        end_line=body_line + max(start, stop - 1),
        body=body,
        body_line=body_line + (body_first if body_first is not None else start),
    )


def _trailing_non_talk(ctx: d.Context, sections: list[Section], body_line: int) -> list[Section]:
    """Plain text: the author's own closing section (感想, 関連リンク) after the last
    talk is cut from it at a line that names it on its own."""
    from notetui.core.parse.sections import clean_title, is_non_talk_word
    from notetui.core.text import fold

    raw = ctx.blocks.raw
    last = sections[-1]
    if last.kind is not SectionKind.TALK:
        return sections
    start = last.body_line - body_line
    stop = last.end_line - body_line + 1
    boundaries: list[int] = []
    for index in range(start, stop):
        line = raw[index].strip()
        if not line or (index > 0 and raw[index - 1].strip()):
            continue
        title = clean_title(line)[1].rstrip(":：")
        if is_non_talk_word(title) and (boundaries or fold(title) != "まとめ"):
            boundaries.append(index)
    if not boundaries:
        return sections
    body, _ = _body(raw, start, boundaries[0])
    cut = Section(
        title=last.title,
        kind=last.kind,
        line=last.line,
        end_line=body_line + _last(raw, start, boundaries[0]),
        body=body,
        body_line=last.body_line,
        time=last.time,
        speakers=last.speakers,
        slides=last.slides,
        labels=last.labels,
    )
    out = [*sections[:-1], cut]
    for position, index in enumerate(boundaries):
        stop_at = boundaries[position + 1] if position + 1 < len(boundaries) else stop
        title = clean_title(raw[index].strip())[1].rstrip(":：")
        text, first = _body(raw, index + 1, stop_at)
        out.append(_plain_section(title, classify(title), index, stop_at, text, body_line, first))
    return out


def _body(lines: list[str], start: int, end: int) -> tuple[str, int]:
    """(lines[start:end] without blank lines around them, index of the first line kept)."""
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end]), start


def _body_fields(preamble: list[str], table_rows: list[tuple[str, str]]) -> EventFields:
    fields = fields_from_rows([*table_rows, *key_value_rows(preamble)])
    fields.url = fields.url or event_url_in(preamble)
    fields.loose_dates = [d for line in preamble if len(line) < 200 and (d := parse_date(line))]
    return fields


def _frozen(metadata: Metadata) -> tuple[tuple[str, str | tuple[str, ...]], ...]:
    return tuple(
        (key, tuple(value) if isinstance(value, list) else value)
        for key, value in sorted(metadata.items())
    )
