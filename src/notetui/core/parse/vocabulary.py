"""Words as data: the vocabularies the parser matches, one file per list.

Each list is `vocab/NAME.txt`, one entry per line, `#` starting a comment. Entries
are folded (NFKC + casefold) when loaded, and matched against folded text as whole
words: an entry that starts or ends with a Latin letter or digit only matches where
no letter or digit touches it ("open" matches "Doors open", not "Open Table" as
"opentable"), while Japanese entries, which have no spaces around them, match as
written.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from notetui.core.text import fold

_LATIN = re.compile(r"[0-9a-z]")


@cache
def words(name: str) -> tuple[str, ...]:
    """The folded entries of `vocab/NAME.txt`, longest first, without duplicates."""
    text = resources.files("notetui.core.parse").joinpath("vocab", f"{name}.txt").read_text("utf-8")
    found: dict[str, None] = {}
    for line in text.splitlines():
        entry = fold(line.split("#", 1)[0].strip())
        if entry:
            found[entry] = None
    return tuple(sorted(found, key=lambda entry: (-len(entry), entry)))


@cache
def pattern(name: str) -> re.Pattern[str]:
    """One regex that finds any entry of the list as a whole word, in folded text."""
    parts = []
    for entry in words(name):
        head = r"(?<![0-9a-z])" if _LATIN.match(entry[0]) else ""
        tail = r"(?![0-9a-z])" if _LATIN.match(entry[-1]) else ""
        parts.append(head + re.escape(entry) + tail)
    return re.compile("|".join(parts) if parts else r"(?!)")


def find(name: str, text: str) -> list[str]:
    """Every entry of the list found in `text`, as whole words, in order."""
    return [m.group(0) for m in pattern(name).finditer(fold(text))]


def mentions(name: str, text: str) -> bool:
    return pattern(name).search(fold(text)) is not None


def is_only(name: str, text: str, filler: str = r"[\s\W_]*") -> bool:
    """True when `text` is made of entries of the list and nothing else but `filler`
    (spaces and punctuation by default): "休憩" is only schedule, "休憩時間を活かすSRE"
    is not."""
    folded = fold(text)
    rest = pattern(name).sub(" ", folded)
    return rest != folded and re.fullmatch(filler, rest) is not None
