"""Live voting inside the app: the participants' server in a process of its own.

The app owns one :class:`LiveVoting` per session (``CoworkshopApp.live_voting``):
it outlives the activity views and the session screen (leaving the session
and coming back does not stop voting) and runs until the facilitator stops it
or quits. The server runs in a child process
(:class:`~coworkshop.server.process.ServerProcess`): Textual drawing the
screen no longer shares an interpreter with the phones' answers. What phones
do (:class:`~coworkshop.server.room.RoomEvent`) comes back over a pipe, is
handed over to the app's loop and passed on there as Textual messages to the
widgets that watch the room. The child stops when the app stops voting or
quits, and on its own when the app is gone (even killed).

Without the server (a room without Wi-Fi) the same object opens and closes
polls through the core, so the views never need to know which case they are in.

This module imports neither SQLModel nor aiohttp when it is imported: the
session screen imports it at start-up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.message import Message
from textual.message_pump import MessagePump

T = TypeVar("T")
log = logging.getLogger("coworkshop")
#: The app's writer (:meth:`CoworkshopApp.commit`).
Commit = Callable[["Store", Callable[[Any], Any]], Awaitable[Any]]

if TYPE_CHECKING:
    from sqlmodel import Session as DBSession

    from coworkshop.core import polls as voting
    from coworkshop.core.store import Store
    from coworkshop.server.netinfo import Address
    from coworkshop.server.process import ServerProcess

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
        #: The store the facilitator's changes are written through (the open
        #: session screen's; the app hands a reopened screen's store over).
        self.store = store
        self._commit = commit  # the app's writer; None: a thread of our own
        self.session_id = session_id
        self.host = host
        self.port = port
        self.server: ServerProcess | None = None
        self.ip = ""  # the address shown to the room (chosen by the facilitator)
        self.starting = False
        self._stop_requested = False
        #: Set when the server's process ended by itself (the screens say so).
        self.lost = False
        self._losing: asyncio.Task[None] | None = None
        self._watchers: list[MessagePump] = []
        self._code = ""
        self._saving: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------ the server

    @property
    def running(self) -> bool:
        return self.server is not None

    async def start(self) -> None:
        """Start the participants' server (raises :class:`UserError` if it cannot).

        The server (its web app, room and ballot writer) runs in a process of
        its own (:class:`~coworkshop.server.process.ServerProcess`), on a store
        of its own, so it outlives the screens and Textual's work (and its
        hold on the interpreter) never delays a phone. Phones join with the
        session's kept join code (made and stored the first time).
        """
        if self.server is not None or self.starting:
            return
        from coworkshop.core.polls.joincode import join_code_for
        from coworkshop.server.process import ServerError, ServerProcess

        self.starting, self._stop_requested, self.lost = True, False, False
        server = ServerProcess(self._on_event, on_gone=self._server_gone)
        try:
            code = await self._write(lambda db: join_code_for(db, self.session_id), push=False)
            await server.start(self.store.path, self.session_id, self.host, self.port, code)
        except ServerError as exc:
            await server.stop()
            raise exc.user_error() from exc
        except BaseException:
            await server.stop()
            raise
        finally:
            self.starting = False
        if self._stop_requested:  # stop() was called while starting
            await server.stop()
            return
        self.server = server
        self._code = server.code
        self.ip = server.addresses()[0].ip
        self._post(LiveVotingStarted())

    async def stop(self) -> None:
        """Stop serving; live connections end at once. Ballots are already saved
        (a commit under way finishes first, and the server's store is closed)."""
        if self.starting:
            self._stop_requested = True
        server, self.server = self.server, None
        if server is not None:
            try:
                await server.stop()
            finally:
                self._post(LiveVotingStopped())
        if self._saving:
            await asyncio.gather(*self._saving, return_exceptions=True)

    @property
    def code(self) -> str:
        if self.server is None:
            return ""
        return self._code or self.server.code

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
            from coworkshop.server.process import ServerError

            try:
                await self.server.listen_on(ip)
            except ServerError as exc:
                raise exc.user_error() from exc
        self.ip = ip

    def codes_locked(self) -> bool:
        """True while the room takes no join code (too many wrong ones were tried)."""
        return self.server is not None and self.server.room.codes_locked() > 0

    def new_code(self) -> str:
        """Give the room a new join code: the old one stops working, joining resumes.

        The session keeps it: live voting started again (in this run of the
        app or the next) uses it.
        """
        if self.server is None:
            return ""
        from coworkshop.core.polls import new_join_code
        from coworkshop.core.polls.joincode import keep_join_code

        code = self._code = new_join_code()
        self.server.new_code(code)
        task = asyncio.get_running_loop().create_task(self._keep(keep_join_code, code))
        self._saving.add(task)
        task.add_done_callback(self._saving.discard)
        self._post(JoinCodeChanged())
        return code

    async def _keep(self, keep: Callable[[DBSession, str, str], str], code: str) -> None:
        try:
            await self._write(lambda db: keep(db, self.session_id, code), push=False)
        except Exception:  # the room uses the code anyway; the next start makes one
            log.exception("could not save the new join code")

    # ------------------------------------------------------------ polls

    def changed(self) -> None:
        """Push the current state to phones (after a change made through the core)."""
        if self.server is not None:
            self.server.changed()

    async def _write(self, change: Callable[[DBSession], T], push: bool = True) -> T:
        """Run ``change`` (a core call taking the database session) in one unit of
        work off the event loop, through the app's writer when there is one
        (retried while the file is locked), then push the new state to phones."""
        if self._commit is not None:
            result = await self._commit(self.store, change)
        else:
            from coworkshop.tui.writes import run

            result = await asyncio.to_thread(run, self.store, change)
        if push:
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

        return await self._write(lambda db: voting.close_question(db, poll_id))

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

    def _server_gone(self) -> None:
        """(app's loop) The server's process ended by itself (killed, crashed):
        voting is off, as if stopped; what it acknowledged is in the file."""
        log.warning("the participants' server process ended by itself")
        self.lost = True
        self._losing = asyncio.get_running_loop().create_task(self.stop())  # kept referenced

    def _post(self, message: RoomMessage) -> None:
        for pump in list(self._watchers):
            # each watcher gets its own message: a message is handled once
            pump.post_message(type(message)(message.poll_id, message.stakeholder_group))

    def _on_event(self, kind: str, poll_id: str, stakeholder_group: str) -> None:
        """(app's loop) A phone's event, from the server's process."""
        message = _MESSAGES.get(kind)
        if message is not None:
            self._post(message(poll_id, stakeholder_group))
