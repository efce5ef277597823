"""The notetui application: theme, the reader screen, and global keys."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from notetui.core.config import Config, load_config
from notetui.core.locations import config_path, data_dir
from notetui.core.state import load_state, save_state
from notetui.ui.keys import binding_groups, bindings_by_group, check_keymap
from notetui.ui.palette import use_theme
from notetui.ui.providers import LibraryProvider
from notetui.ui.rendering import inline_markdown
from notetui.ui.screens.help import HelpScreen
from notetui.ui.screens.main import MainScreen

DEFAULT_THEME = "tokyo-night"


class NoteTuiApp(App[None]):
    """A reader and annotator for meetup notes."""

    CSS_PATH = "notetui.tcss"
    TITLE = "notetui"
    COMMANDS = App.COMMANDS | {LibraryProvider}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        # Not a priority binding: a text field takes ctrl+c (copy) first.
        Binding("ctrl+c", "quit", "Quit", show=False),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
    ]

    def __init__(
        self,
        root: Path,
        *,
        db_path: Path | None = None,
        state_path: Path | None = None,
        watch: bool = True,
        config: Path | None = None,
    ) -> None:
        super().__init__()
        self.root = root
        self.db_path = db_path
        self.watch_notes = watch
        self.state_path = state_path or data_dir() / "state.json"
        self.config_path = config_path(config)
        self.config = Config()
        self.keymap: dict[str, str] = {}
        self._state_error_shown = False

    def on_mount(self) -> None:
        groups = bindings_by_group(self)
        ids = {binding.id for _, bindings in groups for binding in bindings if binding.id}
        self.config, problems = load_config(self.config_path, binding_ids=ids)
        self.keymap, bad_keys = check_keymap(self.config.keymap, groups)
        problems += [f"{self.config_path}: {problem}" for problem in bad_keys]
        for problem in problems:
            self.notify(problem, title="Config", severity="warning", timeout=10, markup=False)
        self.set_keymap(self.keymap)
        self.theme = self._starting_theme()
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        thresholds = self.config.thresholds
        self.push_screen(
            MainScreen(
                self.root,
                db_path=self.db_path,
                watch=self.watch_notes,
                settings=thresholds.merge_settings(),
                point_threshold=thresholds.point_match,
            )
        )

    def get_css_variables(self) -> dict[str, str]:
        """Textual builds the theme's variables here; text drawn in Python (labels,
        gutters, inline code) takes its colours from them too."""
        variables = super().get_css_variables()
        use_theme(variables)
        inline_markdown.cache_clear()
        return variables

    def _starting_theme(self) -> str:
        """The theme last chosen in the app, unless the config names a new one."""
        state = load_state(self.state_path)
        configured = self.config.theme
        if configured and configured not in self.available_themes:
            self.notify(
                f"{self.config_path}: theme {configured!r} does not exist",
                title="Config",
                severity="warning",
                markup=False,
            )
            configured = None
        if configured and configured != state.get("config_theme"):
            return configured
        remembered = state.get("theme")
        if isinstance(remembered, str) and remembered in self.available_themes:
            return remembered
        return configured or DEFAULT_THEME

    def _remember_theme(self, _theme: object) -> None:
        state = load_state(self.state_path)
        state["theme"] = self.theme
        state["config_theme"] = self.config.theme
        try:
            save_state(self.state_path, state)
        except OSError as error:
            if not self._state_error_shown:
                self._state_error_shown = True
                self.notify(f"Cannot remember the theme: {error}", severity="warning", markup=False)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        seen = {"quit", "help", "command_palette"}
        for title, rows in binding_groups(self):
            if title not in ("Reader",):
                continue
            for row in rows:
                if row.action in seen or screen.check_action(row.action, ()) is False:
                    continue
                seen.add(row.action)
                yield SystemCommand(
                    row.description,
                    f"Key: {row.keys}",
                    lambda action=row.action: screen.run_action(action),
                )
        yield SystemCommand("Help", "Every key, grouped (key: ?)", self.action_help)


def make_app(
    root: Path,
    *,
    db_path: Path | None = None,
    state_path: Path | None = None,
    watch: bool = True,
    config: Path | None = None,
) -> NoteTuiApp:
    """The one way to build the app, for the CLI and the tests alike."""
    return NoteTuiApp(root, db_path=db_path, state_path=state_path, watch=watch, config=config)
