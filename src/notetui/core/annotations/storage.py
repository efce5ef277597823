"""The annotation store's file: a crash-safe, diff-friendly TinyDB storage.

TinyDB's JSONStorage rewrites the file in place, so a kill mid-write leaves half a
file. This storage writes a temp file beside the store, fsyncs it, renames it over
the store and fsyncs the folder: at any instant the path holds either the old file
or the new one, whole.

The layout is one record per line inside an indented outer object, so `git diff`
shows one line per changed record, and each record is encoded by the C encoder and
cached (the pure-Python encoder behind `indent=` is far too slow for 10,000 records).

Documents are treated as immutable: the store replaces a document, never edits it
in place, which lets the caches here be keyed by object identity. The encoder still
compares each cached document with a copy of what it encoded, so an in-place edit
costs a re-encode, never a stale line on disk.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, cast

from tinydb.storages import Storage

Tables = dict[str, dict[str, Any]]
# (mtime, size, inode, device) of the file last read or written; None if there was none.
Signature = tuple[int, int, int, int]

_POSIX = os.name == "posix"
_O_BINARY: int = getattr(os, "O_BINARY", 0)
_DOC_ID = re.compile(r"0|[1-9][0-9]*")
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, allow_nan=False)
_READ_CHUNK = 1 << 20

# A document as last saved: the object itself, a deep copy of it, and its line.
_Line = tuple[dict[str, Any], dict[str, Any], bytes]


class StoreError(Exception):
    """One-line, user-facing message."""

    def __init__(self, message: str) -> None:
        # Paths and decoder messages could carry a newline; the message must stay one line.
        super().__init__(re.sub(r"[\r\n]+", " ", message))


class BadStore(Exception):
    """What is wrong with a store file, as one line without advice (for `db check`)."""


def describe(path: Path) -> str:
    return f"annotations store {path}"


def temp_pattern(path: Path) -> re.Pattern[str]:
    """Names of this store's temp files, and nothing else, in its folder."""
    return re.compile(re.escape(f".{path.name}.") + r"[0-9a-f]{8}\.tmp")


def stale_temp_files(path: Path) -> list[Path]:
    pattern = temp_pattern(path)
    try:
        return sorted(p for p in path.parent.iterdir() if pattern.fullmatch(p.name))
    except OSError:  # no folder yet, or unreadable: nothing of ours can be there
        return []


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None if it does not exist. Raises BadStore if unreadable."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise BadStore(f"{describe(path)} is a folder, not a file") from None
    except OSError as error:
        raise BadStore(f"{describe(path)} cannot be read ({error.strerror or error})") from None


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool) or value is None:
        return f"`{json.dumps(value)}`"
    if isinstance(value, int | float):
        return "a number"
    return "an object"


class _Ambiguous(ValueError):
    """Parses, but not into something the store can keep faithfully."""


