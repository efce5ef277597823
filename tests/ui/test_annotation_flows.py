"""Annotations and tags, end to end: keys pressed in the real app, a real TinyDB file on
disk, and what the user then sees (tree counts, the header, gutter marks, the list of
all annotations) and keeps (the file, after a restart)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    copy_notes,
    focused_view,
    loaded,
    main,
    new_app,
    personal_text,
    row_lines,
    screen_lines,
    tree_ids,
    tree_label,
    tree_widget,
    wait_for,
)
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static

from notetui.app import NoteTuiApp
from notetui.core.annotations import store as store_module
from notetui.core.annotations.store import Store
from notetui.core.load.library import load_library
from notetui.core.models import Library, Talk
from notetui.core.points.points import PointKind
from notetui.ui.annotating import passage_anchor
from notetui.ui.dialogs.annotate import AnnotateDialog
from notetui.ui.dialogs.confirm import ConfirmDialog
from notetui.ui.dialogs.pick import TagFilterDialog, TalkPicker
from notetui.ui.dialogs.tags import TagsDialog
from notetui.ui.rows import talk_rows
from notetui.ui.screens.annotations import AnnotationsScreen

pytestmark = pytest.mark.anyio

GOROUTINES = "Goのgoroutineリークをpprofで追いかけた話"  # three notes; shown first
BATCH = "Goで書いた決済バッチを1年半運用して学んだこと"
SLO = "SLOを決めたら障害対応の会話が変わったお話"
RUST = "Rewriting a Python ingest worker in Rust"
PYTEST = "pytestのfixtureを整理したらテストが3倍速くなった"  # only in kichijoji-py-lt-4.md
ALERTS = "Alertmanagerのルーティングを整理したら通知が半分になった"


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Store times and uids from lists, so what is saved is known in advance."""
    times = [f"2025-07-0{day}T09:00:00Z" for day in range(1, 10)]
    uids = iter(f"uid-{n}" for n in range(1, 100))
    used: list[str] = []

    def now() -> str:
        used.append(times[min(len(used), len(times) - 1)])
        return used[-1]

    monkeypatch.setattr(store_module, "now_iso", now)
    monkeypatch.setattr(store_module, "new_uid", lambda: next(uids))
    yield used


def talk_titled(library: Library, title: str) -> Talk:
    return next(t for t in library.talks if t.title == title)


def on_disk(db: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(db.read_text("utf-8"))
    return data


def stored_annotations(db: Path) -> list[dict[str, Any]]:
    if not db.exists():
        return []
    return list(on_disk(db).get("annotations", {}).values())


def stored_tags(db: Path) -> dict[str, list[str]]:
    if not db.exists():
        return {}
    return {t["target_id"]: t["tags"] for t in on_disk(db).get("tags", {}).values()}


async def type_text(pilot: Pilot[Any], text: str) -> None:
    keys = {" ": "space", "\n": "enter", ",": "comma", "#": "number_sign"}
    await pilot.press(*[keys.get(ch, ch) for ch in text])


async def open_dialog(pilot: Pilot[Any], key: str, kind: type) -> Any:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind), kind.__name__)
    return pilot.app.screen


async def step_to(pilot: Pilot[Any], talk_id: str) -> None:
    """Press n (next talk) until `talk_id` is shown, as a user would."""
    app = pilot.app
    assert isinstance(app, NoteTuiApp)
    for _ in range(len(main(app).library.talks) if main(app).library else 0):
        if main(app).shown is not None and main(app).shown.id == talk_id:
            return
        await pilot.press("n")
        await pilot.pause()
    assert main(app).shown is not None and main(app).shown.id == talk_id


async def cursor_to(pilot: Pilot[Any], row: int) -> None:
    """j/k in the focused column until its cursor is on `row`."""
    view = focused_view(pilot.app)  # type: ignore[arg-type]
    while view.cursor != row:
        await pilot.press("j" if view.cursor < row else "k")


def first_bullet(rows: list[Any], word: str) -> int:
    return next(i for i, r in enumerate(rows) if r.kind is PointKind.BULLET and word in r.text)


# ----------------------------------------------------------------------- annotate


