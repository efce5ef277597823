"""The loader under fuzzing (issue 15): random bytes, generated Markdown, front matter
in three formats with nested and typed values, and every encoding notetui reads.

For every example, one generated file sits beside one good note in a fresh folder,
and `load_library` must: raise nothing; list the file as a note or report it; give
problem lines that name it, one line each; still list the good note's talk; and
finish within the per-note budget (a wide-margin bug check, not a timing test).

The default run has 100 examples of each kind (400 in all, derandomised so CI is
reproducible); `-m slow` runs 5,000 of each with fresh randomness. Each test prints
its figures (with -n 0): examples, files, read or reported, the slowest file.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from notetui.core.load.budget import NOTE_SECONDS
from notetui.core.load.library import load_library
from support import fuzzing

GOOD = "# 良いノートの勉強会\n\n## 良いノートの発表\n\n- 必ず読める\n"
GOOD_TALK = "良いノートの発表"
# The load of one example, in CPU seconds (immune to a busy machine): the good note,
# the fuzzed one under its budget (2 s to read and split, 1 s for its merge digest),
# and the merge. A file that needs longer must have been cut off well before this.
EXAMPLE_LIMIT = NOTE_SECONDS * 1.5 + 2.0

DEFAULT_EXAMPLES = 100
SLOW_EXAMPLES = 5_000


@dataclass
class Figures:
    kind: str
    examples: int = 0
    read: int = 0
    reported: int = 0
    slowest: float = 0.0
    slowest_size: int = 0
    problems: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        causes = ", ".join(f"{n}× {p}" for p, n in sorted(self.problems.items())[:6])
        return (
            f"fuzz {self.kind}: {self.examples} examples, {self.examples} files, "
            f"{self.read} read, {self.reported} only reported (read or reported: "
            f"{self.read + self.reported}/{self.examples}), slowest file "
            f"{self.slowest * 1000:.0f} CPU ms ({self.slowest_size:,} bytes); problems: {causes}"
        )


def check_one(name: str, data: bytes, figures: Figures) -> None:
    with tempfile.TemporaryDirectory(prefix="notetui-fuzz-") as folder:
        root = Path(folder)
        (root / "good.md").write_text(GOOD, "utf-8")
        (root / name).write_bytes(data)
        started = time.process_time()
        library = load_library(root, cache=False)
        elapsed = time.process_time() - started
    listed = {note.path for note in library.notes}
    for problem in library.problems:
        assert problem.note == name, f"a problem names {problem.note!r}, not {name!r}"
        message = problem.message
        assert message and message == message.strip(), message
        assert "\n" not in message and "\r" not in message and len(message) <= 300, message
    reported = any(p.note == name for p in library.problems)
    assert name in listed or reported, f"{name} was neither read nor reported"
    assert "good.md" in listed
    assert any(t.title == GOOD_TALK for t in library.talks), "the good note lost its talk"
    assert elapsed < EXAMPLE_LIMIT, f"{elapsed:.1f} CPU s for {len(data):,} bytes"
    figures.examples += 1
    figures.read += name in listed
    figures.reported += name not in listed
    for problem in library.problems:
        cause = problem.message.split(":", 1)[0].split("(", 1)[0].strip()[:40]
        figures.problems[cause] = figures.problems.get(cause, 0) + 1
    if elapsed > figures.slowest:
        figures.slowest, figures.slowest_size = elapsed, len(data)


KINDS = {
    "random bytes": fuzzing.random_bytes(),
    "markdown": fuzzing.markdown().map(lambda t: t.encode("utf-8", "surrogatepass")),
    "front matter": fuzzing.front_matter_note().map(lambda t: t.encode("utf-8", "surrogatepass")),
    "encodings": fuzzing.encoded_note(),
}


@pytest.fixture
def report(request: pytest.FixtureRequest) -> Iterator[list[Figures]]:
    collected: list[Figures] = []
    yield collected
    plugins = request.config.pluginmanager
    reporter = plugins.get_plugin("terminalreporter")
    capture = plugins.get_plugin("capturemanager")
    if reporter is None or capture is None:  # an xdist worker has no terminal
        return
    with capture.global_and_fixture_disabled():
        for figures in collected:
            reporter.write_line(figures.line())


def run_kind(kind: str, examples: int, derandomize: bool, report: list[Figures]) -> None:
    figures = Figures(kind)
    report.append(figures)

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=derandomize,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(name=fuzzing.NOTE_NAMES, data=KINDS[kind])
    def property_holds(name: str, data: bytes) -> None:
        check_one(name, data, figures)

    property_holds()
    assert figures.examples >= min(examples, 50)  # hypothesis really generated them


@pytest.mark.parametrize("kind", list(KINDS))
def test_no_input_escapes_the_loader(kind: str, report: list[Figures]) -> None:
    run_kind(kind, DEFAULT_EXAMPLES, True, report)


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(KINDS))
def test_no_input_escapes_the_loader_thousands(
    kind: str, report: list[Figures], request: pytest.FixtureRequest
) -> None:
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip(
            f"{SLOW_EXAMPLES:,} examples per kind take minutes: run by `pytest -m slow`, as CI does"
        )
    run_kind(kind, SLOW_EXAMPLES, False, report)
