"""A poll activity, live: its questions with their state, and the results.

The facilitator moves through the questions with the arrows, opens and closes
them, shows the results to the room (hidden while a question is open, so early
answers do not sway the room; closing shows them), switches to a breakdown by
stakeholder group, enters show-of-hands or paper counts and adds questions.
Everything works without the participants' server; when it runs, answers from
phones arrive as messages and the results follow within a fraction of a second.

Results are computed by the core in a thread (a worker), never on the event
loop. Phones' events are gathered: the view reads the file again at most
every ``REFRESH`` seconds whatever the ballot rate, never twice at once, and
while the highlighted question's results are hidden it reads only the counts
(results are computed when they are shown or the facilitator acts). Widgets
are redrawn and the footer's keys refreshed only when what they show changed.
The facilitator's actions (and Q&A moderation) are in :mod:`.poll_actions`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from coworkshop.core import polls as voting
from coworkshop.core import sessions
from coworkshop.core.errors import UserError
from coworkshop.i18n import _, error_text, fmt, nfmt
from coworkshop.tui.colors import group_color
from coworkshop.tui.polls.live import (
    BallotReceived,
    LiveVoting,
    LiveVotingStarted,
    LiveVotingStopped,
    ParticipantJoined,
    QuestionPosted,
    QuestionUpvoted,
    RoomMessage,
)
from coworkshop.tui.polls.poll_actions import PollActions
from coworkshop.tui.polls.poll_text import kind_text, plan_text, state_label
from coworkshop.tui.polls.results import ResultsChart, qa_line
from coworkshop.tui.quiet import set_text

if TYPE_CHECKING:
    from coworkshop.core.models import Activity, Session
    from coworkshop.core.store import Store

#: Seconds to gather phone events before reading the file again (at most
#: this often, whatever the ballot rate).
REFRESH = 0.5


@dataclass
class Snapshot:
    """What the view shows, read from the file in one go (in a thread)."""

    polls: list[voting.PollInfo] = field(default_factory=list)
    results: voting.Results | None = None
    progress: voting.Progress | None = None
    hidden_items: list[voting.QAView] = field(default_factory=list)
    error: str = ""
    #: the results were not recomputed (hidden while a question is open): the
    #: ones kept are older than the counts
    counts_only: bool = False


class QAList(OptionList):
    """Q&A items, the highlighted one first and answered ones last."""

    HOW_TO = (
        "Q&A: up/down choose an item; h highlights it for the room (one at a time), "
        "d marks it answered, x hides it from the room (u brings hidden items back). "
        "Escape returns to the questions."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,left", "leave", "Questions", id="qa.leave",
                tooltip="Back to the list of questions."),
    ]

    def action_leave(self) -> None:
        parent = self.parent
        while parent is not None and not isinstance(parent, PollView):
            parent = parent.parent
        if parent is not None:
            parent.focus()


class PollView(PollActions, Widget, can_focus=True):
    """The questions of a poll activity and the results of the highlighted one."""

    HOW_TO = (
        "Up/down choose a question. o opens it (any other open question closes), c closes it "
        "(and shows its results), r shows or hides the results, b splits them by stakeholder "
        "group. e enters counts from a show of hands or paper: they add to the phones' "
        "answers. a adds a question, n adds a new poll to the agenda. w starts live voting "
        "(phones join with the code or the QR code). For Q&A, enter moves into the items."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open_poll", "Open", id="poll.open",
                tooltip="Open the highlighted question (or reopen it); others close."),
        Binding("c", "close_poll", "Close", id="poll.close",
                tooltip="Close the question: later answers are refused; results are shown."),
        Binding("r", "toggle_results", "Results", id="poll.results",
                tooltip="Show or hide the results, on this screen and on phones."),
        Binding("b", "toggle_groups", "By group", id="poll.by-group",
                tooltip="Results overall, or split by stakeholder group."),
        Binding("v", "sort_by_agreement", "Sort", id="poll.sort", show=False,
                tooltip="Order the statements by agreement, or back in the agenda's order."),
        Binding("e", "enter_tallies", "Tally", id="poll.tally",
                tooltip="Enter counts from a show of hands or paper ballots."),
        Binding("a", "add_question", "Add", id="poll.add",
                tooltip="Add a question to this poll.", show=False),
        Binding("n", "new_poll", "New poll", id="poll.new", show=False,
                tooltip="Add a new poll activity at the end of the agenda."),
        Binding("h", "qa_highlight", "Highlight", id="poll.qa-highlight",
                tooltip="Highlight the chosen Q&A item for the room (or remove the highlight)."),
        Binding("d", "qa_answered", "Answered", id="poll.qa-answered",
                tooltip="Mark the chosen Q&A item answered (or not)."),
        Binding("x", "qa_hide", "Hide", id="poll.qa-hide",
                tooltip="Hide the chosen Q&A item from the room."),
        Binding("u", "qa_unhide", "Unhide", id="poll.qa-unhide", show=False,
                tooltip="Bring back a hidden Q&A item."),
        Binding("up,k", "cursor(-1)", "Previous", id="poll.up", show=False,
                tooltip="Previous question."),
        Binding("down,j", "cursor(1)", "Next", id="poll.down", show=False,
                tooltip="Next question."),
        Binding("enter,right", "enter_items", "Items", id="poll.items", show=False,
                tooltip="Q&A: move into the items to highlight or answer them."),
        Binding("pageup", "scroll_results(-1)", "Scroll up", id="poll.page-up", show=False,
                tooltip="Scroll the results up."),
        Binding("pagedown", "scroll_results(1)", "Scroll down", id="poll.page-down",
                show=False, tooltip="Scroll the results down."),
    ]

    def __init__(self, store: Store, session: Session, activity: Activity,
                 live: LiveVoting, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.session = session
        self.activity = activity
        self.live = live
        self.snapshot = Snapshot()
        self.cursor = 0
        self.by_group = False
        self.by_agreement = False
        self._pending: Timer | None = None
        self._loading = 0  # reads under way
        self._again = False  # phones' events arrived during a read
        self._shown: dict[str, Any] = {}  # what each widget shows (redrawn on change)
        self.group_colors = {g["key"]: group_color(g.get("color"))
                             for g in sessions.stakeholder_groups(session)}

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(id="poll-live")
        yield Static(id="poll-list")
        with VerticalScroll(id="poll-detail", can_focus=False):
            yield Static(id="poll-question")
            yield Static(id="poll-status")
            yield Static(id="poll-plan")
            yield ResultsChart(id="poll-results")
            yield QAList(id="qa-items")
            yield Static(id="poll-notes")

    def on_mount(self) -> None:
        self.live.watch(self)
        self.show_live()
        self.query_one("#poll-list", Static).update(Text(_("Loading the questions…"), style="dim"))
        self.set_interval(1, self.show_live)
        desc = str(self.activity.config.get("description", "")).strip()
        notes = self.query_one("#poll-notes", Static)
        notes.display = bool(desc)
        if desc:
            notes.update(Text.assemble((_("Facilitator notes  "), "bold"), (desc, "")))
        self.reload()

    def on_unmount(self) -> None:
        self.live.unwatch(self)

    # ------------------------------------------------------------ reading

    @property
    def polls(self) -> list[voting.PollInfo]:
        return self.snapshot.polls

    @property
    def current(self) -> voting.PollInfo | None:
        if not self.polls:
            return None
        return self.polls[min(self.cursor, len(self.polls) - 1)]

    def reload(self, select: str | None = None, counts_only: bool = False) -> None:
        """Read the questions and the highlighted one's results again (in a thread).

        ``counts_only``: phones' events; hidden results are not recomputed.
        """
        current = self.current
        self._load(select or (current.id if current else None), counts_only)

    @work(exclusive=True, group="poll-view")
    async def _load(self, poll_id: str | None, counts_only: bool = False) -> None:
        self._loading += 1
        try:
            snapshot = await asyncio.to_thread(self._read, poll_id, counts_only)
        finally:
            self._loading -= 1
        self.apply(snapshot, poll_id)
        if self._again and not self._loading:
            self._again = False
            self._soon()

    def _read(self, poll_id: str | None, counts_only: bool = False) -> Snapshot:
        """(thread) Everything the view needs, from the core."""
        try:
            polls = [p for p in voting.polls(self.store, self.session.id)
                     if p.activity_id == self.activity.id]
        except UserError as exc:
            return Snapshot(error=error_text(exc))
        snap = Snapshot(polls)
        if not polls:
            return snap
        poll = next((p for p in polls if p.id == poll_id),
                    polls[min(self.cursor, len(polls) - 1)])
        kept = self.snapshot.results
        if (counts_only and poll.is_open and not poll.results_visible and poll.type != "qa"
                and kept is not None and kept.poll.id == poll.id):
            # hidden from everyone: only the count of answers moves on screen
            snap.results, snap.counts_only = kept, True
        else:
            snap.results = voting.results(self.store, poll.id)
        snap.progress = voting.progress(self.store, poll)
        if poll.type == "qa":
            snap.hidden_items = [i for i in voting.qa_items(self.store, poll.id,
                                                            include_hidden=True) if i.hidden]
        return snap

    # ------------------------------------------------------------ showing

    def apply(self, snap: Snapshot, poll_id: str | None = None) -> None:
        self.snapshot = snap
        if poll_id is not None:
            self.cursor = next((i for i, p in enumerate(snap.polls) if p.id == poll_id),
                               min(self.cursor, max(len(snap.polls) - 1, 0)))
        self.show_list()
        self.show_detail()
        self.show_live()
        self._refresh_keys()

    def _changed(self, widget: str, key: Any) -> bool:
        """True (and remembered) if ``widget`` is to show something new."""
        if self._shown.get(widget) == key:
            return False
        self._shown[widget] = key
        return True

    def _set_text(self, widget_id: str, text: Text) -> None:
        set_text(self.query_one(f"#{widget_id}", Static), text)

    def _refresh_keys(self) -> None:
        """Refresh the footer's keys only if the ones that apply changed."""
        poll = self.current
        if self._changed("keys", (poll.type, poll.is_open) if poll is not None else None):
            self.refresh_bindings()

    def show_live(self) -> None:
        """The line that tells the facilitator (and the room) how to join."""
        live = self.live
        if live.running:
            text = Text.assemble((_("● LIVE "), "bold #101010 on #5cc46b"), "  ")
            text.append(live.base_url(), style="bold")
            text.append("   code ", style="dim")
            text.append(f"{live.code[:3]} {live.code[3:]}", style="bold yellow")
            progress = self.snapshot.progress
            joined = progress.joined if progress is not None else 0
            text.append(fmt("   {joined} joined · {connected} connected",
                            joined=joined, connected=live.connected()), style="dim")
        else:
            text = Text.assemble((_("Live voting is off"), "bold"),
                                 (_(" · w starts it for phones · e enters counts from a show "
                                  "of hands or paper"), "dim"))
        self._set_text("poll-live", text)

    def show_list(self) -> None:
        snap = self.snapshot
        target = self.query_one("#poll-list", Static)
        if snap.error:
            target.update(Text(snap.error, style="bold red"))
            self._shown.pop("list", None)
            return
        if not self._changed("list", (self.cursor, [(p.id, p.state, p.results_visible,
                                                     p.question.text) for p in snap.polls])):
            return
        n = len(snap.polls)
        head = Text.assemble((nfmt("Poll · {n} question", "Poll · {n} questions", n),
                              "bold underline"))
        if not snap.polls:
            head.append(_("   a adds a question"), style="dim")
            target.update(head)
            return
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(width=1, no_wrap=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(no_wrap=True, justify="right")
        for i, poll in enumerate(snap.polls):
            here = i == self.cursor
            label, style = state_label(poll.state)
            state = Text(label, style=style)
            if poll.results_visible and poll.type != "qa":
                state.append(_(" · shown"), style="yellow")
            row_style = "bold on #2f3550" if here else ""
            grid.add_row(Text("▸" if here else " ", style="bold yellow"),
                         Text(f"{i + 1}. {poll.question.text}"), state, style=row_style)
        target.update(Group(head, grid))

    def status_text(self, poll: voting.PollInfo) -> Text:
        label, style = state_label(poll.state)
        text = Text(label, style=style)
        res, progress = self.snapshot.results, self.snapshot.progress
        if poll.type == "qa":
            items = len(res.items) if res is not None else 0
            people = res.respondents if res is not None else 0
            text.append(" · " + nfmt("{n} item", "{n} items", items) + " "
                            + nfmt("from {n} person", "from {n} people", people))
            hidden = len(self.snapshot.hidden_items)
            if hidden:
                text.append(fmt(" · {hidden} hidden (u)", hidden=hidden), style="dim")
            return text
        if progress is not None:
            if progress.joined and progress.voted <= progress.joined:
                text.append(fmt(" · {voted} of {joined} joined answered",
                                voted=progress.voted, joined=progress.joined),
                            style="bold")
            elif progress.voted:  # more answers than phones joined here (a demo, a merge)
                text.append(fmt(" · {n} answered", n=progress.voted), style="bold")
        if res is not None and res.tallied:
            text.append(fmt(" · {tallied} counted by hand", tallied=res.tallied), style="bold")
        answered = res is not None and (res.respondents > 0 or bool(res.texts))
        if poll.state == "draft" and not answered:
            text.append(_(" · o opens it for answers"), style="dim")
        elif not poll.results_visible:
            text.append(_("\nResults hidden from the room"), style="bold yellow")
            text.append(_(" · r shows them (closing shows them too)"), style="dim")
        elif self.by_group:
            text.append(_(" · by stakeholder group (b: overall)"), style="dim")
        return text

    def show_detail(self) -> None:
        poll = self.current
        question = self.query_one("#poll-question", Static)
        status = self.query_one("#poll-status", Static)
        plan = self.query_one("#poll-plan", Static)
        chart = self.query_one("#poll-results", ResultsChart)
        items = self.query_one("#qa-items", QAList)
        if poll is None:
            for w in (question, status, plan, chart, items):
                w.display = False
            return
        question.display = status.display = True
        head = Text.assemble((f"{self.cursor + 1}. {poll.question.text}", "bold"),
                             ("\n", ""), (kind_text(poll), "italic cyan"))
        if self._changed("question", head.markup):
            question.update(head)
        self._set_text("poll-status", self.status_text(poll))
        res = self.snapshot.results
        is_qa = poll.type == "qa"
        shown = (poll.results_visible and res is not None and not is_qa
                 and (res.respondents > 0 or bool(res.texts)))
        planned = plan_text(poll)
        plan.display = not shown and not is_qa and bool(planned.plain)
        if self._changed("plan", planned.markup):
            plan.update(planned)
        if shown or chart.display:  # a hidden chart is not drawn again
            chart.show(res if shown else None, self.by_group, self.group_colors,
                       self.by_agreement)
        chart.display = shown
        items.display = is_qa
        if is_qa:
            self.show_items(items, res.items if res is not None else [])

    def show_items(self, items: QAList, views: list[voting.QAView]) -> None:
        current = items.highlighted_option.id if items.highlighted_option else None
        labels = {k: v["label"] for k, v in
                  ((g["key"], g) for g in sessions.stakeholder_groups(self.session))}
        options = [Option(qa_line(v, self.group_colors, labels, show_group=self.by_group),
                          id=v.id) for v in views]
        items.set_options(options)
        if not views:
            items.add_option(Option(Text(_("No questions yet: phones post them while the poll "
                                         "is open."), style="dim italic"), id="-", disabled=True))
            return
        index = next((i for i, v in enumerate(views) if v.id == current), 0)
        items.highlighted = index

    # ------------------------------------------------------------ room events

    def _soon(self) -> None:
        """Read again once for a burst of events, and never two reads at once."""
        if self._loading:
            self._again = True  # read again when this one is done
        elif self._pending is None:
            self._pending = self.set_timer(REFRESH, self._fire)

    def _fire(self) -> None:
        self._pending = None
        self.reload(counts_only=True)

    def _mine(self, message: RoomMessage) -> bool:
        return not message.poll_id or any(p.id == message.poll_id for p in self.polls)

    def on_ballot_received(self, message: BallotReceived) -> None:
        if self._mine(message):
            self._soon()

    def on_question_posted(self, message: QuestionPosted) -> None:
        if self._mine(message):
            self._soon()

    def on_question_upvoted(self, message: QuestionUpvoted) -> None:
        if self._mine(message):
            self._soon()

    def on_participant_joined(self, _message: ParticipantJoined) -> None:
        self._soon()

    def on_live_voting_started(self, _message: LiveVotingStarted) -> None:
        self.reload()

    def on_live_voting_stopped(self, _message: LiveVotingStopped) -> None:
        self.show_live()

    # ------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        poll = self.current
        if action in ("open_poll", "close_poll", "toggle_results", "toggle_groups",
                      "enter_tallies") and poll is None:
            return None
        if poll is None:
            return True
        if action == "open_poll":
            return None if poll.is_open else True
        if action == "close_poll":
            return True if poll.is_open else None
        if action in ("toggle_results", "enter_tallies", "toggle_groups") and poll.type == "qa":
            return False
        if action == "enter_tallies" and poll.type not in voting.TALLY_TYPES:
            return False
        if action.startswith("qa_") or action == "enter_items":
            return poll.type == "qa"
        return True

    def action_cursor(self, step: int) -> None:
        if not self.polls:
            return
        cursor = max(0, min(len(self.polls) - 1, self.cursor + step))
        if cursor == self.cursor:
            return
        self.cursor = cursor
        self.show_list()
        self._refresh_keys()
        self.reload(self.polls[cursor].id)

    def action_scroll_results(self, direction: int) -> None:
        detail = self.query_one("#poll-detail", VerticalScroll)
        if direction < 0:
            detail.scroll_page_up()
        else:
            detail.scroll_page_down()

    @on(OptionList.OptionSelected, "#qa-items")
    def _item_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_qa_highlight()
