"""A search query, parsed: each term with what the index must hold for it to match."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import pairwise
from typing import Final

from notetui.core.search.folding import CJK, utf16_units

__all__ = ["Term", "parse_query"]

_MAX_QUERY: Final = 256  # characters; a search box needs no more
_MAX_TERMS: Final = 12
# Partial matching only makes sense for katakana loan words and kanji compounds.
_KATAKANA_KANJI: Final = re.compile(
    "[\u3005\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
_RUN: Final = re.compile(rf"(?P<w>[^\W_{CJK}]+)|(?P<c>[{CJK}]+)|[\W_]+")


@dataclass(frozen=True, slots=True)
class Term:
    """One whitespace-separated query term and what the index must hold for it to match."""

    text: str  # folded
    pattern: re.Pattern[str]  # finds it in folded text, at a word start if `anchored`
    anchored: bool  # starts with a Latin/digit word: must start where a word starts
    latin: bool  # one Latin/digit word: a whole-word match ranks above a prefix match
    words: tuple[str, ...]  # whole words the doc must contain
    prefix: str | None  # the doc must contain a word starting with this
    codes: tuple[int, ...]  # bigram codes the doc must contain
    ranges: tuple[tuple[int, int], ...]  # code ranges (a lone CJK character at the term's end)
    fuzzy_codes: tuple[int, ...]  # distinct bigrams for a partial match; () = exact only
    fuzzy_grams: tuple[str, ...]  # the same bigrams as text
    fuzzy_min: int  # bigrams a partial match needs
    fuzzy_span: int  # characters they may spread over


def parse_query(query: str) -> list[Term]:
    folded = unicodedata.normalize("NFKC", query[:_MAX_QUERY]).casefold()
    terms: list[Term] = []
    for raw in dict.fromkeys(folded.split()):
        term = _parse_term(raw)
        if term is not None:
            terms.append(term)
            if len(terms) == _MAX_TERMS:
                break
    return terms


def _parse_term(text: str) -> Term | None:
    runs = [(m.lastgroup, m.group()) for m in _RUN.finditer(text)]
    # Punctuation around a term is dropped: "@tkg" and "(@tkgtransit)" look for the handle, and
    # "k8s." (on the way to "k8s.io") stays "k8s" instead of a phrase that only a scan of every
    # doc holding "k8s" could check. Punctuation inside a term ("node.js") is kept.
    while runs and runs[0][0] is None:
        runs.pop(0)
    while runs and runs[-1][0] is None:
        runs.pop()
    if not runs:
        return None  # punctuation only: nothing to look up, so not a condition
    text = "".join(run for _, run in runs)
    words: list[str] = []
    prefix: str | None = None
    codes: list[int] = []
    ranges: list[tuple[int, int]] = []
    for i, (kind, run) in enumerate(runs):
        last = i == len(runs) - 1
        if kind == "w":
            if last:
                prefix = run
            else:
                words.append(run)  # followed by something else in the term: a whole word
        elif kind == "c":
            units = utf16_units(run)
            codes.extend(a << 16 | b for a, b in pairwise(units))
            if not last:
                codes.append(units[-1] << 16)  # the doc's run must end here too
            elif len(units) == 1:
                ranges.append((units[0] << 16, (units[0] + 1) << 16))
    anchored = runs[0][0] == "w"
    fuzzy_codes: tuple[int, ...] = ()
    fuzzy_grams: tuple[str, ...] = ()
    fuzzy_min = 0
    if (
        len(runs) == 1
        and runs[0][0] == "c"
        and len(text) >= 4
        and 2 * len(_KATAKANA_KANJI.findall(text)) >= len(text)
    ):
        fuzzy_grams = tuple(dict.fromkeys(text[k : k + 2] for k in range(len(text) - 1)))
        fuzzy_codes = tuple(dict.fromkeys(codes))
        fuzzy_min = max(2, round(0.7 * len(fuzzy_grams)))  # 2 of 3, 6 of 9, 7 of 10
    return Term(
        text=text,
        pattern=_pattern(text, anchored),
        anchored=anchored,
        latin=len(runs) == 1 and anchored,
        words=tuple(words),
        prefix=prefix,
        codes=tuple(dict.fromkeys(codes)),
        ranges=tuple(ranges),
        fuzzy_codes=fuzzy_codes,
        fuzzy_grams=fuzzy_grams,
        fuzzy_min=fuzzy_min,
        fuzzy_span=2 * len(text) + 4,
    )


def _pattern(text: str, anchored: bool) -> re.Pattern[str]:
    if not anchored:
        return re.compile(re.escape(text))
    # Literal first, so that the regex engine can skip ahead to it; the look-behind then checks
    # the character before the match is not part of a word (or that there is none).
    return re.compile(rf"{re.escape(text)}(?<![^\W_{CJK}].{{{len(text)}}})", re.DOTALL)
