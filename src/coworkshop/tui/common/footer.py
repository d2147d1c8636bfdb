"""The footer of every screen: the keys, compact; help first; the palette key when it fits."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    """A compact footer that shows ``? Help`` first and leaves out the ctrl+p
    hint on narrow terminals, where it would cover the keys of the screen.

    Textual lists the focused widget's keys first and the app's last, and a
    narrow terminal cuts the footer on the right: help came last and was the
    first key lost at 80 columns.
    """

    WIDE = 110
    FIRST = "question_mark"

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        first = [w for w in widgets if isinstance(w, FooterKey) and w.key == self.FIRST]
        yield from first
        yield from (w for w in widgets if w not in first)

    def on_resize(self, event: events.Resize) -> None:
        self.show_command_palette = event.size.width >= self.WIDE
