"""Exporting talks and events as Markdown that Obsidian and any CommonMark viewer read.

No Textual here: the CLI (`notetui export`) and the app's `x` key both call
`export_library`, or `render_single` for standard output.

The format, one file per talk, per event, or one file for everything (`split`):

- YAML front matter, written by `yaml.safe_dump`, so no note text can end it or
  change its type (`no`, `12:30` and `---` stay strings): title, event, aliases,
  date, time, speakers, tags (Obsidian's form: a list without `#`), slides, venue,
  the event's URL, sources (note path, author, and for a talk the title as that
  note writes it and its line), `notetui_version` and the notetui id.
- `# Event`, its facts as a `- Label: value` list, then the event's own annotations.
- For a whole event: `## Overview`, `## Schedule` (a timetable of the talks and the
  schedule items, linking each talk's file with `split="talk"`), then the talks,
  `## Impressions` and `## Links`, each source under `### author`.
- Each talk: `## HH:MM Title`, a list of speakers, slides, other titles and authors,
  the talk's own annotations, then `### author` with that note's text verbatim,
  its headings moved below the export's own (`####` and deeper, capped at `######`),
  or with `merged=True` the merged point list, each point followed by its authors.
- An annotation is a `> [!note] YYYY-MM-DD` callout: a talk's after its header, a
  passage's right after the line (or the block, for code, tables and list items)
  it is anchored to.
- Orphaned annotations (attached to nothing in the library now) go into
  `Orphaned annotations.md`, or a last `# Orphaned annotations` section of a single
  file, whenever the whole library is exported; a narrower export leaves them out
  and says how many it left out (`ExportResult.orphans_left_out`).

Exports are deterministic (same library and annotations, same bytes: LF, UTF-8,
no export time), atomic (a temp file in the folder, then `os.replace`) and never
overwrite an existing file unless `force` is set; an existing file with exactly
the same content counts as unchanged, not as a conflict. An exported folder is
itself a notes folder: `notetui list` finds its talks again.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from notetui import __version__
from notetui.core.annotations.anchoring import Attachments, Placement
from notetui.core.annotations.store import normalize_tag
from notetui.core.models import Event, Library, SectionKind, Source, Speaker, Talk
from notetui.core.points.points import (
    MergedPoint,
    Point,
    PointKind,
    PointRef,
    align_points,
    merged_points,
    parse_points,
)
from notetui.core.text import drop_unsafe as sanitize  # files drop, not escape
from notetui.core.text import fold, match_key

__all__ = [
    "FILE_SUFFIXES",
    "ORPHANS_TITLE",
    "SPLITS",
    "Chosen",
    "ExportError",
    "ExportFile",
    "ExportRequest",
    "ExportResult",
    "Selection",
    "Split",
    "build_files",
    "describe",
    "export_library",
    "output_is_file",
    "render_single",
    "safe_file_stem",
    "select",
]

Split = Literal["talk", "event", "single"]
SPLITS: tuple[Split, ...] = ("talk", "event", "single")
FILE_SUFFIXES = (".md", ".markdown")
ORPHANS_TITLE = "Orphaned annotations"
# Bytes, not characters: one Japanese character is three in UTF-8, and every common
# filesystem allows 255 bytes; this leaves room for " (99)" and ".md".
MAX_STEM_BYTES = 150
_EXPORT_HEADING_LEVEL = 4  # note headings start at ####, under "## talk" and "### author"


class ExportError(Exception):
    """The export cannot be done as asked; the message is one line for the user."""


# -- what to export -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Selection:
    """Which talks to export. Empty talks and events: the whole library.

    `tags` keeps talks that carry every one of them (an event's tags cover its talks,
    as in the tree filter); `annotated_only` keeps talks with at least one annotation.
    """

    talks: tuple[str, ...] = ()  # talk ids (a talk's own id or any of its source keys)
    events: tuple[str, ...] = ()  # event ids
    tags: tuple[str, ...] = ()
    annotated_only: bool = False

    @property
    def everything(self) -> bool:
        """The whole library is asked for, so orphaned annotations belong in it too."""
        return not (self.talks or self.events or self.tags)


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What the export dialog returns: where to write and how."""

    out: Path
    split: Split = "event"
    merged: bool = False


@dataclass(frozen=True)
class Chosen:
    """One event in an export, with the talks of it that go."""

    event: Event
    talks: tuple[Talk, ...]
    whole: bool  # the event itself was chosen: its sections and annotations go too


@dataclass(frozen=True, slots=True)
class ExportFile:
    name: str  # file name inside the output folder (no separators)
    text: str
    kind: Literal["talk", "event", "export", "orphans"]