async def test_annotating_a_talk_saves_it_to_disk_and_shows_it(
    tmp_path: Path, fixed_clock: list[str]
) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        talk = screen.current_talk()
        assert talk is not None and talk.title == GOROUTINES
        assert "✎" not in tree_label(app, talk.id)
        dialog = await open_dialog(pilot, "a", AnnotateDialog)
        assert GOROUTINES in str(dialog.query_one("#heading", Static).render())
        await type_text(pilot, "pprofは最初から入れておく\n- goleak too")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "✎1" in tree_label(app, talk.id), "the tree count")
        assert "✎ 2025-07-01 pprofは最初から入れておく" in personal_text(app)

    (saved,) = stored_annotations(db)
    assert saved["target"] == "talk"
    assert saved["target_id"] == talk.id
    assert saved["text"] == "pprofは最初から入れておく\n- goleak too"
    assert saved["title"] == GOROUTINES
    assert saved["anchor"] is None
    assert (saved["created"], saved["uid"]) == ("2025-07-01T09:00:00Z", "uid-1")
    # Human-readable: indented, Japanese kept as is.
    assert "pprofは最初から入れておく" in db.read_text("utf-8")


async def test_escape_after_typing_asks_and_keeps_nothing(tmp_path: Path) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await open_dialog(pilot, "a", AnnotateDialog)
        await type_text(pilot, "draft")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.press("n")  # no: back to the text, still there
        await pilot.pause()
        assert isinstance(app.screen, AnnotateDialog)
        assert app.screen.text == "draft"
        await pilot.press("escape", "y")
        await wait_for(pilot, lambda: app.screen is main(app), "the reader")
    assert stored_annotations(db) == []


async def test_annotating_a_point_marks_its_row_and_stores_the_anchor(
    tmp_path: Path, fixed_clock: list[str]
) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        talk = screen.current_talk()
        assert talk is not None
        await pilot.press("enter")  # into the talk: the first column has focus
        await pilot.press("right_square_bracket")  # the second author's column
        view = focused_view(app)
        source = talk.sources[1]
        row = first_bullet(view.rows, "pprof")
        await cursor_to(pilot, row)
        point = view.rows[row]
        assert not any("✎" in line for line in row_lines(view, row))

        dialog = await open_dialog(pilot, "A", AnnotateDialog)
        heading = str(dialog.query_one("#heading", Static).render())
        assert f"{source.note}, line {point.line}" in heading
        assert point.text.split("\n")[0][:20] in str(dialog.query_one("#context").render())
        await type_text(pilot, "try this at work")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: view.rows[row].annotations == 1, "the gutter mark")
        assert "✎" in row_lines(view, row)[0]  # drawn in the gutter of that point
        assert sum(r.annotations for r in view.rows) == 1  # and on no other
        assert "1 on passages" in personal_text(app)
        assert "✎1" in tree_label(app, talk.id)

    (saved,) = stored_annotations(db)
    assert saved["target"] == "passage"
    assert saved["target_id"] == talk.id
    assert saved["text"] == "try this at work"
    anchor = saved["anchor"]
    assert anchor["note"] == source.note
    assert anchor["line"] == point.line
    file_line = (root / source.note).read_text("utf-8").split("\n")[point.line - 1]
    assert anchor["quote"] and anchor["quote"] in file_line  # the quote is on that line
    assert anchor["prefix"] or anchor["suffix"]  # with context to re-find it


async def test_annotating_the_same_point_again_edits_it(tmp_path: Path) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await pilot.press("enter", "j", "j", "j")
        view = focused_view(app)
        row = view.cursor
        await open_dialog(pilot, "A", AnnotateDialog)
        await type_text(pilot, "first")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: view.rows[row].annotations == 1, "the gutter mark")
        dialog = await open_dialog(pilot, "A", AnnotateDialog)
        assert dialog.text == "first"  # the existing note, to edit
        await type_text(pilot, " and more")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot,
            lambda: [a["text"] for a in stored_annotations(db)] == ["first and more"],
            "the edit on disk",
        )
        assert view.rows[row].annotations == 1


# --------------------------------------------------------------------------- tags


async def test_tags_complete_from_the_tags_that_exist(tmp_path: Path) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        assert screen.library is not None
        first = talk_titled(screen.library, GOROUTINES)
        batch = talk_titled(screen.library, BATCH)
        dialog = await open_dialog(pilot, "t", TagsDialog)
        assert not dialog.query_one("#known").display  # no tags exist yet
        await type_text(pilot, "Ｋｕｂｅｒｎｅｔｅｓ Ops, SRE")
        assert "#kubernetes-ops #sre" in str(dialog.query_one("#preview", Static).render())
        await pilot.press("enter")
        await wait_for(pilot, lambda: "#kubernetes-ops #sre" in personal_text(app), "the tags")

        await step_to(pilot, batch.id)
        dialog = await open_dialog(pilot, "t", TagsDialog)
        known = str(dialog.query_one("#known", Static).render())
        assert "#kubernetes-ops" in known and "#sre" in known
        field = dialog.query_one(Input)
        await type_text(pilot, "kub")
        await wait_for(
            pilot, lambda: "kubernetes-ops" in field.render_line(0).text, "the suggestion"
        )
        await pilot.press("tab")  # takes it, and starts the next tag
        assert field.value == "kubernetes-ops, "
        await type_text(pilot, "go")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "#go #kubernetes-ops" in personal_text(app), "the tags")

    assert stored_tags(db) == {
        first.id: ["kubernetes-ops", "sre"],
        batch.id: ["go", "kubernetes-ops"],
    }


