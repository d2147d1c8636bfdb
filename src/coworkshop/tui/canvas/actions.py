"""What the session screen does when a canvas board asks: open the card form,
the picker, the history or the pathway; save through the core in one unit of
work on the app's writer (in a thread; see ..writes); then reload the board
and announce what was saved (:class:`CanvasChanged`), only once it is
committed.

A mixin for the screen: the boards only present and post requests
(:class:`Board.Requested`). Nothing here imports the database layer at import
time (the session screen module is imported before SQLModel is loaded).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from rich.text import Text

from coworkshop.i18n import _, fmt
from coworkshop.tui.canvas.messages import CanvasChanged

if TYPE_CHECKING:
    from sqlmodel import Session as DBSession
    from textual.screen import Screen

    from coworkshop.core.models import Card, Comment
    from coworkshop.tui.app import CoworkshopApp
    from coworkshop.tui.canvas.board import Board
    from coworkshop.tui.canvas.card_edit import CardForm

T = TypeVar("T")


class CanvasActions:
    """Handlers of :class:`Board` requests, for the session screen."""

    def _canvas_screen(self) -> Screen[Any]:
        return cast("Screen[Any]", self)

    def _canvas_app(self) -> CoworkshopApp:
        return cast("CoworkshopApp", self._canvas_screen().app)

    async def _canvas_saved(self, board: Board, what: str, card_id: str,
                            focus: bool = True) -> None:
        await board.reload(focus_card=card_id if focus else None)
        self._canvas_screen().post_message(CanvasChanged(what, card_id))

    def _canvas_write(self, board: Board, change: Callable[[DBSession], T],
                      on_done: Callable[[T], Any]) -> None:
        """Save ``change`` in a worker, then ``on_done``; a refusal is a notification."""
        self._canvas_app().write(board.store, change, on_done)

    def _breakout_groups(self, board: Board) -> list[str]:
        from coworkshop.core import sessions

        with board.store.db() as db:
            return sessions.breakout_groups(db, board.session.id)

    # ------------------------------------------------------------ forms

    def on_board_add_requested(self, message: Board.AddRequested) -> None:
        from coworkshop.core import canvas
        from coworkshop.tui.canvas.card_edit import CardFormScreen, CardFormSpec

        board, column = message.board, message.column
        with board.store.db() as db:
            # a form that cannot be saved says so when it opens, not after typing
            blocked = canvas.add_refusal(db, board.activity.id, column)
        spec = CardFormSpec(
            title=fmt("Add a {column_title} card", column_title=board.column_title(column)),
            text_label=_("Card text"),
            placeholder=_("one idea per card"),
            ok=_("Add"),
            blocked=blocked[:1].upper() + blocked[1:] + "." if blocked else "",
        )
        board.form_extras(spec, column, None)

        async def submit(form: CardForm) -> Card:
            return await self._canvas_app().commit(
                board.store,
                lambda db: canvas.add_card(db, board.activity.id, column, form.text,
                                           link_id=form.link_id,
                                           stakeholders=form.stakeholders or ""),
            )

        async def done(added: Card | None) -> None:
            if added is not None:
                await self._canvas_saved(board, "added", added.id)

        self._canvas_screen().app.push_screen(CardFormScreen(spec, submit), done)

    def on_board_edit_requested(self, message: Board.EditRequested) -> None:
        from coworkshop.core import canvas
        from coworkshop.tui.canvas.card_edit import CardFormScreen, CardFormSpec

        board, card = message.board, message.card
        if card is None:
            return
        spec = CardFormSpec(
            title=fmt("Edit {label} ({column_title})",
                      label=board.label(card), column_title=board.column_title(card.column)),
            text=card.text,
            text_label=_("Card text"),
        )
        board.form_extras(spec, card.column, card)

        def change(db: DBSession, form: CardForm) -> None:
            # the text and the link: one transaction
            canvas.edit_card(db, card.id, form.text, stakeholders=form.stakeholders)
            if spec.links is not None and form.link_id != card.link_id:
                canvas.link_card(db, card.id, form.link_id)

        async def submit(form: CardForm) -> CardForm:
            await self._canvas_app().commit(board.store, lambda db: change(db, form))
            return form

        async def done(result: CardForm | None) -> None:
            if result is not None:
                await self._canvas_saved(board, "edited", card.id)

        self._canvas_screen().app.push_screen(CardFormScreen(spec, submit), done)

    def on_board_comment_requested(self, message: Board.CommentRequested) -> None:
        from coworkshop.core import canvas
        from coworkshop.tui.canvas.card_edit import CardFormScreen, CardFormSpec
        from coworkshop.tui.canvas.card_view import display_text

        board, card = message.board, message.card
        if card is None:
            return
        groups = self._breakout_groups(board)
        others = [g for g in groups if g != board.group_for(card)]
        spec = CardFormSpec(
            title=fmt("Comment on {label}: feedback from another group", label=board.label(card)),
            prompt=display_text(card.text),
            text_label=_("Comment"),
            placeholder=_("what the other group said"),
            group_label=_("From group"),
            group=others[0] if others else "",
            groups=groups,
            ok=_("Add comment"),
        )

        async def submit(form: CardForm) -> Comment:
            return await self._canvas_app().commit(
                board.store,
                lambda db: canvas.add_comment(db, card.id, form.text, form.group or ""),
            )

        async def done(added: Comment | None) -> None:
            if added is not None:
                await self._canvas_saved(board, "commented", card.id)

        self._canvas_screen().app.push_screen(CardFormScreen(spec, submit), done)

    def on_board_revise_requested(self, message: Board.ReviseRequested) -> None:
        from coworkshop.core import canvas
        from coworkshop.tui.canvas.card_edit import CardFormScreen, CardFormSpec
        from coworkshop.tui.canvas.card_view import display_text

        board, card = message.board, message.card
        if card is None:
            return
        received = board.comments.get(card.id, [])
        open_ones = [c for c in received if not c.resolved]
        feedback = [
            Text.assemble(
                (f"{c.from_group or 'another group'}: ", "bold"),
                display_text(c.text),
                (" (taken into account)" if c.resolved else "", "dim"),
            )
            for c in received
        ]
        spec = CardFormSpec(
            title=fmt("Revise {label} after feedback", label=board.label(card)),
            text=card.text,
            text_label=_("Revised text"),
            feedback=feedback,
            group_label=_("Revised by group"),
            group=board.group_for(card),
            groups=self._breakout_groups(board),
            resolve_label="Mark the feedback as taken into account" if open_ones else "",
            ok=_("Save revision"),
        )

        def change(db: DBSession, form: CardForm) -> None:
            # the revision and the feedback it took into account: one transaction
            canvas.revise_card(db, card.id, form.text, group=form.group or "")
            if form.resolve:
                for comment in open_ones:
                    canvas.set_comment_resolved(db, comment.id, True)

        async def submit(form: CardForm) -> CardForm:
            await self._canvas_app().commit(board.store, lambda db: change(db, form))
            return form

        async def done(result: CardForm | None) -> None:
            if result is not None:
                await self._canvas_saved(board, "revised", card.id)

        self._canvas_screen().app.push_screen(CardFormScreen(spec, submit), done)

    # ------------------------------------------------------------ keys that save at once

    def on_board_delete_requested(self, message: Board.DeleteRequested) -> None:
        from coworkshop.core import canvas

        board, card = message.board, message.card
        if card is None:
            return
        label = board.label(card)

        async def deleted(_result: Card) -> None:
            await self._canvas_saved(board, "deleted", card.id, focus=False)
            self._canvas_screen().notify(fmt("Card {label} deleted — press u to restore it.",
                                             label=label))

        self._canvas_write(board, lambda db: canvas.delete_card(db, card.id), deleted)

    def on_board_move_requested(self, message: Board.MoveRequested) -> None:
        from coworkshop.core import canvas

        board, card, delta = message.board, message.card, message.delta
        if card is None:
            return

        async def moved(_result: Card) -> None:
            await self._canvas_saved(board, "moved", card.id)

        self._canvas_write(board, lambda db: canvas.move_card(db, card.id, delta), moved)

    # ------------------------------------------------------------ pickers and views

    def on_board_restore_requested(self, message: Board.RestoreRequested) -> None:
        from coworkshop.core import canvas
        from coworkshop.tui.canvas.card_view import short_words
        from coworkshop.tui.common.pick import PickScreen
        from coworkshop.tui.fmt import local_time

        board = message.board
        with board.store.db() as db:
            deleted = canvas.cards(db, board.activity.id, deleted=True)
            labels = canvas.labels(db, board.activity.id)
        screen = self._canvas_screen()
        if not deleted:
            screen.notify(_("No deleted cards on this canvas."))
            return
        options: list[tuple[str, Text | str]] = [
            (
                c.id,
                Text.assemble(
                    (labels.get(c.id, "?"), "bold"),
                    (f" {board.column_title(c.column)}", "bold"),
                    ("  deleted " + local_time(c.deleted_at), "dim"),
                    "\n",
                    short_words(c.text, 120),
                ),
            )
            for c in deleted
        ]

        async def restored(card: Card) -> None:
            await self._canvas_saved(board, "restored", card.id)
            screen.notify(fmt("Card {label} restored.", label=board.label(card)))

        def chosen(card_id: str | None) -> None:
            if card_id is not None:
                self._canvas_write(board, lambda db: canvas.restore_card(db, card_id), restored)

        screen.app.push_screen(PickScreen(_("Restore a deleted card"), options), chosen)

    def on_board_link_requested(self, message: Board.LinkRequested) -> None:
        from coworkshop.core import canvas
        from coworkshop.tui.canvas.canvas_board import NO_LINK
        from coworkshop.tui.canvas.card_view import display_text
        from coworkshop.tui.common.pick import PickScreen

        board, card = message.board, message.card
        if card is None:
            return
        options = board.link_choices(card)
        if options is None:
            return
        parent = canvas.PARENT[card.column]

        async def linked(_result: Card) -> None:
            await self._canvas_saved(board, "linked", card.id)

        def chosen(target: str | None) -> None:
            if target is None:
                return
            link = None if target == NO_LINK else target
            self._canvas_write(board, lambda db: canvas.link_card(db, card.id, link), linked)

        self._canvas_screen().app.push_screen(
            PickScreen(
                fmt("Link {label} to the {value} it serves",
                    label=board.label(card), value=canvas.COLUMN_TITLES[parent]),
                options,
                note=display_text(card.text),
                highlight=card.link_id,
            ),
            chosen,
        )

    def on_board_history_requested(self, message: Board.HistoryRequested) -> None:
        from coworkshop.core import canvas
        from coworkshop.tui.canvas.history import HistoryScreen

        board, card = message.board, message.card
        if card is None:
            return
        with board.store.db() as db:
            revisions = canvas.history(db, card.id)
        self._canvas_screen().app.push_screen(
            HistoryScreen(f"{board.label(card)} {board.column_title(card.column)}", card,
                          revisions, board.comments.get(card.id, []))
        )

    def on_board_pathway_requested(self, message: Board.PathwayRequested) -> None:
        from coworkshop.tui.canvas.pathway import PathwayScreen

        board = message.board
        found = board.pathways()
        if found is not None:
            self._canvas_screen().app.push_screen(
                PathwayScreen(board.activity.title, found, board.labels))
