"""kill -9 the facilitator's app in the middle of live voting: its server
process stops on its own, and every acknowledged ballot is in the file."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from coworkshop.core import polls as voting
from coworkshop.core.store import Store
from coworkshop.server.room import pseudonym

from .serving import make_file

PHONES = 20
ACKS_BEFORE_KILL = 150


def gone(pid: int) -> bool:
    """True once ``pid`` has ended (a zombie nobody reaps has ended too)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


async def vote(url: str, code: str, polls: dict[str, str],
               acked: list[tuple[str, str, object]], killed_at: list[float]) -> None:
    """Phones vote until the server is gone (or a few seconds after the kill)."""
    async def one_phone(http: aiohttp.ClientSession, n: int) -> None:
        resp = await http.post(f"{url}/api/join", json={"code": code, "group": "policy"})
        assert resp.status == 200, await resp.text()
        token = (await resp.json())["token"]
        headers = {"Authorization": f"Bearer {token}"}
        for i in range(10_000):  # bounded: the kill comes long before
            if killed_at and time.monotonic() > killed_at[0] + 3:
                return
            key = "stage" if i % 2 else "words"
            value: object = i % 3 if key == "stage" else f"phone {n} ballot {i}"
            try:
                resp = await http.post(f"{url}/api/polls/{polls[key]}/ballot",
                                       json={"value": value}, headers=headers)
            except (TimeoutError, aiohttp.ClientError):
                return  # the server has stopped
            if resp.status == 200:
                acked.append((token, polls[key], value))
            await asyncio.sleep(0.2)  # a phone's pace, under the rate limit

    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        await asyncio.gather(*(one_phone(http, n) for n in range(PHONES)))


def test_app_killed_its_server_stops_and_keeps_every_acknowledged_ballot(tmp_path: Path) -> None:
    path = tmp_path / "room" / "kill.cws"
    path.parent.mkdir()
    session_id = make_file(path)
    store = Store.open(path)
    polls = {p.question.key: p.id for p in voting.polls(store, session_id)}
    for key in ("stage", "words"):
        with store.unit() as db:
            voting.open_poll(db, polls[key])
    store.close()
    app = subprocess.Popen([sys.executable, str(Path(__file__).parent / "live_app.py"), str(path)],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert app.stdout is not None
    url, code, server_pid = app.stdout.readline().split()
    acked: list[tuple[str, str, object]] = []
    killed_at: list[float] = []

    async def scenario() -> None:
        async def killer() -> None:
            for _ in range(600):  # at most 60 s
                if len(acked) >= ACKS_BEFORE_KILL:
                    break
                await asyncio.sleep(0.1)
            app.kill()  # SIGKILL: the app has no chance to stop its server
            killed_at.append(time.monotonic())

        await asyncio.gather(vote(url, code, polls, acked, killed_at), killer())

    try:
        asyncio.run(scenario())
        assert app.wait(10) == -signal.SIGKILL
        deadline = time.monotonic() + 15
        while not gone(int(server_pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert gone(int(server_pid)), "the server process outlived the app"
    finally:
        app.kill()
        if not gone(int(server_pid)):
            os.kill(int(server_pid), signal.SIGKILL)
    assert len(acked) >= ACKS_BEFORE_KILL
    # the server stopped cleanly once the app was gone: the file is folded back
    assert not Path(f"{path}-wal").exists()
    store = Store.open(path)
    try:
        info = {key: voting.get_poll(store, polls[key]) for key in ("stage", "words")}
        rows = {(b.participant_id, b.poll_id, repr(voting.ballot_positions(info[key], b)[1]))
                for key in info for b in voting.ballot_history(store, polls[key])}
        missing = [(t, p, v) for t, p, v in acked
                   if (pseudonym(t, session_id), p, repr(v)) not in rows]
        assert missing == []
    finally:
        store.close()
