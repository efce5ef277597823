"""`x`: ask where to export what is shown, export in a worker, ask before overwriting.

What is exported: the filtered talks when the tree has focus and a tag filter is on,
else the talk or event shown.
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

    def _selection(self) -> Selection | None:
        from notetui.core.export.markdown import Selection

        reader = self.reader
        if reader.tree_focused() and reader.tag_filter:
            return Selection(tags=reader.tag_filter)
        if (talk := reader.current_talk()) is not None:
            return Selection(talks=(talk.id,))
        if (event := reader.current_event()) is not None:
            return Selection(events=(event.id,))
        return None

    def start(self) -> None:
        from notetui.core.export.markdown import describe, select
        from notetui.core.locations import export_dir
        from notetui.ui.dialogs.export import ExportDialog

        library, selection = self.reader.library, self._selection()
        if library is None or selection is None:
            return
        chosen = select(library, self.reader.attachments_now(), selection)
        if not chosen:
            self.reader.app.notify("Nothing to export", severity="warning", timeout=3)
            return

        def go(request: ExportRequest | None) -> None:
            if request is not None:
                self._run(ExportJob(selection, request.out, request.split, request.merged))

        talks = sum(len(c.talks) for c in chosen)
        self.reader.app.push_screen(ExportDialog(describe(chosen), export_dir(), talks), go)

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
