"""Library-wide search: the engine behind the `/` key, fast enough to run on every keystroke.

How it stays fast in pure Python:

- Every doc gets an id in *static rank* order: field tier (title > speaker > ... > body), then
  shorter text first, then input order. Walking candidates in id order therefore meets the
  likely best hits first, and the walk can stop early.
- Ids are cut into segments of `_SEGMENT_SIZE` docs. Each segment holds two compact inverted
  indexes (sorted keys, offsets, and one `array("H")` of segment-local ids): one keyed by
  Latin/digit *words*, one keyed by CJK *bigram codes*. A word-prefix lookup is one contiguous
  slice of the word table, so "k" costs the same as "kubernetes".
- CJK text has no word boundaries, so every CJK character is indexed with its successor: a
  bigram inside a run, or an end-of-run marker. A one-character query is then a contiguous code
  range (no separate unigram table), and a longer one is the intersection of its bigrams.
- A query intersects its terms' slices segment by segment (C-level set operations), verifies the
  candidates on the normalised text in id order, and keeps the best `limit` in a heap. It stops
  once no remaining doc can beat the heap, or after `limit` extra hits of look-ahead, or when
  verifying has cost a fixed budget (only reachable when the index cannot tell hits from misses,
  as for a phrase like "node.js"): latency is bounded whatever the query.
- Only if that finds fewer than `limit` docs does a second pass look for *partial* matches of
  long katakana/kanji terms (most of the term's bigrams close together on one line).

Nothing is cached between queries, so the worst case is the measured case.
"""

from __future__ import annotations

import heapq
import re
import sys
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, pairwise, repeat
from operator import itemgetter
from typing import Final, NamedTuple

