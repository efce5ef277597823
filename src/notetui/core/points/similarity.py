"""How alike two points are: the key they are compared by, and a 0-100 score."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from notetui.core.text import fold

_INLINE_NOISE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|https?://\S+|[`*_~]")
_SPACES_PUNCT = re.compile(r"[\s\W_]+")


@lru_cache(maxsize=65536)
def match_text(text: str) -> str:
    """What a point is compared by: folded, no link targets, no punctuation or spaces."""
    plain = _INLINE_NOISE.sub(lambda m: m.group(1) or "", text)
    return _SPACES_PUNCT.sub("", fold(plain))


def point_similarity(a: str, b: str) -> float:
    """0-100 for two `match_text` keys; short points must match closely."""
    return similarity(Key.of(a), Key.of(b))


@dataclass(frozen=True, slots=True)
class Key:
    """A `match_text` key with what scoring it needs, computed once per point."""

    text: str
    bigrams: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Key:
        return cls(text, frozenset(text[i : i + 2] for i in range(len(text) - 1)))


def similarity(key_a: Key, key_b: Key) -> float:
    """`point_similarity` of two prepared keys."""
    a, b = key_a.text, key_b.text
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    shorter, longer = (len(a), len(b)) if len(a) <= len(b) else (len(b), len(a))
    score = Indel.normalized_similarity(a, b) * 100
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if shorter < 8 and short not in long_:
        # "楽になった" and "Certifiedになった" share a verb ending, not a point.
        return score
    if shorter >= 4:
        # "データ更新に半日" inside "データ更新のシェルは半日かかっていた".
        partial = fuzz.partial_ratio(a, b) * _partial_weight(shorter, longer)
        score = max(score, partial)
    bigrams_a, bigrams_b = key_a.bigrams, key_b.bigrams
    if bigrams_a and bigrams_b:
        dice = 2 * len(bigrams_a & bigrams_b) / (len(bigrams_a) + len(bigrams_b))
        score = max(score, dice * 100)
    if shorter <= 3:
        score *= 0.8  # "API" vs "APIs": too little to go on
    return score


def _partial_weight(shorter: int, longer: int) -> float:
    """A short key found inside a long one counts for less the longer the other is."""
    return min(1.0, 0.5 + shorter / longer * 0.75)


def best_possible(length_a: int, length_b: int) -> float:
    """The highest `point_similarity` two keys of these lengths can reach, so that
    pairs too far apart in length are never scored.

    Exact for the edit-distance and partial-match parts. The bigram part is bounded
    as if no key repeated a bigram: a key that repeats itself many times over
    ("ーーーーー", "wwwwww") could score higher against a much shorter one, and such a
    pair is not worth aligning anyway.
    """
    shorter, longer = sorted((length_a, length_b))
    if shorter == 0:
        return 0.0
    if shorter == longer:
        return 100.0
    # Indel: at most `shorter` characters in common. Distinct bigrams give a lower
    # bound than that, so the edit-distance figure covers them.
    best = 200 * shorter / (shorter + longer)
    if shorter >= 4:
        best = max(best, 100 * _partial_weight(shorter, longer))
    if shorter <= 3:
        best *= 0.8
    return best
