"""Hostile or careless phones (issue 7): no 500, no traceback, no brute force, honest anonymity."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from coworkshop.core import polls as voting
from coworkshop.core import sessions
from coworkshop.core.models import Ballot, Device, Participant, QAItem
from coworkshop.server import VotingServer
from coworkshop.server import app as server_app
from coworkshop.server.protocol import RateLimited
from coworkshop.server.room import Limits, Room, RoomEvent
from helpers.db import commit

from .conftest import CODE, Env, build
from .test_server import read_event


async def eventually(check: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


def add(env: Env, question: dict[str, Any]) -> voting.PollInfo:
    with env.store.db() as db:
        act = sessions.activities(db, env.session.id)[0]
    poll = commit(env.store, voting.add_question, act.id, question)
    commit(env.store, voting.open_poll, poll.id)
    env.room.changed()
    return poll


def rows(env: Env, model: type) -> list[Any]:
    with env.store.db() as db:
        from sqlmodel import select

        return list(db.exec(select(model)))


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    bad = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not bad, [r.getMessage() for r in bad]


# ---------------------------------------------------------------- join code


async def test_while_an_address_is_held_back_the_right_code_is_refused_too(
        env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    room = env.room
    monkeypatch.setattr(room, "code_buckets", type(room.code_buckets)(3, 6 / 60))
    for _ in range(3):
        wrong = await env.client.post("/api/join", json={"code": "000000", "group": "policy"})
        assert wrong.status == 403
    held = await env.client.post("/api/join", json={"code": "000001", "group": "policy"})
    assert held.status == 429 and int(held.headers["Retry-After"]) >= 1
    right = await env.client.post("/api/join", json={"code": CODE, "group": "policy"})
    assert right.status == 429, "the right code must not get through while held back"
    with env.store.db() as db:
        assert sessions.participants(db, env.session.id) == []


async def test_the_room_stops_taking_codes_past_its_ceiling_until_a_new_code(
        tmp_path: Path) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    from coworkshop.server.app import create_app

    store, session, _ = build(tmp_path / "r.cws")
    limits = Limits(bad_code_burst=1000, bad_code_per_minute=1000, bad_codes_room_burst=5)
    room = Room(store, session.id, code=CODE, limits=limits)
    events: list[RoomEvent] = []
    room.subscribe(events.append)
    await room.start()
    client = TestClient(TestServer(create_app(room)))
    await client.start_server()
    try:
        # many addresses, each under its own limit: the room's ceiling still holds
        for n in range(5):
            assert room.wrong_code(f"10.0.0.{n}") == 0
        assert room.wrong_code("10.0.0.99") > 0
        assert [e.kind for e in events] == ["codes_locked"]
        right = await client.post("/api/join", json={"code": CODE, "group": "policy"})
        assert right.status == 429 and "paused" in (await right.json())["error"]
        new = room.new_code()
        assert new != CODE or len(new) == 6
        old = await client.post("/api/join", json={"code": CODE, "group": "policy"})
        ok = await client.post("/api/join", json={"code": new, "group": "policy"})
        assert ok.status == 200
        assert old.status == (200 if new == CODE else 403)
    finally:
        await room.stop()
        await client.close()
        store.close()


# ---------------------------------------------------------------- invalid text


async def test_invalid_unicode_is_refused_at_the_edge_and_nothing_stored(
        env: Env, caplog: pytest.LogCaptureFixture) -> None:
    headers = await env.join()
    cloud = add(env, {"key": "cloud", "type": "wordcloud", "text": "A word"})
    env.open("say")
    env.open("ask")
    await eventually(lambda: cloud.id in env.room.polls and env.room.polls[cloud.id].is_open)
    lone = "\udfff"
    cases = [
        (f"/api/polls/{cloud.id}/ballot", {"value": f"hi{lone}"}),
        (f"/api/polls/{env.polls['say'].id}/ballot", {"value": lone}),
        (f"/api/polls/{env.polls['ask'].id}/qa", {"text": f"why {lone}"}),
        (f"/api/polls/{cloud.id}/ballot", {"value": "ok", lone: 1}),  # in a key
    ]
    with caplog.at_level(logging.INFO):
        for path, body in cases:
            resp = await env.client.post(path, json=body, headers=headers)
            assert resp.status == 400, (path, await resp.text())
            assert "invalid" in (await resp.json())["error"]
        name = await env.client.post("/api/join", json={"code": CODE, "group": "policy",
                                                        "name": f"Iva{lone}"})
        assert name.status == 400
    no_tracebacks(caplog)
    assert rows(env, Ballot) == [] and rows(env, QAItem) == []
    assert len(rows(env, Participant)) == 1  # the phone that joined above, nobody else


@pytest.mark.parametrize("name", ["Iva\nPetrova", "Iva\rP", "Iva\tP", "\u202eavI",
                                  "Iva\u2066x", "\x07bell"])
async def test_names_refuse_line_breaks_and_direction_overrides(env: Env, name: str) -> None:
    resp = await env.client.post("/api/join", json={"code": CODE, "group": "policy",
                                                    "name": name})
    assert resp.status == 400 and "name" in (await resp.json())["error"]
    with env.store.db() as db:
        assert sessions.participants(db, env.session.id) == []


async def test_a_file_already_holding_invalid_text_still_shows_results_and_state(
        env: Env) -> None:
    headers = await env.join()
    cloud = add(env, {"key": "cloud", "type": "wordcloud", "text": "A word"})
    commit(env.store, voting.set_results_visible, cloud.id, True)
    # As an older version stored it: JSON escapes a lone surrogate as ASCII.
    con = sqlite3.connect(env.store.path)
    with con:
        con.execute(
            "INSERT INTO ballot (id, session_id, created_at, updated_at, poll_id, activity_id, "
            "question_key, statement_key, value, participant_id, stakeholder_group, device_id) "
            "VALUES ('b1', ?, '2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000', ?, ?, "
            "'cloud', '', ?, 'p-old', 'policy', '')",
            (env.session.id, cloud.id, cloud.activity_id, '"bad \\udfff word"'))
    con.close()
    env.room.changed()
    res = voting.results(env.store, cloud.id)
    assert res.rows[0].label == "bad \ufffd word"
    await eventually(lambda: "bad" in env.room.public_json)
    state = await env.client.get("/api/state", headers=headers)
    assert state.status == 200
    [shown] = (await state.json())["room"]["polls"]
    assert shown["results"]["rows"][0]["label"] == "bad \ufffd word"
    stream = await env.client.get("/api/events", headers=headers)
    assert stream.status == 200
    event = await read_event(stream)
    assert event["room"]["polls"][0]["results"]["rows"][0]["count"] == 1
    stream.close()


# ---------------------------------------------------------------- malformed bodies


async def test_malformed_bodies_get_400_never_500(
        env: Env, caplog: pytest.LogCaptureFixture) -> None:
    headers = await env.join()
    rate = add(env, {"key": "rate", "type": "scale_statements", "text": "Rate",
                     "scale": "relevance", "statements": ["One", "Two"]})
    await eventually(lambda: rate.id in env.room.polls)
    url = f"/api/polls/{rate.id}/ballot"
    deep = "[" * 100_000 + "]" * 100_000
    cases: list[tuple[bytes | str, str]] = [
        ('{"values": {"\u00b2": 0}}', "application/json"),  # a digit that is not 0-9
        ('{"values": {"\u0661": 0}}', "application/json"),  # Arabic-Indic one
        ('{"values": ' + deep + "}", "application/json"),
        ('{"values": ' + "[" * 20 + "]" * 20 + "}", "application/json"),
        ('{"values": {"0": 1}}', "application/json; charset=klingon"),
        ('{"values": {"0": 1}}', "application/json; charset=latin-1"),
        (b'{"values": {"0": "\xff"}}', "application/json"),
    ]
    with caplog.at_level(logging.INFO):
        for body, content_type in cases:
            resp = await env.client.post(url, data=body, headers={
                **headers, "Content-Type": content_type})
            assert 400 <= resp.status < 500, (str(body)[:60], resp.status)
            assert "error" in await resp.json()
    no_tracebacks(caplog)
    assert rows(env, Ballot) == []


async def raw(port: int, data: bytes, *, read: bool = True, timeout: float = 3) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    out = b""
    if read:
        try:
            out = await asyncio.wait_for(reader.read(65536), timeout)
        except TimeoutError:
            out = b"<timeout>"
    writer.close()
    return out


async def test_protocol_refusals_answer_json_in_one_log_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store, session, _ = build(tmp_path / "p.cws")
    server = VotingServer(store, session.id, code=CODE)
    await server.start("127.0.0.1", 0)
    port = server.port
    try:
        cases = [
            b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 10_000 + b"\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: x\r\nX-Nul: a\x00b\r\n\r\n",
            b"POST /api/join HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            b"POST /api/join HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
            b"Content-Length: 7\r\n\r\nhello",
        ]
        for data in cases:
            caplog.clear()
            with caplog.at_level(logging.INFO):
                answer = await raw(port, data)
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.split(b" ")[1].startswith(b"4"), (data[:40], answer[:200])
            assert b"application/json" in head
            assert "error" in json.loads(body)
            ours = [r for r in caplog.records if "malformed" in r.getMessage()]
            assert len(ours) == 1 and "\n" not in ours[0].getMessage()
            no_tracebacks(caplog)
        health = await raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert health.startswith(b"HTTP/1.1 200")
    finally:
        await server.stop()
        store.close()


async def test_a_phone_that_goes_away_mid_body_leaves_no_trace(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store, session, _ = build(tmp_path / "d.cws")
    server = VotingServer(store, session.id, code=CODE)
    await server.start("127.0.0.1", 0)
    try:
        with caplog.at_level(logging.INFO):
            await raw(server.port, b"POST /api/join HTTP/1.1\r\nHost: x\r\n"
                                   b"Content-Type: application/json\r\nContent-Length: 500\r\n"
                                   b"\r\n{\"code\": \"42", read=False)
            health = await raw(server.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            await asyncio.sleep(0.1)  # let the cut request's handler finish, if it would log
        assert health.startswith(b"HTTP/1.1 200")
        no_tracebacks(caplog)
        with store.db() as db:
            assert sessions.participants(db, session.id) == []
    finally:
        await server.stop()
        store.close()


# ---------------------------------------------------------------- slow and greedy


async def test_silent_slow_and_idle_connections_are_closed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server_app, "BODY_TIMEOUT", 0.5)
    store, session, _ = build(tmp_path / "s.cws")
    server = VotingServer(store, session.id, code=CODE, limits=Limits(idle_timeout=0.5))
    await server.start("127.0.0.1", 0)
    try:
        started = time.monotonic()
        silent = await raw(server.port, b"", timeout=5)
        assert silent == b"" and time.monotonic() - started < 3
        half_headers = await raw(server.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-", timeout=5)
        assert half_headers == b""
        slow_body = await raw(server.port, b"POST /api/join HTTP/1.1\r\nHost: x\r\n"
                                           b"Content-Type: application/json\r\n"
                                           b"Content-Length: 100\r\n\r\n{", timeout=5)
        assert slow_body.startswith(b"HTTP/1.1 408")
        assert time.monotonic() - started < 6
    finally:
        await server.stop()
        store.close()


async def test_a_live_stream_slot_is_released_when_the_phone_goes_away(env: Env) -> None:
    headers = await env.join()
    stream = await env.client.get("/api/events", headers=headers)
    await read_event(stream)
    assert env.room.streams == 1
    stream.close()  # the phone goes away; the next heartbeat is 15 s off
    started = time.monotonic()
    await eventually(lambda: env.room.streams == 0, timeout=2)
    assert time.monotonic() - started < 2


async def test_a_locked_file_gives_503_and_the_retry_is_counted(env: Env) -> None:
    headers = await env.join()
    poll = env.open("pick")
    await eventually(lambda: env.room.polls[poll.id].is_open)
    other = sqlite3.connect(env.store.path, timeout=0)
    other.execute("BEGIN EXCLUSIVE")  # another program holds the lock past the busy timeout
    try:
        busy = await env.client.post(f"/api/polls/{poll.id}/ballot", json={"value": 1},
                                     headers=headers)
        assert busy.status == 503 and int(busy.headers["Retry-After"]) >= 1
        assert "busy" in (await busy.json())["error"]
    finally:
        other.rollback()
        other.close()
    again = await env.client.post(f"/api/polls/{poll.id}/ballot", json={"value": 1},
                                  headers=headers)
    assert again.status == 200
    live = voting.live_ballots(env.store, poll.id)
    assert [voting.ballot_positions(poll, b)[1] for b in live] == [1]


def test_log_lines_are_rate_limited() -> None:
    limit = RateLimited(burst=5, per_second=0.0001)
    records = [logging.LogRecord("x", logging.WARNING, "", 0, "bad %s", (n,), None)
               for n in range(1000)]
    passed = [r for r in records if limit.filter(r)]
    assert len(passed) == 5
    limit.tokens = 1  # time passes
    later = logging.LogRecord("x", logging.WARNING, "", 0, "again", None, None)
    assert limit.filter(later) and "995 similar lines not logged" in later.getMessage()


# ---------------------------------------------------------------- anonymity


async def test_anonymous_ballots_cannot_be_linked_to_a_person_in_the_file(
        env: Env, tmp_path: Path) -> None:
    headers = await env.join("industry", name="Iva Petrova")
    token = headers["Authorization"][7:]
    named = add(env, {"key": "roles", "type": "single", "text": "Your role?",
                      "options": ["Lead", "Help"], "anonymous": False})
    pick = env.open("pick")
    env.open("ask")
    await eventually(lambda: named.id in env.room.polls and env.room.polls[named.id].is_open)
    for poll, value in ((pick, 2), (named, 1)):
        resp = await env.client.post(f"/api/polls/{poll.id}/ballot", json={"value": value},
                                     headers=headers)
        assert resp.status == 200
    post = await env.client.post(f"/api/polls/{env.polls['ask'].id}/qa", json={"text": "Why?"},
                                 headers=headers)
    item_id = (await post.json())["id"]
    assert (await env.client.post(f"/api/qa/{item_id}/upvote", json={"up": True},
                                  headers=headers)).status == 200
    [person] = rows(env, Participant)
    [device] = rows(env, Device)
    assert device.user_agent == ""
    ballots = {b.poll_id: b for b in rows(env, Ballot)}
    anon = ballots[pick.id]
    assert anon.participant_id not in (person.id, device.id) and anon.device_id == ""
    assert anon.stakeholder_group == "industry"
    # nothing in the file holds the pseudonym except the anonymous rows
    con = sqlite3.connect(env.store.path)
    dump = "\n".join(con.iterdump())
    con.close()
    lines = [line for line in dump.splitlines() if anon.participant_id in line]
    assert lines and all(line.startswith(('INSERT INTO "ballot"', 'INSERT INTO "qaitem"',
                                          'INSERT INTO "qavote"')) for line in lines)
    assert token not in dump
    assert ballots[named.id].participant_id == person.id  # a named question keeps the link
    [item] = rows(env, QAItem)
    assert item.participant_id == anon.participant_id and item.device_id == ""
    # a restarted server still shows the phone its own answers and upvotes
    fresh = Room(env.store, env.session.id, code=CODE)
    await fresh.start()
    try:
        voter = await fresh.voter(token)
        assert voter is not None
        await fresh.load_personal(voter, token)
        me = json.loads(fresh.state_for(voter))["me"]
        assert me["mine"][pick.id] == 2 and me["mine"][named.id] == 1
        assert me["upvoted"] == [item_id]
    finally:
        await fresh.stop()


# ---------------------------------------------------------------- where it listens


async def test_live_voting_listens_on_the_chosen_address_and_loopback_only(
        tmp_path: Path) -> None:
    store, session, _ = build(tmp_path / "l.cws")
    server = VotingServer(store, session.id, code=CODE)
    await server.start("", 0)
    try:
        listening = server.listening()
        assert "0.0.0.0" not in listening and "127.0.0.1" in listening
        assert server.addresses()[0].ip == listening[0]
        others = [a.ip for a in server.addresses() if a.ip not in listening]
        for ip in others:  # an address of the laptop nobody chose: nothing answers
            with socket.socket() as s:
                s.settimeout(1)
                assert s.connect_ex((ip, server.port)) != 0
        health = await raw(server.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert health.startswith(b"HTTP/1.1 200")
        # "This laptop only": the network address closes, loopback answers
        lan = listening[0]
        if lan != "127.0.0.1":
            await server.listen_on("127.0.0.1")
            assert server.listening() == ["127.0.0.1"]
            with socket.socket() as s:
                s.settimeout(1)
                assert s.connect_ex((lan, server.port)) != 0
            await server.listen_on(lan)  # and back: phones reach it again
            assert set(server.listening()) == {lan, "127.0.0.1"}
            with socket.socket() as s:
                s.settimeout(1)
                assert s.connect_ex((lan, server.port)) == 0
    finally:
        await server.stop()
        store.close()



async def test_the_idle_timeout_does_not_cut_a_live_stream(tmp_path: Path) -> None:
    from aiohttp import ClientSession

    store, session, polls = build(tmp_path / "i.cws")
    server = VotingServer(store, session.id, code=CODE, limits=Limits(idle_timeout=0.3))
    await server.start("127.0.0.1", 0)
    try:
        async with ClientSession(f"http://127.0.0.1:{server.port}") as http:
            joined = await (await http.post("/api/join", json={"code": CODE,
                                                               "group": "policy"})).json()
            headers = {"Authorization": f"Bearer {joined['token']}"}
            stream = await http.get("/api/events", headers=headers)
            await read_event(stream)
            await asyncio.sleep(1.0)  # three idle timeouts with nothing sent
            server.open_poll(polls["pick"].id)
            state = await read_event(stream)
            assert [p["ref"] for p in state["room"]["polls"]] == ["poll/pick"]
            stream.close()
    finally:
        await server.stop()
        store.close()
