"""`v` on a canvas: the pathway change -> how -> what, full screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from coworkshop.i18n import _, fmt
from coworkshop.tui.canvas.pathway_view import PathwayView

if TYPE_CHECKING:
    from coworkshop.core.canvas import Pathways


class PathwayScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,v", "dismiss", "Close", id="pathway.close", tooltip="Back to the canvas."),
    ]

    def __init__(self, title: str, paths: Pathways, labels: dict[str, str]) -> None:
        super().__init__()
        self.title_text = title
        self.paths = paths
        self.labels = labels

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog pathway-dialog"):
            yield Static(fmt("Pathway · {title_text}",
                             title_text=self.title_text), classes="dialog-title", markup=False)
            with VerticalScroll(id="pathway-body"):
                yield PathwayView(self.paths, self.labels, id="pathway")
            yield Static(_("↑↓ scroll · esc closes"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#pathway-body").focus()