@dataclass(frozen=True)
class ExportResult:
    """What `export_library` did. Nothing is written when `existing` is not empty."""

    out: Path  # the folder written to (the file's folder for a single file)
    written: tuple[Path, ...] = ()
    unchanged: tuple[Path, ...] = ()  # already there with exactly this content
    existing: tuple[Path, ...] = ()  # there with other content, and force was not set
    events: int = 0
    talks: int = 0
    orphans_exported: int = 0
    orphans_left_out: int = 0

    @property
    def ok(self) -> bool:
        return not self.existing

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file the export consists of, written now or already up to date."""
        return tuple(sorted((*self.written, *self.unchanged)))

    def summary(self) -> str:
        """One line for the user: what was written, and where."""
        if self.existing:
            first = self.existing[0]
            more = f" (and {len(self.existing) - 1} more)" if len(self.existing) > 1 else ""
            return f"{first} already exists{more}; nothing was written"
        what = _count(self.talks, "talk") + " from " + _count(self.events, "event")
        files = _count(len(self.written), "file") + " written"
        if self.unchanged:
            files += f", {len(self.unchanged)} unchanged"
        text = f"exported {what} to {self.out}: {files}"
        if self.orphans_exported:
            text += f"; {_count(self.orphans_exported, 'orphaned annotation')} included"
        if self.orphans_left_out:
            text += (
                f"; {_count(self.orphans_left_out, 'orphaned annotation')} left out "
                "(see `notetui annotations --orphans`)"
            )
        return text


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def select(library: Library, attachments: Attachments, selection: Selection) -> list[Chosen]:
    """The events and talks `selection` asks for, in library order."""
    wanted_talks: set[str] = set()
    for talk_id in selection.talks:
        talk = library.talk(talk_id)
        if talk is None:
            raise ExportError(f"no talk has the id {talk_id!r}")
        wanted_talks.add(talk.id)
    wanted_events: set[str] = set()
    for event_id in selection.events:
        event = library.event(event_id)
        if event is None:
            raise ExportError(f"no event has the id {event_id!r}")
        wanted_events.add(event.id)
    tags = {t for t in (normalize_tag(tag) for tag in selection.tags) if t}
    annotated = {p.target_id for p in attachments.placements if p.target_id}
    narrowed = bool(wanted_talks or wanted_events)
    chosen: list[Chosen] = []
    for event in library.events:
        whole = event.id in wanted_events or not narrowed
        talks = [t for t in event.talks if whole or t.id in wanted_talks]
        if tags:
            event_tags = set(attachments.tags.get(event.id, ()))
            if not tags <= event_tags:
                whole = False
                talks = [
                    t for t in talks if tags <= event_tags | set(attachments.tags.get(t.id, ()))
                ]
        if selection.annotated_only:
            talks = [t for t in talks if t.id in annotated]
            whole = whole and event.id in annotated
        if talks or whole:
            chosen.append(Chosen(event, tuple(talks), whole))
    return chosen


def describe(chosen: Sequence[Chosen]) -> str:
    """One line saying what an export holds, for the dialog and messages."""
    talks = sum(len(c.talks) for c in chosen)
    if not chosen:
        return "nothing"
    if len(chosen) == 1:
        only = chosen[0]
        if talks == 1 and not only.whole:
            return f"the talk “{_one_line(only.talks[0].title)}”"
        what = "the event" if only.whole else _count(talks, "talk") + " of"
        tail = f" ({_count(talks, 'talk')})" if only.whole else ""
        return f"{what} “{_one_line(only.event.title)}”{tail}"
    return f"{_count(talks, 'talk')} from {_count(len(chosen), 'event')}"


# -- writing ----------------------------------------------------------------------------


def output_is_file(out: Path) -> bool:
    """`out` names one Markdown file (an existing file, or a new name ending in .md)
    rather than a folder."""
    if out.is_dir():
        return False
    return out.is_file() or out.suffix.lower() in FILE_SUFFIXES


def export_library(
    library: Library,
    attachments: Attachments,
    selection: Selection,
    out: Path,
    *,
    split: Split | None = None,
    merged: bool = False,
    force: bool = False,
) -> ExportResult:
    """Export `selection` to `out`, a folder (created if missing) or a `.md` file.

    `split` defaults to "event" for a folder and "single" for a file. Nothing is
    written if any target exists with other content and `force` is not set: the
    result lists those files in `existing`, so that the caller can ask and call
    again with `force=True`. Raises ExportError for a request that cannot be done
    (nothing selected, several files into one file, an unwritable folder).
    """
    out = out.expanduser()
    as_file = output_is_file(out)
    if split is None:
        split = "single" if as_file else "event"
    if split not in SPLITS:
        raise ExportError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    if as_file and split != "single":
        raise ExportError(f"--split {split} writes several files: give a folder, not {out}")
    chosen = select(library, attachments, selection)
    if not chosen:
        raise ExportError("nothing to export: no talk matches")
    files = build_files(library, attachments, selection, split=split, merged=merged)
    folder = out.parent if as_file else out
    if as_file:
        files = [ExportFile(out.name, files[0].text, files[0].kind)]
    result = _write_all(folder, files, force)
    orphans = len(attachments.orphans())
    included = orphans if selection.everything else 0
    return ExportResult(
        out=folder,
        written=result[0],
        unchanged=result[1],
        existing=result[2],
        events=len(chosen),
        talks=sum(len(c.talks) for c in chosen),
        orphans_exported=included,
        orphans_left_out=orphans - included,
    )


def render_single(
    library: Library, attachments: Attachments, selection: Selection, *, merged: bool = False
) -> str:
    """Everything `selection` asks for as one Markdown document (for `-o -`)."""
    if not select(library, attachments, selection):
        raise ExportError("nothing to export: no talk matches")
    return build_files(library, attachments, selection, split="single", merged=merged)[0].text


def _write_all(
    folder: Path, files: Sequence[ExportFile], force: bool
) -> tuple[tuple[Path, ...], tuple[Path, ...], tuple[Path, ...]]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"cannot create {folder} ({error.strerror or error})") from None
    if not folder.is_dir():
        raise ExportError(f"{folder} is not a folder")
    resolved = folder.resolve()
    planned: list[tuple[Path, bytes]] = []
    unchanged: list[Path] = []
    existing: list[Path] = []
    for export in files:
        target = folder / export.name
        if target.resolve().parent != resolved or export.name != Path(export.name).name:
            raise ExportError(f"refusing to write {export.name!r} outside {folder}")
        data = export.text.encode("utf-8")
        if os.path.lexists(target):
            if target.is_file() and _same_content(target, data):
                unchanged.append(target)
                continue
            if not force:
                existing.append(target)
                continue
        planned.append((target, data))
    if existing:
        return (), tuple(unchanged), tuple(existing)
    written: list[Path] = []
    for target, data in planned:
        try:
            created = _write_atomic(target, data, overwrite=force)
        except OSError as error:
            done = f" ({len(written)} written before it)" if written else ""
            raise ExportError(f"cannot write {target} ({error.strerror or error}){done}") from None
        if created:
            written.append(target)
        else:  # appeared since we looked, and we may not overwrite it
            existing.append(target)
    return tuple(written), tuple(unchanged), tuple(existing)


def _same_content(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _write_atomic(target: Path, data: bytes, *, overwrite: bool) -> bool:
    """Write `data` to a temp file beside `target`, then move it into place in one
    step. Without `overwrite`, a file that appeared meanwhile is kept (returns False)."""
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        mode = 0o644
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".notetui-export-", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(mode)
        if overwrite:
            tmp.replace(target)
        else:
            try:
                os.link(tmp, target)  # fails if the name exists: no overwrite, ever
            except FileExistsError:
                return False
            except OSError:  # a filesystem without hard links
                if os.path.lexists(target):
                    return False
                tmp.replace(target)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    _fsync_folder(target.parent)
    return True


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- file names ----------------------------------------------------------------------------

# Separators, Windows' forbidden characters, and what Obsidian cannot link to.
_NAME_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|#^\[\]]')
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)


def safe_file_stem(title: str, limit: int = MAX_STEM_BYTES) -> str:
    """A file name (without extension) made from a title: no separators or `..`, no
    reserved device names, no leading dot, at most `limit` bytes of UTF-8."""
    text = unicodedata.normalize("NFC", _one_line(title))
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


class _Names:
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


# -- building the documents ------------------------------------------------------------------


def build_files(
    library: Library,
    attachments: Attachments,
    selection: Selection,
    *,
    split: Split = "event",
    merged: bool = False,
) -> list[ExportFile]:
    """The export's files, in a stable order; `split="single"` gives exactly one."""
    chosen = select(library, attachments, selection)
    writer = _Writer(library, attachments, merged)
    orphans = attachments.orphans() if selection.everything else []
    names = _Names()
    if split == "single":
        return [ExportFile("export.md", writer.single(chosen, orphans), "export")]
    files: list[ExportFile] = []
    for item in chosen:
        date = f"{item.event.date} " if item.event.date else ""
        if split == "event":
            one_talk = len(item.talks) == 1 and not item.whole
            if one_talk:
                name = names.take(date + item.talks[0].title)
                files.append(ExportFile(name, writer.talk_document(item, item.talks[0]), "talk"))
            else:
                name = names.take(date + item.event.title)
                files.append(ExportFile(name, writer.event_document(item), "event"))
            continue
        index = names.take(date + item.event.title) if item.whole else None
        links = {talk.id: names.take(date + talk.title) for talk in item.talks}
        if index is not None:
            text = writer.event_document(item, links=links)
            files.append(ExportFile(index, text, "event"))
        for talk in item.talks:
            text = writer.talk_document(item, talk, index=index)
            files.append(ExportFile(links[talk.id], text, "talk"))
    if orphans:
        files.append(
            ExportFile(names.take(ORPHANS_TITLE), writer.orphans_document(orphans), "orphans")
        )
    return files


