"""What happened on a canvas (already saved). Light: the session screen
imports it before the database layer is loaded."""

from __future__ import annotations

from textual.message import Message


class CanvasChanged(Message):
    """A card or a comment of a canvas was saved.

    ``what`` says what happened ("added", "edited", "revised", "deleted",
    "restored", "moved", "linked", "commented"); ``card_id`` names the card.
    """

    def __init__(self, what: str, card_id: str = "") -> None:
        super().__init__()
        self.what = what
        self.card_id = card_id