__all__ = ["SearchDoc", "SearchHit", "SearchIndex"]


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One searchable string and where a hit on it should take the reader."""

    kind: str  # "talk" | "event" | "tag" | "annotation" | "body": how the UI groups hits
    target_id: str  # the talk or event id to jump to
    field: str  # "title", "alias", "speaker", "handle", "affiliation", "event", "tag", ...
    text: str  # searched and shown; for "body" a whole section body (multi-line Markdown)
    note: str | None = None  # body docs: the note path
    line: int | None = None  # body docs: file line of the first line of `text`


@dataclass(frozen=True, slots=True)
class SearchHit:
    doc: SearchDoc
    score: float
    line: int | None  # file line of the best matching line: doc.line + its offset in doc.text
    fragment: str  # that line, or a window of about 80 characters of it; one line, safe to print
    spans: tuple[tuple[int, int], ...]  # [start, end) in `fragment` to highlight


# ----------------------------------------------------------------------------------------------
# Character classes. Everything is matched on NFKC + casefold text.
# ----------------------------------------------------------------------------------------------

# Scripts written without spaces: indexed by bigram, matched as substrings.
# Excludes "・" and "〃": punctuation, not part of a word.
_CJK: Final = (
    "\u3005-\u3007"  # 々 〆 〇
    "\u3041-\u3096\u309d-\u309f"  # hiragana, ゝ ゞ ゟ
    "\u30a1-\u30fa\u30fc-\u30ff"  # katakana, ー ヽ ヾ ヿ
    "\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # kanji
    "\uac00-\ud7a3"  # hangul syllables
    "\U00020000-\U0003134f"
)
# Partial matching only makes sense for katakana loan words and kanji compounds.
_KATAKANA_KANJI: Final = re.compile(
    "[\u3005\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
_WORD: Final = re.compile(rf"[^\W_{_CJK}]+")  # a Latin/digit word (any non-CJK letters)
_ASCII_WORD: Final = re.compile(r"[0-9A-Za-z]+")  # the same on ASCII text, but faster
_CJK_RUN: Final = re.compile(f"[{_CJK}]+")
_RUN: Final = re.compile(rf"(?P<w>[^\W_{_CJK}]+)|(?P<c>[{_CJK}]+)|[\W_]+")
_IS_WORD_CHAR: Final = re.compile(rf"[^\W_{_CJK}]").match
_CONTENT: Final = re.compile(r"[^\W_]")  # first word or CJK character of a line
# Where a camelCase word starts a new part: "Network|Policy", "Argo|CD", "HTTP|Server".
_CAMEL: Final = re.compile(r"(?<=[a-z])[A-Z]|(?<=[A-Z])[A-Z](?=[a-z])")
# Length-preserving, so that spans stay valid: C0/C1 controls, line/paragraph separators and
# bidi controls become spaces.
_UNSAFE: Final = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")

# ----------------------------------------------------------------------------------------------
# Ranking. score = _TERM_WEIGHT * (terms matched exactly) + tier + length part + bonus.
# Tiers are 1 apart and length part + bonus stay below 1, so tiers never interleave; a doc with
# a partial (fuzzy) term always ranks below every doc that matches every term exactly.
# ----------------------------------------------------------------------------------------------

_TIERS: Final[dict[str, float]] = {
    "title": 8.0,
    "alias": 7.0,
    "speaker": 7.0,
    "handle": 7.0,
    "event": 6.0,
    "tag": 5.0,
    "affiliation": 4.0,
    "annotation": 3.0,
    "body": 2.0,
}
_DEFAULT_TIER: Final = 3.0
_TERM_WEIGHT: Final = 10.0
_MAX_LENGTH_PART: Final = 0.5
_MAX_BONUS: Final = 0.45  # 0.15 quality + 0.15 terms on one line + 0.05 at start + 0.1 short line

_SEGMENT_SIZE: Final = 8192  # docs; local ids must fit array("H")
_SEGMENT_POSTINGS: Final = 1 << 20  # and at most about this many postings
_MAX_QUERY: Final = 256  # characters; a search box needs no more
_MAX_TERMS: Final = 12
_MAX_OCCURRENCES: Final = 32  # per term per doc: enough to pick a line and highlight it
_FRAGMENT_WIDTH: Final = 80
_FRAGMENT_LEAD: Final = 16  # characters kept before the first highlight of a long line
# What verifying candidates may cost per query, in characters of doc text (about 17 ns each),
# plus a fixed cost per doc. Only reached when the index cannot tell a hit from a miss (a
# phrase like "node.js", a long CJK term), or for partial matches, which are a fallback.
_WORK_PER_DOC: Final = 100
_EXACT_WORK: Final = 1_200_000
_FUZZY_WORK: Final = 400_000
_LITTLE_ENDIAN: Final = sys.byteorder == "little"


def _nfkc(text: str) -> str:
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


class _Folded(NamedTuple):
    """One line, normalised, with the way back to the original characters."""

    cf: str  # NFKC + casefold
    nf: str | None  # NFKC before casefold, when it aligns with `cf` (to see camelCase)
    starts: list[int] | None  # original start of each `cf` character; None = identity
    ends: list[int] | None  # original end (exclusive) of each `cf` character


def _fold_mapped(text: str) -> _Folded:
    if text.isascii():
        return _Folded(text.lower(), text, None, None)
    if unicodedata.is_normalized("NFKC", text):
        cf = text.casefold()
        if len(cf) == len(text):  # casefold never shortens a character, so this is 1:1
            return _Folded(cf, text, None, None)
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
    return _Folded("".join(cfs), "".join(nfs) if aligned else None, starts, ends)


def _static_rank(doc: SearchDoc) -> float:
    tier = _TIERS.get(doc.field, _DEFAULT_TIER)
    if doc.field == "body":  # every body is long; keep them in input (library) order
        return tier
    return tier + _MAX_LENGTH_PART * 16.0 / (16.0 + len(doc.text))


# ----------------------------------------------------------------------------------------------
# Index keys
# ----------------------------------------------------------------------------------------------


def _doc_keys(text: str) -> tuple[set[int], set[str]]:
    """The CJK bigram codes and the folded words one doc is indexed under."""
    nf = _nfkc(text)
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


def _units(text: str) -> list[int]:
    data = text.encode("utf-16-be")
    return [data[k] << 8 | data[k + 1] for k in range(0, len(data), 2)]


class _Segment:
    """The inverted index of up to `_SEGMENT_SIZE` consecutive doc ids, as flat arrays."""

    __slots__ = ("base", "gkeys", "goffs", "gpost", "wkeys", "woffs", "wpost")

    def __init__(self, base: int, grams: dict[int, list[int]], words: dict[str, list[int]]) -> None:
        self.base = base
        gkeys = sorted(grams)
        self.gkeys = array("Q", gkeys)
        glists = [grams[k] for k in gkeys]
        self.goffs = array("I", [0])
        self.goffs.extend(accumulate(map(len, glists)))
        self.gpost = array("H", chain.from_iterable(glists))
        self.wkeys = sorted(words)
        wlists = [words[k] for k in self.wkeys]
        self.woffs = array("I", [0])
        self.woffs.extend(accumulate(map(len, wlists)))
        self.wpost = array("H", chain.from_iterable(wlists))

    def gram(self, code: int) -> array[int]:
        j = bisect_left(self.gkeys, code)
        if j == len(self.gkeys) or self.gkeys[j] != code:
            return array("H")
        return self.gpost[self.goffs[j] : self.goffs[j + 1]]

    def gram_range(self, lo: int, hi: int) -> array[int]:
        """Docs with any code in [lo, hi): possibly repeated, not sorted."""
        a = bisect_left(self.gkeys, lo)
        b = bisect_left(self.gkeys, hi, a)
        return self.gpost[self.goffs[a] : self.goffs[b]]

    def word(self, word: str) -> array[int]:
        j = bisect_left(self.wkeys, word)
        if j == len(self.wkeys) or self.wkeys[j] != word:
            return array("H")
        return self.wpost[self.woffs[j] : self.woffs[j + 1]]

    def word_prefix(self, prefix: str) -> array[int]:
        """Docs with any word starting with `prefix`: one slice, since keys are sorted."""
        a = bisect_left(self.wkeys, prefix)
        b = bisect_left(self.wkeys, prefix + "\U0010ffff", a)
        return self.wpost[self.woffs[a] : self.woffs[b]]


# ----------------------------------------------------------------------------------------------
# Queries
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Term:
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


def _parse(query: str) -> list[_Term]:
    folded = unicodedata.normalize("NFKC", query[:_MAX_QUERY]).casefold()
    terms: list[_Term] = []
    for raw in dict.fromkeys(folded.split()):
        term = _parse_term(raw)
        if term is not None:
            terms.append(term)
            if len(terms) == _MAX_TERMS:
                break
    return terms


def _parse_term(text: str) -> _Term | None:
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
            units = _units(run)
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
    return _Term(
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
    return re.compile(rf"{re.escape(text)}(?<![^\W_{_CJK}].{{{len(text)}}})", re.DOTALL)


def _term_lists(seg: _Segment, term: _Term) -> list[array[int]] | None:
    """Posting slices whose intersection holds every doc of `seg` that can match `term`."""
    lists: list[array[int]] = []
    for word in term.words:
        lists.append(seg.word(word))
    if term.prefix is not None:
        lists.append(seg.word_prefix(term.prefix))
    for code in term.codes:
        lists.append(seg.gram(code))
    for lo, hi in term.ranges:
        lists.append(seg.gram_range(lo, hi))
    if not all(lists):
        return None
    return lists


def _intersect(lists: list[array[int]], first: set[int] | None = None) -> set[int]:
    lists.sort(key=len)
    if first is None:
        first = set(lists.pop(0))
    for postings in lists:
        if not first:
            break
        first.intersection_update(postings)
    return first


def _exact_candidates(seg: _Segment, terms: Sequence[_Term]) -> set[int]:
    lists: list[array[int]] = []
    for term in terms:
        found = _term_lists(seg, term)
        if found is None:
            return set()
        lists.extend(found)
    return _intersect(lists)


def _fuzzy_candidates(seg: _Segment, terms: Sequence[_Term]) -> set[int]:
    """Docs that may match every term, at least one of them partially."""
    lists: list[array[int]] = []
    near: list[set[int]] = []
    for term in terms:
        if term.fuzzy_codes:
            counts: Counter[int] = Counter()
            for code in term.fuzzy_codes:
                counts.update(seg.gram(code))
            docs = {d for d, k in counts.items() if k >= term.fuzzy_min}
            if not docs:
                return set()
            near.append(docs)
        else:
            found = _term_lists(seg, term)
            if found is None:
                return set()
            lists.extend(found)
    if not near:
        return set()
    near.sort(key=len)
    first = near[0]
    for other in near[1:]:
        first &= other
    return _intersect(lists, first) if lists else first


# ----------------------------------------------------------------------------------------------
# Verifying and scoring one doc
# ----------------------------------------------------------------------------------------------


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


def _exact_occurrences(cf: str, nf: str | None, term: _Term) -> list[_Occurrence]:
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


def _fuzzy_occurrences(cf: str, term: _Term) -> list[_Occurrence]:
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


def _occurrences(cf: str, nf: str | None, term: _Term, fuzzy: bool) -> list[_Occurrence]:
    found = _exact_occurrences(cf, nf, term)
    if not found and fuzzy and term.fuzzy_codes:
        found = _fuzzy_occurrences(cf, term)
    return found


class _Verdict(NamedTuple):
    exact_terms: int
    bonus: float
    line: int  # 0-based line of `text` to show


def _judge(text: str, terms: Sequence[_Term], fuzzy: bool, body: bool) -> _Verdict | None:
    nf = _nfkc(text)
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
    return _Verdict(exact_terms, bonus, line)


def _fragment(
    raw: str, terms: Sequence[_Term], fuzzy: bool
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The line to show and the original characters that matched, as spans into it."""
    folded = _fold_mapped(raw)
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

    # One line, trimmed, at most about _FRAGMENT_WIDTH characters around the first highlight.
    left = len(raw) - len(raw.lstrip())
    right = len(raw.rstrip())
    lo, hi, head, tail = left, right, "", ""
    if right - left > _FRAGMENT_WIDTH:
        anchor = spans[0][0] if spans else left
        lo = max(left, min(anchor - _FRAGMENT_LEAD, right - _FRAGMENT_WIDTH))
        hi = lo + _FRAGMENT_WIDTH
        head = "…" if lo > left else ""
        tail = "…" if hi < right else ""
    text = head + _UNSAFE.sub(" ", raw[lo:hi]) + tail
    shift = len(head) - lo
    shown = tuple((max(a, lo) + shift, min(b, hi) + shift) for a, b in spans if a < hi and b > lo)
    return text, shown