def _by_created(placement: Placement) -> tuple[str, str]:
    return placement.annotation.created, placement.annotation.uid


@dataclass
class _Spots:
    """Callouts waiting for their place in one source's text."""

    before: list[str] = field(default_factory=list)  # above its first line
    after_line: dict[int, list[str]] = field(default_factory=dict)  # file line -> callouts


class _Writer:
    def __init__(self, library: Library, attachments: Attachments, merged: bool) -> None:
        self.library = library
        self.attachments = attachments
        self.merged = merged
        self.placements: dict[str, list[Placement]] = {}
        for placement in sorted(attachments.placements, key=_by_created):
            if placement.target_id and not placement.orphan:
                self.placements.setdefault(placement.target_id, []).append(placement)
        self.note_authors = {note.path: note.event.author for note in library.notes}
        self.plain_notes = {note.path for note in library.notes if note.format == "text"}

    # -- documents --

    def talk_document(self, item: Chosen, talk: Talk, *, index: str | None = None) -> str:
        event = item.event
        meta: dict[str, Any] = {
            "title": _one_line(talk.title),
            "event": _one_line(event.title),
            "aliases": [_one_line(a) for a in talk.aliases],
            "date": event.date,
            "time": talk.time,
            "speakers": [_speaker_data(s) for s in talk.speakers],
            "tags": self._tags(event, [talk], notes=False),
            "slides": [_one_line(url) for url in talk.slides],
            "venue": _opt_line(event.venue),
            "event_url": _opt_line(event.url),
            "sources": [
                {
                    "note": _one_line(s.note),
                    "author": _opt_line(s.author),
                    "title": _one_line(s.title),
                    "line": s.section.line,
                }
                for s in talk.sources
            ],
            "notetui_version": __version__,
            "notetui_id": talk.id,
            "notetui_event_id": event.id,
        }
        blocks = self._event_header(event, index=index)
        blocks += self._talk(talk, event)
        return _document(meta, blocks)

    def event_document(self, item: Chosen, *, links: dict[str, str] | None = None) -> str:
        event = item.event
        meta = self._event_meta(item, with_talks=links is None)
        blocks = self._event_header(event, authors=True, own=item.whole)
        if item.whole:
            blocks += self._event_sections(item, links)
        if links is None:
            for talk in item.talks:
                blocks += self._talk(talk, event)
        if item.whole:
            blocks += self._event_tail(item)
        return _document(meta, blocks)

    def single(self, chosen: Sequence[Chosen], orphans: Sequence[Placement]) -> str:
        if len(chosen) == 1 and not orphans:
            only = chosen[0]
            if len(only.talks) == 1 and not only.whole:
                return self.talk_document(only, only.talks[0])
            return self.event_document(only)
        talks = [t for c in chosen for t in c.talks]
        meta: dict[str, Any] = {
            "title": f"notetui export: {describe(chosen)}",
            "events": [_one_line(c.event.title) for c in chosen],
            "tags": _unique(tag for c in chosen for tag in self._tags(c.event, c.talks)),
            "speakers": _unique_speakers(s for t in talks for s in t.speakers),
            "slides": _unique(_one_line(url) for t in talks for url in t.slides),
            "sources": self._note_sources(chosen),
            "notetui_version": __version__,
        }
        blocks: list[str] = []
        for item in chosen:
            blocks += self._event_header(item.event, authors=True, own=item.whole)
            if item.whole:
                blocks += self._event_sections(item, None)
            for talk in item.talks:
                blocks += self._talk(talk, item.event)
            if item.whole:
                blocks += self._event_tail(item)
        if orphans:
            blocks += self._orphans(orphans)
        return _document(meta, blocks)

    def orphans_document(self, orphans: Sequence[Placement]) -> str:
        meta: dict[str, Any] = {
            "title": ORPHANS_TITLE,
            "tags": [],
            "notetui_version": __version__,
        }
        return _document(meta, self._orphans(orphans))

    # -- front matter --

    def _event_meta(self, item: Chosen, *, with_talks: bool) -> dict[str, Any]:
        event = item.event
        talks = item.talks
        return {
            "title": _one_line(event.title),
            "event": _one_line(event.title),
            "aliases": [_one_line(a) for a in event.aliases],
            "date": event.date,
            "speakers": _unique_speakers(s for t in talks for s in t.speakers),
            "tags": self._tags(event, talks if with_talks else ()),
            "slides": _unique(_one_line(url) for t in talks for url in t.slides),
            "venue": _opt_line(event.venue),
            "url": _opt_line(event.url),
            "sources": self._note_sources([item]),
            "notetui_version": __version__,
            "notetui_id": event.id,
        }

    def _tags(self, event: Event, talks: Iterable[Talk], *, notes: bool = True) -> list[str]:
        """The user's tags on the talks and the event, then (`notes`) the tags the
        event's notes give, which describe the whole event rather than one talk."""
        mine = [tag for talk in talks for tag in self.attachments.tags.get(talk.id, ())]
        mine += self.attachments.tags.get(event.id, ())
        given = event.tags if notes else ()
        return _unique(t for t in map(_obsidian_tag, [*sorted(set(mine)), *given]) if t)

    def _note_sources(self, chosen: Sequence[Chosen]) -> list[dict[str, Any]]:
        """Each note of the events, with its author as the reader shows it."""
        sources: list[dict[str, Any]] = []
        seen: set[str] = set()
        for item in chosen:
            event = item.event
            authors: dict[str, str] = {}
            for source in (*event.sections, *(s for t in event.talks for s in t.sources)):
                if source.author:
                    authors.setdefault(source.note, source.author)
            for note in event.notes:
                if note in seen:
                    continue
                seen.add(note)
                author = authors.get(note) or self.note_authors.get(note)
                sources.append({"note": _one_line(note), "author": _opt_line(author)})
        return sources

    # -- blocks --

    def _event_header(
        self, event: Event, *, index: str | None = None, authors: bool = False, own: bool = False
    ) -> list[str]:
        facts: list[str] = []
        if event.date:
            facts.append(f"- Date: {event.date}")
        if event.venue:
            facts.append(f"- Venue: {_inline(event.venue)}")
        if event.url:
            facts.append(f"- URL: {_autolink(event.url)}")
        if event.aliases:
            facts.append("- Also known as: " + " · ".join(_inline(a) for a in event.aliases))
        if authors:
            labels = _unique(
                _label(source)
                for source in (
                    *(s for t in event.talks for s in t.sources),
                    *event.sections,
                )
            )
            if labels:
                facts.append("- Notes by: " + " · ".join(_inline(label) for label in labels))
        if index is not None:
            facts.append(f"- Event notes: {_link(event.title, index)}")
        blocks = [f"# {_heading(event.title)}"]
        if facts:
            blocks.append("\n".join(facts))
        if own:  # the event's own annotations go with the event, not with each talk
            blocks += self._own_callouts(event.id, event.sections)
        return blocks

    def _own_callouts(self, target_id: str, sources: Sequence[Source]) -> list[str]:
        """Callouts of annotations on the talk or event itself, and of passages that
        are not in any of `sources` any more (shown with their quote)."""
        out: list[str] = []
        for placement in self.placements.get(target_id, []):
            if placement.note is None or self._source_of(placement, sources) is None:
                out.append(_callout(placement, quote=placement.annotation.anchor is not None))
        return out

    @staticmethod
    def _source_of(placement: Placement, sources: Sequence[Source]) -> int | None:
        if placement.note is None or placement.line is None:
            return None
        for number, source in enumerate(sources):
            section = source.section
            if source.note == placement.note and section.line <= placement.line <= section.end_line:
                return number
        return None

    def _spots(self, target_id: str, sources: Sequence[Source]) -> list[_Spots]:
        spots = [_Spots() for _ in sources]
        for placement in self.placements.get(target_id, []):
            number = self._source_of(placement, sources)
            if number is None or placement.line is None:
                continue
            section = sources[number].section
            if placement.line < section.body_line:
                spots[number].before.append(_callout(placement))
            else:
                spots[number].after_line.setdefault(placement.line, []).append(_callout(placement))
        return spots

    def _talk(self, talk: Talk, event: Event) -> list[str]:
        title = _heading(talk.title)
        blocks = [f"## {talk.time} {title}" if talk.time else f"## {title}"]
        labels = _labels(talk.sources)
        facts = [f"- Speaker: {_speaker_line(s)}" for s in talk.speakers]
        facts += [f"- Slides: {_autolink(url)}" for url in talk.slides]
        if talk.aliases:
            facts.append("- Also known as: " + " · ".join(_inline(a) for a in talk.aliases))
        # Always there, and never read as a speaker line when the export is read back.
        facts.append("- Notes by: " + " · ".join(_inline(label) for label in _unique(labels)))
        blocks.append("\n".join(facts))
        blocks += self._own_callouts(talk.id, talk.sources)
        spots = self._spots(talk.id, talk.sources)
        if self.merged:
            blocks += self._merged(talk, labels, spots)
            return blocks
        for source, label, spot in zip(talk.sources, labels, spots, strict=True):
            blocks.append(f"### {_heading(label)}")
            blocks += spot.before
            section = source.section
            body = _note_body(
                section.body,
                section.body_line,
                _EXPORT_HEADING_LEVEL,
                spot.after_line,
                plain=source.note in self.plain_notes,
            )
            if body:
                blocks.append(body)
        return blocks

    def _merged(self, talk: Talk, labels: Sequence[str], spots: Sequence[_Spots]) -> list[str]:
        points = [parse_points(source.section) for source in talk.sources]
        merged = merged_points(align_points(points))
        where: dict[PointRef, int] = {ref: k for k, mp in enumerate(merged) for ref in mp.refs}
        before: list[str] = [c for spot in spots for c in spot.before]
        after: dict[int, list[str]] = {}
        for number, spot in enumerate(spots):
            for line, callouts in spot.after_line.items():
                point = _point_at(points[number], line)
                if point is None:
                    before += callouts
                else:
                    after.setdefault(where[PointRef(number, point.index)], []).extend(callouts)
        blocks = ["### Merged notes", *before]
        blocks += _merged_blocks(merged, labels, after)
        return blocks

    def _event_sections(self, item: Chosen, links: dict[str, str] | None) -> list[str]:
        """Overview and Schedule: what comes before the talks."""
        event = item.event
        spots = self._spots(event.id, event.sections)
        blocks = self._kind_group("Overview", event.sections, spots, SectionKind.OTHER)
        blocks.append("## Schedule")
        blocks.append(_timetable(event, links or {}))
        blocks += self._kind_group(None, event.sections, spots, SectionKind.SCHEDULE)
        return blocks

    def _event_tail(self, item: Chosen) -> list[str]:
        event = item.event
        spots = self._spots(event.id, event.sections)
        blocks = self._kind_group("Impressions", event.sections, spots, SectionKind.IMPRESSIONS)
        blocks += self._kind_group("Links", event.sections, spots, SectionKind.LINKS)
        return blocks

    def _kind_group(
        self,
        heading: str | None,
        sources: Sequence[Source],
        spots: Sequence[_Spots],
        kind: SectionKind,
    ) -> list[str]:
        """`## heading`, then per author their sections of this kind. Schedule items
        always get their own `####` (their bodies are the point); other kinds only
        when an author has more than one."""
        labels = _labels(sources)
        chosen = [i for i, s in enumerate(sources) if s.section.kind is kind]
        if kind is SectionKind.SCHEDULE:
            chosen = [i for i in chosen if sources[i].section.body.strip() or spots[i].before]
        if not chosen:
            return []
        blocks = [f"## {heading}"] if heading else []
        by_label: dict[str, list[int]] = {}
        for i in chosen:
            by_label.setdefault(labels[i], []).append(i)
        for label, numbers in by_label.items():
            blocks.append(f"### {_heading(label)}")
            titled = kind is SectionKind.SCHEDULE or len(numbers) > 1
            for i in numbers:
                section = sources[i].section
                if titled:
                    name = _heading(section.title)
                    blocks.append(f"#### {section.time} {name}" if section.time else f"#### {name}")
                blocks += spots[i].before
                base = _EXPORT_HEADING_LEVEL + (1 if titled else 0)
                body = _note_body(
                    section.body,
                    section.body_line,
                    base,
                    spots[i].after_line,
                    plain=sources[i].note in self.plain_notes,
                )
                if body:
                    blocks.append(body)
        return blocks

    def _orphans(self, orphans: Sequence[Placement]) -> list[str]:
        blocks = [
            f"# {ORPHANS_TITLE}",
            "These annotations no longer match any talk or event in the notes. They are kept "
            "here so that nothing is lost; `notetui annotations --orphans` lists them too, "
            "with a way to attach each to a talk.",
        ]
        blocks += [_orphan_callout(p) for p in sorted(orphans, key=_by_created)]
        return blocks


