"""What the session screen does for polls: it opens the forms a poll view asks
for and hands their result back, runs the poll keys pressed on the agenda,
and follows the agenda when a poll opens or an activity finishes.

A mixin for the screen (``store``, ``session``, ``reload_activities``); the
views only present and post requests (:mod:`.messages`). Nothing here imports
the database layer at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from coworkshop.i18n import _, fmt
from coworkshop.tui.polls.messages import (
    HiddenItemsRequested,
    NewPollRequested,
    QuestionRequested,
    TallyRequested,
)

if TYPE_CHECKING:
    from textual.screen import Screen

    from coworkshop.core import polls as voting
    from coworkshop.core.models import Session
    from coworkshop.core.sessions import StatusChange
    from coworkshop.core.store import Store
    from coworkshop.tui.polls.live import LiveVoting, PollOpened
    from coworkshop.tui.polls.poll_view import PollView
    from coworkshop.tui.session.agenda_list import AgendaList


def closed_note(change: StatusChange) -> str:
    """What moving an activity also did, in words ("" when nothing else moved):
    " · finished Welcome; closed the open question “Where do you stand?” (results shown)"."""
    parts = []
    if change.finished:
        parts.append("finished " + ", ".join(a.title for a in change.finished))
    closed = change.closed
    if len(closed) == 1:
        parts.append(fmt("closed the open question “{text}” (results shown)",
                         text=closed[0].question.text))
    elif closed:
        texts = ", ".join(f"“{p.question.text}”" for p in closed)
        parts.append(fmt("closed {n} open questions: {texts} (results shown)",
                         n=len(closed), texts=texts))
    return " · " + "; ".join(parts) if parts else ""


class PollHost:
    """Handlers of :class:`PollView` requests, for a screen with ``store`` and
    ``session``."""

    store: Store | None
    session: Session | None
    live: LiveVoting | None

    if TYPE_CHECKING:
        def reload_activities(self) -> None: ...
        def action_new_poll(self) -> None: ...

    def _me(self) -> Screen[Any]:
        return cast("Screen[Any]", self)

    def _poll_view(self) -> PollView | None:
        from coworkshop.tui.polls.poll_view import PollView

        found = self._me().query(PollView)
        return found.first() if found else None

    # ------------------------------------------------------------ forms

    def on_tally_requested(self, message: TallyRequested) -> None:
        from coworkshop.tui.polls.tally import TallyScreen

        if self.store is None or self.session is None:
            return
        view, poll = message.view, message.poll

        def done(saved: bool | None) -> None:
            if saved:
                view.changed(poll.id)

        self._me().app.push_screen(TallyScreen(self.store, self.session, poll), done)

    def on_question_requested(self, message: QuestionRequested) -> None:
        from coworkshop.tui.polls.new_poll import NewQuestionScreen

        if self.store is None or self.session is None:
            return
        view = message.view

        def done(poll: voting.PollInfo | None) -> None:
            if poll is not None:
                view.changed(poll.id)

        self._me().app.push_screen(
            NewQuestionScreen(self.store, self.session, message.activity), done
        )

    def on_new_poll_requested(self, _message: NewPollRequested) -> None:
        self.action_new_poll()

    def on_hidden_items_requested(self, message: HiddenItemsRequested) -> None:
        from coworkshop.tui.common.pick import PickScreen

        view, hidden = message.view, message.items

        def chosen(item_id: str | None) -> None:
            item = next((i for i in hidden if i.id == item_id), None)
            if item is not None:
                view.unhide(item)

        self._me().app.push_screen(
            PickScreen(_("Bring back a hidden item"), [(i.id, i.text) for i in hidden]), chosen
        )

    # ------------------------------------------------------------ the agenda

    def on_agenda_list_poll_key_pressed(self, message: AgendaList.PollKeyPressed) -> None:
        """``o``, ``c``, ``r``, ``b``, ``e`` on the agenda act on the poll shown
        beside it, as in the poll view."""
        view = self._poll_view()
        if view is None or view.activity.id != message.activity.id:
            return  # still being shown: the key is ignored, as in a loading view
        view.run_key_action(message.action)

    def on_poll_opened(self, _message: PollOpened) -> None:
        # opening a question runs its activity (core.polls.open_poll)
        if self.session is not None:
            self.reload_activities()

    def questions_closed(self, change: StatusChange) -> None:
        """An activity finished and closed its open questions: phones and the
        shown poll view learn it."""
        if not change.closed:
            return
        if self.live is not None:
            self.live.changed()
        view = self._poll_view()
        if view is not None:
            view.reload()
