"""What an annotation or a tag set is about: a talk or an event of a library.

`resolve` finds one from what a user typed: any id a talk answers to, an event id,
or a title query (case- and width-insensitive; every word inside one of its titles,
or failing that a fuzzy match that clearly beats every other).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from rapidfuzz import fuzz

from notetui.core.models import Event, Library, Source, Talk
from notetui.core.text import title_key

__all__ = [
    "NoSuchTarget",
    "Target",
    "closest",
    "event_target",
    "match_titles",
    "resolve",
    "talk_target",
    "target_by_id",
]

X = TypeVar("X")

FUZZY_MATCH = 80.0  # a title query this close (0-100) to a title can pick it
FUZZY_LEAD = 10.0  # ...when it beats the next talk by this much
CLOSEST_SHOWN = 8  # candidates offered for a query that matches nothing


@dataclass(frozen=True)
class Target:
    """A talk or an event, with what an annotation or tag set remembers of it."""

    kind: str  # "talk" | "event"
    id: str
    title: str
    titles: tuple[str, ...]  # its other titles
    event: Event
    talk: Talk | None = None

    @property
    def sources(self) -> tuple[Source, ...]:
        """The note sections a passage of this target can be quoted from: a talk's
        sources, or an event's own sections (intro, impressions, links)."""
        if self.talk is not None:
            return self.talk.sources
        return self.event.sections

    @property
    def described(self) -> str:
        """'Title' (event, date), for messages."""
        if self.kind == "event":
            return f"{self.title!r} ({self.event.date or 'undated'})"
        return f"{self.title!r} ({self.event.title}, {self.event.date or 'undated'})"


def talk_target(library: Library, talk: Talk) -> Target:
    return Target("talk", talk.id, talk.title, talk.aliases, library.event_of(talk), talk)


def event_target(event: Event) -> Target:
    return Target("event", event.id, event.title, event.aliases, event)


def target_by_id(library: Library, target_id: str) -> Target | None:
    """The talk (or else the event) that answers to `target_id`, as the app knows it."""
    talk = library.talk(target_id)
    if talk is not None:
        return talk_target(library, talk)
    event = library.event(target_id)
    return None if event is None else event_target(event)


class NoSuchTarget(ValueError):
    """A query that names no talk or event, or several: `candidates` are what it could
    mean (talks or events), for the user to pick from."""

    def __init__(self, message: str, candidates: Sequence[Talk | Event] = ()) -> None:
        super().__init__(message)
        self.candidates = tuple(candidates)


def resolve(library: Library, query: str, *, event: bool = False) -> Target:
    """The one talk (or, with `event`, event) `query` names; NoSuchTarget otherwise."""
    query = query.strip()
    if not query:
        raise NoSuchTarget("an empty TALK: give an id from `notetui list --json` or a title")
    if not event and (talk := library.talk(query)) is not None:
        return talk_target(library, talk)
    if (found := library.event(query)) is not None:
        return event_target(found)
    items: list[tuple[Talk | Event, tuple[str, ...]]]
    if event:
        items = [(e, (e.title, *e.aliases)) for e in library.events]
        what = "event"
    else:
        items = [(t, (t.title, *t.aliases)) for t in library.talks]
        what = "talk"
    chosen, candidates = match_titles(query, items)
    if len(chosen) == 1:
        one = chosen[0]
        return talk_target(library, one) if isinstance(one, Talk) else event_target(one)
    if candidates:
        message = f"{query!r} matches {len(candidates)} {what}s; give its id or more of its title"
        raise NoSuchTarget(message, candidates)
    message = f"no {what} matches {query!r}"
    events = [(e, (e.title, *e.aliases)) for e in library.events]
    if not event and any(match_titles(query, events)):
        message += " (an event does: add --event)"
    nearest = closest(query, items)
    if nearest:
        message += "; the closest are below"
    raise NoSuchTarget(message, nearest)


def match_titles(query: str, items: Sequence[tuple[X, Sequence[str]]]) -> tuple[list[X], list[X]]:
    """(chosen, candidates) for a title query: `chosen` holds one item when the query
    picks it; otherwise `candidates` are the items it matches equally well (maybe none).

    In order: the whole title; every word of the query inside one of its titles; a
    fuzzy match that clearly beats every other.
    """
    key = title_key(query)
    if not key:
        return [], []
    words = [w for w in (title_key(word) for word in query.split()) if w]
    keyed = [(item, [k for k in map(title_key, names) if k]) for item, names in items]
    exact = [item for item, keys in keyed if key in keys]
    if exact:
        return (exact if len(exact) == 1 else []), exact
    inside = [item for item, keys in keyed if all(any(w in k for k in keys) for w in words)]
    if inside:
        return (inside if len(inside) == 1 else []), inside
    if len(key) < 3:
        return [], []
    scored = sorted(
        ((max(fuzz.WRatio(key, k) for k in keys), n) for n, (_, keys) in enumerate(keyed) if keys),
        reverse=True,
    )
    hits = [(score, n) for score, n in scored if score >= FUZZY_MATCH]
    if not hits:
        return [], []
    if len(hits) == 1 or hits[0][0] - hits[1][0] >= FUZZY_LEAD:
        return [keyed[hits[0][1]][0]], [keyed[hits[0][1]][0]]
    best = hits[0][0]
    return [], [keyed[n][0] for score, n in hits if best - score < FUZZY_LEAD]


def closest(query: str, items: Sequence[tuple[X, Sequence[str]]]) -> list[X]:
    """The items whose titles look most like `query`, for a query that matched none."""
    key = title_key(query)
    if not key:
        return []
    scored = []
    for n, (_, names) in enumerate(items):
        keys = [k for k in map(title_key, names) if k]
        if keys:
            scored.append((max(fuzz.WRatio(key, k) for k in keys), n))
    scored.sort(reverse=True)
    return [items[n][0] for score, n in scored[:CLOSEST_SHOWN] if score >= 50]
