"""What two notes' talks within one event have in common beyond their titles.

Notes title one talk very differently: "The Year of Concurrency (Keynote)" in one,
"Matz Keynote" or just "基調講演" in another, a nickname ("型の話") in a third. When
the titles say little, other things do:

- **the talk's role**, from the labels its title was written with or from a title
  that is nothing but a role (vocab/role_*.txt). A keynote or an invited talk is
  given alone in its slot, so two notes' keynotes in the same place of their talk
  lists are one talk; a keynote is never a lightning talk;
- **a placeholder title**, one that names only the role and the speaker ("Matz
  Keynote", "基調講演"): it has no words of its own to disagree with another title;
- **the same person** written differently: "Matz" is a part of the handle
  @yukihiro_matz, "まつもと" the family name of "まつもとゆきひろ";
- **a speaker named in the other note's text** ("基調講演はmatzの…"), or the same
  time slot, which a keynote has to itself;
- **the other note's title quoted in the body**, as a link card or a first line does;
- **the same slide deck** linked from both notes.

Nothing here decides alone: `merging.talk_score` adds these to the title score, and
`merging.cluster_talks` uses `note_units` (one note noting a talk twice) and
`lone_role` (the one keynote between two talks both notes share).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import urlsplit

from rapidfuzz import fuzz

from notetui.core.models import Section, Speaker
from notetui.core.parse import vocabulary
from notetui.core.text import fold, match_key, title_key

ROLES = ("keynote", "invited", "sponsor", "lightning")  # vocab/role_NAME.txt
# Given alone in their slot: the role itself can pair two placeholder-titled talks.
_ALONE = frozenset({"keynote", "invited"})

ROLE_PAIR = 45.0  # a placeholder title and another talk of the same lone role
MENTIONED = 15.0  # ...and a speaker of one is named in the other's text, or one slot
QUOTED = 62.0  # one note's title quoted at the head of the other's body
ROLE_CLASH = 20.0  # a keynote is not a lightning talk
SAME_DECK = (55.0, 25.0)  # the same deck linked: as good as the same speaker
_HEAD_CHARS = 400  # how much of a body is searched for names: who gives it comes first
_QUOTE_CHARS = 400  # ...and for a quoted title, which comes first if at all
_QUOTED_MIN = 16  # characters of a title key, for its quotation to count
_QUOTED_RATIO = 90.0
_NAME_PARTS = re.compile(r"[\s_.\-]+")
_LATIN = re.compile(r"[0-9a-z]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff々]")
_FILLER = re.compile(r"[\s\W_\d]+|^(?:by|from|with)$")  # what a placeholder may keep


@dataclass(frozen=True, slots=True)
class Traits:
    """What one talk offers beyond its title, computed once per clustering."""

    role: str | None
    placeholder: bool  # the title names only the role and the speakers
    people: tuple[Person, ...]  # the speakers, as keys to compare and find
    title: str  # title_key
    section: Section  # its title and the head of its body may name the speaker
    pieces: tuple[str, ...]  # of a title long enough to be found quoted
    decks: frozenset[str]  # its slide decks' addresses, as `_deck_key` writes them


def traits(section: Section, key: str) -> Traits:
    """The talk's traits; `key` is its title_key, which merging has already."""
    placeholder, title_role = _placeholder(section.title, section.speakers)
    # A title names the role only when that is all it says: "Keynoteの作り方" is no keynote.
    labelled = next((r for r in map(_role_of, section.labels) if r), None)
    role = labelled or (title_role if placeholder else None)
    # A quotation close enough leaves one of these pieces of the title as written:
    # looking for them first is much cheaper than the fuzzy match.
    pieces = tuple(key[k : k + 4] for k in range(0, len(key) - 3, 4))
    return Traits(
        role=role,
        placeholder=placeholder,
        people=tuple(_person(s) for s in section.speakers),
        title=key,
        section=section,
        pieces=pieces if len(key) >= _QUOTED_MIN else (),
        decks=frozenset(k for k in map(_deck_key, section.slides) if k),
    )


def is_placeholder(section: Section) -> bool:
    """Whether the section's title names only its role and speakers ("Matz Keynote")."""
    return _placeholder(section.title, section.speakers)[0]


def within_event(score: float, a: Traits, b: Traits) -> float:
    """The title score of two talks of one event, with what their roles, people and
    texts add to it."""
    if {a.role, b.role} >= {"lightning"} and {a.role, b.role} & _ALONE:
        score -= ROLE_CLASH
    if a.decks & b.decks:  # both notes link the same deck: the same talk
        score = max(score, SAME_DECK[0]) + SAME_DECK[1]
    if alone_pair(a, b):
        score = max(score, ROLE_PAIR)
        # A keynote is the only talk of its slot: the same slot says as much as a name.
        same_slot = a.section.time is not None and a.section.time == b.section.time
        if same_slot or _mentions(a, b) or _mentions(b, a):
            score += MENTIONED
    if score < QUOTED and not _other_people(a, b) and (_quotes(a, b) or _quotes(b, a)):
        score = QUOTED
    return score


