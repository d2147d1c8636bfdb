"""The join screen of live voting, to leave on the projector while people join.

The address, the join code in large digits and a QR code of the join link, as
large as the terminal allows: a phone at the back of the room must read it.
When the laptop has several addresses (Wi-Fi, cable, a VPN) the facilitator
chooses the one of the room's network; the likeliest comes first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Digits, OptionList, Static
from textual.widgets.option_list import Option

from coworkshop.i18n import _, error_text, fmt
from coworkshop.tui.common.footer import KeysFooter
from coworkshop.tui.polls.live import (
    JoinCodesLocked,
    LiveVoting,
    LiveVotingStopped,
    ParticipantJoined,
)

if TYPE_CHECKING:
    from coworkshop.tui.session.session import SessionScreen

PaletteEntry = tuple[str, str, Callable[[], object]]
#: Columns the address, code and counts need beside the QR code; toasts are
#: narrower (session.tcss), so they never cover the QR code.
SIDE = 36


def qr_big_lines(url: str) -> list[str]:
    """The QR code with one line per module and two cells per module: twice
    the size of :func:`~coworkshop.server.qr.qr_text_lines`, for a projector.
    Light modules are drawn, as there (light text on a dark terminal)."""
    import segno

    qr = segno.make(url, error="m")
    return ["".join("  " if dark else "██" for dark in row)
            for row in qr.matrix_iter(border=2)]


def qr_lines(url: str, width: int, height: int) -> list[str]:
    """The largest QR code of ``url`` that fits in ``width`` x ``height`` cells."""
    from coworkshop.server.qr import qr_text_lines

    big = qr_big_lines(url)
    if len(big) <= height and len(big[0]) <= width:
        return big
    return qr_text_lines(url)


class JoinScreen(Screen[None]):
    """Address, code and QR code of live voting, large."""

    HELP_TITLE = "Live voting"
    HOW_TO = (
        "Leave this on the projector while people join: they scan the QR code, or open the "
        "address and type the code, then choose their stakeholder group. If the laptop has "
        "several addresses, choose the one of the room's network (a). If the session bar warns "
        "that someone is guessing the code, n gives the room a new code (phones that joined "
        "stay joined). F5 (or P) presents: the code and QR code full screen, then each question "
        "as it opens. Escape returns to the "
        "session while voting goes on; x stops live voting (everything received is saved)."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="join.back",
                tooltip="Back to the session; live voting goes on."),
        Binding("a", "choose_address", "Address", id="join.address",
                tooltip="Choose the address phones use (the room's network)."),
        Binding("n", "new_code", "New code", id="join.new_code",
                tooltip="Give the room a new join code (after someone tried to guess it)."),
        Binding("x", "stop_voting", "Stop voting", id="join.stop",
                tooltip="Stop live voting: phones can no longer reach the laptop."),
        Binding("f5,P", "present", "Present", id="join.present",
                tooltip="Present mode for the projector: this code and QR code full screen, "
                        "then each question as it opens."),
    ]

    def __init__(self, live: LiveVoting) -> None:
        super().__init__()
        self.live = live
        self.joined = 0
        self.matched = 0  # phones matched with a registered participant

    def compose(self) -> ComposeResult:
        with Horizontal(id="join-body"):
            yield Static(id="join-qr")
            with Vertical(id="join-side"):
                yield Static(_("Join the vote"), id="join-title")
                yield Static(_("Scan the code with your phone, or open"), classes="join-hint")
                yield Static(id="join-url")
                yield Static(_("and type the code"), classes="join-hint")
                yield Digits(id="join-code")
                yield Static(id="join-count")
                yield Static(_("Address for phones"), id="join-addresses-title",
                             classes="pane-title")
                yield OptionList(id="join-addresses")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.live.watch(self)
        addresses = self.live.addresses()
        choices = self.query_one("#join-addresses", OptionList)
        choices.add_options([Option(a.label, id=a.ip) for a in addresses])
        several = len(addresses) > 1
        choices.display = several
        self.query_one("#join-addresses-title").display = several
        index = next((i for i, a in enumerate(addresses) if a.ip == self.live.ip), 0)
        if addresses:
            choices.highlighted = index
        self.count_joined()
        self.show()
        self.set_interval(1, self.show_count)

    def on_unmount(self) -> None:
        self.live.unwatch(self)

    def on_resize(self, _event: events.Resize) -> None:
        self.show()

    def show(self) -> None:
        live = self.live
        if not live.running:
            return
        url = live.join_url()
        width = max(self.size.width - SIDE, 20)
        self.query_one("#join-qr", Static).update("\n".join(qr_lines(url, width,
                                                                     self.size.height - 1)))
        self.query_one("#join-url", Static).update(Text(live.base_url(), style="bold"))
        code = live.code
        self.query_one("#join-code", Digits).update(f"{code[:3]} {code[3:]}")
        self.show_count()

    def count_joined(self) -> None:
        from coworkshop.core import matching

        # the participants screen's counts: phones, and those matched with a
        # registered person (one person, not two)
        with self.live.store.db() as db:
            counts = matching.head_counts(db, self.live.session_id)
        self.joined, self.matched = counts.by_phone, counts.both

    def show_count(self) -> None:
        text = Text.assemble((f"{self.joined}", "bold"), _(" joined · "))
        if self.matched:
            text.append_text(Text.assemble((f"{self.matched}", "bold"), _(" matched · ")))
        text.append_text(Text.assemble((f"{self.live.connected()}", "bold"), _(" connected now")))
        self.query_one("#join-count", Static).update(text)

    def on_participant_joined(self, _message: ParticipantJoined) -> None:
        self.count_joined()
        self.show_count()

    def on_live_voting_stopped(self, _message: LiveVotingStopped) -> None:
        # stopped from elsewhere (its process ended): the code and QR code on
        # the screen no longer work, so they do not stay up for the room
        if self.is_current and not self.live.running:
            self.action_back()

    def on_join_codes_locked(self, _message: JoinCodesLocked) -> None:
        self.notify(_("Many wrong join codes were tried: joining is paused. "
                    "Press n for a new code."), title=_("Someone may be guessing the code"),
                    severity="warning", timeout=30)

    def action_new_code(self) -> None:
        self.live.new_code()
        self.show()
        self.notify(fmt("New join code {code}; the old one no longer works.", code=self.live.code))

    @on(OptionList.OptionHighlighted, "#join-addresses")
    async def _address_chosen(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.live.ip:
            from coworkshop.core.errors import UserError

            try:
                await self.live.choose_address(event.option.id)
            except UserError as exc:
                self.notify(error_text(exc), severity="error")
                return
            self.show()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose_address":
            return len(self.live.addresses()) > 1
        return True

    def action_back(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()

    def action_choose_address(self) -> None:
        self.query_one("#join-addresses", OptionList).focus()

    def action_present(self) -> None:
        from coworkshop.tui.polls.present import PresentScreen

        self.app.push_screen(PresentScreen(self.live))

    def palette_entries(self) -> list[PaletteEntry]:
        return [
            ("present: full screen for the projector",
             "Present mode: the join code and QR code, then each question and its results",
             self.action_present),
            ("poll: new join code", "The old code stops working", self.action_new_code),
            ("poll: stop live voting", "Stop the participants' server", self.action_stop_voting),
        ]

    @work(exclusive=True, group="live-voting")
    async def action_stop_voting(self) -> None:
        await self.live.stop()
        self.notify(_("Live voting stopped. Everything received is saved."))
        self.action_back()


def poll_palette_entries(screen: SessionScreen) -> list[PaletteEntry]:
    """The "poll: ..." entries of the command palette."""

    def on_poll(name: str) -> Callable[[], object]:
        def run() -> object:
            from coworkshop.tui.polls.poll_view import PollView

            found = screen.query(PollView)
            if not found:
                screen.notify(_("Highlight a poll in the agenda first."), severity="warning")
                return None
            view = found.first()
            view.focus()
            return getattr(view, f"action_{name}")()

        return run

    return [
        ("poll: open", "Open the highlighted question (or reopen it)", on_poll("open_poll")),
        ("poll: close", "Close the highlighted question and show its results",
         on_poll("close_poll")),
        ("poll: show results", "Show (or hide again) the results of the highlighted question",
         on_poll("toggle_results")),
        ("poll: results by stakeholder group", "Split the results by stakeholder group",
         on_poll("toggle_groups")),
        ("poll: sort statements by agreement", "Order the rated statements by agreeing share",
         on_poll("sort_by_agreement")),
        ("poll: enter tally counts", "Counts from a show of hands or paper ballots (e)",
         on_poll("enter_tallies")),
        ("poll: add question", "Add a question to this poll", on_poll("add_question")),
        ("poll: new poll activity", "Add a poll at the end of the agenda",
         screen.action_new_poll),
        ("poll: start live voting", "Phones join with a code or QR code; show the join screen",
         screen.action_live_voting),
        ("poll: stop live voting", "Stop the participants' server", screen.action_stop_voting),
        ("present: full screen for the projector",
         "Present mode: the join code and QR code, or the open question and its results",
         screen.action_present),
    ]
