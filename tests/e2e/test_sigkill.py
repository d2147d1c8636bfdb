"""kill -9 the server in the middle of voting: every acknowledged ballot survives."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
from pathlib import Path

import aiohttp

from coworkshop.core import polls as voting
from coworkshop.core.store import Store
from coworkshop.server.room import pseudonym

from .serving import CODE, Served, make_file

PHONES = 40  # enough at once that ballots share commits when the kill comes
ACKS_BEFORE_KILL = 300


async def vote_until_killed(url: str, polls: dict[str, str],
                            acked: list[tuple[str, str, object]], killed: asyncio.Event) -> int:
    """Each phone casts ballots in turn; returns the number of requests that failed."""
    failures = 0

    async def one_phone(http: aiohttp.ClientSession, n: int) -> None:
        nonlocal failures
        resp = await http.post(f"{url}/api/join", json={"code": CODE, "group": "policy"})
        token = (await resp.json())["token"]
        headers = {"Authorization": f"Bearer {token}"}
        for i in range(10_000):  # bounded: the kill comes long before
            if killed.is_set() and failures:
                return
            key = "stage" if i % 2 else "words"
            value: object = i % 3 if key == "stage" else f"phone {n} ballot {i}"
            try:
                resp = await http.post(f"{url}/api/polls/{polls[key]}/ballot",
                                       json={"value": value}, headers=headers)
                if resp.status == 200:
                    acked.append((token, polls[key], value))
                else:
                    assert resp.status == 429, await resp.text()
            except (TimeoutError, aiohttp.ClientError):
                failures += 1
                return
            await asyncio.sleep(0.2)  # a phone's pace, under the rate limit

    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        await asyncio.gather(*(one_phone(http, n) for n in range(PHONES)))
    return failures


def test_sigkill_loses_no_acknowledged_ballot(tmp_path: Path) -> None:
    path = tmp_path / "kill.cws"
    session_id = make_file(path)
    store = Store.open(path)
    polls = {p.question.key: p.id for p in voting.polls(store, session_id)}
    store.close()
    served = Served(path, "p/stage", "p/words", extra=("--joins-per-minute", "100000"))
    acked: list[tuple[str, str, object]] = []

    async def scenario() -> int:
        killed = asyncio.Event()

        async def killer() -> None:
            for _ in range(600):  # at most 60 s
                if len(acked) >= ACKS_BEFORE_KILL:
                    break
                await asyncio.sleep(0.1)
            os.kill(served.proc.pid, signal.SIGKILL)
            killed.set()

        failures, _ = await asyncio.gather(vote_until_killed(served.url, polls, acked, killed),
                                           killer())
        return int(failures)

    try:
        failures = asyncio.run(scenario())
    finally:
        served.stop()
    assert served.proc.returncode == -signal.SIGKILL
    assert len(acked) >= ACKS_BEFORE_KILL and failures > 0  # killed mid-voting

    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    store = Store.open(path)
    try:
        devices = {voting.hash_token(t): None for t, _, _ in acked}
        voters = {t: voting.voter_for_token(store, session_id, t) for t, _, _ in acked}
        assert len(devices) == PHONES and all(voters.values())
        info = {key: voting.get_poll(store, polls[key]) for key in polls}
        rows = {(b.participant_id, b.poll_id, repr(voting.ballot_positions(info[key], b)[1]))
                for key in polls for b in voting.ballot_history(store, polls[key])}
        # the polls are anonymous: ballots are stored against the phone's pseudonym
        missing = [(t, p, v) for t, p, v in acked
                   if (pseudonym(t, session_id), p, repr(v)) not in rows]
        assert missing == []
        # and still one live ballot per phone and poll
        for key in ("stage", "words"):
            live = voting.live_ballots(store, polls[key])
            assert len(live) == len({b.participant_id for b in live}) <= PHONES
    finally:
        store.close()
