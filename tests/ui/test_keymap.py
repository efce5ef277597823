"""The keymap in the config is checked before it is used: one message per bad entry,
and q and ctrl+c always quit, whatever it says."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import copy_notes, footer_keys, loaded, new_app, toasts, wait_for
from terminal import Terminal

from notetui.app import NoteTuiApp, make_app
from notetui.core.load.library import load_library
from notetui.ui.keys import bindings_by_group, check_keymap, valid_key

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def groups() -> list:  # type: ignore[type-arg]
    return bindings_by_group(make_app(Path("notes")))


@pytest.mark.parametrize(
    "key", ["n", "ctrl+n", "shift+tab", "f5", "pagedown", "slash", "question_mark", "ctrl+alt+x"]
)
def test_key_names_textual_knows_are_valid(key: str) -> None:
    assert valid_key(key)


@pytest.mark.parametrize("key", ["", "ctrl+", "ctrl+ctrl+a", "hyperspace", "cmd+k", " ", "a b"])
def test_other_key_names_are_not(key: str) -> None:
    assert not valid_key(key)


def test_the_defaults_have_no_clash(groups: list) -> None:  # type: ignore[type-arg]
    assert check_keymap({}, groups) == ({}, [])


def test_each_bad_entry_gets_its_own_message_and_the_good_ones_stay(
    groups: list,  # type: ignore[type-arg]
) -> None:
    keymap = {
        "talk.next": "ctrl+n",  # fine
        "talk.previous": "q",  # q quits
        "view.merged": "ctrl+c",  # so does ctrl+c
        "view.sync": "nokey+x",  # not a key
        "note.copy": "p",  # talk.previous's key
        "export": "j",  # the columns' and the tree's j
    }
    usable, problems = check_keymap(keymap, groups)
    assert usable == {"talk.next": "ctrl+n"}
    assert len(problems) == 5
    said = "\n".join(problems)
    for binding in ("talk.previous", "view.merged", "view.sync", "note.copy", "export"):
        assert f'keymap."{binding}"' in said
    assert "q always quits" in said and "ctrl+c always quits" in said
    assert "the same key as talk.previous" in said
    assert "point.next" in said and "tree.down" in said


def test_swapping_two_keys_is_not_a_clash(groups: list) -> None:  # type: ignore[type-arg]
    usable, problems = check_keymap({"talk.next": "p", "talk.previous": "n"}, groups)
    assert problems == [] and usable == {"talk.next": "p", "talk.previous": "n"}


def test_every_id_on_one_key_is_refused_and_quit_keeps_q(groups: list) -> None:  # type: ignore[type-arg]
    ids = [b.id for _, bindings in groups for b in bindings if b.id]
    usable, problems = check_keymap(dict.fromkeys(ids, "z"), groups)
    assert usable.get("app.quit", "q").split(",").count("q") == 1 or "app.quit" not in usable
    assert all(
        "z" not in keys.split(",") for binding, keys in usable.items() if binding != "app.quit"
    )
    assert problems
    usable, _ = check_keymap({"app.quit": "ctrl+q"}, groups)
    assert usable["app.quit"].split(",") == ["ctrl+q", "q", "ctrl+c"]


async def test_the_reader_says_what_it_ignored_and_keeps_the_rest(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[keymap]\n"talk.next" = "q"\n"talk.previous" = "nokey+x"\n"view.merged" = "ctrl+m"\n',
        "utf-8",
    )
    app: NoteTuiApp = new_app(copy_notes(tmp_path), tmp_path, config=config)
    async with app.run_test(size=(200, 48), notifications=True) as pilot:
        screen = await loaded(pilot)
        await wait_for(pilot, lambda: len(toasts(app)) >= 2, "the notifications")
        said = toasts(app)
        assert len(said) == 2, said
        assert any('keymap."talk.next"' in t and "q always quits" in t for t in said)
        assert any('keymap."talk.previous"' in t and "not a key" in t for t in said)
        assert "^m Merged" in footer_keys(app)  # the good entry is used
        assert "n Next talk" in footer_keys(app)  # the refused one left the default
        assert screen.library is not None


@pytest.fixture
def reader_with_hostile_keymap(notes_dir: Path, tmp_path: Path) -> Iterator[Terminal]:
    config = Path(os.environ["NOTETUI_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    ids = ["app.quit", "talk.next", "talk.previous", "view.merged", "search.library"]
    config.write_text("[keymap]\n" + "".join(f'"{i}" = "q"\n' for i in ids), "utf-8")
    term = Terminal([str(notes_dir)], cwd=tmp_path)
    yield term
    term.close()


@pytest.mark.parametrize("quit_key", ["q", "\x03"], ids=["q", "ctrl+c"])
def test_q_and_ctrl_c_quit_whatever_the_keymap_says(
    notes_dir: Path, reader_with_hostile_keymap: Terminal, quit_key: str
) -> None:
    term = reader_with_hostile_keymap
    term.wait_for(load_library(notes_dir, cache=False).talks[0].title[:12])
    term.settle()
    term.send(quit_key)
    assert term.wait_exit(timeout=10) == 0


def test_the_readmes_keys_table_names_every_reader_key(groups: list) -> None:  # type: ignore[type-arg]
    """Every id of the app, the reader and the tree is in the README's Keys section."""
    from support.paths import REPO

    readme = (REPO / "README.md").read_text("utf-8")
    keys = readme.split("## Keys", 1)[1].split("\n## ", 1)[0]
    wanted = [
        binding.id
        for title, bindings in groups
        if title in ("Everywhere", "Reader")
        for binding in bindings
        if binding.id
    ]
    missing = [ident for ident in wanted if f"`{ident}`" not in keys]
    assert not missing, f"not in the README's Keys: {missing}"
