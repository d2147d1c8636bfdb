"""One card on a board, drawn like a sticky note."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from coworkshop.core.models import Card


class CardView(Static):
    """A card: its label and link on the border, its text inside.

    The board owns the cursor; the current card carries the ``-current`` class.
    """

    DEFAULT_CSS = """
    CardView {
        height: auto;
        width: 1fr;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        border-subtitle-color: $text-muted;
        padding: 0 1;
        margin: 0 0 1 0;
    }
    CardView.-unlinked {
        border: round $warning 70%;
        border-subtitle-color: $warning;
    }
    CardView.-current {
        border: heavy $accent;
        border-title-color: $text;
        border-title-style: bold;
        background: $accent 15%;
    }
    CardView.-compact {
        border: none;
        margin: 0;
        padding: 0 1;
    }
    CardView.-compact.-current {
        border: none;
        background: $accent 40%;
        text-style: bold;
    }
    """

    def __init__(
        self,
        card: Card,
        label: str,
        link_label: str = "",
        unlinked: bool = False,
        broken: bool = False,
        comments: int = 0,
        open_comments: int = 0,
        compact: bool = False,
    ) -> None:
        super().__init__(classes="-compact" if compact else "")
        self.card_id = card.id
        self.label = label
        body = Text(card.text)
        if card.stakeholders:
            body.append("\nwith: ", style="dim")
            body.append(card.stakeholders, style="italic")
        tags = []
        if link_label:
            tags.append(f"→ {link_label}")
        if unlinked:
            tags.append("⚠ link deleted" if broken else "⚠ unlinked")
            self.add_class("-unlinked")
        if comments:
            word = "comment" if comments == 1 else "comments"
            tag = f"{comments} {word}"
            if open_comments:  # feedback not yet taken into account
                tag += f", {open_comments} open" if open_comments < comments else ", open"
            tags.append(tag)
        if compact:
            head = Text.assemble((f"{label} ", "bold"))
            if tags:
                body.append(f"  [{' · '.join(tags)}]", style="dim")
            self.update(head + body)
        else:
            self.border_title = label
            self.border_subtitle = " · ".join(tags)
            self.update(body)
