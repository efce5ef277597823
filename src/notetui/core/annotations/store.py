"""The annotation store: users' annotations and tags, in a TinyDB JSON file.

Notes can be re-read at any time; what users wrote about them cannot. So the store
never loses a record: every change runs under a cross-process file lock on freshly
caught-up data and is durable before it returns (`files.py`), deleting moves to a
trash table, a file it cannot understand is refused, never replaced, and an edit
that started from a text that has changed since is refused with both texts
(`EditConflict`), never applied over the other one.

Identity is the annotation's `uid`, never TinyDB's document id: ids are only the
order of records in the file.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from notetui.core.annotations.errors import AnnotationGone, EditConflict, StoreError
from notetui.core.annotations.files import StoreFiles, StoreSignature
from notetui.core.annotations.journal import Change
from notetui.core.annotations.records import (
    ANNOTATION_TARGETS,
    TAG_TARGETS,
    Anchor,
    Annotation,
    TagSet,
    annotation_from,
    check_choice,
    check_id,
    check_opt_str,
    check_str,
    normalize_tag,
    placement_fields,
    tag_input,
    tagset_from,
)
from notetui.core.annotations.schema import MIGRATIONS, SCHEMA_VERSION, check_store, copy_aside
from notetui.core.annotations.storage import plain_copy
from notetui.core.annotations.tables import ANNOTATIONS, TAGS, TRASH, StoreData

__all__ = [
    "ANNOTATION_TARGETS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "TAG_TARGETS",
    "Anchor",
    "Annotation",
    "AnnotationGone",
    "EditConflict",
    "Store",
    "StoreError",
    "StoreSignature",
    "TagSet",
    "check_store",
    "copy_aside",
    "new_uid",
    "normalize_tag",
    "now_iso",
]


def now_iso() -> str:
    """The current time as stored: ISO 8601 UTC to the second. Tests patch this."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_uid() -> str:
    """A new annotation's identity. Tests patch this."""
    return uuid.uuid4().hex


def _belongs(root: str | None, folder: str | None) -> bool:
    """Whether a record made in `root` belongs to `folder` (None: it is everyone's)."""
    return folder is None or root is None or root == folder


