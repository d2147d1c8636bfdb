"""How the participants' server treats connections before any handler runs.

aiohttp answers a request it cannot parse (an over-long URL or header, a NUL
in a header, conflicting lengths) itself, in plain text, and logs it with a
traceback. Here such refusals answer JSON like every other refusal and are
logged in one line; connections that send nothing, or their headers too
slowly, are closed after ``idle_timeout``; one address cannot hold more than
``connections_per_address`` connections (a room's phones each have their own
address on the Wi-Fi); and the server's log lines are rate-limited, so a
flood of bad requests cannot fill the disk.

This leans on two documented-but-internal aiohttp hooks (the request handler
class and its ``handle_error``); ``tests/server/test_hostile.py`` checks the
behaviour on the installed aiohttp.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

log = logging.getLogger("coworkshop.server")


class RateLimited(logging.Filter):
    """Let at most ``burst`` records through, then ``per_second``; count the rest.

    The next record let through says how many were dropped.
    """

    def __init__(self, burst: float = 30, per_second: float = 0.5) -> None:
        super().__init__()
        self.burst, self.rate = burst, per_second
        self.tokens, self.last, self.dropped = burst, time.monotonic(), 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens < 1:
            self.dropped += 1
            return False
        self.tokens -= 1
        if record.name == "asyncio" and record.exc_info:
            # "socket.accept() out of system resource" when a flood of
            # connections uses up the file handles: one line, not a traceback.
            exc = record.exc_info[1]
            text = " ".join(record.getMessage().split())
            record.msg = f"{text} ({type(exc).__name__}: {exc})"
            record.args, record.exc_info, record.exc_text = None, None, None
        if self.dropped:
            record.msg = f"{record.getMessage()} ({self.dropped} similar lines not logged)"
            record.args = None
            self.dropped = 0
        return True


#: The loggers the participants' server writes to (aiohttp's own included).
LOGGERS = ("coworkshop.server", "aiohttp.server", "aiohttp.web", "aiohttp.access",
           "aiohttp.internal", "asyncio")


def limit_logging() -> None:
    """Rate-limit every logger of the server (once per process)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RateLimited) for f in logger.filters):
            logger.addFilter(RateLimited())


class _OneLine:
    """aiohttp's server logger, with exceptions as one line and no traceback."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger

    def exception(self, msg: str, *args: Any, exc_info: Any = None, **_kw: Any) -> None:
        exc = exc_info if isinstance(exc_info, BaseException) else None
        reason = f"{type(exc).__name__}: {exc}" if exc is not None else "error"
        self._logger.warning(msg + " refused: %s", *args, " ".join(reason.split())[:300])

    def __getattr__(self, name: str) -> Any:
        return getattr(self._logger, name)


class Protocol(RequestHandler):
    """aiohttp's request handler with JSON refusals and a cap per address."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        peer = transport.get_extra_info("peername")
        self._peer = str(peer[0]) if isinstance(peer, tuple) and peer else "?"
        manager = self._manager
        counts: dict[str, int] = getattr(manager, "per_address", {})
        counts[self._peer] = counts.get(self._peer, 0) + 1
        if counts[self._peer] > getattr(manager, "connections_per_address", 1 << 30):
            self.force_close()

    def connection_lost(self, exc: BaseException | None) -> None:
        counts: dict[str, int] = getattr(self._manager, "per_address", {})
        peer = getattr(self, "_peer", None)
        if peer is not None and peer in counts:
            counts[peer] -= 1
            if counts[peer] <= 0:
                del counts[peer]
        super().connection_lost(exc)

    def handle_error(self, request: BaseRequest, status: int = 500,
                     exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        reason = " ".join(str(message or exc or "").split())[:200]
        log.warning("refused a malformed request from %s (%s): %s",
                    request.remote, status, reason)
        if request.writer.output_size > 0:
            raise ConnectionError("response already started")
        text = "the request is malformed" if status < 500 else "server error"
        resp = web.Response(status=status, content_type="application/json",
                            text=json.dumps({"error": text}))
        resp.force_close()
        return resp


class Runner(web.AppRunner):
    """An :class:`~aiohttp.web.AppRunner` whose connections use :class:`Protocol`."""

    def __init__(self, app: web.Application, *, connections_per_address: int,
                 **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.connections_per_address = connections_per_address

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        server.__class__ = _Server
        server.per_address = {}  # type: ignore[attr-defined]
        server.connections_per_address = self.connections_per_address  # type: ignore[attr-defined]
        return server


class _Server(web.Server):
    per_address: dict[str, int]
    connections_per_address: int

    def __call__(self) -> RequestHandler:
        return Protocol(self, loop=self._loop, **self._kwargs)


def server_options(idle_timeout: float) -> dict[str, Any]:
    """Keyword arguments of :class:`Runner` for the participants' server."""
    return {
        # Closes connections that send nothing, or their headers too slowly,
        # and idle keep-alive connections (phones reconnect at once).
        "keepalive_timeout": idle_timeout,
        # A phone's requests are short; aiohttp's defaults are 8 KiB.
        "max_line_size": 4096,
        "max_field_size": 4096,
        "max_headers": 64,
        "logger": _OneLine(logging.getLogger("aiohttp.server")),
        # A live stream's handler ends as soon as the phone goes away,
        # releasing its slot (ballots already queued are still written).
        "handler_cancellation": True,
    }
