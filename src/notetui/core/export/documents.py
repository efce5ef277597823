"""Rendering the export's documents: an event with its facts, schedule, impressions
and links; a talk with its speakers and each author's text; the annotations as
callouts where they belong."""

from __future__ import annotations

from collections.abc import Sequence

from notetui.core.annotations.anchoring import Attachments, Placement
from notetui.core.export.front_matter import FrontMatter, document
from notetui.core.export.markup import (
    Spots,
    autolink,
    by_created,
    callout,
    counted,
    heading_text,
    inline,
    label_of,
    labels_of,
    link,
    orphan_callout,
    speaker_line,
    unique,
)
from notetui.core.export.merged import merged_talk
from notetui.core.export.note_text import note_body
from notetui.core.export.selection import ORPHANS_TITLE, Chosen
from notetui.core.models import Event, Library, SectionKind, Source, Talk
from notetui.core.text import match_key

NOTE_HEADING_LEVEL = 4  # note headings start at ####, under "## talk" and "### author"


class DocumentWriter:
    """The export's documents: a talk, an event, everything in one, the orphans."""

    def __init__(self, library: Library, attachments: Attachments, merged: bool) -> None:
        self.library = library
        self.attachments = attachments
        self.merged = merged
        self.placements: dict[str, list[Placement]] = {}
        for placement in sorted(attachments.placements, key=by_created):
            if placement.target_id and not placement.orphan:
                self.placements.setdefault(placement.target_id, []).append(placement)
        self.front = FrontMatter(library, attachments)
        self.plain_notes = {note.path for note in library.notes if note.format == "text"}

    # -- documents --

    @counted
    def talk_document(self, item: Chosen, talk: Talk, *, index: str | None = None) -> str:
        event = item.event
        blocks = self._event_header(event, index=index)
        blocks += self._talk(talk, event)
        return document(self.front.talk(event, talk), blocks)

    @counted
    def event_document(self, item: Chosen, *, links: dict[str, str] | None = None) -> str:
        event = item.event
        meta = self.front.event(item, with_talks=links is None)
        blocks = self._event_header(event, authors=True, own=item.whole)
        if item.whole:
            blocks += self._event_sections(item, links)
        if links is None:
            for talk in item.talks:
                blocks += self._talk(talk, event)
        if item.whole:
            blocks += self._event_tail(item)
        return document(meta, blocks)

    @counted
    def single(self, chosen: Sequence[Chosen], orphans: Sequence[Placement]) -> str:
        if len(chosen) == 1 and not orphans:
            only = chosen[0]
            if len(only.talks) == 1 and not only.whole:
                return self.talk_document(only, only.talks[0])
            return self.event_document(only)
        blocks: list[str] = []
        for item in chosen:
            blocks += self._event_header(item.event, authors=True, own=item.whole)
            if item.whole:
                blocks += self._event_sections(item, None)
            for talk in item.talks:
                blocks += self._talk(talk, item.event)
            if item.whole:
                blocks += self._event_tail(item)
        if orphans:
            blocks += self._orphans(orphans)
        return document(self.front.single(chosen), blocks)

    @counted
    def orphans_document(self, orphans: Sequence[Placement]) -> str:
        return document(self.front.orphans(), self._orphans(orphans))

    # -- blocks --

    def _event_header(
        self, event: Event, *, index: str | None = None, authors: bool = False, own: bool = False
    ) -> list[str]:
        facts: list[str] = []
        if event.date:
            facts.append(f"- Date: {event.date}")
        if event.venue:
            facts.append(f"- Venue: {inline(event.venue)}")
        if event.url:
            facts.append(f"- URL: {autolink(event.url)}")
        if event.aliases:
            facts.append("- Also known as: " + " · ".join(inline(a) for a in event.aliases))
        if authors:
            labels = unique(
                label_of(source)
                for source in (
                    *(s for t in event.talks for s in t.sources),
                    *event.sections,
                )
            )
            if labels:
                facts.append("- Notes by: " + " · ".join(inline(label) for label in labels))
        if index is not None:
            facts.append(f"- Event notes: {link(event.title, index)}")
        blocks = [f"# {heading_text(event.title)}"]
        if facts:
            blocks.append("\n".join(facts))
        if own:  # the event's own annotations go with the event, not with each talk
            blocks += self._own_callouts(event.id, event.sections)
        return blocks

    def _own_callouts(self, target_id: str, sources: Sequence[Source]) -> list[str]:
        """Callouts of annotations on the talk or event itself, and of passages that
        are not in any of `sources` any more (shown with their quote)."""
        out: list[str] = []
        for placement in self.placements.get(target_id, []):
            if placement.note is None or self._source_of(placement, sources) is None:
                out.append(callout(placement, quote=placement.annotation.anchor is not None))
        return out

    @staticmethod
    def _source_of(placement: Placement, sources: Sequence[Source]) -> int | None:
        if placement.note is None or placement.line is None:
            return None
        for number, source in enumerate(sources):
            section = source.section
            if source.note == placement.note and section.line <= placement.line <= section.end_line:
                return number
        return None

    def _spots(self, target_id: str, sources: Sequence[Source]) -> list[Spots]:
        spots = [Spots() for _ in sources]
        for placement in self.placements.get(target_id, []):
            number = self._source_of(placement, sources)
            if number is None or placement.line is None:
                continue
            section = sources[number].section
            if placement.line < section.body_line:
                spots[number].before.append(callout(placement))
            else:
                spots[number].after_line.setdefault(placement.line, []).append(callout(placement))
        return spots

    def _talk(self, talk: Talk, event: Event) -> list[str]:
        title = heading_text(talk.title)
        blocks = [f"## {talk.time} {title}" if talk.time else f"## {title}"]
        labels = labels_of(talk.sources)
        facts = [f"- Speaker: {speaker_line(s)}" for s in talk.speakers]
        facts += [f"- Slides: {autolink(url)}" for url in talk.slides]
        if talk.aliases:
            facts.append("- Also known as: " + " · ".join(inline(a) for a in talk.aliases))
        # Always there, and never read as a speaker line when the export is read back.
        facts.append("- Notes by: " + " · ".join(inline(label) for label in unique(labels)))
        blocks.append("\n".join(facts))
        blocks += self._own_callouts(talk.id, talk.sources)
        spots = self._spots(talk.id, talk.sources)
        if self.merged:
            blocks += merged_talk(talk, labels, spots)
            return blocks
        for source, label, spot in zip(talk.sources, labels, spots, strict=True):
            blocks.append(f"### {heading_text(label)}")
            blocks += spot.before
            section = source.section
            body = note_body(
                section.body,
                section.body_line,
                NOTE_HEADING_LEVEL,
                spot.after_line,
                plain=source.note in self.plain_notes,
            )
            if body:
                blocks.append(body)
        return blocks

    def _event_sections(self, item: Chosen, links: dict[str, str] | None) -> list[str]:
        """Overview and Schedule: what comes before the talks."""
        event = item.event
        spots = self._spots(event.id, event.sections)
        blocks = self._kind_group("Overview", event.sections, spots, SectionKind.OTHER)
        blocks.append("## Schedule")
        blocks.append(timetable(event, links or {}))
        blocks += self._kind_group(None, event.sections, spots, SectionKind.SCHEDULE)
        return blocks

    def _event_tail(self, item: Chosen) -> list[str]:
        event = item.event
        spots = self._spots(event.id, event.sections)
        blocks = self._kind_group("Impressions", event.sections, spots, SectionKind.IMPRESSIONS)
        blocks += self._kind_group("Links", event.sections, spots, SectionKind.LINKS)
        return blocks

    def _kind_group(
        self,
        heading: str | None,
        sources: Sequence[Source],
        spots: Sequence[Spots],
        kind: SectionKind,
    ) -> list[str]:
        """`## heading`, then per author their sections of this kind. Schedule items
        always get their own `####` (their bodies are the point); other kinds only
        when an author has more than one."""
        labels = labels_of(sources)
        chosen = [i for i, s in enumerate(sources) if s.section.kind is kind]
        if kind is SectionKind.SCHEDULE:
            chosen = [i for i in chosen if sources[i].section.body.strip() or spots[i].before]
        if not chosen:
            return []
        blocks = [f"## {heading}"] if heading else []
        by_label: dict[str, list[int]] = {}
        for i in chosen:
            by_label.setdefault(labels[i], []).append(i)
        for label, numbers in by_label.items():
            blocks.append(f"### {heading_text(label)}")
            titled = kind is SectionKind.SCHEDULE or len(numbers) > 1
            for i in numbers:
                section = sources[i].section
                if titled:
                    name = heading_text(section.title)
                    blocks.append(f"#### {section.time} {name}" if section.time else f"#### {name}")
                blocks += spots[i].before
                base = NOTE_HEADING_LEVEL + (1 if titled else 0)
                body = note_body(
                    section.body,
                    section.body_line,
                    base,
                    spots[i].after_line,
                    plain=sources[i].note in self.plain_notes,
                )
                if body:
                    blocks.append(body)
        return blocks

    def _orphans(self, orphans: Sequence[Placement]) -> list[str]:
        blocks = [
            f"# {ORPHANS_TITLE}",
            "These annotations no longer match any talk or event in the notes. They are kept "
            "here so that nothing is lost; `notetui annotations --orphans` lists them too, "
            "with a way to attach each to a talk.",
        ]
        blocks += [orphan_callout(p) for p in sorted(orphans, key=by_created)]
        return blocks


def timetable(event: Event, links: dict[str, str]) -> str:
    """The talks in order, with the timed schedule items of every note slotted in."""
    rows: list[tuple[str | None, str]] = []
    for talk in event.talks:
        title = link(talk.title, links[talk.id]) if talk.id in links else inline(talk.title)
        rows.append((talk.time, title))
    items: dict[tuple[str | None, str], Source] = {}
    for source in event.sections:
        section = source.section
        timed = section.time is not None and section.kind is not SectionKind.TALK
        if section.kind is SectionKind.SCHEDULE or timed:
            items.setdefault((section.time, match_key(section.title)), source)
    for (time, _), source in sorted(
        items.items(), key=lambda kv: (kv[0][0] is None, kv[0][0] or "")
    ):
        row = (time, inline(source.section.title))
        if time is None:
            rows.append(row)
            continue
        at = next(
            (i for i, (t, _) in enumerate(rows) if t is not None and t > time),
            len(rows),
        )
        rows.insert(at, row)
    if not rows:
        return "*(no talks)*"
    return "\n".join(f"- {time} {title}" if time else f"- {title}" for time, title in rows)
