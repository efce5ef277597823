"""Text helpers shared by the whole core: matching keys and display safety."""

from __future__ import annotations

import re
import unicodedata

# C0 controls except tab and newline, DEL, C1 controls, and the Unicode bidi
# overrides/isolates that can make a line display differently from what it says.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A whole escape sequence (CSI, OSC, DCS/PM/APC, two-byte ESC x) goes at once, so that
# no printable remainder such as "]52;c;..." is left behind.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_]|.)?"
    r"|\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07\x9c]*(?:\x07|\x9c)?",
    re.DOTALL,
)


def sanitize(text: str) -> str:
    """Make untrusted note text safe to put on a terminal.

    Removes escape sequences whole, then every other control character except tab
    and newline, and bidi overrides. Printable text is kept exactly.
    """
    if not text:
        return text
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = _ESCAPE_SEQUENCE.sub("", text)
    return _UNSAFE.sub("", text)


def sanitize_line(text: str) -> str:
    """`sanitize` for single-line labels: newlines and tabs become spaces."""
    return sanitize(text).replace("\r", " ").replace("\n", " ").replace("\t", " ")


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
