"""`notetui locate`, `notetui db check` and `notetui config`, through the installed
console script, with every location in tmp_path."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from notetui.core.config import TEMPLATE
from support.cli import Cli, copy_samples

NAMES = ["notes", "database", "config", "export", "cache"]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "home")


def located(cli: Cli, *args: str | Path, **kwargs: object) -> dict[str, str]:
    lines = cli.ok("locate", *args, **kwargs).stdout.splitlines()
    pairs = [line.split(": ", 1) for line in lines]
    assert [name for name, _ in pairs] == NAMES
    return dict(pairs)


# -- locate ---------------------------------------------------------------------------------


def test_locate_prints_the_overridden_locations(cli: Cli, tmp_path: Path) -> None:
    work = tmp_path / "work"
    copy_samples(work / "notes")
    found = located(cli, cwd=work)
    assert found == {
        "notes": str(work / "notes"),
        "database": str(cli.db),
        "config": str(cli.config),
        "export": str(cli.home / "export"),
        "cache": str(cli.home / "cache"),
    }
    as_json = cli.json("locate", "--json", cwd=work)
    assert as_json == found


def test_locate_follows_each_variable_and_flag(cli: Cli, tmp_path: Path) -> None:
    notes = tmp_path / "env-notes"
    found = located(
        cli,
        env={
            "NOTETUI_DB": None,  # then the data folder
            "NOTETUI_CONFIG": None,  # then the config folder
            "NOTETUI_DATA": str(tmp_path / "d"),
            "NOTETUI_CONFIG_DIR": str(tmp_path / "c"),
            "NOTETUI_EXPORT": str(tmp_path / "x"),
            "NOTETUI_CACHE": str(tmp_path / "k"),
            "NOTETUI_NOTES": str(notes),
        },
    )
    assert found == {
        "notes": str(notes),
        "database": str(tmp_path / "d" / "annotations.json"),
        "config": str(tmp_path / "c" / "config.toml"),
        "export": str(tmp_path / "x"),
        "cache": str(tmp_path / "k"),
    }
    flags = located(cli, "--db", tmp_path / "flag.json", "--notes", tmp_path / "flag-notes")
    assert flags["database"] == str(tmp_path / "flag.json")
    assert flags["notes"] == str(tmp_path / "flag-notes")


def test_locate_relative_paths_are_made_absolute(cli: Cli, tmp_path: Path) -> None:
    found = located(cli, "--db", "rel/store.json", cwd=tmp_path)
    assert found["database"] == str(tmp_path / "rel" / "store.json")


def test_locate_reports_the_configured_notes_folder(cli: Cli, tmp_path: Path) -> None:
    mine = tmp_path / "configured"
    mine.mkdir()
    cli.config.parent.mkdir(parents=True)
    cli.config.write_text(f'notes = "{mine.as_posix()}"\n', "utf-8")
    assert located(cli)["notes"] == str(mine)
    # $NOTETUI_NOTES still wins.
    assert located(cli, env={"NOTETUI_NOTES": str(tmp_path)})["notes"] == str(tmp_path)


def test_locate_without_notes_points_at_the_samples(cli: Cli) -> None:
    notes = Path(located(cli)["notes"])
    assert notes.is_dir()
    assert any(notes.rglob("*.md"))


def test_the_commands_read_the_configured_notes_folder(cli: Cli, tmp_path: Path) -> None:
    mine = copy_samples(tmp_path / "configured")
    cli.config.parent.mkdir(parents=True)
    cli.config.write_text(f'notes = "{mine.as_posix()}"\n', "utf-8")
    (mine / "2025" / "kichijoji-py-lt-4.md").unlink()
    # Only this copy lacks the talk: it is the folder read.
    done = cli.run("annotate", "pytestのfixture", "--text", "x")
    assert done.returncode == 2
    assert "no talk matches" in done.stderr

    cli.config.write_text("notes = 3\n[thresholds]\ntalk_match = 500\n", "utf-8")
    done = cli.ok("annotate", "pytestのfixture", "--text", "x")  # the samples again
    problems = done.stderr.splitlines()
    assert len(problems) == 2
    assert all(p.startswith("notetui: config: ") for p in problems)


# -- db check -------------------------------------------------------------------------------


def test_db_check_healthy(cli: Cli, tmp_path: Path) -> None:
    notes = copy_samples(tmp_path / "notes")
    for text in ("one", "two"):
        cli.ok("annotate", "taming tail", "--text", text, "--notes", notes)
    cli.ok("tag", "taming tail", "add", "rust", "--notes", notes)
    cli.ok("tag", "--event", "sapporo", "add", "sre", "--notes", notes)
    before = cli.db.read_bytes()
    done = cli.ok("db", "check")
    assert done.stdout == "ok: 2 annotations, 2 tag sets\n"
    assert cli.db.read_bytes() == before
    other = tmp_path / "other.json"
    assert cli.ok("db", "check", "--db", other).stdout.startswith("ok: 0 annotations")
    assert cli.ok("db", "check", env={"NOTETUI_DB": str(cli.db)}).stdout.startswith("ok: 2")


def test_db_check_missing_store(cli: Cli) -> None:
    done = cli.ok("db", "check")
    assert done.stdout == f"ok: 0 annotations, 0 tag sets (no store at {cli.db} yet)\n"
    assert not cli.db.exists()
    assert not cli.db.parent.exists()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b'{"annotations": {"1": {"uid": "a"', "not valid JSON"),
        (b"\x00\xff garbage", "not UTF-8"),
        (b"[1, 2, 3]", "not a notetui store"),
        (b'{"meta": {"1": {"schema": 99}}}', "newer than this notetui"),
    ],
)
def test_db_check_corrupt_store_is_left_byte_identical(cli: Cli, content: bytes, says: str) -> None:
    cli.db.parent.mkdir(parents=True)
    cli.db.write_bytes(content)
    mtime = cli.db.stat().st_mtime_ns
    done = cli.run("db", "check")
    assert done.returncode == 1
    [line] = done.stdout.splitlines()
    assert says in line
    assert "Traceback" not in done.stderr
    assert cli.db.read_bytes() == content
    assert cli.db.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in cli.db.parent.iterdir()) == ["annotations.json"]


def test_db_check_lists_each_bad_record(cli: Cli) -> None:
    records = {
        "meta": {"1": {"schema": 1}},
        "annotations": {
            "1": {
                "uid": "a",
                "target": "talk",
                "target_id": "t1",
                "text": "ok",
                "created": "2025-01-01T00:00:00Z",
                "updated": "2025-01-01T00:00:00Z",
            },
            "2": {
                "uid": "b",
                "target": "talk",
                "text": "no target id",
                "created": "2025-01-01T00:00:00Z",
                "updated": "2025-01-01T00:00:00Z",
            },
            "3": {
                "uid": "c",
                "target": "passage",
                "target_id": "t1",
                "text": "no anchor",
                "created": "2025-01-01T00:00:00Z",
                "updated": "2025-01-01T00:00:00Z",
            },
        },
        "tags": {"1": {"target": "talk", "target_id": "t1", "tags": "not a list"}},
    }
    content = json.dumps(records).encode()
    cli.db.parent.mkdir(parents=True)
    cli.db.write_bytes(content)
    done = cli.run("db", "check")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert len(lines) == 3
    assert 'record 2 in "annotations" has no "target_id"' in lines[0]
    assert 'record 3 in "annotations"' in lines[1]
    assert 'record 1 in "tags"' in lines[2]
    assert cli.db.read_bytes() == content


@pytest.mark.skipif(
    os.geteuid() == 0 if hasattr(os, "geteuid") else True,
    reason="chmod 000 cannot make a file unreadable for root (or on Windows)",
)
def test_db_check_unreadable_store(cli: Cli) -> None:
    cli.db.parent.mkdir(parents=True)
    cli.db.write_text("{}", "utf-8")
    cli.db.chmod(0)
    try:
        done = cli.run("db", "check")
    finally:
        cli.db.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert done.returncode == 1
    assert "cannot be read" in done.stdout


def test_db_check_a_folder(cli: Cli) -> None:
    cli.db.mkdir(parents=True)
    done = cli.run("db", "check")
    assert done.returncode == 1
    assert "is a folder" in done.stdout


# -- config ---------------------------------------------------------------------------------


def test_config_path(cli: Cli, tmp_path: Path) -> None:
    assert cli.ok("config", "--path").stdout == f"{cli.config}\n"
    unset = cli.ok("config", "--path", env={"NOTETUI_CONFIG": None}).stdout
    assert unset == f"{cli.home / 'config' / 'config.toml'}\n"
    assert not cli.config.exists()  # printing the path creates nothing


def test_config_without_an_option_shows_help(cli: Cli) -> None:
    done = cli.ok("config")
    assert "--edit" in done.stdout
    assert "--path" in done.stdout
    both = cli.run("config", "--path", "--edit")
    assert both.returncode == 2


def fake_editor(tmp_path: Path, name: str = "editor", append: str = "") -> tuple[Path, Path]:
    """An editor script that records its arguments, one per line, and may append text."""
    record = tmp_path / f"{name}-args.txt"
    script = tmp_path / name
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys, pathlib\n"
        f"pathlib.Path({str(record)!r}).write_text('\\n'.join(sys.argv[1:]), 'utf-8')\n"
        f"if {append!r}:\n"
        f"    with open(sys.argv[-1], 'a', encoding='utf-8') as f: f.write({append!r})\n",
        "utf-8",
    )
    script.chmod(0o755)
    return script, record


def test_config_edit_creates_the_template_and_runs_the_editor(cli: Cli, tmp_path: Path) -> None:
    editor, record = fake_editor(tmp_path)
    done = cli.ok("config", "--edit", env={"EDITOR": str(editor)})
    assert record.read_text("utf-8").splitlines() == [str(cli.config)]
    assert cli.config.read_text("utf-8") == TEMPLATE
    assert "template" in done.stderr

    # A second edit keeps what is there.
    cli.config.write_text('theme = "nord"\n', "utf-8")
    cli.ok("config", "--edit", env={"EDITOR": str(editor)})
    assert cli.config.read_text("utf-8") == 'theme = "nord"\n'


def test_config_edit_prefers_visual_and_passes_editor_arguments(cli: Cli, tmp_path: Path) -> None:
    visual, visual_record = fake_editor(tmp_path, "visual")
    editor, editor_record = fake_editor(tmp_path, "editor")
    cli.ok("config", "--edit", env={"VISUAL": f"{visual} --wait -n", "EDITOR": str(editor)})
    assert visual_record.read_text("utf-8").splitlines() == ["--wait", "-n", str(cli.config)]
    assert not editor_record.exists()


def test_config_edit_reports_a_bad_edit(cli: Cli, tmp_path: Path) -> None:
    editor, _ = fake_editor(tmp_path, append="\n[thresholds]\ntalk_match = 900\n")
    cli.config.parent.mkdir(parents=True)
    cli.config.write_text("", "utf-8")
    done = cli.run("config", "--edit", env={"EDITOR": str(editor)})
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert "thresholds.talk_match" in line


def test_config_edit_without_an_editor(cli: Cli, tmp_path: Path) -> None:
    done = cli.run("config", "--edit")
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert "set $VISUAL or $EDITOR" in line
    assert not cli.config.exists()

    missing = cli.run("config", "--edit", env={"EDITOR": str(tmp_path / "no-such-editor")})
    assert missing.returncode == 2
    [line] = missing.stderr.splitlines()[-1:]
    assert "cannot run the editor" in line
    assert "Traceback" not in missing.stderr


def test_config_edit_editor_failure(cli: Cli, tmp_path: Path) -> None:
    done = cli.run("config", "--edit", env={"EDITOR": "false"})
    assert done.returncode == 1
    assert "exited with code 1" in done.stderr


def test_config_edit_with_an_editor_command_that_cannot_be_read(cli: Cli) -> None:
    done = cli.run("config", "--edit", env={"VISUAL": 'vim "unclosed', "EDITOR": "false"})
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("notetui: cannot read the editor command 'vim \"unclosed'")
    assert not cli.config.exists()  # nothing written for an editor that cannot run


def test_config_check(cli: Cli) -> None:
    assert cli.ok("config", "--check").stdout.startswith("ok: ")
    cli.config.parent.mkdir(parents=True)
    cli.config.write_text('theme = "nord"\nwidth = 3\n[keymap]\n"talk.next" = 1\n', "utf-8")
    done = cli.run("config", "--check")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert 'unknown key "width"' in lines[0]
    assert 'keymap."talk.next"' in lines[1]
    cli.config.write_text("theme = \n", "utf-8")
    done = cli.run("config", "--check")
    assert done.returncode == 1
    assert "invalid TOML" in done.stdout
    assert "line 1" in done.stdout


def test_the_readme_shows_the_template_config_edit_writes() -> None:
    from notetui.core.config import TEMPLATE
    from support.paths import REPO

    readme = (REPO / "README.md").read_text("utf-8")
    assert f"```toml\n{TEMPLATE}```" in readme
