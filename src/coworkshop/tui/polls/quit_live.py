"""Asked before quitting while live voting runs: the room would lose the server."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class QuitWhileLive(ModalScreen[bool]):
    """True: quit (live voting stops; everything received is saved)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stay", "Keep voting", id="quit-live.stay",
                tooltip="Do not quit: live voting goes on."),
        Binding("y", "quit_anyway", "Quit", id="quit-live.quit",
                tooltip="Quit: live voting stops; everything received is saved."),
    ]

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what  # "code 123 456, 12 phones connected"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Quit while live voting is on?", classes="dialog-title")
            yield Static(f"Live voting is on ({self.what}). Quitting stops it: phones can "
                         "no longer answer. Everything received is saved.",
                         classes="dialog-note", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Keep voting", id="quit-live-stay", variant="primary")
                yield Button("Quit", id="quit-live-quit", variant="error")
            yield Static("esc keeps voting · q or y quits", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#quit-live-stay", Button).focus()

    @on(Button.Pressed, "#quit-live-stay")
    def action_stay(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#quit-live-quit")
    def action_quit_anyway(self) -> None:
        self.dismiss(True)