def _point_at(points: Sequence[Point], line: int) -> Point | None:
    found = None
    for point in points:
        if point.line <= line:
            found = point
    return found


def _merged_blocks(
    merged: Sequence[MergedPoint], labels: Sequence[str], after: dict[int, list[str]]
) -> list[str]:
    """The merged point list: one list item per point with its authors. The notes'
    headings become bold items (the points of several authors interleave, so a real
    heading would claim points that are not under it); code and tables stay blocks,
    followed by their authors."""
    blocks: list[str] = []
    items: list[str] = []  # the list being built
    depth = -1

    def flush() -> None:
        nonlocal items, depth
        if items:
            blocks.append("\n".join(items))
        items, depth = [], -1

    for number, point in enumerate(merged):
        authors = "*— " + ", ".join(_inline(labels[s]) for s in point.sources) + "*"
        if point.kind in (PointKind.CODE, PointKind.TABLE):
            flush()
            code = point.text.replace("\r\n", "\n")
            blocks.append(_closed_block(code, 1) or _fenced(code))
            blocks.append(authors)
        elif point.kind is not PointKind.RULE:
            heading = point.kind is PointKind.HEADING
            depth = 0 if heading else min(point.depth, depth + 1)
            text = _one_line(point.text) or "…"
            if heading:
                text = f"**{text}**"
            elif point.kind is PointKind.QUOTE:
                text = f"> {text}"
            items.append(f"{'  ' * depth}- {text} {authors}")
        if number in after:
            flush()
            blocks += after[number]
    flush()
    return blocks