def _reject_constant(name: str) -> Any:
    raise _Ambiguous(f"{name} is not allowed in JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last of two equal keys: after a botched merge that would
    # silently drop a record on the next save.
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Ambiguous(f'the key "{key}" appears twice in one object')
            seen.add(key)
    return result


def parse_store(raw: bytes, path: Path) -> Tables:
    """Decode and check a store file's structure: tables of numbered records."""
    name = describe(path)
    try:
        text = raw.decode("utf-8-sig")  # tolerate the BOM some editors add
    except UnicodeDecodeError as error:
        byte = raw[error.start]
        raise BadStore(
            f"{name} is not UTF-8 text (byte 0x{byte:02x} at offset {error.start})"
        ) from None
    if not text.strip():
        return {}  # an empty file is an empty store, as in TinyDB
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise BadStore(
            f"{name} is not valid JSON ({error.msg}, line {error.lineno}, column {error.colno})"
        ) from None
    except _Ambiguous as error:
        raise BadStore(f"{name} cannot be read safely ({error})") from None
    except RecursionError:
        raise BadStore(f"{name} is not a notetui store (it is nested too deeply)") from None
    if not isinstance(data, dict):
        raise BadStore(
            f"{name} is not a notetui store (it holds {_json_kind(data)}, not an object)"
        )
    for table_name, table in data.items():
        if not isinstance(table, dict):
            raise BadStore(f'{name}: table "{table_name}" is {_json_kind(table)}, not an object')
        for doc_id, doc in table.items():
            if not _DOC_ID.fullmatch(doc_id):
                raise BadStore(f'{name}: table "{table_name}" has a record numbered "{doc_id}"')
            if not isinstance(doc, dict):
                raise BadStore(
                    f'{name}: record {doc_id} of "{table_name}" is {_json_kind(doc)}, not an object'
                )
    return data


def plain_copy(value: Any, where: str) -> Any:
    """A deep copy of `value` if it is plain JSON; TypeError naming the culprit if not."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError(f"{where} is {value!r}; only finite numbers can be stored")
        return value
    if isinstance(value, dict):
        copied: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(
                    f"{where} has a {type(key).__name__} key; only str keys can be stored"
                )
            copied[key] = plain_copy(item, f"{where}.{key}")
        return copied
    if isinstance(value, list):
        return [plain_copy(item, f"{where}[{i}]") for i, item in enumerate(value)]
    raise TypeError(f"{where} is a {type(value).__name__}; only plain JSON values can be stored")


class AtomicJSONStorage(Storage):
    """TinyDB storage: in-memory tables, saved whole by atomic replace.

    `refresh()` re-reads the file when its stat signature changed; `batch()` turns
    the several writes of one store operation into one save.
    """

    def __init__(self, path: Path, prepare: Callable[[Tables], Tables] | None = None) -> None:
        super().__init__()
        self.path = path
        self.generation = 0  # bumped whenever the tables change, for the store's views
        self.loads = 0  # bumped whenever the tables are (re-)read from disk
        self._prepare = prepare
        self._data: Tables | None = None
        self._signature: Signature | None = None
        self._mode: int | None = None  # permission bits of the file, kept across saves
        # POSIX: an fd on the file last seen, so its inode number cannot be reused
        # by a later save and fool the signature check.
        self._pin: int | None = None
        self._batching = False
        self._pending: Tables | None = None
        self._lines: dict[str, dict[str, _Line]] = {}  # table -> doc id -> encoded line

    # -- tinydb.Storage ------------------------------------------------------------

    def read(self) -> Tables:
        if self._pending is not None:
            return dict(self._pending)
        if self._data is None:
            self._load()
        assert self._data is not None
        return dict(self._data)  # TinyDB swaps whole tables in this dict; ours stays intact

    def write(self, data: Tables) -> None:
        if self._batching:
            self._pending = data
        else:
            self._save(data)

    def close(self) -> None:
        self._unpin()

    # -- change detection ------------------------------------------------------------

    def _stat(self) -> Signature | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise StoreError(
                f"{describe(self.path)} cannot be read ({error.strerror or error})"
            ) from None
        return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_dev)

    def refresh(self) -> bool:
        """Re-read the file if it changed on disk since we last read or wrote it."""
        if self._data is not None and self._stat() == self._signature:
            return False
        self._load()
        return True

    def _load(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDONLY | _O_BINARY)
        except FileNotFoundError:
            self._install(self._prepared({}), None, None)
            return
        except OSError as error:
            raise StoreError(
                f"{describe(self.path)} cannot be read ({error.strerror or error}); "
                "it was left untouched"
            ) from None
        try:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                raise BadStore(f"{describe(self.path)} is a folder, not a file")
            chunks = []
            while chunk := os.read(fd, _READ_CHUNK):
                chunks.append(chunk)
            data = self._prepared(parse_store(b"".join(chunks), self.path))
        except BadStore as error:
            os.close(fd)
            raise StoreError(f"{error}; it was left untouched") from None
        except OSError as error:
            os.close(fd)
            raise StoreError(
                f"{describe(self.path)} cannot be read ({error.strerror or error}); "
                "it was left untouched"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        signature = (st.st_mtime_ns, st.st_size, st.st_ino, st.st_dev)
        self._install(data, signature, stat.S_IMODE(st.st_mode))
        self._repin(fd)

    def _prepared(self, data: Tables) -> Tables:
        try:
            return self._prepare(data) if self._prepare is not None else data
        except BadStore as error:
            raise StoreError(f"{error}; it was left untouched") from None

    def _install(self, data: Tables, signature: Signature | None, mode: int | None) -> None:
        self._data = data
        self._signature = signature
        self._mode = mode
        self.generation += 1
        self.loads += 1
        if signature is None:
            self._unpin()

    def _repin(self, fd: int) -> None:
        self._unpin()
        if _POSIX:
            self._pin = fd
        else:  # Windows cannot rename over an open file: no pin, the signature must do
            os.close(fd)

    def _unpin(self) -> None:
        if self._pin is not None:
            os.close(self._pin)
            self._pin = None

    # -- saving ----------------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Save all TinyDB writes made inside as one file write, or none on error."""
        self._batching = True
        self._pending = None
        try:
            yield
            if self._pending is not None:
                self._save(self._pending)
        finally:
            self._batching = False
            self._pending = None

    @property
    def has_pending(self) -> bool:
        return self._pending is not None

    def _save(self, data: Tables) -> None:
        payload = self.encode(data)  # TypeError here leaves the file untouched
        self._replace_file(payload)
        self._data = data
        self.generation += 1
        self._sync_folder()

    def encode(self, data: Tables) -> list[bytes]:
        """The file's bytes, in pieces: sorted tables, one compact record per line."""
        fresh: dict[str, dict[str, _Line]] = {}
        parts = [b"{\n"]
        names = sorted(data)
        for position, name in enumerate(names):
            table = data[name]
            head = b"  " + json.dumps(name, ensure_ascii=False).encode() + b": {"
            if table:
                rows = self._encode_table(name, table, fresh)
                parts += [head, b"\n", b",\n".join(rows), b"\n  }"]
            else:
                parts.append(head + b"}")
            parts.append(b",\n" if position < len(names) - 1 else b"\n")
        parts.append(b"}\n")
        self._lines = fresh  # entries are checked against content, so valid even if the save fails
        return parts  # written piece by piece: joining would copy megabytes once more

    def _encode_table(
        self, name: str, table: dict[str, Any], fresh: dict[str, dict[str, _Line]]
    ) -> list[bytes]:
        # Comprehensions, not a loop: this runs over every record on every save.
        order = sorted(table, key=int)
        docs = [table[doc_id] for doc_id in order]
        cached = self._lines.get(name, {}).get
        hits = [cached(doc_id) for doc_id in order]
        stale = [
            i
            for i, hit, doc in zip(range(len(docs)), hits, docs, strict=True)
            if hit is None or hit[0] is not doc or hit[1] != doc
        ]
        for i in stale:
            copy = plain_copy(docs[i], f"{name} record {order[i]}")
            line = f'    "{order[i]}": {_ENCODER.encode(copy)}'.encode()
            hits[i] = (docs[i], copy, line)
        lines = cast(list[_Line], hits)  # every None was replaced above
        fresh[name] = dict(zip(order, lines, strict=True))
        return [line[2] for line in lines]

    def _replace_file(self, payload: list[bytes]) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o666)
            try:
                if _POSIX and self._mode is not None:
                    os.fchmod(fd, self._mode)  # a user's chmod 600 must survive a save
                for piece in payload:
                    view = memoryview(piece)
                    while view:
                        view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            tmp.replace(self.path)
        except OSError as error:
            with suppress(OSError):
                tmp.unlink(missing_ok=True)
            raise StoreError(
                f"could not save {describe(self.path)} ({error.strerror or error}); "
                "the previous version was kept"
            ) from None
        # Under the store's lock nobody else can replace the file before we pin it.
        try:
            fd = os.open(self.path, os.O_RDONLY | _O_BINARY)
        except OSError:
            self._signature = None  # forces a re-read next time: safe, just slower
            self._unpin()
            return
        st = os.fstat(fd)  # cannot fail on an fd we just opened
        self._signature = (st.st_mtime_ns, st.st_size, st.st_ino, st.st_dev)
        self._mode = stat.S_IMODE(st.st_mode)
        self._repin(fd)

    def _sync_folder(self) -> None:
        # Makes the rename itself durable; Windows has no directory fds.
        if not _POSIX:
            return
        try:
            fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as error:
            if error.errno == errno.EINVAL:  # this filesystem cannot sync folders
                return
            raise StoreError(
                f"{describe(self.path)} was saved, but its folder could not be synced "
                f"({error.strerror or error}); the change may not survive a power cut"
            ) from None
