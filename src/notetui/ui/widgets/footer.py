"""The key footer, rebuilt only when the keys it shows change.

Textual's Footer recomposes (a new widget per key) on every bindings change, and
focus moving between columns is one: `]` would rebuild twenty widgets to show the
same keys. This one compares what it would show first.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static


class KeyFooter(Footer):
    """The keys, and on the right what limits the view (an active tag filter)."""

    DEFAULT_CSS = """
    KeyFooter > .footer-filter {
        padding: 0 1; margin-right: 1; background: $accent 40%; color: $text;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[tuple[str, str, str, bool], ...] | None = None
        self.filter_text: Text | None = None

    def compose(self) -> ComposeResult:
        if self.filter_text is not None:
            label = Text("filter ", style="dim")
            label.append_text(self.filter_text)
            shown = Static(label, classes="footer-filter", markup=False)
            shown.styles.width = label.cell_len + 2  # "auto" is cut short in the footer
            yield shown
        yield from super().compose()

    def show_filter(self, text: Text | None) -> None:
        """Say (or stop saying) which tag filter is on."""
        same = (text.plain if text else None) == (
            self.filter_text.plain if self.filter_text else None
        )
        self.filter_text = text
        if not same and self.is_mounted:
            self.refresh(recompose=True)

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