def _timetable(event: Event, links: dict[str, str]) -> str:
    """The talks in order, with the timed schedule items of every note slotted in."""
    rows: list[tuple[str | None, str]] = []
    for talk in event.talks:
        title = _link(talk.title, links[talk.id]) if talk.id in links else _inline(talk.title)
        rows.append((talk.time, title))
    items: dict[tuple[str | None, str], Source] = {}
    for source in event.sections:
        section = source.section
        timed = section.time is not None and section.kind is not SectionKind.TALK
        if section.kind is SectionKind.SCHEDULE or timed:
            items.setdefault((section.time, match_key(section.title)), source)
    for (time, _), source in sorted(
        items.items(), key=lambda kv: (kv[0][0] is None, kv[0][0] or "")
    ):
        row = (time, _inline(source.section.title))
        if time is None:
            rows.append(row)
            continue
        at = next(
            (i for i, (t, _) in enumerate(rows) if t is not None and t > time),
            len(rows),
        )
        rows.insert(at, row)
    if not rows:
        return "*(no talks)*"
    return "\n".join(f"- {time} {title}" if time else f"- {title}" for time, title in rows)


# -- Markdown helpers ------------------------------------------------------------------------

# What notetui's own reader parses (no lists or block quotes: see split_markdown), and
# what a CommonMark viewer parses. A note's text must keep its structure under both.
_READER = (
    MarkdownIt("commonmark")
    .enable("table")
    .disable(["inline", "text_join", "list", "blockquote"], ignoreInvalid=True)
)
_VIEWER = MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])
_PARSERS = (_VIEWER, _READER)
_ATX = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)")
_LIST_MARKER = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_LIST_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])([ \t]*)")
_CONTAINER_START = re.compile(r"^ {0,3}(?:[-*+>]|\d{1,9}[.)])(?:[ \t]|$)")
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_PROBE = "###### notetui-probe"
_HTML_CLOSERS = (
    (re.compile(r"^ {0,3}<(?:script|pre|style|textarea)(?:\s|>|$)", re.I), "</pre>"),
    (re.compile(r"^ {0,3}<!--"), "-->"),
    (re.compile(r"^ {0,3}<\?"), "?>"),
    (re.compile(r"^ {0,3}<!\[CDATA\["), "]]>"),
    (re.compile(r"^ {0,3}<![A-Za-z]"), ">"),
)
_LEAF_BLOCKS = frozenset(
    {"paragraph_open", "heading_open", "fence", "code_block", "html_block", "table_open", "hr"}
)