async def test_filter_by_tag_shows_only_tagged_talks_and_clearing_restores(
    tmp_path: Path,
) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    library = load_library(root)
    batch, slo, rust = (talk_titled(library, t) for t in (BATCH, SLO, RUST))
    rust_event = library.event_of(rust)
    with Store(db) as store:
        store.set_tags(target="talk", target_id=batch.id, tags=["k8s"])
        store.set_tags(target="talk", target_id=slo.id, tags=["k8s", "sre"])
        store.set_tags(target="event", target_id=rust_event.id, tags=["sre"])
    every_talk = [t.id for e in library.events for t in e.talks]

    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        assert tree_ids(app, "talk") == every_talk
        dialog = await open_dialog(pilot, "f", TagFilterDialog)
        options = dialog.query_one(OptionList)
        labels = [" ".join(str(options.get_option_at_index(i).prompt).split()) for i in range(2)]
        assert labels == ["[ ] #k8s 2", "[ ] #sre 2"]  # each with how many carry it
        await type_text(pilot, "k8")
        await pilot.press("space", "enter")
        await wait_for(pilot, lambda: app.screen is main(app), "the reader")
        assert tree_ids(app, "talk") == [batch.id, slo.id]
        # the filter shows above the tree and in the footer, with what it leaves
        summary = f"#k8s · 2 of {len(library.talks)} talks"
        lines = screen_lines(pilot)
        assert summary in lines[0]
        assert f"filter {summary}" in lines[-1]

        await open_dialog(pilot, "f", TagFilterDialog)
        await type_text(pilot, "sre")
        await pilot.press("space", "enter")  # every selected tag: k8s and sre
        await wait_for(pilot, lambda: tree_ids(app, "talk") == [slo.id], "k8s and sre")

        await open_dialog(pilot, "f", TagFilterDialog)
        await pilot.press("ctrl+l", "enter")
        await wait_for(pilot, lambda: tree_ids(app, "talk") == every_talk, "every talk again")
        await wait_for(pilot, lambda: "filter" not in screen_lines(pilot)[-1], "no filter shown")
        assert not tree_widget(app).border_title and "talks" not in screen_lines(pilot)[0]

        await open_dialog(pilot, "f", TagFilterDialog)
        await type_text(pilot, "sre")
        await pilot.press("space", "enter")  # an event's tag shows all its talks
        expected = [slo.id, *(t.id for t in rust_event.talks)]
        await wait_for(pilot, lambda: sorted(tree_ids(app, "talk")) == sorted(expected), "sre")


# ------------------------------------------------------------- all annotations


def seed(db: Path, root: Path, *, orphan: bool = False) -> dict[str, str]:
    """Three annotations (one on a passage) and two tags, made at known times.

    Returns uid by name. With `orphan`, a fourth on a talk whose note is then deleted."""
    library = load_library(root)
    batch, slo, rust = (talk_titled(library, t) for t in (BATCH, SLO, RUST))
    slo_rows = talk_rows(slo).columns[0].rows
    row = first_bullet(slo_rows, "SLO")
    anchor = passage_anchor(slo.sources[0], slo_rows[row])
    assert anchor is not None
    uids: dict[str, str] = {}
    with Store(db) as store:

        def add(name: str, talk: Talk, text: str, **extra: Any) -> None:
            event = library.event_of(talk)
            uids[name] = store.add_annotation(
                target="passage" if "anchor" in extra else "talk",
                target_id=talk.id,
                text=text,
                title=talk.title,
                event_title=event.title,
                event_date=event.date,
                **extra,
            ).uid

        add("batch", batch, "バッチは冪等に")  # 07-01
        add("rust", rust, "PyO3 instead of a rewrite?")  # 07-02
        add("slo", slo, "エラーバジェットの話\nsecond line", anchor=anchor)  # 07-03
        store.set_tags(target="talk", target_id=batch.id, tags=["go"])
        store.set_tags(target="talk", target_id=slo.id, tags=["sre"])
        if orphan:
            pytest_talk = talk_titled(library, PYTEST)
            add("orphan", pytest_talk, "fixture の scope を見直す")  # 07-04
    if orphan:
        (root / "2025" / "kichijoji-py-lt-4.md").unlink()
    return uids


