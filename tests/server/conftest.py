"""A session file with one poll of every kind, and a participants' server on it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from coworkshop.core import polls as voting
from coworkshop.core import sessions, templates
from coworkshop.core.models import Session
from coworkshop.core.store import Store
from coworkshop.server.app import create_app
from coworkshop.server.room import Limits, Room
from helpers.templates import poll, question, template_toml

TEMPLATE = template_toml(
    poll("poll", "Poll", question("first", "open", "First thoughts?")),
)

CODE = "424242"
QUESTIONS = [
    {"key": "pick", "type": "single", "text": "Pick one", "options": ["A", "B", "C"]},
    {"key": "many", "type": "multiple", "text": "Up to two", "options": ["A", "B", "C"],
     "max_choices": 2},
    {"key": "say", "type": "open", "text": "Say", "max_length": 50},
    {"key": "ask", "type": "qa", "text": "Questions?"},
]


@dataclass
class Env:
    store: Store
    session: Session
    room: Room
    client: TestClient
    polls: dict[str, voting.PollInfo]

    async def join(self, group: str = "policy", name: str = "") -> dict[str, str]:
        resp = await self.client.post("/api/join", json={"code": CODE, "group": group,
                                                         "name": name})
        assert resp.status == 200, await resp.text()
        data = await resp.json()
        self.client.session.cookie_jar.clear()  # each phone is told apart by its token
        return {"Authorization": f"Bearer {data['token']}"}

    async def state_when(self, headers: dict[str, str], ready: Callable[[Any], bool],
                         timeout: float = 5.0) -> Any:
        """The room's state (``/api/state``) once ``ready(state)`` holds.

        Between reads it waits for the room's next change, never a fixed time.
        """
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            seen = self.room.version
            state = await (await self.client.get("/api/state", headers=headers)).json()
            if ready(state):
                return state
            left = deadline - asyncio.get_running_loop().time()
            assert left > 0, f"the room never got there: {state}"
            await self.room.wait_change(seen, left)

    def open(self, key: str) -> voting.PollInfo:
        poll = voting.open_poll(self.store, self.polls[key].id)
        self.room.changed()
        return poll


def build(path: Path) -> tuple[Store, Session, dict[str, voting.PollInfo]]:
    store = Store.create(path)
    with store.unit() as db:
        session = sessions.create_session(db, templates.parse_text(TEMPLATE),
                                          sessions.SessionDetails(title="Room test"))
        act = sessions.activities(db, session.id)[0]
    for q in QUESTIONS:
        voting.add_question(store, act.id, q)
    polls = {p.question.key: p for p in voting.polls(store, session.id)}
    return store, session, polls


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    store, session, polls = build(tmp_path / "room.cws")
    room = Room(store, session.id, code=CODE, limits=Limits(joins_burst=1000),
                min_interval=0.02, watch_interval=0.1)
    await room.start()
    client = TestClient(TestServer(create_app(room)))
    await client.start_server()
    try:
        yield Env(store, session, room, client, polls)
    finally:
        await room.stop()
        await client.close()
        store.close()
