"""`x`: what the reader exports, and running the export off the UI thread.

The core writes the files (`core.export.markdown`); this module only says what to
export and turns the result into what the reader tells the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from notetui.core.text import sanitize_line

if TYPE_CHECKING:
    from notetui.core.annotations.anchoring import Attachments
    from notetui.core.export.markdown import Selection, Split
    from notetui.core.models import Library


@dataclass(frozen=True)
class ExportJob:
    """What to export, where and how: enough to run it again with force."""

    selection: Selection
    out: Path
    split: Split | None
    merged: bool


@dataclass(frozen=True)
class ExportOutcome:
    """The one line to show, and the files that exist with other content (nothing is
    written then, until the user says to overwrite them)."""

    summary: str
    existing: tuple[Path, ...] = ()
    error: bool = False


def run_export(
    library: Library, attachments: Attachments, job: ExportJob, *, force: bool
) -> ExportOutcome:
    """Write the export (from a worker thread); never raises for a disk problem."""
    from notetui.core.export.markdown import ExportError, export_library

    try:
        result = export_library(
            library,
            attachments,
            job.selection,
            job.out,
            split=job.split,
            merged=job.merged,
            force=force,
        )
    except ExportError as error:
        return ExportOutcome(str(error), error=True)
    except OSError as error:  # a folder that cannot be made, a full disk
        return ExportOutcome(f"Cannot export to {job.out}: {error.strerror or error}", error=True)
    return ExportOutcome(result.summary(), tuple(result.existing))


def overwrite_question(existing: tuple[Path, ...]) -> str:
    first = sanitize_line(str(existing[0]))
    files = "A file exists" if len(existing) == 1 else f"{len(existing)} files exist"
    return f"{files} with other content, e.g. {first}. Overwrite?"
