"""Finding note files and turning their bytes into text plus plain metadata.

Nothing here raises for a bad note: each failure becomes a `ReadFailure` with a
one-line reason, so one broken file never hides the rest of the library.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from notetui.core.load.front_matter import FrontMatterError, Metadata, split_front_matter

NOTE_SUFFIXES = frozenset({".md", ".markdown", ".txt"})
# Larger files are not meetup notes (a log, a dump); parsing them would stall the app.
MAX_NOTE_BYTES = 8 * 1024 * 1024
# Undecodable bytes we tolerate in an otherwise UTF-8 note before guessing another encoding.
_MAX_BAD_UTF8_RATIO = 0.005

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Candidates for notes that are not UTF-8. Japanese first: these are Japanese meetup
# notes, and a narrow list keeps charset-normalizer from picking an exotic code page.
_LEGACY_ENCODINGS = ["cp932", "euc_jp", "iso2022_jp", "cp1252"]
_JAPANESE_ENCODINGS = ("cp932", "euc_jp")


class ReadFailure(Exception):
    """A note that cannot be read; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class NoteText:
    """A note's decoded text, split from its front matter."""

    path: Path
    encoding: str
    text: str  # the whole file, newlines normalised to "\n"
    body: str  # the text after any front matter
    body_line: int  # 1-based line of the file on which `body` starts
    metadata: Metadata
    warning: str | None = None  # read, but the user should know something (one line)


def iter_note_files(root: Path) -> Iterator[Path]:
    """Every note file under `root`, sorted, skipping hidden entries and symlink loops."""
    seen_dirs: set[tuple[int, int]] = set()

    def walk(folder: Path) -> Iterator[Path]:
        try:
            info = folder.stat()
        except OSError:
            return
        key = (info.st_dev, info.st_ino)
        if key in seen_dirs:  # a symlink loop, or the same folder linked twice
            return
        seen_dirs.add(key)
        try:
            with os.scandir(folder) as entries:
                children = sorted(entries, key=lambda e: e.name)
        except OSError:
            return
        for entry in children:
            if entry.name.startswith("."):
                continue
            try:
                entry_stat = entry.stat()  # follows symlinks
            except OSError:
                continue  # a dangling link
            if stat.S_ISDIR(entry_stat.st_mode):
                yield from walk(Path(entry.path))
            elif stat.S_ISREG(entry_stat.st_mode) and is_note_name(entry.name):
                yield Path(entry.path)

    yield from walk(root)


def is_note_name(name: str) -> bool:
    suffix = Path(name).suffix.lower()
    return suffix in NOTE_SUFFIXES or suffix == ""


def read_note(path: Path) -> NoteText:
    """Read, decode and split one note. Raises ReadFailure with a one-line reason."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ReadFailure(f"cannot be read: {error.strerror or error}") from None
    if size > MAX_NOTE_BYTES:
        raise ReadFailure(
            f"too large to be a note ({size / 1e6:.1f} MB; the limit is "
            f"{MAX_NOTE_BYTES // (1024 * 1024)} MB)"
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReadFailure(f"cannot be read: {error.strerror or error}") from None
    text, encoding, warning = decode(data)
    if not text.strip():
        raise ReadFailure("is empty")
    try:
        metadata, body, body_line = split_front_matter(text)
    except FrontMatterError as error:
        # The notes themselves are still worth reading; say what was ignored.
        warning = f"front matter ignored: {error}"
        metadata, body, body_line = {}, error.body, error.body_line
    return NoteText(path, encoding, text, body, body_line, metadata, warning)


def decode(data: bytes) -> tuple[str, str, str | None]:
    """Decode a note's bytes: (text, encoding name, warning or None).

    Raises ReadFailure for binary data or text in no encoding we can recognise.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _clean(data.decode(encoding)), encoding, None
            except UnicodeDecodeError:
                raise ReadFailure(
                    f"starts with a {encoding} byte order mark but is not {encoding}"
                ) from None
    if not data.strip():
        return "", "utf-8", None
    if b"\x00" in data[:8192]:
        raise ReadFailure("is a binary file, not text")
    try:
        return _clean(data.decode("utf-8")), "utf-8", None
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    tolerable = bad <= max(1, int(len(lenient) * _MAX_BAD_UTF8_RATIO))
    # UTF-8 with a few broken bytes still has non-ASCII characters that did decode.
    # A mostly English CP932 or EUC-JP note (a Japanese name in English notes) has
    # few bad bytes too, but hardly any of its non-ASCII bytes form UTF-8. A note
    # whose non-ASCII text is overwhelmingly good UTF-8 is UTF-8, however short.
    decoded = len(lenient) - len(lenient.encode("ascii", "ignore")) - bad
    if (tolerable and decoded >= bad) or decoded >= 10 * bad:
        return _clean(lenient), "utf-8", f"{bad} invalid UTF-8 byte sequence(s) shown as \ufffd"
    guessed = _guess_legacy(data)
    if guessed is not None:
        return guessed
    if tolerable:
        return _clean(lenient), "utf-8", f"{bad} invalid UTF-8 byte sequence(s) shown as \ufffd"
    raise ReadFailure("is not text in any encoding notetui recognises")


def _guess_legacy(data: bytes) -> tuple[str, str, str | None] | None:
    """Japanese legacy encodings first, judged by how Japanese the result reads;
    charset-normalizer for anything else (it misses some short CP932 notes)."""
    decoded = []
    for encoding in _JAPANESE_ENCODINGS:
        try:
            decoded.append((japanese_plausibility(text := data.decode(encoding)), encoding, text))
        except UnicodeDecodeError:
            continue
    if decoded:
        score, encoding, text = max(decoded, key=lambda item: item[0])
        if score >= 0.9 and not _looks_binary(text):
            return _clean(text), encoding, None
    from charset_normalizer import from_bytes  # only paid for when the above fails

    best = from_bytes(data, cp_isolation=_LEGACY_ENCODINGS).best()
    if best is None or best.encoding is None:
        return None
    text = str(best)
    if _looks_binary(text):
        return None
    return _clean(text), best.encoding, None


def japanese_plausibility(text: str) -> float:
    """Share of characters that ordinary Japanese or ASCII text is made of.

    EUC-JP bytes read as CP932 turn into half-width katakana and rare kanji; that
    scores low, so the right reading wins.
    """
    sample = text[:8192]
    if not sample:
        return 0.0
    good = 0
    for ch in sample:
        code = ord(ch)
        if (
            32 <= code < 127
            or ch in "\t\n\r"
            or 0x3000 <= code <= 0x30FF  # kana and Japanese punctuation
            or 0x4E00 <= code <= 0x9FFF  # common kanji
            or 0xFF01 <= code <= 0xFF5E  # full-width ASCII
            or 0x2010 <= code <= 0x2312  # dashes, quotes, arrows, symbols
            or 0x2500 <= code <= 0x25FF  # box drawing and shapes
        ):
            good += 1
    return good / len(sample)


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls > len(sample) * 0.02


def _clean(text: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text
