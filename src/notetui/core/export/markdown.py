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
  or with `merged=True` the talk's merged outline: a nested list, each point
  followed by the authors who made it, under a parent of its own author.
- An annotation is a `> [!note] YYYY-MM-DD` callout: a talk's after its header, a
  passage's right after the line (or the block, for code, tables and list items)
  it is anchored to.
- Orphaned annotations (attached to nothing in the library now) go into
  `Orphaned annotations.md`, or a last `# Orphaned annotations` section of a single
  file, whenever the whole library is exported; a narrower export leaves them out
  and says how many it left out (`ExportResult.orphans_left_out`).

Note text is untrusted: escape sequences, other control characters and bidi
controls are removed from every exported document (files and `-o -` alike), and
a comment after the front matter says how many characters went.

Exports are deterministic (same library and annotations, same bytes: LF, UTF-8,
no export time), atomic (a temp file in the folder, then `os.replace`) and never
overwrite an existing file unless `force` is set; an existing file with exactly
the same content counts as unchanged, not as a conflict. An exported folder is
itself a notes folder: `notetui list` finds its talks again.

The work is split by job: `selection` (what is asked for), `documents` (rendering
a talk or an event), `front_matter`, `markup` (the pieces of Markdown written
around the notes' text), `note_text` (a note's text kept verbatim and safe),
`merged` (the merged outline), `naming` (file names) and `writing`.
"""

from __future__ import annotations

from pathlib import Path

from notetui.core.annotations.anchoring import Attachments
from notetui.core.export.documents import DocumentWriter
from notetui.core.export.naming import MAX_STEM_BYTES, FileNames, safe_file_stem
from notetui.core.export.selection import (
    ORPHANS_TITLE,
    SPLITS,
    Chosen,
    ExportError,
    ExportFile,
    ExportRequest,
    ExportResult,
    Selection,
    Split,
    describe,
    select,
)
from notetui.core.export.writing import FILE_SUFFIXES, output_is_file, write_all
from notetui.core.models import Library

__all__ = [
    "FILE_SUFFIXES",
    "MAX_STEM_BYTES",
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
    result = write_all(folder, files, force)
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
    writer = DocumentWriter(library, attachments, merged)
    orphans = attachments.orphans() if selection.everything else []
    names = FileNames()
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
