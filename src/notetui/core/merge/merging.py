"""Merging notes: which notes describe the same event, and which of their talks are the same.

Events: `event_groups` decides which notes describe one event (by their names as
words and numbers, their days, or the talks they share) and dates it.

Talks. Within an event, each note's talks are aligned with the talks gathered so
far by an order-aware alignment (every note gives its talks in time order), scoring
title similarity, shared speakers, the same time slot and shared terms in the notes
themselves; talks.py adds what helps when titles say little (a keynote titled only
"基調講演", a speaker written by a part of their handle, a nickname under a quoted
title). A note gives two talks to one merged talk only when it notes one talk twice.

Ids. Every source gets a key from what it says (its event's name and date, its
title), never from its file path, so renaming a note keeps every id. A talk's id
is the smallest key among its sources, and a talk answers to all of its sources'
keys, so an id printed earlier still finds the talk after another note is added.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from notetui.core.merge import event_groups
from notetui.core.merge import talks as within
from notetui.core.merge.event_groups import trigrams
from notetui.core.models import (
    Event,
    Note,
    Section,
    SectionKind,
    Source,
    Speaker,
    Talk,
)
from notetui.core.parse.event_names import EventName, event_name
from notetui.core.parse.speakers import merge_speakers
from notetui.core.text import fold, title_key


@dataclass(frozen=True)
class MergeSettings:
    """Thresholds, tuned on the corpus and the synthetic library; overridable in config."""

    talk_match: float = 58.0  # pair two talks in the alignment at or above this score
    talk_strong: float = 80.0  # a pair this good counts as evidence of the same event
    talk_reorder: float = 90.0  # pair out of order only at or above this
    talk_certain: float = 110.0  # same title and same speaker
    event_title: float = 88.0  # event names this similar are the same event
    date_slack_days: int = 7  # a post date may trail the event by this much
    event_span_days: int = 4  # one event's notes may give days this far apart (Day 1, Day 3)


_NUMBERS = re.compile(
    r"(?:#|＃|vol\.?|no\.?|第|part|ep\.?|episode)\s*(\d+)|(?<!\d)(\d+)\s*(?:回|th|st|nd|rd)\b"
    r"|\b((?:19|20)\d{2})\b",
    re.IGNORECASE,
)
_TERM = re.compile(r"[a-z][a-z0-9+#.\-]{2,}|[ァ-ヴー]{3,}|[\u4e00-\u9fff々]{2,}")
_STOP_TERMS = frozenset(
    (
        "the",
        "and",
        "for",
        "with",
        "this",
        "that",
        "from",
        "are",
        "was",
        "were",
        "have",
        "has",
        "not",
        "but",
        "you",
        "your",
        "our",
        "their",
        "http",
        "https",
        "www",
        "com",
        "org",
        "net",
        "html",
        "about",
        "into",
        "when",
        "what",
        "which",
        "will",
        "can",
        "also",
        "more",
        "than",
        "then",
        "there",
    )
)
Checkpoint = Callable[[], None]  # raises to stop a long merge


@dataclass
class NoteDigest:
    """What merging needs from one note, computed once."""

    position: int
    note: Note
    event_key: str  # title_key of the event's name
    numbers: frozenset[str]
    date: dt.date | None
    explicit: bool
    url: str | None
    talks: list[Section]
    talk_keys: list[str]
    event_words: str = ""  # the event's name folded, spaces kept, for token matching
    name: EventName = field(default_factory=lambda: event_name(""))  # words and numbers
    talk_marks: list[tuple[frozenset[str], frozenset[str]]] = field(default_factory=list)
    talk_grams: list[set[str]] = field(default_factory=list)
    terms: list[Counter[str]] = field(default_factory=list)  # per group, see _set_vectors
    vectors: list[dict[str, float]] = field(default_factory=list)  # per group, see _vectors
    traits: list[within.Traits] = field(default_factory=list)  # per group, see cluster_talks


def digest(position: int, note: Note) -> NoteDigest:
    event = note.event
    title = event.title or ""
    talks = list(note.talks)
    return NoteDigest(
        position=position,
        note=note,
        event_key=title_key(title),
        numbers=_numbers(title),
        date=dt.date.fromisoformat(event.date) if event.date else None,
        explicit=event.date_is_explicit,
        url=_url_key(event.url),
        talks=talks,
        talk_keys=(keys := [title_key(t.title) for t in talks]),
        event_words=fold(title),
        name=event_name(title),
        talk_grams=[trigrams("t" + key) for key in keys],
        talk_marks=[_title_marks(key) for key in keys],
        terms=[],  # grouping never needs them: cluster_talks fills them per group
        vectors=[],
    )


def _numbers(title: str) -> frozenset[str]:
    found = set()
    for match in _NUMBERS.finditer(fold(title)):
        # "007" and "7" are one number; lstrip, not int(): a 5,000-digit run is text too.
        found.add(next(g for g in match.groups() if g).lstrip("0") or "0")
    return frozenset(found)


def _url_key(url: str | None) -> str | None:
    if not url:
        return None
    return re.sub(r"^https?://(www\.)?|[/#?]+$", "", url.strip().casefold())


def _terms(body: str) -> Counter[str]:
    folded = fold(body[:20000])
    return Counter(t for t in _TERM.findall(folded) if t not in _STOP_TERMS)


# --------------------------------------------------------------------------- events


def group_events(
    digests: Sequence[NoteDigest], settings: MergeSettings, check: Checkpoint | None = None
) -> list[list[NoteDigest]]:
    """Notes grouped by the event they describe, each group in note order (see
    `event_groups`; the talks two notes share are weighed by `_aligned_scores`)."""
    return event_groups.group_notes(digests, settings, _aligned_scores, check)


# ----------------------------------------------------------------------------- talks


@dataclass
class _Cluster:
    members: list[tuple[NoteDigest, int]]  # (note digest, index of its talk)


def _aligned_scores(a: NoteDigest, b: NoteDigest, settings: MergeSettings) -> list[float]:
    """Scores of the talk pairs the alignment of two notes' talk lists makes.

    Only pairs that share a few title trigrams are scored at all, which keeps the
    event decision cheap for the thousands of candidate pairs in a big library.
    """
    matrix = [[0.0] * len(b.talks) for _ in a.talks]
    for i, grams_a in enumerate(a.talk_grams):
        for j, grams_b in enumerate(b.talk_grams):
            shared = len(grams_a & grams_b)
            if shared >= 2 and shared * 4 >= min(len(grams_a), len(grams_b)):
                matrix[i][j] = talk_score((a, i), (b, j))
    pairs = _align(matrix, settings)
    return [matrix[i][j] for i, j in pairs]


def cluster_talks(group: Sequence[NoteDigest], settings: MergeSettings) -> list[_Cluster]:
    """The group's talks merged across notes, in event order.

    Each note's talks are aligned with the clusters so far. A note gives one talk to
    a cluster, unless it notes one talk twice (a keynote in full, then as "Matz
    Keynote" in a list): `within.note_units` makes those one row."""
    ordered = sorted(group, key=lambda d: (-len(d.talks), d.note.path))
    _set_vectors(group)
    for d in group:
        d.traits = [within.traits(t, k) for t, k in zip(d.talks, d.talk_keys, strict=True)]
    clusters: list[_Cluster] = []
    for d in ordered:
        if not d.talks:
            continue
        rows = [[(d, i) for i in unit] for unit in within.note_units(d.traits)]
        matrix = _score_matrix(rows, [c.members for c in clusters], with_bodies=True)
        pairs = _align(matrix, settings) if clusters else []
        matched = {i: j for i, j in pairs}
        used = set(matched.values())
        for i in range(len(rows)):  # a clearly same talk told out of order
            if i in matched:
                continue
            best = max(
                ((matrix[i][j], j) for j in range(len(clusters)) if j not in used),
                default=(0.0, -1),
            )
            if best[0] >= settings.talk_reorder:
                matched[i] = best[1]
                used.add(best[1])
        _fill_anchored(matched, rows, clusters, matrix)
        for i, j in matched.items():
            clusters[j].members.extend(rows[i])
        clusters = _insert_unmatched(clusters, rows, matched)
    for d in group:  # only this group's clustering needed them
        d.terms, d.vectors, d.traits = [], [], []
    return clusters


def _fill_anchored(
    matched: dict[int, int],
    rows: list[list[tuple[NoteDigest, int]]],
    clusters: list[_Cluster],
    matrix: list[list[float]],
) -> None:
    """Pair a keynote titled only "基調講演" with the keynote in the same place of the
    other notes: in the same gap between talks both give (or between one and the same
    end of both lists), when that gap holds one talk of that role on each side. Only
    talks of a lone role, one of them a placeholder, are paired this way: in the same
    gap of a conference with tracks, two notes may well have seen other talks."""
    anchors = sorted(matched.items())
    if not anchors or any(b[1] <= a[1] for a, b in pairwise(anchors)):
        return  # no talk in common, or one paired out of order: no gaps to speak of
    bounds = [(-1, -1), *anchors, (len(rows), len(clusters))]
    for (row_from, col_from), (row_to, col_to) in pairwise(bounds):
        lone_rows: dict[str | None, list[int]] = defaultdict(list)
        for i in range(row_from + 1, row_to):
            for role in {within.lone_role(d.traits[k]) for d, k in rows[i]} - {None}:
                lone_rows[role].append(i)
        lone_cols: dict[str | None, list[int]] = defaultdict(list)
        for j in range(col_from + 1, col_to):
            for role in {within.lone_role(m.traits[n]) for m, n in clusters[j].members} - {None}:
                lone_cols[role].append(j)
        for role, found in lone_rows.items():
            if len(found) != 1 or len(lone_cols.get(role, ())) != 1:
                continue
            i, j = found[0], lone_cols[role][0]
            if i in matched or matrix[i][j] < within.ROLE_PAIR:
                continue
            if any(
                within.alone_pair(d.traits[k], m.traits[n])
                for d, k in rows[i]
                for m, n in clusters[j].members
            ):
                matched[i] = j


def _insert_unmatched(
    clusters: list[_Cluster], rows: list[list[tuple[NoteDigest, int]]], matched: dict[int, int]
) -> list[_Cluster]:
    """Put a note's new talks right after the cluster its previous talk joined."""
    result = list(clusters)
    last = -1
    for i, row in enumerate(rows):
        if i in matched:
            target = clusters[matched[i]]
            last = next(k for k, cluster in enumerate(result) if cluster is target)
            continue
        last += 1
        result.insert(last, _Cluster(list(row)))
    return result


def _score_matrix(
    rows: list[list[tuple[NoteDigest, int]]],
    columns: list[list[tuple[NoteDigest, int]]],
    *,
    with_bodies: bool,
) -> list[list[float]]:
    return [
        [
            max(talk_score(r, m, with_bodies=with_bodies) for r in row for m in members)
            for members in columns
        ]
        for row in rows
    ]


def talk_score(
    a: tuple[NoteDigest, int], b: tuple[NoteDigest, int], *, with_bodies: bool = False
) -> float:
    """0-100+: how likely two notes' talks are the same talk.

    Deciding whether two notes are one event uses titles, speakers and slots only;
    merging within an event also weighs the terms the two notes share, the talks'
    roles, and people written differently (`within`).
    """
    da, ia = a
    db, ib = b
    ta, tb = da.talks[ia], db.talks[ib]
    score = title_similarity(da.talk_keys[ia], db.talk_keys[ib])
    score -= _clash(da.talk_marks[ia], db.talk_marks[ib])
    traits = with_bodies and bool(da.traits) and bool(db.traits)
    if traits:
        score = within.within_event(score, da.traits[ia], db.traits[ib])
    if _same_speaker(ta.speakers, tb.speakers) or (
        traits and within.same_people(da.traits[ia], db.traits[ib])
    ):
        score = max(score, 55.0) + 25.0
    if ta.time and tb.time:
        score += 8.0 if ta.time == tb.time else -12.0
    if with_bodies and da.vectors and db.vectors:
        score += 30.0 * _cosine(da.vectors[ia], db.vectors[ib])
    return score


_LATIN_WORD = re.compile(r"[a-z][a-z0-9+#.\-]{2,}")
_NUMBER = re.compile(r"\d+")
_SYNONYMS = {"kubernetes": "k8s", "javascript": "js", "typescript": "ts", "golang": "go"}


def _title_marks(key: str) -> tuple[frozenset[str], frozenset[str]]:
    """The words and numbers that tell two similar-looking titles apart."""
    words = frozenset(_SYNONYMS.get(w, w) for w in _LATIN_WORD.findall(key))
    return words, frozenset(_NUMBER.findall(key))


def _clash(
    a: tuple[frozenset[str], frozenset[str]], b: tuple[frozenset[str], frozenset[str]]
) -> float:
    """A penalty for titles built alike around different things: "Swiftでログ基盤を
    三年運用" and "SBOMでログ基盤を二年運用" differ in what matters."""
    penalty = 0.0
    words_a, words_b = a[0], b[0]
    if (
        words_a
        and words_b
        and not any(x.startswith(y) or y.startswith(x) for x in words_a for y in words_b)
    ):
        penalty += 25.0
    if a[1] and b[1] and a[1].isdisjoint(b[1]):
        penalty += 15.0
    return penalty


def title_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    score = Indel.normalized_similarity(a, b) * 100
    shorter, longer = sorted((len(a), len(b)))
    if shorter >= 6:
        # One title a shortened form of the other: "決済バッチを1年半運用" in a longer one.
        partial = fuzz.partial_ratio(a, b) * min(1.0, 0.55 + shorter / longer / 2)
        score = max(score, partial)
    return score


def _same_speaker(a: Sequence[Speaker], b: Sequence[Speaker]) -> bool:
    if not a or not b:
        return False
    handles_a = {s.handle.casefold() for s in a if s.handle}
    if handles_a & {s.handle.casefold() for s in b if s.handle}:
        return True
    names_a = {re.sub(r"\s+", "", fold(s.name)) for s in a}
    return bool(names_a & {re.sub(r"\s+", "", fold(s.name)) for s in b})


def _set_vectors(group: Sequence[NoteDigest]) -> None:
    """Unit tf-idf vectors of each talk's body, with idf over this event's talks."""
    frequency: Counter[str] = Counter()
    documents = 0
    for d in group:
        if len(d.terms) != len(d.talks):
            d.terms = [_terms(t.body) for t in d.talks]
        for terms in d.terms:
            frequency.update(terms.keys())
            documents += 1
    idf = {term: math.log((documents + 1) / count) for term, count in frequency.items()}
    for d in group:
        d.vectors = [_unit(terms, idf) for terms in d.terms]


def _unit(terms: Counter[str], idf: Mapping[str, float]) -> dict[str, float]:
    vector = {t: (1 + math.log(n)) * idf[t] for t, n in terms.items() if idf[t] > 0}
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {t: w / norm for t, w in vector.items()} if norm else {}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[t] for t, w in a.items() if t in b)


