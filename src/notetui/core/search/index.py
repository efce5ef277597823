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

The pieces: `folding.py` (NFKC + casefold, character classes, a doc's index keys),
`query.py` (a query's terms), `matching.py` (verifying and scoring one doc, and the
fragment a hit shows); the segments, the walk and the ranking are here.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, repeat
from typing import Final

from notetui.core.search.folding import doc_keys
from notetui.core.search.matching import fragment_of, judge
from notetui.core.search.query import Term, parse_query

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
# The most matching.judge adds: 0.15 quality + 0.15 terms on one line + 0.05 at start
# + 0.1 short line
_MAX_BONUS: Final = 0.45

_SEGMENT_SIZE: Final = 8192  # docs; local ids must fit array("H")
_SEGMENT_POSTINGS: Final = 1 << 20  # and at most about this many postings
# What verifying candidates may cost per query, in characters of doc text (about 17 ns each),
# plus a fixed cost per doc. Only reached when the index cannot tell a hit from a miss (a
# phrase like "node.js", a long CJK term), or for partial matches, which are a fallback.
_WORK_PER_DOC: Final = 100
_EXACT_WORK: Final = 1_200_000
_FUZZY_WORK: Final = 400_000


def _static_rank(doc: SearchDoc) -> float:
    tier = _TIERS.get(doc.field, _DEFAULT_TIER)
    if doc.field == "body":  # every body is long; keep them in input (library) order
        return tier
    return tier + _MAX_LENGTH_PART * 16.0 / (16.0 + len(doc.text))


# ----------------------------------------------------------------------------------------------
# Candidates: the inverted index of a segment of docs, and what a query needs of it
# ----------------------------------------------------------------------------------------------


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


def _term_lists(seg: _Segment, term: Term) -> list[array[int]] | None:
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


def _exact_candidates(seg: _Segment, terms: Sequence[Term]) -> set[int]:
    lists: list[array[int]] = []
    for term in terms:
        found = _term_lists(seg, term)
        if found is None:
            return set()
        lists.extend(found)
    return _intersect(lists)


def _fuzzy_candidates(seg: _Segment, terms: Sequence[Term]) -> set[int]:
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
            codes, doc_words = doc_keys(doc.text)
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
        terms = parse_query(query)
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
            fragment, spans = fragment_of(raw, terms, fuzzy)
            hit_line = doc.line + line if doc.line is not None else None
            hits.append(SearchHit(doc, score, hit_line, fragment, spans))
        return hits

    def _scan(
        self,
        terms: Sequence[Term],
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
                verdict = judge(doc.text, terms, fuzzy, doc.field == "body")
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
