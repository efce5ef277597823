"""`x`: ask where to export what is shown, export in a worker, ask before overwriting.

What is exported is chosen in the dialog, whatever has focus: the talk shown (the
first choice), its event, or the talks the tag filter shows when one is on.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Protocol

from textual.app import App
from textual.message import Message

from notetui.core.models import Event, Library, Talk
from notetui.ui.exporting import ExportJob, overwrite_question, run_export
from notetui.ui.messages import Exported

if TYPE_CHECKING:
    from textual.worker import Worker

    from notetui.core.annotations.anchoring import Attachments
    from notetui.core.export.markdown import ExportRequest, Selection


class Reader(Protocol):
    """What the exporter needs of the reader screen."""

    library: Library | None
    tag_filter: tuple[str, ...]

    @property
    def app(self) -> App[object]: ...

    def tree_focused(self) -> bool: ...
    def current_talk(self) -> Talk | None: ...
    def current_event(self) -> Event | None: ...
    def attachments_now(self) -> Attachments: ...
    def post_message(self, message: Message) -> bool: ...
    def run_worker(
        self, work: partial[None], *, thread: bool, group: str, description: str
    ) -> Worker[None]: ...


class Exporter:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    def _selections(self) -> list[tuple[str, Selection]]:
        """What can be exported now, the talk or event shown first."""
        from notetui.core.export.markdown import Selection

        reader = self.reader
        found: list[tuple[str, Selection]] = []
        if (talk := reader.current_talk()) is not None:
            found.append(("talk", Selection(talks=(talk.id,))))
        if (event := reader.current_event()) is not None:
            found.append(("event", Selection(events=(event.id,))))
        if reader.tag_filter:
            found.append(("filter", Selection(tags=reader.tag_filter)))
        return found

    def start(self) -> None:
        from notetui.core.export.markdown import describe, select
        from notetui.core.locations import export_dir
        from notetui.ui.dialogs.export import ExportDialog, ExportScope

        library = self.reader.library
        if library is None:
            return
        attachments = self.reader.attachments_now()
        scopes: list[ExportScope] = []
        selections: dict[str, Selection] = {}
        for key, selection in self._selections():
            chosen = select(library, attachments, selection)
            if chosen:
                description = describe(chosen)
                if key == "filter":
                    tags = " ".join(f"#{tag}" for tag in self.reader.tag_filter)
                    description = f"what the filter {tags} shows: {description}"
                talks = sum(len(c.talks) for c in chosen)
                scopes.append(ExportScope(key, description, talks))
                selections[key] = selection
        if not scopes:
            self.reader.app.notify("Nothing to export", severity="warning", timeout=3)
            return
        dialog = ExportDialog(scopes[0].description, export_dir(), scopes[0].talks, scopes=scopes)

        def go(request: ExportRequest | None) -> None:
            if request is not None:
                selection = selections[dialog.scope.key]
                self._run(ExportJob(selection, request.out, request.split, request.merged))

        self.reader.app.push_screen(dialog, go)

    def _run(self, job: ExportJob, *, force: bool = False) -> None:
        work = partial(self._export, job, force)
        self.reader.run_worker(work, thread=True, group="export", description="export")

    def _export(self, job: ExportJob, force: bool) -> None:
        """In the worker thread: write, and say how it went."""
        library = self.reader.library
        if library is not None:
            outcome = run_export(library, self.reader.attachments_now(), job, force=force)
            self.reader.post_message(
                Exported(outcome.summary, job, outcome.existing, outcome.error)
            )

    def exported(self, message: Exported) -> None:
        from notetui.ui.dialogs.confirm import ConfirmDialog

        app = self.reader.app
        if message.error:
            app.notify(message.summary, severity="error", timeout=8, markup=False)
            return
        if not message.existing:
            app.notify(message.summary, title="Exported", timeout=8, markup=False)
            return
        job = message.job

        def answer(overwrite: bool | None) -> None:
            if overwrite:
                self._run(job, force=True)
            else:
                app.notify("Nothing was exported", timeout=3)

        app.push_screen(ConfirmDialog(overwrite_question(message.existing)), answer)
