"""Hypothesis strategies for hostile notes: random bytes, Markdown built from the
blocks real notes have, front matter in YAML, TOML and JSON with nested and typed
values, and text in every encoding notetui reads, with and without a BOM."""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass

from hypothesis import strategies as st

# Letters, Japanese, the Markdown punctuation that changes structure, and the
# characters that have broken parsers and terminals before.
_ALPHABET = st.one_of(
    st.sampled_from("abcxyz ABC 0123456789"),
    st.sampled_from("勉強会発表資料登壇参加メモ感想の。、「」（）：・ｱｲｳ"),
    st.sampled_from("#*-_+`|[]()<>!:=>~\\/.,;'\"{}@&%$^"),
    st.sampled_from("\t\r\x00\x07\x1b\x7f\x85\x9b\u2028\u202e\u2066\ufeff\ufffd🎉"),
    st.characters(codec="utf-8"),
)
inline = st.text(_ALPHABET, max_size=40)
_WORD = st.text(st.sampled_from("abcdefghij勉強会発表"), min_size=1, max_size=8)


@st.composite
def _heading(draw: st.DrawFn) -> str:
    level = draw(st.integers(1, 7))
    return "#" * level + draw(st.sampled_from([" ", "", "  "])) + draw(inline)


@st.composite
def _bullets(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        depth = draw(st.integers(0, 4))
        marker = draw(st.sampled_from(["-", "*", "+", "1.", "・", "-[ ]"]))
        lines.append("  " * depth + marker + " " + draw(inline))
    return "\n".join(lines)


@st.composite
def _link(draw: st.DrawFn) -> str:
    url = "https://" + draw(st.sampled_from(["speakerdeck.com", "x.example", "a"])) + "/"
    url += draw(st.text(st.sampled_from("abc/?=&%#()"), max_size=20))
    return draw(st.sampled_from(["[{t}]({u})", "<{u}>", "{u}", "![{t}]({u})", "[{t}]"])).format(
        t=draw(inline), u=url
    )


@st.composite
def _code(draw: st.DrawFn) -> str:
    fence = draw(st.sampled_from(["```", "~~~", "````"]))
    body = "\n".join(draw(st.lists(inline, max_size=4)))
    closed = draw(st.booleans())
    return f"{fence}{draw(_WORD)}\n{body}" + (f"\n{fence}" if closed else "")


@st.composite
def _table(draw: st.DrawFn) -> str:
    columns = draw(st.integers(1, 4))
    rows = [
        "| " + " | ".join(draw(inline).replace("\n", " ") for _ in range(columns)) + " |"
        for _ in range(draw(st.integers(1, 4)))
    ]
    rows.insert(1, "|" + "---|" * columns)
    return "\n".join(rows)


block = st.one_of(
    _heading(),
    _bullets(),
    _link(),
    _code(),
    _table(),
    inline,
    st.sampled_from(["---", "***", "", "> quoted", "日時: 2024/05/01 19:00", "会場: どこか"]),
)


@st.composite
def markdown(draw: st.DrawFn) -> str:
    return "\n".join(draw(st.lists(block, max_size=24))) + draw(st.sampled_from(["", "\n"]))


@dataclass(frozen=True)
class Raw:
    """Text a serializer writes verbatim: typed values and numbers Python cannot convert."""

    text: str


_TYPED_YAML = [
    "!!timestamp 2020-02-30",
    "!!timestamp nope",
    "!!int abc",
    "!!int 0x_",
    "!!float abc",
    "!!bool perhaps",
    "!!binary '@@@'",
    "!!python/object:os.system echo",
    "!!python/name:os.system",
    "!!set {a, b}",
    "!!omap [a: 1, b: 2]",
    "!!str 12",
    "!!null x",
    "!custom thing",
]
_LONG_NUMBER = st.integers(4000, 6000).map(lambda n: Raw("7" * n))
scalar = st.one_of(
    inline,
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates().map(lambda d: Raw(d.isoformat())),
    _LONG_NUMBER,
)
value = st.recursive(
    scalar,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.one_of(_WORD, inline), children, max_size=4)
    ),
    max_leaves=16,
)
metadata = st.dictionaries(
    st.sampled_from(["title", "date", "tags", "venue", "speakers", "event", "url", "x"]) | _WORD,
    value,
    max_size=6,
)


