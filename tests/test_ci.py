"""CI runs what the README tells a developer to run, and then everything it leaves out."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from support.paths import REPO


def ci_commands() -> list[str]:
    lines = (REPO / ".ci" / "run").read_text("utf-8").splitlines()
    return [
        line.strip()
        for line in lines
        if line.strip() and not line.lstrip().startswith(("#", "set ", "cd "))
    ]


def test_ci_first_runs_exactly_the_readmes_test_command() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme[readme.index("## Develop and test") :]
    command = re.search(r"```sh\n(.+?)\n```", section, re.DOTALL)
    assert command is not None
    assert ci_commands()[0] == command.group(1).strip()


def test_ci_also_runs_the_slow_tests_and_the_layer_contracts() -> None:
    options = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    addopts = options["tool"]["pytest"]["ini_options"]["addopts"]
    commands = ci_commands()
    if '-m "not slow"' in addopts:  # the default run leaves them out: CI must not
        assert ".venv/bin/python -m pytest -m slow" in commands
    assert any(command.startswith(".venv/bin/lint-imports") for command in commands)
    contracts = options["tool"]["importlinter"]["contracts"]
    assert {"core-has-no-front", "cli-has-no-textual", "fronts-apart"} <= {
        contract["id"] for contract in contracts
    }


def test_the_layer_contracts_hold() -> None:
    """`lint-imports` as CI runs it, so a broken layer shows in the default run too."""
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint), "--no-cache"],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-1000:]
    assert "0 broken" in done.stdout
