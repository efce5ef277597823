"""Re-attaching annotations and tags to a library that changed since they were made.

In the style of Hypothesis's quote anchoring: an annotation remembers its target's
id, the titles it was known by, its event, and for a passage the quoted text with
some context and the line it was on. Re-attachment tries, in order:

1. the id (a talk answers to every one of its sources' keys, so adding a note or
   renaming a file keeps it);
2. for a passage, the quote itself: exactly, nearest the remembered line, else
   fuzzily, first in the remembered note, then in the talk's other sources, then
   anywhere in the library;
3. the remembered titles, fuzzily, within an event whose name or date agrees.

What none of these finds is an orphan: listed, never dropped.

Annotations and tag sets remember the notes folder they were made in. Those of
another folder are not this library's orphans: they are placed only if their id or
their exact quote is here (the same notes, say in a folder that was moved), and are
otherwise kept aside in `Attachments.elsewhere`. Records from before folders were
recorded belong to every folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from notetui.core.annotations.passages import CONTEXT_CHARS, make_anchor_text
from notetui.core.annotations.records import Annotation, TagSet, folder_key
from notetui.core.annotations.storage import paused_gc
from notetui.core.models import Event, Library, Source, Talk
from notetui.core.text import title_key

__all__ = [
    "CONTEXT_CHARS",
    "QUOTE_MATCH",
    "TITLE_MATCH",
    "Attachments",
    "Placement",
    "attach",
    "make_anchor_text",
]

TITLE_MATCH = 85.0  # a remembered title this close (0-100) finds its talk again
QUOTE_MATCH = 80.0  # a quote this close in a note's text is the passage, edited


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an annotation hangs in the current library."""

    annotation: Annotation
    talk_id: str | None = None
    event_id: str | None = None
    note: str | None = None  # passages: the note the quote is in now
    line: int | None = None  # passages: its line now
    how: str = "id"  # "id", "quote", "title" or "orphan"

    @property
    def orphan(self) -> bool:
        return self.how == "orphan"

    @property
    def target_id(self) -> str | None:
        return self.talk_id or self.event_id


@dataclass
class Attachments:
    """Every annotation and tag set placed in one library."""

    placements: list[Placement] = field(default_factory=list)
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)  # target id -> tags
    orphan_tags: list[TagSet] = field(default_factory=list)
    # Other folders' annotations and tag sets that are not about this library's notes.
    elsewhere: list[Annotation] = field(default_factory=list)
    elsewhere_tags: list[TagSet] = field(default_factory=list)

    def for_target(self, target_id: str) -> list[Placement]:
        return [p for p in self.placements if p.target_id == target_id]

    def orphans(self) -> list[Placement]:
        return [p for p in self.placements if p.orphan]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for placement in self.placements:
            if placement.target_id:
                counts[placement.target_id] = counts.get(placement.target_id, 0) + 1
        return counts


def attach(
    library: Library,
    annotations: Iterable[Annotation],
    tag_sets: Iterable[TagSet] = (),
    *,
    folder: str | None = None,
) -> Attachments:
    """Place annotations and tag sets in `library`, whose folder is `folder` (by
    default `folder_key(library.root)`)."""
    folder = folder_key(library.root) if folder is None else folder
    with paused_gc():
        return _attach(library, annotations, tag_sets, folder)


def _attach(
    library: Library, annotations: Iterable[Annotation], tag_sets: Iterable[TagSet], folder: str
) -> Attachments:
    finder = _Finder(library)
    result = Attachments()
    for annotation in annotations:
        placement = finder.place(annotation)
        foreign = annotation.root is not None and annotation.root != folder
        if foreign and placement.how not in ("id", "quote"):
            result.elsewhere.append(annotation)
            continue
        result.placements.append(placement)
    for tag_set in tag_sets:
        foreign = tag_set.root is not None and tag_set.root != folder
        target = finder.target_of(
            tag_set.target,
            tag_set.target_id,
            tag_set.title,
            (),
            tag_set.event_title,
            None,
            by_title=not foreign,
        )
        if target is None:
            (result.elsewhere_tags if foreign else result.orphan_tags).append(tag_set)
            continue
        merged = sorted({*result.tags.get(target, ()), *tag_set.tags})
        result.tags[target] = tuple(merged)
    return result


