"""Pick from a list by typing: a filter Input above an OptionList.

`TalkPicker` picks one (id, label) choice; `TagFilterDialog` toggles any number of
tags, each shown with how many talks and events carry it. Focus stays in the filter:
typing narrows the list, up/down move, enter chooses, and a click picks or toggles.

Labels are untrusted: they are drawn as `Text` from sanitised strings, and matches
are highlighted by position, never through markup.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.fuzzy import FuzzySearch
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from notetui.core.text import fold, sanitize_line
from notetui.ui.palette import palette

_DIM = Style(dim=True)
_SHOWN = 500  # options drawn at most; the status line says how many matched

ResultType = TypeVar("ResultType")


# ---------------------------------------------------------------------- matching


def _joins_previous(ch: str) -> bool:
    # NFKC folds a character with what follows it (ｶ + ﾞ = ガ): keep such groups together.
    return bool(unicodedata.combining(ch)) or ch in "\uff9e\uff9f\u3099\u309a"


def fold_mapped(text: str) -> tuple[str, list[int]]:
    """NFKC + casefold of `text`, and the index in `text` of each folded character."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    parts: list[str] = []
    where: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and _joins_previous(text[j]):
            j += 1
        folded = unicodedata.normalize("NFKC", text[i:j]).casefold()
        parts.append(folded)
        where.extend([i] * len(folded))
        i = j
    return "".join(parts), where


@dataclass(frozen=True, slots=True)
class _Candidate:
    index: int  # position in the caller's list
    key: str  # what identifies it (choice id or tag)
    label: str  # sanitised, shown
    folded: str
    where: list[int]


def _candidate(index: int, key: str, label: str) -> _Candidate:
    folded, where = fold_mapped(label)
    return _Candidate(index, key, label, folded, where)


# Both sides are folded (NFKC + casefold) first, so the matcher compares them as they are.
_FUZZY = FuzzySearch(case_sensitive=True)


def rank(candidates: Sequence[_Candidate], query: str) -> list[tuple[_Candidate, tuple[int, ...]]]:
    """Candidates matching every whitespace-separated term of `query`, in any order,
    best first, each with the label positions to highlight.

    A term matches its letters in order (`k8sop` finds "K8s Ops"), scored by Textual's
    own fuzzy matcher (the command palette's): whole words and runs rank first.
    """
    terms = fold(query).split()
    if not terms:
        return [(c, ()) for c in candidates]
    scored: list[tuple[float, int, _Candidate, tuple[int, ...]]] = []
    for cand in candidates:
        total = 0.0
        spans: list[int] = []
        for term in terms:
            score, offsets = _FUZZY.match(term, cand.folded)
            if score <= 0:
                break
            total += score
            spans.extend(offsets)
        else:
            scored.append((-total, cand.index, cand, _positions(cand, spans)))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [(cand, spans) for _, _, cand, spans in scored]


def _positions(cand: _Candidate, folded_positions: Sequence[int]) -> tuple[int, ...]:
    return tuple(sorted({cand.where[p] for p in folded_positions if p < len(cand.where)}))


def highlighted(label: str, positions: Sequence[int]) -> Text:
    text = Text(label)
    match = Style(bold=True, underline=True, color=palette().new)
    for position in positions:
        if not label[position].isspace():
            text.stylize(match, position, position + 1)
    return text


# ----------------------------------------------------------------------- dialogs


class _Choices(OptionList, can_focus=False):
    """The list under the filter; keys reach it through the dialog, so typing never stops."""


class _FilterInput(Input):
    """The filter; with `spaces` off it leaves space to the dialog (tags hold no spaces)."""

    spaces = True

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if key == "space" and not self.spaces:
            return False
        return super().check_consume_key(key, character)


