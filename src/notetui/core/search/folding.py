"""Search's view of text: NFKC + casefold, which characters are words and which CJK, and
the keys a doc is indexed under (its folded words and CJK bigram codes)."""

from __future__ import annotations

import re
import sys
import unicodedata
from array import array
from collections.abc import Iterable
from operator import itemgetter
from typing import Final, NamedTuple

__all__ = ["CJK", "Folded", "doc_keys", "fold_mapped", "nfkc", "utf16_units"]

# ----------------------------------------------------------------------------------------------
# Character classes. Everything is matched on NFKC + casefold text.
# ----------------------------------------------------------------------------------------------

# Scripts written without spaces: indexed by bigram, matched as substrings.
# Excludes "・" and "〃": punctuation, not part of a word.
CJK: Final = (
    "\u3005-\u3007"  # 々 〆 〇
    "\u3041-\u3096\u309d-\u309f"  # hiragana, ゝ ゞ ゟ
    "\u30a1-\u30fa\u30fc-\u30ff"  # katakana, ー ヽ ヾ ヿ
    "\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # kanji
    "\uac00-\ud7a3"  # hangul syllables
    "\U00020000-\U0003134f"
)
_WORD: Final = re.compile(rf"[^\W_{CJK}]+")  # a Latin/digit word (any non-CJK letters)
_ASCII_WORD: Final = re.compile(r"[0-9A-Za-z]+")  # the same on ASCII text, but faster
_CJK_RUN: Final = re.compile(f"[{CJK}]+")
# Where a camelCase word starts a new part: "Network|Policy", "Argo|CD", "HTTP|Server".
_CAMEL: Final = re.compile(r"(?<=[a-z])[A-Z]|(?<=[A-Z])[A-Z](?=[a-z])")
_LITTLE_ENDIAN: Final = sys.byteorder == "little"


def nfkc(text: str) -> str:
    # Most note text is already NFKC; normalise only the lines that are not (full-width digits
    # are common in Japanese notes, and normalising a whole body is several times slower).
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    if len(text) < 256 or "\n" not in text:
        return unicodedata.normalize("NFKC", text)
    return "\n".join(
        line if unicodedata.is_normalized("NFKC", line) else unicodedata.normalize("NFKC", line)
        for line in text.split("\n")
    )


def _joins_previous(ch: str) -> bool:
    # NFKC may fold a character with what follows it (ｶ + ﾞ = ガ): keep such groups together.
    return bool(
        unicodedata.combining(ch) or ch in "\uff9e\uff9f\u3099\u309a" or "\u1160" <= ch <= "\u11ff"
    )


class Folded(NamedTuple):
    """One line, normalised, with the way back to the original characters."""

    cf: str  # NFKC + casefold
    nf: str | None  # NFKC before casefold, when it aligns with `cf` (to see camelCase)
    starts: list[int] | None  # original start of each `cf` character; None = identity
    ends: list[int] | None  # original end (exclusive) of each `cf` character


def fold_mapped(text: str) -> Folded:
    if text.isascii():
        return Folded(text.lower(), text, None, None)
    if unicodedata.is_normalized("NFKC", text):
        cf = text.casefold()
        if len(cf) == len(text):  # casefold never shortens a character, so this is 1:1
            return Folded(cf, text, None, None)
    cfs: list[str] = []
    nfs: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    aligned = True
    i, n = 0, len(text)
    while i < n:
        # Chunks of about 32 characters, cut where NFKC cannot join across: most chunks are
        # stable and map one to one, and only the others pay for a character-by-character walk.
        j = min(n, i + 32)
        while j < n and _joins_previous(text[j]):
            j += 1
        chunk = text[i:j]
        cf = chunk.casefold()
        if len(cf) == len(chunk) and unicodedata.is_normalized("NFKC", chunk):
            nfs.append(chunk)
            cfs.append(cf)
            starts.extend(range(i, j))
            ends.extend(range(i + 1, j + 1))
            i = j
            continue
        while i < j:
            k = i + 1
            while k < j and _joins_previous(text[k]):
                k += 1
            nf = unicodedata.normalize("NFKC", text[i:k])
            cf = nf.casefold()
            aligned = aligned and len(nf) == len(cf)
            nfs.append(nf)
            cfs.append(cf)
            starts.extend([i] * len(cf))
            ends.extend([k] * len(cf))
            i = k
    return Folded("".join(cfs), "".join(nfs) if aligned else None, starts, ends)


# ----------------------------------------------------------------------------------------------
# Index keys
# ----------------------------------------------------------------------------------------------


def doc_keys(text: str) -> tuple[set[int], set[str]]:
    """The CJK bigram codes and the folded words one doc is indexed under."""
    nf = nfkc(text)
    if nf.isascii():
        raw = set(_ASCII_WORD.findall(nf))
        words = set(map(str.lower, raw))
        codes: set[int] = set()
    else:
        raw = set(_WORD.findall(nf))
        words = set(map(str.casefold, raw))
        codes = _bigram_codes(nf)  # casefold leaves CJK alone, so NFKC text will do
        if not all(map(str.isascii, words)):
            for word in [w for w in words if not _WORD.fullmatch(w)]:
                words.discard(word)  # casefold made a non-word character (İ -> i + U+0307)
                words.update(_WORD.findall(word))
    # camelCase parts are words too ("policy" finds "NetworkPolicy"); the C-level filters
    # leave only the few words whose case changes inside them.
    plain: list[Iterable[str]] = [filter(f, raw) for f in (str.islower, str.isupper, str.istitle)]
    mixed = raw.difference(*plain)
    for word in mixed:
        for m in _CAMEL.finditer(word):
            words.add(word[m.start() :].casefold())
    return codes, words


def _bigram_codes(text: str) -> set[int]:
    # Code of a pair of UTF-16 units = first << 16 | second; second = 0 marks the end of a run.
    # Built from two views of the UTF-16 bytes so that no Python loop touches each character.
    runs = _CJK_RUN.findall(text)
    if not runs:
        return set()
    data = ("\0".join(runs) + "\0").encode("utf-16-be")
    even = array("I")
    even.frombytes(data[: len(data) // 4 * 4])
    odd = array("I")
    odd.frombytes(data[2 : 2 + (len(data) - 2) // 4 * 4])
    if _LITTLE_ENDIAN:
        even.byteswap()
        odd.byteswap()
    codes = set(even)
    codes.update(odd)
    # Pairs that start at a separator are not bigrams; they are the only codes below 2**16.
    codes.difference_update(map(ord, map(itemgetter(0), runs)))
    return codes


def utf16_units(text: str) -> list[int]:
    data = text.encode("utf-16-be")
    return [data[k] << 8 | data[k + 1] for k in range(0, len(data), 2)]
