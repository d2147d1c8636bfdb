"""The live room: who joined, what the phones are shown, and when it changed.

The room owns one database thread: every read and write of the participants'
server runs there, one after the other, so the event loop (shared with the
Textual app when the TUI runs the server) never waits on SQLite and ballots
never contend with each other for the write lock.

Ballots are written by group commit: while one batch is being committed, the
ballots that arrive wait together and go in the next transaction, so a room
voting at the same instant shares a few syncs instead of paying one each,
and a lone ballot is written at once (there is no timer to wait for).

What phones see is rebuilt in that thread after a change (coalesced, at most
every ``min_interval`` seconds) and pushed to every live connection. Changes
made by another process on the same file (a facilitator's app, ``coworkshop``
commands) are noticed through SQLite's ``data_version`` within a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from ..core import matching, translations
from ..core import polls as voting
from ..core.models import Session
from ..core.store import Store
from .shape import Texts, item_public, poll_public, results_public

log = logging.getLogger("coworkshop.server")
T = TypeVar("T")
#: Most ballots per transaction: a room of 300 voting at once takes one or
#: two commits (fewer, larger batches gave the lowest p99 in
#: benchmarks/voting_load.py), and no transaction holds the file's write lock
#: for long (about 100 ms for 300 ballots rating 8 statements each).
MAX_BATCH = 300


@dataclass(frozen=True)
class RoomEvent:
    """Something a phone did; given to the facilitator's app.

    ``kind`` is ``joined``, ``ballot``, ``qa_posted``, ``qa_upvoted``, or
    ``codes_locked``: too many wrong join codes from the network, the room
    takes no code until the facilitator gives a new one (or the lockout ends).
    """

    kind: str
    poll_id: str = ""
    participant_id: str = ""
    stakeholder_group: str = ""


@dataclass(frozen=True)
class Limits:
    """How hard a device or an address may push before it is slowed down."""

    device_burst: float = 30  # requests a device may send at once
    device_rate: float = 5  # then this many per second
    address_burst: float = 30  # requests without a valid token, per address
    address_rate: float = 2
    joins_burst: float = 20  # successful joins per address
    joins_per_minute: float = 60
    bad_code_burst: float = 8  # wrong join codes per address
    bad_code_per_minute: float = 6
    streams_per_device: int = 3  # live connections of one device
    streams_total: int = 2000
    #: Wrong join codes per minute from all addresses together; past it the
    #: room takes no code for ``lockout_seconds`` and the facilitator is warned.
    bad_codes_room_burst: float = 20
    bad_codes_room_per_minute: float = 10
    lockout_seconds: float = 300
    idle_timeout: float = 20  # seconds before a silent or idle connection is closed
    connections_per_address: int = 64


def pseudonym(token: str, session_id: str) -> str:
    """What anonymous ballots are stored against (see ``Room.ballot_voter``)."""
    digest = hmac.new(token.encode("utf-8", "replace"), f"voter:{session_id}".encode(),
                      hashlib.sha256)
    return "anon-" + digest.hexdigest()[:32]


class Buckets:
    """Token buckets keyed by device or address, bounded in memory."""

    def __init__(self, burst: float, per_second: float, max_keys: int = 20_000) -> None:
        self.burst, self.rate, self.max_keys = burst, per_second, max_keys
        self._b: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str, now: float | None = None) -> float:
        """0 if allowed, else the seconds to wait before the next request."""
        now = time.monotonic() if now is None else now
        tokens, last = self._b.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate if self.rate else 60.0
        self._b[key] = (tokens, now)
        while len(self._b) > self.max_keys:
            self._b.popitem(last=False)
        return wait

    def waiting(self, key: str, now: float | None = None) -> float:
        """Like :meth:`take` without taking: 0 if a request would be allowed."""
        now = time.monotonic() if now is None else now
        tokens, last = self._b.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1:
            return 0.0
        return (1 - tokens) / self.rate if self.rate else 60.0

    def clear(self) -> None:
        self._b.clear()


class Room:
    """State shared by the participants' handlers for one session."""

    def __init__(self, store: Store, session_id: str, *, code: str | None = None,
                 limits: Limits | None = None, min_interval: float = 0.25,
                 watch_interval: float = 0.25) -> None:
        self.store = store
        self.session_id = session_id
        self.code = code or voting.new_join_code()
        self.limits = limits or Limits()
        self.min_interval = min_interval
        self.watch_interval = watch_interval
        self.session: Session | None = None
        self.polls: dict[str, voting.PollInfo] = {}
        self.version = 0
        self.public_json = "{}"  # in the session's language
        self._public_by_lang: dict[str, str] = {}
        self.stopping = False
        self.streams = 0
        self.device_buckets = Buckets(self.limits.device_burst, self.limits.device_rate)
        self.address_buckets = Buckets(self.limits.address_burst, self.limits.address_rate)
        self.join_buckets = Buckets(self.limits.joins_burst, self.limits.joins_per_minute / 60)
        self.code_buckets = Buckets(self.limits.bad_code_burst,
                                    self.limits.bad_code_per_minute / 60)
        self.room_code_bucket = Buckets(self.limits.bad_codes_room_burst,
                                        self.limits.bad_codes_room_per_minute / 60)
        self.codes_locked_until = 0.0  # time.monotonic() until which no code is taken
        self._streams_of: dict[str, int] = {}
        self._voters: OrderedDict[str, voting.Voter] = OrderedDict()
        self._mine: dict[str, dict[str, Any]] = {}
        self._upvoted: dict[str, set[str]] = {}
        self._listeners: list[Callable[[RoomEvent], None]] = []
        self._ballots: list[tuple[voting.BallotRequest, asyncio.Future[voting.CastResult]]] = []
        self._writing: list[tuple[voting.BallotRequest, asyncio.Future[voting.CastResult]]] = []
        self._ballots_waiting = asyncio.Event()
        self._joins: list[tuple[tuple[str, str], asyncio.Future[voting.Joined]]] = []
        self._joins_waiting = asyncio.Event()
        self._db = ThreadPoolExecutor(1, thread_name_prefix="coworkshop-db")
        self._changed = asyncio.Event()
        self._dirty = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._fingerprint: tuple[Any, ...] = ()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._watch_con: sqlite3.Connection | None = None

    # ------------------------------------------------------------ join code

    def codes_locked(self) -> float:
        """Seconds until the room takes join codes again (0: it takes them)."""
        return max(0.0, self.codes_locked_until - time.monotonic())

    def wrong_code(self, address: str) -> float:
        """Count a wrong code from ``address``; the seconds it must wait, if any.

        Past the room's ceiling the room stops taking codes for a while and
        the facilitator is told (a ``codes_locked`` event).
        """
        wait = self.code_buckets.take(address)
        if self.room_code_bucket.take("room"):
            self.codes_locked_until = time.monotonic() + self.limits.lockout_seconds
            log.warning("too many wrong join codes: the room takes no code for %d s",
                        self.limits.lockout_seconds)
            self.emit(RoomEvent("codes_locked"))
            return self.limits.lockout_seconds
        return wait

    def new_code(self, code: str = "") -> str:
        """A new join code (``code``, or a random one): the old one stops
        working and any lockout ends."""
        self.code = code or voting.new_join_code()
        self.codes_locked_until = 0.0
        self.room_code_bucket.clear()
        self.code_buckets.clear()
        return self.code

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self.run(self._load)
        self._tasks = [asyncio.create_task(self._broadcaster(), name="room-broadcast"),
                       asyncio.create_task(self._watcher(), name="room-watch"),
                       asyncio.create_task(self._ballot_writer(), name="room-ballots"),
                       asyncio.create_task(self._join_writer(), name="room-joins")]

    def _load(self) -> None:
        with self.store.db() as db:
            session = db.get(Session, self.session_id)
        if session is None:
            raise voting.UserError("no such session")
        self.session = session
        self._rebuild()

    async def stop(self) -> None:
        """Wake every live connection so it ends, then stop the room's tasks."""
        self.stopping = True
        self._changed.set()
        self._dirty.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._db.shutdown(wait=False, cancel_futures=True)

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """Run ``func`` in the room's database thread."""
        return await asyncio.get_running_loop().run_in_executor(self._db, func, *args)

    # ------------------------------------------------------------ ballots

    async def cast(self, poll: voting.PollInfo, voter: voting.Voter,
                   value: Any) -> voting.CastResult:
        """Cast a ballot; returns once it is committed to disk, or raises its refusal."""
        if self.stopping:
            raise voting.UserError("the server is stopping: your answer was not counted")
        future: asyncio.Future[voting.CastResult] = asyncio.get_running_loop().create_future()
        self._ballots.append((voting.BallotRequest(poll, voter, value), future))
        self._ballots_waiting.set()
        return await future

    @property
    def ballots_waiting(self) -> int:
        """Ballots received and not answered yet: queued, or in the commit under way."""
        return len(self._ballots) + len(self._writing)

    async def _ballot_writer(self) -> None:
        """Write the waiting ballots, a batch at a time (see the module's docstring)."""
        try:
            while not self.stopping:
                await self._ballots_waiting.wait()
                self._writing = self._ballots[:MAX_BATCH]
                self._ballots = self._ballots[MAX_BATCH:]
                if not self._ballots:
                    self._ballots_waiting.clear()
                requests = [request for request, _ in self._writing]
                try:
                    results = await self.run(voting.cast_ballots, self.store, requests)
                except Exception as exc:  # cast_ballots answers for each; this is worse
                    log.exception("could not write ballots")
                    results = [exc] * len(requests)
                for (_, future), result in zip(self._writing, results, strict=True):
                    if future.done():  # the handler is gone (cancelled)
                        continue
                    if isinstance(result, Exception):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
                self._writing = []
        finally:
            # Stopping: these phones get no answer and will send again; a ballot
            # of the commit under way may be stored, and sending it again
            # changes nothing.
            for _, future in self._writing + self._ballots:
                future.cancel()
            self._writing, self._ballots = [], []

    # ------------------------------------------------------------ joins

    async def join(self, group: str, name: str) -> voting.Joined:
        """A phone joins; returns once it is committed, or raises its refusal.

        Joins are written like ballots: those arriving while one batch
        commits share the next transaction (a room scanning the QR code
        together pays a few syncs, not two each).
        """
        if self.stopping:
            raise voting.UserError("the server is stopping")
        future: asyncio.Future[voting.Joined] = asyncio.get_running_loop().create_future()
        self._joins.append(((group, name), future))
        self._joins_waiting.set()
        return await future

    async def join_as(self, code: str, pick: str) -> voting.Joined:
        """A phone joins as a registered participant (personal code or picked
        name): one transaction in the database thread; raises its refusal."""
        if self.stopping:
            raise voting.UserError("the server is stopping")
        session = self.session
        assert session is not None
        return await self.run(
            lambda: voting.join_as(self.store, session, code=code, pick=pick))

    async def names(self) -> list[dict[str, str]]:
        """The registered names a phone may pick ([] unless the facilitator allows it)."""
        def read() -> list[dict[str, str]]:
            with self.store.db() as db:
                if not matching.name_pick_allowed(db, self.session_id):
                    return []
                return [{"id": p.id, "name": p.name}
                        for p in matching.pickable(db, self.session_id)]
        return await self.run(read)

    async def _join_writer(self) -> None:
        batch: list[tuple[tuple[str, str], asyncio.Future[voting.Joined]]] = []
        try:
            while not self.stopping:
                await self._joins_waiting.wait()
                batch, self._joins = self._joins[:MAX_BATCH], self._joins[MAX_BATCH:]
                if not self._joins:
                    self._joins_waiting.clear()
                assert self.session is not None
                try:
                    results: list[Any] = await self.run(
                        voting.join_many, self.store, self.session, [r for r, _ in batch])
                except Exception as exc:
                    log.exception("could not write joins")
                    results = [exc] * len(batch)
                for (_, future), result in zip(batch, results, strict=True):
                    if future.done():
                        continue
                    if isinstance(result, Exception):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
                batch = []
        finally:
            for _, future in batch + self._joins:
                future.cancel()
            self._joins = []

    # ------------------------------------------------------------ events

    def subscribe(self, callback: Callable[[RoomEvent], None]) -> Callable[[], None]:
        """Call ``callback`` (on the event loop) for every :class:`RoomEvent`."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback)

    def emit(self, event: RoomEvent) -> None:
        for callback in list(self._listeners):
            try:
                callback(event)
            except Exception:  # a listener's bug must not break the room
                log.exception("room event listener failed")

    def changed(self) -> None:
        """Something phones may see has changed: rebuild and push soon."""
        self._dirty.set()

    async def wait_change(self, seen: int, timeout: float) -> None:
        """Return when the room's version is no longer ``seen`` (or on timeout)."""
        if self.version != seen or self.stopping:
            return
        # asyncio.timeout, not wait_for: every live connection waits here, and
        # wait_for would make a task for each of them after every change.
        try:
            async with asyncio.timeout(timeout):
                await self._changed.wait()
        except TimeoutError:
            pass

    async def _broadcaster(self) -> None:
        while not self.stopping:
            await self._dirty.wait()
            self._dirty.clear()
            if self.stopping:
                return
            try:
                await self.run(self._rebuild)
            except Exception:
                log.exception("could not rebuild the room's state")
            await asyncio.sleep(self.min_interval)

    async def _watcher(self) -> None:
        """Notice changes other processes made to the file (cheap when idle)."""
        if str(self.store.path) == ":memory:":
            return
        con = await self.run(self._watch_connection)
        last = -1
        try:
            while not self.stopping:
                await asyncio.sleep(self.watch_interval)
                try:
                    version = await self.run(self._data_version, con)
                    if version != last:
                        last = version
                        fingerprint = await self.run(self._read_fingerprint)
                        if fingerprint != self._fingerprint:
                            self._fingerprint = fingerprint
                            self.changed()
                except Exception:
                    log.exception("could not watch the session file")
        finally:
            # Closed in the database thread, after the query it may still be
            # running for us: closing it here, while that thread uses it, can
            # crash the interpreter (seen as a segfault when a room stops).
            # If the room is stopping, shutting the thread down may cancel this
            # job; close() then closes the connection once the thread is done.
            self._watch_con = con
            with contextlib.suppress(RuntimeError):  # the thread is gone: close() does it
                self._db.submit(self._close_watch)

    def _close_watch(self) -> None:
        con, self._watch_con = self._watch_con, None
        if con is not None:
            con.close()

    def close(self) -> None:
        """(blocking, after :meth:`stop`) Wait for the database thread to finish
        its job under way and close the room's own connection, so the file can
        be folded back at once."""
        self._db.shutdown(wait=True)
        self._close_watch()

    def _watch_connection(self) -> sqlite3.Connection:
        return sqlite3.connect(str(self.store.path), check_same_thread=False, timeout=5)

    @staticmethod
    def _data_version(con: sqlite3.Connection) -> int:
        return int(con.execute("PRAGMA data_version").fetchone()[0])

    def _read_fingerprint(self) -> tuple[Any, ...]:
        sid = self.session_id
        with self.store.engine.connect() as conn:
            row = conn.exec_driver_sql(
                """SELECT
                  (SELECT count(*) || max(updated_at) FROM poll WHERE session_id = ?),
                  (SELECT count(*) || max(updated_at) FROM activity WHERE session_id = ?),
                  (SELECT count(*) || max(updated_at) FROM qaitem WHERE session_id = ?),
                  (SELECT count(*) || max(updated_at) FROM qavote WHERE session_id = ?),
                  (SELECT count(*) || max(updated_at) FROM tally WHERE session_id = ?)""",
                (sid,) * 5,
            ).one()
            # Ballots change what phones see only through results on show.
            # Counted always, this server's own ballots would rebuild the room
            # (in the database thread, ahead of the next ballots) four times a
            # second while a room votes with the results hidden.
            ballots = None
            if any(p.is_open and p.results_visible for p in self.polls.values()):
                ballots = conn.exec_driver_sql(
                    "SELECT count(*) FROM ballot WHERE session_id = ?", (sid,)).scalar()
        return (*row, ballots)

    # ------------------------------------------------------------ what phones see

    def _rebuild(self) -> None:
        """(DB thread) Recompute the shared state; bump the version if it changed."""
        assert self.session is not None
        # The fingerprint is read FIRST: a change committed while the polls and
        # their results are read (results take a while on a big file) is then
        # newer than the fingerprint kept, so the watcher notices it. Read
        # after, it would include that change while phones are shown the state
        # from before it, and the change would never reach them.
        fingerprint = self._read_fingerprint()
        polls = voting.polls(self.store, self.session_id)
        self.polls = {p.id: p for p in polls}
        plan = self.session.plan
        own = translations.base(self.session.language) or "en"
        langs = translations.languages(plan, own)
        shown: dict[str, list[dict[str, Any]]] = {lang: [] for lang in langs}
        for p in polls:
            if not p.is_open:
                continue
            items = results = None
            if p.type == "qa":
                items = [item_public(i) for i in voting.qa_items(self.store, p.id)[:100]]
            if p.results_visible and p.type != "qa":
                results = voting.results(self.store, p.id)
            for lang in langs:
                texts = Texts(p, plan, lang) if lang != own else None
                item = poll_public(p, texts)
                if items is not None:
                    item["items"] = items
                if results is not None:
                    item["results"] = results_public(results, texts)
                shown[lang].append(item)
        by_lang: dict[str, str] = {}
        for lang in langs:
            # Nothing open: phones show the waiting message, not an old poll's results.
            state = {"title": self.session.title, "groups": self.groups(lang),
                     "polls": shown[lang]}
            # readable(): a file may hold text stored before invalid text was refused
            by_lang[lang] = voting.readable(
                json.dumps(state, ensure_ascii=False, separators=(",", ":")))
        text = by_lang[own]
        self._fingerprint = fingerprint
        if by_lang != self._public_by_lang:
            self.public_json = text
            self._public_by_lang = by_lang
            # we are in the DB thread: the version moves on the event loop
            if self._loop is not None:
                self._loop.call_soon_threadsafe(self._bump)

    def _bump(self) -> None:
        self.version += 1
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    def groups(self, language: str) -> list[dict[str, str]]:
        """The stakeholder groups a phone picks from, labelled in ``language``."""
        assert self.session is not None
        plan = self.session.plan
        return [{"key": g["key"],
                 "label": translations.group_label(plan, g["key"], language, g["label"])}
                for g in plan.get("stakeholder_groups", [])]

    def state_for(self, voter: voting.Voter | None, language: str = "") -> str:
        """The JSON a phone receives: the shared state (in ``language`` when the
        session has it, else in its own) plus its own answers."""
        public = self._public_by_lang.get(translations.base(language), self.public_json)
        mine: dict[str, Any] = {}
        upvoted: list[str] = []
        if voter is not None:
            answers = self._mine.get(voter.participant_id, {})
            mine = {pid: v for pid, v in answers.items()
                    if pid in self.polls and self.polls[pid].is_open}
            upvoted = sorted(self._upvoted.get(voter.participant_id, set()))
        me = json.dumps({"mine": mine, "upvoted": upvoted, "v": self.version,
                         "group": voter.stakeholder_group if voter else ""},
                        ensure_ascii=False, separators=(",", ":"))
        return '{"room":' + public + ',"me":' + voting.readable(me) + "}"

    # ------------------------------------------------------------ voters

    async def voter(self, token: str) -> voting.Voter | None:
        """The voter holding ``token`` (cached), or None."""
        if not token or len(token) > 200:
            return None
        key = voting.hash_token(token)
        found = self._voters.get(key)
        if found is None:
            found = await self.run(voting.voter_for_token, self.store, self.session_id, token)
            if found is None:
                return None
            self.remember(key, found)
        return found

    def remember(self, token_hash: str, voter: voting.Voter) -> None:
        self._voters[token_hash] = voter
        while len(self._voters) > 10_000:
            self._voters.popitem(last=False)

    # ------------------------------------------------------------ anonymity
    # An anonymous question's ballots, Q&A items and upvotes are stored against
    # a pseudonym, not the participant: HMAC-SHA256 keyed by the device's
    # token, which only the phone holds (the file keeps its SHA-256). Nothing
    # in the file links a pseudonym to a participant, a device or a name; the
    # server recomputes it from the token the phone sends.

    def pseudonym(self, token: str) -> str:
        """The pseudonym of the device holding ``token`` in this session."""
        return pseudonym(token, self.session_id)

    def ballot_voter(self, voter: voting.Voter, token: str,
                     poll: voting.PollInfo) -> voting.Voter:
        """Who the core records for ``poll``: the pseudonym if it is anonymous."""
        if not poll.question.anonymous:
            return voter
        return voting.Voter(self.pseudonym(token), voter.stakeholder_group, "")

    def poll_of_item(self, item_id: str) -> str:
        """(DB thread) The poll of a Q&A item of this session, or ""."""
        with self.store.engine.connect() as conn:
            found = conn.exec_driver_sql(
                "SELECT poll_id FROM qaitem WHERE id = ? AND session_id = ?",
                (item_id, self.session_id)).scalar()
        return str(found or "")

    async def load_personal(self, voter: voting.Voter, token: str) -> None:
        """Fetch a participant's answers and upvotes once (then kept up to date)."""
        pid = voter.participant_id
        if pid in self._mine:
            return
        anon = self.pseudonym(token)

        def load() -> tuple[dict[str, Any], set[str]]:
            polls = list(self.polls.values())
            answers: dict[str, Any] = {}
            upvoted: set[str] = set()
            for who, anonymous in ((pid, False), (anon, True)):
                mine = [p for p in polls if p.question.anonymous == anonymous]
                answers |= voting.answers_for(self.store, who, mine)
                upvoted |= voting.upvoted_by(self.store, who,
                                             [p.id for p in mine if p.type == "qa"])
            return answers, upvoted
        answers, upvoted = await self.run(load)
        self._mine.setdefault(pid, answers)
        self._upvoted.setdefault(pid, upvoted)

    def record_answer(self, voter: voting.Voter, poll_id: str, value: Any) -> None:
        self._mine.setdefault(voter.participant_id, {})[poll_id] = value

    def record_upvote(self, voter: voting.Voter, item_id: str, up: bool) -> None:
        mine = self._upvoted.setdefault(voter.participant_id, set())
        if up:
            mine.add(item_id)
        else:
            mine.discard(item_id)

    async def poll(self, poll_id: str) -> voting.PollInfo | None:
        """A poll of this session by id (re-reading the file once if unknown)."""
        found = self.polls.get(poll_id)
        if found is None and len(poll_id) <= 64:
            await self.run(self._rebuild)
            found = self.polls.get(poll_id)
        return found

    # ------------------------------------------------------------ streams

    def open_stream(self, device_id: str) -> bool:
        if self.streams >= self.limits.streams_total:
            return False
        if self._streams_of.get(device_id, 0) >= self.limits.streams_per_device:
            return False
        self.streams += 1
        self._streams_of[device_id] = self._streams_of.get(device_id, 0) + 1
        return True

    def close_stream(self, device_id: str) -> None:
        self.streams -= 1
        left = self._streams_of.get(device_id, 1) - 1
        if left:
            self._streams_of[device_id] = left
        else:
            self._streams_of.pop(device_id, None)
