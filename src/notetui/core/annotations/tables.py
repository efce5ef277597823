"""The store's tables in memory: the records as the file holds them, plus indexes.

Built once from the main file (checking every record on the way), then kept up to
date one change at a time, whether the change was made here or read from the journal.
Every change costs O(log n) or less, so a save does not depend on how many
annotations are stored.

Records are never edited in place: a change replaces a record with a new dict. The
dicts that came from the file are shared with the parsed values, never copied.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

from notetui.core.annotations.errors import BadStore
from notetui.core.annotations.journal import Change, Entry
from notetui.core.annotations.records import (
    Annotation,
    TagSet,
    annotation_from,
    tagset_from,
    trash_from,
)
from notetui.core.annotations.storage import Tables, describe

__all__ = ["ANNOTATIONS", "TAGS", "TRASH", "StoreData"]

ANNOTATIONS = "annotations"
TRASH = "trash"
TAGS = "tags"

_BY_CREATED = attrgetter("created", "uid")


def _next_id(table: dict[str, Any]) -> int:
    return max(map(int, table), default=0) + 1


@dataclass
class StoreData:
    """Every table, and what the store looks things up by."""

    tables: Tables
    annotations: dict[str, Annotation] = field(default_factory=dict)  # uid ->
    trash: dict[str, Annotation] = field(default_factory=dict)  # uid ->
    tag_sets: dict[str, TagSet] = field(default_factory=dict)  # target id -> (merged)
    problems: list[str] = field(default_factory=list)
    # table -> key (uid) -> doc id; tags: target id -> doc ids, in file order
    _doc_ids: dict[str, dict[str, str]] = field(default_factory=dict)
    _tag_docs: dict[str, list[str]] = field(default_factory=dict)
    _next: dict[str, int] = field(default_factory=dict)
    _sorted: list[Annotation] = field(default_factory=list)  # by (created, uid)

    # -- building -----------------------------------------------------------------------

    @classmethod
    def build(cls, tables: Tables, path: Path) -> StoreData:
        """Index a (migrated) store. Each record the store would not have written is
        listed in `problems`, one line each, and left out of the indexes."""
        data = cls(tables)

        def problem(table: str, doc_id: str, text: str) -> None:
            data.problems.append(f'{describe(path)}: record {doc_id} in "{table}" {text}')

        def owner(uid: str) -> str:
            """Where a uid was seen first (only worked out for a problem line)."""
            table = ANNOTATIONS if uid in data.annotations else TRASH
            return f'record {data._doc_ids[table][uid]} in "{table}"'

        for table, parse, index in (
            (ANNOTATIONS, annotation_from, data.annotations),
            (TRASH, trash_from, data.trash),
        ):
            raw = tables.get(table, {})
            ids = data._doc_ids.setdefault(table, {})
            for doc_id, doc in raw.items():
                try:
                    annotation = parse(doc)
                except ValueError as error:
                    problem(table, doc_id, str(error))
                    continue
                uid = annotation.uid
                if uid in data.annotations or uid in data.trash:
                    problem(table, doc_id, f"has the same uid as {owner(uid)} ({uid})")
                    continue
                index[uid] = annotation
                ids[uid] = doc_id
            data._next[table] = _next_id(raw)
        raw_tags = tables.get(TAGS, {})
        for doc_id in sorted(raw_tags, key=int):
            try:
                tag_set = tagset_from(raw_tags[doc_id])
            except ValueError as error:
                problem(TAGS, doc_id, str(error))
                continue
            data._tag_docs.setdefault(tag_set.target_id, []).append(doc_id)
            data._merge_tags(tag_set)
        data._next[TAGS] = _next_id(raw_tags)
        data._sorted = sorted(data.annotations.values(), key=_BY_CREATED)
        return data

    def _merge_tags(self, tag_set: TagSet) -> None:
        known = self.tag_sets.get(tag_set.target_id)
        if known is not None:  # two records for one target (a hand merge): union
            merged = tuple(sorted({*known.tags, *tag_set.tags}))
            tag_set = TagSet(
                known.target, known.target_id, merged, known.title, known.event_title, known.root
            )
        self.tag_sets[tag_set.target_id] = tag_set

    # -- reading ------------------------------------------------------------------------

    def sorted_annotations(self) -> list[Annotation]:
        return list(self._sorted)

    def record(self, table: str, key: str) -> dict[str, Any] | None:
        """The stored record of an annotation (by uid) or the first of a tag set's."""
        if table == TAGS:
            doc_ids = self._tag_docs.get(key)
            return self.tables[TAGS][doc_ids[0]] if doc_ids else None
        doc_id = self._doc_ids.get(table, {}).get(key)
        return None if doc_id is None else self.tables[table][doc_id]

    def tag_records(self, target_id: str) -> list[dict[str, Any]]:
        return [self.tables[TAGS][doc_id] for doc_id in self._tag_docs.get(target_id, ())]

    def latest_trash(self, keep: Iterable[str] | None = None) -> str | None:
        """The uid deleted last (trash ids only grow on insert), among `keep` if given."""
        ids = self._doc_ids.get(TRASH, {})
        wanted = ids.items() if keep is None else ((uid, ids[uid]) for uid in keep)
        best = max(wanted, key=lambda item: int(item[1]), default=None)
        return None if best is None else best[0]

    def trash_order(self) -> list[str]:
        """Uids in the trash, oldest deletion first."""
        ids = self._doc_ids.get(TRASH, {})
        return sorted(ids, key=lambda uid: int(ids[uid]))

    @property
    def tag_record_count(self) -> int:
        return len(self.tables.get(TAGS, {}))

    # -- changing -----------------------------------------------------------------------

    def replay(self, entry: Entry, journal: Path) -> None:
        """Apply a journal line; BadStore names the line if a record in it is bad."""
        for change in entry.changes:
            try:
                self.apply(change)
            except ValueError as error:
                raise BadStore(
                    f"journal {journal}: line {entry.line} has a {change.table} record that {error}"
                ) from None

    def apply(self, change: Change) -> None:
        """Make one record what `change` says. ValueError if the record is not valid
        (nothing is changed then)."""
        if change.table == TAGS:
            self._apply_tags(change)
        elif change.table in (ANNOTATIONS, TRASH):
            self._apply_annotation(change)
        else:
            raise ValueError(f"names the unknown table {change.table!r}")

    def _apply_annotation(self, change: Change) -> None:
        table, uid, record = change.table, change.key, change.record
        parsed = None
        if record is not None:
            parsed = (trash_from if table == TRASH else annotation_from)(record)
            if parsed.uid != uid:
                raise ValueError(f"has the uid {parsed.uid!r} under the key {uid!r}")
        rows = self.tables.setdefault(table, {})
        ids = self._doc_ids.setdefault(table, {})
        index = self.trash if table == TRASH else self.annotations
        old_id = ids.get(uid)
        old = index.get(uid)
        if table == ANNOTATIONS and old is not None:
            self._unsort(old)
        if record is None:
            if old_id is not None:
                del rows[old_id], ids[uid], index[uid]
            return
        assert parsed is not None
        if old_id is None:
            old_id = str(self._take_id(table))
            ids[uid] = old_id
        rows[old_id] = record
        index[uid] = parsed
        if table == ANNOTATIONS:
            bisect.insort(self._sorted, parsed, key=_BY_CREATED)

    def _take_id(self, table: str) -> int:
        """The next document id of a table, as TinyDB would give it."""
        if table not in self._next:
            self._next[table] = _next_id(self.tables.get(table, {}))
        doc_id = self._next[table]
        self._next[table] = doc_id + 1
        return doc_id

    def _unsort(self, annotation: Annotation) -> None:
        at = bisect.bisect_left(self._sorted, _BY_CREATED(annotation), key=_BY_CREATED)
        while at < len(self._sorted) and self._sorted[at].uid != annotation.uid:
            at += 1  # equal (created, uid) cannot happen twice; this is only a guard
        if at < len(self._sorted):
            del self._sorted[at]

    def _apply_tags(self, change: Change) -> None:
        target_id, record = change.key, change.record
        parsed = None
        if record is not None:
            parsed = tagset_from(record)
            if parsed.target_id != target_id:
                raise ValueError(f"has the target id {parsed.target_id!r} under {target_id!r}")
        rows = self.tables.setdefault(TAGS, {})
        old_ids = self._tag_docs.pop(target_id, [])
        for doc_id in old_ids:
            del rows[doc_id]
        self.tag_sets.pop(target_id, None)
        if record is None or parsed is None:
            return
        # The record keeps its place in the file.
        doc_id = old_ids[0] if old_ids else str(self._take_id(TAGS))
        rows[doc_id] = record
        self._tag_docs[target_id] = [doc_id]
        self.tag_sets[target_id] = parsed