def listed(app: NoteTuiApp) -> list[str]:
    """The annotations screen's rows as shown: the first line of each annotation."""
    table = app.screen.query_one(DataTable)
    return [str(table.get_row_at(i)[3]) for i in range(table.row_count)]


async def open_list(pilot: Pilot[Any]) -> AnnotationsScreen:
    screen: AnnotationsScreen = await open_dialog(pilot, "v", AnnotationsScreen)
    await pilot.pause()
    return screen


async def test_all_annotations_sort_search_and_jump(tmp_path: Path, fixed_clock: list[str]) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    seed(db, root)
    library = load_library(root)
    slo, rust = talk_titled(library, SLO), talk_titled(library, RUST)
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await open_list(pilot)
        newest_first = ["エラーバジェットの話", "PyO3 instead of a rewrite?", "バッチは冪等に"]
        assert listed(app) == newest_first
        await pilot.press("d")
        assert listed(app) == newest_first[::-1]
        await pilot.press("t")  # by talk: Go…, Rewriting…, SLO…
        assert listed(app) == [
            "バッチは冪等に",
            "PyO3 instead of a rewrite?",
            "エラーバジェットの話",
        ]
        await pilot.press("g")  # by tag: #go, #sre, then the untagged
        assert listed(app) == [
            "バッチは冪等に",
            "エラーバジェットの話",
            "PyO3 instead of a rewrite?",
        ]

        await pilot.press("slash")
        await type_text(pilot, "rust")  # the talk's title and event say Rust
        await wait_for(pilot, lambda: listed(app) == ["PyO3 instead of a rewrite?"], "the filter")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is main(app), "the reader")
        assert main(app).shown is not None and main(app).shown.id == rust.id
        assert tree_widget(app).cursor_node is not None
        assert tree_widget(app).cursor_node.data.id == rust.id

        await open_list(pilot)
        await pilot.press("slash")
        await type_text(pilot, "バジェット")
        await wait_for(pilot, lambda: listed(app) == ["エラーバジェットの話"], "the filter")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is main(app), "the reader")
        assert main(app).shown is not None and main(app).shown.id == slo.id
        view = focused_view(app)  # the passage's column, on the passage
        anchor = next(a for a in stored_annotations(db) if a["anchor"])["anchor"]
        assert view.current is not None
        assert (view.current.note, view.current.line) == (anchor["note"], anchor["line"])
        assert any("✎" in line for line in row_lines(view, view.cursor))


async def test_delete_asks_first_and_ctrl_z_brings_it_back(
    tmp_path: Path, fixed_clock: list[str]
) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    uids = seed(db, root)
    library = load_library(root)
    batch = talk_titled(library, BATCH)
    before = next(a for a in stored_annotations(db) if a["uid"] == uids["batch"])
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        assert "✎1" in tree_label(app, batch.id)
        await open_list(pilot)
        await cursor_on(pilot, "バッチは冪等に")
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.press("n")  # no: nothing happens
        await pilot.pause()
        assert len(stored_annotations(db)) == 3
        assert isinstance(app.screen, AnnotationsScreen)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.press("y")
        await wait_for(
            pilot, lambda: uids["batch"] not in {a["uid"] for a in stored_annotations(db)}, "delete"
        )
        # Back on the list, without it, where ctrl+z is one key away.
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, AnnotationsScreen) and len(listed(app)) == 2,
            "the list again",
        )
        assert "バッチは冪等に" not in listed(app)
        assert "✎" not in tree_label(app, batch.id)

        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: len(stored_annotations(db)) == 3, "the undo on disk")
        await wait_for(pilot, lambda: "バッチは冪等に" in listed(app), "it listed again")
        await pilot.press("escape")
        await wait_for(pilot, lambda: "✎1" in tree_label(app, batch.id), "the tree count")

    restored = next(a for a in stored_annotations(db) if a["uid"] == uids["batch"])
    assert restored == before  # the same annotation, not a copy


async def test_ctrl_z_in_the_reader_undoes_the_last_delete(tmp_path: Path) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    uids = seed(db, root)
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await open_list(pilot)
        await pilot.press("x", "y")
        await wait_for(pilot, lambda: len(stored_annotations(db)) == 2, "the delete")
        await wait_for(pilot, lambda: isinstance(app.screen, AnnotationsScreen), "the list")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is main(app), "the reader")
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: len(stored_annotations(db)) == 3, "the undo")
    assert {a["uid"] for a in stored_annotations(db)} == set(uids.values())


