"""The everyday comforts, end to end: live reload and r, a keymap and a bad config,
e into $EDITOR and back, y to the clipboard, x to Markdown files."""

from __future__ import annotations

import io
import json
import shlex
import sys
import textwrap
from pathlib import Path
from typing import Any

import frontmatter
import pytest
from helpers import (
    copy_notes,
    focused_view,
    footer_keys,
    loaded,
    main,
    new_app,
    toasts,
    tree_cursor,
    tree_ids,
    tree_label,
    wait_for,
)
from rich.console import Console
from textual.drivers.headless_driver import HeadlessDriver
from textual.pilot import Pilot
from textual.widgets import Input, Static

from notetui.app import DEFAULT_THEME, NoteTuiApp
from notetui.core.locations import export_dir
from notetui.ui.dialogs.annotate import AnnotateDialog
from notetui.ui.dialogs.confirm import ConfirmDialog
from notetui.ui.dialogs.export import ExportDialog
from notetui.ui.editor import editor_command
from notetui.ui.screens.help import HelpScreen
from notetui.ui.widgets.library_tree import NodeRef
from notetui.ui.widgets.point_view import PointView
from notetui.ui.widgets.talk_view import TalkView

pytestmark = pytest.mark.anyio

NEW_NOTE = """\
---
title: "Nakano Infra Meetup #2"
date: "2025-08-01"
author: "tester"
---

## 19:00\t開場

## 19:30\tTerraformのstateを分割した話
### 山田 太郎(@yamada_t)
* stateを環境ごとに分けた
* planが速くなった

## 20:00\t社内DNSをCoreDNSに移した話
### 佐藤 花子(@hanako_s)
* 移行は段階的に
"""
NEW_TALK = "Terraformのstateを分割した話"


def talk_ids_titled(app: NoteTuiApp, title: str) -> list[str]:
    library = main(app).library
    assert library is not None
    return [t.id for t in library.talks if t.title == title]


def cursors(app: NoteTuiApp) -> list[int]:
    return [view.cursor for view in main(app).query_one(TalkView).sources.point_views()]


# ------------------------------------------------------------------- live reload


async def test_a_note_written_meanwhile_shows_up_and_the_reader_stays_put(
    tmp_path: Path,
) -> None:
    root = copy_notes(tmp_path)
    app = new_app(root, tmp_path, watch=True)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("n", "enter", "right_square_bracket", "j", "j", "j")
        talk = screen.current_talk()
        view = focused_view(app)
        before = cursors(app)
        assert talk is not None and before[1] == 3

        (root / "2025" / "nakano-infra-2.md").write_text(NEW_NOTE, "utf-8")
        await wait_for(pilot, lambda: talk_ids_titled(app, NEW_TALK), "the new talk", timeout=10)
        new_id = talk_ids_titled(app, NEW_TALK)[0]
        await wait_for(pilot, lambda: new_id in tree_ids(app, "talk"), "it in the tree")
        assert screen.current_talk() == talk  # the same talk, read where it was
        assert tree_cursor(app) == NodeRef("talk", talk.id)
        assert focused_view(app).id == view.id  # the same column has focus
        assert cursors(app) == before
        await pilot.press("j")  # and reading goes on from there
        assert cursors(app)[1] == 4

        (root / "2025" / "nakano-infra-2.md").unlink()
        await wait_for(
            pilot, lambda: new_id not in tree_ids(app, "talk"), "the talk gone", timeout=10
        )
        assert screen.current_talk() == talk
        assert focused_view(app).id == view.id


