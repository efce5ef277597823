"""The annotation service: what the reader and the CLI do with annotations and tags.

Both fronts call this, so they cannot disagree: resolving a target, quote to anchor,
attaching an orphan (re-anchoring its passage), changing tags as additions and
removals against what is stored (gathering the sets kept under a talk's older ids
first, so a removed tag is gone everywhere), edits that carry the revision they
started from, tag counts, and which folder an annotation belongs to.

    service = AnnotationService(store, library)
    target = service.resolve("goroutine リーク")   # or service.target(talk_id)
    service.annotate(target, "same leak as ours", anchor=service.passage(target, "pprof"))
    service.change_tags(target, add=["go"], remove=["draft"])

No Textual here. Errors: StoreError and its subclasses for the store (`errors.py`),
NoSuchTarget and AnnotationRefused (ValueErrors with a one-line message) for what a
user asked that cannot be done.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from notetui.core.annotations.anchoring import TITLE_MATCH, Attachments, attach
from notetui.core.annotations.errors import AnnotationGone
from notetui.core.annotations.files import StoreSignature
from notetui.core.annotations.passages import anchor_at, find_passage, nearest
from notetui.core.annotations.records import Anchor, Annotation, TagSet, folder_key, normalize_tag
from notetui.core.annotations.store import Store
from notetui.core.annotations.targets import NoSuchTarget, Target, resolve, target_by_id
from notetui.core.models import Event, Library, Source, Talk
from notetui.core.text import title_key

__all__ = [
    "UID_MIN_PREFIX",
    "AnnotationRefused",
    "AnnotationService",
    "NoSuchTarget",
    "TagChange",
    "TagCount",
    "clean_text",
    "tag_counts",
]

UID_MIN_PREFIX = 4
_SURROGATE = re.compile("[\ud800-\udfff]")


class AnnotationRefused(ValueError):
    """What the user asked cannot be done (a quote not in the notes, a passage that
    belongs to another talk, an unknown uid); the message says why, in one line."""


def clean_text(text: str) -> tuple[str, int]:
    """(text safe to store, how many characters were replaced).

    Bytes that were not UTF-8 in a command's arguments reach Python as lone surrogates
    (surrogateescape). They are not text: each becomes U+FFFD, and the caller says so.
    """
    return _SURROGATE.subn("\ufffd", text)


@dataclass(frozen=True, slots=True)
class TagCount:
    """How many talks and events carry a tag here, and how many orphaned tag sets do."""

    talks: int = 0
    events: int = 0
    orphaned: int = 0
    targets: tuple[str, ...] = ()  # the talk and event ids carrying it

    @property
    def count(self) -> int:
        return self.talks + self.events


def tag_counts(library: Library, attachments: Attachments) -> dict[str, TagCount]:
    """Tag -> its TagCount, from tag sets placed in `library`, by tag name."""
    counts: dict[str, TagCount] = {}
    for target_id, tags in attachments.tags.items():
        is_talk = library.talk(target_id) is not None
        for tag in tags:
            was = counts.get(tag, TagCount())
            counts[tag] = replace(
                was,
                talks=was.talks + is_talk,
                events=was.events + (not is_talk),
                targets=(*was.targets, target_id),
            )
    for tag_set in attachments.orphan_tags:
        for tag in tag_set.tags:
            was = counts.get(tag, TagCount())
            counts[tag] = replace(was, orphaned=was.orphaned + 1)
    return dict(sorted(counts.items()))


@dataclass(frozen=True, slots=True)
class TagChange:
    """A tag change as saved: the target's tags now, and removed tags it did not have."""

    tag_set: TagSet
    not_there: tuple[str, ...] = ()