async def test_an_orphan_is_listed_and_can_be_attached_to_another_talk(
    tmp_path: Path, fixed_clock: list[str]
) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    uids = seed(db, root)
    library = load_library(root)
    alerts = talk_titled(library, ALERTS)
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        assert screen.library is not None
        pytest_talk = talk_titled(screen.library, PYTEST)
        await step_to(pilot, pytest_talk.id)
        await open_dialog(pilot, "a", AnnotateDialog)
        await type_text(pilot, "fixture scope")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "✎1" in tree_label(app, pytest_talk.id), "the count")

        (root / "2025" / "kichijoji-py-lt-4.md").unlink()  # its only note goes
        await pilot.press("r")
        await wait_for(pilot, lambda: pytest_talk.id not in tree_ids(app, "talk"), "the reload")

        list_screen = await open_list(pilot)
        assert "1 orphaned" in str(list_screen.query_one("#heading", Static).render())
        table = list_screen.query_one(DataTable)
        rows = {str(table.get_row_at(i)[3]): table.get_row_at(i) for i in range(table.row_count)}
        assert str(rows["fixture scope"][-1]) == "orphan"
        assert str(rows["fixture scope"][1]) == PYTEST  # the title it was made on
        await cursor_on(pilot, "fixture scope")
        await pilot.press("enter")  # an orphan cannot be opened
        await pilot.pause()
        assert isinstance(app.screen, AnnotationsScreen)

        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, TalkPicker), "the talk picker")
        await type_text(pilot, "alertmanager")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "✎1" in tree_label(app, alerts.id), "attached")
        await wait_for(pilot, lambda: isinstance(app.screen, AnnotationsScreen), "the list")
        assert "orphaned" not in str(app.screen.query_one("#heading", Static).render())

    attached = next(a for a in stored_annotations(db) if a["text"] == "fixture scope")
    assert (attached["target_id"], attached["title"]) == (alerts.id, ALERTS)
    assert len(stored_annotations(db)) == len(uids) + 1


async def cursor_on(pilot: Pilot[Any], text: str) -> None:
    """j/k in the annotations list until the cursor is on the row showing `text`."""
    table = pilot.app.screen.query_one(DataTable)
    row = listed(pilot.app).index(text)  # type: ignore[arg-type]
    while table.cursor_row != row:
        await pilot.press("j" if table.cursor_row < row else "k")
    assert listed(pilot.app)[table.cursor_row] == text  # type: ignore[arg-type]


# ------------------------------------------------------------------------ restart


async def test_everything_is_still_there_after_a_restart(tmp_path: Path) -> None:
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    app = new_app(root, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        talk = screen.current_talk()
        assert talk is not None
        await open_dialog(pilot, "a", AnnotateDialog)
        await type_text(pilot, "about the talk")
        await pilot.press("ctrl+s")
        await open_dialog(pilot, "t", TagsDialog)
        await type_text(pilot, "go, pprof")
        await pilot.press("enter")
        await pilot.press("enter", "right_square_bracket", "j", "j", "j", "j")
        row = focused_view(app).cursor
        await open_dialog(pilot, "A", AnnotateDialog)
        await type_text(pilot, "about the point")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "✎2" in tree_label(app, talk.id), "both saved")
        before = personal_text(app)
        await pilot.press("q")

    again = new_app(root, tmp_path)
    async with again.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        assert screen.current_talk() == talk
        assert "✎2" in tree_label(again, talk.id)
        assert personal_text(again) == before
        assert "#go #pprof" in before and "about the talk" in before
        assert "1 on passages" in before
        column = main(again).query_one("#points-1")
        assert column.rows[row].annotations == 1
    assert len(stored_annotations(db)) == 2


# ----------------------------------------------------------------------- snapshot


@pytest.mark.parametrize(
    ("size", "keys"),
    [((110, 26), ()), ((80, 24), ("j",))],
    ids=["110x26-orphan", "80x24-passage"],
)
def test_snapshot_of_the_annotations_screen(
    tmp_path: Path,
    fixed_clock: list[str],
    snap_compare: Any,
    size: tuple[int, int],
    keys: tuple[str, ...],
) -> None:
    """Four annotations, newest first: the orphan on top (marked, with how to attach
    it), a passage (its note and line in the preview), tags in green."""
    root, db = copy_notes(tmp_path), tmp_path / "db.json"
    seed(db, root, orphan=True)

    async def open_the_list(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        await open_list(pilot)
        await pilot.press(*keys)

    app = new_app(root, tmp_path)
    assert snap_compare(app, terminal_size=size, run_before=open_the_list)
