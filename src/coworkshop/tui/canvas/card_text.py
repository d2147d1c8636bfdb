"""A text area for card text where enter saves, as on a sticky note."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import TextArea


class CardText(TextArea):
    """Multi-line view of one paragraph: text wraps, enter submits the form.

    Cards are single paragraphs, and in a room the facilitator types a card and
    presses enter; a newline would only be a surprise.
    """

    DEFAULT_CSS = """
    CardText {
        height: 6;
        min-height: 3;
    }
    """

    class Submitted(Message):
        """Enter was pressed in the card text."""

        def __init__(self, card_text: CardText) -> None:
            super().__init__()
            self.card_text = card_text

        @property
        def control(self) -> CardText:
            return self.card_text

    def __init__(self, text: str = "", *, id: str | None = None,  # noqa: A002 - Textual's name
                 placeholder: str = "") -> None:
        super().__init__(text, soft_wrap=True, id=id, placeholder=placeholder,
                         show_line_numbers=False, highlight_cursor_line=False)

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            if self.read_only:  # already submitted: the form is saving it
                return
            # Keys typed right after enter (a fast typist's next word) must not
            # slip into the text being saved: hold it until the form answers
            # (the form calls :meth:`reopen` when the text is refused).
            self.read_only = True
            self.post_message(self.Submitted(self))

    def reopen(self) -> None:
        """Let the text be edited again (after the form refused it)."""
        self.read_only = False
        self.focus()
