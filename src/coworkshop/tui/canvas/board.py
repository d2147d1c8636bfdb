"""What every canvas board does with its cards, whatever its shape.

The board hands every change to the app's writer (one unit of work, committed
in a thread; see :mod:`..writes`) and reloads its cards once it is saved; it
never decides a rule itself. A refusal from the core is shown as it is, in the
form and as a notification.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget

from coworkshop.core import canvas, sessions
from coworkshop.core.models import Activity, Card, Comment, Session
from coworkshop.core.store import Store
from coworkshop.tui.canvas.card_edit import CardForm, CardFormScreen, CardFormSpec
from coworkshop.tui.canvas.history import HistoryScreen
from coworkshop.tui.common.pick import PickScreen
from coworkshop.tui.fmt import local_time, short

if TYPE_CHECKING:
    from sqlmodel import Session as DBSession

    from coworkshop.tui.app import CoworkshopApp

T = TypeVar("T")


_BOARD_HOOKS = ("make_labels", "current_column", "current_card", "move_cursor_to",
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

    class CardAdded(Message):
        def __init__(self, card: Card) -> None:
            super().__init__()
            self.card = card

    class CardEdited(Message):
        def __init__(self, card: Card) -> None:
            super().__init__()
            self.card = card

    class CardRevised(Message):
        def __init__(self, card: Card) -> None:
            super().__init__()
            self.card = card

    class CardDeleted(Message):
        def __init__(self, card: Card) -> None:
            super().__init__()
            self.card = card

    class CardRestored(Message):
        def __init__(self, card: Card) -> None:
            super().__init__()
            self.card = card

    class CardMoved(Message):
        def __init__(self, card: Card) -> None:
            super().__init__()
            self.card = card

    class CardLinked(Message):
        def __init__(self, card: Card) -> None:
            super().__init__()
            self.card = card

    class CommentAdded(Message):
        def __init__(self, comment: Comment) -> None:
            super().__init__()
            self.comment = comment

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
        self.labels = self.make_labels()

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
    def make_labels(self) -> dict[str, str]:
        """Stable labels (C1, H2, W3 ...) for the cards, by card id."""

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

    # ------------------------------------------------------------ helpers

    def _need_card(self) -> Card | None:
        card = self.current_card()
        if card is None:
            self.notify("No card here. Press a to add one.", severity="warning")
        return card

    async def commit(self, change: Callable[[DBSession], T]) -> T:
        """Save ``change`` and return its result (a form awaits this)."""
        return await cast("CoworkshopApp", self.app).commit(self.store, change)

    def write(
        self, change: Callable[[DBSession], T], on_done: Callable[[T], Awaitable[None]]
    ) -> None:
        """Save ``change`` in a worker, then ``on_done``; a refusal is a notification."""
        cast("CoworkshopApp", self.app).write(self.store, change, on_done)

    def breakout_groups(self) -> list[str]:
        with self.store.db() as db:
            return sessions.breakout_groups(db, self.session.id)

    def _group_for(self, card: Card | None) -> str:
        return (card.group_name if card else "") or self.activity.group_name

    def card_line(self, card: Card) -> Text:
        line = Text.assemble(
            (f"{self.labels.get(card.id, '?')}", "bold"),
            (f" {self.column_title(card.column)}", "dim"),
            "  ",
            short(card.text, 70),
        )
        return line

    # ------------------------------------------------------------ actions

    def action_add_card(self) -> None:
        column = self.current_column()
        with self.store.db() as db:
            blocked = canvas.add_refusal(db, self.activity.id, column)
        spec = CardFormSpec(
            title=f"Add a {self.column_title(column)} card",
            text_label="Card text",
            placeholder="one idea per card",
            ok="Add",
            blocked=blocked[:1].upper() + blocked[1:] + "." if blocked else "",
        )
        self.form_extras(spec, column, None)

        async def submit(form: CardForm) -> Card:
            return await self.commit(
                lambda db: canvas.add_card(
                    db,
                    self.activity.id,
                    column,
                    form.text,
                    link_id=form.link_id,
                    stakeholders=form.stakeholders or "",
                )
            )

        async def done(added: Card | None) -> None:
            if added is not None:
                await self.reload(focus_card=added.id)
                self.post_message(self.CardAdded(added))

        self.app.push_screen(CardFormScreen(spec, submit), done)

    def action_edit_card(self) -> None:
        card = self._need_card()
        if card is None:
            return
        spec = CardFormSpec(
            title=f"Edit {self.labels.get(card.id, '')} ({self.column_title(card.column)})",
            text=card.text,
            text_label="Card text",
        )
        self.form_extras(spec, card.column, card)

        def change(db: DBSession, form: CardForm) -> None:
            # the text and the link: one transaction
            canvas.edit_card(db, card.id, form.text, stakeholders=form.stakeholders)
            if spec.links is not None and form.link_id != card.link_id:
                canvas.link_card(db, card.id, form.link_id)

        async def submit(form: CardForm) -> CardForm:
            await self.commit(lambda db: change(db, form))
            return form

        async def done(result: CardForm | None) -> None:
            if result is not None:
                await self.reload(focus_card=card.id)
                self.post_message(self.CardEdited(card))

        self.app.push_screen(CardFormScreen(spec, submit), done)

    async def action_delete_card(self) -> None:
        card = self._need_card()
        if card is None:
            return
        label = self.labels.get(card.id, "")

        async def deleted(_: Card) -> None:
            await self.reload()
            self.notify(f"Card {label} deleted — press u to restore it.")
            self.post_message(self.CardDeleted(card))

        self.write(lambda db: canvas.delete_card(db, card.id), deleted)

    def action_restore_card(self) -> None:
        with self.store.db() as db:
            deleted = canvas.cards(db, self.activity.id, deleted=True)
        if not deleted:
            self.notify("No deleted cards on this canvas.")
            return
        options: list[tuple[str, Text | str]] = [
            (
                c.id,
                Text.assemble(
                    (self.column_title(c.column), "bold"),
                    ("  deleted " + local_time(c.deleted_at), "dim"),
                    "\n",
                    short(c.text, 120),
                ),
            )
            for c in deleted
        ]

        async def chosen(card_id: str | None) -> None:
            if card_id is None:
                return

            async def restored(card: Card) -> None:
                await self.reload(focus_card=card.id)
                self.notify(f"Card {self.labels.get(card.id, '')} restored.")
                self.post_message(self.CardRestored(card))

            self.write(lambda db: canvas.restore_card(db, card_id), restored)

        self.app.push_screen(PickScreen("Restore a deleted card", options), chosen)

    async def action_move_card(self, delta: int) -> None:
        card = self._need_card()
        if card is None:
            return

        async def moved(_: Card) -> None:
            await self.reload(focus_card=card.id)
            self.post_message(self.CardMoved(card))

        self.write(lambda db: canvas.move_card(db, card.id, delta), moved)

    def action_comment(self) -> None:
        card = self._need_card()
        if card is None:
            return
        groups = self.breakout_groups()
        owner = self._group_for(card)
        others = [g for g in groups if g != owner]
        spec = CardFormSpec(
            title=f"Comment on {self.labels.get(card.id, '')}: feedback from another group",
            prompt=card.text,
            text_label="Comment",
            placeholder="what the other group said",
            group_label="From group",
            group=others[0] if others else "",
            groups=groups,
            ok="Add comment",
        )

        async def submit(form: CardForm) -> Comment:
            return await self.commit(
                lambda db: canvas.add_comment(db, card.id, form.text, form.group or "")
            )

        async def done(added: Comment | None) -> None:
            if added is not None:
                await self.reload(focus_card=card.id)
                self.post_message(self.CommentAdded(added))

        self.app.push_screen(CardFormScreen(spec, submit), done)

    def action_revise(self) -> None:
        card = self._need_card()
        if card is None:
            return
        received = self.comments.get(card.id, [])
        open_ones = [c for c in received if not c.resolved]
        feedback = [
            Text.assemble(
                (f"{c.from_group or 'another group'}: ", "bold"),
                c.text,
                (" (taken into account)" if c.resolved else "", "dim"),
            )
            for c in received
        ]
        spec = CardFormSpec(
            title=f"Revise {self.labels.get(card.id, '')} after feedback",
            text=card.text,
            text_label="Revised text",
            feedback=feedback,
            group_label="Revised by group",
            group=self._group_for(card),
            groups=self.breakout_groups(),
            resolve_label="Mark the feedback as taken into account" if open_ones else "",
            ok="Save revision",
        )

        def change(db: DBSession, form: CardForm) -> None:
            # the revision and the feedback it took into account: one transaction
            canvas.revise_card(db, card.id, form.text, group=form.group or "")
            if form.resolve:
                for comment in open_ones:
                    canvas.set_comment_resolved(db, comment.id, True)

        async def submit(form: CardForm) -> CardForm:
            await self.commit(lambda db: change(db, form))
            return form

        async def done(result: CardForm | None) -> None:
            if result is not None:
                await self.reload(focus_card=card.id)
                self.post_message(self.CardRevised(card))

        self.app.push_screen(CardFormScreen(spec, submit), done)

    def action_history(self) -> None:
        card = self._need_card()
        if card is None:
            return
        with self.store.db() as db:
            revisions = canvas.history(db, card.id)
        self.app.push_screen(
            HistoryScreen(
                f"{self.labels.get(card.id, '')} {self.column_title(card.column)}",
                card,
                revisions,
                self.comments.get(card.id, []),
            )
        )
