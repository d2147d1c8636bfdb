"""A card's history: every version with time, group and reason; its comments."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from coworkshop.i18n import _, fmt, nfmt
from coworkshop.tui.canvas.card_view import display_text
from coworkshop.tui.fmt import local_time

if TYPE_CHECKING:
    from coworkshop.core.models import Card, CardRevision, Comment


class HistoryScreen(ModalScreen[None]):
    """Read-only: how a card changed through the workshop."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,h", "dismiss", "Close", id="history.close", tooltip="Close the history."),
    ]

    def __init__(
        self, label: str, card: Card, revisions: list[CardRevision], comments: list[Comment]
    ) -> None:
        super().__init__()
        self.label = label
        self.card = card
        self.revisions = revisions
        self.card_comments = comments

    def render_history(self) -> Group:
        count = len(self.revisions)
        versions = Table.grid(padding=(0, 1), expand=True)
        versions.add_column(no_wrap=True)
        versions.add_column(ratio=1)
        for n, rev in enumerate(self.revisions, 1):
            head = Text.assemble(
                (rev.reason, "bold cyan" if "feedback" in rev.reason else "bold"),
                ("  " + local_time(rev.created_at), "dim"),
            )
            if rev.group_name:
                head.append(f"  {rev.group_name}", style="italic")
            versions.add_row(Text(f"{n}.", style="bold"), head)
            body = Text(display_text(rev.text))
            if rev.stakeholders:
                body.append(fmt("\nwith: {display_text}",
                                display_text=display_text(rev.stakeholders)), style="dim")
            versions.add_row("", body)
        parts: list[Table | Text] = [
            Text.assemble((nfmt("{n} version", "{n} versions", count), "bold underline")),
            versions,
            Text(""),
        ]
        if not self.card_comments:
            parts.append(Text.assemble((_("No comments yet."), "dim")))
            return Group(*parts)
        n_comments = len(self.card_comments)
        parts.append(Text.assemble(
            (nfmt("{n} comment", "{n} comments", n_comments), "bold underline")))
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(no_wrap=True)
        table.add_column(ratio=1)
        for c in self.card_comments:
            line = Text.assemble(
                (c.from_group or "another group", "bold"),
                ("  " + local_time(c.created_at), "dim"),
            )
            if c.resolved:
                line.append(_("  taken into account"), style="green")
            table.add_row("•", line)
            table.add_row("", display_text(c.text))
        parts.append(table)
        return Group(*parts)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog history-dialog"):
            yield Static(fmt("History of {label}",
                             label=self.label), classes="dialog-title", markup=False)
            with VerticalScroll(id="history-body"):
                yield Static(self.render_history(), id="history")
            yield Static(_("↑↓ scroll · esc closes"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#history-body").focus()
