"""The pathway of a canvas: change -> how -> what, and what is not linked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from coworkshop.i18n import _
from coworkshop.tui.canvas.card_view import display_text

if TYPE_CHECKING:
    from coworkshop.core.canvas import Pathways
    from coworkshop.core.models import Card

KIND_STYLE = {"CHANGE": "bold cyan", "HOW": "bold green", "WHAT": "bold yellow"}


class PathwayView(Static):
    """Renders :func:`core.canvas.pathways` as a tree with a flagged section.

    The tree and the card labels sit in their own column, so a long card text
    wraps under itself and the chain stays readable on a projector.
    """

    DEFAULT_CSS = """
    PathwayView {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, paths: Pathways, labels: dict[str, str], **kwargs: str) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.paths = paths
        self.labels = labels

    def on_mount(self) -> None:
        self.update(self.render_pathways())

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(no_wrap=True)
        table.add_column(ratio=1)
        return table

    def _row(self, table: Table, tree: str, kind: str, card: Card) -> None:
        head = Text.assemble((tree, "dim"), (kind, KIND_STYLE[kind]), " ",
                             (self.labels.get(card.id, "?"), "bold"))
        table.add_row(head, display_text(card.text))

    def render_pathways(self) -> Group:
        p = self.paths
        if not p.pathways and not p.unlinked_how and not p.unlinked_what:
            return Group(Text.assemble((_("The canvas is empty: add a CHANGE card first."), "dim")))
        out: list[Table | Text] = []
        for pathway in p.pathways:
            table = self._table()
            self._row(table, "", "CHANGE", pathway.change)
            for i, step in enumerate(pathway.steps):
                last_step = i == len(pathway.steps) - 1
                self._row(table, "└─ " if last_step else "├─ ", "HOW", step.how)
                pipe = "   " if last_step else "│  "
                for j, what in enumerate(step.whats):
                    twig = "└─ " if j == len(step.whats) - 1 else "├─ "
                    self._row(table, pipe + twig, "WHAT", what)
                if not step.whats:
                    table.add_row(Text(pipe + "└─ no WHAT yet", style="dim italic"), "")
            out.extend([table, Text("")])
        flagged = p.changes_without_how or p.unlinked_how or p.unlinked_what
        if not flagged:
            done = "✓ Every card is linked: the pathway is complete."
            out.append(Text.assemble((done, "bold green")))
            return Group(*out)
        out.append(Text.assemble((_("⚠ Not linked yet"), "bold yellow")))
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(no_wrap=True)
        table.add_column(ratio=1)
        for why, cards in (
            ("CHANGE without any HOW", p.changes_without_how),
            ("HOW not linked to a CHANGE", p.unlinked_how),
            ("WHAT not linked to a HOW", p.unlinked_what),
        ):
            for card in cards:
                label = self.labels.get(card.id, "?")
                table.add_row(Text.assemble((f"  {why}: ", "yellow"), (label, "bold")),
                              display_text(card.text))
        out.append(table)
        hint = "  Select the card on the canvas and press l to link it."
        out.append(Text.assemble((hint, "dim")))
        return Group(*out)
