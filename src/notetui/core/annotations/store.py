"""The annotation store: users' annotations and tags, in one TinyDB JSON file.

Notes can be re-read at any time; what users wrote about them cannot. So the store
never loses a record: saves are atomic (see `store_storage`), every read-modify-write
runs under a cross-process file lock on freshly re-read data, deleting moves to a
trash table, and a file it cannot understand is refused, never replaced.

Identity is the annotation's `uid`, never TinyDB's document id: ids are only the
order of records in the file.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import threading
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from operator import attrgetter
from pathlib import Path
from types import TracebackType
from typing import Any

from filelock import FileLock, Timeout
from tinydb.table import Document, Table

from notetui.core.annotations.storage import (
    AtomicJSONStorage,
    BadStore,
    StoreError,
    Tables,
    describe,
    parse_store,
    read_bytes,
    stale_temp_files,
)

__all__ = [
    "ANNOTATION_TARGETS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "TAG_TARGETS",
    "Anchor",
    "Annotation",
    "Store",
    "StoreError",
    "TagSet",
    "check_store",
    "copy_aside",
    "new_uid",
    "normalize_tag",
    "now_iso",
]

SCHEMA_VERSION = 1

# MIGRATIONS[n] turns a whole store of schema n ({table: {doc id: record}}) into
# schema n + 1. They run in memory on open; the next save writes the result. The
# store sets the version number in "meta" itself.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

ANNOTATION_TARGETS = ("talk", "event", "passage")
TAG_TARGETS = ("talk", "event")

# Long enough for any save by another process; short enough that a hung one shows.
LOCK_TIMEOUT = 10.0

_ANNOTATIONS = "annotations"
_TRASH = "trash"
_TAGS = "tags"
_META = "meta"
_MISSING: Any = object()
_BY_CREATED = attrgetter("created", "uid")


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a passage annotation hangs, Hypothesis-style: enough to re-find it after edits."""

    note: str  # note path relative to the library root, POSIX
    line: int  # 1-based line in that file when it was made
    quote: str  # the exact quoted text
    prefix: str = ""  # up to ~64 chars of text before the quote
    suffix: str = ""  # up to ~64 chars after


@dataclass(frozen=True, slots=True)
class Annotation:
    uid: str
    target: str  # "talk" | "event" | "passage"
    target_id: str  # id of the talk or event (a passage's talk or event)
    text: str  # free Markdown, multi-line
    created: str  # ISO 8601 UTC, e.g. "2026-11-23T09:12:09Z"
    updated: str
    title: str = ""  # the talk's/event's title when written (for re-attachment)
    titles: tuple[str, ...] = ()  # other titles it was known by
    event_title: str = ""
    event_date: str | None = None
    anchor: Anchor | None = None  # only for target == "passage"


@dataclass(frozen=True, slots=True)
class TagSet:
    target: str  # "talk" | "event"
    target_id: str
    tags: tuple[str, ...]  # normalised, sorted, unique
    title: str = ""
    event_title: str = ""


def now_iso() -> str:
    """The current time as stored: ISO 8601 UTC to the second. Tests patch this."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_uid() -> str:
    """A new annotation's identity. Tests patch this."""
    return uuid.uuid4().hex


_WHITESPACE = re.compile(r"\s+")


def normalize_tag(raw: str) -> str:
    """NFKC (so full-width = half-width), casefold, strip, leading '#' removed, runs of
    whitespace -> '-'. '' if nothing left."""
    # NFKC again after casefold: casefolding can produce non-NFKC sequences.
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", raw).casefold())
    text = text.strip().lstrip("#").strip()
    return _WHITESPACE.sub("-", text)


# -- checking what callers pass in (TypeError / ValueError before any file work) ---------


