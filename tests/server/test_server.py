"""The participants' endpoints through aiohttp's test client."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession

from coworkshop.core import polls as voting
from coworkshop.core import sessions
from coworkshop.core.store import Store
from coworkshop.server import VotingServer
from coworkshop.server.app import create_app
from coworkshop.server.room import Room
from helpers.db import commit

from .conftest import CODE, Env, build


def people(env: Env) -> list[sessions.Participant]:
    with env.store.db() as db:
        return sessions.participants(db, env.session.id)


async def read_event(resp: Any, timeout: float = 5.0) -> dict[str, Any]:
    """The next ``state`` event of a server-sent event stream."""
    deadline = time.monotonic() + timeout
    data = ""
    while time.monotonic() < deadline:
        line = await asyncio.wait_for(resp.content.readline(), deadline - time.monotonic())
        text = line.decode().rstrip("\n")
        if text.startswith("data: "):
            data = text[6:]
        elif text == "" and data:
            return dict(json.loads(data))
    raise AssertionError("no state event")


async def until(resp: Any, pred: Any, timeout: float = 5.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        state = await read_event(resp, deadline - time.monotonic())
        if pred(state):
            return state


async def test_join_needs_the_code_and_creates_a_participant(env: Env) -> None:
    bad = await env.client.post("/api/join", json={"code": "000000", "group": "policy"})
    assert bad.status == 403 and "wrong join code" in (await bad.json())["error"]
    assert people(env) == []
    ok = await env.client.post("/api/join", json={"code": CODE, "group": "industry",
                                                  "name": "<b>Iva</b>"})
    assert ok.status == 200
    assert "cws_device" in ok.cookies
    assert ok.cookies["cws_device"]["httponly"]
    [p] = people(env)
    assert (p.name, p.stakeholder_group) == ("<b>Iva</b>", "industry")
    unknown_group = await env.client.post("/api/join", json={"code": CODE, "group": "x"})
    assert unknown_group.status == 400


async def test_state_needs_a_token_and_shows_open_polls(env: Env) -> None:
    assert (await env.client.get("/api/state")).status == 401
    headers = await env.join()
    state = await (await env.client.get("/api/state", headers=headers)).json()
    assert state["room"]["polls"] == []
    env.open("pick")
    state = await env.state_when(headers, lambda s: s["room"]["polls"])
    assert [p["ref"] for p in state["room"]["polls"]] == ["poll/pick"]
    assert state["room"]["polls"][0]["choices"] == ["A", "B", "C"]


async def test_cookie_is_enough_after_joining(env: Env) -> None:
    await env.client.post("/api/join", json={"code": CODE, "group": "policy"})
    assert (await env.client.get("/api/state")).status == 200


async def test_ballot_is_committed_changed_and_refused_after_close(env: Env) -> None:
    headers = await env.join("industry")
    poll = env.open("pick")
    url = f"/api/polls/{poll.id}/ballot"
    first = await env.client.post(url, json={"value": 0}, headers=headers)
    assert first.status == 200 and (await first.json())["value"] == 0
    # committed before the phone was told: a fresh connection sees it
    other = Store.open(env.store.path)
    assert [voting.ballot_positions(poll, b)[1] for b in voting.live_ballots(other, poll.id)] == [0]
    second = await env.client.post(url, json={"value": 2}, headers=headers)
    assert second.status == 200
    history = voting.ballot_history(other, poll.id)
    assert [voting.ballot_positions(poll, b)[1] for b in history] == [0, 2]
    assert [voting.ballot_positions(poll, b)[1] for b in voting.live_ballots(other, poll.id)] == [2]
    assert voting.live_ballots(other, poll.id)[0].stakeholder_group == "industry"
    commit(env.store, voting.close_poll, poll.id)
    late = await env.client.post(url, json={"value": 1}, headers=headers)
    assert late.status == 409
    assert "closed" in (await late.json())["error"]
    assert [voting.ballot_positions(poll, b)[1] for b in voting.live_ballots(other, poll.id)] == [2]
    other.close()


Ballot = tuple[dict[str, str], str, Any]  # a phone's headers, a poll id, a value


async def vote_at_once(env: Env, monkeypatch: pytest.MonkeyPatch,
                       ballots: list[Ballot]) -> tuple[list[Any], list[int]]:
    """Post every (headers, poll id, value) at the same instant; return the
    responses and the sizes of the batches the room committed.

    The database thread is kept busy until every ballot waits for it, so none
    can be answered early, and the test checks that none is.
    """
    batches: list[int] = []
    cast_ballots = voting.cast_ballots

    def counted(store: Store, requests: list[voting.BallotRequest]) -> list[Any]:
        batches.append(len(requests))
        return cast_ballots(store, requests)

    monkeypatch.setattr(voting, "cast_ballots", counted)
    gate = threading.Event()
    busy = asyncio.ensure_future(env.room.run(gate.wait, 10))
    posts = [asyncio.ensure_future(env.client.post(f"/api/polls/{poll_id}/ballot",
                                                   json={"value": value}, headers=headers))
             for headers, poll_id, value in ballots]
    try:
        for _ in range(500):  # bounded: until every ballot has reached the room
            if env.room.ballots_waiting == len(ballots):
                break
            await asyncio.sleep(0.01)
        assert env.room.ballots_waiting == len(ballots)
        assert not any(post.done() for post in posts)  # nobody is told before the commit
    finally:
        gate.set()
        await busy
    return list(await asyncio.gather(*posts)), batches


async def test_a_room_voting_at_once_is_answered_after_few_shared_commits(
        env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    phones = [await env.join(group) for group in ("policy", "industry") * 30]
    poll = env.open("pick")
    responses, batches = await vote_at_once(
        env, monkeypatch, [(headers, poll.id, n % 3) for n, headers in enumerate(phones)])
    assert [r.status for r in responses] == [200] * len(phones)
    assert [(await r.json())["value"] for r in responses] == [n % 3 for n in range(len(phones))]
    assert sum(batches) == len(phones) and len(batches) <= 2  # not one commit per ballot
    other = Store.open(env.store.path)  # what is on disk
    try:
        live = {b.participant_id: voting.ballot_positions(poll, b)[1]
                for b in voting.live_ballots(other, poll.id)}
        for n, headers in enumerate(phones):
            # an anonymous poll: stored against the pseudonym only the token gives
            assert live[env.room.pseudonym(headers["Authorization"][7:])] == n % 3
        assert len(live) == len(phones)
    finally:
        other.close()


async def test_a_bad_ballot_in_a_burst_is_refused_alone(
        env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    phones = [await env.join() for _ in range(8)]
    pick, many = env.open("pick"), env.open("many")
    commit(env.store, voting.close_poll, many.id)
    ballots = [(headers, pick.id, 1) for headers in phones]
    ballots[2] = (phones[2], pick.id, 9)  # no such option
    ballots[4] = (phones[4], many.id, [0])  # the poll closed before it arrived
    ballots[6] = (phones[6], pick.id, "1; DROP TABLE ballot")
    responses, batches = await vote_at_once(env, monkeypatch, ballots)
    statuses = [r.status for r in responses]
    assert statuses == [200, 200, 400, 200, 409, 200, 400, 200]
    assert "no choice 9" in (await responses[2].json())["error"]
    assert "closed" in (await responses[4].json())["error"]
    assert "number of a choice" in (await responses[6].json())["error"]
    assert max(batches) > 1  # the refused ones were in a batch with others
    other = Store.open(env.store.path)
    try:
        live = voting.live_ballots(other, pick.id)
        assert [voting.ballot_positions(pick, b)[1] for b in live] == [1] * 5
        assert voting.ballot_history(other, many.id) == []
    finally:
        other.close()


async def test_stopping_drops_unanswered_ballots_at_once(env: Env) -> None:
    headers = await env.join()
    poll = env.open("pick")
    voter = await env.room.voter(headers["Authorization"][7:])
    assert voter is not None
    gate = threading.Event()
    busy = asyncio.ensure_future(env.room.run(gate.wait, 10))
    waiting = [asyncio.ensure_future(env.room.cast(poll, voter, n)) for n in range(3)]
    try:
        for _ in range(500):  # bounded: until the writer holds the first ballot
            if env.room.ballots_waiting == 3:
                break
            await asyncio.sleep(0.01)
        started = time.monotonic()
        await env.room.stop()
        assert time.monotonic() - started < 1.0
        results = await asyncio.gather(*waiting, return_exceptions=True)
        assert all(isinstance(r, asyncio.CancelledError) for r in results)
        with pytest.raises(voting.UserError, match="stopping"):
            await env.room.cast(poll, voter, 0)
    finally:
        gate.set()
        await asyncio.gather(busy, return_exceptions=True)


async def test_hostile_and_malformed_requests_get_4xx_and_change_nothing(env: Env) -> None:
    headers = await env.join()
    poll = env.open("pick")
    url = f"/api/polls/{poll.id}/ballot"
    cases = [
        (url, {"data": b"{not json", "headers": {**headers, "Content-Type": "application/json"}},
         400),
        (url, {"data": b"value=1",
               "headers": {**headers, "Content-Type": "application/x-www-form-urlencoded"}},
         415),
        (url, {"json": [1, 2], "headers": headers}, 400),
        (url, {"json": {"value": 99}, "headers": headers}, 400),
        (url, {"json": {"value": "1; DROP TABLE ballot"}, "headers": headers}, 400),
        (url, {"json": {"value": 1}, "headers": {**headers, "Origin": "http://evil.example"}},
         403),
        (url, {"json": {"value": 1}, "headers": {"Authorization": "Bearer forged"}}, 401),
        (url, {"json": {"value": 1}}, 401),
        ("/api/polls/nope/ballot", {"json": {"value": 1}, "headers": headers}, 404),
        ("/api/polls/" + "x" * 5000 + "/ballot", {"json": {"value": 1}, "headers": headers},
         404),
        (url, {"json": {"value": "x" * 40_000}, "headers": headers}, 413),
        (f"/api/polls/{env.polls['say'].id}/ballot", {"json": {"value": "hi"},
                                                      "headers": headers}, 409),
        ("/api/qa/nope/upvote", {"json": {"up": True}, "headers": headers}, 404),
        ("/api/qa/nope/upvote", {"json": {"up": "yes"}, "headers": headers}, 400),
        ("/api/join", {"json": {"code": CODE, "group": ["policy"]}}, 400),
        ("/api/join", {"json": {"code": 424242, "group": "policy"}}, 403),
    ]
    for path, kwargs, status in cases:
        resp = await env.client.post(path, **kwargs)
        assert resp.status == status, (path, kwargs.get("json"), await resp.text())
        body = await resp.json()
        assert isinstance(body["error"], str) and body["error"]
    assert voting.ballot_history(env.store, poll.id) == []
    assert len(people(env)) == 1
    # and the server still serves
    assert (await env.client.post(url, json={"value": 1}, headers=headers)).status == 200


async def test_no_facilitator_action_is_reachable_from_a_phone(env: Env) -> None:
    headers = await env.join()
    poll = env.polls["pick"]
    for method, path in [
        ("POST", f"/api/polls/{poll.id}/open"), ("POST", f"/api/polls/{poll.id}/close"),
        ("POST", f"/api/polls/{poll.id}/results"), ("POST", f"/api/polls/{poll.id}/tally"),
        ("POST", "/api/qa/x/hide"), ("POST", "/api/qa/x/highlight"),
        ("PUT", f"/api/polls/{poll.id}"),
        ("DELETE", f"/api/polls/{poll.id}"), ("GET", "/api/results"), ("GET", "/admin"),
    ]:
        resp = await env.client.request(method, path, json={}, headers=headers)
        assert resp.status in (404, 405), (method, path)
    assert voting.get_poll(env.store, poll.id).state == "draft"
    paths = sorted({r.resource.canonical for r in env.client.app.router.routes()  # type: ignore[union-attr]
                    if r.resource is not None})
    assert paths == sorted(["/", "/j/{code}", "/static/app.js", "/static/app.css", "/healthz",
                            "/favicon.ico", "/api/join", "/api/names", "/api/state",
                            "/api/events",
                            "/api/polls/{poll_id}/ballot", "/api/polls/{poll_id}/qa",
                            "/api/qa/{item_id}/upvote"])


async def test_page_escapes_the_session_title_and_serves_no_external_asset(env: Env) -> None:
    with env.store.db() as db:
        s = db.get(type(env.session), env.session.id)
        assert s is not None
        s.title = '<script>alert("x")</script>'
        db.add(s)
        db.commit()
    await env.room.run(env.room._load)
    html = await (await env.client.get("/j/424242")).text()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert 'value="424242"' in html
    assert "http://" not in html and "https://" not in html
    js = await (await env.client.get("/static/app.js")).text()
    assert "innerHTML" not in js and "http" not in js.replace("history", "")
    resp = await env.client.get("/")
    assert "default-src 'none'" in resp.headers["Content-Security-Policy"]


async def test_live_stream_follows_the_facilitator(env: Env) -> None:
    headers = await env.join()
    async with env.client.get("/api/events", headers=headers) as resp:
        assert resp.headers["Content-Type"].startswith("text/event-stream")
        first = await read_event(resp)
        assert first["room"]["polls"] == []
        env.open("pick")
        state = await until(resp, lambda s: s["room"]["polls"])
        assert [p["ref"] for p in state["room"]["polls"]] == ["poll/pick"]
        commit(env.store, voting.close_poll, env.polls["pick"].id)
        env.open("many")
        state = await until(resp, lambda s: [p["ref"] for p in s["room"]["polls"]]
                            == ["poll/many"])


async def test_changes_by_another_process_reach_the_phones(env: Env) -> None:
    headers = await env.join()
    other = Store.open(env.store.path)  # e.g. the facilitator's app
    try:
        async with env.client.get("/api/events", headers=headers) as resp:
            await read_event(resp)
            commit(other, voting.open_poll, env.polls["say"].id)  # nobody calls room.changed()
            state = await until(resp, lambda s: s["room"]["polls"], timeout=3)
            assert state["room"]["polls"][0]["ref"] == "poll/say"
    finally:
        other.close()


async def test_ballots_written_by_another_process_update_results_on_show(env: Env) -> None:
    headers = await env.join()
    poll = env.open("pick")
    commit(env.store, voting.set_results_visible, poll.id, True)
    env.room.changed()
    other = Store.open(env.store.path)  # e.g. a second `coworkshop serve` on the file
    try:
        async with env.client.get("/api/events", headers=headers) as resp:
            await until(resp, lambda s: s["room"]["polls"] and "results" in s["room"]["polls"][0])
            voter = voting.join(other, env.session, "industry").voter
            voting.cast_ballot(other, voting.get_poll(other, poll.id), voter, 2)
            state = await until(resp, lambda s: s["room"]["polls"][0]["results"]["respondents"],
                                timeout=3)
            assert [r["count"] for r in state["room"]["polls"][0]["results"]["rows"]] == [0, 0, 1]
    finally:
        other.close()


async def test_reconnecting_stream_gets_the_current_state_and_own_answers(env: Env) -> None:
    headers = await env.join()
    poll = env.open("many")
    await env.client.post(f"/api/polls/{poll.id}/ballot", json={"value": [2, 0]},
                          headers=headers)
    async with env.client.get("/api/events",
                              headers={**headers, "Last-Event-ID": "1"}) as resp:
        state = await until(resp, lambda s: s["room"]["polls"])
        assert state["me"]["mine"] == {poll.id: [0, 2]}


async def test_results_are_hidden_until_shown(env: Env) -> None:
    headers = await env.join()
    poll = env.open("pick")
    await env.client.post(f"/api/polls/{poll.id}/ballot", json={"value": 1}, headers=headers)
    state = await env.state_when(headers, lambda s: s["room"]["polls"])
    assert "results" not in state["room"]["polls"][0]
    commit(env.store, voting.set_results_visible, poll.id, True)
    env.room.changed()
    state = await env.state_when(headers, lambda s: "results" in s["room"]["polls"][0])
    rows = state["room"]["polls"][0]["results"]["rows"]
    assert [(r["label"], r["count"], r["percent"]) for r in rows] == [
        ("A", 0, 0.0), ("B", 1, 100.0), ("C", 0, 0.0)]


async def test_qa_post_and_upvote(env: Env) -> None:
    a, b = await env.join(), await env.join()
    poll = env.open("ask")
    resp = await env.client.post(f"/api/polls/{poll.id}/qa",
                                 json={"text": "<img src=x onerror=alert(1)>"}, headers=a)
    item = (await resp.json())["id"]
    up = await env.client.post(f"/api/qa/{item}/upvote", json={"up": True}, headers=b)
    assert (await up.json())["upvotes"] == 1
    state = await env.state_when(
        b, lambda s: [i["upvotes"] for i in s["room"]["polls"][0].get("items", [])] == [1])
    [shown] = state["room"]["polls"][0]["items"]
    assert shown["text"] == "<img src=x onerror=alert(1)>" and shown["upvotes"] == 1
    assert state["me"]["upvoted"] == [item]
    assert "participant_id" not in shown


async def test_a_flooding_device_is_slowed_and_the_room_keeps_working(env: Env) -> None:
    flooder, other = await env.join(), await env.join()
    poll = env.open("pick")
    url = f"/api/polls/{poll.id}/ballot"
    statuses = await asyncio.gather(*[
        env.client.post(url, json={"value": i % 3}, headers=flooder) for i in range(120)])
    codes = [r.status for r in statuses]
    assert codes.count(429) > 50 and set(codes) <= {200, 429}
    limited = next(r for r in statuses if r.status == 429)
    assert int(limited.headers["Retry-After"]) >= 1
    started = time.monotonic()
    resp = await env.client.post(url, json={"value": 1}, headers=other)
    assert resp.status == 200 and time.monotonic() - started < 0.5


async def test_wrong_codes_are_slowed_down(env: Env) -> None:
    codes = []
    for i in range(12):
        resp = await env.client.post("/api/join", json={"code": f"{i:06d}", "group": "policy"})
        codes.append(resp.status)
    assert codes[:8] == [403] * 8 and 429 in codes[8:]


async def test_stop_with_phones_connected_ends_within_a_second(tmp_path: Path) -> None:
    store, session, polls = build(tmp_path / "quit.cws")
    commit(store, voting.open_poll, polls["pick"].id)
    server = VotingServer(store, session.id, code=CODE)
    await server.start("127.0.0.1", 0)
    base = server.base_url("127.0.0.1")
    async with ClientSession() as http:
        streams = []
        for _ in range(5):
            join = await http.post(f"{base}/api/join", json={"code": CODE, "group": "policy"})
            token = (await join.json())["token"]
            resp = await http.get(f"{base}/api/events",
                                  headers={"Authorization": f"Bearer {token}"})
            await read_event(resp)
            streams.append(resp)
        assert server.connected() == 5
        started = time.monotonic()
        await server.stop()
        assert time.monotonic() - started < 1.0
        for resp in streams:
            resp.close()
    store.close()


async def test_room_rejects_an_unknown_session(tmp_path: Path) -> None:
    store, _session, _ = build(tmp_path / "x.cws")
    room = Room(store, "no-such-session")
    try:
        await room.start()
    except voting.UserError as exc:
        assert "no such session" in str(exc)
    else:
        raise AssertionError("started on a missing session")
    finally:
        await room.stop()
        store.close()
    assert create_app  # the app factory is importable without a running room


async def test_a_poll_opened_while_results_are_computed_reaches_the_phones(
        env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """The facilitator's change lands while the room computes results: not lost."""
    headers = await env.join()
    other = Store.open(env.store.path)  # the facilitator's app
    slow_results = voting.results
    pending: list[str] = []  # polls to open from inside the next results call

    def results(store: Store, poll_id: str) -> voting.Results:
        time.sleep(0.2)  # a big file: results take a while
        while pending:  # committed between the room's read of the polls and its end
            key = pending.pop()
            with other.unit() as db:  # one change of the facilitator's
                voting.open_poll(db, env.polls[key].id, close_others=True)
                voting.set_results_visible(db, env.polls[key].id, True)
        return slow_results(store, poll_id)

    monkeypatch.setattr(voting, "results", results)
    try:
        async with env.client.get("/api/events", headers=headers) as resp:
            await read_event(resp)
            with other.unit() as db:  # one change of the facilitator's
                voting.open_poll(db, env.polls["pick"].id)
                voting.set_results_visible(db, env.polls["pick"].id, True)
            await until(resp, lambda s: [p["ref"] for p in s["room"]["polls"]]
                        == ["poll/pick"], timeout=3)
            shown = "pick"
            for key in ("many", "pick", "many"):
                # a ballot changes the results on show: the room rebuilds, slowly
                voter = voting.join(other, env.session, "industry").voter
                value = 0 if shown == "pick" else [0]
                voting.cast_ballot(other, voting.get_poll(other, env.polls[shown].id),
                                   voter, value)
                pending.append(key)
                env.room.changed()
                started = time.monotonic()
                await until(resp, lambda s, key=key: [p["ref"] for p in s["room"]["polls"]]
                            == [f"poll/{key}"], timeout=3)
                assert time.monotonic() - started < 1.0 + 0.2 * 2
                shown = key
    finally:
        other.close()


