"""A store path that loops, or a journal that went bad: every command that uses the
store says so in one line and exits 1, through the real console script."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.cli import Cli, copy_samples

COMMANDS = (
    ["annotate", "taming tail", "--text", "x"],
    ["annotations"],
    ["tag", "taming tail", "add", "x"],
    ["tags"],
    ["export", "-o", "-"],
)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "home")


def test_a_store_path_that_is_a_symlink_loop(cli: Cli, tmp_path: Path) -> None:
    notes = copy_samples(tmp_path / "notes")
    cli.db.parent.mkdir(parents=True)
    twin = cli.db.with_name("twin.json")
    cli.db.symlink_to(twin)
    twin.symlink_to(cli.db)
    for args in [*COMMANDS, ["db", "check"], ["db", "compact"]]:
        done = cli.run(*args, "--notes", notes) if args[0] != "db" else cli.run(*args)
        assert done.returncode == 1, (args, done.stderr)
        output = done.stderr or done.stdout
        assert len(output.splitlines()) == 1, (args, output)
        assert "symlink" in output or "Too many levels" in output, (args, output)
        assert "Traceback" not in done.stderr


def test_a_journal_that_went_bad(cli: Cli, tmp_path: Path) -> None:
    notes = copy_samples(tmp_path / "notes")
    cli.ok("annotate", "taming tail", "--text", "kept", "--notes", notes)
    journal = cli.db.with_name(cli.db.name + ".journal")
    journal.write_bytes(b"not a journal\n")
    before = (cli.db.read_bytes(), journal.read_bytes())
    for args in [*COMMANDS, ["db", "check"]]:
        done = cli.run(*args, "--notes", notes) if args[0] != "db" else cli.run(*args)
        assert done.returncode == 1, (args, done.stderr)
        output = done.stderr or done.stdout
        assert len(output.splitlines()) == 1, (args, output)
        assert f"journal {journal}" in output and "not a notetui journal" in output
    assert (cli.db.read_bytes(), journal.read_bytes()) == before