# ----------------------------------------------------------------------------------------------
# The index
# ----------------------------------------------------------------------------------------------


class SearchIndex:
    """An immutable index over many `SearchDoc`s; safe to build in one thread, query in another."""

    __slots__ = ("_docs", "_ranks", "_segments")

    def __init__(self, docs: Iterable[SearchDoc]) -> None:
        ranked = [(_static_rank(doc), doc) for doc in docs]
        ranked.sort(key=lambda pair: -pair[0])  # stable: input order breaks ties
        self._docs: list[SearchDoc] = [doc for _, doc in ranked]
        self._ranks = array("d", [rank for rank, _ in ranked])
        del ranked
        self._segments: list[_Segment] = []
        canonical: dict[str, str] = {}  # one str object per distinct word across segments
        grams: defaultdict[int, list[int]] = defaultdict(list)
        words: defaultdict[str, list[int]] = defaultdict(list)
        base = volume = 0
        for doc_id, doc in enumerate(self._docs):
            local = doc_id - base
            codes, doc_words = _doc_keys(doc.text)
            # C-level loops: these two lines run once per posting, millions of times.
            deque(map(list.append, map(grams.__getitem__, codes), repeat(local)), maxlen=0)
            doc_words = set(map(canonical.setdefault, doc_words, doc_words))
            deque(map(list.append, map(words.__getitem__, doc_words), repeat(local)), maxlen=0)
            volume += len(codes) + len(doc_words)
            # Close a segment by size or by postings, which bounds the build's transient memory.
            if local + 1 == _SEGMENT_SIZE or volume >= _SEGMENT_POSTINGS:
                self._segments.append(_Segment(base, grams, words))
                grams.clear()
                words.clear()
                base, volume = doc_id + 1, 0
        if grams or words or base < len(self._docs):
            self._segments.append(_Segment(base, grams, words))

    def __len__(self) -> int:
        return len(self._docs)

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """The best `limit` hits for `query`, best first; [] for a blank query."""
        if limit <= 0:
            return []
        terms = _parse(query)
        if not terms:
            return []
        top: list[tuple[float, int, int, bool]] = []  # min-heap of (score, -id, line, fuzzy)
        self._scan(terms, limit, top, fuzzy=False)
        if len(top) < limit and any(t.fuzzy_codes for t in terms):
            self._scan(terms, limit, top, fuzzy=True)
        hits: list[SearchHit] = []
        for score, neg_id, line, fuzzy in sorted(top, reverse=True):
            doc = self._docs[-neg_id]
            lines = doc.text.split("\n")
            raw = lines[line] if line < len(lines) else lines[0]
            fragment, spans = _fragment(raw, terms, fuzzy)
            hit_line = doc.line + line if doc.line is not None else None
            hits.append(SearchHit(doc, score, hit_line, fragment, spans))
        return hits

    def _scan(
        self,
        terms: Sequence[_Term],
        limit: int,
        top: list[tuple[float, int, int, bool]],
        *,
        fuzzy: bool,
    ) -> None:
        """Walk candidates in static-rank order, keeping the best `limit` in `top`."""
        # The most a doc still to come can score on top of its static rank.
        reach = _TERM_WEIGHT * (len(terms) - fuzzy) + _MAX_BONUS
        ranks = self._ranks
        found = 0
        budget = 2 * limit  # hits: `limit` plus as many again of look-ahead for the bonus
        work = 0
        max_work = _FUZZY_WORK if fuzzy else _EXACT_WORK
        for seg in self._segments:
            if len(top) >= limit and ranks[seg.base] + reach <= top[0][0]:
                return
            cands = _fuzzy_candidates(seg, terms) if fuzzy else _exact_candidates(seg, terms)
            for local in sorted(cands):
                doc_id = seg.base + local
                if len(top) >= limit and ranks[doc_id] + reach <= top[0][0]:
                    return
                doc = self._docs[doc_id]
                work += len(doc.text) + _WORK_PER_DOC
                if work > max_work:
                    return
                verdict = _judge(doc.text, terms, fuzzy, doc.field == "body")
                if verdict is None:
                    continue
                score = _TERM_WEIGHT * verdict.exact_terms + ranks[doc_id] + verdict.bonus
                entry = (score, -doc_id, verdict.line, fuzzy)
                if len(top) < limit:
                    heapq.heappush(top, entry)
                else:
                    heapq.heappushpop(top, entry)
                found += 1
                if found >= budget:
                    return