def same_people(a: Traits, b: Traits) -> bool:
    """A speaker of one talk is a speaker of the other, however each note writes them."""
    return any(_same_person(x, y) for x in a.people for y in b.people)


def _other_people(a: Traits, b: Traits) -> bool:
    """Both name their speakers, in forms that can be compared (two handles, or two
    names in the same script), and no one is in both. "Matz" and "まつもとゆきひろ"
    cannot be told apart or together, so they say nothing."""
    if not a.people or not b.people or same_people(a, b):
        return False
    return any((x.handle and y.handle) or x.latin == y.latin for x in a.people for y in b.people)


def note_units(items: Sequence[Traits]) -> list[list[int]]:
    """One note's talks, with a talk it notes twice as one unit: a placeholder
    ("Matz Keynote") joins the talk of the same lone role and the same speaker that
    has a real title. Units are in note order, by their first talk."""
    joined: dict[int, int] = {}  # placeholder -> the talk it repeats
    for i, a in enumerate(items):
        if not a.placeholder or a.role not in _ALONE:
            continue
        twins = [
            j
            for j, b in enumerate(items)
            if j != i and not b.placeholder and b.role == a.role and same_people(a, b)
        ]
        if len(twins) == 1:  # two such talks by one person: which one is unclear
            joined[i] = twins[0]
    units: dict[int, list[int]] = {}
    for i in range(len(items)):
        units.setdefault(joined.get(i, i), []).append(i)
    return sorted((sorted(unit) for unit in units.values()), key=lambda unit: unit[0])


def alone_pair(a: Traits, b: Traits) -> bool:
    """Two talks of the same lone role, one titled only by it: the same talk when
    they sit in the same place of their notes."""
    if a.role is None or a.role != b.role or a.role not in _ALONE:
        return False
    if _other_people(a, b):
        return False  # each names its speaker, and they differ: two keynotes
    return a.placeholder or b.placeholder


def lone_role(item: Traits) -> str | None:
    """The talk's role if it is one given alone in its slot (a keynote)."""
    return item.role if item.role in _ALONE else None


# ---------------------------------------------------------------------------- roles


@cache
def _role_words() -> tuple[dict[str, str], re.Pattern[str], tuple[str, ...]]:
    """Every role word (folded) with its role, one pattern finding any of them, and
    the few words every role word contains one of ("keynote" in "opening keynote"),
    a cheap first test: most titles have none."""
    roles: dict[str, str] = {}
    for role in ROLES:
        for word in vocabulary.words(f"role_{role}"):
            roles.setdefault(word, role)
    parts = []
    for word in sorted(roles, key=lambda w: (-len(w), w)):  # the longest word wins
        head = r"(?<![0-9a-z])" if _LATIN.match(word[0]) else ""
        tail = r"(?![0-9a-z])" if _LATIN.match(word[-1]) else ""
        parts.append(head + re.escape(word) + tail)
    cores: list[str] = []
    for word in sorted(roles, key=len):
        if not any(core in word for core in cores):
            cores.append(word)
    return roles, re.compile("|".join(parts)), tuple(cores)


def _role_of(text: str) -> str | None:
    """The role a label or title names; of two ("Sponsor LT"), the longer word's."""
    roles, pattern, cores = _role_words()
    folded = fold(text)
    if not any(core in folded for core in cores):
        return None
    found = [m.group(0) for m in pattern.finditer(folded)]
    return roles[max(found, key=len)] if found else None


@lru_cache(maxsize=4096)
def _placeholder(title: str, speakers: tuple[Speaker, ...]) -> tuple[bool, str | None]:
    """Whether the title is only a role and the speakers' names, and that role."""
    role = _role_of(title)
    if role is None:
        return False, None
    rest = _role_words()[1].sub(" ", fold(title))
    rest = vocabulary.pattern("talk_labels").sub(" ", rest)
    rest = vocabulary.pattern("honorifics").sub(" ", rest)
    for speaker in speakers:
        for name in (speaker.name, speaker.handle or ""):
            if name.strip():
                rest = rest.replace(fold(name).lstrip("@"), " ")
    rest = rest.replace("の", " ")
    leftover = [w for w in rest.split() if not _FILLER.fullmatch(w)]
    return not leftover, role


# ---------------------------------------------------------------------------- decks

