"""The "All annotations" screen: sorting, filtering, the actions it returns, orphans,
and hostile titles shown literally."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import Host
from textual.app import App
from textual.widgets import DataTable, Static

from notetui.ui.dialogs.confirm import ConfirmDialog
from notetui.ui.screens.annotations import AnnotationAction, AnnotationRow, AnnotationsScreen

pytestmark = pytest.mark.anyio


def row(
    uid: str,
    date: str,
    title: str,
    text: str,
    tags: tuple[str, ...] = (),
    *,
    orphan: bool = False,
    note: str | None = None,
    line: int | None = None,
) -> AnnotationRow:
    return AnnotationRow(
        uid=uid,
        created=f"{date}T09:00:00Z",
        updated=f"{date}T10:00:00Z",
        target_title=title,
        event_title="Tokyo Backend Night #7",
        target_id=None if orphan else f"talk-{uid}",
        tags=tags,
        text=text,
        orphan=orphan,
        note=note,
        line=line,
    )


ROWS = [
    row("a", "2024-05-01", "Rust入門", "所有権が分かった\n二行目", ("rust",)),
    row(
        "b", "2024-07-01", "Kubernetes ネットワークポリシー", "NetworkPolicy を試す", ("k8s", "sre")
    ),
    row("c", "2024-06-01", "gRPC と Envoy", "ｅｎｖｏｙ の設定", (), note="n.md", line=12),
    row("d", "2024-04-01", "消えたトーク", "orphaned thought", ("sre",), orphan=True),
]


def table(app: App[Any]) -> DataTable[Any]:
    return app.screen.query_one(DataTable)


def column(app: App[Any], index: int) -> list[str]:
    data = table(app)
    return [str(data.get_row_at(i)[index]) for i in range(data.row_count)]


def titles(app: App[Any]) -> list[str]:
    return column(app, 1)


async def test_rows_newest_first_with_orphans_marked() -> None:
    app = Host(AnnotationsScreen(ROWS))
    async with app.run_test(size=(100, 30)):
        assert column(app, 0) == ["2024-07-01", "2024-06-01", "2024-05-01", "2024-04-01"]
        assert column(app, 3)[0] == "NetworkPolicy を試す"
        assert column(app, 2)[0] == "#k8s #sre"
        assert column(app, 4) == ["", "", "", "orphan"]
        heading = str(app.screen.query_one("#heading", Static).render())
        assert "4 annotations" in heading and "1 orphaned" in heading


async def test_sort_by_talk_tag_and_date_with_keys_and_header_clicks() -> None:
    app = Host(AnnotationsScreen(ROWS))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("t")
        assert titles(app) == [
            "gRPC と Envoy",
            "Kubernetes ネットワークポリシー",
            "Rust入門",
            "消えたトーク",
        ]
        await pilot.press("t")  # again: the other way
        assert titles(app)[0] == "消えたトーク"
        await pilot.press("g")  # by tag; untagged last
        assert column(app, 2) == ["#k8s #sre", "#rust", "#sre", ""]
        await pilot.press("d")
        assert column(app, 0)[0] == "2024-07-01"
        await pilot.press("d")
        assert column(app, 0)[0] == "2024-04-01"
        await pilot.click(DataTable, offset=(20, 0))  # the "Talk / event" header
        await pilot.pause()
        assert titles(app)[0] == "gRPC と Envoy"
        assert "▲" in str(table(app).ordered_columns[1].label)


async def test_filter_narrows_as_you_type_width_and_case_insensitively() -> None:
    app = Host(AnnotationsScreen(ROWS))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"ENVOY")  # full-width "ｅｎｖｏｙ" in the text, and the title
        await pilot.pause(0.2)
        assert titles(app) == ["gRPC と Envoy"]
        assert "1 of 4 match" in str(app.screen.query_one("#heading", Static).render())
        await pilot.press("ctrl+u", *"#sre")  # tags are searchable
        await pilot.pause(0.2)
        assert sorted(titles(app)) == ["Kubernetes ネットワークポリシー", "消えたトーク"]
        await pilot.press("ctrl+u", *"sre kube")  # every term must match
        await pilot.pause(0.2)
        assert titles(app) == ["Kubernetes ネットワークポリシー"]
        await pilot.press("enter")  # opens straight from the filter
        await pilot.pause()
    assert app.results == [AnnotationAction("open", "b", "talk-b")]


async def test_enter_opens_the_row_under_the_cursor() -> None:
    app = Host(AnnotationsScreen(ROWS))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", "enter")
        await pilot.pause()
    assert app.results == [AnnotationAction("open", "c", "talk-c")]


async def test_orphan_cannot_be_opened_but_can_be_attached() -> None:
    app = Host(AnnotationsScreen(ROWS))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "down", "down", "enter")
        await pilot.pause()
        assert app.results == []  # still here
        assert "orphaned" in str(app.screen.query_one("#preview", Static).render())
        await pilot.press("a")
        await pilot.pause()
    assert app.results == [AnnotationAction("attach", "d", None)]


async def test_edit_and_close() -> None:
    app = Host(AnnotationsScreen(ROWS))
    async with app.run_test() as pilot:
        await pilot.press("e")
        await pilot.pause()
    assert app.results == [AnnotationAction("edit", "b", "talk-b")]

    for key in ("escape", "q"):
        app = Host(AnnotationsScreen(ROWS))
        async with app.run_test() as pilot:
            await pilot.press(key)
            await pilot.pause()
        assert app.results == [None]


async def test_delete_asks_first() -> None:
    app = Host(AnnotationsScreen(ROWS))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, AnnotationsScreen)
        assert app.results == []
        await pilot.press("down", "delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
    assert app.results == [AnnotationAction("delete", "c", "talk-c")]


async def test_empty_list_says_so() -> None:
    app = Host(AnnotationsScreen([]))
    async with app.run_test() as pilot:
        assert "No annotations yet" in str(app.screen.query_one("#preview", Static).render())
        await pilot.press("enter", "e", "a", "x")
        await pilot.pause()
        assert app.results == []


async def test_hostile_title_tags_and_text_are_literal(tmp_path: Path) -> None:
    evil = f"[@click=app.screenshot('x.svg','{tmp_path}')]x[/] [/]"
    rows = [row("z", "2024-08-01", evil, evil + "\nline two", (evil,))]
    app = Host(AnnotationsScreen(rows))
    async with app.run_test(size=(200, 50)) as pilot:
        assert titles(app) == [evil]
        assert column(app, 3) == [evil]
        assert column(app, 2) == [f"#{evil}"]
        preview = str(app.screen.query_one("#preview", Static).render())
        assert evil in preview
        for x in range(16):
            await pilot.click("#preview", offset=(x, 1))
        # On the title cell: the first click moves the cursor there, the second opens it.
        await pilot.click(DataTable, offset=(16, 1))
        await pilot.click(DataTable, offset=(16, 1))
        await pilot.pause()
    assert app.results == [AnnotationAction("open", "z", "talk-z")]
    assert not (tmp_path / "x.svg").exists()


async def test_layout_at_80_by_24_keeps_the_keys_visible() -> None:
    app = Host(AnnotationsScreen(ROWS))
    async with app.run_test(size=(80, 24)):
        data = table(app)
        assert sum(c.get_render_width(data) for c in data.ordered_columns) <= 80
        heading = str(app.screen.query_one("#heading", Static).render())
        assert "d date" in heading and "t talk" in heading and "g tag" in heading