def _align(matrix: list[list[float]], settings: MergeSettings) -> list[tuple[int, int]]:
    """Order-preserving pairs of rows and columns that maximise the summed margin."""
    rows = len(matrix)
    cols = len(matrix[0]) if rows else 0
    if not rows or not cols:
        return []
    threshold = settings.talk_match
    best = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            take = (
                best[i + 1][j + 1] + matrix[i][j] - threshold + 1e-3
                if matrix[i][j] >= threshold
                else -1.0
            )
            best[i][j] = max(best[i + 1][j], best[i][j + 1], take)
    pairs = []
    i = j = 0
    while i < rows and j < cols:
        if (
            matrix[i][j] >= threshold
            and best[i][j] == best[i + 1][j + 1] + matrix[i][j] - threshold + 1e-3
        ):
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


# ------------------------------------------------------------------------ assembling


def note_event_key(note: Note) -> str:
    """A note's event key: from its event's name and date, never from its path if avoidable."""
    event = note.event
    if event.title or event.date:
        return _hash("event", title_key(event.title or ""), event.date or "")
    talks = sorted(title_key(t.title) for t in note.talks)
    if talks:
        return _hash("event-talks", *talks)
    # Nothing names the event: key it by what the note says, so that a rename or a
    # move keeps the id (the path is the last resort, for a note with no text at all).
    text = [f"{s.kind.value}:{title_key(s.title)}:{title_key(s.body)}" for s in note.sections]
    return _hash("event-text", *text) if text else _hash("event-path", note.path)


