"""Write or edit one annotation: a Markdown TextArea under what is being annotated.

ctrl+s saves; escape cancels, and asks first when the text was changed, so nothing the
user wrote is thrown away without a question.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, TextArea

from notetui.core.text import sanitize, sanitize_line
from notetui.ui.palette import palette

_CONTEXT_LINES = 4


def quoted(context: str, *, lines: int = _CONTEXT_LINES) -> Text:
    """The annotated passage as a dim quote, at most `lines` lines."""
    shown = [line.rstrip() for line in sanitize(context).strip("\n").split("\n")]
    more = len(shown) > lines
    text = Text()
    for number, line in enumerate(shown[:lines]):
        if number:
            text.append("\n")
        text.append("▎ ", Style(dim=True))
        text.append(line.expandtabs(4), Style(dim=True, italic=True))
    if more:
        text.append("\n▎ …", Style(dim=True))
    return text


class AnnotateDialog(ModalScreen[str | None]):
    """The result is the annotation's text, or None when nothing is to be saved
    (cancelled, left empty, or saved unchanged)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: the TextArea would take escape (it leaves the field with it).
        Binding("ctrl+s", "save", "Save", priority=True, id="annotate.save"),
        Binding(
            "escape", "cancel", "Cancel", key_display="esc", priority=True, id="annotate.cancel"
        ),
    ]

    def __init__(self, heading: str, context: str = "", initial: str = "") -> None:
        super().__init__()
        self.heading = heading
        self.context = context
        # The stored text is untrusted too: a TextArea would send its escapes to the
        # terminal, so it edits the sanitised text (saved only if the user changes it).
        self.initial = sanitize(initial)

    def compose(self) -> ComposeResult:
        with Vertical():
            heading = Text("✎ ", palette().style("note"))
            heading.append(sanitize_line(self.heading))
            yield Static(heading, id="heading", markup=False)
            context = Static(quoted(self.context), id="context", markup=False)
            context.set_class(not self.context.strip(), "-empty")
            yield context
            yield TextArea(
                self.initial,
                soft_wrap=True,
                tab_behavior="indent",
                show_line_numbers=False,
                id="text",
            )
            yield Static(Text("Markdown allowed · tab indents"), id="hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    @property
    def changed(self) -> bool:
        return self.text.rstrip() != self.initial.rstrip()

    def action_save(self) -> None:
        text = self.text.strip("\n").rstrip()
        if not text.strip() or not self.changed:
            self.dismiss(None)
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        if not self.changed:
            self.dismiss(None)
            return
        from notetui.ui.dialogs.confirm import ConfirmDialog

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)
            else:
                self.query_one(TextArea).focus()

        self.app.push_screen(
            ConfirmDialog("Discard this annotation? What you wrote will be lost."), answered
        )
