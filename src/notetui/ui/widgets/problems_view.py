"""Notes that could not be read, each with its one-line reason."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from notetui.core.models import Problem
from notetui.core.text import sanitize_line
from notetui.ui.palette import palette


class ProblemsView(VerticalScroll):
    DEFAULT_CSS = """
    ProblemsView { padding: 1 2; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="problems-text", markup=False)

    def show_problems(self, problems: tuple[Problem, ...]) -> None:
        text = Text()
        text.append(f"{len(problems)} note(s) had problems", Style(bold=True))
        text.append(
            "\nThe rest of the library loaded; these were skipped or read in part.\n\n",
            Style(dim=True),
        )
        for problem in problems:
            text.append(sanitize_line(problem.note), palette().style("problem", bold=True))
            text.append("\n  " + sanitize_line(problem.message) + "\n")
        self.query_one("#problems-text", Static).update(text)
