"""Two phones in real headless Chromium vote through `coworkshop serve`.

The facilitator's actions are made on the session file from this process, as
the facilitator's app in another process would: the server notices them and
both pages follow without a reload.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from coworkshop.core import polls as voting
from coworkshop.core import sessions
from coworkshop.core.store import Store

from .serving import CODE, Served, make_file

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (.ci/run installs it)",
                allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def phone(browser: object):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 390, "height": 844},  # type: ignore[attr-defined]
                              is_mobile=True, has_touch=True)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(10_000)
    return page, errors


def join(page, url: str, group: str, name: str = "") -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}/j/{CODE}")
    page.wait_for_selector("#join:not([hidden])")
    assert page.input_value("#code") == CODE
    page.check(f"input[name=group][value={group}]")
    if name:
        page.fill("#name", name)
    page.click("#join-button")
    page.wait_for_selector("#vote:not([hidden])")


def vote_single(page, option: str) -> None:  # type: ignore[no-untyped-def]
    card = page.locator("article[data-type=single]")
    card.get_by_role("button", name=option).click()
    card.locator("button.primary").click()
    card.locator(".status.ok").wait_for()


def test_two_phones_vote_change_and_follow_the_facilitator(tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "room.cws"
    session_id = make_file(path)
    store = Store.open(path)
    polls = {p.question.key: p for p in voting.polls(store, session_id)}
    served = Served(path, "p/stage")
    try:
        a, a_errors = phone(browser)
        b, b_errors = phone(browser)
        join(a, served.url, "policy", "Ana")
        join(b, served.url, "industry")
        assert "Policy makers" in a.inner_text("#who")

        # both vote; A changes its mind
        vote_single(a, "Exploring")
        vote_single(b, "Piloting")
        vote_single(a, "Not started")
        assert a.locator("article[data-type=single] button.primary").inner_text() == \
            "Change my answer"

        # the facilitator opens the next poll: both pages follow by themselves
        voting.open_poll(store, polls["rate"].id, close_others=True)
        for page in (a, b):
            page.wait_for_selector("article[data-type=scale_statements]")
            page.wait_for_selector("article[data-type=single]", state="detached")
        for page, points in ((a, [0, 1, 2]), (b, [0, 0, 1])):
            card = page.locator("article[data-type=scale_statements]")
            for s, point in enumerate(points):  # one statement at a time, then the next
                assert card.locator(".stmt").get_attribute("data-statement") == str(s)
                card.locator(".stmt .opt").nth(point).click()
            card.locator("button.primary").click()
            card.locator(".status.ok").wait_for()

        # C's network has no live stream: the page falls back to polling
        c, c_errors = phone(browser)
        c.route("**/api/events", lambda route: route.abort())
        join(c, served.url, "industry")
        card = c.locator("article[data-type=scale_statements]")
        card.wait_for()
        # a late ballot: C picks a rating, the poll closes before C hears of it, C sends
        card.locator(".step").nth(2).click()
        card.locator(".stmt .opt").nth(2).click()
        c.route("**/api/state", lambda route: route.abort())
        voting.close_poll(store, polls["rate"].id)
        card.locator("button.primary").click()
        assert "Too late" in card.locator(".status.error").inner_text()
        c.unroute("**/api/state")
        card.wait_for(state="detached")  # the next refresh shows the poll closed
        notice = c.locator(".notice")  # ... and the notice stays until dismissed
        assert "not counted" in notice.inner_text()
        notice.get_by_role("button").click()
        notice.wait_for(state="detached")

        # Q&A: hostile text is shown as text on the other phone
        voting.open_poll(store, polls["ask"].id)
        a.wait_for_selector("article[data-type=qa]")
        hostile = "<img src=x onerror=\"window.__xss=1\"> who signs?"
        a.fill("article[data-type=qa] textarea", hostile)
        a.click("article[data-type=qa] button.primary")
        b.wait_for_selector("article[data-type=qa] .items li p")
        assert b.inner_text("article[data-type=qa] .items li p") == hostile
        assert b.evaluate("window.__xss") is None
        b.click("article[data-type=qa] .items li button.up")
        a.locator("article[data-type=qa] .items li button.up", has_text="1").wait_for()
        assert a_errors == [] and b_errors == [] and c_errors == []
    finally:
        served.stop()

    # the session file holds exactly what was cast
    with store.db() as db:
        people = sessions.participants(db, session_id)
    ana, other, _late = sorted(people, key=lambda p: (p.name != "Ana", p.created_at))
    assert (ana.name, ana.stakeholder_group, other.stakeholder_group) == (
        "Ana", "policy", "industry")
    stage = voting.ballot_history(store, polls["stage"].id)
    assert [(x.stakeholder_group, voting.ballot_positions(polls["stage"], x)[1],
             x.replaced_by is None) for x in stage] == [
        ("policy", 1, False), ("industry", 2, True), ("policy", 0, True)]
    # anonymous polls: one pseudonym per phone, none of them a participant's id
    assert stage[0].participant_id == stage[2].participant_id != stage[1].participant_id
    assert {x.participant_id for x in stage}.isdisjoint({ana.id, other.id})
    ana_anon = stage[0].participant_id
    live = sorted((x.participant_id == ana_anon, *voting.ballot_positions(polls["rate"], x))
                  for x in voting.live_ballots(store, polls["rate"].id))
    assert live == [(False, 0, 0), (False, 1, 0), (False, 2, 1),
                    (True, 0, 0), (True, 1, 1), (True, 2, 2)]
    assert len(voting.ballot_history(store, polls["rate"].id)) == 6  # C's late one is absent
    [item] = voting.qa_items(store, polls["ask"].id)
    assert (item.text, item.upvotes, item.stakeholder_group) == (hostile, 1, "policy")
    res = voting.results(store, polls["stage"].id)
    assert [(r.label, r.count) for r in res.rows] == [
        ("Not started", 1), ("Exploring", 0), ("Piloting", 1)]
    store.close()
