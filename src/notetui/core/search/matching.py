"""Verifying and scoring one doc against a query, and the fragment of it a hit shows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final, NamedTuple

from notetui.core.search.folding import CJK, fold_mapped, nfkc
from notetui.core.search.query import Term

__all__ = ["FRAGMENT_WIDTH", "Verdict", "fragment_of", "judge"]

_MAX_OCCURRENCES: Final = 32  # per term per doc: enough to pick a line and highlight it
FRAGMENT_WIDTH: Final = 80
_FRAGMENT_LEAD: Final = 16  # characters kept before the first highlight of a long line
_IS_WORD_CHAR: Final = re.compile(rf"[^\W_{CJK}]").match
_CONTENT: Final = re.compile(r"[^\W_]")  # first word or CJK character of a line
# Length-preserving, so that spans stay valid: C0/C1 controls, line/paragraph separators and
# bidi controls become spaces.
_UNSAFE: Final = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


class _Occurrence(NamedTuple):
    start: int
    end: int
    quality: float  # 1 = exact whole word or CJK substring, 0.6 = word prefix, < 0.5 = partial
    exact: bool
    pieces: tuple[tuple[int, int], ...]  # what to highlight


def _camel_start(nf: str | None, p: int) -> bool:
    if nf is None or p <= 0 or p >= len(nf):
        return False
    a, b = nf[p - 1], nf[p]
    if not b.isupper():
        return False
    return a.islower() or (a.isupper() and p + 1 < len(nf) and nf[p + 1].islower())


def _exact_occurrences(cf: str, nf: str | None, term: Term) -> list[_Occurrence]:
    found: list[int] = []
    for m in term.pattern.finditer(cf):
        found.append(m.start())
        if len(found) == _MAX_OCCURRENCES:
            break
    if not found and term.anchored and nf is not None and nf != cf:
        # Not at a word start: maybe at a camelCase part ("policy" in "NetworkPolicy").
        p = cf.find(term.text)
        while p >= 0 and len(found) < _MAX_OCCURRENCES:
            if _camel_start(nf, p):
                found.append(p)
            p = cf.find(term.text, p + 1)
    out: list[_Occurrence] = []
    size = len(term.text)
    for start in found:
        end = start + size
        quality = 1.0
        if term.latin and end < len(cf) and _IS_WORD_CHAR(cf, end) and not _camel_start(nf, end):
            quality = 0.6
        out.append(_Occurrence(start, end, quality, True, ((start, end),)))
    return out


def _fuzzy_occurrences(cf: str, term: Term) -> list[_Occurrence]:
    """The best window per line holding most of the term's bigrams close together."""
    hits: list[tuple[int, int]] = []
    seen = 0
    for g, gram in enumerate(term.fuzzy_grams):
        i = cf.find(gram)
        if i >= 0:
            seen += 1
        while i >= 0 and len(hits) < 8 * _MAX_OCCURRENCES:
            hits.append((i, g))
            i = cf.find(gram, i + 1)
    if seen < term.fuzzy_min:
        return []
    hits.sort()
    total = len(term.fuzzy_grams)
    counts = [0] * total
    distinct = 0
    lo = 0
    best: dict[int, tuple[int, int, int, int]] = {}  # line start -> (distinct, -span, lo, hi)
    for hi, (pos, g) in enumerate(hits):
        counts[g] += 1
        distinct += counts[g] == 1
        while hits[lo][0] + term.fuzzy_span < pos + 2 or cf.find("\n", hits[lo][0], pos) >= 0:
            counts[hits[lo][1]] -= 1
            distinct -= counts[hits[lo][1]] == 0
            lo += 1
        if distinct >= term.fuzzy_min:
            line = cf.rfind("\n", 0, pos) + 1
            key = (distinct, hits[lo][0] - pos - 2, lo, hi)
            if line not in best or key[:2] > best[line][:2]:
                best[line] = key
    out: list[_Occurrence] = []
    for distinct_here, _, a, b in best.values():
        pieces: list[tuple[int, int]] = []
        for pos, _g in hits[a : b + 1]:
            if pieces and pos <= pieces[-1][1]:
                pieces[-1] = (pieces[-1][0], max(pieces[-1][1], pos + 2))
            else:
                pieces.append((pos, pos + 2))
        quality = 0.5 * distinct_here / total
        out.append(_Occurrence(hits[a][0], hits[b][0] + 2, quality, False, tuple(pieces)))
    return out