async def test_a_change_to_the_open_note_is_shown_with_the_cursor_kept(tmp_path: Path) -> None:
    root = copy_notes(tmp_path)
    app = new_app(root, tmp_path, watch=True)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("enter", "j", "j")
        talk = screen.current_talk()
        assert talk is not None
        note = root / talk.sources[0].note
        lines = note.read_text("utf-8").split("\n")
        end = talk.sources[0].section.end_line  # the talk's last line in this note
        lines.insert(end, "* 追記: 書き足した一行")
        note.write_text("\n".join(lines), "utf-8")
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.focused, PointView)
                and any("書き足した一行" in r.text for r in app.focused.rows)
            ),
            "the edit in the column",
            timeout=10,
        )
        assert screen.current_talk() is not None
        assert screen.current_talk().id == talk.id  # type: ignore[union-attr]
        assert focused_view(app).cursor == 2


async def test_r_reloads_by_hand(tmp_path: Path) -> None:
    root = copy_notes(tmp_path)
    app = new_app(root, tmp_path, watch=False)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        screen = await loaded(pilot)
        shown = screen.shown
        (root / "nakano.md").write_text(NEW_NOTE, "utf-8")
        await pilot.pause(0.5)
        assert not talk_ids_titled(app, NEW_TALK)  # not watching: nothing yet
        await pilot.press("r")
        await wait_for(pilot, lambda: talk_ids_titled(app, NEW_TALK), "the reload")
        await wait_for(pilot, lambda: "Notes reloaded" in " ".join(toasts(app)), "the toast")
        assert talk_ids_titled(app, NEW_TALK)[0] in tree_ids(app, "talk")
        assert screen.shown == shown


# ------------------------------------------------------------------- config


def help_text(app: NoteTuiApp) -> str:
    """The help screen's table as it reads."""
    assert isinstance(app.screen, HelpScreen)
    console = Console(file=io.StringIO(), width=120, record=True, color_system=None)
    console.print(app.screen.query_one(Static).content)
    return console.export_text()


async def test_a_keymap_moves_a_key_and_the_footer_and_help_say_so(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keymap]\n"talk.next" = "ctrl+n"\n', "utf-8")
    app = new_app(copy_notes(tmp_path), tmp_path, config=config)
    async with app.run_test(size=(200, 48), notifications=True) as pilot:
        screen = await loaded(pilot)
        assert screen.library is not None
        talks = screen.library.talks
        assert screen.current_talk() == talks[0]
        assert "^n Next talk" in footer_keys(app)
        assert "n Next talk" not in footer_keys(app)
        await pilot.press("n")  # no longer bound
        await pilot.pause(0.2)
        assert screen.current_talk() == talks[0]
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: screen.current_talk() == talks[1], "the next talk")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        rows = [r for r in help_text(app).split("\n") if "Next talk" in r]
        assert rows and rows[0].split()[0] == "ctrl+n", rows
        assert not toasts(app)  # a good config says nothing


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('theme = "nord"\n[keymap\n"talk.next" = "x"\n', "invalid TOML"),
        ('colour = "red"\n', 'unknown key "colour"'),
        ("[thresholds]\ntalk_match = true\n", "thresholds.talk_match must be a number"),
        ('[keymap]\n"talk.nxet" = "ctrl+n"\n', 'keymap."talk.nxet" is not a notetui binding'),
        ('[keymap]\n"talk.next" = 5\n', 'keymap."talk.next" must be keys as text'),
    ],
    ids=["bad-toml", "unknown-key", "wrong-type", "unknown-binding", "keys-not-text"],
)
async def test_a_bad_config_is_one_line_and_the_app_starts_with_defaults(
    tmp_path: Path, text: str, said: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text, "utf-8")
    app = new_app(copy_notes(tmp_path), tmp_path, config=config)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        # Said at start, before the library loads (and gone ten seconds later).
        await wait_for(pilot, lambda: toasts(app), "the notification")
        (toast,) = app.screen.query("Toast")
        title, message = str(toast.render()).split("\n")  # one line, under its title
        screen = await loaded(pilot)
        assert title == "Config"
        assert message.startswith(f"{config}: ") and said in message
        assert app.theme == DEFAULT_THEME
        assert screen.library is not None
        await pilot.press("n")  # the default keys work
        await wait_for(pilot, lambda: screen.current_talk() == screen.library.talks[1], "next talk")


