"""The participants' page as a participant sees it (issue 7), in headless Chromium at 390x844."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from coworkshop.core import polls as voting
from coworkshop.core import sessions
from coworkshop.core.store import Store

from .serving import Served, make_file
from .test_browser import browser, join, phone  # noqa: F401  (browser is a fixture)

SHOTS = Path(os.environ.get("COWORKSHOP_SHOTS", "")) if os.environ.get("COWORKSHOP_SHOTS") \
    else None
EIGHT = [f"Vision {n}: a policy vision crossed with an industry need, in a sentence or two"
         for n in range(1, 9)]


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS is not None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def room(tmp_path: Path) -> tuple[Store, dict[str, voting.PollInfo], Path]:
    path = tmp_path / "page.cws"
    session_id = make_file(path)
    store = Store.open(path)
    with store.db() as db:
        act = sessions.activities(db, session_id)[0]
    voting.add_question(store, act.id, {"key": "eight", "type": "scale_statements",
                                        "text": "How relevant is each vision?",
                                        "scale": "relevance", "statements": EIGHT})
    polls = {p.question.key: p for p in voting.polls(store, session_id)}
    return store, polls, path


def test_join_without_a_group_says_what_to_do(tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    store, _polls, path = room(tmp_path)
    served = Served(path)
    try:
        page, errors = phone(browser)
        page.goto(f"{served.url}/j/135790")
        page.click("#join-button")
        text = page.inner_text("#join-error")
        assert "Choose your stakeholder group" in text and text != "I am here as"
        assert page.evaluate("document.activeElement.name") == "group"
        shot(page, "join-without-group")
        assert errors == []
    finally:
        served.stop()
        store.close()


def test_with_nothing_open_phones_wait_instead_of_showing_old_results(
        tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    store, polls, path = room(tmp_path)
    served = Served(path, "p/stage")
    try:
        page, errors = phone(browser)
        join(page, served.url, "policy")
        card = page.locator("article[data-type=single]")
        card.get_by_role("button", name="Exploring").click()
        card.locator("button.primary").click()
        card.locator(".status.ok").wait_for()
        voting.set_results_visible(store, polls["stage"].id, True)
        card.locator(".results h3").wait_for()
        voting.close_poll(store, polls["stage"].id)
        card.wait_for(state="detached")
        page.wait_for_selector("#waiting:not([hidden])")
        assert page.locator("article").count() == 0
        shot(page, "nothing-open")
        assert errors == []
    finally:
        served.stop()
        store.close()


def test_a_question_that_opens_does_not_move_the_box_being_typed_in(
        tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    store, polls, path = room(tmp_path)
    served = Served(path, "p/words")
    try:
        page, errors = phone(browser)
        join(page, served.url, "industry")
        box = page.locator("article[data-type=open] textarea")
        box.click()
        page.keyboard.type("We need regional")
        before = box.bounding_box()
        # the facilitator opens a question that comes before it on the agenda
        voting.open_poll(store, polls["stage"].id)
        page.wait_for_selector("article[data-type=single]")
        page.keyboard.type(" funding")
        after = box.bounding_box()
        assert box.input_value() == "We need regional funding"
        assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
        assert before is not None and after is not None
        assert abs(after["y"] - before["y"]) < 2  # same place on screen
        assert 0 <= after["y"] and after["y"] + after["height"] <= 844
        shot(page, "typing-kept-in-view")
        assert errors == []
    finally:
        served.stop()
        store.close()


def test_eight_statements_one_at_a_time_with_progress(tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    store, polls, path = room(tmp_path)
    served = Served(path, "p/eight")
    try:
        page, errors = phone(browser)
        join(page, served.url, "policy")
        card = page.locator("article[data-type=scale_statements]")
        card.wait_for()
        assert card.locator(".progress").inner_text() == "1 of 8"
        card.locator(".stmt .opt").nth(0).click()
        card.locator(".stmt .opt").nth(1).click()
        assert card.locator(".progress").inner_text() == "3 of 8"
        assert EIGHT[2] in card.locator(".stmt").inner_text()
        height = card.bounding_box()["height"]  # type: ignore[index]
        page_height = page.evaluate("document.documentElement.scrollHeight")
        shot(page, "eight-statements")
        assert height < 844 and page_height < 1000, (height, page_height)  # was 2,600 px
        for point in (2, 0, 1, 2, 0, 1):
            card.locator(".stmt .opt").nth(point).click()
        assert card.locator(".step.done").count() == 8
        card.locator("button.primary").click()
        card.locator(".status.ok").wait_for()
        card.locator(".step").nth(4).click()  # back to statement 5: its point is shown
        assert card.locator(".progress").inner_text() == "5 of 8"
        assert card.locator(".stmt .opt[aria-pressed=true]").inner_text() == "To some extent"
        assert errors == []
    finally:
        served.stop()
    live = sorted(voting.ballot_positions(polls["eight"], b)
                  for b in voting.live_ballots(store, polls["eight"].id))
    assert live == list(enumerate([0, 1, 2, 0, 1, 2, 0, 1]))
    store.close()


def test_a_busy_file_is_retried_by_the_page_and_nothing_is_lost(
        tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    store, polls, path = room(tmp_path)
    served = Served(path, "p/stage")
    try:
        page, errors = phone(browser)
        join(page, served.url, "policy")
        card = page.locator("article[data-type=single]")
        card.get_by_role("button", name="Piloting").click()
        other = sqlite3.connect(path, timeout=0)
        other.execute("BEGIN EXCLUSIVE")  # another program holds the file's lock
        try:
            card.locator("button.primary").click()
            page.wait_for_selector("#busy:not([hidden])", timeout=15_000)
            shot(page, "busy")
        finally:
            other.rollback()
            other.close()
        card.locator(".status.ok").wait_for(timeout=15_000)
        page.wait_for_selector("#busy", state="hidden")
        assert errors == []
    finally:
        served.stop()
    assert [voting.ballot_positions(polls["stage"], b)[1]
            for b in voting.live_ballots(store, polls["stage"].id)] == [2]
    store.close()
