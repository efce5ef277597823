"""One speaker per person across the notes of a talk.

Moved out of speakers.py (which re-exports `merge_speakers` for its callers): merging
compares people, it does not read lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from notetui.core.models import Speaker
from notetui.core.text import nfkc


def merge_speakers(groups: Iterable[Sequence[Speaker]]) -> tuple[Speaker, ...]:
    """One speaker per person across notes: same handle, or same name ignoring spaces."""
    merged: list[Speaker] = []
    for group in groups:
        for speaker in group:
            for index, known in enumerate(merged):
                if _same_person(known, speaker):
                    merged[index] = Speaker(
                        _better_name(known.name, speaker.name, known.handle),
                        known.handle or speaker.handle,
                        known.affiliation or speaker.affiliation,
                    )
                    break
            else:
                merged.append(speaker)
    return tuple(merged)


def _person_key(name: str) -> str:
    return re.sub(r"\s+", "", nfkc(name)).casefold()


def _same_person(a: Speaker, b: Speaker) -> bool:
    if a.handle and b.handle and a.handle.casefold() == b.handle.casefold():
        return True
    if _person_key(a.name) == _person_key(b.name):
        return True
    # A name that is only a handle ("deeeet") matches the person with that handle.
    if (a.handle and _person_key(b.name) == a.handle.casefold()) or (
        b.handle and _person_key(a.name) == b.handle.casefold()
    ):
        return True
    if a.handle and b.handle:
        return False  # two different handles are two people, whatever the names say
    return _short_form(a.name, b.name) or _short_form(b.name, a.name)


def _short_form(short: str, full: str) -> bool:
    """ "山下" (from "山下さん") or "Doe" is one part of the spaced full name "山下 茜",
    "Jane Doe". Only used among the speakers of one talk, where that is enough."""
    parts = nfkc(full).casefold().split()
    key = nfkc(short).casefold().strip()
    return len(parts) >= 2 and bool(key) and " " not in key and key in (parts[0], parts[-1])


def _better_name(first: str, second: str, handle: str | None) -> str:
    """Prefer a real name over a handle, and the spaced form ("高木 克彰") over "高木克彰"."""
    if handle and first.casefold() == handle.casefold() and second.casefold() != handle.casefold():
        return second
    if " " not in first and " " in second and _person_key(first) == _person_key(second):
        return second
    if _short_form(first, second):
        return second
    return first
