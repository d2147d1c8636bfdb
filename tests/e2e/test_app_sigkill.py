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

from coworkshop.core import polls as voting
from coworkshop.core.store import Store

from .serving import make_file, missing_ballots, phones_vote

PHONES = 20
ACKS_BEFORE_KILL = 150


def gone(pid: int) -> bool:
    """True once ``pid`` has ended (a zombie nobody reaps has ended too)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


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

        await asyncio.gather(
            phones_vote(url, code, polls, acked, PHONES,
                        done=lambda _failed: bool(killed_at)
                        and time.monotonic() > killed_at[0] + 3),
            killer())

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
        assert missing_ballots(store, session_id, polls, acked) == []
    finally:
        store.close()
