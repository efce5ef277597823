"""File names for exported documents: safe on every common filesystem, unique in
one export."""

from __future__ import annotations

import re
import unicodedata

from notetui.core.export.markup import one_line

# Bytes, not characters: one Japanese character is three in UTF-8, and every common
# filesystem allows 255 bytes; this leaves room for " (99)" and ".md".
MAX_STEM_BYTES = 150
# Separators, Windows' forbidden characters, and what Obsidian cannot link to.
_NAME_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|#^\[\]]')
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)


def safe_file_stem(title: str, limit: int = MAX_STEM_BYTES) -> str:
    """A file name (without extension) made from a title: no separators or `..`, no
    reserved device names, no leading dot, at most `limit` bytes of UTF-8."""
    text = unicodedata.normalize("NFC", one_line(title))
    words = _NAME_FORBIDDEN.sub(" ", text).split()
    text = " ".join(word for word in words if word.strip("."))  # "../../x" -> "x"
    text = re.sub(r"\.{2,}", ".", text)  # no ".." anywhere
    text = text.strip(" .")  # no hidden file, no trailing dot (Windows drops it)
    encoded = text.encode("utf-8")
    if len(encoded) > limit:
        text = encoded[:limit].decode("utf-8", errors="ignore").rstrip(" .")
    if not text:
        text = "untitled"
    if text.split(".", 1)[0].strip().upper() in _RESERVED:
        text = f"_{text}"
    return text


class FileNames:
    """Unique file names within one export, case- and normalisation-insensitively
    (macOS and Windows folders are)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def take(self, title: str) -> str:
        stem = safe_file_stem(title)
        number = 1
        while True:
            name = f"{stem}.md" if number == 1 else f"{stem} ({number}).md"
            key = unicodedata.normalize("NFC", name).casefold()
            if key not in self._taken:
                self._taken.add(key)
                return name
            number += 1
