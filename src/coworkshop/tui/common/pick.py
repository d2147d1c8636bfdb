"""Pick one item from a list (a deleted card to restore, a card to link to)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from coworkshop.i18n import _


class PickScreen(ModalScreen[str | None]):
    """Returns the id of the chosen option, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="pick.cancel", tooltip="Close without choosing."),
    ]

    def __init__(
        self, title: str, options: list[tuple[str, Text | str]], note: str = "",
        highlight: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.note = note
        self.highlight = highlight

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog pick-dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            if self.note:
                yield Static(self.note, classes="dialog-note", markup=False)
            yield OptionList(*[Option(label, id=key) for key, label in self.options], id="pick")
            yield Static(_("↑↓ choose · enter confirm · esc cancel"), classes="dialog-hint")

    def on_mount(self) -> None:
        pick = self.query_one("#pick", OptionList)
        pick.focus()
        if self.highlight is not None:
            for i, (key, _label) in enumerate(self.options):
                if key == self.highlight:
                    pick.highlighted = i

    @on(OptionList.OptionSelected, "#pick")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
