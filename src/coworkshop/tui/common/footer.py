"""The footer of every screen: the keys, compact; the palette key when it fits."""

from __future__ import annotations

from textual import events
from textual.widgets import Footer


class KeysFooter(Footer):
    """A compact footer that leaves out the ctrl+p hint on narrow terminals,
    where it would cover the keys of the screen."""

    WIDE = 110

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)

    def on_resize(self, event: events.Resize) -> None:
        self.show_command_palette = event.size.width >= self.WIDE
