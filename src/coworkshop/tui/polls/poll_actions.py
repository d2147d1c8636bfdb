"""What the facilitator does to a poll activity: open and close questions,
show results, enter counts, add questions, and moderate Q&A items.

A mixin for :class:`~.poll_view.PollView`, which provides the state
(``store``, ``session``, ``activity``, ``live``, ``snapshot``) and the
redrawing. Every write runs through ``self.live`` in a worker, off the event
loop; a refusal is one notification. Forms (counts, a new question, a hidden
item to bring back) are asked of the screen with a message (:mod:`.messages`);
the screen opens them and hands their result back (:meth:`changed`,
:meth:`unhide`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual.widgets import OptionList

from coworkshop.core import polls as voting
from coworkshop.core.errors import UserError
from coworkshop.i18n import _, error_text, fmt
from coworkshop.tui.polls.live import (
    LiveVoting,
    PollClosed,
    PollOpened,
    QAItemUpdated,
    ResultsHidden,
    ResultsShown,
)
from coworkshop.tui.polls.messages import (
    HiddenItemsRequested,
    NewPollRequested,
    QuestionRequested,
    TallyRequested,
)
from coworkshop.tui.polls.poll_text import TYPE_NAMES

if TYPE_CHECKING:
    from textual.widget import Widget

    from coworkshop.core.models import Activity, Session
    from coworkshop.core.store import Store
    from coworkshop.tui.polls.poll_view import Snapshot

    _Base = Widget
else:
    _Base = object


class PollActions(_Base):
    """The poll view's actions on questions and Q&A items."""

    store: Store
    session: Session
    activity: Activity
    live: LiveVoting
    snapshot: Snapshot
    by_group: bool
    by_agreement: bool

    if TYPE_CHECKING:
        @property
        def current(self) -> voting.PollInfo | None: ...
        def reload(self, select: str | None = None, counts_only: bool = False) -> None: ...
        def show_detail(self) -> None: ...

    def _write(self, what: str, change: Callable[[], Awaitable[None]]) -> None:
        """Run ``change`` (writes through ``self.live``, off the event loop) in
        a worker; a refusal is one notification."""

        async def run() -> None:
            try:
                await change()
            except UserError as exc:
                self.notify(error_text(exc), title=what, severity="error")

        self.run_worker(run(), group="poll-write", description=what)

    def action_open_poll(self) -> None:
        poll = self.current
        if poll is None or poll.is_open:
            return
        self._write(_("Cannot open"), lambda: self._open_poll(poll))

    async def _open_poll(self, poll: voting.PollInfo) -> None:
        # One change: the others are closed (results shown, as with c) and a
        # reopened poll's results are hidden again until it closes.
        starts = self.activity.status != "running"
        _opened, others = await self.live.open_poll(poll.id)
        self.post_message(PollOpened(poll.id))
        for other in others:
            self.post_message(PollClosed(other.id))
        how = ("phones can answer now" if self.live.running
               else "live voting is off: w starts it, e enters counts")
        note = f"Open: {poll.question.text} — {how}"
        if others:
            note += f" (closed {len(others)} other question{'s' if len(others) > 1 else ''})"
        if starts:  # the core runs the activity a question opens in
            note += f" · {self.activity.title} is now running"
        self.notify(note)
        self.reload(poll.id)

    def action_close_poll(self) -> None:
        poll = self.current
        if poll is None or not poll.is_open:
            return
        self._write(_("Cannot close"), lambda: self._close_poll(poll))

    async def _close_poll(self, poll: voting.PollInfo) -> None:
        await self.live.close_poll(poll.id)  # shows the results too (Q&A aside)
        self.post_message(PollClosed(poll.id))
        shown = " — results shown (r hides them)" if poll.type != "qa" else ""
        self.notify(fmt("Closed: {text}{shown}", text=poll.question.text, shown=shown))
        self.reload(poll.id)

    def action_toggle_results(self) -> None:
        poll = self.current
        if poll is None or poll.type == "qa":
            return
        visible = not poll.results_visible

        async def toggle() -> None:
            await self.live.set_results_visible(poll.id, visible)
            self.post_message(ResultsShown(poll.id) if visible else ResultsHidden(poll.id))
            self.reload(poll.id)

        self._write(_("Cannot change"), toggle)

    def action_sort_by_agreement(self) -> None:
        self.by_agreement = not self.by_agreement
        self.show_detail()

    def action_toggle_groups(self) -> None:
        self.by_group = not self.by_group
        self.show_detail()

    def action_enter_tallies(self) -> None:
        poll = self.current
        if poll is None:
            return
        if poll.type not in voting.TALLY_TYPES:
            self.notify(fmt("A {get} question is answered from phones only.",
                            get=_(TYPE_NAMES.get(poll.type, poll.type))), severity="warning")
            return
        self.post_message(TallyRequested(self, poll))

    def action_add_question(self) -> None:
        self.post_message(QuestionRequested(self, self.activity))

    def action_new_poll(self) -> None:
        self.post_message(NewPollRequested(self))

    def changed(self, poll_id: str | None = None) -> None:
        """Something was saved through a form (counts, a new question): phones
        get the new state, the view reads it (and shows ``poll_id``)."""
        self.live.changed()
        self.reload(poll_id)

    def run_key_action(self, action: str) -> None:
        """Run a poll key pressed elsewhere (on the agenda), as if pressed here;
        a key that does not apply now says why instead of doing nothing."""
        poll = self.current
        if poll is None:
            self.notify(_("This poll has no question yet: a adds one."), severity="warning")
            return
        if self.check_action(action, ()):
            getattr(self, f"action_{action}")()
            return
        if action == "open_poll":
            why = f"Already open: {poll.question.text}"
        elif action == "close_poll":
            why = f"Not open: {poll.question.text}"
        else:
            why = f"Not for a {TYPE_NAMES.get(poll.type, poll.type)} question"
        self.notify(why, severity="warning")

    def action_enter_items(self) -> None:
        poll = self.current
        if poll is not None and poll.type == "qa":
            self.query_one("#qa-items", OptionList).focus()

    # ------------------------------------------------------------ Q&A

    def _item(self) -> voting.QAView | None:
        res = self.snapshot.results
        items = self.query_one("#qa-items", OptionList)
        option = items.highlighted_option
        if res is None or option is None:
            return None
        return next((i for i in res.items if i.id == option.id), None)

    def _qa(self, item: voting.QAView, note: str, **flags: bool) -> None:
        async def change() -> None:
            await self.live.qa_set(item.id, **flags)
            poll = self.current
            self.post_message(QAItemUpdated(poll.id if poll else ""))
            self.notify(note)
            self.reload()

        self._write(_("Cannot change"), change)

    def action_qa_highlight(self) -> None:
        item = self._item()
        if item is not None:
            on = not item.highlighted
            self._qa(item, "Highlighted for the room" if on else "Highlight removed",
                     highlighted=on)

    def action_qa_answered(self) -> None:
        item = self._item()
        if item is not None:
            on = not item.answered
            self._qa(item, "Marked answered" if on else "Marked not answered", answered=on)

    def action_qa_hide(self) -> None:
        item = self._item()
        if item is not None:
            self._qa(item, _("Hidden from the room (u brings it back)"), hidden=True)

    def action_qa_unhide(self) -> None:
        hidden = self.snapshot.hidden_items
        if not hidden:
            self.notify(_("No hidden items."))
            return
        self.post_message(HiddenItemsRequested(self, list(hidden)))

    def unhide(self, item: voting.QAView) -> None:
        """Show a hidden Q&A item to the room again."""
        self._qa(item, _("Shown to the room again"), hidden=False)