def _one_line(text: str) -> str:
    """Note text made safe for one line: no control characters, no line breaks."""
    return _LINE_BREAKS.sub(" ", sanitize(text)).strip()


def _opt_line(text: str | None) -> str | None:
    return _one_line(text) if text else None


def _heading(text: str) -> str:
    return " ".join(_one_line(text).split()) or "Untitled"


_INLINE_SPECIAL = frozenset("\\`*[]<>|~")
_TAG_AFTER_HASH = re.compile(r"[\w/\-]*")


def _inline(text: str) -> str:
    """Note text inside a line the export writes: what could make a link, emphasis,
    code, HTML or an Obsidian tag of it is escaped; `_` only where it could start or
    end emphasis (`tsubame_k` stays as it is), `#` only before a would-be tag (`#3`
    stays, `#shibuyago` does not)."""
    text = " ".join(_one_line(text).split())
    out: list[str] = []
    for index, char in enumerate(text):
        if char in _INLINE_SPECIAL:
            out.append("\\" + char)
        elif char == "#":
            run = _TAG_AFTER_HASH.match(text, index + 1)
            tag = run.group(0) if run else ""
            out.append("\\#" if tag.strip("0123456789") else "#")
        elif char == "_":
            before = text[index - 1] if index else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            out.append("_" if before.isalnum() and after.isalnum() else "\\_")
        else:
            out.append(char)
    return "".join(out)


def _link(text: str, file_name: str) -> str:
    return f"[{_inline(text)}](<{file_name}>)"


def _autolink(url: str) -> str:
    url = _one_line(url)
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*", url):
        return f"<{url}>"
    return _inline(url)


def _speaker_line(speaker: Speaker) -> str:
    """`Name (@handle) ◆ Affiliation`: the shape notetui reads back as a speaker."""
    name = _one_line(speaker.name)
    handle = _one_line(speaker.handle) if speaker.handle else None
    text = f"@{handle}" if handle and handle == name else name
    if handle and handle != name:
        text += f" (@{handle})"
    if speaker.affiliation:
        text += f" ◆ {_one_line(speaker.affiliation)}"
    return text


def _speaker_data(speaker: Speaker) -> dict[str, str]:
    data = {"name": _one_line(speaker.name)}
    if speaker.handle:
        data["handle"] = _one_line(speaker.handle)
    if speaker.affiliation:
        data["affiliation"] = _one_line(speaker.affiliation)
    return data


def _unique_speakers(speakers: Iterable[Speaker]) -> list[dict[str, str]]:
    seen: set[str] = set()
    out: list[dict[str, str]] = []
    for speaker in speakers:
        key = fold(speaker.handle or speaker.name)
        if key not in seen:
            seen.add(key)
            out.append(_speaker_data(speaker))
    return out


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


_TAG_JUNK = re.compile(r"[^\w/\-]+")


def _obsidian_tag(raw: str) -> str:
    """A tag as Obsidian takes it: no `#`, no spaces, letters, digits, `_`, `-`, `/`."""
    tag = _TAG_JUNK.sub("-", normalize_tag(_one_line(raw)))
    return re.sub(r"-{2,}", "-", tag).strip("-/")


