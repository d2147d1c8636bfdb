"""Live voting inside the app: the participants' server on Textual's event loop.

The session screen owns one :class:`LiveVoting`. It outlives the activity
views (switching activities does not stop voting) and is stopped when the
session screen goes away, quitting included. What phones do reaches the app as
:class:`~coworkshop.server.room.RoomEvent` callbacks on the loop; they are
passed on as Textual messages to the widgets that watch the room.

Without the server (a room without Wi-Fi) the same object opens and closes
polls through the core, so the views never need to know which case they are in.

This module imports neither SQLModel nor aiohttp when it is imported: the
session screen imports it at start-up.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.message import Message
from textual.message_pump import MessagePump

T = TypeVar("T")
#: The app's writer (:meth:`CoworkshopApp.commit`).
Commit = Callable[["Store", Callable[[Any], Any]], Awaitable[Any]]

if TYPE_CHECKING:
    from sqlmodel import Session as DBSession

    from coworkshop.core import polls as voting
    from coworkshop.core.store import Store
    from coworkshop.server.netinfo import Address
    from coworkshop.server.room import RoomEvent
    from coworkshop.server.runner import VotingServer

#: The port the app asks for first; the server tries the next ones if taken.
DEFAULT_PORT = 8765


class RoomMessage(Message, bubble=False):
    """Something happened in the room (base of the messages below)."""

    def __init__(self, poll_id: str = "", stakeholder_group: str = "") -> None:
        super().__init__()
        self.poll_id = poll_id
        self.stakeholder_group = stakeholder_group


class ParticipantJoined(RoomMessage):
    """A phone joined with the code."""


class BallotReceived(RoomMessage):
    """A ballot was committed (a new answer or a changed one)."""


class QuestionPosted(RoomMessage):
    """A participant posted to a Q&A poll."""


class QuestionUpvoted(RoomMessage):
    """A participant upvoted (or withdrew an upvote on) a Q&A item."""


class JoinCodesLocked(RoomMessage):
    """Too many wrong join codes: the room takes none until a new code is given."""


class LiveVotingStarted(RoomMessage):
    """The participants' server is listening."""


class JoinCodeChanged(RoomMessage):
    """The facilitator gave the room a new join code."""


class LiveVotingStopped(RoomMessage):
    """The participants' server stopped; phones can no longer reach it."""


class PollChanged(Message):
    """The facilitator changed a poll (base of the messages below); it is saved."""

    def __init__(self, poll_id: str = "") -> None:
        super().__init__()
        self.poll_id = poll_id


class PollOpened(PollChanged):
    """A poll was opened or reopened: phones can answer."""


class PollClosed(PollChanged):
    """A poll was closed: later ballots are refused."""


class ResultsShown(PollChanged):
    """A poll's results are shown to the room."""


class ResultsHidden(PollChanged):
    """A poll's results are hidden from the room."""


class TalliesEntered(PollChanged):
    """Show-of-hands or paper counts were saved."""


class QuestionAdded(PollChanged):
    """A question was added to a poll activity."""


class PollActivityAdded(PollChanged):
    """A new poll activity was added at the end of the agenda."""

    def __init__(self, poll_id: str = "", activity_id: str = "") -> None:
        super().__init__(poll_id)
        self.activity_id = activity_id


class QAItemUpdated(PollChanged):
    """A Q&A item was highlighted, marked answered, hidden or shown again."""


_MESSAGES: dict[str, type[RoomMessage]] = {
    "joined": ParticipantJoined,
    "ballot": BallotReceived,
    "qa_posted": QuestionPosted,
    "qa_upvoted": QuestionUpvoted,
    "codes_locked": JoinCodesLocked,
}


