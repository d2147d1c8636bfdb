"""Generated requests at every endpoint: no 5xx, /healthz still answers, nothing malformed stored.

The server runs on loopback in a thread with limits wide open, so that the
generated requests reach the handlers instead of the rate limits. Requests go
out on raw sockets: headers and paths can be anything a client could send.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coworkshop.core import polls as voting
from coworkshop.core import sessions
from coworkshop.core.models import Ballot, Participant, QAItem
from coworkshop.core.store import Store
from coworkshop.server import VotingServer
from coworkshop.server.room import Limits
from e2e.serving import CODE, make_file

WIDE = Limits(device_burst=1e9, device_rate=1e9, address_burst=1e9, address_rate=1e9,
              joins_burst=1e9, joins_per_minute=1e9, bad_code_burst=1e9,
              bad_code_per_minute=1e9, bad_codes_room_burst=1e9,
              bad_codes_room_per_minute=1e9, streams_per_device=1000)


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Room:
    """A participants' server in a thread, with one joined phone's token."""

    def __init__(self, path: Path) -> None:
        self.session_id = make_file(path)
        self.store = Store.open(path)
        self.loop = asyncio.new_event_loop()
        self.server = VotingServer(self.store, self.session_id, code=CODE, limits=WIDE)
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(self.server.start("127.0.0.1", 0))
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        assert ready.wait(20)
        self.port = self.server.port
        self.polls = voting.polls(self.store, self.session_id)
        for p in self.polls:
            voting.open_poll(self.store, p.id)
        self.server.changed()
        status, body = send(self.port, "POST", "/api/join",
                            {"Content-Type": "application/json"},
                            json.dumps({"code": CODE, "group": "policy"}).encode(), full=True)
        assert status == 200, body
        self.token = json.loads(body)["token"]
        # Q&A items to upvote, posted before generation starts (strategies
        # must not depend on what earlier examples stored)
        qa = next(p for p in self.polls if p.type == "qa")
        for text in ("First question?", "Second question?"):
            status, body = send(self.port, "POST", f"/api/polls/{qa.id}/qa",
                                {"Content-Type": "application/json",
                                 "Authorization": f"Bearer {self.token}"},
                                json.dumps({"text": text}).encode(), full=True)
            assert status == 200, body
        self.item_ids = self.items()

    def items(self) -> list[str]:
        """Ids of the Q&A items posted so far (upvotes need real ones)."""
        with self.store.db() as db:
            from sqlmodel import select

            return list(db.exec(select(QAItem.id)))

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.store.close()


def send(port: int, method: str, path: str, headers: dict[str, str], body: bytes,
         full: bool = False) -> tuple[int, bytes]:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    raw = head.encode("latin-1", "replace")
    for k, v in headers.items():
        raw += k.encode("latin-1", "replace") + b": " + v.encode("utf-8") + b"\r\n"
    raw += f"Content-Length: {len(body)}\r\n\r\n".encode() + body
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(raw)
        answer = b""
        while b"\r\n\r\n" not in answer or full:
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
    status_line = answer.split(b"\r\n", 1)[0]
    status = int(status_line.split(b" ")[1]) if status_line.startswith(b"HTTP/") else 0
    return status, answer.partition(b"\r\n\r\n")[2]


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    collect = Collect()
    logging.getLogger().addHandler(collect)
    r = Room(tmp_path_factory.mktemp("prop") / "prop.cws")
    r.log = collect  # type: ignore[attr-defined]
    try:
        yield r
    finally:
        r.close()
        logging.getLogger().removeHandler(collect)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10) | st.floats(allow_nan=True)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=12,
)
plausible = st.one_of(
    st.fixed_dictionaries({"value": st.integers(-1, 3) | st.lists(st.integers(-1, 3),
                                                                  max_size=4)}),
    st.fixed_dictionaries({"value": st.text(max_size=12)}),
    st.fixed_dictionaries({"values": st.dictionaries(
        st.sampled_from(["0", "1", "2", "3", "\u00b2", "01", "-1"]), st.integers(-1, 3),
        max_size=3)}),
    st.fixed_dictionaries({"text": st.text(max_size=40)}),
    st.fixed_dictionaries({"up": st.booleans()}),
    st.fixed_dictionaries({"code": st.just(CODE), "group": st.sampled_from(["policy", "x"]),
                           "name": st.text(max_size=20)}),
).map(lambda d: json.dumps(d).encode())
bodies = (
    plausible | plausible
    | st.builds(lambda v: json.dumps(v, allow_nan=True).encode(), json_values)
    | st.fixed_dictionaries({}, optional={
        "code": st.sampled_from([CODE, "000000", ""]) | st.text(max_size=8),
        "group": st.sampled_from(["policy", "industry", ""]) | st.text(max_size=8),
        "name": st.text(max_size=70),
        "value": json_values, "values": json_values, "text": st.text(max_size=40),
        "up": json_values,
    }).map(lambda d: json.dumps(d).encode())
    | st.binary(max_size=200)
)
segment = st.text(max_size=20).map(lambda t: "".join(
    c if c.isalnum() and c.isascii() else f"%{b:02X}" for c in t for b in
    (c.encode("utf-8", "surrogatepass") if not (c.isalnum() and c.isascii()) else [0])))
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF,
                                    blacklist_characters="\r\n"), max_size=40)


@st.composite
def answers(draw: st.DrawFn, room: Room) -> tuple[str, str, dict[str, str], bytes]:
    """A phone answering an open poll: right envelope, generated answer."""
    poll = draw(st.sampled_from(room.polls))
    headers = {"Authorization": f"Bearer {room.token}", "Content-Type": "application/json"}
    if poll.type == "qa":
        if draw(st.booleans()):
            item = draw(st.sampled_from(room.item_ids))
            body = draw(st.fixed_dictionaries({"up": st.booleans() | json_values}))
            return "POST", f"/api/qa/{item}/upvote", headers, json.dumps(body).encode()
        body = {"text": draw(st.text(max_size=60) | json_values)}
        return "POST", f"/api/polls/{poll.id}/qa", headers, json.dumps(body).encode()
    if poll.type == "scale_statements":
        body = {"values": draw(st.dictionaries(
            st.sampled_from(["0", "1", "2", "3", "\u00b2", "01", "-1", ""]),
            st.integers(-1, 3) | json_values, max_size=3))}
    else:
        body = {"value": draw(st.integers(-1, 3) | st.text(max_size=30) | json_values)}
    return "POST", f"/api/polls/{poll.id}/ballot", headers, json.dumps(body).encode()


@st.composite
def requests(draw: st.DrawFn, room: Room) -> tuple[str, str, dict[str, str], bytes]:
    if draw(st.booleans()):
        return draw(answers(room))
    poll = draw(st.sampled_from(room.polls)).id
    some_id = draw(st.sampled_from([poll, "x" * 70, "", "../etc"]) | segment)
    item = draw(st.sampled_from(room.item_ids))
    path = draw(st.sampled_from([
        "/", f"/j/{some_id}", "/static/app.js", "/static/app.css", "/static/../x",
        "/healthz", "/favicon.ico", "/api/join", "/api/state", "/api/events",
        f"/api/polls/{some_id}/ballot", f"/api/qa/{some_id}/upvote", f"/{some_id}",
    ] + [f"/api/polls/{poll}/ballot"] * 6 + [f"/api/polls/{poll}/qa"] * 2
        + [f"/api/qa/{item}/upvote"] * 2))
    query = draw(st.sampled_from(["", "", "", "?code=" + some_id, "?" + some_id]))
    # Mostly well-formed envelopes, so that most requests reach the handlers.
    method = draw(st.sampled_from(["POST"] * 6 + ["GET"] * 3 + ["HEAD", "PUT", "OPTIONS"]))
    headers: dict[str, str] = {}
    auth = draw(st.sampled_from(["valid"] * 4 + ["none", "junk"]))
    if auth == "valid":
        headers["Authorization"] = f"Bearer {room.token}"
    elif auth == "junk":
        headers["Authorization"] = draw(header_text)
    kind = draw(st.sampled_from(["application/json"] * 6 + [
        "application/json; charset=utf-8", "text/plain", "application/json; charset=utf-16",
        "random"]))
    headers["Content-Type"] = draw(header_text) if kind == "random" else kind
    if draw(st.integers(0, 3)) == 0:
        for name, value in draw(st.dictionaries(
                st.sampled_from(["Origin", "Cookie", "Accept", "User-Agent", "X-Forwarded-For",
                                 "Transfer-Encoding", "Accept-Charset", "Range"]),
                header_text, max_size=3)).items():
            headers[name] = value
    return method, path + query, headers, draw(bodies)


@settings(max_examples=250, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_generated_requests_never_get_a_5xx(room: Room, data: st.DataObject) -> None:
    method, path, headers, body = data.draw(requests(room))
    status, answer = send(room.port, method, path, headers, body)
    assert 0 < status < 500, (method, path, headers, body[:80], status, answer[:200])
    health, _ = send(room.port, "GET", "/healthz", {}, b"")
    assert health == 200


def test_nothing_malformed_was_stored_and_nothing_logged_a_traceback(room: Room) -> None:
    """Runs after the property test (same module): the file holds only valid rows."""
    def text_ok(text: str) -> bool:
        return voting.text_problem(text, one_line=False) == ""

    by_id = {p.id: p for p in voting.polls(room.store, room.session_id)}
    with room.store.db() as db:
        from sqlmodel import select

        ballots: list[Any] = list(db.exec(select(Ballot)))
        people = list(db.exec(select(Participant)))
        items = list(db.exec(select(QAItem)))
    for b in ballots:
        poll = by_id[b.poll_id]
        # stored by keys; phones send positions
        statement, stored = voting.ballot_positions(poll, b)
        value = {statement: stored} if poll.type == "scale_statements" else stored
        assert voting.check_value(poll, value) == value
    groups = [g["key"] for g in sessions.stakeholder_groups(room.store.only_session())]
    for p in people:
        assert voting.text_problem(p.name, one_line=True) == "" and p.stakeholder_group in groups
    assert all(text_ok(i.text) for i in items)
    log: Collect = room.log  # type: ignore[attr-defined]
    bad = [r.getMessage() for r in log.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not bad