class Store:
    """Annotations and tags in the TinyDB file at `path`.

    Every write takes the file lock, catches up with what other processes saved,
    applies the change and makes it durable; reads use the in-memory copy after a
    stat check of the files. Safe to share between threads.

    StoreError (or a subclass, see `errors.py`) is the only error a read or a save
    raises for anything on disk; TypeError/ValueError mean a caller passed bad values.
    """

    def __init__(self, path: Path, *, load: bool = True) -> None:
        """Open the store, reading it (StoreError if it cannot be read). With
        `load=False` nothing is read until needed, and an add to a big store may not
        read the main file at all (for a process that only adds, `notetui annotate`)."""
        self.path = Path(path)
        self._files = StoreFiles(self.path)
        self._files.remove_stale_temps()
        if load:
            self._files.sync()

    def close(self) -> None:
        self._files.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # -- changes on disk --

    @property
    def journal_path(self) -> Path:
        return self._files.journal.path

    def signature(self) -> StoreSignature:
        """Cheap (two stats): compare with an earlier signature to see whether anything
        changed on disk, whoever changed it."""
        return self._files.signature()

    def reload_if_changed(self) -> bool:
        """Cheap stat check; True if the files changed on disk and were caught up with."""
        return self._files.sync()

    def compact(self) -> None:
        """Fold the journal into the main file now (it is also done now and then)."""
        self._files.compact()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """Several changes as one: one lock, one save, all or nothing. Reads inside
        see the changes made so far."""
        with self._files.transaction():
            yield self

    def _read(self) -> StoreData:
        with self._files.mutex:
            self._files.sync()
            return self._files.data

    def _stage(self, table: str, key: str, record: dict[str, Any] | None) -> None:
        copy = None if record is None else plain_copy(record, f"{table} record {key}")
        self._files.stage(Change(table, key, copy))

    # -- annotations --

    def annotations(self, folder: str | None = None) -> list[Annotation]:
        """All annotations, oldest first (by `created`, then `uid`); with `folder`,
        only those that belong to it (made there, or before folders were recorded)."""
        with self._files.mutex:
            found = self._read().sorted_annotations()
        if folder is None:
            return found
        return [a for a in found if _belongs(a.root, folder)]

    def annotation(self, uid: str) -> Annotation | None:
        with self._files.mutex:
            return self._read().annotations.get(uid)

    def trash(self) -> list[Annotation]:
        """Deleted annotations, oldest deletion first."""
        with self._files.mutex:
            data = self._read()
            return [data.trash[uid] for uid in data.trash_order()]

    def add_annotation(
        self,
        *,
        target: str,
        target_id: str,
        text: str,
        title: str = "",
        titles: Sequence[str] = (),
        event_title: str = "",
        event_date: str | None = None,
        anchor: Anchor | None = None,
        root: str | None = None,
    ) -> Annotation:
        now = now_iso()
        record = {
            "uid": new_uid(),
            **placement_fields(target, target_id, title, titles, event_title, event_date, anchor),
            "text": check_str(text, "text"),
            "created": now,
            "updated": now,
        }
        if check_opt_str(root, "root") is not None:
            record["root"] = root
        uid = record["uid"]
        change = Change(ANNOTATIONS, uid, plain_copy(record, f"{ANNOTATIONS} record {uid}"))
        if not self._files.append_new([change]):
            with self._files.transaction():
                self._files.stage(change)
        return annotation_from(record)

    def _stored(self, data: StoreData, uid: str) -> dict[str, Any]:
        record = data.record(ANNOTATIONS, uid)
        if record is None:
            raise AnnotationGone(uid)
        return record

    def update_annotation(
        self, uid: str, text: str, *, expected_rev: int | None = None
    ) -> Annotation:
        """Replace the text, bump `rev` and `updated`.

        `expected_rev`: the revision the edit started from; if the stored text has
        changed since, EditConflict (with both texts) and nothing is saved. None
        saves over whatever is there. AnnotationGone (a KeyError) if no such uid.
        """
        text = check_str(text, "text")
        with self._files.transaction() as data:
            doc = self._stored(data, uid)
            current = data.annotations[uid]
            if current.text == text:
                return current
            if expected_rev is not None and current.rev != expected_rev:
                raise EditConflict(current, text, expected_rev)
            record = {**doc, "text": text, "updated": now_iso(), "rev": current.rev + 1}
            self._stage(ANNOTATIONS, uid, record)
        return annotation_from(record)

    def retarget_annotation(
        self,
        uid: str,
        *,
        target: str,
        target_id: str,
        title: str,
        titles: Sequence[str] = (),
        event_title: str = "",
        event_date: str | None = None,
        anchor: Anchor | None = None,
        root: str | None = None,
    ) -> Annotation:
        """Re-attach an annotation (an orphan to another talk, or re-anchored after
        edits); its text and `created` stay, and its folder unless `root` is given.
        AnnotationGone (a KeyError) if no such annotation."""
        fields = placement_fields(target, target_id, title, titles, event_title, event_date, anchor)
        if check_opt_str(root, "root") is not None:
            fields["root"] = root
        with self._files.transaction() as data:
            record = {**self._stored(data, uid), **fields, "updated": now_iso()}
            self._stage(ANNOTATIONS, uid, record)
        return annotation_from(record)

    def delete_annotation(self, uid: str) -> Annotation:
        """Move an annotation to the trash. AnnotationGone (a KeyError) if no such one."""
        with self._files.transaction() as data:
            doc = self._stored(data, uid)
            self._stage(ANNOTATIONS, uid, None)
            self._stage(TRASH, uid, {**doc, "deleted": now_iso()})
        return annotation_from(doc)

    def undo_delete(self, folder: str | None = None) -> Annotation | None:
        """Restore the newest annotation in the trash (whichever process deleted it);
        with `folder`, the newest of those that belong to it."""
        with self._files.transaction() as data:
            keep = None
            if folder is not None:
                keep = [uid for uid, a in data.trash.items() if _belongs(a.root, folder)]
            uid = data.latest_trash(keep)
            if uid is None:
                return None
            doc = data.record(TRASH, uid)
            assert doc is not None
            record = {key: value for key, value in doc.items() if key != "deleted"}
            self._stage(TRASH, uid, None)
            self._stage(ANNOTATIONS, uid, record)
        return annotation_from(record)

    # -- tags --

    def tag_sets(self, folder: str | None = None) -> list[TagSet]:
        with self._files.mutex:
            found = sorted(self._read().tag_sets.values(), key=lambda t: (t.target, t.target_id))
        return [t for t in found if _belongs(t.root, folder)]

    def tags_of(self, target_id: str) -> tuple[str, ...]:
        with self._files.mutex:
            tag_set = self._read().tag_sets.get(target_id)
        return () if tag_set is None else tag_set.tags

    def change_tags(
        self,
        *,
        target: str,
        target_id: str,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
        title: str = "",
        event_title: str = "",
        root: str | None = None,
    ) -> TagSet:
        """Add and remove tags (normalised) against the set stored now: what another
        process added meanwhile stays. None left removes the target's record."""
        added, gone = tag_input(add), tag_input(remove)
        return self._change_tags(
            target, target_id, title, event_title, root, lambda now: (now | added) - gone
        )

    def set_tags(
        self,
        *,
        target: str,
        target_id: str,
        tags: Iterable[str],
        title: str = "",
        event_title: str = "",
        root: str | None = None,
    ) -> TagSet:
        """Make these the target's tags (normalised), replacing what is stored: prefer
        `change_tags`, which cannot drop a tag someone else just added."""
        wanted = tag_input(tags)
        return self._change_tags(target, target_id, title, event_title, root, lambda _: wanted)

    @staticmethod
    def _tag_fields(target: str, target_id: str, title: str, event_title: str) -> dict[str, str]:
        return {
            "target": check_choice(target, "target", TAG_TARGETS),
            "target_id": check_id(target_id, "target_id"),
            "title": check_str(title, "title"),
            "event_title": check_str(event_title, "event_title"),
        }

    def _change_tags(
        self,
        target: str,
        target_id: str,
        title: str,
        event_title: str,
        root: str | None,
        change: Callable[[set[str]], set[str]],
    ) -> TagSet:
        fields = self._tag_fields(target, target_id, title, event_title)
        root = check_opt_str(root, "root")
        with self._files.transaction() as data:
            docs = data.tag_records(target_id)
            current = set(data.tag_sets[target_id].tags) if docs else set()
            tags = sorted(change(current))
            record = _tag_record(docs, fields, tags, root)
            if len(docs) == 1 and record == docs[0]:
                return tagset_from(record)  # unchanged: no save
            if docs or tags:
                self._stage(TAGS, target_id, record if tags else None)
        if tags:
            return tagset_from(record)
        return TagSet(
            fields["target"],
            target_id,
            (),
            record["title"],
            record["event_title"],
            record.get("root"),
        )

    def retarget_tags(
        self,
        old_target_id: str,
        *,
        target: str,
        target_id: str,
        title: str,
        event_title: str = "",
        root: str | None = None,
    ) -> None:
        """Move a target's tags to another target, merging with the tags it has."""
        fields = self._tag_fields(target, target_id, title, event_title)
        old_target_id = check_str(old_target_id, "old_target_id")
        root = check_opt_str(root, "root")
        with self._files.transaction() as data:
            old = data.tag_records(old_target_id)
            if not old:
                return
            new = [] if target_id == old_target_id else data.tag_records(target_id)
            docs = new + old  # the new target's record (and id) is the base
            tags = sorted({tag for doc in docs for tag in tagset_from(doc).tags})
            record = _tag_record(docs, fields, tags, root)
            if target_id != old_target_id:
                self._stage(TAGS, old_target_id, None)
            self._stage(TAGS, target_id, record if tags else None)


def _tag_record(
    docs: Sequence[dict[str, Any]], fields: dict[str, str], tags: list[str], root: str | None
) -> dict[str, Any]:
    # Empty titles keep what the record had: callers often only know the id.
    base: dict[str, Any] = dict(docs[0]) if docs else {}
    record = {**base, **fields, "tags": tags}
    for key in ("title", "event_title"):
        if not fields[key]:
            record[key] = base.get(key, "")
    if root is not None:
        record["root"] = root
    return record
