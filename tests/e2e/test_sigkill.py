"""kill -9 the server in the middle of voting: every acknowledged ballot survives."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
from pathlib import Path

from coworkshop.core import polls as voting
from coworkshop.core.store import Store

from .serving import CODE, Served, make_file, missing_ballots, phones_vote

PHONES = 40  # enough at once that ballots share commits when the kill comes
ACKS_BEFORE_KILL = 300


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

        failures, _ = await asyncio.gather(
            phones_vote(served.url, CODE, polls, acked, PHONES,
                        done=lambda failed: killed.is_set() and failed > 0),
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
        # the polls are anonymous: ballots are stored against the phone's pseudonym
        assert missing_ballots(store, session_id, polls, acked) == []
        # and still one live ballot per phone and poll
        for key in ("stage", "words"):
            live = voting.live_ballots(store, polls[key])
            assert len(live) == len({b.participant_id for b in live}) <= PHONES
    finally:
        store.close()
