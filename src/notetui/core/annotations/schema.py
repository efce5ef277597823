"""The store's schema version, its migrations, and checking a store without opening it.

Schema 2 (this notetui) adds, all optional, so every schema-1 record stays valid:
- the journal beside the main file (`journal.py`): an older notetui would not read it,
  so a store is stamped 2 before its first journal line is written, and older
  versions then refuse it instead of missing the journal's changes;
- `rev` on annotations, bumped on every text change (edits carry the one they started
  from, so a concurrent edit is a conflict, not an overwrite);
- `root` on annotations and tag sets: the notes folder they were made in. Records
  from before have none and belong to every folder: which folder they were made in
  was never written down, and guessing would hide them, so the migration leaves them
  as they are.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from notetui.core.annotations.errors import BadStore, StoreError
from notetui.core.annotations.journal import Journal, journal_path
from notetui.core.annotations.storage import Tables, describe, parse_store, read_bytes
from notetui.core.annotations.tables import StoreData

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "StoreSummary",
    "check_store",
    "copy_aside",
    "migrate",
    "schema_of",
    "set_schema",
    "summarize_store",
]

SCHEMA_VERSION = 2

META = "meta"


def _to_2(data: dict[str, Any]) -> dict[str, Any]:
    return data  # only new, optional fields: see the module's docstring


# MIGRATIONS[n] turns a whole store of schema n ({table: {doc id: record}}) into
# schema n + 1. They run in memory on open; the next rewrite of the main file writes
# the result. The store sets the version number in "meta" itself.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _to_2}


def schema_of(data: Tables, path: Path) -> int | None:
    for doc in data.get(META, {}).values():
        if "schema" in doc:
            version = doc["schema"]
            if isinstance(version, bool) or not isinstance(version, int) or version < 0:
                raise BadStore(f"{describe(path)} has an invalid schema version ({version!r})")
            return version
    return None


def set_schema(data: Tables, version: int) -> None:
    meta = dict(data.get(META) or {})
    for doc_id in sorted(meta, key=int):
        if "schema" in meta[doc_id]:
            meta[doc_id] = {**meta[doc_id], "schema": version}
            break
    else:
        meta[str(max(map(int, meta), default=0) + 1)] = {"schema": version}
    data[META] = meta


def migrate(data: Tables, path: Path) -> Tables:
    found = schema_of(data, path)
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
        set_schema(data, version + 1)
    return data


@dataclass(frozen=True, slots=True)
class StoreSummary:
    """What `notetui db check` says about a store: its problems, or what it holds."""

    problems: tuple[str, ...]
    exists: bool = False
    annotations: int = 0
    tag_sets: int = 0
    trash: int = 0
    journal_entries: int = 0  # changes not yet folded into the main file


def summarize_store(path: Path) -> StoreSummary:
    """Read a store and its journal without changing either (no lock, no write)."""
    path = Path(path)
    journal = Journal(journal_path(path))
    try:
        raw = read_bytes(path)
        data = migrate({} if raw is None else parse_store(raw, path), path)
        store = StoreData.build(data, path)
        entries = [] if store.problems else journal.read_all()
    except BadStore as error:
        return StoreSummary((str(error),))
    except OSError as error:
        return StoreSummary((f"journal {journal.path} cannot be read ({error.strerror or error})",))
    finally:
        journal.close()
    if store.problems:
        return StoreSummary(tuple(store.problems))
    try:
        for entry in entries:
            store.replay(entry, journal.path)
    except BadStore as error:
        return StoreSummary((str(error),))
    return StoreSummary(
        (),
        exists=raw is not None or bool(entries),
        annotations=len(store.annotations),
        tag_sets=store.tag_record_count,
        trash=len(store.trash),
        journal_entries=len(entries),
    )


def check_store(path: Path) -> list[str]:
    """The store's problems, one line each; an empty list means healthy (or absent)."""
    return list(summarize_store(path).problems)


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
