"""The key footer, rebuilt only when the keys it shows change.

Textual's Footer recomposes (a new widget per key) on every bindings change, and
focus moving between columns is one: `]` would rebuild twenty widgets to show the
same keys. This one compares what it would show first.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[tuple[str, str, str, bool], ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            shown = tuple(
                (binding.key, binding.action, binding.description, enabled)
                for (_, binding, enabled, _tooltip) in screen.active_bindings.values()
                if binding.show
            )
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
