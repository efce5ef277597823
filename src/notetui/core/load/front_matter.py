"""Front matter: YAML, TOML or JSON, through python-frontmatter, made plain.

Metadata leaves this module as `dict[str, str | list[str]]` and nothing else:
YAML's typed values (a `date`, `no` -> False, `12:30` -> 750) never get further.
Values are never converted on the way in either: an explicit YAML tag
(`!!timestamp 2020-02-30`, `!!int abc`, `!!python/object`) gives the text written,
and a 5,000-digit number in JSON, TOML or YAML stays its digits (Python refuses to
turn such a string into an int, and would take quadratic time trying).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import tomllib
from typing import Any

import yaml
from frontmatter.default_handlers import BaseHandler, JSONHandler

from notetui.core import tomlsafe

MetaValue = str | list[str]
Metadata = dict[str, MetaValue]

# Caps checked on the raw text before any parser sees it: libyaml can crash the
# interpreter on deeply nested brackets, and aliases can expand exponentially.
MAX_FRONT_MATTER_CHARS = 64 * 1024
MAX_NESTING = 32
MAX_ALIASES = 64
MAX_VALUES = 2000  # scalars kept after flattening

log = logging.getLogger(__name__)


class FrontMatterError(Exception):
    """Front matter that was found but cannot be used; the body is still readable."""

    def __init__(self, message: str, body: str, body_line: int) -> None:
        super().__init__(message)
        self.body = body
        self.body_line = body_line


class _PlainYamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader with no implicit typing: every scalar stays the string written,
    except an unquoted null (`~`, `null`, nothing at all), which means "no value"."""


_PlainYamlLoader.yaml_implicit_resolvers = {}
_PlainYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null",
    re.compile(r"^(?:~|null|Null|NULL|)$"),
    ["~", "n", "N", ""],
)


def _as_written(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """Any explicitly tagged node, built as the plain text (or list, or mapping) it is.

    SafeLoader's constructors for `!!int`, `!!float`, `!!bool`, `!!timestamp` and
    `!!binary` convert the text and raise ValueError, KeyError or binascii.Error on a
    bad value; unknown tags (`!!python/object`) raise. Neither is worth a note."""
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    return None


for _tag in ("int", "float", "bool", "timestamp", "binary"):
    _PlainYamlLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _as_written)
_PlainYamlLoader.add_constructor(None, _as_written)  # every tag SafeLoader does not know


