"""Present mode: the whole terminal for the projector, nothing else on it.

Before a question is open it shows how to join (the address, the code in large
digits, the QR code as large as fits); while a question is open, the question
and its results, redrawn as ballots arrive (at most every
:data:`~coworkshop.tui.polls.poll_view.REFRESH` seconds, whatever the rate).
Results hidden from the room stay hidden: only the number of answers shows.
When the question closes its final results stay up until the next one opens
(or ``j`` brings the join code back); opened on a closed question, present
mode shows its results. No header, no footer, no notifications.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Digits, Static

from coworkshop.i18n import _
from coworkshop.tui.polls.live import (
    BallotReceived,
    JoinCodeChanged,
    LiveVoting,
    LiveVotingStarted,
    LiveVotingStopped,
    QuestionPosted,
    QuestionUpvoted,
)
from coworkshop.tui.polls.poll_view import REFRESH
from coworkshop.tui.polls.results import ResultsChart
from coworkshop.tui.polls.voting import qr_lines

if TYPE_CHECKING:
    from coworkshop.core import polls as voting

#: Seconds between two reads of the file when nothing is reported (a poll
#: opened or closed behind this screen, a tally entered, a phone that left).
POLL_EVERY = 1.0
#: Columns the code and address need beside the QR code.
SIDE = 30


@dataclass
class Shown:
    """What the screen shows, read from the file in one go (in a thread)."""

    poll: voting.PollInfo | None = None
    results: voting.Results | None = None
    answered: int = 0
    group_colors: dict[str, str] | None = None


class PresentScreen(Screen[None]):
    """The join code and QR code, or the open question and its results, full screen."""

    HELP_TITLE = "Present (projector)"
    HOW_TO = (
        "Present mode fills the terminal for the projector, with nothing else on it: the join "
        "address, code and QR code until a question opens, then the question and its results "
        "as phones answer (or only how many answered while its results are hidden: r on the "
        "poll shows them). A closed question's results stay until the next one opens (F5 on a "
        "closed question presents its results); j shows the join code again. Make the "
        "terminal's font larger (often ctrl and +) for the back of the room. Page down and up "
        "scroll results longer than the screen. Escape returns "
        "to where you were; live voting goes on."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="present.back",
                tooltip="Leave present mode; live voting goes on."),
        Binding("j", "show_join", "Join code", id="present.join",
                tooltip="Show the join code and QR code (until the next question opens)."),
        Binding("down,pagedown,space", "scroll_results(1)", "Scroll", id="present.down",
                tooltip="Results longer than the screen: show the next ones."),
        Binding("up,pageup", "scroll_results(-1)", "Scroll back", id="present.up",
                tooltip="Results longer than the screen: back to the first ones."),
    ]

    def __init__(self, live: LiveVoting, poll_id: str = "") -> None:
        """``poll_id``: a question to show if no question is open (once it has
        been open: its final results)."""
        super().__init__()
        self.live = live
        self.shown = Shown()
        #: the question followed (kept, closed, until another opens)
        self.poll_id = poll_id
        self.join_asked = False  # j: the join code, until another question opens
        self._pending: Timer | None = None
        self._loading = False
        self._again = False
        self._colors: dict[str, str] | None = None
        self._qr_key: tuple[str, int, int] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="present-join"):
            yield Static(id="present-qr")
            with Vertical(id="present-side"):
                yield Static(_("Join the vote"), id="present-title")
                yield Static(id="present-url")
                yield Static("code", classes="present-hint")
                yield Digits(id="present-code")
        with Vertical(id="present-poll"):
            yield Static(id="present-question")
            with Center():
                yield Digits(id="present-count")
            yield Static(id="present-answered")
            with VerticalScroll(id="present-results-box", can_focus=False):
                yield ResultsChart(id="present-results")
            yield Static(id="present-join-line")

    def on_mount(self) -> None:
        self.live.watch(self)
        self.show()
        self.reload()
        self.set_interval(POLL_EVERY, self.reload)

    def on_unmount(self) -> None:
        self.live.unwatch(self)

    def on_resize(self, _event: events.Resize) -> None:
        self.show()

    # ------------------------------------------------------------ reading

    def reload(self) -> None:
        """Read the open question and its results again (in a thread)."""
        if self._loading:
            self._again = True
            return
        self._load()

    @work(exclusive=True, group="present")
    async def _load(self) -> None:
        self._loading = True
        try:
            shown = await asyncio.to_thread(self._read)
        finally:
            self._loading = False
        if self.join_asked and shown.poll is not None and shown.poll.id == self.poll_id:
            shown = Shown()  # j was pressed while this was read
        self.shown = shown
        self.show()
        if self._again:
            self._again = False
            self._soon()

    def _read(self) -> Shown:
        """(thread) The question to show, and its results or its count of answers."""
        from coworkshop.core import polls as voting

        store, session_id = self.live.store, self.live.session_id
        polls = voting.polls(store, session_id)
        opened = [p for p in polls if p.is_open]
        poll: voting.PollInfo | None
        if opened:
            poll = max(opened, key=lambda p: p.opened_at.timestamp() if p.opened_at else 0.0)
            if poll.id != self.poll_id:
                self.poll_id, self.join_asked = poll.id, False
        else:
            poll = next((p for p in polls if p.id == self.poll_id and p.state == "closed"), None)
        if poll is None or self.join_asked:
            return Shown()
        shown = Shown(poll)
        if poll.results_visible or poll.type == "qa":
            shown.results = voting.results(store, poll.id)
            shown.answered = shown.results.respondents
            shown.group_colors = self._group_colors()
        else:  # hidden from the room: how many answered, nothing of what
            shown.answered = voting.progress(store, poll).voted
        return shown

    def _group_colors(self) -> dict[str, str]:
        """(thread) The colours of the session's stakeholder groups, read once."""
        if self._colors is None:
            from coworkshop.core import sessions
            from coworkshop.core.models import Session
            from coworkshop.tui.colors import group_color

            with self.live.store.db() as db:
                session = db.get(Session, self.live.session_id)
                groups = sessions.stakeholder_groups(session) if session is not None else []
            self._colors = {g["key"]: group_color(g.get("color")) for g in groups}
        return self._colors

    # ------------------------------------------------------------ showing

    def show(self) -> None:
        poll = self.shown.poll
        self.query_one("#present-join").display = poll is None
        self.query_one("#present-poll").display = poll is not None
        if poll is None:
            self.show_join()
        else:
            self.show_poll(poll)

    def show_join(self) -> None:
        live = self.live
        qr = self.query_one("#present-qr", Static)
        url = self.query_one("#present-url", Static)
        code = self.query_one("#present-code", Digits)
        qr.display = code.display = live.running
        self.query_one(".present-hint").display = live.running
        if not live.running:
            self.query_one("#present-title", Static).update(_("Live voting is off"))
            url.update(Text(_("Escape, then w starts it: phones join with a code."), style="dim"))
            return
        self.query_one("#present-title", Static).update(_("Join the vote"))
        key = (live.join_url(), max(self.size.width - SIDE, 20), self.size.height)
        if key != self._qr_key:  # drawn again only when the link or the terminal changes
            self._qr_key = key
            qr.update("\n".join(qr_lines(*key)))
        url.update(Text(live.base_url(), style="bold"))
        code.update(f"{live.code[:3]} {live.code[3:]}")

    def show_poll(self, poll: voting.PollInfo) -> None:
        shown = self.shown
        state = "" if poll.is_open else "  (closed)"
        self.query_one("#present-question", Static).update(
            Text.assemble((poll.question.text, "bold"), (state, "dim")))
        chart = self.query_one("#present-results", ResultsChart)
        hidden = shown.results is None
        self.query_one("#present-count", Digits).display = hidden
        self.query_one("#present-answered", Static).display = hidden
        self.query_one("#present-results-box").display = not hidden
        if hidden:
            self.query_one("#present-count", Digits).update(str(shown.answered))
            people = "person answered" if shown.answered == 1 else "people answered"
            self.query_one("#present-answered", Static).update(people)
        else:
            chart.show(shown.results, False, shown.group_colors or {})
        line = self.query_one("#present-join-line", Static)
        line.display = self.live.running and poll.is_open
        if self.live.running:
            line.update(Text.assemble(_("Join at "), (self.live.base_url(), "bold"),
                                      "  code ", (self.live.code, "bold")))

    # ------------------------------------------------------------ room events

    def _soon(self) -> None:
        """Read again once for a burst of ballots."""
        if self._pending is None:
            self._pending = self.set_timer(REFRESH, self._fire)

    def _fire(self) -> None:
        self._pending = None
        self.reload()

    def on_ballot_received(self, _message: BallotReceived) -> None:
        self._soon()

    def on_question_posted(self, _message: QuestionPosted) -> None:
        self._soon()

    def on_question_upvoted(self, _message: QuestionUpvoted) -> None:
        self._soon()

    def on_join_code_changed(self, _message: JoinCodeChanged) -> None:
        self.show()

    def on_live_voting_started(self, _message: LiveVotingStarted) -> None:
        self.show()

    def on_live_voting_stopped(self, _message: LiveVotingStopped) -> None:
        self.show()

    # ------------------------------------------------------------ actions

    def action_show_join(self) -> None:
        self.join_asked = True
        self.shown = Shown()
        self.show()

    def action_scroll_results(self, direction: int) -> None:
        box = self.query_one("#present-results-box", VerticalScroll)
        box.scroll_to(y=box.scroll_y + direction * max(box.size.height - 2, 1), animate=False)

    def action_back(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()