def _yaml_scalar(item: object) -> str:
    if isinstance(item, Raw):
        return item.text
    if item is None:
        return "null"
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int | float):
        return repr(item)
    return json.dumps(item)  # a YAML double-quoted string


def to_yaml(data: object, indent: int = 0) -> str:
    pad = "  " * indent
    if isinstance(data, dict):
        if not data:
            return pad + "{}"
        lines = []
        for key, item in data.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{json.dumps(key)}:\n{to_yaml(item, indent + 1)}")
            else:
                lines.append(f"{pad}{json.dumps(key)}: {to_yaml(item).strip()}")
        return "\n".join(lines)
    if isinstance(data, list):
        if not data:
            return pad + "[]"
        return "\n".join(f"{pad}- {to_yaml(item, indent + 1).strip()}" for item in data)
    return pad + _yaml_scalar(data)


def to_json(data: object) -> str:
    if isinstance(data, Raw):
        return data.text if data.text[:1].isdigit() else json.dumps(data.text)
    if isinstance(data, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {to_json(v)}" for k, v in data.items()) + "}"
    if isinstance(data, list):
        return "[" + ", ".join(to_json(v) for v in data) + "]"
    if isinstance(data, float) and data != data:
        return "NaN"
    if isinstance(data, float) and data in (float("inf"), float("-inf")):
        return "Infinity" if data > 0 else "-Infinity"
    return json.dumps(data)


def to_toml_value(data: object) -> str:
    if isinstance(data, Raw):
        return data.text
    if data is None:
        return '""'
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, float):
        if data != data:
            return "nan"
        if data in (float("inf"), float("-inf")):
            return "inf" if data > 0 else "-inf"
        return repr(data)
    if isinstance(data, int):
        return str(data)
    if isinstance(data, dict):
        return (
            "{" + ", ".join(f"{json.dumps(k)} = {to_toml_value(v)}" for k, v in data.items()) + "}"
        )
    if isinstance(data, list):
        return "[" + ", ".join(to_toml_value(v) for v in data) + "]"
    return json.dumps(data)


def to_toml(data: dict[str, object]) -> str:
    return "\n".join(f"{json.dumps(k)} = {to_toml_value(v)}" for k, v in data.items())


@st.composite
def front_matter_note(draw: st.DrawFn) -> str:
    """A note with YAML, TOML or JSON front matter, sometimes typed, broken or cut."""
    data = draw(metadata)
    kind = draw(st.sampled_from(["yaml", "toml", "json"]))
    if kind == "yaml":
        fm = to_yaml(data)
        for tag in draw(st.lists(st.sampled_from(_TYPED_YAML), max_size=3)):
            fm += f"\n{draw(_WORD)}: {tag}"
        text = f"---\n{fm}\n---\n"
    elif kind == "toml":
        text = f"+++\n{to_toml(data)}\n+++\n"
    else:
        text = to_json(data) if data else "{}"
        text = "{\n" + text[1:-1] + "\n}\n"
    if draw(st.booleans()) and draw(st.booleans()):  # a quarter: cut somewhere
        text = text[: draw(st.integers(0, len(text)))]
    return text + draw(markdown())


ENCODINGS = [
    ("utf-8", b""),
    ("utf-8", codecs.BOM_UTF8),
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-16-le", b""),
    ("utf-32-le", codecs.BOM_UTF32_LE),
    ("utf-32-be", codecs.BOM_UTF32_BE),
    ("cp932", b""),
    ("shift_jis", b""),
    ("euc_jp", b""),
    ("iso2022_jp", b""),
    ("cp1252", b""),
]


@st.composite
def encoded_note(draw: st.DrawFn) -> bytes:
    text = draw(st.one_of(markdown(), front_matter_note()))
    encoding, bom = draw(st.sampled_from(ENCODINGS))
    return bom + text.encode(encoding, errors="replace")


@st.composite
def random_bytes(draw: st.DrawFn) -> bytes:
    prefix = draw(st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"---\n", b"+++\n"]))
    return prefix + draw(st.binary(max_size=2048))


NOTE_NAMES = st.sampled_from(["fuzz.md", "ファズ メモ.txt", "fuzz.markdown", "FUZZ"])
