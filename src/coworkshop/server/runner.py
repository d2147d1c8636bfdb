"""Run the participants' server: inside the facilitator's app, or on its own.

On the running event loop::

    server = VotingServer(store, session_id, on_event=handle)   # handle(RoomEvent)
    await server.start(host="0.0.0.0", port=8765)
    server.join_url(ip)             # the link for the QR code
    ...
    await server.stop()             # returns within about a second

Inside the Textual app the server runs in a process of its own
(``server/process.py``, driven by ``tui/polls/live.py``): Textual's work
(layout, rendering, the garbage it leaves) never holds up the phones' answers.

Standalone: :func:`serve` (the ``coworkshop serve`` command).
"""

from __future__ import annotations

import asyncio
import errno
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web

from ..core import polls as voting
from ..core.store import Store
from . import netinfo
from .app import create_app
from .protocol import Runner, limit_logging, server_options
from .room import Limits, Room, RoomEvent

log = logging.getLogger("coworkshop.server")
DEFAULT_PORT = 8765
PORT_TRIES = 20
LOOPBACK = "127.0.0.1"
_EVERY = netinfo.EVERY


def _hosts(host: str) -> list[str]:
    """The addresses to listen on for ``host`` (see :meth:`VotingServer.start`)."""
    if host:
        return [host]
    best = netinfo.best().ip
    return [best] if best == LOOPBACK else [best, LOOPBACK]


