"""Edit the tags of a talk or event: one Input, completed from the tags that exist.

Tags are separated by commas (or `、`, or a space before `#`); inside one tag, spaces
become `-`, as the store normalises them. The normalised list is shown live under
the input, so `Ｋｕｂｅｒｎｅｔｅｓ Ops` is seen to become `kubernetes-ops` before saving.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Footer, Input, Static

from notetui.core.annotations.store import normalize_tag
from notetui.core.text import sanitize_line
from notetui.ui.palette import palette

# Between two tags: a comma (ASCII, full-width or Japanese), or spaces before a "#".
_SEPARATOR = re.compile(r"\s*[,、，]\s*|\s+(?=[#＃])")
_KNOWN_SHOWN = 40


def split_tags(value: str) -> tuple[str, ...]:
    """The normalised tags typed in `value`, in the order typed, without repeats."""
    tags = (normalize_tag(part) for part in _SEPARATOR.split(value))
    return tuple(dict.fromkeys(tag for tag in tags if tag))


def complete_tag(value: str, known: Sequence[str]) -> str | None:
    """`value` with its last tag completed from `known`, or None if nothing fits.

    The text already typed is kept as typed; only the missing end of the tag is added,
    so `Kub` becomes `Kubernetes`, which the store normalises to `kubernetes`.
    """
    start = 0
    for match in _SEPARATOR.finditer(value):
        start = match.end()
    last = value[start:]
    prefix = normalize_tag(last)
    if not prefix:
        return None
    if last[-1:].isspace():
        prefix += "-"  # "kubernetes " is on its way to "kubernetes-ops"
    taken = set(split_tags(value[:start]))
    for tag in known:
        if tag.startswith(prefix) and tag != prefix and tag not in taken:
            return value + tag[len(prefix) :]
    return None


class TagSuggester(Suggester):
    """Completes the last tag of a comma-separated list from the existing tags."""

    def __init__(self, known: Iterable[str]) -> None:
        super().__init__(use_cache=True, case_sensitive=True)
        self.known = tuple(dict.fromkeys(t for t in map(normalize_tag, known) if t))

    async def get_suggestion(self, value: str) -> str | None:
        return complete_tag(value, self.known)


def _shown(tag: str) -> str:
    """A stored tag as the dialog shows it: sanitised, then normalised as typed."""
    return normalize_tag(sanitize_line(tag)) or sanitize_line(tag)


def tags_text(tags: Sequence[str], known: Iterable[str] = ()) -> Text:
    """`#a #b`, with tags that do not exist yet marked as new."""
    existing = set(known)
    text = Text()
    for number, tag in enumerate(tags):
        if number:
            text.append(" ")
        text.append(f"#{sanitize_line(tag)}", palette().style("tag" if tag in existing else "new"))
        if existing and tag not in existing:
            text.append(" (new)", Style(dim=True))
    return text


class TagsDialog(ModalScreen[tuple[str, ...] | None]):
    """The result is the full new tag list, normalised (empty: remove every tag), or
    None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "save", "Save", priority=True, id="tags.save"),
        Binding("tab", "complete", "Complete", id="tags.complete"),
        Binding("escape", "cancel", "Cancel", key_display="esc", id="tags.cancel"),
    ]

    def __init__(
        self,
        target_label: str,
        current: tuple[str, ...],
        known: Sequence[str],
        *,
        save: Callable[[tuple[str, ...]], None] | None = None,
    ) -> None:
        super().__init__()
        self.target_label = target_label
        # Given `save`, the dialog stays open until the save lands (`saved`), or says
        # why it did not (`failed`) with what was typed still in the field.
        self.save = save
        self.saving = False
        # Stored tags are untrusted text: the field and its completions show them
        # sanitised (an escape in a tag would reach the terminal from an Input), and
        # a tag left as it was is saved as it was stored.
        self._stored = {_shown(tag): tag for tag in current}
        self.current = tuple(self._stored)
        self.known = tuple(dict.fromkeys(_shown(t) for t in map(normalize_tag, known) if t))

    def compose(self) -> ComposeResult:
        with Vertical():
            heading = Text("Tags for ", Style(dim=True))
            heading.append(sanitize_line(self.target_label))
            yield Static(heading, id="heading", markup=False)
            yield Input(
                ", ".join(self.current),
                placeholder="tags, separated by commas",
                suggester=TagSuggester(self.known),
                select_on_focus=False,
                id="tags",
            )
            yield Static(id="preview", markup=False)
            yield Static(id="problem", markup=False, classes="-empty")
            known = Static(self._known_text(), id="known", markup=False)
            known.set_class(not self.known, "-empty")
            yield known
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._show_preview(self.query_one(Input).value)

    def _known_text(self) -> Text:
        text = Text("existing: ", Style(dim=True))
        shown = self.known[:_KNOWN_SHOWN]
        text.append(" ".join(f"#{sanitize_line(t)}" for t in shown))
        if len(self.known) > len(shown):
            text.append(f" … {len(self.known) - len(shown)} more")
        return text

    @on(Input.Changed, "#tags")
    def _tags_changed(self, event: Input.Changed) -> None:
        self._show_preview(event.value)

    def _show_preview(self, value: str) -> None:
        tags = split_tags(value)
        text = Text("saved as: ", Style(dim=True))
        if tags:
            text.append_text(tags_text(tags, self.known))
        else:
            text.append("no tags" + (" (removes them all)" if self.current else ""), "italic")
        self.query_one("#preview", Static).update(text)

    @property
    def tags(self) -> tuple[str, ...]:
        """The tags typed, each one untouched as it was stored."""
        typed = split_tags(self.query_one(Input).value)
        return tuple(dict.fromkeys(self._stored.get(tag, tag) for tag in typed))

    def action_save(self) -> None:
        if self.save is None:
            self.dismiss(self.tags)
        elif not self.saving:
            self.saving = True
            self.save(self.tags)

    def saved(self) -> None:
        self.saving = False
        self.dismiss(self.tags)

    def failed(self, reason: str) -> None:
        self.saving = False
        problem = Text("Not saved: ", palette().style("problem", bold=True))
        problem.append(sanitize_line(reason))
        problem.append(" · enter tries again", Style(dim=True))
        widget = self.query_one("#problem", Static)
        widget.update(problem)
        widget.set_class(False, "-empty")

    def action_complete(self) -> None:
        """Take the completion shown after the cursor, and start the next tag."""
        field = self.query_one(Input)
        before = field.value
        if field.cursor_at_end:
            field.action_cursor_right()  # accepts the suggestion when there is one
        if field.value != before:
            field.insert_text_at_cursor(", ")

    def action_cancel(self) -> None:
        self.dismiss(None)