# The ends of a deck's address that only choose how it is shown (Google Slides).
_DECK_VIEW = re.compile(r"/(?:edit|pub|present|view|embed|preview|htmlpresent)$")


def _deck_key(url: str) -> str | None:
    """A deck's address without what varies between two links to it (scheme, "www.",
    query, fragment, the view); None for an address too short to be one deck (a
    host, or a speaker's page such as speakerdeck.com/NAME)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    path = _DECK_VIEW.sub("", parts.path.rstrip("/")).rstrip("/")
    if not parts.netloc or path.count("/") < 2:
        return None
    return parts.netloc.casefold().removeprefix("www.") + path.casefold()


# --------------------------------------------------------------------------- people


@dataclass(frozen=True, slots=True)
class Person:
    whole: frozenset[str]  # the name and the handle as match keys
    parts: frozenset[str]  # their words ("yukihiro", "matz"), long enough to mean something
    handle: str | None
    # The words of its name and of its handle, when two or more: "Hiroshi Shibata" is
    # "SHIBATA Hiroshi" and @hiroshi_shibata.
    spellings: frozenset[frozenset[str]]
    latin: bool  # written in Latin letters: comparable with another Latin name


@lru_cache(maxsize=4096)
def _person(speaker: Speaker) -> Person:
    whole = {match_key(speaker.name)}
    parts = {p for p in _NAME_PARTS.split(fold(speaker.name)) if _long_enough(p)}
    handle = match_key(speaker.handle) if speaker.handle else None
    if speaker.handle:
        whole.add(handle or "")
        parts.update(p for p in _NAME_PARTS.split(fold(speaker.handle)) if _long_enough(p))
    whole.discard("")
    spellings = frozenset(
        words
        for text in (speaker.name, speaker.handle or "")
        if len(words := frozenset(w for w in _NAME_PARTS.split(fold(text)) if w)) >= 2
    )
    latin = not _CJK.search(speaker.name)
    return Person(frozenset(whole), frozenset(parts) - whole, handle, spellings, latin)


def _long_enough(part: str) -> bool:
    return len(part) >= (2 if _CJK.match(part) else 3)


def _same_person(a: Person, b: Person) -> bool:
    """The same name or handle; a one-word name that is a word of the other's name
    or handle ("matz" of "yukihiro_matz"); or a name that starts the other, written
    without a space ("まつもと", "まつもとゆきひろ"). Two different handles are two
    people, and so are two names sharing only a family name ("Jane Doe", "John Doe")."""
    if a.whole & b.whole:
        return True
    if a.handle and b.handle:
        return False
    if a.whole & b.parts or b.whole & a.parts:
        return True
    if a.spellings & b.spellings:
        return True
    return any(_starts(x, y) or _starts(y, x) for x in a.whole for y in b.whole)


def _starts(short: str, full: str) -> bool:
    return (
        bool(_CJK.match(short))
        and len(short) >= 2
        and len(full) >= len(short) + 2
        and (full.startswith(short))
    )


def _mentions(a: Traits, b: Traits) -> bool:
    """A speaker of `a` is named in `b`'s title or the head of its body."""
    text = _named_text(b.section.title, b.section.body)
    for person in a.people:
        for key in person.whole | person.parts:
            if _LATIN.match(key) and len(key) >= 3:
                if re.search(rf"(?<![0-9a-z]){re.escape(key)}(?![0-9a-z])", text):
                    return True
            elif _CJK.match(key) and len(key) >= 3 and key in text:
                return True
    return False


@lru_cache(maxsize=256)
def _named_text(title: str, body: str) -> str:
    """Where a note names a talk's speaker: its title and the head of its body, folded.
    Only a talk of a lone role needs it, so it is made when asked for."""
    return fold(f"{title}\n{body[:_HEAD_CHARS]}")


@lru_cache(maxsize=1024)
def _quoting_text(body: str) -> str:
    """Where a note quotes a talk's full title: the head of its body, as a title_key.
    Only a talk with a short title needs it, so it is made when asked for."""
    return title_key(body[:_QUOTE_CHARS])


def _quotes(a: Traits, b: Traits) -> bool:
    """`a`'s title quoted at the head of `b`'s body: "型の話" under a link card that
    spells out the talk's full title."""
    # A nickname is shorter than the title it stands for; a talk with a title of its
    # own that quotes another's is a talk about that one, not the same talk.
    if not a.pieces or len(b.title) * 2 > len(a.title) or len(b.section.body) < len(a.title):
        return False
    body = _quoting_text(b.section.body)
    for piece in a.pieces:
        if piece in body:
            break
    else:
        return False
    return fuzz.partial_ratio(a.title, body, score_cutoff=_QUOTED_RATIO) >= _QUOTED_RATIO