def _label(source: Source) -> str:
    return _one_line(source.label) or source.note_name


def _labels(sources: Sequence[Source]) -> list[str]:
    """Each source's author, told apart by its note when one author wrote two notes."""
    labels = [_label(s) for s in sources]
    notes_of: dict[str, set[str]] = {}
    for label, source in zip(labels, sources, strict=True):
        notes_of.setdefault(label, set()).add(source.note)
    return [
        f"{label} ({_one_line(source.note)})" if len(notes_of[label]) > 1 else label
        for label, source in zip(labels, sources, strict=True)
    ]


def _quote_lines(text: str, prefix: str = "> ") -> list[str]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    return [prefix + line if line.strip() else prefix.rstrip() for line in lines]


def _callout(placement: Placement, *, quote: bool = False) -> str:
    annotation = placement.annotation
    title = annotation.created[:10]
    if annotation.updated[:10] != title:
        title += f" (edited {annotation.updated[:10]})"
    lines = [f"> [!note] {_one_line(title)}"]
    if quote and annotation.anchor is not None and annotation.anchor.quote.strip():
        lines += _quote_lines(sanitize(annotation.anchor.quote), "> > ")
        lines.append(">")
    lines += _quote_lines(sanitize(annotation.text) or " ")
    return "\n".join(lines)


def _orphan_callout(placement: Placement) -> str:
    annotation = placement.annotation
    where = annotation.title or annotation.target_id
    title = f"{annotation.created[:10]} · was on “{_one_line(where)}”"
    if annotation.event_title and annotation.event_title != annotation.title:
        title += f" ({_one_line(annotation.event_title)})"
    lines = [f"> [!warning] {title}"]
    if annotation.anchor is not None and annotation.anchor.quote.strip():
        lines += _quote_lines(sanitize(annotation.anchor.quote), "> > ")
        lines.append(">")
    lines += _quote_lines(sanitize(annotation.text) or " ")
    return "\n".join(lines)


def _document(meta: dict[str, Any], blocks: Sequence[str]) -> str:
    front = yaml.safe_dump(
        meta, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1_000_000
    )
    # Every value is one line (see _one_line), so no line of it can be a bare "---".
    if any(line.strip() in ("---", "...") for line in front.split("\n")):
        raise ExportError("internal error: front matter would not survive")  # pragma: no cover
    body = "\n\n".join(block.strip("\n") for block in blocks if block.strip())
    return f"---\n{front}---\n\n{body}\n"


# -- a note's text, verbatim but unable to break the export's structure -----------------


def _note_body(
    body: str, body_line: int, base: int, callouts: dict[int, list[str]], *, plain: bool = False
) -> str:
    """A section's text with its headings moved to `base` and deeper, callouts placed
    after the lines (file line numbers) they belong to, and every open fence or
    HTML block closed, so that what follows is the export's again.

    `plain`: the note is plain text, written line by line; its lines end in a hard
    line break (two spaces), or a CommonMark viewer would run them into one paragraph.
    """
    text = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    lines = text.split("\n") if text else []
    viewer = _VIEWER.parse(text)
    broken = _hard_breaks(lines, viewer) if plain else set()
    inserts: dict[int, list[str]] = {}
    for file_line, found in sorted(callouts.items()):
        index = file_line - body_line
        if index >= len(lines):
            index = len(lines) - 1
        at, indent = _insertion_point(viewer, lines, index)
        inserts.setdefault(at, []).extend(_indented(callout, indent) for callout in found)
    rewrites, blank_before = _heading_rewrites(text, lines, viewer, base)
    out: list[str] = [x for callout in inserts.get(-1, []) for x in (callout, "")]
    skip_until = -1
    blank_needed = False  # after a callout: a blank line before the note goes on
    for index, line in enumerate(lines):
        if blank_needed and line.strip():
            out.append("")
        blank_needed = False
        if index in blank_before:
            out.append("")
        if index in rewrites:
            new_line, end = rewrites[index]
            out.append(new_line)
            skip_until = end
        elif index >= skip_until:
            out.append(line)
        if index in inserts and index in broken:
            out[-1] = out[-1][:-2]  # the paragraph ends here now: no line break needed
        for callout in inserts.get(index, []):
            if out and out[-1].strip():
                out.append("")
            out.append(callout)
            blank_needed = True
    result = _closed_block("\n".join(out), base)
    if result is None:
        # Not expected to happen: the text as a code block, its callouts after it.
        result = "\n\n".join([_fenced(text), *(c for found in inserts.values() for c in found)])
    return result.strip("\n")


def _hard_breaks(lines: list[str], tokens: Sequence[Token]) -> set[int]:
    """End each line of a plain paragraph but its last with two spaces (a hard line
    break), in place; the indexes of the lines changed."""
    changed: set[int] = set()
    for token in tokens:
        if token.type == "paragraph_open" and token.level == 0 and token.map:
            for index in range(token.map[0], token.map[1] - 1):
                if not lines[index].endswith(("  ", "\\")):
                    lines[index] = lines[index].rstrip(" ") + "  "
                    changed.add(index)
    return changed


