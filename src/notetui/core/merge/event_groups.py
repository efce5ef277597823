"""Which notes describe the same event, and the day it began.

Two notes are candidates for the same event only when they share a blocking key
(the event URL, the date, the exact name, or several rare trigrams of their event
and talk titles), so the cost grows with the library, not with its square. A
candidate pair is the same event when the event names agree as words and numbers
(`event_names.compare_names`: "SREcon Europe 2017" is "SRECon17 Europe", "#11" is
not "#26"), when two wordings of a name give days that agree, or when their talk
lists line up, which is how a relay under another name is recognised. The days
notes give for one event may differ by its span (a conference's Day 1 and Day 3);
beyond that they are never joined. An event is dated by the earliest day its notes
give for it: a note on Day 2 gives a later one.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from notetui.core.parse.event_names import (
    DIFFERENT,
    LIKELY,
    SAME,
    UNKNOWN,
    EventName,
    compare_names,
)

if TYPE_CHECKING:  # merging imports this module; its types are only annotations here
    from notetui.core.merge.merging import MergeSettings, NoteDigest

Checkpoint = Callable[[], None]  # raises to stop a long merge
# The scores of the talk pairs two notes' talk lists align (merging._aligned_scores).
AlignedTalks = Callable[["NoteDigest", "NoteDigest", "MergeSettings"], list[float]]

_RELAY = re.compile(
    r"中継|サテライト|satellite|relay|パブリックビューイング|viewing|同時開催", re.I
)
_RARE_GRAMS_PER_TITLE = 3
# A key shared by more notes than this says little; such pairs are left to other keys.
_MAX_GRAM_BLOCK = 24
_MAX_DIRECT_BLOCK = 64  # notes sharing a URL, a date or an exact name
_MIN_SHARED_KEYS = 2


class _Groups:
    """Union-find over notes that refuses to join groups with conflicting dates: the
    days notes give for their event may differ by the event's span (a conference's
    Day 1 and Day 3), post dates by the slack after it."""

    def __init__(self, digests: Sequence[NoteDigest], slack_days: int, span_days: int) -> None:
        self.parent = list(range(len(digests)))
        self.explicit: list[set[dt.date]] = [
            {d.date} if d.date and d.explicit else set() for d in digests
        ]
        self.any_dates: list[set[dt.date]] = [{d.date} if d.date else set() for d in digests]
        self.slack = dt.timedelta(days=slack_days)
        self.span = dt.timedelta(days=span_days)

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def compatible(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        explicit = self.explicit[ra] | self.explicit[rb]
        if self.explicit[ra] and self.explicit[rb] and max(explicit) - min(explicit) > self.span:
            return False
        dates_a, dates_b = self.any_dates[ra], self.any_dates[rb]
        if dates_a and dates_b:
            return any(abs(x - y) <= self.slack for x in dates_a for y in dates_b)
        return True

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        keep, gone = min(ra, rb), max(ra, rb)
        self.parent[gone] = keep
        self.explicit[keep] |= self.explicit[gone]
        self.any_dates[keep] |= self.any_dates[gone]


def group_notes(
    digests: Sequence[NoteDigest],
    settings: MergeSettings,
    aligned: AlignedTalks,
    check: Checkpoint | None = None,
) -> list[list[NoteDigest]]:
    """Notes grouped by the event they describe, each group in note order."""
    scored = []
    for count, (a, b) in enumerate(_candidate_pairs(digests)):
        if check is not None and count % 2048 == 0:
            check()
        strength = _same_event(digests[a], digests[b], settings, aligned)
        if strength > 0:
            scored.append((-strength, a, b))
    groups = _Groups(digests, settings.date_slack_days, settings.event_span_days)
    for _, a, b in sorted(scored):
        if groups.compatible(a, b):
            groups.union(a, b)
    members: dict[int, list[NoteDigest]] = defaultdict(list)
    for d in digests:
        members[groups.find(d.position)].append(d)
    return [members[root] for root in sorted(members)]


def _candidate_pairs(digests: Sequence[NoteDigest]) -> set[tuple[int, int]]:
    """Pairs of notes that share the event URL, the date, the exact event name, or
    several of the rarest trigrams of their event and talk titles. Rare trigrams keep
    blocks small while two wordings of one title still share some of them."""
    grams_of: list[list[set[str]]] = []
    frequency: Counter[str] = Counter()
    for d in digests:
        titles = [trigrams("e" + d.event_key)] + [trigrams("t" + k) for k in d.talk_keys]
        grams_of.append(titles)
        frequency.update(set().union(*titles))
    blocks: dict[str, list[int]] = defaultdict(list)
    for d, titles in zip(digests, grams_of, strict=True):
        keys = set()
        if d.url:
            keys.add("u" + d.url)
        if d.date:
            keys.add("d" + d.date.isoformat())
        if len(d.event_key) >= 4:
            keys.add("n" + d.event_key)  # the very same name
        for grams in titles:
            shared = [g for g in grams if frequency[g] > 1]
            shared.sort(key=lambda g: (frequency[g], zlib.crc32(g.encode())))
            keys.update(shared[:_RARE_GRAMS_PER_TITLE])
        for key in keys:
            blocks[key].append(d.position)
    pairs: set[tuple[int, int]] = set()
    shared_keys: Counter[tuple[int, int]] = Counter()
    for key, members in blocks.items():
        direct = key[0] in "udn"
        if len(members) < 2 or len(members) > (_MAX_DIRECT_BLOCK if direct else _MAX_GRAM_BLOCK):
            continue
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if direct:
                    pairs.add((a, b))
                else:
                    shared_keys[a, b] += 1
    # One shared rare trigram is chance; the same talk or event name shares several.
    pairs.update(pair for pair, count in shared_keys.items() if count >= _MIN_SHARED_KEYS)
    return pairs


def trigrams(key: str) -> set[str]:
    # Interned: a big library repeats the same few trigrams millions of times.
    kind, text = key[0], key[1:]
    if len(text) < 3:
        return {sys.intern(key)} if text else set()
    return {sys.intern(kind + text[i : i + 3]) for i in range(len(text) - 2)}


def _same_event(
    a: NoteDigest, b: NoteDigest, settings: MergeSettings, aligned_talks: AlignedTalks
) -> float:
    """How sure we are that two notes describe one event; 0 when they do not."""
    gap = abs(a.date - b.date).days if a.date and b.date else None
    both_explicit = a.explicit and b.explicit and gap is not None
    if both_explicit and gap is not None and gap > settings.event_span_days:
        return 0.0
    names = compare_names(a.name, b.name)
    if names == DIFFERENT:
        return 0.0  # the same series, another episode or year: #4 is not #5
    if a.url and a.url == b.url:
        return 300.0
    episode_clash = bool(a.numbers and b.numbers and a.numbers.isdisjoint(b.numbers))
    title = 0.0
    if len(a.event_key) >= 4 and len(b.event_key) >= 4 and _alike_names(a.name, b.name, names):
        title = event_title_similarity(a.event_key, b.event_key, a.event_words, b.event_words)
    if episode_clash and title >= 60:
        return 0.0
    if title >= settings.event_title or names == SAME:
        return 200.0 + title
    # Two wordings of one name ("RubyKaigi 2019 in 福岡", "YouGoto RubyKaigi 2019"):
    # the same event when the days they give agree too.
    if names == LIKELY and gap is not None and gap <= settings.date_slack_days:
        return 150.0 + title / 10
    if both_explicit and gap:
        return 0.0  # different days of one event are told by its name, never by talks
    # Talks in common: the same evening, perhaps relayed under another name.
    aligned = aligned_talks(a, b, settings)
    strong = [s for s in aligned if s >= settings.talk_strong]
    weak = [s for s in aligned if settings.talk_match <= s < settings.talk_strong]
    same_day = a.date is not None and a.date == b.date
    smaller = min(len(a.talks), len(b.talks))
    if (
        len(strong) >= 2
        or (strong and same_day and (weak or smaller == 1))
        # One talk noted, the very same title and speaker: a short relay note.
        or (smaller == 1 and strong and max(strong) >= settings.talk_certain)
    ):
        return 100.0 + sum(strong) / 10
    return 0.0


def _alike_names(a: EventName, b: EventName, relation: int) -> bool:
    """Whether the names' spelling may decide: not when all they share is common
    words and each has a word of its own ("Tokyo Rust Meetup #3", "Tokyo Go Meetup
    #3"), unless those words are one word misspelt ("Kubernets", "Kubernetes")."""
    if relation != UNKNOWN:
        return True
    own_a, own_b = a.words - b.words, b.words - a.words
    if not own_a or not own_b:
        return True
    return fuzz.ratio(" ".join(sorted(own_a)), " ".join(sorted(own_b))) >= 80


def event_title_similarity(a: str, b: str, words_a: str = "", words_b: str = "") -> float:
    """Names of one event: "Sendai DevOps #26" and "Sendai DevOps #26 PagerDuty入門"."""
    score = fuzz.ratio(a, b)
    shorter = min(len(a), len(b))
    if shorter >= 8 and (a.startswith(b) or b.startswith(a)):
        score = max(score, 92.0)
    if words_a and words_b and shorter >= 8:
        score = max(score, fuzz.token_set_ratio(words_a, words_b))
    return score


def event_titles(notes: Sequence[NoteDigest]) -> tuple[str, list[str]]:
    """The event's main name and its other names, distinct by matching key."""
    named = [d for d in notes if d.note.event.title]
    if not named:
        return notes[0].note.name, []
    counts = Counter(d.event_key for d in named)

    def rank(d: NoteDigest) -> tuple[bool, int, bool, int]:
        title = d.note.event.title or ""
        # A relay's name is the relay's; the original event's name is the better title.
        relay = bool(_RELAY.search(title))
        return (not relay, counts[d.event_key], d.note.event.date_is_explicit, -len(title))

    best = max(named, key=rank)
    title = best.note.event.title or ""
    aliases: list[str] = []
    seen = {best.event_key}
    for d in named:
        if d.event_key not in seen:
            seen.add(d.event_key)
            aliases.append(d.note.event.title or "")
    return title, aliases


def event_date(group: Sequence[NoteDigest]) -> str | None:
    """The event's first day: the earliest day its notes give for it (a note on Day 2
    gives a later one), else the earliest post date (posts trail the event)."""
    explicit = [d.date for d in group if d.date and d.explicit]
    if explicit:
        return min(explicit).isoformat()
    loose = [d.date for d in group if d.date]
    return min(loose).isoformat() if loose else None
