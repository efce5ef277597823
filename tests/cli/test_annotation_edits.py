"""`notetui annotations edit` never overwrites an edit made elsewhere meanwhile: it
prints both texts and exits 3, unless --force. Through the console script, with a
real editor process that another notetui races."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from notetui.core.annotations.store import Store
from support.cli import NOTETUI, Cli, copy_samples

EDITOR = """\
import subprocess, sys
from pathlib import Path
# While "the user" types, another notetui saves its own edit of the same annotation.
subprocess.run([{notetui!r}, "annotations", "edit", {uid!r}, "--text", "theirs"], check=True)
Path(sys.argv[1]).write_text(Path(sys.argv[1]).read_text("utf-8") + " + mine", "utf-8")
"""


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "home")


@pytest.fixture
def uid(cli: Cli, tmp_path: Path) -> str:
    notes = copy_samples(tmp_path / "notes")
    row = cli.json("annotate", "taming tail", "--text", "original", "--json", "--notes", notes)
    value: str = row["uid"]
    return value


def test_an_edit_in_the_editor_that_raced_another_is_refused_with_both_texts(
    cli: Cli, uid: str, tmp_path: Path
) -> None:
    script = tmp_path / "editor.py"
    script.write_text(EDITOR.format(notetui=str(NOTETUI), uid=uid), "utf-8")
    done = cli.run("annotations", "edit", uid, env={"EDITOR": f"{sys.executable} {script}"})
    assert done.returncode == 3, done.stderr
    assert "was changed elsewhere while you edited it" in done.stderr
    assert "theirs" in done.stderr and "original + mine" in done.stderr
    kept = Path(done.stderr.rsplit("yours is kept in ", 1)[1].strip())
    assert kept.read_text("utf-8") == "original + mine"  # the typed text is not lost
    assert Store(cli.db).annotation(uid).text == "theirs"  # type: ignore[union-attr]
    kept.unlink()


def test_an_edit_from_an_old_revision_needs_force(cli: Cli, uid: str) -> None:
    cli.ok("annotations", "edit", uid, "--text", "second", "--rev", "0")
    stale = cli.run("annotations", "edit", uid, "--text", "from a stale copy", "--rev", "0")
    assert stale.returncode == 3
    assert "second" in stale.stderr and "from a stale copy" in stale.stderr
    assert "--force" in stale.stderr
    assert Store(cli.db).annotation(uid).text == "second"  # type: ignore[union-attr]

    cli.ok("annotations", "edit", uid, "--text", "from a stale copy", "--rev", "0", "--force")
    assert Store(cli.db).annotation(uid).text == "from a stale copy"  # type: ignore[union-attr]


def test_an_editor_that_changes_nothing_saves_nothing(cli: Cli, uid: str) -> None:
    before = cli.db.read_bytes()
    done = cli.ok("annotations", "edit", uid, env={"EDITOR": "true"})
    assert done.stdout == f"no change to {uid[:8]}\n"
    assert cli.db.read_bytes() == before