def _occurrences(cf: str, nf: str | None, term: Term, fuzzy: bool) -> list[_Occurrence]:
    found = _exact_occurrences(cf, nf, term)
    if not found and fuzzy and term.fuzzy_codes:
        found = _fuzzy_occurrences(cf, term)
    return found


class Verdict(NamedTuple):
    exact_terms: int
    bonus: float
    line: int  # 0-based line of `text` to show


def judge(text: str, terms: Sequence[Term], fuzzy: bool, body: bool) -> Verdict | None:
    nf = nfkc(text)
    cf = nf.lower() if nf.isascii() else nf.casefold()
    aligned = nf if len(nf) == len(cf) else None
    per_term: list[list[_Occurrence]] = []
    exact_terms = 0
    for term in terms:
        found = _occurrences(cf, aligned, term, fuzzy)
        if not found:
            return None
        exact_terms += found[0].exact
        per_term.append(found)
    if fuzzy and exact_terms == len(terms):
        return None  # the exact pass has it already

    # The line to show: the one holding most terms, then the best matches, then the shortest.
    by_line: dict[int, dict[int, _Occurrence]] = {}  # line start -> term -> best occurrence
    for t, found in enumerate(per_term):
        for occ in found:
            slot = by_line.setdefault(cf.rfind("\n", 0, occ.start) + 1, {})
            if t not in slot or occ.quality > slot[t].quality:
                slot[t] = occ

    def line_len(start: int) -> int:
        end = cf.find("\n", start)
        return (len(cf) if end < 0 else end) - start

    def line_key(start: int) -> tuple[int, float, int]:
        slot = by_line[start]
        return len(slot), sum(o.quality for o in slot.values()), -line_len(start)

    start = max(by_line, key=line_key)
    slot = by_line[start]
    quality = 0.0
    for t, found in enumerate(per_term):
        quality += slot[t].quality if t in slot else 0.5 * max(o.quality for o in found)
    content = _CONTENT.search(cf, start)
    first = content.start() if content is not None else -1
    bonus = 0.15 * quality / len(terms) + 0.15 * len(slot) / len(terms)
    if any(o.start == first for o in slot.values()):
        bonus += 0.05
    if body:
        bonus += 0.1 * 40.0 / (40.0 + line_len(start))
    line = cf.count("\n", 0, start)
    return Verdict(exact_terms, bonus, line)


def fragment_of(
    raw: str, terms: Sequence[Term], fuzzy: bool
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The line to show and the original characters that matched, as spans into it."""
    folded = fold_mapped(raw)
    pieces: list[tuple[int, int]] = []
    for term in terms:
        for occ in _occurrences(folded.cf, folded.nf, term, fuzzy):
            pieces.extend(occ.pieces)
    spans: list[tuple[int, int]] = []
    for a, b in sorted(pieces):
        if folded.starts is not None and folded.ends is not None:
            a, b = folded.starts[a], folded.ends[b - 1]
        if spans and a <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], b))
        else:
            spans.append((a, b))

    # One line, trimmed, at most about FRAGMENT_WIDTH characters around the first highlight.
    left = len(raw) - len(raw.lstrip())
    right = len(raw.rstrip())
    lo, hi, head, tail = left, right, "", ""
    if right - left > FRAGMENT_WIDTH:
        anchor = spans[0][0] if spans else left
        lo = max(left, min(anchor - _FRAGMENT_LEAD, right - FRAGMENT_WIDTH))
        hi = lo + FRAGMENT_WIDTH
        head = "…" if lo > left else ""
        tail = "…" if hi < right else ""
    text = head + _UNSAFE.sub(" ", raw[lo:hi]) + tail
    shift = len(head) - lo
    shown = tuple((max(a, lo) + shift, min(b, hi) + shift) for a, b in spans if a < hi and b > lo)
    return text, shown