class FilteredPicker(ModalScreen[ResultType]):
    """A prompt, a filter Input, the matching choices, and a status line."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Down", show=False, id="pick.down"),
        Binding("up", "move(-1)", "Up", show=False, id="pick.up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="pick.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="pick.page_up"),
        Binding("escape", "cancel", "Cancel", key_display="esc", id="pick.cancel"),
    ]

    def __init__(self, prompt: str) -> None:
        super().__init__()
        self.prompt = prompt
        self._candidates: list[_Candidate] = []
        self._matched = 0

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(sanitize_line(self.prompt)), id="prompt", markup=False)
            yield _FilterInput(placeholder="type to filter", id="filter")
            yield _Choices(id="choices")
            yield Static(id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).focus()
        self._refilter("")

    @property
    def choices(self) -> OptionList:
        return self.query_one("#choices", OptionList)

    @property
    def query_text(self) -> str:
        return self.query_one("#filter", Input).value

    def option_prompt(self, cand: _Candidate, positions: tuple[int, ...]) -> Text:
        return highlighted(cand.label, positions)

    def status_text(self) -> Text:
        total = len(self._candidates)
        if not total:
            return Text("nothing to choose from")
        shown = f"{self._matched} of {total}" if self.query_text.strip() else f"all {total}"
        if self._matched > _SHOWN:
            shown += f" (first {_SHOWN} shown)"
        return Text(shown)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._refilter(event.value)

    def _refilter(self, query: str) -> None:
        choices = self.choices
        current = choices.highlighted_option
        keep = current.id if current is not None else None
        ranked = rank(self._candidates, query)
        self._matched = len(ranked)
        choices.set_options(
            Option(self.option_prompt(cand, spans), id=cand.key) for cand, spans in ranked[:_SHOWN]
        )
        if ranked:
            ids = [cand.key for cand, _ in ranked[:_SHOWN]]
            # While typing, the best match; otherwise stay where the cursor was.
            stay = keep is not None and keep in ids and not query.strip()
            choices.highlighted = ids.index(keep) if stay and keep is not None else 0
        self.refresh_status()

    def refresh_status(self) -> None:
        self.query_one("#status", Static).update(self.status_text())

    def refresh_prompts(self) -> None:
        """Redraw the options (after a toggle) without moving the cursor."""
        highlighted_index = self.choices.highlighted
        self._refilter(self.query_text)
        if highlighted_index is not None and highlighted_index < self.choices.option_count:
            self.choices.highlighted = highlighted_index

    def action_move(self, step: int) -> None:
        if step > 0:
            self.choices.action_cursor_down()
        else:
            self.choices.action_cursor_up()

    def action_page(self, step: int) -> None:
        if step > 0:
            self.choices.action_page_down()  # type: ignore[no-untyped-call]
        else:
            self.choices.action_page_up()  # type: ignore[no-untyped-call]

    def action_cancel(self) -> None:
        self.dismiss(None)  # both pickers return `... | None`

    @property
    def highlighted_key(self) -> str | None:
        option = self.choices.highlighted_option
        return option.id if option is not None else None


class TalkPicker(FilteredPicker[str | None]):
    """Pick one of `choices` (id, label); the result is the id, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Choose", priority=True, id="pick.choose"),
    ]

    def __init__(self, choices: Sequence[tuple[str, str]], prompt: str) -> None:
        super().__init__(prompt)
        unique = dict(reversed(choices))  # one option per id (the first label given)
        self._candidates = [
            _candidate(index, ident, sanitize_line(unique[ident]))
            for index, ident in enumerate(dict.fromkeys(ident for ident, _ in choices))
        ]

    @on(OptionList.OptionSelected, "#choices")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(event.option.id)

    def action_choose(self) -> None:
        key = self.highlighted_key
        if key is not None:
            self.dismiss(key)


class TagFilterDialog(FilteredPicker[tuple[str, ...] | None]):
    """Tags with their counts; space toggles, enter applies.

    The result is the selected tags (sorted; empty means "no filter"), or None when
    cancelled.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Tags hold no spaces, so space can toggle even while the filter has focus.
        Binding("space", "toggle_tag", "Toggle", priority=True, id="tags.filter_toggle"),
        Binding("enter", "apply", "Apply", priority=True, id="tags.filter_apply"),
        Binding("ctrl+l", "clear", "Clear all", id="tags.filter_clear"),
    ]

    def __init__(
        self, tags_with_counts: Sequence[tuple[str, int]], selected: tuple[str, ...]
    ) -> None:
        super().__init__("Show only talks and events tagged with every selected tag")
        counts = dict(tags_with_counts)
        for tag in selected:
            counts.setdefault(tag, 0)  # a filter tag no longer used can still be cleared
        self.counts = counts
        self.selected: set[str] = set(selected)
        self._candidates = [
            _candidate(index, tag, f"#{sanitize_line(tag)}") for index, tag in enumerate(counts)
        ]
        self._label_width = max((cell_len(c.label) for c in self._candidates), default=0)

    def on_mount(self) -> None:
        # Runs before the picker's own on_mount (Textual calls both, subclass first).
        self.query_one("#filter", _FilterInput).spaces = False

    def option_prompt(self, cand: _Candidate, positions: tuple[int, ...]) -> Text:
        text = Text("[x] " if cand.key in self.selected else "[ ] ", _DIM)
        if cand.key in self.selected:
            text.stylize(palette().style("tag", bold=True))
        label = highlighted(cand.label, positions)
        label.pad_right(max(0, self._label_width - cell_len(cand.label)) + 2)
        text.append_text(label)
        text.append(f"{self.counts[cand.key]:>4}", _DIM)
        return text

    def status_text(self) -> Text:
        text = super().status_text()
        if self._candidates:
            text.append(" tags · ")
            text.append(
                f"{len(self.selected)} selected" if self.selected else "none selected: no filter"
            )
        return text

    @on(OptionList.OptionSelected, "#choices")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self._toggle(event.option.id)

    def action_toggle_tag(self) -> None:
        key = self.highlighted_key
        if key is not None:
            self._toggle(key)

    def _toggle(self, tag: str) -> None:
        self.selected ^= {tag}
        self.refresh_prompts()

    def action_clear(self) -> None:
        self.selected.clear()
        self.refresh_prompts()

    def action_apply(self) -> None:
        self.dismiss(tuple(sorted(self.selected)))
