"""The participants' page in the room's language (issue 13): a Bulgarian room, in
headless Chromium: join, vote, a refused ballot's message; switching to Finnish."""

from __future__ import annotations

from pathlib import Path

from coworkshop.core import polls as voting
from coworkshop.core import sessions, templates
from coworkshop.core.store import Store
from helpers.db import commit

from .serving import CODE, Served
from .test_browser import browser, phone  # noqa: F401  (browser is a fixture)

MASTERY = Path(__file__).resolve().parents[2] / "canvases" / "mastery-policy-cocreation.toml"


def bulgarian_room(path: Path) -> tuple[Store, dict[str, voting.PollInfo]]:
    store = Store.create(path)
    with store.unit() as db:
        session = sessions.create_session(
            db, templates.load(MASTERY),
            sessions.SessionDetails(title="Семинар в София", language="bg"))
    return store, {p.ref: p for p in voting.polls(store, session.id)}


def test_a_bulgarian_room_joins_votes_and_reads_a_refusal_in_bulgarian(
        tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    store, polls = bulgarian_room(tmp_path / "sofia.cws")
    served = Served(tmp_path / "sofia.cws", "welcome/stage")
    try:
        page, errors = phone(browser)
        # no live stream (the page polls): the late ballot below stays late
        page.route("**/api/events", lambda route: route.abort())
        page.goto(f"{served.url}/j/{CODE}")
        page.wait_for_selector("#join:not([hidden])")
        assert page.locator("html").get_attribute("lang") == "bg"
        assert page.inner_text("#join h2") == "Включете се в семинара"
        assert "Създатели на политики" in page.inner_text("fieldset")
        page.click("#join-button")  # no group chosen: told what to do, in Bulgarian
        assert page.inner_text("#join-error") == \
            "Изберете групата си по-горе и натиснете Включване."
        page.check("input[name=group][value=policy]")
        page.click("#join-button")
        page.wait_for_selector("#vote:not([hidden])")
        assert page.inner_text("#who") == "Включени сте като Създатели на политики"

        card = page.locator("article[data-type=single]")
        assert "Докъде е стигнала вашата организация" in card.locator("h2").inner_text()
        card.get_by_role("button", name="Проучваме идеята").click()
        card.locator("button.primary").click()
        assert card.locator(".status.ok").inner_text().startswith("Получено.")

        # a late ballot: the poll closes before the phone hears of it
        card.get_by_role("button", name="Не съм сигурен").click()
        page.route("**/api/state", lambda route: route.abort())
        commit(store, voting.close_poll, polls["welcome/stage"].id)
        card.locator("button.primary").click()
        assert card.locator(".status.error").inner_text().startswith("Твърде късно")
        assert "Твърде късно" in page.locator(".notice").inner_text()
        # ... and what the server itself answered, in the phone's language
        refusal = page.evaluate(
            """id => fetch('/api/polls/' + id + '/ballot', {method: 'POST',
                 headers: {'Content-Type': 'application/json'}, body: '{"value": 1}'})
                 .then(r => r.json().then(d => [r.status, d.error]))""",
            polls["welcome/stage"].id)
        assert refusal == [409, "гласуването е затворено: отговорът ви не е отчетен"]
        assert errors == []
    finally:
        served.stop()
        store.close()


def test_the_participant_switches_the_page_to_finnish_and_stays_joined(
        tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    store, _polls = bulgarian_room(tmp_path / "sofia.cws")
    served = Served(tmp_path / "sofia.cws", "relevance/cp-relevance")
    try:
        page, errors = phone(browser)
        page.goto(f"{served.url}/j/{CODE}")
        page.check("input[name=group][value=industry]")
        page.click("#join-button")
        page.wait_for_selector("article[data-type=scale_statements]")
        page.click("nav.langs a[lang=fi]")
        card = page.locator("article[data-type=scale_statements]")
        card.wait_for()
        assert page.locator("html").get_attribute("lang") == "fi"
        assert page.inner_text("#who") == "Mukana ryhmässä Teollisuus, yritykset, elinkeinoelämä"
        assert "Mitattavat, vertailukelpoiset" in card.inner_text()
        assert card.get_by_role("button", name="Vastaa suuressa määrin").count() == 1
        assert card.locator("button.primary").inner_text() == "Lähetä"
        assert errors == []
    finally:
        served.stop()
        store.close()