class YamlHandler(BaseHandler):
    FM_BOUNDARY = re.compile(r"^-{3,}[ \t]*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "---"

    def load(self, fm: str, **kwargs: object) -> Any:
        _check_yaml_events(fm)
        return yaml.load(fm, Loader=_PlainYamlLoader)  # a SafeLoader subclass: safe


class _Refused(Exception):
    """Front matter that parses, but that we will not build into objects."""


_COLLECTION_START = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_COLLECTION_END = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _check_yaml_events(fm: str) -> None:
    """Measure nesting and aliases on the parser's event stream before composing.

    Nesting needs neither brackets nor indentation ("- - - - x", "? ? ? x"), so the
    character checks in `_check_caps` cannot see it all, and composing a document
    nested some 10,000 deep crashes the interpreter inside libyaml's composer. The
    event parser itself keeps its own stack and is safe at any depth.
    """
    depth = aliases = 0
    for event in yaml.parse(fm, Loader=_PlainYamlLoader):
        if isinstance(event, _COLLECTION_START):
            depth += 1
            if depth > MAX_NESTING:
                raise _Refused("YAML front matter nests too deeply")
        elif isinstance(event, _COLLECTION_END):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise _Refused("YAML front matter uses too many aliases")


class TomlHandler(BaseHandler):
    """python-frontmatter's own TOML handler needs the unmaintained `toml` package."""

    FM_BOUNDARY = re.compile(r"^\+{3,}[ \t]*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomlsafe.loads(fm)  # a 5,000-digit number stays its digits


class JsonHandler(JSONHandler):
    FM_BOUNDARY = re.compile(r"^(?:\{|\})[ \t]*$", re.MULTILINE)

    def load(self, fm: str, **kwargs: object) -> Any:
        # Numbers as the text written: no int() of 5,000 digits, no float rounding.
        return json.loads(fm, parse_int=str, parse_float=str, parse_constant=str)


_HANDLERS: tuple[tuple[str, BaseHandler], ...] = (
    ("YAML", YamlHandler()),
    ("TOML", TomlHandler()),
    ("JSON", JsonHandler()),
)


def split_front_matter(text: str) -> tuple[Metadata, str, int]:
    """(metadata, body, body's 1-based first line). Raises FrontMatterError."""
    for name, handler in _HANDLERS:
        if not handler.detect(text):
            continue
        try:
            fm, body = handler.split(text)
        except ValueError:
            # Only the opening delimiter: the whole file is body, including that line.
            raise FrontMatterError(f"{name} front matter is never closed", text, 1) from None
        body_line = text[: len(text) - len(body)].count("\n") + 1
        if body.startswith("\n"):  # the closing delimiter's own newline
            body, body_line = body[1:], body_line + 1
        _check_caps(name, fm, body, body_line)
        if not _LOOKS_LIKE_METADATA.search(fm):
            # "---" used as a rule above ordinary text: there is no front matter.
            return {}, text, 1
        try:
            raw = handler.load(fm)
        except (yaml.YAMLError, tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
            raise FrontMatterError(f"invalid {name}: {_one_line(error)}", body, body_line) from None
        except RecursionError:
            raise FrontMatterError(
                f"{name} front matter nests too deeply", body, body_line
            ) from None
        except _Refused as error:
            raise FrontMatterError(str(error), body, body_line) from None
        except Exception as error:  # a parser bug on odd input: keep the body
            log.debug("%s front matter could not be read", name, exc_info=True)
            raise FrontMatterError(
                f"{name} front matter could not be read ({_one_line(error)})", body, body_line
            ) from None
        if raw is None:
            return {}, body, body_line
        if not isinstance(raw, dict):
            return {}, text, 1
        try:
            return normalize_metadata(raw), body, body_line
        except _TooBig:
            raise FrontMatterError(f"{name} front matter is too large", body, body_line) from None
    return {}, text, 1


def _check_caps(name: str, fm: str, body: str, body_line: int) -> None:
    if len(fm) > MAX_FRONT_MATTER_CHARS:
        raise FrontMatterError(
            f"{name} front matter is over {MAX_FRONT_MATTER_CHARS // 1024} KB", body, body_line
        )
    depth = deepest = 0
    for ch in fm:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
    indents = (len(line) - len(line.lstrip(" ")) for line in fm.splitlines())
    deepest = max(deepest, max(indents, default=0) // 2)
    if deepest > MAX_NESTING:
        raise FrontMatterError(f"{name} front matter nests too deeply", body, body_line)
    if name == "YAML" and len(re.findall(r"(?<![\w*])\*[\w-]+", fm)) > MAX_ALIASES:
        raise FrontMatterError("YAML front matter uses too many aliases", body, body_line)


_LOOKS_LIKE_METADATA = re.compile(r"""^\s*["']?[\w.\-]+["']?\s*[:=]""", re.MULTILINE)


class _TooBig(Exception):
    pass


def normalize_metadata(raw: dict[Any, Any]) -> Metadata:
    """Flatten parsed front matter into plain strings and lists of strings.

    Keys are folded ("Event-Date" -> "event_date"); nested mappings become dotted
    keys ("event.date"); null values are dropped.
    """
    out: Metadata = {}
    budget = [MAX_VALUES]

    def spend() -> None:
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooBig

    def visit(prefix: str, value: Any, depth: int) -> None:
        spend()
        if depth > MAX_NESTING:
            raise _TooBig
        if isinstance(value, dict):
            for key, child in value.items():
                visit(f"{prefix}.{_key(key)}" if prefix else _key(key), child, depth + 1)
        elif isinstance(value, list | tuple | set):
            items: list[str] = []
            for item in value:
                spend()
                if isinstance(item, dict | list | tuple | set):
                    items.append(json.dumps(_jsonable(item, depth + 1, spend), ensure_ascii=False))
                elif (text := plain_scalar(item)) is not None:
                    items.append(text)
            out[prefix] = items
        elif (text := plain_scalar(value)) is not None:
            out[prefix] = text

    for key, value in raw.items():
        visit(_key(key), value, 0)
    return out


def _jsonable(value: Any, depth: int, spend: Any) -> Any:
    spend()
    if depth > MAX_NESTING:
        raise _TooBig
    if isinstance(value, dict):
        return {_key(k): _jsonable(v, depth + 1, spend) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v, depth + 1, spend) for v in value]
    return plain_scalar(value)


def plain_scalar(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _key(key: Any) -> str:
    text = plain_scalar(key) or ""
    return re.sub(r"[\s\-]+", "_", text.strip()).casefold()


def first_text(metadata: Metadata, *keys: str) -> str | None:
    """The first non-blank string among `keys` (a list gives its first item)."""
    for key in keys:
        value = metadata.get(key)
        if isinstance(value, list):
            value = next((v for v in value if v.strip()), None)
        if value and value.strip():
            return value.strip()
    return None


def text_list(metadata: Metadata, *keys: str) -> list[str]:
    """Every value under `keys` as a flat list; a comma-separated string is split."""
    out: list[str] = []
    for key in keys:
        value = metadata.get(key)
        if isinstance(value, str):
            out.extend(part.strip() for part in re.split(r"[,、]", value))
        elif isinstance(value, list):
            out.extend(v.strip() for v in value)
    return [v for v in out if v]


def _one_line(error: BaseException) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None)
    if mark is not None and problem:
        return f"{problem} (line {mark.line + 1})"
    return " ".join(str(error).split())[:160]
