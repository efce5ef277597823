"""Finding note files and turning their bytes into text plus plain metadata.

Nothing here raises for a bad note: each failure becomes a `ReadFailure` with a
one-line reason, so one broken file never hides the rest of the library. Nothing
outside the notes folder is read, and nothing is opened in a way that can block.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from notetui.core.load.budget import poll
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


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry of the notes folder that was not read, and why (one line)."""

    path: Path
    reason: str


@dataclass(frozen=True, slots=True)
class NoteScan:
    """What a walk of the notes folder found: note files, sorted, and what it skipped."""

    files: tuple[Path, ...]
    skipped: tuple[Skipped, ...]


def iter_note_files(root: Path) -> Iterator[Path]:
    """Every note file under `root`, sorted (see `scan_notes` for what is skipped)."""
    yield from scan_notes(root).files


def scan_notes(root: Path) -> NoteScan:
    """Walk `root` for note files: sorted, depth first, and without recursion, so a
    folder 10,000 deep is no different from a flat one.

    Hidden entries and files that are not named like notes are passed over quietly.
    Everything else that is not read is in `skipped` with its reason: folders that
    cannot be listed, links that lead outside `root` (a note is only ever read from
    inside the folder it belongs to), links to folders (their target is walked where
    it is, or is outside), broken links, and FIFOs, devices and sockets."""
    real_root = os.path.realpath(root)
    files: list[Path] = []
    skipped: list[Skipped] = []
    try:
        top = root.stat()
        stack = [iter(_sorted_entries(root))]
    except OSError as error:
        return NoteScan((), (Skipped(root, _cannot("be listed", error)),))
    seen = {(top.st_dev, top.st_ino)}
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            linked = entry.is_symlink()
            info = entry.stat()  # follows a link: its target's type
        except OSError as error:
            if is_note_name(entry.name):
                skipped.append(Skipped(path, "is a broken link" if linked else _cannot("", error)))
            continue
        is_dir = stat.S_ISDIR(info.st_mode)
        if linked:
            target = os.path.realpath(entry.path)
            if not _inside(target, real_root):
                if is_dir or is_note_name(entry.name):
                    skipped.append(Skipped(path, f"links outside the notes folder ({target})"))
                continue
            if is_dir:
                skipped.append(Skipped(path, "links to a folder; it is read where it is"))
                continue
        if is_dir:
            key = (info.st_dev, info.st_ino)
            if key in seen:  # a bind mount of a folder already walked
                skipped.append(Skipped(path, "is a folder already read"))
                continue
            seen.add(key)
            try:
                stack.append(iter(_sorted_entries(path)))
            except OSError as error:
                skipped.append(Skipped(path, _cannot("be listed", error)))
        elif is_note_name(entry.name):
            if stat.S_ISREG(info.st_mode):
                files.append(path)
            else:
                skipped.append(Skipped(path, f"is {_kind(info.st_mode)}, not a file"))
    return NoteScan(tuple(files), tuple(skipped))


def _sorted_entries(folder: Path) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as entries:
        return sorted(entries, key=lambda e: e.name)


def _inside(real: str, real_root: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _cannot(what: str, error: OSError) -> str:
    return f"cannot {what or 'be read'} ({error.strerror or error})"


def is_note_name(name: str) -> bool:
    suffix = Path(name).suffix.lower()
    return suffix in NOTE_SUFFIXES or suffix == ""


# Never block on a FIFO or a device, never make a tty our controlling terminal.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_CHUNK = 1024 * 1024


def read_note(path: Path, root: Path | None = None) -> NoteText:
    """Read, decode and split one note. Raises ReadFailure with a one-line reason.

    With `root`, a path that resolves outside it (a link, or a link swapped in since
    the walk) is refused. Only a regular file is read: the type is checked on the
    open file, so a FIFO or device put in its place is reported, never waited on."""
    data = read_bytes(path, root)
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


def read_bytes(path: Path, root: Path | None = None) -> bytes:
    """A note file's bytes, read safely (see `read_note`). Raises ReadFailure.

    The walk never enters a linked folder, so below `root` only the file itself can
    be a link: it is opened with O_NOFOLLOW, and only a link (ELOOP) is resolved and
    checked against `root` (resolving every path would cost 0.1 ms a note)."""
    try:
        fd = _open(str(path), root)
    except OSError as error:
        raise ReadFailure(_cannot("", error)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReadFailure(f"is {_kind(info.st_mode)}, not a file; not read")
        if info.st_size > MAX_NOTE_BYTES:
            raise ReadFailure(_too_large(info.st_size))
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, _CHUNK):
            size += len(chunk)
            if size > MAX_NOTE_BYTES:  # grew since fstat
                raise ReadFailure(_too_large(size))
            chunks.append(chunk)
            poll()
    except OSError as error:
        raise ReadFailure(_cannot("", error)) from None
    finally:
        os.close(fd)
    return b"".join(chunks)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _open(where: str, root: Path | None) -> int:
    if root is None or not _NOFOLLOW:
        return os.open(where, _OPEN_FLAGS)
    try:
        return os.open(where, _OPEN_FLAGS | _NOFOLLOW)
    except OSError as error:
        if error.errno != errno.ELOOP:
            raise
    target = os.path.realpath(where)  # a link: it must stay inside the folder
    if not _inside(target, os.path.realpath(root)):
        raise ReadFailure(f"links outside the notes folder ({target}); not read")
    return os.open(target, _OPEN_FLAGS | _NOFOLLOW)


def _too_large(size: int) -> str:
    return (
        f"too large to be a note ({size / 1e6:.1f} MB; the limit is "
        f"{MAX_NOTE_BYTES // (1024 * 1024)} MB)"
    )


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