async def test_a_room_joining_at_once_shares_a_few_commits(
        env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    batches: list[int] = []
    join_many = voting.join_many

    def counted(store: Store, session: Any, requests: list[tuple[str, str]]) -> Any:
        batches.append(len(requests))
        return join_many(store, session, requests)

    monkeypatch.setattr(voting, "join_many", counted)
    bodies = [{"code": CODE, "group": "policy" if n % 2 else "industry", "name": f"P{n}"}
              for n in range(40)]
    bodies[7] = {"code": CODE, "group": "nobody", "name": "x"}  # no such group
    bodies[9] = {"code": CODE, "group": "policy", "name": "two\nlines"}
    responses = await asyncio.gather(*(env.client.post("/api/join", json=b) for b in bodies))
    statuses = [r.status for r in responses]
    assert statuses == [400 if n in (7, 9) else 200 for n in range(40)]
    assert "not one of" in (await responses[7].json())["error"]
    tokens = [(await r.json())["token"] for n, r in enumerate(responses) if n not in (7, 9)]
    assert len(set(tokens)) == 38
    assert sum(batches) == 40 and len(batches) < 10  # not one commit per join
    other = Store.open(env.store.path)  # what is on disk: every phone can vote
    try:
        for token in tokens:
            assert voting.voter_for_token(other, env.session.id, token) is not None
        with other.db() as db:
            names = sorted(p.name for p in sessions.participants(db, env.session.id))
        assert len(names) == 38 and "x" not in names
    finally:
        other.close()
