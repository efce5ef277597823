"""Edit the tags of a talk or event: one Input, completed from the tags that exist.

Tags are separated by commas (or `、`, or a space before `#`); inside one tag, spaces
become `-`, as the store normalises them. The normalised list is shown live under
the input, so `Ｋｕｂｅｒｎｅｔｅｓ Ops` is seen to become `kubernetes-ops` before saving.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
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

# Between two tags: a comma (ASCII, full-width or Japanese), or spaces before a "#".
_SEPARATOR = re.compile(r"\s*[,、，]\s*|\s+(?=[#＃])")
_TAG_STYLE = Style(color="#9ece6a")
_NEW_STYLE = Style(color="#e0af68")
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


def tags_text(tags: Sequence[str], known: Iterable[str] = ()) -> Text:
    """`#a #b`, with tags that do not exist yet marked as new."""
    existing = set(known)
    text = Text()
    for number, tag in enumerate(tags):
        if number:
            text.append(" ")
        text.append(f"#{sanitize_line(tag)}", _TAG_STYLE if tag in existing else _NEW_STYLE)
        if existing and tag not in existing:
            text.append(" (new)", Style(dim=True))
    return text


class TagsDialog(ModalScreen[tuple[str, ...] | None]):
    """The result is the full new tag list, normalised (empty: remove every tag), or
    None when cancelled."""

    DEFAULT_CSS = """
    TagsDialog { align: center middle; }
    TagsDialog > Vertical {
        width: 76; max-width: 96%; height: auto; max-height: 90%;
        border: thick $primary 70%; background: $surface; padding: 0 1;
    }
    TagsDialog #heading { height: auto; max-height: 2; text-style: bold; }
    TagsDialog Input { margin: 1 0 0 0; }
    TagsDialog #preview { height: auto; max-height: 4; padding: 0 1; }
    TagsDialog #known { height: auto; max-height: 4; padding: 0 1; margin-top: 1;
        color: $text-muted; }
    TagsDialog #known.-empty { display: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "save", "Save", priority=True, id="tags.save"),
        Binding("tab", "complete", "Complete", id="tags.complete"),
        Binding("escape", "cancel", "Cancel", key_display="esc", id="tags.cancel"),
    ]

    def __init__(self, target_label: str, current: tuple[str, ...], known: Sequence[str]) -> None:
        super().__init__()
        self.target_label = target_label
        self.current = current
        self.known = tuple(dict.fromkeys(t for t in map(normalize_tag, known) if t))

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
        return split_tags(self.query_one(Input).value)

    def action_save(self) -> None:
        self.dismiss(self.tags)

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