# -------------------------------------------------------------------- editor


def test_editor_command_splits_the_editor_and_adds_the_line() -> None:
    assert editor_command("code --wait", Path("/n/a b.md"), 12) == [
        "code",
        "--wait",
        "+12",
        "/n/a b.md",
    ]
    assert editor_command("vi", Path("x.md"), 0)[1] == "+1"  # lines start at 1
    with pytest.raises(ValueError):
        editor_command("vi 'unclosed", Path("x.md"), 3)
    with pytest.raises(ValueError):
        editor_command("   ", Path("x.md"), 3)


def fake_editor(tmp_path: Path, *, insert: str = "") -> tuple[str, Path]:
    """An $EDITOR that records its arguments and inserts `insert` after the line."""
    record = tmp_path / "editor-argv.json"
    script = tmp_path / "fake editor.py"
    script.write_text(
        textwrap.dedent(
            f"""\
            import json, sys
            args = sys.argv[1:]
            open({str(record)!r}, "w").write(json.dumps(args))
            line, path = int(args[-2].lstrip("+")), args[-1]
            if {insert!r}:
                lines = open(path, encoding="utf-8").read().split("\\n")
                lines.insert(line, {insert!r})
                open(path, "w", encoding="utf-8").write("\\n".join(lines))
            """
        ),
        "utf-8",
    )
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}", record


