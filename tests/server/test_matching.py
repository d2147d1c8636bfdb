"""Joining as a registered participant: personal codes and picked names over HTTP."""

from __future__ import annotations

from coworkshop.core import matching, sessions
from helpers.db import commit

from .conftest import CODE, Env


def register(env: Env, name: str, group: str = "industry") -> tuple[str, str]:
    """(id, personal code) of a newly registered participant."""
    p = commit(env.store, sessions.add_participant, env.session, group, name)
    with env.store.db() as db:
        return p.id, matching.personal_codes(db, env.session.id)[p.id]


def counts(env: Env) -> matching.HeadCounts:
    with env.store.db() as db:
        return matching.head_counts(db, env.session.id)


async def test_joining_with_a_personal_code_matches_the_phone(env: Env) -> None:
    pid, code = register(env, "Iva Petrova")
    resp = await env.client.post("/api/join", json={
        "code": CODE, "personal_code": code.lower(), "name": "ignored"})
    assert resp.status == 200, await resp.text()
    data = await resp.json()
    # no group was chosen: the registered one is taken
    assert (data["group"], data["name"], data["matched"]) == ("industry", "Iva Petrova", True)
    assert counts(env) == matching.HeadCounts(registered=1, by_phone=1, both=1)
    with env.store.db() as db:
        assert matching.live_matches(db, env.session.id)[0].registered_id == pid
    # the phone can vote at once, as any joined phone
    state = await env.client.get("/api/state",
                                 headers={"Authorization": f"Bearer {data['token']}"})
    assert state.status == 200


async def test_bad_personal_codes_are_clear_4xx_never_500(env: Env) -> None:
    _pid, code = register(env, "Iva")
    cases = [
        ({"personal_code": "XXXXX"}, 403, "Unknown personal code"),
        ({"personal_code": 12345}, 400, "must be text"),
        ({"personal_code": "Q" * 500}, 403, "Unknown personal code"),
        ({"personal_code": code, "participant": "someone"}, 400, "not both"),
        ({"participant": "nobody"}, 403, "Picking a name is not allowed"),
    ]
    for extra, status, words in cases:
        resp = await env.client.post("/api/join", json={"code": CODE, **extra})
        assert resp.status == status, (extra, await resp.text())
        assert words in (await resp.json())["error"]
    assert counts(env) == matching.HeadCounts(1, 0, 0)  # nothing joined
    ok = await env.client.post("/api/join", json={"code": CODE, "personal_code": code})
    assert ok.status == 200
    env.client.session.cookie_jar.clear()
    again = await env.client.post("/api/join", json={"code": CODE, "personal_code": code})
    assert again.status == 409
    assert "already joined" in (await again.json())["error"]


async def test_guessing_personal_codes_is_held_back(env: Env) -> None:
    register(env, "Iva")
    statuses = []
    for i in range(12):
        resp = await env.client.post("/api/join", json={
            "code": CODE, "personal_code": f"WRNG{i}"})
        statuses.append(resp.status)
    assert statuses[0] == 403 and statuses[-1] == 429


async def test_names_to_pick_only_with_the_code_and_when_allowed(env: Env) -> None:
    iva, _ = register(env, "Iva")
    register(env, "")  # not named: never listed
    wrong = await env.client.post("/api/names", json={"code": "000000"})
    assert wrong.status == 403
    off = await env.client.post("/api/names", json={"code": CODE})
    assert (await off.json()) == {"names": []}
    commit(env.store, matching.allow_name_pick, env.session.id, True)
    on = await env.client.post("/api/names", json={"code": CODE})
    assert (await on.json()) == {"names": [{"id": iva, "name": "Iva"}]}
    resp = await env.client.post("/api/join", json={"code": CODE, "participant": iva})
    assert resp.status == 200 and (await resp.json())["name"] == "Iva"
    env.client.session.cookie_jar.clear()
    taken = await env.client.post("/api/names", json={"code": CODE})
    assert (await taken.json()) == {"names": []}
    again = await env.client.post("/api/join", json={"code": CODE, "participant": iva})
    assert again.status == 409


async def test_a_phone_without_code_still_joins_and_counts_by_phone(env: Env) -> None:
    register(env, "Iva")
    await env.join("policy", "")
    assert counts(env) == matching.HeadCounts(registered=1, by_phone=1, both=0)
