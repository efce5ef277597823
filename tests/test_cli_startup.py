"""The command line starts light: a command imports what it needs, not the reader.

`notetui --help` lists every command from the registry's summaries without importing
any of them; no command but the reader itself imports Textual. Each check runs the
real command in a fresh interpreter and reads back which modules it imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from notetui.cli import registry
from notetui.cli.main import cli
from support.paths import NOTES

# Runs `notetui ARGS` as the console script does, then writes the modules it imported.
PROBE = """
import json, os, sys
try:
    from notetui.cli.main import main
    sys.argv = ["notetui", *sys.argv[1:]]
    main()
finally:
    with open(os.environ["PROBE_OUT"], "w", encoding="utf-8") as out:
        json.dump(sorted(sys.modules), out)
"""

READER = ("textual", "notetui.ui", "notetui.app")
STORE = ("tinydb", "filelock", "notetui.core.annotations.store")
LIBRARY = ("notetui.core.load.library", "markdown_it", "rapidfuzz", "yaml")
EXPORT = ("notetui.core.export.markdown",)


def imported(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    out = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PROBE_OUT": str(out)},
        timeout=120,
        check=False,
    )
    return done, set(json.loads(out.read_text("utf-8")))


def loaded(modules: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["locate"]])
def test_help_version_and_locate_import_none_of_the_core(tmp_path: Path, args: list[str]) -> None:
    done, modules = imported(tmp_path, *args)
    assert done.returncode == 0, done.stderr
    assert loaded(modules, READER + STORE + LIBRARY + EXPORT) == []


def test_list_json_reads_the_library_without_the_reader_or_the_store(tmp_path: Path) -> None:
    done, modules = imported(tmp_path, "list", "--json", str(NOTES))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["events"]  # it did load the library
    assert "notetui.core.load.library" in modules
    assert loaded(modules, READER + STORE + EXPORT) == []


def test_annotations_json_imports_no_table_printer(tmp_path: Path) -> None:
    # Rich only draws tables; at 100,000 annotations every import counts.
    db = tmp_path / "annotations.json"
    done, modules = imported(
        tmp_path, "annotations", "--json", "--notes", str(NOTES), "--db", str(db)
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    assert "notetui.core.annotations.store" in modules
    assert loaded(modules, (*READER, "rich")) == []


def test_help_lists_every_command_with_its_own_summary(tmp_path: Path) -> None:
    """The registry's summaries are what each command says of itself."""
    ctx = click.Context(cli)
    for entry in registry.COMMANDS:
        command = entry.load()
        assert command.name == entry.name
        assert not command.hidden
        assert command.get_short_help_str(limit=1000) == entry.summary, entry.name
    assert set(cli.list_commands(ctx)) == {"open", "list", *registry.BY_NAME}
    done, _ = imported(tmp_path, "--help")
    lines = done.stdout.splitlines()
    shown = dict(line.split(None, 1) for line in lines[lines.index("Commands:") + 1 :] if line)
    assert {name: shown[name] for name in registry.BY_NAME} == {
        entry.name: entry.summary for entry in registry.COMMANDS
    }