def build_events(notes: Sequence[Note], settings: MergeSettings | None = None) -> list[Event]:
    """The events of these notes, with their talks merged across notes."""
    settings = settings or MergeSettings()
    digests = [digest(i, note) for i, note in enumerate(notes)]
    return merge_groups(group_events(digests, settings), settings)


def merge_groups(
    groups: Iterable[Sequence[NoteDigest]],
    settings: MergeSettings,
    check: Checkpoint | None = None,
) -> list[Event]:
    """One event per group of notes (as `group_events` found them), talks merged.
    `check()` is called between groups and may raise to stop a long merge."""
    events = []
    for group in groups:
        if check is not None:
            check()
        events.append(_event(group, cluster_talks(group, settings)))
    return sort_events(events)


def sort_events(events: Iterable[Event]) -> list[Event]:
    """Newest first, undated last."""
    dated = sorted(
        (e for e in events if e.date), key=lambda e: (e.date or "", e.title), reverse=True
    )
    undated = sorted((e for e in events if not e.date), key=lambda e: e.title.casefold())
    return [*dated, *undated]


def _event(group: Sequence[NoteDigest], clusters: Sequence[_Cluster]) -> Event:
    by_path = sorted(group, key=lambda d: d.note.path)
    event_keys = {d.position: note_event_key(d.note) for d in group}
    event_id = "e" + min(event_keys.values())[:11]
    title, aliases = event_groups.event_titles(by_path)
    talks = [_talk(cluster, event_id, event_keys) for cluster in clusters]
    if all(t.time for t in talks):
        talks.sort(key=lambda t: t.time or "")
    sections = []
    for d in by_path:
        counts: Counter[str] = Counter()
        for section in d.note.sections:
            if section.kind is SectionKind.TALK:
                continue
            occurrence = counts[section.title]
            counts[section.title] += 1
            key = (
                "s"
                + _hash(
                    event_keys[d.position],
                    section.kind.value,
                    title_key(section.title),
                    str(occurrence),
                )[:11]
            )
            sections.append(_source(d, section, key))
    return Event(
        id=event_id,
        title=title,
        aliases=tuple(aliases),
        date=event_groups.event_date(group),
        venue=next((d.note.event.venue for d in by_path if d.note.event.venue), None),
        url=next((d.note.event.url for d in by_path if d.note.event.url), None),
        tags=tuple(dict.fromkeys(t for d in by_path for t in d.note.event.tags)),
        notes=tuple(d.note.path for d in by_path),
        talks=tuple(talks),
        sections=tuple(sections),
        keys=frozenset({event_id, *("e" + k[:11] for k in event_keys.values())}),
    )


