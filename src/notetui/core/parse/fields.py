"""The fields stage: everything the parser keeps of one talk besides its points.

`talk_fields(raw_title, body)` runs title cleaning (titles.py), speaker lines
(speakers.py) and slide links (slides.py) over a talk's title line and the lines of
its body, and gives its title, time slot, labels, speakers, slides and the body lines
that are speaker or slide lines (so not points).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from notetui.core.models import Speaker
from notetui.core.parse import slides, speakers, titles


@dataclass(frozen=True, slots=True)
class TalkFields:
    """Everything the field stages make of one talk: its title line and its body."""

    title: str
    time: str | None
    labels: tuple[str, ...]
    speakers: tuple[Speaker, ...]
    slides: tuple[str, ...]
    not_points: frozenset[int]  # indexes into `body` of its speaker and slide lines


def talk_fields(raw_title: str, body: Sequence[str]) -> TalkFields:
    """The fields of a talk from its raw title line and the lines of its body.

    Speakers written into the title come first; the body's speaker lines fill in what
    they leave out (an affiliation, a name for a handle) and give the speakers when the
    title names none."""
    clean = titles.clean_title(raw_title)
    lines = speakers.speakers_in(body, title=clean.title)
    found = clean.speakers
    if not found or (lines.speakers and _only_inferred(found, clean.title)):
        found = lines.speakers
    elif lines.speakers:
        found = tuple(_filled_in(speaker, lines.speakers) for speaker in found)
    decks = slides.slide_links("\n".join([raw_title, *body]))
    return TalkFields(clean.title, clean.time, clean.labels, found, decks, lines.line_indexes)


def _only_inferred(found: Sequence[Speaker], title: str) -> bool:
    """ "Matz Keynote": a bare name that stays in the title was read into it; the body's
    own speaker line or sentence says more."""
    return all(s.handle is None and s.affiliation is None and s.name in title for s in found)


def _filled_in(speaker: Speaker, others: Sequence[Speaker]) -> Speaker:
    # "Title @yukihiro_matz" over a body that names one person without a handle: that
    # person is the handle's.
    if speaker.name == speaker.handle and len(others) == 1 and others[0].handle is None:
        return Speaker(others[0].name, speaker.handle, others[0].affiliation)
    for other in others:
        merged = speakers.merge_speakers([[speaker], [other]])
        if len(merged) == 1:
            return merged[0]
    return speaker
