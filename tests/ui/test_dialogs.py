"""The modal dialogs, driven with Pilot as a user would: typed results, completion,
the discard question, and hostile labels shown literally and inert when clicked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import Host
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static, TextArea

from notetui.ui.dialogs.annotate import AnnotateDialog
from notetui.ui.dialogs.confirm import ConfirmDialog
from notetui.ui.dialogs.pick import TagFilterDialog, TalkPicker
from notetui.ui.dialogs.tags import TagsDialog, complete_tag, split_tags

pytestmark = pytest.mark.anyio


def hostile(tmp_path: Path) -> str:
    """A title that would save a screenshot into tmp_path if it were read as markup."""
    return f"[@click=app.screenshot('x.svg','{tmp_path}')]x[/] [/] [b]"


def shown(widget: Static) -> str:
    return str(widget.render())


async def click_along(pilot: Any, selector: str, width: int = 16) -> None:
    """Click each of the first `width` cells: wherever a markup link would have been."""
    for x in range(width):
        await pilot.click(selector, offset=(x, 0))
    await pilot.pause()


async def test_markup_in_a_label_would_run_an_action(tmp_path: Path) -> None:
    """The control for the hostile-label tests: parsed as markup, the click does run."""

    class Unsafe(App[None]):
        def compose(self) -> ComposeResult:
            yield Static(f"[@click=app.screenshot('x.svg','{tmp_path}')]x[/]", id="label")

    async with Unsafe().run_test() as pilot:
        await click_along(pilot, "#label", 4)
    assert (tmp_path / "x.svg").exists()


# ------------------------------------------------------------------- annotate


async def test_annotate_saves_what_was_typed() -> None:
    app = Host(AnnotateDialog("Rust入門", context="quoted passage"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"good", "enter", "-", "space", *"point")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == ["good\n- point"]


async def test_annotate_empty_or_unchanged_returns_none() -> None:
    app = Host(AnnotateDialog("t"))
    async with app.run_test() as pilot:
        await pilot.press("space", "enter", "ctrl+s")
        await pilot.pause()
    assert app.results == [None]

    app = Host(AnnotateDialog("t", initial="as it was"))
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == [None]


async def test_annotate_edits_the_initial_text() -> None:
    app = Host(AnnotateDialog("t", initial="first"))
    async with app.run_test() as pilot:
        await pilot.press(*" and more", "ctrl+s")
        await pilot.pause()
    assert app.results == ["first and more"]


async def test_escape_asks_before_discarding_changes() -> None:
    app = Host(AnnotateDialog("t", initial="kept"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("!", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep writing
        await pilot.pause()
        assert isinstance(app.screen, AnnotateDialog)
        assert app.screen.query_one(TextArea).text == "kept!"
        assert app.results == []
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
    assert app.results == [None]


async def test_escape_without_changes_closes_at_once() -> None:
    app = Host(AnnotateDialog("t", initial="kept"))
    async with app.run_test() as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
    assert app.results == [None]


async def test_annotate_shows_hostile_heading_and_context_literally(tmp_path: Path) -> None:
    title = hostile(tmp_path)
    app = Host(AnnotateDialog(title, context=title))
    async with app.run_test(size=(100, 30)) as pilot:
        heading = app.screen.query_one("#heading", Static)
        context = app.screen.query_one("#context", Static)
        assert title in shown(heading)
        assert title in shown(context)
        await click_along(pilot, "#heading")
        await click_along(pilot, "#context")
    assert not (tmp_path / "x.svg").exists()


# ----------------------------------------------------------------------- tags


def test_split_tags_normalises_and_separates() -> None:
    assert split_tags("Ｋｕｂｅｒｎｅｔｅｓ Ops") == ("kubernetes-ops",)
    assert split_tags("sre, K8S，gRPC、 #envoy") == ("sre", "k8s", "grpc", "envoy")
    assert split_tags("#sre #k8s") == ("sre", "k8s")
    assert split_tags("a, , a,") == ("a",)
    assert split_tags("") == ()


def test_complete_tag_completes_the_last_tag_only() -> None:
    known = ["kubernetes", "kubernetes-ops", "sre"]
    assert complete_tag("sre, Kub", known) == "sre, Kubernetes"
    assert complete_tag("ｋｕｂ", known) == "ｋｕｂernetes"
    assert complete_tag("kubernetes ", known) == "kubernetes ops"  # -> kubernetes-ops
    assert complete_tag("kubernetes, kub", known) == "kubernetes, kubernetes-ops"
    assert complete_tag("sre, ", known) is None
    assert complete_tag("zzz", known) is None
    assert complete_tag("sre", known) is None  # already whole


async def test_tags_dialog_shows_the_normalised_form_live() -> None:
    app = Host(TagsDialog("Talk", (), []))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"Ｋｕｂｅｒｎｅｔｅｓ", "space", *"Ops")
        await pilot.pause()
        assert "#kubernetes-ops" in shown(app.screen.query_one("#preview", Static))
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [("kubernetes-ops",)]


async def test_tags_dialog_edits_current_tags_with_completion() -> None:
    app = Host(TagsDialog("Talk", ("sre",), ["kubernetes", "kubernetes-ops", "sre"]))
    async with app.run_test(size=(80, 24)) as pilot:
        field = app.screen.query_one(Input)
        assert field.value == "sre"  # the current tags, editable
        await pilot.press(",", "space", "k", "u")
        await pilot.pause()
        await pilot.press("tab")  # take the completion, start the next tag
        await pilot.pause()
        assert field.value == "sre, kubernetes, "
        await pilot.press(*"kubernetes", "space", "o")
        await pilot.pause()
        await pilot.press("right")  # Input's own key for taking a completion
        assert field.value == "sre, kubernetes, kubernetes ops"
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [("sre", "kubernetes", "kubernetes-ops")]


async def test_tags_dialog_clearing_removes_all_and_escape_cancels() -> None:
    app = Host(TagsDialog("Talk", ("sre", "k8s"), ["sre", "k8s"]))
    async with app.run_test() as pilot:
        await pilot.press("ctrl+u", "enter")  # delete everything left of the cursor
        await pilot.pause()
    assert app.results == [()]

    app = Host(TagsDialog("Talk", ("sre",), ["sre"]))
    async with app.run_test() as pilot:
        await pilot.press("x", "escape")
        await pilot.pause()
    assert app.results == [None]


async def test_tags_dialog_hostile_label(tmp_path: Path) -> None:
    title = hostile(tmp_path)
    app = Host(TagsDialog(title, (), [title]))
    async with app.run_test(size=(100, 30)) as pilot:
        assert title in shown(app.screen.query_one("#heading", Static))
        await click_along(pilot, "#heading")
        await click_along(pilot, "#known")
    assert not (tmp_path / "x.svg").exists()


# -------------------------------------------------------------------- confirm


@pytest.mark.parametrize(
    ("key", "answer"), [("y", True), ("enter", True), ("n", False), ("escape", False)]
)
async def test_confirm_keys(key: str, answer: bool) -> None:
    app = Host(ConfirmDialog("Delete it?"))
    async with app.run_test() as pilot:
        await pilot.press(key)
        await pilot.pause()
    assert app.results == [answer]


async def test_confirm_buttons_and_hostile_question(tmp_path: Path) -> None:
    question = f"Delete the annotation on “{hostile(tmp_path)}”?"
    app = Host(ConfirmDialog(question))
    async with app.run_test(size=(80, 24)) as pilot:
        assert question in shown(app.screen.query_one("#question", Static))
        await click_along(pilot, "#question")
        assert app.results == []
        await pilot.click("#no")
        await pilot.pause()
    assert app.results == [False]
    assert not (tmp_path / "x.svg").exists()


# --------------------------------------------------------------------- pickers

CHOICES = [
    ("t1", "2024-05-01  Rust入門"),
    ("t2", "2024-06-01  K8s Ops at scale"),
    ("t3", "2024-06-01  ｇＲＰＣ と Envoy"),
    ("t4", "2024-07-01  Kubernetes ネットワークポリシー"),
]


def prompts(dialog: Screen[Any]) -> list[str]:
    options = dialog.query_one("#choices", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_talk_picker_filters_as_you_type_and_returns_the_id() -> None:
    app = Host(TalkPicker(CHOICES, "Attach to which talk?"))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = app.screen
        assert len(prompts(dialog)) == 4
        await pilot.press(*"ops k8s")  # every term, in any order
        await pilot.pause()
        assert prompts(dialog) == ["2024-06-01  K8s Ops at scale"]
        await pilot.press("ctrl+u", *"grpc")  # width- and case-insensitive
        await pilot.pause()
        assert prompts(dialog) == ["2024-06-01  ｇＲＰＣ と Envoy"]
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == ["t3"]


async def test_talk_picker_moves_with_arrows_and_cancels() -> None:
    app = Host(TalkPicker(CHOICES, "Pick"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "down", "up", "down", "enter")
        await pilot.pause()
    assert app.results == ["t3"]

    app = Host(TalkPicker(CHOICES, "Pick"))
    async with app.run_test() as pilot:
        await pilot.press(*"zzq", "enter", "escape")
        await pilot.pause()
    assert app.results == [None]


async def test_talk_picker_letters_in_order_match_too() -> None:
    app = Host(TalkPicker(CHOICES, "Pick"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"k8sops")
        await pilot.pause()
        assert prompts(app.screen)[0] == "2024-06-01  K8s Ops at scale"


async def test_talk_picker_hostile_label(tmp_path: Path) -> None:
    label = hostile(tmp_path)
    app = Host(TalkPicker([("evil", label), ("t1", "Rust入門")], label))
    async with app.run_test(size=(100, 30)) as pilot:
        assert prompts(app.screen)[0] == label
        assert label in shown(app.screen.query_one("#prompt", Static))
        await click_along(pilot, "#prompt")
        await pilot.click("#choices", offset=(0, 0))  # picks it
        await pilot.pause()
    assert app.results == ["evil"]
    assert not (tmp_path / "x.svg").exists()


async def test_tag_filter_toggles_and_applies() -> None:
    tags = [("grpc", 3), ("kubernetes", 12), ("sre", 1)]
    app = Host(TagFilterDialog(tags, ("grpc",)))
    async with app.run_test(size=(80, 24)) as pilot:
        lines = prompts(app.screen)
        assert lines[0].startswith("[x] #grpc") and lines[0].rstrip().endswith("3")
        assert lines[1].startswith("[ ] #kubernetes") and lines[1].rstrip().endswith("12")
        await pilot.press("down", "space")  # kubernetes on
        await pilot.press(*"sr", "space")  # filter, then toggle the one left
        await pilot.pause()
        assert [p[:3] for p in prompts(app.screen)] == ["[x]"]
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [("grpc", "kubernetes", "sre")]


async def test_tag_filter_empty_selection_means_no_filter() -> None:
    app = Host(TagFilterDialog([("grpc", 3), ("sre", 1)], ("grpc", "gone")))
    async with app.run_test(size=(80, 24)) as pilot:
        # A selected tag no longer in use is listed, so it can be cleared.
        assert any("#gone" in p for p in prompts(app.screen))
        await pilot.press("ctrl+l", "enter")
        await pilot.pause()
    assert app.results == [()]

    app = Host(TagFilterDialog([("grpc", 3)], ()))
    async with app.run_test() as pilot:
        await pilot.press("space", "escape")
        await pilot.pause()
    assert app.results == [None]