def _talk(cluster: _Cluster, event_id: str, event_keys: dict[int, str]) -> Talk:
    members = sorted(cluster.members, key=lambda m: m[0].note.path)
    sources = []
    for d, index in members:
        section = d.talks[index]
        occurrence = sum(1 for k in d.talk_keys[:index] if k == d.talk_keys[index])
        key = "t" + _hash(event_keys[d.position], d.talk_keys[index], str(occurrence))[:11]
        sources.append(_source(d, section, key))
    # The title most notes give; a real one before a placeholder ("Matz Keynote").
    titles = Counter(title_key(s.title) for s in sources)
    placeholder = {s.key: within.is_placeholder(s.section) for s in sources}
    best = max(sources, key=lambda s: (not placeholder[s.key], titles[title_key(s.title)]))
    title = best.title
    return Talk(
        id=min(s.key for s in sources),
        event_id=event_id,
        title=title,
        sources=tuple(sources),
        time=next((s.section.time for s in sources if s.section.time), None),
        speakers=merge_speakers(s.section.speakers for s in sources),
        slides=tuple(dict.fromkeys(url for s in sources for url in s.section.slides)),
    )


def _source(d: NoteDigest, section: Section, key: str) -> Source:
    return Source(
        note=d.note.path,
        author=d.note.event.author,
        event_title=d.note.event.title,
        section=section,
        key=key,
    )


def _hash(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()
