"""Text helpers shared by the whole core: matching keys and display safety."""

from __future__ import annotations

import json
import re
import unicodedata

# What must never reach a terminal as itself: C0 controls except tab and newline,
# DEL, C1 controls, the Unicode bidi overrides, embeddings, isolates and marks that
# make a line display differently from what it says, and lone surrogates (a file
# name or argument that was not UTF-8, decoded with surrogateescape).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# For files: a whole escape sequence (CSI, OSC, DCS/PM/APC, two-byte ESC x) goes at
# once, so that no printable remainder such as "]52;c;..." is left behind.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_]|.)?"
    r"|\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07\x9c]*(?:\x07|\x9c)?",
    re.DOTALL,
)


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␛ for ESC, ␇ for BEL: the Control Pictures block
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0x9F:
        return f"\\x{code:02x}"  # C1: \x9b
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # a byte that was not UTF-8, as Python shows bytes
    return f"\\u{code:04x}"  # bidi controls and other lone surrogates: \u202e


def sanitize(text: str) -> str:
    """Make untrusted text safe to put on a terminal, and honest about what it holds.

    The one sanitiser for every place text leaves notetui for a terminal (the CLI's
    output, `export -o -`, every widget). Each control character becomes a visible
    stand-in: `␛` for ESC (so an escape sequence shows as `␛]0;title␇`, inert), `\x9b`
    for a C1 control, `\u202e` for a bidi override, `\xff` for a byte of a file name
    that was not UTF-8. Tab and newline are kept; printable text is kept exactly.
    """
    if not text or not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_visible, text)


def sanitize_line(text: str) -> str:
    """`sanitize` for single-line labels: newlines and tabs become spaces."""
    return sanitize(text.replace("\r", " ").replace("\n", " ").replace("\t", " "))


def strip_unsafe(text: str) -> tuple[str, int]:
    """For files written from notes (exports): (text without any escape sequence,
    control or bidi character, how many characters were dropped). A file keeps no
    visible stand-ins; its writer says in a comment that characters were dropped.
    Lone surrogates become U+FFFD so the text can be written as UTF-8."""
    if not text or not _UNSAFE.search(text):
        return text, 0
    before = len(text)
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = _ESCAPE_SEQUENCE.sub("", text)
    text = _SURROGATE.sub("\ufffd", text)
    text = _UNSAFE.sub("", text)
    return text, before - len(text)


def drop_unsafe(text: str) -> str:
    """`strip_unsafe` without the count."""
    return strip_unsafe(text)[0]


_SURROGATE = re.compile("[\ud800-\udfff]")
# What json.dumps(ensure_ascii=False) leaves raw but a terminal would act on (C0 it
# escapes itself): DEL, C1, bidi controls and lone surrogates.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def to_json(data: object, indent: int | None = 2) -> str:
    """`data` as JSON that is safe on a terminal and always valid UTF-8.

    Japanese and other text stays readable (not \\u-escaped); C1 and bidi controls
    and lone surrogates become JSON escapes (`\\u009b`, `\\u202e`, `\\udcff`), so the
    text is valid JSON that parses back to exactly the string the program had."""
    dumped = json.dumps(data, ensure_ascii=False, indent=indent)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


_PUNCT_OR_SPACE = re.compile(r"[\s\W_]+", re.UNICODE)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def fold(text: str) -> str:
    """NFKC + casefold: full-width = half-width, K8S = k8s."""
    return unicodedata.normalize("NFKC", text).casefold()


def match_key(text: str) -> str:
    """The form titles are compared in: folded, with spaces and punctuation removed."""
    return _PUNCT_OR_SPACE.sub("", fold(text))


_KANJI_NUMBERS = {
    "一": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
    "十": "10",
    "両": "2",
}
_KANJI_COUNT = re.compile(
    r"([一二三四五六七八九十両])(?=年|ヶ月|か月|カ月|ヵ月|回|つ|人|台|日|週|種)"
)


def title_key(text: str) -> str:
    """`match_key` that also reads small kanji numerals as digits (一年半 = 1年半)."""
    return match_key(_KANJI_COUNT.sub(lambda m: _KANJI_NUMBERS[m.group(1)], nfkc(text)))


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())
