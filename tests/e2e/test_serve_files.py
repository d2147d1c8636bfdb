"""`coworkshop serve` stopped normally leaves one complete file, no side files."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

import aiohttp
import pytest

from coworkshop.core import polls as voting
from coworkshop.core.store import Store

from .serving import CODE, Served, make_file


async def _cast_one(url: str, poll_id: str) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
        resp = await http.post(f"{url}/api/join", json={"code": CODE, "group": "policy"})
        token = (await resp.json())["token"]
        resp = await http.post(f"{url}/api/polls/{poll_id}/ballot", json={"value": 2},
                               headers={"Authorization": f"Bearer {token}"})
        assert resp.status == 200, await resp.text()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_stopped_server_leaves_the_ballot_in_the_file_alone(
        tmp_path: Path, sig: signal.Signals) -> None:
    path = tmp_path / "room.cws"
    session_id = make_file(path)
    store = Store.open(path)  # polls() makes the poll rows on first listing
    try:
        poll_id = next(p.id for p in voting.polls(store, session_id) if p.question.key == "stage")
    finally:
        store.close()
    served = Served(path, "p/stage")
    try:
        asyncio.run(_cast_one(served.url, poll_id))
        assert Path(f"{path}-wal").exists()  # while serving, WAL mode
        served.proc.send_signal(sig)
        assert served.proc.wait(15) == 0
    finally:
        served.stop()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["room.cws", "sessions"]
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        values = con.execute("SELECT value FROM ballot WHERE poll_id=?", (poll_id,)).fetchall()
    finally:
        con.close()
    assert values == [('"piloting"',)]  # option 3 of "Where do you stand?", by its key
