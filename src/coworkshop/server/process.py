"""The participants' server in a process of its own, started by the app.

Inside the facilitator's app the server must not share a process (and its
GIL) with Textual drawing the screen: the phones' answers waited behind the
live chart (``benchmarks/RESULTS.md``). :class:`ServerProcess` starts a child
process, ``python -m coworkshop.server.process``, and talks to it over the
child's standard input and output, one JSON array per line (:class:`Channel`;
plain pipes work the same on Linux, macOS and Windows): the app sends
commands and the server sends back replies, what phones do and how many are
connected:

    app -> server   ("start", path, session_id, host, port, code) first, then
                    (id, "listen_on", ip) | (0, "changed") | (0, "new_code", code)
                    | (id, "stop")
    server -> app   ("started", {"host", "port", "auto", "code"}) | ("error", told)
                    | ("reply", id, ok, value) | ("event", kind, poll_id, group, locked)
                    | ("connected", count)

The join code goes over the pipe, never on a command line others can read.
The server process opens its own store on the same file. It stops cleanly,
commits under way finished and its store closed, on ``stop``, on SIGTERM, and
when the app is gone (its input reads end of file, even after kill -9); the
last one out folds the file back (no ``-wal`` left). Its own output and
errors never reach the app's terminal, where Textual draws.

The parent side imports neither aiohttp nor SQLModel.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from . import netinfo

CONNECTED_EVERY = 0.25  # seconds between counts of live connections sent to the app


class ServerError(Exception):
    """The server process refused a command: a :class:`UserError`'s template,
    parameters and code, sent over so the app shows it in its language."""

    def __init__(self, told: Any) -> None:
        if isinstance(told, (list, tuple)) and len(told) == 3:
            template, self.params, self.code = told
        else:
            template, self.params, self.code = told, {}, ""
        self.template = str(template)
        super().__init__(self.template)

    def user_error(self) -> Exception:
        from ..core.errors import UserError

        return UserError(self.template, code=self.code, **self.params)


def _told(exc: Exception) -> tuple[str, dict[str, Any], str]:
    """(server process) What the app is told of ``exc``, as JSON can carry it."""
    template = getattr(exc, "template", None)
    if template is None:
        return str(exc), {}, ""
    return template, dict(getattr(exc, "params", {})), str(getattr(exc, "code", ""))


class Channel:
    """Messages (JSON arrays, one per line) over a pair of byte streams.

    ``send`` may be called from any thread; ``recv`` from one thread at a time
    and raises :class:`EOFError` once the other side is gone.
    """

    def __init__(self, reading: IO[bytes], writing: IO[bytes]) -> None:
        self._reading, self._writing = reading, writing
        self._lock = threading.Lock()

    def send(self, message: tuple[Any, ...]) -> None:
        self.send_many([message])

    def send_many(self, messages: list[tuple[Any, ...]]) -> None:
        """Several messages with one write (one system call for a room's burst)."""
        data = b"".join(json.dumps(m, default=str, separators=(",", ":")).encode() + b"\n"
                        for m in messages)
        with self._lock:
            self._writing.write(data)
            self._writing.flush()

    def recv(self) -> list[Any]:
        line = self._reading.readline()
        if not line.endswith(b"\n"):
            raise EOFError
        message = json.loads(line)
        if not isinstance(message, list) or not message:
            raise EOFError  # not ours: treated as the other side gone
        return message

    def close(self) -> None:
        for stream in (self._writing, self._reading):
            with contextlib.suppress(OSError, ValueError):
                stream.close()


class ServerProcess(netinfo.Reachable):
    """(app side) The participants' server running in a child process.

    Read as :class:`~coworkshop.server.runner.VotingServer` is by the app:
    ``code``, ``addresses()``, ``base_url(ip)``, ``join_url(ip)`` (both
    :class:`~coworkshop.server.netinfo.Reachable`), ``connected()``,
    ``room.codes_locked()``; commands are coroutines that
    never block the app's loop (a reader thread hands messages over).
    """

    def __init__(self, on_event: Callable[[str, str, str], None],
                 on_gone: Callable[[], None] | None = None) -> None:
        self.on_event = on_event  # (kind, poll_id, stakeholder_group), on the app's loop
        #: Called (on the app's loop) if the process ends without being told to.
        self.on_gone = on_gone
        self._stopping = False
        self._code = ""
        self.host = ""
        self.port = 0
        self.auto = False
        self._connected = 0
        self._locked_until = 0.0
        self._proc: subprocess.Popen[bytes] | None = None
        self._conn: Channel | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._started: asyncio.Future[dict[str, Any]] | None = None
        self._replies: dict[int, asyncio.Future[Any]] = {}
        self._next_id = 1
        self._reader: threading.Thread | None = None

    # ------------------------------------------------------------ lifecycle

    async def start(self, path: Path, session_id: str, host: str, port: int, code: str) -> None:
        """Start the process and wait until it listens (raises :class:`ServerError`)."""
        self._loop = loop = asyncio.get_running_loop()
        self._started = loop.create_future()
        await asyncio.to_thread(self._spawn, path, session_id, host, port, code)
        try:
            info = await self._started
        except BaseException:
            await self.stop()
            raise
        self.host, self.port, self.auto = info["host"], info["port"], info["auto"]
        self._code = info["code"]

    def _spawn(self, path: Path, session_id: str, host: str, port: int, code: str) -> None:
        env = dict(os.environ)
        # the child imports coworkshop from where the app did
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        env["PYTHONUNBUFFERED"] = "1"
        proc = self._proc = subprocess.Popen(
            [sys.executable, "-m", "coworkshop.server.process"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
            start_new_session=True)  # POSIX: Ctrl+C and hang-ups in the terminal are the app's
        assert proc.stdin is not None and proc.stdout is not None
        self._conn = Channel(proc.stdout, proc.stdin)
        # the join code goes over the pipe, not the command line others can read
        self._send("start", str(path), session_id, host, port, code)
        self._reader = threading.Thread(target=self._read, name="coworkshop-live-reader",
                                        daemon=True)
        self._reader.start()

    async def stop(self, timeout: float = 10) -> None:
        """Stop serving and wait for the process to end (its store closed)."""
        self._stopping = True
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None and self._conn is not None:
            try:
                await asyncio.wait_for(self._request("stop"), timeout)
            except (ServerError, TimeoutError, OSError):
                pass
        try:
            await asyncio.to_thread(proc.wait, timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            await asyncio.to_thread(proc.wait)
        self._proc = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._reader is not None:
            await asyncio.to_thread(self._reader.join, 5)

    @property
    def pid(self) -> int:
        return self._proc.pid if self._proc is not None else 0

    # ------------------------------------------------------------ commands

    def _send(self, *message: Any) -> None:
        conn = self._conn
        if conn is None:
            return
        try:
            conn.send(message)
        except (OSError, ValueError):  # the process is gone
            pass

    async def _request(self, name: str, *args: Any) -> Any:
        assert self._loop is not None
        ident, self._next_id = self._next_id, self._next_id + 1
        future = self._replies[ident] = self._loop.create_future()
        self._send(ident, name, *args)
        try:
            return await future
        finally:
            self._replies.pop(ident, None)

    async def listen_on(self, ip: str) -> None:
        self.host = await self._request("listen_on", ip)

    def changed(self) -> None:
        self._send(0, "changed")

    @property
    def code(self) -> str:
        """The join code the server takes (as told by it, or as last set)."""
        return self._code

    def new_code(self, code: str) -> None:
        self._code = code
        self._locked_until = 0.0
        self._send(0, "new_code", code)

    # ------------------------------------------------------------ reading

    def _read(self) -> None:
        """(reader thread) Hand each message over to the app's loop."""
        conn, loop = self._conn, self._loop
        assert conn is not None and loop is not None
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError, ValueError):
                message = ["gone"]
            try:
                loop.call_soon_threadsafe(self._handle, message)
            except RuntimeError:  # the app's loop is closed
                return
            if message[0] == "gone":
                return

    def _handle(self, message: list[Any]) -> None:
        kind = message[0]
        if kind == "event":
            _, event, poll_id, group, locked = message
            if event == "codes_locked":
                self._locked_until = time.monotonic() + locked
            self.on_event(event, poll_id, group)
        elif kind == "connected":
            self._connected = message[1]
        elif kind == "reply":
            _, ident, ok, value = message
            future = self._replies.get(ident)
            if future is not None and not future.done():
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(ServerError(value))
        elif kind in ("started", "error", "gone"):
            started = self._started
            if started is not None and not started.done():
                if kind == "started":
                    started.set_result(message[1])
                else:
                    text = message[1] if kind == "error" else "the server could not start"
                    started.set_exception(ServerError(text))
            if kind == "gone":
                self._connected = 0
                for future in self._replies.values():
                    if not future.done():
                        future.set_exception(ServerError("the server has stopped"))
                was_serving = started is None or (started.done() and not started.exception())
                if was_serving and not self._stopping and self.on_gone is not None:
                    self.on_gone()

    # ------------------------------------------------------------ read by the app

    @property
    def room(self) -> ServerProcess:
        """Read as ``server.room.codes_locked()``, as of a :class:`VotingServer`."""
        return self

    def codes_locked(self) -> float:
        """Seconds until the room takes join codes again (0: it takes them)."""
        return max(0.0, self._locked_until - time.monotonic())

    def connected(self) -> int:
        """Live connections (phones showing the page), as last counted."""
        return self._connected


# ---------------------------------------------------------------- the child


async def _child(conn: Channel, path: str, session_id: str, host: str, port: int,
                 code: str) -> None:
    from ..core import polls as voting
    from ..core.store import Store
    from .room import RoomEvent
    from .runner import VotingServer

    loop = asyncio.get_running_loop()
    done = asyncio.Event()

    def send(*message: Any) -> None:
        send_all([message])

    def send_all(messages: list[tuple[Any, ...]]) -> None:
        try:
            conn.send_many(messages)
        except (OSError, ValueError):  # the app is gone: stop
            with contextlib.suppress(RuntimeError):  # the loop has ended
                loop.call_soon_threadsafe(done.set)

    server: VotingServer | None = None
    # What phones did, sent once per turn of the event loop: a room voting at
    # once makes one write to the app, not one per ballot.
    events: list[tuple[Any, ...]] = []

    def send_events() -> None:
        batch = events[:]
        events.clear()
        send_all(batch)

    def on_event(event: RoomEvent) -> None:
        locked = server.room.codes_locked() if server is not None else 0.0
        if not events:
            loop.call_soon(send_events)
        events.append(("event", event.kind, event.poll_id, event.stakeholder_group, locked))

    try:
        # the app checked the file in full when it opened it
        store = await asyncio.to_thread(lambda: Store.open(path, full_check=False))
    except Exception as exc:  # noqa: BLE001 - told to the app
        send("error", _told(exc))
        return
    server = VotingServer(store, session_id, code=code, on_event=on_event)
    try:
        await server.start(host, port)
    except Exception as exc:  # noqa: BLE001 - told to the app
        await asyncio.to_thread(store.close)
        send("error", _told(exc))
        return

    async def command(ident: int, name: str, *args: Any) -> None:
        assert server is not None
        try:
            if name == "listen_on":
                await server.listen_on(args[0])
                value: Any = server.host
            elif name == "changed":
                server.changed()
                value = None
            elif name == "new_code":
                value = server.room.new_code(args[0])
            elif name == "stop":
                done.set()
                return
            else:
                raise voting.UserError(f"unknown command {name}")
        except Exception as exc:  # noqa: BLE001 - told to the app
            if ident:
                send("reply", ident, False, _told(exc))
            return
        if ident:
            send("reply", ident, True, value)

    stop_ident = 0

    def read() -> None:
        """(reader thread) Commands onto the loop; end of file: the app is gone."""
        nonlocal stop_ident
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError, ValueError):
                with contextlib.suppress(RuntimeError):  # the loop has ended
                    loop.call_soon_threadsafe(done.set)
                return
            if message[1] == "stop":
                stop_ident = message[0]
            asyncio.run_coroutine_threadsafe(command(*message), loop)
            if message[1] == "stop":
                return

    threading.Thread(target=read, name="coworkshop-commands", daemon=True).start()
    import signal

    for name in ("SIGTERM", "SIGHUP"):  # a clean stop (Windows ends the process instead)
        with contextlib.suppress(AttributeError, NotImplementedError, RuntimeError):
            loop.add_signal_handler(getattr(signal, name), done.set)
    send("started", {"host": server.host, "port": server.port, "auto": server.auto,
                     "code": server.code})

    async def count() -> None:
        last = -1
        while True:
            now = server.connected()
            if now != last:
                send("connected", now)
                last = now
            await asyncio.sleep(CONNECTED_EVERY)

    counting = loop.create_task(count())
    try:
        await done.wait()
    finally:
        counting.cancel()
        await server.stop()  # commits under way finish first
        await asyncio.to_thread(store.close)  # folds the file in if the app is gone
        if stop_ident:
            send("reply", stop_ident, True, None)


def main() -> None:
    """(server process) Serve until told to stop, or until the app is gone."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the app decides when to stop
    # the app's pipes, kept apart: nothing else may write on them
    conn = Channel(os.fdopen(os.dup(0), "rb"), os.fdopen(os.dup(1), "wb"))
    _quiet()
    try:
        _, path, session_id, host, port, code = conn.recv()
    except (EOFError, OSError, ValueError):
        return
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_child(conn, path, session_id, host, port, code))
    # Served, stopped, the store closed and the file folded back. The thread
    # reading the app's commands may still wait on the pipe (stopped by
    # SIGTERM while the app lives): closing that stream, or Python's own
    # shutdown, would wait for it forever. Nothing is left to finish.
    os._exit(0)


def _quiet() -> None:
    """(server process) Standard input, output and error are the null device:
    a stray print or warning never lands in the app's messages."""
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.close(null)
    sys.stdin = open(os.devnull)  # noqa: SIM115 - for the process's life
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - for the process's life


if __name__ == "__main__":
    main()
