"""The participants' server in the phone's language (issue 13): the session's by
default, the one picked on the page (``?lang=``, the ``cws_lang`` cookie) after."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from coworkshop.core import polls as voting
from coworkshop.core import sessions, templates
from coworkshop.core.store import Store
from coworkshop.server.app import create_app
from coworkshop.server.room import Limits, Room
from helpers.db import commit

MASTERY = Path(__file__).resolve().parents[2] / "canvases" / "mastery-policy-cocreation.toml"
CODE = "515151"


@pytest.fixture
async def italian(tmp_path: Path) -> AsyncIterator[tuple[TestClient, Store, dict[str, str]]]:
    """An Italian room of the MASTERY template, its relevance poll open."""
    store = Store.create(tmp_path / "torino.cws")
    with store.unit() as db:
        session = sessions.create_session(db, templates.load(MASTERY), sessions.SessionDetails(
            title="Laboratorio", language="it"))
    polls = {p.ref: p.id for p in voting.polls(store, session.id)}
    commit(store, voting.open_poll, polls["relevance/cp-relevance"])
    room = Room(store, session.id, code=CODE, limits=Limits(joins_burst=1000),
                min_interval=0.02, watch_interval=0.1)
    await room.start()
    client = TestClient(TestServer(create_app(room)))
    await client.start_server()
    try:
        yield client, store, polls
    finally:
        await room.stop()
        await client.close()
        store.close()


async def test_the_page_speaks_the_sessions_language_until_the_phone_picks_another(
        italian: tuple[TestClient, Store, dict[str, str]]) -> None:
    client, _store, _polls = italian
    page = await (await client.get("/j/" + CODE)).text()
    assert '<html lang="it">' in page and "Partecipa al workshop" in page
    assert "Decisori politici" in page  # the groups, from the template's translations
    picked = await client.get("/j/" + CODE + "?lang=bg")
    assert picked.cookies["cws_lang"].value == "bg"
    page = await picked.text()
    assert '<html lang="bg">' in page and "Включете се в семинара" in page
    assert "Създатели на политики" in page and 'value="' + CODE + '"' in page
    # the cookie keeps it for the page and the API
    assert "Включете се в семинара" in await (await client.get("/")).text()
    wrong = await client.post("/api/join", json={"code": "000000", "group": "policy"})
    assert (await wrong.json())["error"] == "грешен код: проверете кода на екрана"


async def test_state_and_refusals_come_in_the_phones_language(
        italian: tuple[TestClient, Store, dict[str, str]]) -> None:
    client, store, polls = italian
    joined = await client.post("/api/join", json={"code": CODE, "group": "industry"})
    assert joined.status == 200
    state = await (await client.get("/api/state")).json()  # the session's language
    (poll,) = state["room"]["polls"]
    assert poll["statements"][0] == "Micro-credenziali misurabili, comparabili e comprensibili"
    assert poll["choices"][0] == "Risponde in gran parte"
    client.session.cookie_jar.update_cookies({"cws_lang": "fi"})
    state = await (await client.get("/api/state")).json()
    (poll,) = state["room"]["polls"]
    assert poll["statements"][0] == "Mitattavat, vertailukelpoiset ja ymmärrettävät mikrotutkinnot"
    assert poll["choices"] == ["Vastaa suuressa määrin", "Vastaa jossain määrin",
                               "Ei vastaa lainkaan"]
    assert [g["label"] for g in state["room"]["groups"]][0] == "Päättäjät"
    # a refusal of the core: code and parameters, in Finnish
    too_many = await client.post(f"/api/polls/{polls['relevance/cp-relevance']}/ballot",
                                 json={"values": {"9": 0}})
    assert too_many.status == 400
    assert await too_many.json() == {"error": "väittämää 9 ei ole",
                                     "code": "there_is_no_statement_key_r"}
    commit(store, voting.close_poll, polls["relevance/cp-relevance"])
    late = await client.post(f"/api/polls/{polls['relevance/cp-relevance']}/ballot",
                             json={"values": {"0": 0}})
    assert late.status == 409
    assert (await late.json())["error"] == "äänestys on suljettu: vastaustasi ei laskettu"