def _quiet_loggers() -> None:
    # Without any handler Python prints warnings to stderr, over the TUI.
    # A NullHandler stops that; records still reach the app's own handlers.
    for name in ("aiohttp", "coworkshop"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


class VotingServer(netinfo.Reachable):
    """The participants' server of one session, on the running event loop."""

    def __init__(self, store: Store, session_id: str, *, code: str | None = None,
                 on_event: Callable[[RoomEvent], None] | None = None,
                 limits: Limits | None = None) -> None:
        self.store = store
        self.room = Room(store, session_id, code=code, limits=limits)
        if on_event is not None:
            self.room.subscribe(on_event)
        self.host = ""
        self.port = 0
        self.auto = False
        self._runner: Runner | None = None
        self._sites: dict[str, web.TCPSite] = {}

    @property
    def code(self) -> str:
        """The join code phones must type (or get from the QR code)."""
        return self.room.code

    @property
    def running(self) -> bool:
        return self._runner is not None

    async def start(self, host: str = "", port: int = DEFAULT_PORT) -> str:
        """Start serving; returns the base URL on the first address listened on.

        ``host=""`` listens on the laptop's likeliest LAN address and on
        loopback only (the facilitator can move it with :meth:`listen_on`);
        ``"0.0.0.0"`` listens on every network; any other address on that one.
        If ``port`` is taken the next ones are tried; ``port=0`` lets the
        system choose.
        """
        _quiet_loggers()
        self.auto = host == ""
        hosts = _hosts(host)
        await self.room.start()
        limit_logging()
        limits = self.room.limits
        runner = Runner(create_app(self.room), access_log=None, shutdown_timeout=0.5,
                        handle_signals=False,
                        connections_per_address=limits.connections_per_address,
                        **server_options(limits.idle_timeout))
        await runner.setup()
        tries = 1 if port == 0 else PORT_TRIES
        last: OSError | None = None
        for candidate in range(port, port + tries):
            sites: list[web.TCPSite] = []
            chosen = candidate
            try:
                for h in hosts:
                    site = web.TCPSite(runner, h, chosen, backlog=512)
                    await site.start()
                    sites.append(site)
                    if chosen == 0:  # the system chose: the other addresses take the same
                        sockets = getattr(site._server, "sockets", None) or []  # noqa: SLF001
                        chosen = sockets[0].getsockname()[1] if sockets else 0
            except OSError as exc:
                for started in sites:
                    await started.stop()
                if exc.errno not in (errno.EADDRINUSE, errno.EACCES):
                    await runner.cleanup()
                    await self.room.stop()
                    raise voting.UserError("cannot listen on {h}:{candidate}: {strerror}", h=h,
                                           candidate=candidate, strerror=exc.strerror) from exc
                last = exc
                continue
            self._runner = runner
            self._sites = dict(zip(hosts, sites, strict=True))
            self.host = hosts[0]
            self.port = chosen
            log.info("participants' server on %s port %s", " and ".join(hosts), self.port)
            return self.base_url(None if self.host in _EVERY else self.host)
        await runner.cleanup()
        await self.room.stop()
        raise voting.UserError("ports {port}-{value} are all in use ({value2}); choose another "
                               "with --port", port=port, value=port + tries - 1,
                               value2=last.strerror if last else '')

    async def listen_on(self, ip: str) -> None:
        """Listen on ``ip`` (and loopback) instead of the previous chosen address."""
        if self._runner is None or self.host in _EVERY:
            return
        if ip in self._sites:  # loopback, or already there: the other address closes
            old = self._sites.pop(self.host, None) if self.host not in (LOOPBACK, ip) else None
            self.host = ip
            if old is not None:
                await old.stop()
            return
        site = web.TCPSite(self._runner, ip, self.port, backlog=512)
        try:
            await site.start()
        except OSError as exc:
            raise voting.UserError("cannot listen on {ip}:{port}: {strerror}", ip=ip,
                                   port=self.port, strerror=exc.strerror) from exc
        old = self._sites.pop(self.host, None) if self.host != LOOPBACK else None
        self._sites[ip] = site
        self.host = ip
        if old is not None:
            await old.stop()
        log.info("participants' server now on %s port %s", ip, self.port)

    def listening(self) -> list[str]:
        """The addresses listened on (``0.0.0.0``: every network)."""
        return list(self._sites)

    async def stop(self) -> None:
        """Stop serving: live connections are ended at once.

        Returns once the room's database thread is done: a commit under way
        has finished, so the file can be closed and folded back.
        """
        runner, self._runner = self._runner, None
        await self.room.stop()
        if runner is not None:
            await runner.cleanup()
        await asyncio.to_thread(self.room.close)

    # ------------------------------------------------------------ facilitator

    def changed(self) -> None:
        """Push the current state to phones now (after changing polls through core)."""
        self.room.changed()

    def open_poll(self, poll_id: str, close_others: bool = False) -> voting.PollInfo:
        with self.store.unit() as db:
            poll = voting.open_poll(db, poll_id, close_others=close_others)
        self.changed()
        return poll

    def close_poll(self, poll_id: str) -> voting.PollInfo:
        """Close as the facilitator does in the app: results shown (Q&A aside)."""
        with self.store.unit() as db:
            poll = voting.close_question(db, poll_id)
        self.changed()
        return poll

    def set_results_visible(self, poll_id: str, visible: bool) -> voting.PollInfo:
        with self.store.unit() as db:
            poll = voting.set_results_visible(db, poll_id, visible)
        self.changed()
        return poll

    def qa_set(self, item_id: str, **flags: Any) -> None:
        with self.store.unit() as db:
            voting.qa_set(db, item_id, **flags)
        self.changed()

    def connected(self) -> int:
        """Live connections (phones showing the page)."""
        return self.room.streams


async def serve(store: Store, session_id: str, *, host: str, port: int, code: str | None,
                limits: Limits | None = None,
                announce: Callable[[VotingServer], None] | None = None,
                stop: asyncio.Event | None = None) -> None:
    """Serve until ``stop`` is set (or SIGINT/SIGTERM when run by the CLI)."""
    server = VotingServer(store, session_id, code=code, limits=limits)
    await server.start(host, port)
    if announce is not None:
        announce(server)
    done = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    import signal

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, done.set)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            pass
    try:
        await done.wait()
    finally:
        await server.stop()