class LiveVoting:
    """Polls of one session, with or without the participants' server."""

    def __init__(self, store: Store, session_id: str, *, host: str = "",
                 port: int = DEFAULT_PORT, commit: Commit | None = None) -> None:
        # host "": the likeliest LAN address and loopback, not every network;
        # choosing another address moves the server there (choose_address).
        self.store = store
        self._commit = commit  # the app's writer; None: a thread of our own
        self.session_id = session_id
        self.host = host
        self.port = port
        self.server: VotingServer | None = None
        self.ip = ""  # the address shown to the room (chosen by the facilitator)
        self.starting = False
        self._stop_requested = False
        self._watchers: list[MessagePump] = []

    # ------------------------------------------------------------ the server

    @property
    def running(self) -> bool:
        return self.server is not None

    async def start(self) -> None:
        """Start the participants' server (raises :class:`UserError` if it cannot)."""
        if self.server is not None or self.starting:
            return
        # aiohttp and the page templates load only when voting starts: the
        # app opens faster and a room without Wi-Fi never pays for them.
        from coworkshop.server.runner import VotingServer

        server = VotingServer(self.store, self.session_id, on_event=self._on_event)
        self.starting, self._stop_requested = True, False
        try:
            await server.start(self.host, self.port)
        except asyncio.CancelledError:  # the session closed while starting
            await server.stop()
            raise
        finally:
            self.starting = False
        if self._stop_requested:  # stop() was called while starting
            await server.stop()
            return
        self.server = server
        self.ip = server.addresses()[0].ip
        # The app's long-lived objects (widgets, styles, modules) leave the
        # garbage collector's care: a full collection scanned them all, holding
        # the event loop, and the phones' answers, up to 200 ms with 1,000
        # phones connected (benchmarks/RESULTS.md). Objects made later are
        # collected as before.
        gc.freeze()
        self._post(LiveVotingStarted())

    async def stop(self) -> None:
        """Stop serving; live connections end at once. Ballots are already saved."""
        if self.starting:
            self._stop_requested = True
        server, self.server = self.server, None
        if server is not None:
            await server.stop()
            self._post(LiveVotingStopped())

    @property
    def code(self) -> str:
        return self.server.code if self.server is not None else ""

    def addresses(self) -> list[Address]:
        return self.server.addresses() if self.server is not None else []

    def join_url(self) -> str:
        """The QR code's link on the chosen address."""
        if self.server is None:
            return ""
        return self.server.join_url(self.ip or None)

    def base_url(self) -> str:
        if self.server is None:
            return ""
        return self.server.base_url(self.ip or None)

    def connected(self) -> int:
        """Phones showing the page right now."""
        return self.server.connected() if self.server is not None else 0

    async def choose_address(self, ip: str) -> None:
        """Show ``ip`` to the room and listen there (raises :class:`UserError` if it cannot)."""
        if self.server is not None:
            await self.server.listen_on(ip)
        self.ip = ip

    def codes_locked(self) -> bool:
        """True while the room takes no join code (too many wrong ones were tried)."""
        return self.server is not None and self.server.room.codes_locked() > 0

    def new_code(self) -> str:
        """Give the room a new join code: the old one stops working, joining resumes."""
        if self.server is None:
            return ""
        code = self.server.room.new_code()
        self._post(JoinCodeChanged())
        return code

    # ------------------------------------------------------------ polls

    def changed(self) -> None:
        """Push the current state to phones (after a change made through the core)."""
        if self.server is not None:
            self.server.changed()

    async def _write(self, change: Callable[[DBSession], T]) -> T:
        """Run ``change`` (a core call taking the database session) in one unit of
        work off the event loop, through the app's writer when there is one
        (retried while the file is locked), then push the new state to phones."""
        if self._commit is not None:
            result = await self._commit(self.store, change)
        else:
            from coworkshop.tui.writes import run

            result = await asyncio.to_thread(run, self.store, change)
        self.changed()
        return result

    async def open_poll(self, poll_id: str) -> tuple[voting.PollInfo, list[voting.PollInfo]]:
        """Open (or reopen) a poll, in one change: every other open poll of the
        session is closed, with its results shown (as :meth:`close_poll` does);
        a reopened poll's results are hidden again until it closes.

        Returns the opened poll and the polls it closed.
        """
        from coworkshop.core import polls as voting

        def change(db: DBSession) -> tuple[voting.PollInfo, list[voting.PollInfo]]:
            others = [p for p in voting.open_polls(db, self.session_id) if p.id != poll_id]
            opened = voting.open_poll(db, poll_id, close_others=True)
            if opened.results_visible:
                opened = voting.set_results_visible(db, poll_id, False)
            closed = [voting.get_poll(db, p.id) for p in others]
            for other in closed:
                if other.type != "qa" and not other.results_visible:
                    voting.set_results_visible(db, other.id, True)
            return opened, closed

        return await self._write(change)

    async def close_poll(self, poll_id: str) -> voting.PollInfo:
        """Close a poll and show its results (Q&A aside), in one change."""
        from coworkshop.core import polls as voting

        def change(db: DBSession) -> voting.PollInfo:
            closed = voting.close_poll(db, poll_id)
            if closed.type != "qa" and not closed.results_visible:
                closed = voting.set_results_visible(db, poll_id, True)
            return closed

        return await self._write(change)

    async def set_results_visible(self, poll_id: str, visible: bool) -> voting.PollInfo:
        from coworkshop.core import polls as voting

        return await self._write(lambda db: voting.set_results_visible(db, poll_id, visible))

    async def qa_set(self, item_id: str, **flags: Any) -> None:
        from coworkshop.core import polls as voting

        await self._write(lambda db: voting.qa_set(db, item_id, **flags))

    # ------------------------------------------------------------ events

    def watch(self, pump: MessagePump) -> None:
        """Send the room's messages to ``pump`` until :meth:`unwatch`."""
        if pump not in self._watchers:
            self._watchers.append(pump)

    def unwatch(self, pump: MessagePump) -> None:
        if pump in self._watchers:
            self._watchers.remove(pump)

    def _post(self, message: RoomMessage) -> None:
        for pump in list(self._watchers):
            # each watcher gets its own message: a message is handled once
            pump.post_message(type(message)(message.poll_id, message.stakeholder_group))

    def _on_event(self, event: RoomEvent) -> None:
        kind = _MESSAGES.get(event.kind)
        if kind is not None:
            self._post(kind(event.poll_id, event.stakeholder_group))
