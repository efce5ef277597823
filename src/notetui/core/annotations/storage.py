"""The annotation store's main file: TinyDB's layout, crash-safe and diff-friendly.

The file is what TinyDB itself reads and writes, `{table: {doc id: record}}`, laid out
one record per line inside an indented outer object, keys sorted and Japanese kept,
so `git diff` shows one line per changed record. It is only ever replaced whole, by
`core.atomic.atomic_write`: at any instant the path holds the old file or the new one.

Names of notes that are not UTF-8 reach the store as surrogateescape'd text; they are
written as JSON `\\udcXX` escapes, which read back as the same text, so the name
survives the round trip byte for byte.
"""

from __future__ import annotations

import contextlib
import gc
import json
import math
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from notetui.core.annotations.errors import BadStore, StoreError

__all__ = [
    "BadStore",
    "StoreError",
    "Tables",
    "describe",
    "encode_record",
    "encode_tables",
    "parse_store",
    "paused_gc",
    "plain_copy",
    "read_bytes",
]

Tables = dict[str, dict[str, Any]]

_DOC_ID = re.compile(r"0|[1-9][0-9]*")
# A numbered record opening, `"12": {`. Inside a JSON string a quote is always escaped,
# so this only matches structure: records, or objects nested under numbered keys.
_RECORD_OPENING = re.compile(r'"(?:0|[1-9][0-9]*)"\s*:\s*\{')
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, allow_nan=False)


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a big store is parsed or placed.

    Each of 100,000 records is a few dicts and lists that live on: collections
    triggered by those allocations find nothing to free, yet each scans everything
    built so far (a third of the time of opening a big store).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What was built lives on. Left in the youngest generation, the next collection
        # would scan all of it, and the one after that again (0.15 s at 100,000): moved
        # straight to the oldest (freeze then unfreeze, both O(1)), only a full
        # collection looks at it, as at any long-lived data. Not when something is
        # frozen already (the reader freezes its library): unfreezing would thaw it.
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def describe(path: Path) -> str:
    return f"annotations store {path}"


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


def loads_strict(text: str | bytes) -> Any:
    """json.loads that refuses duplicate keys and NaN (raises ValueError)."""
    return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_reject_constant)


def parse_store(
    raw: bytes | bytearray, path: Path, *, strict: bool = True, accepted: bool = False
) -> Tables:
    """Decode and check a store file's structure: tables of numbered records.

    `strict` refuses a key that appears twice in any object (json.loads would keep
    the last, and the next rewrite would drop the other). Without it, the costly
    per-object check is replaced by counting record openings in the bytes, which
    still catches two records or two tables under one name (what a botched merge
    leaves) and falls back to the strict parse when the counts disagree; a key twice
    inside one record is then only caught by a strict parse (`db check`, or the
    store before it rewrites the file). `accepted`: the file is one a notetui has
    read whole and accepted, unchanged since (a journal's header names it), so the
    count is skipped as well.

    A bytearray is emptied once decoded: a big store's bytes need not stay in memory
    while its records are built.
    """
    name = describe(path)
    try:
        text = raw.decode("utf-8-sig")  # tolerate the BOM some editors add
    except UnicodeDecodeError as error:
        byte = raw[error.start]
        raise BadStore(
            f"{name} is not UTF-8 text (byte 0x{byte:02x} at offset {error.start})"
        ) from None
    if isinstance(raw, bytearray):
        raw.clear()
    if not strict:
        data = _parse(text, path, strict=False)
        if accepted or sum(map(len, data.values())) == len(_RECORD_OPENING.findall(text)):
            return data
    return _parse(text, path, strict=True)


def _parse(text: str, path: Path, *, strict: bool) -> Tables:
    name = describe(path)
    if not text or text.isspace():  # not strip(): that copies a 50 MB text
        return {}  # an empty file is an empty store, as in TinyDB
    try:
        data = loads_strict(text) if strict else json.loads(text, parse_constant=_reject_constant)
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


def encode_record(record: Any) -> bytes:
    """One record as compact JSON, keys sorted, UTF-8 (lone surrogates as \\udcXX).

    `record` must be plain JSON (see `plain_copy`); the C encoder does the work.
    """
    return _ENCODER.encode(record).encode("utf-8", "backslashreplace")


def encode_tables(tables: Tables, *, check: bool = False) -> Iterator[bytes]:
    """The file's bytes, in pieces: sorted tables, one compact record per line.

    `check=True` first makes sure every record is plain JSON (TypeError naming it);
    the store's own records are checked once, when they are made.
    """
    if check:
        for name, table in tables.items():
            for doc_id, doc in table.items():
                plain_copy(doc, f"{name} record {doc_id}")
    return _encode(tables)


def _encode(tables: Tables) -> Iterator[bytes]:
    yield b"{\n"
    names = sorted(tables)
    for position, name in enumerate(names):
        table = tables[name]
        head = b"  " + json.dumps(name, ensure_ascii=False).encode() + b": {"
        if table:
            yield head + b"\n"
            yield b",\n".join(_lines(table))
            yield b"\n  }"
        else:
            yield head + b"}"
        yield b",\n" if position < len(names) - 1 else b"\n"
    yield b"}\n"


def _lines(table: dict[str, Any]) -> Iterable[bytes]:
    encode = _ENCODER.encode
    return [
        f'    "{doc_id}": {encode(table[doc_id])}'.encode("utf-8", "backslashreplace")
        for doc_id in sorted(table, key=int)
    ]