class _Finder:
    def __init__(self, library: Library) -> None:
        self.library = library
        self._talk_titles: list[tuple[str, Talk]] | None = None
        self._sources_by_note: dict[str, list[tuple[Source, Talk | None, Event]]] | None = None
        self._placed: dict[tuple[object, ...], Placement] = {}

    # ---------------------------------------------------------------- targets

    def place(self, annotation: Annotation) -> Placement:
        """Where an annotation goes; annotations that remember the same things go to
        the same place, so that is worked out once (many share a talk, or a quote)."""
        key = (
            annotation.target,
            annotation.target_id,
            annotation.title,
            annotation.titles,
            annotation.event_title,
            annotation.event_date,
            annotation.anchor,
        )
        known = self._placed.get(key)
        if known is None:
            known = self._placed[key] = self._place(annotation)
        elif known.annotation is not annotation:
            known = Placement(
                annotation, known.talk_id, known.event_id, known.note, known.line, known.how
            )
        return known

    def _place(self, annotation: Annotation) -> Placement:
        target_kind = self._kind_of(annotation)
        found = self.target_of(
            target_kind,
            annotation.target_id,
            annotation.title,
            annotation.titles,
            annotation.event_title,
            annotation.event_date,
            by_title=annotation.anchor is None,
        )
        if annotation.anchor is None:
            if found is None:
                return Placement(annotation, how="orphan")
            how = "id" if found in self._ids_of(annotation.target_id) else "title"
            return self._placement(annotation, found, how)
        where = self._find_quote(annotation, found)
        if where is not None:
            source, talk, event, line = where
            target = talk.id if talk is not None else event.id
            how = "id" if target == found else "quote"
            return Placement(
                annotation,
                talk_id=talk.id if talk is not None else None,
                event_id=event.id if talk is None else None,
                note=source.note,
                line=line,
                how=how,
            )
        # The passage is gone but its talk is still there: keep it on the talk.
        found = found or self.target_of(
            target_kind,
            "",
            annotation.title,
            annotation.titles,
            annotation.event_title,
            annotation.event_date,
        )
        if found is not None:
            placed = self._placement(annotation, found, "title")
            return Placement(annotation, placed.talk_id, placed.event_id, None, None, how="title")
        return Placement(annotation, how="orphan")

    def _kind_of(self, annotation: Annotation) -> str:
        """What the annotation is on, "talk" or "event" (for a passage: its section's owner)."""
        if annotation.target != "passage":
            return "event" if annotation.target == "event" else "talk"
        # A passage hangs off a talk or off an event's own sections; the id says which.
        if self.library.talk(annotation.target_id) is not None:
            return "talk"
        if self.library.event(annotation.target_id) is not None:
            return "event"
        # Neither id is known now. An event's passage remembers the event's name as title.
        title, event_title = title_key(annotation.title), title_key(annotation.event_title)
        return "event" if title and title == event_title else "talk"

    def _ids_of(self, target_id: str) -> set[str]:
        talk = self.library.talk(target_id)
        if talk is not None:
            return {talk.id}
        event = self.library.event(target_id)
        return {event.id} if event is not None else set()

    def _placement(self, annotation: Annotation, target: str, how: str) -> Placement:
        if self.library.talk(target) is not None:
            return Placement(annotation, talk_id=target, how=how)
        return Placement(annotation, event_id=target, how=how)

    def target_of(
        self,
        kind: str,
        target_id: str,
        title: str,
        titles: Sequence[str],
        event_title: str,
        event_date: str | None,
        *,
        by_title: bool = True,
    ) -> str | None:
        """The current id of a talk or event, by its id, else by its titles."""
        if kind == "event":
            event = self.library.event(target_id) if target_id else None
            if event is not None:
                return event.id
            return self._event_by_title(title or event_title, event_date) if by_title else None
        talk = self.library.talk(target_id) if target_id else None
        if talk is not None:
            return talk.id
        if not by_title:
            return None
        return self._talk_by_title([title, *titles], event_title, event_date)

    def _talk_by_title(
        self, titles: Sequence[str], event_title: str, event_date: str | None
    ) -> str | None:
        if self._talk_titles is None:
            self._talk_titles = [
                (title_key(name), talk)
                for talk in self.library.talks
                for name in (talk.title, *talk.aliases)
            ]
        keys = [k for k, _ in self._talk_titles]
        # Ranked by title, then by how well the event agrees: the same talk title at
        # several editions of a series goes to the edition whose name is closest.
        best: tuple[float, float, Talk] | None = None
        for wanted in (title_key(t) for t in titles if t):
            if len(wanted) < 3:
                continue
            # No limit: a title that recurs at every edition ("Ask me anything") must
            # reach its own event's talk however many editions come before it.
            for _, score, index in process.extract(
                wanted, keys, scorer=fuzz.ratio, score_cutoff=TITLE_MATCH, limit=None
            ):
                talk = self._talk_titles[index][1]
                agreement = self._event_agreement(talk, event_title, event_date)
                if agreement is None:
                    continue
                if best is None or (score, agreement) > best[:2]:
                    best = (score, agreement, talk)
        return best[2].id if best else None

    def _event_agreement(
        self, talk: Talk, event_title: str, event_date: str | None
    ) -> float | None:
        """How well the talk's event fits the remembered one (0-100), None if it is
        another event."""
        event = self.library.event_of(talk)
        if event_date and event.date:
            return 100.0 if event_date == event.date else None
        if not event_title:
            return 0.0
        wanted = title_key(event_title)
        score = max(fuzz.ratio(wanted, title_key(n)) for n in (event.title, *event.aliases))
        return score if score >= 70 else None

    def _event_by_title(self, title: str, date: str | None) -> str | None:
        key = title_key(title)
        best: tuple[float, Event] | None = None
        for event in self.library.events:
            if date and event.date and date != event.date:
                continue
            for name in (event.title, *event.aliases):
                score = fuzz.ratio(key, title_key(name))
                if score >= TITLE_MATCH and (best is None or score > best[0]):
                    best = (score, event)
        return best[1].id if best else None

    # ---------------------------------------------------------------- quotes

    def _find_quote(
        self, annotation: Annotation, target: str | None
    ) -> tuple[Source, Talk | None, Event, int] | None:
        anchor = annotation.anchor
        assert anchor is not None
        if not anchor.quote.strip():
            return None
        searched: list[tuple[Source, Talk | None, Event]] = []
        by_note = self._by_note()
        searched.extend(by_note.get(anchor.note, []))
        talk = self.library.talk(target) if target else None
        if talk is not None:
            event = self.library.event_of(talk)
            searched.extend((s, talk, event) for s in talk.sources if s.note != anchor.note)
        for exact in (True, False):
            hit = self._search(searched, annotation, exact)
            if hit is not None:
                return hit
        # Moved to another note or another talk entirely: look everywhere, exactly.
        everywhere = [entry for entries in by_note.values() for entry in entries]
        return self._search(everywhere, annotation, exact=True)

    def _by_note(self) -> dict[str, list[tuple[Source, Talk | None, Event]]]:
        if self._sources_by_note is None:
            index: dict[str, list[tuple[Source, Talk | None, Event]]] = {}
            for event in self.library.events:
                for talk in event.talks:
                    for source in talk.sources:
                        index.setdefault(source.note, []).append((source, talk, event))
                for source in event.sections:
                    index.setdefault(source.note, []).append((source, None, event))
            self._sources_by_note = index
        return self._sources_by_note

    def _search(
        self,
        entries: Sequence[tuple[Source, Talk | None, Event]],
        annotation: Annotation,
        exact: bool,
    ) -> tuple[Source, Talk | None, Event, int] | None:
        anchor = annotation.anchor
        assert anchor is not None
        best: tuple[float, tuple[Source, Talk | None, Event, int]] | None = None
        for source, talk, event in entries:
            body = source.section.body
            for start, score in _occurrences(body, anchor.quote, exact):
                line = source.section.body_line + body.count("\n", 0, start)
                context = _context_score(
                    body, start, len(anchor.quote), anchor.prefix, anchor.suffix
                )
                same_note = source.note == anchor.note
                distance = abs(line - anchor.line) if same_note else 10_000
                # Quote first, then context, then the note and line it was made on.
                rank = score * 10 + context + (5 if same_note else 0) - min(distance, 500) / 100
                if best is None or rank > best[0]:
                    best = (rank, (source, talk, event, line))
        return best[1] if best else None


def _occurrences(body: str, quote: str, exact: bool) -> Iterable[tuple[int, float]]:
    """(offset, score 0-100) of where `quote` is in `body`."""
    if exact:
        start = body.find(quote)
        while start >= 0:
            yield start, 100.0
            start = body.find(quote, start + 1)
        return
    if len(quote) < 8:
        return  # too short to find again once edited
    alignment = fuzz.partial_ratio_alignment(quote, body, score_cutoff=QUOTE_MATCH)
    if alignment is not None:
        yield alignment.dest_start, alignment.score


def _context_score(body: str, start: int, length: int, prefix: str, suffix: str) -> float:
    before = body[max(0, start - len(prefix)) : start]
    after = body[start + length : start + length + len(suffix)]
    score = 0.0
    if prefix:
        score += fuzz.ratio(before, prefix) / 100
    if suffix:
        score += fuzz.ratio(after, suffix) / 100
    return score