@pytest.fixture
def suspendable(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Let the headless driver suspend, as a terminal does; record suspend and resume.

    Its start and stop of application mode do nothing, so the app's own code runs:
    App.suspend, the editor in a subprocess, then the resume."""
    monkeypatch.setattr(HeadlessDriver, "can_suspend", property(lambda self: True))
    return []


async def test_e_opens_the_focused_columns_note_at_the_line_and_picks_up_the_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suspendable: list[str]
) -> None:
    root = copy_notes(tmp_path)
    editor, record = fake_editor(tmp_path, insert="* 追記: エディタで足した")
    monkeypatch.setenv("EDITOR", editor)
    monkeypatch.delenv("VISUAL", raising=False)
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        app.app_suspend_signal.subscribe(app, lambda _: suspendable.append("suspend"))
        app.app_resume_signal.subscribe(app, lambda _: suspendable.append("resume"))
        talk = screen.current_talk()
        assert talk is not None
        await pilot.press("enter", "right_square_bracket", "j", "j", "j", "j")
        view = focused_view(app)
        point = view.current
        assert point is not None and point.line is not None
        await pilot.press("e")
        await wait_for(pilot, record.exists, "the editor to run")
        assert json.loads(record.read_text("utf-8")) == [
            f"+{point.line}",
            str(root / talk.sources[1].note),
        ]
        assert suspendable == ["suspend", "resume"]  # the terminal was handed over
        await wait_for(
            pilot,
            lambda: any("エディタで足した" in r.text for r in focused_view(app).rows),
            "the edit shown",
        )
        assert focused_view(app).id == view.id


async def test_e_where_the_terminal_cannot_suspend_says_what_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor, record = fake_editor(tmp_path)
    monkeypatch.setenv("VISUAL", editor)
    app = new_app(copy_notes(tmp_path), tmp_path)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        screen = await loaded(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: toasts(app), "the notification")
        (said,) = toasts(app)
        assert "cannot hand over to an editor" in said and "+" in said
        assert not record.exists()
        assert app.is_running and screen.current_talk() is not None


@pytest.mark.parametrize(
    ("editor", "said"),
    [(None, "Set $VISUAL or $EDITOR"), ("/nonexistent/editor", "Cannot run the editor")],
)
async def test_e_without_a_usable_editor_says_so(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    suspendable: list[str],
    editor: str | None,
    said: str,
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    if editor is None:
        monkeypatch.delenv("EDITOR", raising=False)
    else:
        monkeypatch.setenv("EDITOR", editor)
    app = new_app(copy_notes(tmp_path), tmp_path)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: toasts(app), "the notification")
        assert said in " ".join(toasts(app))
        assert app.is_running


# ---------------------------------------------------------------------- copy


async def test_y_copies_the_point_or_from_the_tree_the_talk(tmp_path: Path) -> None:
    root = copy_notes(tmp_path)
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        screen = await loaded(pilot)
        talk = screen.current_talk()
        assert talk is not None
        await pilot.press("enter", "right_square_bracket", "j", "j", "j")
        point = focused_view(app).current
        assert point is not None and point.line is not None
        await pilot.press("y")
        await wait_for(pilot, lambda: toasts(app), "the toast")
        assert app.clipboard == point.text
        note_line = (root / talk.sources[1].note).read_text("utf-8").split("\n")[point.line - 1]
        assert app.clipboard in note_line  # the point's Markdown, as written
        assert "Copied the point" in " ".join(toasts(app))

        await pilot.press("shift+tab", "shift+tab")  # column A, then the tree
        assert app.focused is not None and app.focused.id == "tree"
        await pilot.press("y")
        copied = app.clipboard
        assert copied.startswith(f"# {talk.title}\n")
        for source in talk.sources:  # every author's notes, each under its name
            assert f"\n## {source.label}\n" in copied
            assert source.section.body.strip() in copied


# -------------------------------------------------------------------- export


async def export_to(pilot: Pilot[Any], out: Path) -> ExportDialog:
    app = pilot.app
    await pilot.press("x")
    await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
    dialog = app.screen
    assert isinstance(dialog, ExportDialog)
    field = dialog.query_one("#folder", Input)
    assert field.value == str(export_dir())  # where `notetui locate` says
    field.clear()
    field.insert_text_at_cursor(str(out))  # as pasted
    await pilot.press("enter")
    return dialog


async def test_x_exports_the_talk_and_asks_before_overwriting(tmp_path: Path) -> None:
    root, out = copy_notes(tmp_path), tmp_path / "exported"
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        screen = await loaded(pilot)
        talk = screen.current_talk()
        assert talk is not None and len(talk.sources) == 3
        await export_to(pilot, out)
        await wait_for(pilot, lambda: list(out.glob("*.md")), "the file")
        (written,) = out.glob("*.md")
        await wait_for(pilot, lambda: "1 file written" in " ".join(toasts(app)), "the summary")
        assert str(out) in " ".join(toasts(app))

        post = frontmatter.loads(written.read_text("utf-8"))
        assert post["title"] == talk.title
        assert [s["note"] for s in post["sources"]] == [s.note for s in talk.sources]
        for source in talk.sources:  # all three authors' notes, each under its name
            assert f"### {source.label}\n" in post.content
            first = next(line for line in source.section.body.split("\n") if line.strip())
            assert first.strip().lstrip("*-・ ").strip() in post.content
        exported = written.read_bytes()

        app.screen.query("Toast").remove()
        await export_to(pilot, out)  # the same again: nothing to ask
        await wait_for(pilot, lambda: "1 unchanged" in " ".join(toasts(app)), "unchanged")
        assert not isinstance(app.screen, ConfirmDialog)

        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AnnotateDialog), "annotate")
        await pilot.press(*"keep", "ctrl+s")
        await wait_for(pilot, lambda: "✎1" in tree_label(app, talk.id), "the annotation")
        await export_to(pilot, out)  # now the file would change: asked first
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        assert "Overwrite?" in str(app.screen.query_one("#question", Static).render())
        await pilot.press("n")
        await wait_for(pilot, lambda: "Nothing was exported" in " ".join(toasts(app)), "no")
        assert written.read_bytes() == exported

        await export_to(pilot, out)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: written.read_bytes() != exported, "the overwrite")
        assert "> [!note]" in written.read_text("utf-8")
        assert "keep" in written.read_text("utf-8")
        assert [p.name for p in out.iterdir()] == [written.name]  # no stray files