class AnnotationService:
    """Annotations and tags of one notes folder (`library`), kept in `store`.

    `library` may be left out for what needs only the folder (editing, deleting and
    restoring by uid): pass `root` then.
    """

    def __init__(
        self, store: Store, library: Library | None = None, *, root: Path | None = None
    ) -> None:
        if library is None and root is None:
            raise ValueError("an AnnotationService needs a library or its root")
        self.store = store
        self._library = library
        where = library.root if library is not None else root
        assert where is not None
        self.folder = folder_key(where)

    @property
    def library(self) -> Library:
        if self._library is None:
            raise ValueError("this AnnotationService was made without a library")
        return self._library

    # -- reading -----------------------------------------------------------------------

    def attachments(self) -> Attachments:
        """This folder's annotations and tags, placed in the library; other folders'
        ones that are not about these notes are in `elsewhere`, not orphans."""
        store = self.store
        return attach(self.library, store.annotations(), store.tag_sets(), folder=self.folder)

    def tag_counts(self, attachments: Attachments | None = None) -> dict[str, TagCount]:
        return tag_counts(self.library, attachments or self.attachments())

    def signature(self) -> StoreSignature:
        """Cheap: has anything changed since? Compare with an earlier signature."""
        return self.store.signature()

    # -- finding -----------------------------------------------------------------------

    def resolve(self, query: str, *, event: bool = False) -> Target:
        """The talk (or event) a user's query names; NoSuchTarget with candidates."""
        return resolve(self.library, query, event=event)

    def target(self, target_id: str) -> Target | None:
        """The talk or event with this id, as the reader knows it."""
        return target_by_id(self.library, target_id)

    def find(self, wanted: str) -> Annotation:
        """The annotation with this uid, or the one whose uid starts with it (at least
        UID_MIN_PREFIX characters; this folder's first). AnnotationRefused if none or
        several."""
        wanted = wanted.strip().lower()
        annotations = self.store.annotations()
        exact = [a for a in annotations if a.uid == wanted]
        if exact:
            return exact[0]
        if len(wanted) < UID_MIN_PREFIX:
            found = []
        else:
            found = [a for a in annotations if a.uid.startswith(wanted)]
            here = [a for a in found if a.root is None or a.root == self.folder]
            found = here or found
        if len(found) == 1:
            return found[0]
        if not found:
            raise AnnotationRefused(
                f"no annotation {wanted!r} (`notetui annotations` lists them with their ids)"
            )
        uids = ", ".join(a.uid for a in found[:5])
        raise AnnotationRefused(
            f"{wanted!r} starts {len(found)} annotation ids ({uids}); give more"
        )

    def note_of(self, target: Target, given: Path) -> str:
        """The library-relative path of a note named on the command line (relative to
        the working folder or to the library, or just its file name), which must be
        one of the target's notes."""
        notes = list(dict.fromkeys(s.note for s in target.sources))
        root = self.library.root
        candidates = [given.as_posix()]
        for path in (given, root / given):
            try:
                rel = path.expanduser().resolve().relative_to(root.resolve()).as_posix()
            except (ValueError, OSError, RuntimeError):
                continue
            candidates.append(rel)
        for candidate in candidates:
            if candidate in notes:
                return candidate
        by_name = [n for n in notes if n.rsplit("/", 1)[-1] == given.name]
        if len(by_name) == 1:
            return by_name[0]
        raise AnnotationRefused(
            f"{given} is not one of the notes about {target.title!r}: {', '.join(notes) or 'none'}"
        )

    def passage(self, target: Target, quote: str, *, note: str | None = None) -> Anchor:
        """The anchor for `quote` in the target's notes (only `note`, if given): the
        first source it is in. AnnotationRefused saying where it is not (or, for an
        event, which of its talks it is in)."""
        if not quote.strip():
            raise AnnotationRefused("the quote is empty")
        anchors = find_passage(target.sources, quote, note)
        if anchors:
            return anchors[0]
        if target.talk is None:
            for one in target.event.talks:
                if find_passage(one.sources, quote, note):
                    raise AnnotationRefused(
                        f"{quote!r} is in the notes about the talk {one.title!r} ({one.id}), "
                        "not in the event's own sections: annotate the talk"
                    )
        where = note or ", ".join(dict.fromkeys(s.note for s in target.sources)) or "no notes"
        raise AnnotationRefused(f"{quote!r} is not in the notes about {target.title!r} ({where})")

    @staticmethod
    def point_anchor(source: Source, text: str, line: int | None) -> Anchor | None:
        """The anchor for a point the reader shows (its first line, on `line`)."""
        quote = text.strip().split("\n", 1)[0]
        return anchor_at(source, quote, line) if quote else None

    # -- writing -----------------------------------------------------------------------

    def annotate(self, target: Target, text: str, *, anchor: Anchor | None = None) -> Annotation:
        """A new annotation on `target` (a passage of it, with `anchor`), in this folder."""
        return self.store.add_annotation(
            target="passage" if anchor is not None else target.kind,
            target_id=target.id,
            text=clean_text(text)[0],
            title=target.title,
            titles=target.titles,
            event_title=target.event.title,
            event_date=target.event.date,
            anchor=anchor,
            root=self.folder,
        )

    def edit(self, uid: str, text: str, *, started_from: int | None) -> Annotation:
        """Save a new text. `started_from`: the `rev` of the annotation the edit began
        with; if the stored text changed since, EditConflict carries both texts and
        nothing is saved (None saves over it: the user chose). AnnotationGone if it was
        deleted meanwhile; either way the caller still has `text`."""
        return self.store.update_annotation(uid, clean_text(text)[0], expected_rev=started_from)

    def delete(self, uid: str) -> Annotation:
        return self.store.delete_annotation(uid)

    def undo_delete(self, *, every_folder: bool = False) -> Annotation | None:
        """Restore this folder's annotation deleted last (by any process); with
        `every_folder`, the one deleted last wherever it was made."""
        return self.store.undo_delete(folder=None if every_folder else self.folder)

    def attach(self, uid: str, target: Target) -> Annotation:
        """Attach an annotation (an orphan, or one on the wrong talk) to `target`.

        A passage annotation is re-anchored where its quote is in the target's notes
        (nearest its old line); if the quote is in none, it keeps it and hangs on the
        target as a whole. AnnotationRefused if the quote is in another talk's notes
        (re-attachment would take it back there).
        """
        with self.store.transaction():
            annotation = self.store.annotation(uid)
            if annotation is None:
                raise AnnotationGone(uid)
            anchor = annotation.anchor
            if anchor is not None:
                anchor = nearest(find_passage(target.sources, anchor.quote), anchor) or anchor
            placed: dict[str, Any] = {
                "target": "passage" if anchor is not None else target.kind,
                "target_id": target.id,
                "title": target.title,
                "titles": target.titles,
                "event_title": target.event.title,
                "event_date": target.event.date,
                "anchor": anchor,
                "root": self.folder,
            }
            moved = replace(annotation, **placed)
            [placement] = attach(self.library, [moved], folder=self.folder).placements
            if placement.target_id != target.id:
                where = self._title_of(placement.talk_id, placement.event_id, annotation.title)
                raise AnnotationRefused(
                    f"{uid[:8]} quotes a passage of {where!r}, not of {target.title!r}; "
                    "a passage annotation stays with its passage"
                )
            return self.store.retarget_annotation(uid, **placed)

    def change_tags(
        self, target: Target, *, add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> TagChange:
        """Add and remove tags on `target`, against what is stored now, in one save.

        Tag sets kept under the target's older ids (a source's key, an id from before
        a title was edited) are moved to its id first, so a removed tag is gone
        wherever it was stored, and what another process added meanwhile stays.
        """
        added = [clean_text(tag)[0] for tag in add]
        gone = [clean_text(tag)[0] for tag in remove]
        with self.store.transaction():
            self._gather_tags(target)
            before = set(self.store.tags_of(target.id))
            tag_set = self.store.change_tags(
                target=target.kind,
                target_id=target.id,
                add=added,
                remove=gone,
                title=target.title,
                event_title=target.event.title,
                root=self.folder,
            )
        missing = sorted({normalize_tag(tag) for tag in gone} - before - {""})
        return TagChange(tag_set, tuple(missing))

    def edit_tags(self, target: Target, shown: Iterable[str], chosen: Iterable[str]) -> TagChange:
        """What a tag dialog returns, saved as the changes the user made to what it
        showed: tags added or removed elsewhere meanwhile are not undone."""
        before = {normalize_tag(tag) for tag in shown}
        after = {normalize_tag(tag) for tag in chosen}
        return self.change_tags(target, add=sorted(after - before), remove=sorted(before - after))

    def _gather_tags(self, target: Target) -> None:
        """Move this folder's tag sets that belong to `target` under another id to its id."""
        library = self.library
        names = [title_key(name) for name in (target.title, *target.titles)]
        for tag_set in self.store.tag_sets(folder=self.folder):
            if tag_set.target_id == target.id:
                continue
            known: Talk | Event | None
            if tag_set.target == "talk":
                known = library.talk(tag_set.target_id)
            else:
                known = library.event(tag_set.target_id)
            if known is not None:
                belongs = known.id == target.id
            else:
                # Re-attached by its title, as the reader does; a cheap look at the title
                # first, since that is what `attach` needs to match at all.
                wanted = title_key(tag_set.title)
                belongs = (
                    tag_set.target == target.kind
                    and any(fuzz.ratio(wanted, name) >= TITLE_MATCH for name in names)
                    and target.id in attach(library, (), [tag_set], folder=self.folder).tags
                )
            if belongs:
                self.store.retarget_tags(
                    tag_set.target_id,
                    target=target.kind,
                    target_id=target.id,
                    title=target.title,
                    event_title=target.event.title,
                    root=self.folder,
                )

    def _title_of(self, talk_id: str | None, event_id: str | None, fallback: str) -> str:
        talk = self.library.talk(talk_id) if talk_id else None
        if talk is not None:
            return talk.title
        event = self.library.event(event_id) if event_id else None
        return event.title if event is not None else fallback
