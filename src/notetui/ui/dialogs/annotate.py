"""Write or edit one annotation: a Markdown TextArea under what is being annotated.

ctrl+s saves; escape cancels, and asks first when the text was changed, so nothing the
user wrote is thrown away without a question.

Given a `save` function, the dialog stays open until the save has landed: `saved()`
closes it, `failed(reason)` says why in it and keeps the text for another ctrl+s,
and `conflict(theirs, reason)` shows the text stored meanwhile beside the user's, to
save over it (ctrl+s) or take it (ctrl+o).
"""

from __future__ import annotations

from collections.abc import Callable
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
        Binding("ctrl+o", "take_theirs", "Take theirs", priority=True, id="annotate.theirs"),
    ]

    def __init__(
        self,
        heading: str,
        context: str = "",
        initial: str = "",
        *,
        save: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self.heading = heading
        self.context = context
        # The stored text is untrusted too: a TextArea would send its escapes to the
        # terminal, so it edits the sanitised text (saved only if the user changes it).
        self.initial = sanitize(initial)
        self.save = save
        self.saving = False
        self.theirs: str | None = None  # the text stored meanwhile, after a conflict

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
            yield Static(id="problem", markup=False, classes="-empty")
            yield Static(id="theirs", markup=False, classes="-empty")
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "take_theirs":
            return self.theirs is not None
        return True

    def action_save(self) -> None:
        text = self.text.strip("\n").rstrip()
        if not text.strip() or not self.changed:
            self.dismiss(None)
            return
        if self.save is None:
            self.dismiss(text)
            return
        if self.saving:
            return  # the first ctrl+s is on its way
        self.saving = True
        self._say(Text("Saving…", Style(dim=True)))
        self.save(text)

    # ------------------------------------------------ how the save went

    def saved(self) -> None:
        """The save landed: close, with the text saved."""
        self.saving = False
        self.dismiss(self.text.strip("\n").rstrip())

    def failed(self, reason: str) -> None:
        """The save did not land: say why; the text stays for another try."""
        self.saving = False
        problem = Text("Not saved: ", palette().style("problem", bold=True))
        problem.append(sanitize_line(reason))
        problem.append("\nYour text is still here: ctrl+s tries again.", Style(dim=True))
        self._say(problem)
        self.query_one(TextArea).focus()

    def conflict(self, theirs: str, reason: str) -> None:
        """The annotation was changed elsewhere while this edit was open: both are shown,
        and nothing is saved until the user chooses."""
        self.saving = False
        self.theirs = sanitize(theirs)
        problem = Text("Changed elsewhere while you edited it. ", palette().style("problem"))
        problem.append("ctrl+s saves yours over it · ctrl+o takes theirs", Style(dim=True))
        self._say(problem)
        shown = Text("Theirs now:\n", Style(bold=True))
        shown.append_text(quoted(self.theirs, lines=6))
        theirs_view = self.query_one("#theirs", Static)
        theirs_view.update(shown)
        theirs_view.set_class(False, "-empty")
        self.refresh_bindings()
        self.query_one(TextArea).focus()

    def action_take_theirs(self) -> None:
        """Put the stored text in the editor: saving it unchanged saves nothing."""
        if self.theirs is None:
            return
        area = self.query_one(TextArea)
        area.text = self.theirs
        area.move_cursor(area.document.end)
        self.initial, self.theirs = self.theirs, None
        self.query_one("#theirs", Static).set_class(True, "-empty")
        self._say(Text("Theirs is in the editor; edit it or press esc.", Style(dim=True)))
        self.refresh_bindings()

    def _say(self, text: Text) -> None:
        problem = self.query_one("#problem", Static)
        problem.update(text)
        problem.set_class(not text.plain, "-empty")

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
