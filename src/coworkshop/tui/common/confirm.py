"""A yes/no question before something is dropped (typed text, the app)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from coworkshop.i18n import _


class ConfirmScreen(ModalScreen[bool]):
    """Returns True when the facilitator confirms; escape (or the safe
    button, which has the focus) answers False."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "answer(False)", "Keep", id="confirm.keep", tooltip="Go back."),
    ]

    def __init__(self, question: str, yes: str, no: str, note: str = "") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm-dialog"):
            yield Static(self.question, classes="dialog-title", markup=False)
            if self.note:
                yield Static(self.note, classes="dialog-note", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.no, variant="primary", id="no", compact=True)
                yield Button(self.yes, variant="error", id="yes", compact=True)
            yield Static(_("tab switches · enter answers · esc goes back"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
