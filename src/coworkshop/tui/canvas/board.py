"""What every canvas board does with its cards, whatever its shape.

A board presents the cards and the cursor, and asks: each key posts a
request (:class:`Board.Requested`) that the session screen answers (see
:mod:`.actions`): it opens the form or the picker, saves through the core and
reloads the board. A board never opens a screen itself and never decides a
rule.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget

from coworkshop.core import canvas
from coworkshop.core.models import Activity, Card, Comment, Session
from coworkshop.core.store import Store
from coworkshop.i18n import _
from coworkshop.tui.canvas.card_edit import CardFormSpec

if TYPE_CHECKING:
    from coworkshop.core.canvas import Pathways


_BOARD_HOOKS = ("current_column", "current_card", "move_cursor_to",
                "render_cards", "action_cursor")


class Board(Widget, can_focus=True):
    """Base of the Theory-of-Change board and the CREDEX grid board."""

    HOW_TO = (
        "Arrows move the highlighted card. a adds a card where the cursor is, e (or enter) "
        "edits it, x deletes it (u brings deleted cards back), [ and ] move it up or down. "
        "In the feedback round: c records another group's comment on the card, r revises the "
        "card after feedback, h shows every version of the card and its comments."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_card", "Add", id="canvas.add",
                tooltip="Add a card in the current column (or cell)."),
        Binding("e,enter", "edit_card", "Edit", id="canvas.edit",
                tooltip="Edit the highlighted card; the old text stays in its history."),
        Binding("x,delete", "delete_card", "Delete", id="canvas.delete",
                tooltip="Delete the highlighted card (u brings it back)."),
        Binding("u", "restore_card", "Restore", id="canvas.restore",
                tooltip="Bring back a deleted card.", show=False),
        Binding("c", "comment", "Comment", id="canvas.comment",
                tooltip="Record another group's feedback on the highlighted card."),
        Binding("r", "revise", "Revise", id="canvas.revise",
                tooltip="The owning group revises the card after feedback."),
        Binding("h", "history", "History", id="canvas.history",
                tooltip="Every version of the card, and the comments it received.", show=False),
        Binding("left_square_bracket,shift+up", "move_card(-1)", "Move up",
                id="canvas.move-up", tooltip="Move the card up in its column.", show=False),
        Binding("right_square_bracket,shift+down", "move_card(1)", "Move down",
                id="canvas.move-down", tooltip="Move the card down in its column.", show=False),
        Binding("i", "toggle_banner", "Read all", id="canvas.banner", show=False,
                tooltip="The cross-point (or the grid cell's prompt) in full, or one line "
                        "each."),
        Binding("up", "cursor(0, -1)", "Up", id="canvas.up", show=False,
                tooltip="Previous card."),
        Binding("down", "cursor(0, 1)", "Down", id="canvas.down", show=False,
                tooltip="Next card."),
        Binding("left", "cursor(-1, 0)", "Left", id="canvas.left", show=False,
                tooltip="Column (or cell) to the left."),
        Binding("right", "cursor(1, 0)", "Right", id="canvas.right", show=False,
                tooltip="Column (or cell) to the right."),
    ]

    # ------------------------------------------------------------ messages
    # The board asks; the screen decides, opens the form and saves.

    class Requested(Message):
        """The facilitator asked for something on the board (base class)."""

        def __init__(self, board: Board, card: Card | None, column: str) -> None:
            super().__init__()
            self.board = board
            self.card = card
            self.column = column

    class AddRequested(Requested):
        """Add a card in ``column``."""

    class EditRequested(Requested):
        """Edit ``card`` (its text, its stakeholders, its link)."""

    class DeleteRequested(Requested):
        """Delete ``card`` (softly: u brings it back)."""

    class RestoreRequested(Requested):
        """Pick a deleted card and bring it back."""

    class MoveRequested(Requested):
        """Move ``card`` up (-1) or down (+1) in its column."""

        def __init__(self, board: Board, card: Card | None, column: str, delta: int) -> None:
            super().__init__(board, card, column)
            self.delta = delta

    class CommentRequested(Requested):
        """Record another group's comment on ``card``."""

    class ReviseRequested(Requested):
        """The owning group revises ``card`` after feedback."""

    class HistoryRequested(Requested):
        """Show every version of ``card`` and its comments."""

    class LinkRequested(Requested):
        """Choose the card ``card`` links to."""

    class PathwayRequested(Requested):
        """Show the pathway change -> how -> what."""

    # ------------------------------------------------------------ state

    def __init__(self, store: Store, session: Session, activity: Activity, **kwargs: str) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.store = store
        self.session = session
        self.activity = activity
        self.cards: list[Card] = []
        self.comments: dict[str, list[Comment]] = {}
        self.labels: dict[str, str] = {}
        self.load()

    def load(self) -> None:
        """Read the canvas from the file (a few small queries)."""
        with self.store.db() as db:
            self.cards = canvas.cards(db, self.activity.id)
            self.comments = canvas.comments(db, self.activity.id)
            # stable labels, from the core: see canvas.labels
            self.labels = canvas.labels(db, self.activity.id)

    async def reload(self, focus_card: str | None = None) -> None:
        self.load()
        if focus_card is not None:
            self.move_cursor_to(focus_card)
        await self.render_cards()

    def by_id(self, card_id: str | None) -> Card | None:
        return next((c for c in self.cards if c.id == card_id), None)

    def column_cards(self, column: str) -> list[Card]:
        return [c for c in self.cards if c.column == column]

    # ------------------------------------------------------------ for subclasses
    # Each board shape (the ToC columns, the CREDEX grid) lays out its cards
    # itself. These are abstract: ``__init_subclass__`` refuses a board class
    # that leaves one out, when the class is defined rather than at a key press.

    @abstractmethod
    def current_column(self) -> str:
        """The column (or grid cell) under the cursor."""

    @abstractmethod
    def current_card(self) -> Card | None:
        """The card under the cursor, if any."""

    @abstractmethod
    def move_cursor_to(self, card_id: str) -> None:
        """Put the cursor on a card."""

    @abstractmethod
    async def render_cards(self) -> None:
        """Draw the cards."""

    @abstractmethod
    def action_cursor(self, dx: int, dy: int) -> None:
        """Move the cursor by columns (dx) and cards (dy)."""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)  # type: ignore[arg-type]
        missing = [
            name for name in _BOARD_HOOKS
            if getattr(getattr(cls, name), "__isabstractmethod__", False)
        ]
        if missing:
            raise TypeError(f"{cls.__name__} must define {', '.join(missing)}")

    def column_title(self, column: str) -> str:
        return canvas.COLUMN_TITLES.get(column, column)

    def form_extras(self, spec: CardFormSpec, column: str, card: Card | None) -> None:
        """Add the fields of this board's shape to the card form."""

    # ------------------------------------------------------------ the banner
    # On a short terminal the banner's lines are cut to one each; i shows
    # them whole (wrapped), and the board's border says so.

    def show_banner_hint(self) -> None:
        full = self.query_one("#banner").has_class("-full")
        self.border_subtitle = _("i: one line each") if full else _("i: read it all")

    def action_toggle_banner(self) -> None:
        self.query_one("#banner").toggle_class("-full")
        self.show_banner_hint()

    # ------------------------------------------------------------ what the screen asks

    def label(self, card: Card | None) -> str:
        return self.labels.get(card.id, "?") if card is not None else ""

    def group_for(self, card: Card | None) -> str:
        """The breakout group a card belongs to (else the canvas's)."""
        return (card.group_name if card else "") or self.activity.group_name

    def link_choices(self, card: Card) -> list[tuple[str, Text | str]] | None:
        """The cards ``card`` may link to, for a picker (None: it links to none)."""
        return None

    def pathways(self) -> Pathways | None:
        """The pathway of this canvas (None: this shape has none)."""
        return None

    # ------------------------------------------------------------ actions

    def _need_card(self) -> Card | None:
        card = self.current_card()
        if card is None:
            self.notify(_("No card here. Press a to add one."), severity="warning")
        return card

    def _ask(self, kind: type[Requested], need_card: bool = True) -> None:
        card = self._need_card() if need_card else self.current_card()
        if need_card and card is None:
            return
        self.post_message(kind(self, card, self.current_column()))

    def action_add_card(self) -> None:
        self._ask(self.AddRequested, need_card=False)

    def action_edit_card(self) -> None:
        self._ask(self.EditRequested)

    def action_delete_card(self) -> None:
        self._ask(self.DeleteRequested)

    def action_restore_card(self) -> None:
        self._ask(self.RestoreRequested, need_card=False)

    def action_move_card(self, delta: int) -> None:
        card = self._need_card()
        if card is not None:
            self.post_message(self.MoveRequested(self, card, card.column, delta))

    def action_comment(self) -> None:
        self._ask(self.CommentRequested)

    def action_revise(self) -> None:
        self._ask(self.ReviseRequested)

    def action_history(self) -> None:
        self._ask(self.HistoryRequested)