def _str(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{field} must be a str, not {type(value).__name__}")
    return str.__str__(value)  # a StrEnum member is stored as its plain value


def _opt_str(value: object, field: str) -> str | None:
    return None if value is None else _str(value, field)


def _strs(values: Iterable[object], field: str, *, ordered: bool = True) -> list[str]:
    # A lone str would become a list of its letters; a set would be saved in a random order.
    if isinstance(values, str) or (ordered and not isinstance(values, Sequence)):
        raise TypeError(f"{field} must be a list or tuple of str, not {type(values).__name__}")
    return [_str(value, f"{field}[{i}]") for i, value in enumerate(values)]


def _id(value: object, field: str) -> str:
    text = _str(value, field)
    if not text:
        raise ValueError(f"{field} must not be empty")
    return text


def _choice(value: object, field: str, allowed: tuple[str, ...]) -> str:
    text = _str(value, field)
    if text not in allowed:
        raise ValueError(f"{field} must be one of {', '.join(allowed)}, not {text!r}")
    return text


def _anchor_record(anchor: object) -> dict[str, Any]:
    if not isinstance(anchor, Anchor):
        raise TypeError(f"anchor must be an Anchor, not {type(anchor).__name__}")
    if isinstance(anchor.line, bool) or not isinstance(anchor.line, int):
        raise TypeError(f"anchor.line must be an int, not {type(anchor.line).__name__}")
    return {
        "note": _str(anchor.note, "anchor.note"),
        "line": int(anchor.line),
        "quote": _str(anchor.quote, "anchor.quote"),
        "prefix": _str(anchor.prefix, "anchor.prefix"),
        "suffix": _str(anchor.suffix, "anchor.suffix"),
    }


def _placement(
    target: object,
    target_id: object,
    title: object,
    titles: Sequence[object],
    event_title: object,
    event_date: object,
    anchor: object,
) -> dict[str, Any]:
    """The record fields saying what an annotation is attached to."""
    target = _choice(target, "target", ANNOTATION_TARGETS)
    if (target == "passage") != (anchor is not None):
        raise ValueError("a passage annotation needs an anchor; a talk or event one has none")
    return {
        "target": target,
        "target_id": _id(target_id, "target_id"),
        "title": _str(title, "title"),
        "titles": _strs(titles, "titles"),
        "event_title": _str(event_title, "event_title"),
        "event_date": _opt_str(event_date, "event_date"),
        "anchor": None if anchor is None else _anchor_record(anchor),
    }


def _tag_input(tags: Iterable[object]) -> set[str]:
    normalized = {normalize_tag(tag) for tag in _strs(tags, "tags", ordered=False)}
    normalized.discard("")
    return normalized


# -- reading records from the file (ValueError naming the problem) ------------------------


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def _read(doc: Mapping[str, Any], key: str, want: str, default: Any = _MISSING) -> Any:
    """doc[key], checked against `want`: "str", "str?", "int" or "strs"."""
    value = doc.get(key, _MISSING)
    if value is _MISSING:
        if default is _MISSING:
            raise ValueError(f'has no "{key}"')
        return default
    if want == "str":
        ok = isinstance(value, str)
    elif want == "str?":
        ok = value is None or isinstance(value, str)
    elif want == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    if not ok:
        wanted = {"str": "text", "str?": "text or null", "int": "a whole number"}
        expected = wanted.get(want, "a list of text")
        raise ValueError(f'has "{key}" as {_json_type(value)}, not {expected}')
    return value


def _annotation_from(doc: Mapping[str, Any]) -> Annotation:
    target = _read(doc, "target", "str")
    if target not in ANNOTATION_TARGETS:
        raise ValueError(f'has "target" {json.dumps(target)}, not talk, event or passage')
    raw_anchor = doc.get("anchor")
    anchor = None
    if raw_anchor is not None:
        if not isinstance(raw_anchor, dict):
            raise ValueError(f'has "anchor" as {_json_type(raw_anchor)}, not an object')
        try:
            anchor = Anchor(
                note=_read(raw_anchor, "note", "str"),
                line=_read(raw_anchor, "line", "int"),
                quote=_read(raw_anchor, "quote", "str"),
                prefix=_read(raw_anchor, "prefix", "str", ""),
                suffix=_read(raw_anchor, "suffix", "str", ""),
            )
        except ValueError as error:
            raise ValueError(f"{error} in its anchor") from None
    if (target == "passage") != (anchor is not None):
        raise ValueError(
            "is a passage annotation without an anchor"
            if anchor is None
            else f"is a {target} annotation with an anchor (only passages have one)"
        )
    uid = _read(doc, "uid", "str")
    if not uid:
        raise ValueError('has an empty "uid"')
    return Annotation(
        uid=uid,
        target=target,
        target_id=_read(doc, "target_id", "str"),
        text=_read(doc, "text", "str"),
        created=_read(doc, "created", "str"),
        updated=_read(doc, "updated", "str"),
        title=_read(doc, "title", "str", ""),
        titles=tuple(_read(doc, "titles", "strs", [])),
        event_title=_read(doc, "event_title", "str", ""),
        event_date=_read(doc, "event_date", "str?", None),
        anchor=anchor,
    )


def _tagset_from(doc: Mapping[str, Any]) -> TagSet:
    target = _read(doc, "target", "str")
    if target not in TAG_TARGETS:
        raise ValueError(f'has "target" {json.dumps(target)}, not talk or event')
    target_id = _read(doc, "target_id", "str")
    if not target_id:
        raise ValueError('has an empty "target_id"')
    tags = {normalize_tag(tag) for tag in _read(doc, "tags", "strs")}  # hand edits, too
    tags.discard("")
    return TagSet(
        target=target,
        target_id=target_id,
        tags=tuple(sorted(tags)),
        title=_read(doc, "title", "str", ""),
        event_title=_read(doc, "event_title", "str", ""),
    )


# -- schema, migrations, validation ---------------------------------------------------------


def _schema_of(data: Tables, path: Path) -> int | None:
    for doc in data.get(_META, {}).values():
        if "schema" in doc:
            version = doc["schema"]
            if isinstance(version, bool) or not isinstance(version, int) or version < 0:
                raise BadStore(f"{describe(path)} has an invalid schema version ({version!r})")
            return version
    return None


def _set_schema(data: Tables, version: int) -> None:
    meta = dict(data.get(_META) or {})
    for doc_id in sorted(meta, key=int):
        if "schema" in meta[doc_id]:
            meta[doc_id] = {**meta[doc_id], "schema": version}
            break
    else:
        meta[str(max(map(int, meta), default=0) + 1)] = {"schema": version}
    data[_META] = meta


def _migrate(data: Tables, path: Path) -> Tables:
    found = _schema_of(data, path)
    if found is None:
        if any(data.values()):
            raise BadStore(f"{describe(path)} records no schema version (no meta table)")
        return data  # a blank store; the first save stamps it
    if found > SCHEMA_VERSION:
        raise BadStore(
            f"{describe(path)} has schema {found}, newer than this notetui understands "
            f"({SCHEMA_VERSION}): upgrade notetui to use it"
        )
    for version in range(found, SCHEMA_VERSION):
        step = MIGRATIONS.get(version)
        if step is None:
            raise BadStore(f"{describe(path)} has schema {version} and no migration from it")
        try:
            migrated = step(data)
        except Exception as error:  # a migration bug must not become a traceback
            raise BadStore(
                f"{describe(path)} could not be migrated from schema {version} "
                f"({type(error).__name__}: {error})"
            ) from error
        data = dict(migrated)
        _set_schema(data, version + 1)
    return data


def _problems(data: Tables, path: Path) -> list[str]:
    """Every record that is not what the store writes, one line each."""
    problems: list[str] = []
    owner: dict[str, str] = {}  # uid -> where it was seen first

    def note(table: str, doc_id: str, problem: str) -> None:
        problems.append(f'{describe(path)}: record {doc_id} in "{table}" {problem}')

    for table in (_ANNOTATIONS, _TRASH):
        for doc_id, doc in data.get(table, {}).items():
            try:
                uid = _annotation_from(doc).uid
                if table == _TRASH:
                    _read(doc, "deleted", "str")
            except ValueError as error:
                note(table, doc_id, str(error))
                continue
            where = f'record {doc_id} in "{table}"'
            if uid in owner:
                note(table, doc_id, f"has the same uid as {owner[uid]} ({uid})")
            else:
                owner[uid] = where
    for doc_id, doc in data.get(_TAGS, {}).items():
        try:
            _tagset_from(doc)
        except ValueError as error:
            note(_TAGS, doc_id, str(error))
    return problems


def _prepare(path: Path, data: Tables) -> Tables:
    """What the storage runs on every load: migrate, then refuse anything malformed."""
    data = _migrate(data, path)
    problems = _problems(data, path)
    if problems:
        more = len(problems) - 1
        hint = f" (and {more} more; run `notetui db check`)" if more else ""
        raise BadStore(problems[0] + hint)
    return data


def check_store(path: Path) -> list[str]:
    """The store's problems, one line each; an empty list means healthy (or absent)."""
    path = Path(path)
    try:
        raw = read_bytes(path)
        if raw is None:
            return []
        data = _migrate(parse_store(raw, path), path)
    except BadStore as error:
        return [str(error)]
    return _problems(data, path)


def copy_aside(path: Path) -> Path:
    """Copy a bad store to `<name>.corrupt-YYYYmmdd-HHMMSS` beside it (UTC); the original
    stays where it is, untouched."""
    path = Path(path)
    base = f"{path.name}.corrupt-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}"
    for attempt in range(1, 1000):
        target = path.with_name(base if attempt == 1 else f"{base}-{attempt}")
        try:
            with path.open("rb") as source, target.open("xb") as copy:
                shutil.copyfileobj(source, copy)
        except FileExistsError:
            continue
        except OSError as error:
            raise StoreError(
                f"could not copy {describe(path)} aside ({error.strerror or error})"
            ) from None
        with contextlib.suppress(OSError):
            shutil.copystat(path, target)
        return target
    raise StoreError(f"could not copy {describe(path)} aside (too many copies already)")


# -- the store -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _FieldIs:
    """A TinyDB condition doc[key] == value, without Query's per-document overhead."""

    key: str
    value: str

    def __call__(self, value: Mapping[str, Any]) -> bool:
        return bool(value.get(self.key) == self.value)


class _Table(Table):
    """A TinyDB table that can replace a document whole.

    Table.update edits the stored dict in place; the store treats documents as
    immutable (its caches are keyed by identity), so it swaps in a new one instead.
    """

    def replace(self, doc_id: int, record: Mapping[str, Any]) -> None:
        def swap(table: dict[int, Mapping[str, Any]]) -> None:
            if doc_id not in table:
                raise KeyError(doc_id)
            table[doc_id] = dict(record)

        self._update_table(swap)


class Store:
    """Annotations and tags in the TinyDB file at `path`.

    Every write takes the file lock, re-reads the file if another process changed
    it, applies the change and saves atomically. Reads use the in-memory copy after
    a stat check. Safe to share between threads.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # Through a symlink (a store kept in a dotfiles repo), save to the file it points
        # at: renaming over the link itself would quietly split the data in two.
        target = self.path.resolve() if self.path.is_symlink() else self.path
        self._mutex = threading.RLock()
        self._lock = FileLock(
            target.with_name(target.name + ".lock"),
            timeout=LOCK_TIMEOUT,
            thread_local=False,  # self._mutex already serialises this object's threads
            poll_interval=0.002,
        )
        self._storage = AtomicJSONStorage(target, prepare=partial(_prepare, target))
        self._parsed: dict[int, tuple[dict[str, Any], Annotation]] = {}
        self._by_uid: dict[str, Annotation] = {}
        self._sorted: list[Annotation] = []
        self._annotations_seen = -1
        self._tags: dict[str, TagSet] = {}
        self._tags_seen = -1
        self._tables: dict[str, _Table] = {}
        self._tables_loads = -1
        self._remove_stale_temps()
        self._storage.refresh()

    def close(self) -> None:
        with self._mutex:
            self._storage.close()

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

    # -- plumbing --

    def _remove_stale_temps(self) -> None:
        if not stale_temp_files(self._storage.path):
            return
        try:
            self._lock.acquire(timeout=0)
        except (Timeout, OSError):
            return  # a save in progress owns its temp file; a later open cleans up
        try:
            for tmp in stale_temp_files(self._storage.path):  # listed again: no save can run now
                with contextlib.suppress(OSError):
                    tmp.unlink(missing_ok=True)
        finally:
            self._lock.release()

    def _table(self, name: str) -> _Table:
        # TinyDB keeps a next-id counter (and a query cache, disabled here) per Table
        # object. Both describe the tables as last read, so the Table objects are
        # re-opened whenever the file is re-read or a save fails.
        if self._tables_loads != self._storage.loads:
            self._tables = {}
            self._tables_loads = self._storage.loads
        table = self._tables.get(name)
        if table is None:
            table = self._tables[name] = _Table(self._storage, name, cache_size=0)
        return table

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Lock, re-read if changed, collect the operation's writes, save them once."""
        with self._mutex:
            try:
                self._storage.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(
                    f"cannot create the folder for {describe(self.path)} "
                    f"({error.strerror or error})"
                ) from None
            try:
                self._lock.acquire()
            except Timeout:
                raise StoreError(
                    f"{describe(self.path)} is locked by another notetui "
                    f"(waited {LOCK_TIMEOUT:g} s for {self._lock.lock_file}); try again"
                ) from None
            except OSError as error:
                raise StoreError(
                    f"cannot lock {describe(self.path)} ({error.strerror or error})"
                ) from None
            try:
                self._storage.refresh()
                with self._storage.batch():
                    yield
                    if self._storage.has_pending and _schema_of(self._raw(), self.path) is None:
                        self._table(_META).insert({"schema": SCHEMA_VERSION})
            except BaseException:
                self._tables = {}  # re-opened, their next-id counters match the file again
                raise
            finally:
                self._lock.release()

    def _raw(self, name: str | None = None) -> Any:
        tables = self._storage.read()
        return tables if name is None else tables.get(name, {})

    def _annotation_index(self) -> dict[str, Annotation]:
        generation = self._storage.generation
        if self._annotations_seen != generation:
            # Documents are never edited in place, so one parsed per document object
            # stays valid; only new or replaced records are parsed again.
            parsed: dict[int, tuple[dict[str, Any], Annotation]] = {}
            for doc in self._raw(_ANNOTATIONS).values():
                hit = self._parsed.get(id(doc))
                if hit is None or hit[0] is not doc:
                    hit = (doc, _annotation_from(doc))
                parsed[id(doc)] = hit
            self._parsed = parsed
            self._by_uid = {annotation.uid: annotation for _, annotation in parsed.values()}
            self._sorted = sorted(self._by_uid.values(), key=_BY_CREATED)
            self._annotations_seen = generation
        return self._by_uid

    def _tag_index(self) -> dict[str, TagSet]:
        generation = self._storage.generation
        if self._tags_seen != generation:
            raw = self._raw(_TAGS)
            index: dict[str, TagSet] = {}
            for doc_id in sorted(raw, key=int):
                tag_set = _tagset_from(raw[doc_id])
                known = index.get(tag_set.target_id)
                if known is not None:  # two records for one target (a hand merge): union
                    merged = tuple(sorted({*known.tags, *tag_set.tags}))
                    tag_set = TagSet(
                        known.target, known.target_id, merged, known.title, known.event_title
                    )
                index[tag_set.target_id] = tag_set
            self._tags = index
            self._tags_seen = generation
        return self._tags

    def reload_if_changed(self) -> bool:
        """Cheap stat check; True if the file changed on disk and was re-read."""
        with self._mutex:
            return self._storage.refresh()

    # -- annotations --

    def annotations(self) -> list[Annotation]:
        """All annotations, oldest first (by `created`, then `uid`)."""
        with self._mutex:
            self._storage.refresh()
            self._annotation_index()
            return list(self._sorted)

    def annotation(self, uid: str) -> Annotation | None:
        with self._mutex:
            self._storage.refresh()
            return self._annotation_index().get(uid)

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
    ) -> Annotation:
        now = now_iso()
        record = {
            "uid": new_uid(),
            **_placement(target, target_id, title, titles, event_title, event_date, anchor),
            "text": _str(text, "text"),
            "created": now,
            "updated": now,
        }
        with self._writing():
            self._table(_ANNOTATIONS).insert(record)
        return _annotation_from(record)

    def update_annotation(self, uid: str, text: str) -> Annotation:
        """Replace the text and bump `updated`. KeyError if no such annotation."""
        text = _str(text, "text")
        with self._writing():
            table = self._table(_ANNOTATIONS)
            doc = table.get(cond=_FieldIs("uid", uid))
            if doc is None:
                raise KeyError(uid)
            if doc.get("text") == text:
                return _annotation_from(doc)
            record = {**doc, "text": text, "updated": now_iso()}
            table.replace(doc.doc_id, record)
        return _annotation_from(record)

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
    ) -> Annotation:
        """Re-attach an annotation (an orphan to another talk, or re-anchored after
        edits); its text and `created` stay. KeyError if no such annotation."""
        fields = _placement(target, target_id, title, titles, event_title, event_date, anchor)
        with self._writing():
            table = self._table(_ANNOTATIONS)
            doc = table.get(cond=_FieldIs("uid", uid))
            if doc is None:
                raise KeyError(uid)
            record = {**doc, **fields, "updated": now_iso()}
            table.replace(doc.doc_id, record)
        return _annotation_from(record)

    def delete_annotation(self, uid: str) -> Annotation:
        """Move an annotation to the trash. KeyError if no such annotation."""
        with self._writing():
            table = self._table(_ANNOTATIONS)
            doc = table.get(cond=_FieldIs("uid", uid))
            if doc is None:
                raise KeyError(uid)
            table.remove(doc_ids=[doc.doc_id])
            self._table(_TRASH).insert({**doc, "deleted": now_iso()})
        return _annotation_from(doc)

    def undo_delete(self) -> Annotation | None:
        """Restore the newest annotation in the trash (whichever process deleted it)."""
        with self._writing():
            trash = self._table(_TRASH)
            raw = self._raw(_TRASH)
            if not raw:
                return None
            # Trash ids only grow on insert, so the highest is the latest deletion.
            doc_id = max(map(int, raw))
            doc = trash.get(doc_id=doc_id)
            assert doc is not None
            trash.remove(doc_ids=[doc_id])
            record = {key: value for key, value in doc.items() if key != "deleted"}
            self._table(_ANNOTATIONS).insert(record)
        return _annotation_from(record)

    # -- tags --

    def tag_sets(self) -> list[TagSet]:
        with self._mutex:
            self._storage.refresh()
            return sorted(self._tag_index().values(), key=lambda t: (t.target, t.target_id))

    def tags_of(self, target_id: str) -> tuple[str, ...]:
        with self._mutex:
            self._storage.refresh()
            tag_set = self._tag_index().get(target_id)
            return () if tag_set is None else tag_set.tags

    def tag_counts(self) -> dict[str, int]:
        """Tag -> number of talks and events carrying it, by tag name."""
        with self._mutex:
            self._storage.refresh()
            counts = Counter(tag for ts in self._tag_index().values() for tag in ts.tags)
            return dict(sorted(counts.items()))

    def set_tags(
        self,
        *,
        target: str,
        target_id: str,
        tags: Iterable[str],
        title: str = "",
        event_title: str = "",
    ) -> TagSet:
        """Make these the target's tags (normalised); none left removes its record."""
        wanted = _tag_input(tags)
        return self._change_tags(target, target_id, title, event_title, lambda _: wanted)

    def add_tags(
        self,
        *,
        target: str,
        target_id: str,
        tags: Iterable[str],
        title: str = "",
        event_title: str = "",
    ) -> TagSet:
        added = _tag_input(tags)
        return self._change_tags(target, target_id, title, event_title, lambda now: now | added)

    def remove_tags(
        self,
        *,
        target: str,
        target_id: str,
        tags: Iterable[str],
        title: str = "",
        event_title: str = "",
    ) -> TagSet:
        gone = _tag_input(tags)
        return self._change_tags(target, target_id, title, event_title, lambda now: now - gone)

    def _change_tags(
        self,
        target: str,
        target_id: str,
        title: str,
        event_title: str,
        change: Callable[[set[str]], set[str]],
    ) -> TagSet:
        fields = {
            "target": _choice(target, "target", TAG_TARGETS),
            "target_id": _id(target_id, "target_id"),
            "title": _str(title, "title"),
            "event_title": _str(event_title, "event_title"),
        }
        with self._writing():
            table = self._table(_TAGS)
            docs = table.search(_FieldIs("target_id", fields["target_id"]))
            current = {tag for doc in docs for tag in _tagset_from(doc).tags}
            tags = sorted(change(current))
            record = self._tag_record(docs, fields, tags)
            if len(docs) == 1 and record == docs[0]:
                return _tagset_from(record)  # unchanged: no save
            if docs:
                table.remove(doc_ids=[doc.doc_id for doc in docs])
            if tags:
                table.insert(Document(record, docs[0].doc_id) if docs else record)
        if tags:
            return _tagset_from(record)
        return TagSet(
            fields["target"], fields["target_id"], (), record["title"], record["event_title"]
        )

    @staticmethod
    def _tag_record(
        docs: Sequence[Document], fields: dict[str, str], tags: list[str]
    ) -> dict[str, Any]:
        # Empty titles keep what the record had: callers often only know the id.
        base: dict[str, Any] = dict(docs[0]) if docs else {}
        record = {**base, **fields, "tags": tags}
        for key in ("title", "event_title"):
            if not fields[key]:
                record[key] = base.get(key, "")
        return record

    def retarget_tags(
        self,
        old_target_id: str,
        *,
        target: str,
        target_id: str,
        title: str,
        event_title: str = "",
    ) -> None:
        """Move a target's tags to another target, merging with the tags it has."""
        fields = {
            "target": _choice(target, "target", TAG_TARGETS),
            "target_id": _id(target_id, "target_id"),
            "title": _str(title, "title"),
            "event_title": _str(event_title, "event_title"),
        }
        old_target_id = _str(old_target_id, "old_target_id")
        with self._writing():
            table = self._table(_TAGS)
            old = table.search(_FieldIs("target_id", old_target_id))
            if not old:
                return
            new = (
                [] if target_id == old_target_id else table.search(_FieldIs("target_id", target_id))
            )
            docs = new + old  # the new target's record (and id) is the base
            tags = sorted({tag for doc in docs for tag in _tagset_from(doc).tags})
            record = self._tag_record(docs, fields, tags)
            table.remove(doc_ids=[doc.doc_id for doc in docs])
            if tags:
                table.insert(Document(record, docs[0].doc_id))
