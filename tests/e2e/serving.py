"""Run ``coworkshop serve`` in a subprocess on loopback, for the end-to-end tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from coworkshop.core import sessions, templates
from coworkshop.core.store import Store
from helpers.templates import RELEVANCE, poll, question, template_toml

CODE = "135790"
TEMPLATE = template_toml(
    poll(
        "p",
        "Warm-up",
        question("stage", "single", "Where do you stand?",
                 options=["Not started", "Exploring", "Piloting"]),
        question("rate", "scale_statements", "How relevant is each vision?", scale="relevance",
                 statements=["Transparency", "Quality", "Recognition"]),
        question("ask", "qa", "What cannot be done yet?"),
        question("words", "open", "One thing to improve"),
    ),
    name="e2e",
    title="Voting end to end",
    scales={"relevance": RELEVANCE},
)


def make_file(path: Path) -> str:
    store = Store.create(path)
    try:
        with store.unit() as db:
            session = sessions.create_session(db, templates.parse_text(TEMPLATE),
                                              sessions.SessionDetails(title="E2E room"))
        return session.id
    finally:
        store.close()


class Served:
    """A ``coworkshop serve`` process; ``url`` is its base URL."""

    def __init__(self, path: Path, *opens: str, extra: tuple[str, ...] = ()) -> None:
        args = [sys.executable, "-m", "coworkshop", "serve", str(path), "--host", "127.0.0.1",
                "--port", "0", "--code", CODE, *extra]
        for ref in opens:
            args += ["--open", ref]
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=env)
        self.url = ""
        deadline = time.monotonic() + 20
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            found = re.search(r"(http://127\.0\.0\.1:\d+)/j/" + CODE, line)
            if found:
                self.url = found.group(1)
                return
        self.stop()
        err = self.proc.stderr.read() if self.proc.stderr else ""
        raise RuntimeError(f"coworkshop serve did not start: {err}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()


Acked = list[tuple[str, str, object]]  # (token, poll id, value) the server acknowledged


async def phones_vote(url: str, code: str, polls: dict[str, str], acked: Acked, phones: int,
                      done: Callable[[int], bool]) -> int:
    """``phones`` phones join with ``code`` and cast ballots in turn (``stage``,
    ``words``) at a phone's pace until ``done(failures so far)`` or the server
    stops answering; every acknowledged ballot goes into ``acked``. Returns
    how many requests failed (the server gone)."""
    import asyncio

    import aiohttp

    failures = 0

    async def one_phone(http: aiohttp.ClientSession, n: int) -> None:
        nonlocal failures
        resp = await http.post(f"{url}/api/join", json={"code": code, "group": "policy"})
        assert resp.status == 200, await resp.text()
        token = (await resp.json())["token"]
        headers = {"Authorization": f"Bearer {token}"}
        for i in range(10_000):  # bounded: the kill comes long before
            if done(failures):
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

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        await asyncio.gather(*(one_phone(http, n) for n in range(phones)))
    return failures


def missing_ballots(store: Store, session_id: str, polls: dict[str, str],
                    acked: Acked) -> Acked:
    """The acknowledged ballots the file does not hold (stored against each
    phone's pseudonym: the polls are anonymous)."""
    from coworkshop.core import polls as voting
    from coworkshop.server.room import pseudonym

    info = {key: voting.get_poll(store, poll_id) for key, poll_id in polls.items()}
    rows = {(b.participant_id, b.poll_id, repr(voting.ballot_positions(info[key], b)[1]))
            for key in polls for b in voting.ballot_history(store, polls[key])}
    return [(t, p, v) for t, p, v in acked
            if (pseudonym(t, session_id), p, repr(v)) not in rows]