def _insertion_point(tokens: Sequence[Token], lines: Sequence[str], index: int) -> tuple[int, str]:
    """(the line after which a callout for line `index` goes, its indentation).

    In a paragraph of plain lines, right after that line. In code, tables, HTML and
    headings, after the block. In a list item, after the item's text, indented to
    the item's content, so that the callout belongs to the item and the items
    nested below it stay nested.
    """
    if index < 0:
        return -1, ""
    leaf: Token | None = None
    item: Token | None = None
    outer: Token | None = None
    for token in tokens:
        if not token.map or not token.map[0] <= index < token.map[1]:
            continue
        if token.level == 0 and outer is None:
            outer = token
        if token.type in _LEAF_BLOCKS:
            leaf = token  # the innermost comes last
        elif token.type == "list_item_open":
            item = token
    if leaf is None or leaf.map is None:
        return index, ""
    if leaf.type == "paragraph_open" and leaf.level == 0:
        return index, ""
    end = leaf.map[1] - 1
    if item is None or item.map is None:
        return end, ""
    marker = _LIST_ITEM.match(lines[item.map[0]])
    if marker is None or "\t" in marker.group(0):
        # A list inside a block quote, or tabs: after the whole outer block, where
        # an unindented callout cannot turn what follows into something else.
        return (outer.map[1] - 1 if outer is not None and outer.map else end), ""
    spaces = len(marker.group(3))
    width = len(marker.group(1)) + len(marker.group(2)) + (spaces if 1 <= spaces <= 4 else 1)
    return end, " " * width


def _indented(callout: str, indent: str) -> str:
    return "\n".join(indent + line for line in callout.split("\n")) if indent else callout


def _heading_rewrites(
    text: str, lines: Sequence[str], viewer: Sequence[Token], base: int
) -> tuple[dict[int, tuple[str, int]], set[int]]:
    """(start line -> (new ATX line, end line), lines to put a blank line before)."""
    seen_by_viewer = {t.map[0]: t for t in viewer if t.type == "heading_open" and t.map}
    seen_by_reader = {
        t.map[0]: t for t in _READER.parse(text) if t.type == "heading_open" and t.map
    }
    found: list[tuple[int, int, int, str]] = []  # start, end, level, content
    blank_before: set[int] = set()
    for start in sorted(set(seen_by_viewer) | set(seen_by_reader)):
        in_viewer = seen_by_viewer.get(start)
        in_reader = seen_by_reader.get(start)
        token = in_viewer or in_reader
        assert token is not None and token.map is not None
        level = int(token.tag[1])
        line = lines[start]
        if atx := _ATX.match(line):
            found.append((start, start + 1, len(atx.group(2)), line[atx.end() :]))
        elif in_viewer is not None and in_viewer.map and not _CONTAINER_START.match(line):
            end = in_viewer.map[1]  # setext: the text lines, then the underline
            content = " ".join(part.strip() for part in lines[start : end - 1])
            indent = line[: len(line) - len(line.lstrip(" "))][:3]
            found.append((start, end, level, indent + "\0" + content))
        elif (
            in_reader is not None
            and in_reader.map
            and in_viewer is None
            and not _LIST_MARKER.match(line)
        ):
            # Only notetui's reader sees a heading here ("> quote" over "---"): a
            # blank line keeps it from reading one, and changes nothing else.
            blank_before.add(in_reader.map[1] - 1)
    rewrites: dict[int, tuple[str, int]] = {}
    if not found:
        return rewrites, blank_before
    top = min(level for _, _, level, _ in found)
    for start, end, level, content in found:
        hashes = "#" * min(6, base + level - top)
        if "\0" in content:  # setext, turned into ATX
            indent, words = content.split("\0", 1)
            rewrites[start] = (f"{indent}{hashes} {words}".rstrip(), end)
        else:
            atx = _ATX.match(lines[start])
            assert atx is not None
            rewrites[start] = (f"{atx.group(1)}{hashes}{content}", end)
    return rewrites, blank_before


def _check(text: str, base: int) -> tuple[bool, bool]:
    """(nothing is left open at the end of `text`, no heading above `base` in it), for a
    viewer and for notetui's reader. A heading after `text` is the probe: if it is not
    a heading where it was put, a fence or an HTML block is still open."""
    probe_line = text.count("\n") + 2 if text else 0
    document = f"{text}\n\n{_PROBE}\n" if text else f"{_PROBE}\n"
    closed = levels = True
    for parser in _PARSERS:
        tokens = parser.parse(document)
        probed = False
        for number, token in enumerate(tokens):
            if token.type != "heading_open" or not token.map:
                continue
            if token.map[0] == probe_line:
                probed = token.level == 0
                continue
            if int(token.tag[1]) >= base:
                continue
            if parser is _VIEWER and token.level == 0:
                levels = False
            # The reader ignores a list item over "---" (see split_markdown).
            content = tokens[number + 1].content.strip()
            listed = token.markup in ("=", "-") and _LIST_MARKER.match(content)
            if parser is _READER and content and not listed:
                levels = False
        closed = closed and probed
    return closed, levels


def _closed_block(text: str, base: int) -> str | None:
    """`text` with open code fences and HTML blocks closed at its end, or None if it
    still breaks the export's structure (an open block, a heading above `base`)."""
    closed, levels = _check(text, base)
    if not levels:
        return None
    if closed:
        return text
    lines = text.split("\n")
    for _ in range(4):
        closer = _open_block_closer(text, lines)
        if closer is None:
            return None
        lines.append(closer)
        text = "\n".join(lines)
        closed, levels = _check(text, base)
        if closed and levels:
            return text
    return None


def _open_block_closer(text: str, lines: Sequence[str]) -> str | None:
    for parser in _PARSERS:
        for token in parser.parse(text):
            if token.level != 0 or not token.map or token.map[1] < len(lines):
                continue
            opening = lines[token.map[0]]
            if token.type == "fence":
                indent = opening[: len(opening) - len(opening.lstrip(" "))][:3]
                return indent + token.markup
            if token.type == "html_block":
                for pattern, closer in _HTML_CLOSERS:
                    if pattern.match(opening):
                        return closer
    return None


def _fenced(text: str) -> str:
    """The last resort: `text` as a code block no line of it can close."""
    longest = max((len(m.group(0)) for m in re.finditer(r"`+|~+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"
