"""The footer of every screen: the keys, compact; help first; the palette key when it fits.

While live voting runs it starts with a "● LIVE" badge and the join code, on
every screen that does not show them already (the session screen has them in
its bar, the join screen in large digits): the facilitator never forgets the
room can still vote.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from coworkshop.i18n import _


class KeysFooter(Footer):
    """A compact footer that shows ``? Help`` first and leaves out the ctrl+p
    hint on narrow terminals, where it would cover the keys of the screen.

    Textual lists the focused widget's keys first and the app's last, and a
    narrow terminal cuts the footer on the right: help came last and was the
    first key lost at 80 columns. The keys read in the app's language, and the
    ones that do not fit whole are left out (help lists them): a long Finnish
    or Bulgarian word is never cut at the edge.
    """

    DEFAULT_CSS = """
    KeysFooter .live-badge {
        width: auto;
        padding: 0 1;
        text-style: bold;
        color: $text;
        background: $error;
    }
    """

    WIDE = 110
    FIRST = "question_mark"

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)
        self._live = ""

    def on_mount(self) -> None:
        self._live = self._live_text()
        self.set_interval(1, self._check_live)

    def on_resize(self, event: events.Resize) -> None:
        self.show_command_palette = event.size.width >= self.WIDE
        self.refresh(recompose=True)  # the keys that fit depend on the width

    def _live_text(self) -> str:
        live_now = getattr(self.app, "live_now", None)
        # a screen holding the live voting (``.live``) shows it itself
        if live_now is None or getattr(self.screen, "live", None) is not None:
            return ""
        return str(live_now())

    def _check_live(self) -> None:
        text = self._live_text()
        if text != self._live:
            self._live = text
            self.refresh(recompose=True)

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())  # sets the grid's columns: one per key
        for widget in widgets:
            # Bindings are made at import, in English; they read in the app's
            # language here, where they are shown (the catalogues hold them).
            if isinstance(widget, FooterKey):
                widget.description = _(widget.description) if widget.description else ""
                if isinstance(widget.tooltip, str) and widget.tooltip:
                    widget.tooltip = _(widget.tooltip)
        first = [w for w in widgets if isinstance(w, FooterKey) and w.key == self.FIRST]
        width = self.app.size.width
        if self._live and widgets:
            self.styles.grid_size_columns = (self.styles.grid_size_columns or 0) + 1
            badge = _("● LIVE") + f" {self._live}"
            width -= cell_len(badge) + 2 + 1  # its padding, and the space after it
            yield Static(badge, classes="live-badge")
        yield from self.fitting(first + [w for w in widgets if w not in first], width)

    @staticmethod
    def fitting(keys: list[Widget], width: int) -> list[Widget]:
        """The keys, in order, as far as they fit whole on one line."""
        shown: list[Widget] = []
        room = width + 1  # one space between keys, none after the last
        for key in keys:
            need = 0
            if isinstance(key, FooterKey):
                need = cell_len(key.key_display) + 1 + (
                    cell_len(key.description) + 1 if key.description else 0)
            if need > room:
                break
            shown.append(key)
            room -= need
        return shown
